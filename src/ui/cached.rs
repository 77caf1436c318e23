//! An interface root drawn into an image by a camera of its own, only in
//! the frames after something in it changed, and shown on the window as one
//! sprite in between.
//!
//! A software renderer pays for every pixel of every interface node in every
//! frame, and Bevy's interface shader is costly per pixel (a rounded box's
//! distance for every node and every glyph). The panel card is the largest
//! interface on the bench and changes only when the shift, the mouse or the
//! focus does: drawn once into an image, it costs a sprite of its size.
//!
//! The image has the window's size and scale, and the root is laid out in it
//! where it would be on the window, so a point on the window is the same
//! point in the root's layout. Bevy follows the mouse ([`Interaction`]) only
//! over interfaces drawn to a window: over a cached root this module does it,
//! into [`Pointed`], which the buttons read in its place.

use bevy::camera::RenderTarget;
use bevy::camera::visibility::RenderLayers;
use bevy::image::ImageSampler;
use bevy::prelude::*;
use bevy::render::extract_component::ExtractComponent;
use bevy::render::render_resource::TextureFormat;
use bevy::ui::{ComputedUiTargetCamera, UiSystems};
use bevy::window::PrimaryWindow;

use crate::ui::drawn::{self, DrawnFrames};
use crate::ui::widgets::{Btn, Pointed};

/// Marks an interface root to be drawn through the cache.
#[derive(Component, Debug, Default)]
pub struct CachedUi;

/// The camera that draws the cached roots into the image.
#[derive(Component, Debug, Clone, Copy, ExtractComponent)]
pub struct UiCacheCamera;

/// The sprite that shows a cached root on the window.
#[derive(Component, Debug)]
struct CacheSprite {
    root: Entity,
}

/// The render layer the cache camera sees: no sprite is on it, so the
/// camera draws only the interface given to it.
const CACHE_LAYER: usize = 2;

/// Above every sprite of the bench (the main camera sees −1000 to 1000).
const SPRITE_Z: f32 = 900.0;

/// The image in use, its size and scale factor, and its camera.
#[derive(Resource, Debug)]
struct UiCache {
    size: UVec2,
    scale: f32,
    image: Handle<Image>,
    camera: Entity,
}

/// Whether the mouse is over a cached root (the window's interface is not
/// told): a click there is not a click on the bench below.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct CursorOverCached(pub bool);

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<CursorOverCached>();
    // Without a renderer (headless tests) the roots stay on the window's interface.
    if app.get_sub_app(bevy::render::RenderApp).is_none() {
        return;
    }
    drawn::track::<UiCacheCamera>(app);
    app.add_systems(PreUpdate, follow_pointer.after(UiSystems::Focus));
    app.add_systems(
        PostUpdate,
        (fit_cache, (redraw_on_change, drawn::settle::<UiCacheCamera>).chain(), place_sprites)
            .chain()
            .after(UiSystems::Stack),
    );
}

/// The window's drawing size in pixels and its scale factor.
fn window_size(windows: &Query<&Window, With<PrimaryWindow>>) -> Option<(UVec2, f32)> {
    let window = windows.single().ok()?;
    let size = window.physical_size();
    (size.x > 0 && size.y > 0).then_some((size, window.scale_factor()))
}

/// Creates the image and its camera at the window's size, again whenever
/// the window changes size or scale, and gives the cached roots to it.
fn fit_cache(
    mut commands: Commands,
    windows: Query<&Window, With<PrimaryWindow>>,
    cache: Option<Res<UiCache>>,
    mut images: ResMut<Assets<Image>>,
    roots: Query<(Entity, Option<&UiTargetCamera>), With<CachedUi>>,
    frames: Res<DrawnFrames<UiCacheCamera>>,
) {
    let Some((size, scale)) = window_size(&windows) else { return };
    let camera = match cache {
        Some(c) if c.size == size && c.scale == scale => c.camera,
        old => {
            if let Some(old) = old {
                commands.entity(old.camera).despawn();
            }
            // An sRGB texture without a second view format: WebGL2 has none.
            let mut image = Image::new_target_texture(size.x, size.y, TextureFormat::Rgba8UnormSrgb, None);
            // One texel per pixel: sampling must not blend neighbours.
            image.sampler = ImageSampler::nearest();
            let image = images.add(image);
            frames.restart();
            let camera = commands
                .spawn((
                    Name::new("Interface cache camera"),
                    UiCacheCamera,
                    Camera2d,
                    Camera { order: -2, clear_color: ClearColorConfig::Custom(Color::NONE), ..default() },
                    RenderTarget::Image(bevy::camera::ImageRenderTarget {
                        handle: image.clone(),
                        scale_factor: scale,
                    }),
                    Msaa::Off,
                    RenderLayers::layer(CACHE_LAYER),
                ))
                .id();
            commands.insert_resource(UiCache { size, scale, image, camera });
            camera
        }
    };
    for (root, target) in &roots {
        if target.is_none_or(|t| t.0 != camera) {
            commands.entity(root).insert(UiTargetCamera(camera));
        }
    }
}

