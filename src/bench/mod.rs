//! The 2D bench: stations laid out on two counters, and the specimens as
//! tubes in the reception tray.

pub mod art;
pub mod cache;
pub mod layout;
pub mod motion;

use bevy::camera::visibility::RenderLayers;
use bevy::prelude::*;
use labshift_core::model::Scenario;
use labshift_core::raw::Priority;

use crate::play::Play;
use crate::state::BenchUi;
use crate::state::Screen;
use crate::ui::theme::{UiFonts, palette};
use art::Painter;
use layout::{BACK_COUNTER_Y, COUNTER_DEPTHS, FRONT_COUNTER_Y, Placement, StationKind, bench_layout};

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(cache::plugin);
    app.add_systems(OnEnter(Screen::Bench), spawn_bench);
    app.add_systems(
        Update,
        (sync_tubes, sync_instruments, motion::sync_motion)
            .run_if(in_state(Screen::Bench).and_then(resource_exists::<Play>)),
    );
}

/// Where a tube stands in the reception rack.
#[derive(Component, Debug, Clone, Copy)]
pub struct RackSlot(pub Vec3);

/// The status line under a tube.
#[derive(Component, Debug)]
pub struct TubeBadge;

/// The plate the state word is written on, one per tube, so neighbouring
/// words never run together.
#[derive(Component, Debug)]
pub struct BadgePlate;

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
    mut images: ResMut<Assets<Image>>,
    mut shapes: Local<art::Shapes>,
) {
    let Some(play) = play else { return };
    let scenario = &play.scenario;
    spawn_room(&mut commands);
    commands.spawn((
        SpillMark,
        DespawnOnExit(Screen::Bench),
        // A pool of blood: the round shape, flattened on the counter.
        Sprite {
            image: shapes.disc(&mut images),
            color: Color::srgba(0.62, 0.05, 0.08, 0.9),
            custom_size: Some(SPILL_SIZE),
            ..default()
        },
        Transform::from_translation(SPILL_AT.extend(8.0)),
        Visibility::Hidden,
    ));
    let layout = bench_layout(scenario.lab.analyzers.len());
    for placement in &layout {
        spawn_station(&mut commands, placement, scenario, &fonts, &mut images, &mut shapes);
    }
    if let Some(tray) = layout.iter().find(|p| p.kind == StationKind::Reception) {
        spawn_tubes(&mut commands, tray.rect, scenario, &fonts);
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
        // Its tile lines show both in the cached art and between its pieces.
        for row in 0..9 {
            let y = -360.0 + row as f32 * 80.0;
            p.spawn((
                RenderLayers::from_layers(&[0, cache::ART_LAYER]),
                Sprite::from_color(palette::WALL_TILE, Vec2::new(1400.0, 2.0)),
                Transform::from_xyz(0.0, y, -19.0),
            ));
        }
        for (top, depth) in [(BACK_COUNTER_Y, COUNTER_DEPTHS[0]), (FRONT_COUNTER_Y, COUNTER_DEPTHS[1])] {
            p.spawn((
                cache::art_layer(),
                Sprite::from_color(palette::COUNTER, Vec2::new(1400.0, depth)),
                Transform::from_xyz(0.0, top - depth / 2.0, -10.0),
            ));
            p.spawn((
                cache::art_layer(),
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
    images: &mut Assets<Image>,
    shapes: &mut art::Shapes,
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
            let mut p = Painter { parent, images, shapes, fonts, layer: cache::art_layer() };
            match kind {
                StationKind::Reception => art::reception(&mut p, w, h),
                StationKind::Labeling => art::labeling(&mut p, w, h),
                StationKind::Centrifuge => {
                    art::centrifuge(&mut p, w, h, scenario.lab.centrifuge.slots);
                    motion::rotor(&mut p, scenario.lab.centrifuge.slots);
                }
                StationKind::Analyzer(i) => {
                    if let Some(a) = scenario.lab.analyzers.get(i) {
                        art::analyzer(&mut p, w, h, a);
                    }
                }
                StationKind::QcFridge => art::qc_fridge(&mut p, w, h, scenario),
                StationKind::Lis => art::lis(&mut p, w, h, scenario),
                StationKind::Ppe => {
                    art::ppe(&mut p, w, h);
                    motion::coat(&mut p, art::COAT_AT);
                    motion::face_shield(&mut p, art::shield_at(w, 0));
                }
                StationKind::Sink => art::sink(&mut p, w, h),
                StationKind::Sharps => {
                    art::sharps(&mut p, w, h);
                    motion::sharps_fill(&mut p, -h / 2.0, w - 8.0, h - 16.0);
                }
                StationKind::Biohazard => art::biohazard(&mut p, w, h),
            }
        });
}

/// The reception rack: two rows of tubes, the back row offset by half a tube.
#[derive(Resource, Debug, Clone)]
pub struct Rack {
    /// Where each slot's tube stands, front row first.
    pub slots: Vec<Vec3>,
    /// Where the count of tubes without a slot is written.
    pub overflow_at: Vec2,
}

impl Rack {
    fn of(tray: Rect) -> Rack {
        // Leave room for the pneumatic terminal on the left and the requisitions on the right.
        let left = tray.min.x + 58.0;
        let right = tray.max.x - 76.0;
        // Wide enough for the state word under each front-row tube.
        let pitch = 46.0;
        let per_row = (((right - left) / pitch) as usize).max(1);
        let mut slots = Vec::new();
        for row in 0..2 {
            for col in 0..per_row {
                let x = left + pitch * (col as f32 + 0.5) + row as f32 * pitch / 2.0;
                slots.push(Vec3::new(x, tray.min.y + 82.0 + row as f32 * 28.0, 5.0 - row as f32));
            }
        }
        Rack { slots, overflow_at: Vec2::new(right - 10.0, tray.min.y + 8.0) }
    }
}

/// The count of arrived tubes the rack has no room for.
#[derive(Component, Debug)]
pub struct RackOverflow;

/// The specimens as tubes; [`sync_tubes`] stands the arrived ones in the
/// rack and draws each the first time it stands there.
fn spawn_tubes(commands: &mut Commands, tray: Rect, scenario: &Scenario, fonts: &UiFonts) {
    let rack = Rack::of(tray);
    commands.spawn((
        RackOverflow,
        DespawnOnExit(Screen::Bench),
        Text2d::new(""),
        fonts.bold(11.0),
        TextColor(palette::WARN),
        bevy::sprite::Anchor::CENTER_RIGHT,
        Transform::from_translation(rack.overflow_at.extend(6.0)),
    ));
    commands.insert_resource(rack);
    for specimen in &scenario.specimens {
        commands.spawn((
            Name::new(format!("Tube {}", specimen.id)),
            TubeView { specimen: specimen.id.clone() },
            RackSlot(Vec3::ZERO),
            DespawnOnExit(Screen::Bench),
            Transform::default(),
            Visibility::Hidden,
        ));
    }
}

/// Draws a tube as its first place in the rack comes up: a shift may bring
/// dozens of tubes, and one not yet in the rack costs nothing to lay out.
/// `held` rings it; `badge` is its state, written under it.
fn draw_tube(
    parent: &mut ChildSpawnerCommands,
    specimen: &labshift_core::model::Specimen,
    held: bool,
    badge: &str,
    images: &mut Assets<Image>,
    shapes: &mut art::Shapes,
    fonts: &UiFonts,
) {
    parent.spawn((
        TubeRing,
        Sprite::from_color(palette::FOCUS, Vec2::new(30.0, 112.0)),
        Transform::from_xyz(0.0, 8.0, -0.5),
        if held { Visibility::Inherited } else { Visibility::Hidden },
    ));
    parent.spawn((
        BadgePlate,
        Sprite::from_color(palette::PLATE, Vec2::new(42.0, 12.0)),
        Transform::from_xyz(0.0, -59.0, 0.3),
        if badge.is_empty() { Visibility::Hidden } else { Visibility::Inherited },
    ));
    parent.spawn((
        TubeBadge,
        Text2d::new(badge),
        fonts.bold(8.0),
        TextColor(palette::PLATE_TEXT),
        Transform::from_xyz(0.0, -59.0, 0.4),
    ));
    let mut p = Painter { parent, images, shapes, fonts, layer: RenderLayers::default() };
    art::tube(&mut p, specimen.tube, &specimen.id, specimen.fill_pct, specimen.priority == Priority::Stat);
}

/// Whether a tube belongs in the reception rack: arrived, and not in the
/// centrifuge, rejected or broken.
fn at_reception(v: &labshift_core::session::SpecimenView) -> bool {
    v.arrived && v.rejected.is_none() && !v.broken && !v.in_centrifuge
}

/// Which tubes stand in the rack's `slots`, in slot order: those still to
/// work on first (STATs, then by arrival), then finished ones; the tube in
/// hand always has a place. Tubes not in the rack's list wait out of sight.
pub fn rack_order<'a>(
    views: &'a [labshift_core::session::SpecimenView],
    scenario: &Scenario,
    selected: Option<&str>,
    slots: usize,
) -> Vec<&'a str> {
    let urgency = |id: &str| {
        scenario.specimens.iter().find(|s| s.id == id).map(|s| (s.priority != Priority::Stat, s.arrives))
    };
    let mut shown: Vec<_> = views.iter().filter(|v| at_reception(v)).collect();
    shown.sort_by_key(|v| (matches!(badge(v), "done" | "stored"), urgency(&v.id), v.id.clone()));
    let mut ids: Vec<&str> = shown.iter().map(|v| v.id.as_str()).collect();
    if let Some(held) = selected
        && let Some(at) = ids.iter().position(|id| *id == held)
        && at >= slots
        && slots > 0
    {
        ids.swap(at, slots - 1);
    }
    ids.truncate(slots);
    ids
}

