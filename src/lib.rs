//! LabShift's shells: the Bevy app and the command line, both driving the
//! pure core in `labshift-core`.

pub mod bench;
#[cfg(target_arch = "wasm32")]
pub mod browser;
pub mod bundled;
pub mod capture;
pub mod catalog;
pub mod cli;
pub mod demo;
pub mod dispatch;
pub mod journal;
pub mod panels;
pub mod play;
pub mod reload;
pub mod screens;
pub mod script;
pub mod shift;
pub mod state;
pub mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;
pub mod words;

use bevy::camera::ScalingMode;
use bevy::prelude::*;
use std::sync::Arc;

use labshift_core::log::SessionLog;
use labshift_core::time::ClockTime;

pub use crate::catalog::CurrentScenario;
pub use crate::shift::{resume, resume_journal, resume_unfinished};

use crate::catalog::Catalog;
use crate::play::{Debrief, Play, Setup};
use crate::state::{BenchUi, Panel, Screen};

/// How the app opens, beyond the defaults.
#[derive(Resource, Debug, Clone, Default)]
pub struct Launch {
    /// Open on this screen.
    pub screen: Option<Screen>,
    /// Continue a session log on the current scenario, up to a clock time.
    pub resume: Option<(SessionLog, Option<ClockTime>)>,
    /// Open this panel on the bench.
    pub panel: Option<Panel>,
    /// Open on the classroom demo of the current scenario.
    pub demo: Option<DemoLaunch>,
    /// Feed this log's actions as the trainee's input (see [`script`]).
    pub script: Option<script::Script>,
    /// Resume the current scenario's unfinished journal, if there is one.
    pub resume_unfinished: bool,
    /// Clock speed on the bench (1, 2, 4 or 8).
    pub speed: Option<u32>,
    /// The label and requisition drawn large (the Z key).
    pub zoom: bool,
}

/// How `labshift demo` opens.
#[derive(Debug, Clone)]
pub struct DemoLaunch {
    pub seed: u64,
    pub speed: f32,
    pub attract: bool,
    /// Steps of the reference run played at once.
    pub skip: usize,
    pub inject: Option<ui::command::FaultKind>,
}

/// Everything LabShift adds to a Bevy app. With a [`CurrentScenario`] it
/// opens on its briefing (or its diagnostics if it is invalid), else on the
/// title screen; a [`Launch`] can resume a log on the bench.
pub struct AppPlugin;

impl Plugin for AppPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Setup>().init_resource::<BenchUi>();
        // Shifts a crash (or a closed window) left unfinished, offered on the title screen.
        let unfinished = app
            .world()
            .resource::<Setup>()
            .journal_dir
            .as_deref()
            .map(journal::unfinished)
            .unwrap_or_default();
        let mut readable = Vec::new();
        for found in unfinished {
            match found {
                Ok(u) => readable.push(u),
                Err((path, why)) => warn!("journal {} cannot be resumed: {why}", path.display()),
            }
        }
        app.insert_resource(shift::Unfinished(readable));
        if !app.world().contains_resource::<Catalog>() {
            app.insert_resource(Catalog::load(&labshift_tools::files::scenarios_dir()));
        }
        capture::trace("scenario catalog read");
        let mut launch = app.world_mut().remove_resource::<Launch>().unwrap_or_default();
        let current = app.world().get_resource::<CurrentScenario>().cloned();
        let mut screen = match &current {
            Some(c) if c.scenario.is_some() => Screen::Briefing,
            Some(_) => Screen::Diagnostics,
            None => Screen::Title,
        };
        if let (Some((log, until)), Some(scenario)) = (&launch.resume, current.and_then(|c| c.scenario)) {
            let setup = app.world().resource::<Setup>().clone();
            let play = resume(Arc::new(scenario), log, *until, &setup);
            screen = if play.session.is_ended() { Screen::Debrief } else { Screen::Bench };
            if play.session.is_ended() {
                app.insert_resource(Debrief::of(&play));
            }
            app.insert_resource(play);
        }
        if launch.resume_unfinished
            && let Some(scenario) =
                app.world().get_resource::<CurrentScenario>().and_then(|c| c.scenario.clone())
        {
            let setup = app.world().resource::<Setup>().clone();
            if let Some((play, done)) = resume_journal(Arc::new(scenario), &setup) {
                if let Some(script) = &mut launch.script {
                    script.next = play.log.actions.len();
                }
                screen = Screen::Bench;
                app.insert_resource(play);
                let _ = std::fs::remove_file(done);
            }
        }
        if let Some(script) = launch.script.take() {
            if !app.world().contains_resource::<Play>()
                && let Some(scenario) =
                    app.world().get_resource::<CurrentScenario>().and_then(|c| c.scenario.clone())
            {
                let play = Play::start(Arc::new(scenario), app.world().resource::<Setup>());
                app.insert_resource(play);
                screen = Screen::Bench;
            }
            app.insert_resource(script);
        }
        if let Some(d) = launch.demo.clone() {
            app.add_systems(Startup, move |mut commands: Commands| {
                let d = d.clone();
                commands.queue(move |world: &mut World| open_demo(world, &d));
            });
        }
        if let (Some(speed), Some(mut play)) = (launch.speed, app.world_mut().get_resource_mut::<Play>()) {
            play.speed = speed;
        }
        if let Some(panel) = launch.panel {
            app.world_mut().resource_mut::<BenchUi>().panel = Some(panel);
        }
        app.world_mut().resource_mut::<BenchUi>().zoom = launch.zoom;
        app.insert_state(launch.screen.unwrap_or(screen));
        app.add_plugins((
            ui::plugin,
            play::plugin,
            screens::plugin,
            bench::plugin,
            capture::plugin,
            reload::plugin,
            demo::plugin,
            script::plugin,
            dispatch::plugin,
        ));
        app.add_systems(Startup, spawn_camera);
    }
}