/// What a node may change that shows.
type Shown = Or<(
    Changed<Node>,
    Changed<ComputedNode>,
    Changed<UiGlobalTransform>,
    Changed<BackgroundColor>,
    Changed<BorderColor>,
    Changed<Outline>,
    Changed<TextColor>,
    Changed<bevy::text::TextLayoutInfo>,
    Changed<InheritedVisibility>,
)>;

/// Draws the image again when anything in a cached root changed, or a node was removed.
fn redraw_on_change(
    cache: Option<Res<UiCache>>,
    changed: Query<&ComputedUiTargetCamera, Shown>,
    mut removed: RemovedComponents<ComputedNode>,
    frames: Res<DrawnFrames<UiCacheCamera>>,
) {
    let Some(cache) = cache else { return };
    let removed = removed.read().count() > 0;
    if removed || changed.iter().any(|c| c.get() == Some(cache.camera)) {
        frames.restart();
    }
}

/// A root's rectangle in the image (physical pixels), if it shows.
fn drawn_rect(node: &Node, computed: &ComputedNode, at: &UiGlobalTransform) -> Option<Rect> {
    if node.display == Display::None || computed.size().min_element() <= 0.0 {
        return None;
    }
    Some(Rect::from_center_size(at.translation, computed.size()))
}

/// Shows each cached root's part of the image where the root would be on
/// the window, above the bench; a sprite whose root is gone goes too.
fn place_sprites(
    mut commands: Commands,
    cache: Option<Res<UiCache>>,
    roots: Query<(Entity, &Node, &ComputedNode, &UiGlobalTransform), With<CachedUi>>,
    mut sprites: Query<(Entity, &CacheSprite, &mut Sprite, &mut Transform, &mut Visibility)>,
    cameras: Query<(&Camera, &GlobalTransform), (Without<UiCacheCamera>, With<Camera2d>)>,
) {
    let Some(cache) = cache else { return };
    let Some((camera, camera_at)) = cameras.iter().filter(|(c, _)| c.is_active).max_by_key(|(c, _)| c.order)
    else {
        return;
    };
    let image = Rect::new(0.0, 0.0, cache.size.x as f32, cache.size.y as f32);
    let to_world = |p: Vec2| camera.viewport_to_world_2d(camera_at, p / cache.scale).ok();
    for (entity, sprite, ..) in &sprites {
        if !roots.contains(sprite.root) {
            commands.entity(entity).despawn();
        }
    }
    for (root, node, computed, at) in &roots {
        let shown = drawn_rect(node, computed, at).and_then(|rect| {
            let rect = rect.intersect(image);
            Some((rect, Rect::from_corners(to_world(rect.min)?, to_world(rect.max)?)))
        });
        let place = shown.map(|(_, world)| world.center().extend(SPRITE_Z));
        match (sprites.iter_mut().find(|(_, s, ..)| s.root == root), shown) {
            (Some((_, _, mut sprite, mut transform, mut visibility)), Some((rect, world))) => {
                visibility.set_if_neq(Visibility::Visible);
                if sprite.image != cache.image {
                    sprite.image = cache.image.clone();
                }
                if sprite.rect != Some(rect) || sprite.custom_size != Some(world.size()) {
                    sprite.rect = Some(rect);
                    sprite.custom_size = Some(world.size());
                }
                if let Some(place) = place
                    && transform.translation != place
                {
                    transform.translation = place;
                }
            }
            (Some((.., mut visibility)), None) => {
                visibility.set_if_neq(Visibility::Hidden);
            }
            (None, Some((rect, world))) => {
                commands.spawn((
                    Name::new("Cached interface"),
                    CacheSprite { root },
                    Sprite {
                        image: cache.image.clone(),
                        rect: Some(rect),
                        custom_size: Some(world.size()),
                        ..default()
                    },
                    Transform::from_translation(world.center().extend(SPRITE_Z)),
                ));
            }
            (None, None) => {}
        }
    }
}

