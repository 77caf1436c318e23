//! The bench's fixed art — the room and every station — is drawn once into
//! an image by a camera of its own, then shown as one opaque quad.
//!
//! A software renderer pays for every pixel of every shape each frame; a
//! few hundred overlapping shapes cost more than the rest of the frame. The
//! art camera renders only until a frame has been drawn with all its shaders
//! ready, then stops; it draws again if the window changes size. Tubes, the
//! spill and the interface stay live on the main camera.

use bevy::camera::RenderTarget;
use bevy::camera::ScalingMode;
use bevy::camera::visibility::RenderLayers;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::extract_component::ExtractComponent;
use bevy::render::render_resource::TextureFormat;

use super::layout::{BACK_COUNTER_Y, COUNTER_DEPTHS, FRONT_COUNTER_Y, bench_layout};
use crate::play::Play;
use crate::state::Screen;
use crate::ui::drawn::{self, DrawnFrames};
use crate::ui::theme::palette;

/// The render layer of the cached art. The main camera sees layer 0 only.
pub const ART_LAYER: usize = 1;

/// The cached art's render layers, for everything drawn into the cache.
pub fn art_layer() -> RenderLayers {
    RenderLayers::layer(ART_LAYER)
}

/// The camera that draws the art into the cache image.
#[derive(Component, Debug, Clone, Copy, ExtractComponent)]
pub struct ArtCamera;

/// A piece of the cache shown on the main camera.
#[derive(Component, Debug)]
pub struct ArtPiece;

/// The cache in use: its size in pixels, the world area it holds, and the
/// cut-out its pieces on screen were placed for.
#[derive(Resource, Debug)]
struct ArtCache {
    size: UVec2,
    area: Rect,
    image: Handle<Image>,
    pieces_for: Option<Option<Rect>>,
}

/// The part of the bench hidden under an opaque panel (world units): no art
/// is drawn there.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct ArtCutout(pub Option<Rect>);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<ArtCutout>();
    // Without a renderer (headless tests) there is nothing to cache.
    if app.get_sub_app(bevy::render::RenderApp).is_none() {
        return;
    }
    drawn::track::<ArtCamera>(app);
    app.add_systems(OnExit(Screen::Bench), |mut commands: Commands| commands.remove_resource::<ArtCache>());
    app.add_systems(
        Update,
        (fit_cache, place_pieces, drawn::settle::<ArtCamera>).chain().run_if(in_state(Screen::Bench)),
    );
}

/// The main camera's drawing size in pixels and the world area it shows.
fn main_view(cameras: &Query<(&Camera, &Projection), Without<ArtCamera>>) -> Option<(UVec2, Rect)> {
    cameras.iter().find_map(|(camera, projection)| match projection {
        Projection::Orthographic(p) if camera.is_active => {
            camera.physical_viewport_size().filter(|s| s.x > 0 && s.y > 0).map(|s| (s, p.area))
        }
        _ => None,
    })
}

/// Creates the cache at the window's size on the first bench frame, and
/// again whenever the window is resized.
fn fit_cache(
    mut commands: Commands,
    cameras: Query<(&Camera, &Projection), Without<ArtCamera>>,
    cache: Option<Res<ArtCache>>,
    mut images: ResMut<Assets<Image>>,
    art_cameras: Query<Entity, With<ArtCamera>>,
    frames: Res<DrawnFrames<ArtCamera>>,
) {
    let Some((size, area)) = main_view(&cameras) else { return };
    if cache.as_ref().is_some_and(|c| c.size == size && c.area == area) {
        return;
    }
    for entity in &art_cameras {
        commands.entity(entity).despawn();
    }
    // An sRGB texture without a second view format: WebGL2 has no view formats.
    let mut image = Image::new_target_texture(size.x, size.y, TextureFormat::Rgba8UnormSrgb, None);
    // One texel per pixel: sampling must not blend neighbours.
    image.sampler = ImageSampler::nearest();
    let image = images.add(image);
    frames.restart();
    commands.spawn((
        Name::new("Art camera"),
        ArtCamera,
        Camera2d,
        Camera { order: -1, clear_color: ClearColorConfig::Custom(palette::WALL), ..default() },
        RenderTarget::Image(image.clone().into()),
        Msaa::Off,
        Projection::Orthographic(OrthographicProjection {
            scaling_mode: ScalingMode::Fixed { width: area.width(), height: area.height() },
            ..OrthographicProjection::default_2d()
        }),
        art_layer(),
        DespawnOnExit(Screen::Bench),
    ));
    commands.insert_resource(ArtCache { size, area, image, pieces_for: None });
}

/// Shows the parts of the cache with art, less what the panel card covers:
/// the plain wall between them is the clear colour, and every pixel drawn
/// costs. Redone when the cache or the card changes.
fn place_pieces(
    mut commands: Commands,
    cache: Option<ResMut<ArtCache>>,
    cutout: Res<ArtCutout>,
    play: Option<Res<Play>>,
    pieces: Query<Entity, With<ArtPiece>>,
) {
    let (Some(mut cache), Some(play)) = (cache, play) else { return };
    if cache.pieces_for == Some(cutout.0) {
        return;
    }
    cache.pieces_for = Some(cutout.0);
    for entity in &pieces {
        commands.entity(entity).despawn();
    }
    let texels = cache.size.as_vec2() / cache.area.size();
    let regions = art_regions(play.scenario.lab.analyzers.len());
    let shown = regions.into_iter().flat_map(|r| match cutout.0 {
        Some(cut) => subtract(r, cut),
        None => vec![r],
    });
    for region in shown {
        let Some((world, texel)) = snap(region, cache.area, texels) else { continue };
        commands.spawn((
            Name::new("Bench art"),
            ArtPiece,
            Sprite {
                image: cache.image.clone(),
                rect: Some(texel),
                custom_size: Some(world.size()),
                ..default()
            },
            // Above the live wall lines (z -19), below tubes and the spill.
            Transform::from_translation(world.center().extend(-15.0)),
            DespawnOnExit(Screen::Bench),
        ));
    }
}

