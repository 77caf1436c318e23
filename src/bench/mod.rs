//! The 2D bench: stations laid out on two counters, and the specimens as
//! tubes in the reception tray.

pub mod art;
pub mod layout;

use bevy::prelude::*;
use labshift_core::model::Scenario;
use labshift_core::raw::Priority;

use crate::play::Play;
use crate::screens::Screen;
use crate::ui::command::BenchUi;
use crate::ui::theme::{UiFonts, palette};
use art::Painter;
use layout::{BACK_COUNTER_Y, FRONT_COUNTER_Y, Placement, StationKind, bench_layout};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Bench), spawn_bench);
    app.add_systems(Update, sync_tubes.run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)));
}

/// Where a tube stands in the reception rack.
#[derive(Component, Debug, Clone, Copy)]
pub struct RackSlot(pub Vec3);

/// The status line under a tube.
#[derive(Component, Debug)]
pub struct TubeBadge;

/// The ring around the tube in hand.
#[derive(Component, Debug)]
pub struct TubeRing;

/// The spill on the back counter, shown while a spill waits.
#[derive(Component, Debug)]
pub struct SpillMark;

/// Where the spill mark lies, and its size (world units).
pub const SPILL_AT: Vec2 = Vec2::new(-470.0, -3.0);
pub const SPILL_SIZE: Vec2 = Vec2::new(90.0, 18.0);

/// A station of the bench.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct Station(pub StationKind);

/// A specimen tube on the bench.
#[derive(Component, Debug, Clone, PartialEq, Eq)]
pub struct TubeView {
    pub specimen: String,
}

fn spawn_bench(
    mut commands: Commands,
    play: Option<Res<Play>>,
    fonts: Res<UiFonts>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
) {
    let Some(play) = play else { return };
    let scenario = &play.scenario;
    spawn_room(&mut commands);
    commands.spawn((
        SpillMark,
        DespawnOnExit(Screen::Bench),
        Sprite::from_color(Color::srgba(0.62, 0.05, 0.08, 0.9), SPILL_SIZE),
        Transform::from_translation(SPILL_AT.extend(8.0)),
        Visibility::Hidden,
    ));
    let layout = bench_layout(scenario.lab.analyzers.len());
    for placement in &layout {
        spawn_station(&mut commands, placement, scenario, &fonts, &mut meshes, &mut materials);
    }
    if let Some(tray) = layout.iter().find(|p| p.kind == StationKind::Reception) {
        spawn_tubes(&mut commands, tray.rect, scenario, &fonts, &mut meshes, &mut materials);
    }
}

/// Tiled wall and the two counters.
fn spawn_room(commands: &mut Commands) {
    let mut room = commands.spawn((
        Name::new("Room"),
        DespawnOnExit(Screen::Bench),
        Transform::default(),
        Visibility::default(),
    ));
    room.with_children(|p| {
        // The wall is the clear colour: no full-window sprite to fill every frame.
        for row in 0..9 {
            let y = -360.0 + row as f32 * 80.0;
            p.spawn((
                Sprite::from_color(palette::WALL_TILE, Vec2::new(1400.0, 2.0)),
                Transform::from_xyz(0.0, y, -19.0),
            ));
        }
        for (top, depth) in [(BACK_COUNTER_Y, 26.0), (FRONT_COUNTER_Y, 60.0)] {
            p.spawn((
                Sprite::from_color(palette::COUNTER, Vec2::new(1400.0, depth)),
                Transform::from_xyz(0.0, top - depth / 2.0, -10.0),
            ));
            p.spawn((
                Sprite::from_color(palette::COUNTER_EDGE, Vec2::new(1400.0, 4.0)),
                Transform::from_xyz(0.0, top - depth, -9.9),
            ));
        }
    });
}

fn station_name(kind: &StationKind, scenario: &Scenario) -> String {
    match kind {
        StationKind::Reception => "Reception".to_owned(),
        StationKind::Labeling => "Label & barcode".to_owned(),
        StationKind::Centrifuge => "Centrifuge".to_owned(),
        StationKind::Analyzer(i) => {
            scenario.lab.analyzers.get(*i).map_or_else(|| format!("Analyzer {i}"), |a| a.name.clone())
        }
        StationKind::QcFridge => "QC fridge".to_owned(),
        StationKind::Lis => "LIS & phone".to_owned(),
        StationKind::Ppe => "PPE".to_owned(),
        StationKind::Sink => "Sink".to_owned(),
        StationKind::Sharps => "Sharps".to_owned(),
        StationKind::Biohazard => "Biohazard".to_owned(),
    }
}

fn spawn_station(
    commands: &mut Commands,
    placement: &Placement,
    scenario: &Scenario,
    fonts: &UiFonts,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<ColorMaterial>,
) {
    let center = placement.rect.center();
    let Vec2 { x: w, y: h } = placement.rect.size();
    let kind = placement.kind.clone();
    commands
        .spawn((
            Name::new(station_name(&kind, scenario)),
            Station(kind.clone()),
            DespawnOnExit(Screen::Bench),
            Transform::from_translation(center.extend(0.0)),
            Visibility::default(),
        ))
        .with_children(|parent| {
            let mut p = Painter { parent, meshes, materials, fonts };
            match kind {
                StationKind::Reception => art::reception(&mut p, w, h),
                StationKind::Labeling => art::labeling(&mut p, w, h),
                StationKind::Centrifuge => art::centrifuge(&mut p, w, h, scenario.lab.centrifuge.slots),
                StationKind::Analyzer(i) => {
                    if let Some(a) = scenario.lab.analyzers.get(i) {
                        art::analyzer(&mut p, w, h, a);
                    }
                }
                StationKind::QcFridge => art::qc_fridge(&mut p, w, h, scenario),
                StationKind::Lis => art::lis(&mut p, w, h, scenario),
                StationKind::Ppe => art::ppe(&mut p, w, h),
                StationKind::Sink => art::sink(&mut p, w, h),
                StationKind::Sharps => {
                    let sharps = &scenario.lab.sharps;
                    art::sharps(&mut p, w, h, sharps.fill as f32 / sharps.capacity.max(1) as f32);
                }
                StationKind::Biohazard => art::biohazard(&mut p, w, h),
            }
        });
}