/// What an instrument's readout says, and in which colour.
pub fn readout(readout: &art::Readout, play: &Play) -> (String, Color) {
    match readout {
        art::Readout::Centrifuge => match play.session.centrifuge_view().2 {
            Some(until) => {
                let left = (until.0 - play.now().0).max(0);
                (format!("{}:{:02} left", left / 60, left % 60), palette::WARN)
            }
            None => ("0 rpm".to_owned(), palette::SCREEN_TEXT),
        },
        art::Readout::Analyzer(id) => {
            let Some(analyzer) = play.scenario.lab.analyzers.iter().find(|a| &a.id == id) else {
                return (String::new(), palette::WARN);
            };
            let views: Vec<_> = analyzer.menu.iter().filter_map(|t| play.session.qc_view(id, t)).collect();
            let now = play.now();
            let mmss = |t: i64| format!("{}:{:02}", t / 60, t % 60);
            // A corrective action under way, then a run in progress, before the QC state.
            if let Some(until) = views.iter().filter_map(|v| v.busy_until).max() {
                return (format!("FIXING  {}", mmss((until.0 - now.0).max(0))), palette::WARN);
            }
            let run = i64::from(play.scenario.policy.pack.analysis.run_min(analyzer.kind)) * 60;
            let running = play
                .session
                .specimen_views()
                .into_iter()
                .flat_map(|v| {
                    v.results
                        .into_iter()
                        .filter(|r| &r.analyzer == id && !r.ready)
                        .map(move |r| (v.id.clone(), r.ready_at))
                })
                .max_by_key(|(_, until)| *until);
            if let Some((specimen, until)) = running {
                let left = (until.0 - now.0).max(0);
                let done = if run > 0 { ((run - left) * 5 / run).clamp(0, 5) } else { 5 } as usize;
                let bar = format!("{}{}", "█".repeat(done), "░".repeat(5 - done));
                return (format!("RUN {specimen} {bar} {}", mmss(left)), palette::SCREEN_TEXT);
            }
            if views.iter().any(|v| v.rejected && !v.valid) {
                ("QC REJECTED".to_owned(), palette::DANGER)
            } else if !views.is_empty() && views.iter().all(|v| v.valid) {
                ("READY  ·  QC OK".to_owned(), palette::OK)
            } else {
                ("READY  ·  QC due".to_owned(), palette::WARN)
            }
        }
    }
}