/// Starts the demo `labshift demo` asked for: the current scenario, or the
/// first in the catalog.
fn open_demo(world: &mut World, d: &DemoLaunch) {
    let catalog_first = || demo::next_playable(world.resource::<Catalog>(), None);
    let (index, current) = match world.get_resource::<CurrentScenario>().cloned() {
        Some(current) => {
            let index = world.resource::<Catalog>().entries.iter().position(|e| e.path == current.path);
            (index, current)
        }
        None => match catalog_first() {
            Some((j, current)) => (Some(j), current),
            None => return,
        },
    };
    demo::start_demo(world, current, d.seed, d.attract.then_some(index.unwrap_or(0)));
    if let Some(mut running) = world.get_resource_mut::<demo::Demo>() {
        running.speed = d.speed.clamp(0.5, 8.0);
    }
    if d.skip > 0 {
        demo::fast_forward(world, d.skip);
    }
    if let Some(kind) = d.inject {
        demo::inject(world, kind);
    }
}

/// The 1280×720 bench, scaled to fit any window (a projector, a laptop).
pub fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("Camera"),
        Camera2d,
        // Flat shapes need no multisampling, and a software renderer pays for every sample.
        Msaa::Off,
        Projection::Orthographic(OrthographicProjection {
            scaling_mode: ScalingMode::AutoMin { min_width: 1280.0, min_height: 720.0 },
            ..OrthographicProjection::default_2d()
        }),
    ));
}

/// Builds the app without a window (no renderer either): for scripted runs.
pub fn headless_app(
    current: Option<CurrentScenario>,
    catalog: Option<Catalog>,
    launch: Launch,
    setup: Setup,
) -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins.set(bevy::app::ScheduleRunnerPlugin::run_loop(std::time::Duration::ZERO)),
        AssetPlugin::default(),
        bevy::state::app::StatesPlugin,
    ));
    app.init_asset::<Image>().init_asset::<Font>();
    app.init_resource::<ButtonInput<KeyCode>>()
        .init_resource::<ButtonInput<MouseButton>>()
        .init_resource::<bevy::input::mouse::AccumulatedMouseScroll>()
        .add_message::<bevy::input::keyboard::KeyboardInput>();
    if let Some(current) = current {
        app.insert_resource(current);
    }
    if let Some(catalog) = catalog {
        app.insert_resource(catalog);
    }
    app.insert_resource(launch);
    app.insert_resource(setup);
    app.add_plugins(AppPlugin);
    capture::trace_plugin(&mut app);
    app
}

/// Builds the windowed app for a scenario file.
pub fn windowed_app(
    current: Option<CurrentScenario>,
    launch: Launch,
    setup: Setup,
    capture: Option<capture::CapturePlan>,
) -> App {
    // The scenario catalog is read while Bevy starts its renderer.
    let catalog = std::thread::spawn(|| Catalog::load(&labshift_tools::files::scenarios_dir()));
    let mut app = App::new();
    add_bevy(&mut app, main_window());
    capture::trace("Bevy's plugins added");
    if let Ok(catalog) = catalog.join() {
        app.insert_resource(catalog);
    }
    if let Some(current) = current {
        app.insert_resource(current);
    }
    if let Some(plan) = capture {
        app.insert_resource(plan);
    }
    add_labshift(&mut app, launch, setup);
    capture::trace("LabShift's plugins added");
    app
}

/// Adds Bevy's default plugins with `window` as the main window, less what
/// LabShift does not draw: post-processing, gizmos, animation, and GPU
/// occlusion culling (3D only). Each would cost start-up time (shaders
/// parsed, pipelines compiled on the CPU under a software renderer) for
/// nothing on screen; see BENCHMARKS.md.
pub fn add_bevy(app: &mut App, window: Window) {
    use bevy::render::batching::gpu_preprocessing::{GpuPreprocessingMode, GpuPreprocessingSupport};
    app.add_plugins(
        DefaultPlugins
            .set(WindowPlugin { primary_window: Some(window), ..default() })
            .disable::<bevy::post_process::PostProcessPlugin>()
            .disable::<bevy::gizmos::GizmoPlugin>()
            .disable::<bevy::gizmos_render::GizmoRenderPlugin>()
            .disable::<bevy::animation::AnimationPlugin>(),
    );
    // Without culling, Bevy compiles no depth-downsampling compute pipelines.
    if let Some(render_app) = app.get_sub_app_mut(bevy::render::RenderApp) {
        render_app.add_systems(
            bevy::render::RenderStartup,
            (|mut support: ResMut<GpuPreprocessingSupport>| {
                support.max_supported_mode = support.min(GpuPreprocessingMode::PreprocessingOnly);
            })
            .after(bevy::render::init_gpu_resource::<GpuPreprocessingSupport>),
        );
    }
}

/// The app's window: 1280×720, titled.
pub fn main_window() -> Window {
    Window { title: "LabShift".to_owned(), resolution: (1280, 720).into(), ..default() }
}

/// LabShift on an app that has Bevy's plugins and its window.
pub fn add_labshift(app: &mut App, launch: Launch, setup: Setup) {
    app.insert_resource(ClearColor(ui::theme::palette::WALL));
    app.insert_resource(launch);
    app.insert_resource(setup);
    app.add_plugins(AppPlugin);
    capture::trace_plugin(app);
}
