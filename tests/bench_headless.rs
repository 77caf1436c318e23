//! The app's plugins in a headless Bevy app (no window, no GPU): the bench of
//! a scenario is spawned with every station and every specimen's tube, and an
//! invalid scenario opens on its diagnostics instead.

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use labshift::bench::layout::StationKind;
use labshift::bench::{Station, TubeView};
use labshift::screens::Screen;
use labshift::{AppPlugin, CurrentScenario};

fn headless_app(scenario: &str) -> App {
    let mut app = App::new();
    app.add_plugins((MinimalPlugins, AssetPlugin::default(), StatesPlugin));
    app.init_asset::<Mesh>().init_asset::<ColorMaterial>().init_asset::<Font>();
    let path = format!("{}/{scenario}", env!("CARGO_MANIFEST_DIR"));
    app.insert_resource(CurrentScenario::load(&path));
    app.add_plugins(AppPlugin);
    app.update();
    app
}

fn stations(app: &mut App) -> Vec<StationKind> {
    let mut query = app.world_mut().query::<&Station>();
    query.iter(app.world()).map(|s| s.0.clone()).collect()
}

fn tubes(app: &mut App) -> Vec<String> {
    let mut query = app.world_mut().query::<&TubeView>();
    let mut ids: Vec<String> = query.iter(app.world()).map(|t| t.specimen.clone()).collect();
    ids.sort();
    ids
}

#[test]
fn the_bench_of_scenario_a_has_every_station_and_tube() {
    let mut app = headless_app("scenarios/a-morning-chemistry.ron");
    assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Bench);
    let kinds = stations(&mut app);
    for expected in [
        StationKind::Reception,
        StationKind::Labeling,
        StationKind::Centrifuge,
        StationKind::Analyzer(0),
        StationKind::Analyzer(1),
        StationKind::QcFridge,
        StationKind::Lis,
        StationKind::Ppe,
        StationKind::Sink,
        StationKind::Sharps,
        StationKind::Biohazard,
    ] {
        assert_eq!(kinds.iter().filter(|k| **k == expected).count(), 1, "{expected:?} in {kinds:?}");
    }
    assert_eq!(kinds.len(), 11);
    assert_eq!(tubes(&mut app), ["S01", "S02", "S03", "S04", "S05", "S06"]);
}

#[test]
fn each_sample_scenario_gets_one_analyzer_station_per_analyzer() {
    for (scenario, analyzers, specimens) in [
        ("scenarios/b-mislabel-hemolysis.ron", 2, 6),
        ("scenarios/c-qc-shift.ron", 1, 5),
        ("scenarios/d-critical-calls-spill.ron", 2, 5),
    ] {
        let mut app = headless_app(scenario);
        let kinds = stations(&mut app);
        let count = kinds.iter().filter(|k| matches!(k, StationKind::Analyzer(_))).count();
        assert_eq!(count, analyzers, "{scenario}");
        assert_eq!(tubes(&mut app).len(), specimens, "{scenario}");
    }
}

#[test]
fn tubes_carry_their_additive_as_text() {
    let mut app = headless_app("scenarios/a-morning-chemistry.ron");
    let mut texts = app.world_mut().query::<&Text2d>();
    let all: Vec<String> = texts.iter(app.world()).map(|t| t.0.clone()).collect();
    for additive in ["SST", "EDTA", "LI HEP", "NaF"] {
        assert!(all.iter().any(|t| t == additive), "no tube labeled {additive}");
    }
}

#[test]
fn an_invalid_scenario_opens_on_its_diagnostics() {
    let mut app = headless_app("tests/fixtures/broken/unknown-analyzer.ron");
    assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Diagnostics);
    assert!(stations(&mut app).is_empty());
    let mut texts = app.world_mut().query::<&Text>();
    let shown: String = texts.iter(app.world()).map(|t| t.0.clone()).collect::<Vec<_>>().join("\n");
    assert!(shown.contains("unknown analyzer `chem2`"), "{shown}");
    assert!(shown.contains("unknown-analyzer.ron:49:48"), "{shown}");
}