/// The specimens, standing in the reception rack in arrival order.
fn spawn_tubes(
    commands: &mut Commands,
    tray: Rect,
    scenario: &Scenario,
    fonts: &UiFonts,
    meshes: &mut Assets<Mesh>,
    materials: &mut Assets<ColorMaterial>,
) {
    let mut order: Vec<_> = scenario.specimens.iter().collect();
    order.sort_by_key(|s| (s.arrives, s.id.clone()));
    // Leave room for the pneumatic terminal on the left and the requisitions on the right.
    let left = tray.min.x + 58.0;
    let right = tray.max.x - 76.0;
    let pitch = 36.0;
    let per_row = (((right - left) / pitch) as usize).max(1);
    for (i, specimen) in order.iter().enumerate() {
        // Later rows stand behind the first, offset by half a tube.
        let (row, col) = (i / per_row, i % per_row);
        let x = left + pitch * (col as f32 + 0.5) + (row % 2) as f32 * pitch / 2.0;
        let y = tray.min.y + 82.0 + row as f32 * 12.0;
        let home = Vec3::new(x, y, 5.0 - row as f32);
        commands
            .spawn((
                Name::new(format!("Tube {}", specimen.id)),
                TubeView { specimen: specimen.id.clone() },
                RackSlot(home),
                DespawnOnExit(Screen::Bench),
                Transform::from_translation(home),
                Visibility::Hidden,
            ))
            .with_children(|parent| {
                parent.spawn((
                    TubeRing,
                    Sprite::from_color(palette::FOCUS, Vec2::new(30.0, 112.0)),
                    Transform::from_xyz(0.0, 8.0, -0.5),
                    Visibility::Hidden,
                ));
                parent.spawn((
                    TubeBadge,
                    Text2d::new(""),
                    fonts.bold(10.0),
                    TextColor(palette::PLATE_TEXT),
                    Transform::from_xyz(0.0, -59.0, 0.4),
                ));
                let mut p = Painter { parent, meshes, materials, fonts };
                art::tube(
                    &mut p,
                    specimen.tube,
                    &specimen.id,
                    specimen.fill_pct,
                    specimen.priority == Priority::Stat,
                );
            });
    }
}

/// A tube's state in one short word, under the tube.
fn badge(v: &labshift_core::session::SpecimenView) -> &'static str {
    if v.results.iter().any(|r| r.released) && v.results.iter().all(|r| r.released || r.held) {
        "done"
    } else if !v.results.is_empty() {
        "resulted"
    } else if v.centrifuged {
        "spun"
    } else if v.accepted {
        "accepted"
    } else if v.received {
        "received"
    } else {
        "new"
    }
}

/// Shows arrived tubes in the rack (hidden while in the centrifuge, or once
/// rejected or broken), their state, and a ring around the tube in hand.
fn sync_tubes(
    play: Res<Play>,
    ui: Res<BenchUi>,
    mut tubes: Query<(&TubeView, &RackSlot, &mut Transform, &mut Visibility, &Children), Without<SpillMark>>,
    mut rings: Query<&mut Visibility, (With<TubeRing>, Without<TubeView>, Without<SpillMark>)>,
    mut badges: Query<&mut Text2d, With<TubeBadge>>,
    mut spill: Query<&mut Visibility, (With<SpillMark>, Without<TubeView>, Without<TubeRing>)>,
    mut drawn: Local<Option<(u64, Option<String>)>>,
) {
    let key = (play.revision, ui.selected.clone());
    if drawn.as_ref() == Some(&key) {
        return;
    }
    *drawn = Some(key);
    let views = play.session.specimen_views();
    for (tube, slot, mut transform, mut visibility, children) in &mut tubes {
        let Some(v) = views.iter().find(|v| v.id == tube.specimen) else { continue };
        let shown = v.arrived && v.rejected.is_none() && !v.broken && !v.in_centrifuge;
        *visibility = if shown { Visibility::Inherited } else { Visibility::Hidden };
        transform.translation = slot.0;
        for child in children.iter() {
            if let Ok(mut ring) = rings.get_mut(child) {
                let held = ui.selected.as_deref() == Some(v.id.as_str());
                *ring = if held { Visibility::Inherited } else { Visibility::Hidden };
            }
            if let Ok(mut text) = badges.get_mut(child) {
                // Only the front row has room for its state under the tube.
                let front = slot.0.z >= 5.0;
                text.0 = if front { badge(v).to_owned() } else { String::new() };
            }
        }
    }
    for mut mark in &mut spill {
        *mark = if play.session.spills().is_empty() { Visibility::Hidden } else { Visibility::Inherited };
    }
}