/// The parts of `r` outside `cut`: up to four rectangles.
pub fn subtract(r: Rect, cut: Rect) -> Vec<Rect> {
    let overlap = r.intersect(cut);
    if overlap.is_empty() {
        return vec![r];
    }
    [
        Rect::new(r.min.x, r.min.y, overlap.min.x, r.max.y),
        Rect::new(overlap.max.x, r.min.y, r.max.x, r.max.y),
        Rect::new(overlap.min.x, r.min.y, overlap.max.x, overlap.min.y),
        Rect::new(overlap.min.x, overlap.max.y, overlap.max.x, r.max.y),
    ]
    .into_iter()
    .filter(|p| p.width() > 0.0 && p.height() > 0.0)
    .collect()
}

/// The parts of the bench with art: each station with its shadow and name
/// plate, and the two counters.
pub fn art_regions(analyzers: usize) -> Vec<Rect> {
    let mut regions: Vec<Rect> = bench_layout(analyzers)
        .iter()
        .map(|p| Rect::from_corners(p.rect.min - Vec2::new(24.0, 8.0), p.rect.max + Vec2::new(24.0, 28.0)))
        .collect();
    for (top, depth) in [(BACK_COUNTER_Y, COUNTER_DEPTHS[0]), (FRONT_COUNTER_Y, COUNTER_DEPTHS[1])] {
        regions.push(Rect::new(-700.0, top - depth - 4.0, 700.0, top));
    }
    regions
}

/// A world rectangle clipped to the view and snapped to whole texels of the
/// cache: the world rectangle to draw, and the texels it shows.
fn snap(region: Rect, area: Rect, texels: Vec2) -> Option<(Rect, Rect)> {
    let clipped = region.intersect(area);
    if clipped.is_empty() {
        return None;
    }
    // Texel space has its origin at the top left.
    let min = Vec2::new(clipped.min.x - area.min.x, area.max.y - clipped.max.y) * texels;
    let max = Vec2::new(clipped.max.x - area.min.x, area.max.y - clipped.min.y) * texels;
    let texel = Rect::from_corners(min.floor(), max.ceil());
    let world = Rect::from_corners(
        Vec2::new(area.min.x + texel.min.x / texels.x, area.max.y - texel.max.y / texels.y),
        Vec2::new(area.min.x + texel.max.x / texels.x, area.max.y - texel.min.y / texels.y),
    );
    Some((world, texel))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn area(r: &[Rect]) -> f32 {
        r.iter().map(|p| p.width() * p.height()).sum()
    }

    #[test]
    fn subtracting_a_cut_leaves_everything_else_once() {
        let r = Rect::new(0.0, 0.0, 100.0, 50.0);
        assert_eq!(subtract(r, Rect::new(200.0, 0.0, 300.0, 50.0)), vec![r]);
        let cut = Rect::new(20.0, 10.0, 60.0, 30.0);
        let parts = subtract(r, cut);
        assert_eq!(parts.len(), 4);
        assert_eq!(area(&parts), 100.0 * 50.0 - 40.0 * 20.0);
        for (i, p) in parts.iter().enumerate() {
            assert!(p.intersect(cut).is_empty(), "{p:?} overlaps the cut");
            for q in &parts[i + 1..] {
                assert!(p.intersect(*q).is_empty(), "{p:?} overlaps {q:?}");
            }
        }
        // A cut over one side leaves one piece; a cut over everything, none.
        assert_eq!(subtract(r, Rect::new(50.0, -10.0, 120.0, 60.0)), vec![Rect::new(0.0, 0.0, 50.0, 50.0)]);
        assert!(subtract(r, Rect::new(-1.0, -1.0, 101.0, 51.0)).is_empty());
    }

    #[test]
    fn pieces_snap_to_whole_texels_and_cover_their_region() {
        let view = Rect::new(-640.0, -360.0, 640.0, 360.0);
        for texels in [Vec2::ONE, Vec2::splat(1.5)] {
            let region = Rect::new(-600.3, 10.2, -420.6, 250.9);
            let (world, texel) = snap(region, view, texels).unwrap();
            assert_eq!(texel.min, texel.min.round());
            assert_eq!(texel.max, texel.max.round());
            assert!(world.contains(region.min) && world.contains(region.max), "{world:?}");
            assert!(world.size().x - region.size().x < 2.0 / texels.x);
            assert!((texel.size() - world.size() * texels).abs().max_element() < 1e-3);
        }
        // Texel rows count from the top of the view.
        let (_, texel) = snap(Rect::new(-640.0, 350.0, -630.0, 360.0), view, Vec2::ONE).unwrap();
        assert_eq!(texel, Rect::new(0.0, 0.0, 10.0, 10.0));
        assert!(snap(Rect::new(700.0, 0.0, 800.0, 10.0), view, Vec2::ONE).is_none());
    }

    #[test]
    fn every_station_lies_inside_the_art_regions() {
        for analyzers in 1..=4 {
            let regions = art_regions(analyzers);
            for station in bench_layout(analyzers) {
                assert!(
                    regions.iter().any(|r| r.contains(station.rect.min) && r.contains(station.rect.max)),
                    "{:?} is not in a region",
                    station.kind
                );
            }
        }
    }
}
