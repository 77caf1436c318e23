//! LabShift's shells: the Bevy app and the command line, both driving the
//! pure core in `labshift-core`.

pub mod bench;
pub mod capture;
pub mod cli;
pub mod files;
pub mod screens;
pub mod ui;

use bevy::camera::ScalingMode;
use bevy::prelude::*;
use labshift_core::{Diagnostic, Scenario, load_scenario};

use crate::files::DiskFiles;
use crate::screens::Screen;

/// The scenario the app was opened on: checked, or the reasons it is not.
#[derive(Resource, Debug, Clone)]
pub struct CurrentScenario {
    pub path: String,
    pub scenario: Option<Scenario>,
    pub diagnostics: Vec<Diagnostic>,
}

impl CurrentScenario {
    /// Loads and validates a scenario file from disk.
    pub fn load(path: &str) -> CurrentScenario {
        let loaded = load_scenario(path, &DiskFiles);
        CurrentScenario { path: path.to_owned(), scenario: loaded.value, diagnostics: loaded.diagnostics }
    }
}

/// Everything LabShift adds to a Bevy app. Needs a [`CurrentScenario`]
/// resource; opens on the bench if it is valid, else on its diagnostics.
pub struct AppPlugin;

impl Plugin for AppPlugin {
    fn build(&self, app: &mut App) {
        let valid = app.world().get_resource::<CurrentScenario>().is_some_and(|c| c.scenario.is_some());
        app.insert_state(if valid { Screen::Bench } else { Screen::Diagnostics });
        app.add_plugins((ui::plugin, screens::plugin, bench::plugin, capture::plugin));
        app.add_systems(Startup, spawn_camera);
    }
}

/// The 1280×720 bench, scaled to fit any window (a projector, a laptop).
fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("Camera"),
        Camera2d,
        Projection::Orthographic(OrthographicProjection {
            scaling_mode: ScalingMode::AutoMin { min_width: 1280.0, min_height: 720.0 },
            ..OrthographicProjection::default_2d()
        }),
    ));
}

/// Builds the windowed app for a scenario file.
pub fn windowed_app(current: CurrentScenario, capture: Option<capture::CapturePlan>) -> App {
    let mut app = App::new();
    let title = match &current.scenario {
        Some(s) => format!("LabShift — {}", s.meta.title),
        None => "LabShift".to_owned(),
    };
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window { title, resolution: (1280, 720).into(), ..default() }),
        ..default()
    }));
    app.insert_resource(ClearColor(ui::theme::palette::WALL));
    app.insert_resource(current);
    if let Some(plan) = capture {
        app.insert_resource(plan);
    }
    app.add_plugins(AppPlugin);
    app
}