/// Keeps the instruments' readouts in step with the shift.
fn sync_instruments(
    play: Res<Play>,
    mut readouts: Query<(&art::Readout, &mut Text2d, &mut TextColor)>,
    mut drawn: Local<Option<(u64, i64)>>,
) {
    // The readouts change with an action or as the clock passes a second.
    let key = (play.revision, play.now().0);
    if *drawn == Some(key) {
        return;
    }
    *drawn = Some(key);
    for (which, mut text, mut colour) in &mut readouts {
        let (said, tone) = readout(which, &play);
        if text.0 != said {
            text.0 = said;
        }
        colour.set_if_neq(TextColor(tone));
    }
}

/// A tube's state in one short word, under the tube.
fn badge(v: &labshift_core::session::SpecimenView) -> &'static str {
    if v.stored {
        "stored"
    } else if v.results.iter().any(|r| r.released || r.suppressed)
        && v.results.iter().all(|r| r.released || r.suppressed || r.held)
    {
        "done"
    } else if v.results.iter().any(|r| !r.ready) {
        "running"
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

/// Stands the tubes in the rack (see [`rack_order`]), hides the others (not
/// arrived, in the centrifuge, rejected or broken, or no room), writes each
/// front-row tube's state under it, rings the tube in hand and counts the
/// tubes without a place. A tube is drawn the first time it has a place.
#[allow(clippy::too_many_arguments)]
fn sync_tubes(
    mut commands: Commands,
    play: Res<Play>,
    ui: Res<BenchUi>,
    rack: Option<Res<Rack>>,
    fonts: Res<UiFonts>,
    mut images: ResMut<Assets<Image>>,
    mut shapes: Local<art::Shapes>,
    mut tubes: Query<
        (Entity, &TubeView, &mut RackSlot, &mut Transform, &mut Visibility, Option<&Children>),
        Without<SpillMark>,
    >,
    mut rings: Query<&mut Visibility, (With<TubeRing>, Without<TubeView>, Without<BadgePlate>)>,
    mut plates: Query<&mut Visibility, (With<BadgePlate>, Without<TubeView>, Without<TubeRing>)>,
    mut badges: Query<&mut Text2d, (With<TubeBadge>, Without<RackOverflow>)>,
    mut overflow: Query<&mut Text2d, (With<RackOverflow>, Without<TubeBadge>)>,
    mut drawn: Local<Option<(u64, Option<String>)>>,
) {
    let Some(rack) = rack else { return };
    let key = (play.revision, ui.selected.clone());
    if drawn.as_ref() == Some(&key) {
        return;
    }
    *drawn = Some(key);
    let views = play.session.specimen_views();
    let order = rack_order(&views, &play.scenario, ui.selected.as_deref(), rack.slots.len());
    for (entity, tube, mut slot, mut transform, mut visibility, children) in &mut tubes {
        let place = order.iter().position(|id| *id == tube.specimen).map(|i| rack.slots[i]);
        *visibility = if place.is_some() { Visibility::Inherited } else { Visibility::Hidden };
        let Some(place) = place else { continue };
        slot.0 = place;
        transform.translation = place;
        let Some(v) = views.iter().find(|v| v.id == tube.specimen) else { continue };
        let held = ui.selected.as_deref() == Some(v.id.as_str());
        // Only the front row has room for its state under the tube.
        let state = if place.z >= 5.0 { badge(v) } else { "" };
        let Some(children) = children else {
            let Some(specimen) = play.scenario.specimens.iter().find(|s| s.id == tube.specimen) else {
                continue;
            };
            commands.entity(entity).with_children(|parent| {
                draw_tube(parent, specimen, held, state, &mut images, &mut shapes, &fonts);
            });
            continue;
        };
        for child in children.iter() {
            if let Ok(mut ring) = rings.get_mut(child) {
                *ring = if held { Visibility::Inherited } else { Visibility::Hidden };
            }
            if let Ok(mut plate) = plates.get_mut(child) {
                plate.set_if_neq(if state.is_empty() { Visibility::Hidden } else { Visibility::Inherited });
            }
            if let Ok(mut text) = badges.get_mut(child)
                && text.0 != state
            {
                text.0 = state.to_owned();
            }
        }
    }
    let waiting = views.iter().filter(|v| at_reception(v)).count().saturating_sub(order.len());
    for mut text in &mut overflow {
        text.0 = if waiting > 0 { format!("+{waiting} more · T") } else { String::new() };
    }
}

#[cfg(test)]
mod tests {
    use labshift_core::session::{ResultView, SpecimenView};

    use super::*;

    fn view(id: &str) -> SpecimenView {
        SpecimenView {
            id: id.to_owned(),
            arrived: true,
            received: false,
            label_compared: false,
            accepted: false,
            rejected: None,
            recollect_requested: false,
            occurrence_reported: false,
            broken: false,
            in_centrifuge: false,
            centrifuged: false,
            lipemia_cleared: false,
            stored: false,
            needs_centrifuge: true,
            tests: vec![],
            results: vec![],
        }
    }

    fn scenario() -> Scenario {
        let path = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("scenarios/b-mislabel-hemolysis.ron");
        crate::catalog::CurrentScenario::load(&path.to_string_lossy()).scenario.expect("scenario (b) loads")
    }

    #[test]
    fn the_rack_puts_stats_first_then_arrival_and_finished_tubes_last() {
        let scenario = scenario();
        let mut views: Vec<_> = ["S01", "S02", "S03", "S04", "S05", "S06"].map(view).into();
        views[0].results.push(ResultView {
            test: "K".into(),
            analyzer: "chem1".into(),
            ready: true,
            ready_at: labshift_core::time::SimTime(600),
            value: 4.0,
            flags: Default::default(),
            diluted: false,
            reviewed: true,
            held: false,
            suppressed: false,
            released: true,
            autoverified: true,
        });
        views[2].in_centrifuge = true;
        views[3].arrived = false;
        // S05 is the only STAT; S01 is done; S03 is spinning; S04 has not arrived.
        assert_eq!(rack_order(&views, &scenario, None, 10), ["S05", "S02", "S06", "S01"]);
        // A tube in the storage rack says so, and stands with the finished ones.
        views[1].stored = true;
        assert_eq!(badge(&views[1]), "stored");
        assert_eq!(rack_order(&views, &scenario, None, 10), ["S05", "S06", "S01", "S02"]);
        views[1].stored = false;
        assert_eq!(rack_order(&views, &scenario, None, 2), ["S05", "S02"]);
        // The tube in hand always has a place, in the last slot.
        assert_eq!(rack_order(&views, &scenario, Some("S01"), 2), ["S05", "S01"]);
        assert!(rack_order(&views, &scenario, Some("S06"), 0).is_empty());
    }

    #[test]
    fn the_rack_has_two_rows_inside_the_reception_station() {
        let tray = bench_layout(2).into_iter().find(|p| p.kind == StationKind::Reception).unwrap().rect;
        let rack = Rack::of(tray);
        assert!(rack.slots.len() >= 8, "{} slots", rack.slots.len());
        assert_eq!(rack.slots.iter().filter(|s| s.z >= 5.0).count() * 2, rack.slots.len());
        for slot in &rack.slots {
            assert!(tray.contains(slot.truncate()), "{slot} is outside {tray:?}");
        }
    }
}