/// Follows the mouse over the cached roots' buttons, as Bevy's focus system
/// does over the window's: hovered, and pressed from the click while the
/// mouse button is held.
fn follow_pointer(
    mut commands: Commands,
    windows: Query<&Window, With<PrimaryWindow>>,
    mouse: Res<ButtonInput<MouseButton>>,
    roots: Query<(Entity, &Node, &ComputedNode, &UiGlobalTransform), With<CachedUi>>,
    children: Query<&Children>,
    mut buttons: Query<(&ComputedNode, &UiGlobalTransform, Option<&mut Pointed>), With<Btn>>,
    mut over: ResMut<CursorOverCached>,
) {
    let cursor = windows.single().ok().and_then(Window::physical_cursor_position);
    let mut over_any = false;
    for (root, node, computed, at) in &roots {
        // A button scrolled out of the card is not under the mouse.
        let inside = cursor.filter(|p| drawn_rect(node, computed, at).is_some_and(|r| r.contains(*p)));
        over_any |= inside.is_some();
        for entity in children.iter_descendants(root) {
            let Ok((computed, at, pointed)) = buttons.get_mut(entity) else { continue };
            let hovered = inside.is_some_and(|p| computed.contains_point(*at, p));
            let was = pointed.as_ref().map_or(Interaction::None, |p| p.0);
            let now = match (hovered, was) {
                (false, _) => Interaction::None,
                (true, _) if mouse.just_pressed(MouseButton::Left) => Interaction::Pressed,
                (true, Interaction::Pressed) if mouse.pressed(MouseButton::Left) => Interaction::Pressed,
                (true, _) => Interaction::Hovered,
            };
            match pointed {
                Some(mut p) => {
                    p.set_if_neq(Pointed(now));
                }
                None => {
                    commands.entity(entity).insert(Pointed(now));
                }
            }
        }
    }
    over.set_if_neq(CursorOverCached(over_any));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::command::UiCommand;

    /// A window with a card at (100, 100)–(300, 400) holding one button at
    /// (120, 120)–(220, 150), the mouse at `cursor`.
    fn card(cursor: Vec2) -> (App, Entity) {
        let mut app = App::new();
        app.init_resource::<ButtonInput<MouseButton>>().init_resource::<CursorOverCached>();
        app.add_systems(Update, follow_pointer);
        let mut window = Window::default();
        window.set_physical_cursor_position(Some(cursor.as_dvec2()));
        app.world_mut().spawn((window, PrimaryWindow));
        let computed = |size: Vec2| ComputedNode { size, inverse_scale_factor: 1.0, ..default() };
        let button = app
            .world_mut()
            .spawn((
                Btn { command: UiCommand::ClosePanel, enabled: true },
                computed(Vec2::new(100.0, 30.0)),
                UiGlobalTransform::from_translation(Vec2::new(170.0, 135.0)),
            ))
            .id();
        let root = app
            .world_mut()
            .spawn((
                CachedUi,
                Node::default(),
                computed(Vec2::new(200.0, 300.0)),
                UiGlobalTransform::from_translation(Vec2::new(200.0, 250.0)),
            ))
            .id();
        app.world_mut().entity_mut(root).add_child(button);
        (app, button)
    }

    fn pointed(app: &App, button: Entity) -> Option<Interaction> {
        app.world().get::<Pointed>(button).map(|p| p.0)
    }

    #[test]
    fn the_mouse_over_a_cached_button_hovers_then_presses_it() {
        let (mut app, button) = card(Vec2::new(150.0, 130.0));
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::Hovered));
        assert!(app.world().resource::<CursorOverCached>().0);
        app.world_mut().resource_mut::<ButtonInput<MouseButton>>().press(MouseButton::Left);
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::Pressed));
        // Held: still pressed, not pressed again.
        app.world_mut().resource_mut::<ButtonInput<MouseButton>>().clear();
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::Pressed));
        app.world_mut().resource_mut::<ButtonInput<MouseButton>>().release(MouseButton::Left);
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::Hovered));
    }

    #[test]
    fn the_mouse_elsewhere_on_the_card_or_off_it_points_at_no_button() {
        let (mut app, button) = card(Vec2::new(250.0, 300.0));
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::None));
        assert!(app.world().resource::<CursorOverCached>().0, "over the card, off the button");
        let (mut app, button) = card(Vec2::new(600.0, 130.0));
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::None));
        assert!(!app.world().resource::<CursorOverCached>().0);
    }

    #[test]
    fn a_button_scrolled_out_of_the_card_is_not_under_the_mouse() {
        let (mut app, button) = card(Vec2::new(150.0, 130.0));
        // The button lies above the card's visible area, scrolled out of it.
        app.world_mut()
            .entity_mut(button)
            .insert(UiGlobalTransform::from_translation(Vec2::new(170.0, 80.0)));
        let mut window = app.world_mut().query::<&mut Window>();
        window
            .single_mut(app.world_mut())
            .unwrap()
            .set_physical_cursor_position(Some(bevy::math::DVec2::new(150.0, 90.0)));
        app.update();
        assert_eq!(pointed(&app, button), Some(Interaction::None));
    }
}
