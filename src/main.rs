//! The `labshift` executable: the bench by default, or a CLI command. In a
//! browser (wasm32), the app alone, on the bundled scenarios.
// The command line is not built into the web app.
#![cfg_attr(target_arch = "wasm32", allow(dead_code, unused_imports))]

use std::process::ExitCode;

use clap::Parser;
use labshift::capture::FramePlan;
use labshift::cli::{Cli, Command, EmptyCamera, PlayArgs};
use labshift::play::Setup;
use labshift::{CurrentScenario, Launch, windowed_app};
use labshift_core::log::SessionLog;
use labshift_core::time::ClockTime;

#[cfg(target_arch = "wasm32")]
fn main() {
    labshift::web::run();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    labshift::capture::mark_start();
    let cli = Cli::parse();
    labshift::capture::trace("command line read");
    match cli.command {
        Some(Command::Validate(args)) => {
            let code = labshift::cli::validate(&args, &mut std::io::stdout(), &mut std::io::stderr());
            ExitCode::from(code)
        }
        Some(Command::Grade(args)) => {
            ExitCode::from(labshift::cli::grade(&args, &mut std::io::stdout(), &mut std::io::stderr()))
        }
        Some(Command::Qc(args)) => {
            let mut input = String::new();
            if let Err(e) = std::io::Read::read_to_string(&mut std::io::stdin(), &mut input) {
                eprintln!("error: cannot read standard input: {e}");
                return ExitCode::from(labshift::cli::exit::USAGE);
            }
            ExitCode::from(labshift::cli::qc(&args, &input, &mut std::io::stdout(), &mut std::io::stderr()))
        }
        Some(Command::Reference(args)) => {
            ExitCode::from(labshift::cli::reference(&args, &mut std::io::stdout(), &mut std::io::stderr()))
        }
        Some(Command::New(args)) => ExitCode::from(labshift_tools::instructor::new(
            &args,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )),
        Some(Command::Preview(args)) => ExitCode::from(labshift_tools::instructor::preview(
            &args,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )),
        Some(Command::Report(args)) => ExitCode::from(labshift_tools::export::report(
            &args,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        )),
        Some(Command::Demo(args)) => demo(args),
        Some(Command::Play(args)) => play(args),
        None => play(PlayArgs::default()),
    }
}

fn play(args: PlayArgs) -> ExitCode {
    use labshift::cli::{PlayMode, ScreenArg, exit, parse_panel};
    use labshift::screens::Screen;
    use labshift_core::action::Mode;
    if let Some(camera) = args.empty_scene {
        return empty_scene(args.measure_frames.unwrap_or(300), camera);
    }
    let current = args.scenario.as_ref().map(|p| CurrentScenario::load(&p.to_string_lossy()));
    for d in current.iter().flat_map(|c| &c.diagnostics) {
        eprint!("{d}");
    }
    labshift::capture::trace("scenario loaded");
    let mut launch = Launch {
        screen: args.screen.map(|s| match s {
            ScreenArg::Title => Screen::Title,
            ScreenArg::Select => Screen::Select,
            ScreenArg::Briefing => Screen::Briefing,
        }),
        ..Launch::default()
    };
    if let Some(path) = &args.resume {
        let name = path.to_string_lossy();
        let log = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read file: {e}"))
            .and_then(|text| SessionLog::parse(&name, &text).map_err(|e| e.to_string()));
        let until = match args.until.as_deref().map(|t| ClockTime::parse(t).ok_or(t)) {
            Some(Err(t)) => {
                eprintln!("error: --until `{t}` is not a clock time (HH:MM or HH:MM:SS)");
                return ExitCode::from(exit::USAGE);
            }
            Some(Ok(t)) => Some(t),
            None => None,
        };
        let scenario = current.as_ref().and_then(|c| c.scenario.as_ref());
        let log = log.and_then(|log| match scenario {
            Some(s) => log.check_header(s).map(|()| log).map_err(|e| e.to_string()),
            None => Ok(log),
        });
        match log {
            Ok(log) => launch.resume = Some((log, until)),
            Err(e) => {
                eprintln!("error: {name}: {e}");
                return ExitCode::from(exit::USAGE);
            }
        }
    }
    launch.zoom = args.zoom;
    if let Some(panel) = &args.panel {
        match parse_panel(panel) {
            Ok(p) => launch.panel = Some(p),
            Err(e) => {
                eprintln!("error: --panel: {e}");
                return ExitCode::from(exit::USAGE);
            }
        }
    }
    let mut scripted = None;
    if let Some(path) = &args.script {
        let name = path.to_string_lossy();
        let log = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read file: {e}"))
            .and_then(|text| SessionLog::parse(&name, &text).map_err(|e| e.to_string()));
        let scenario = current.as_ref().and_then(|c| c.scenario.as_ref());
        match (log, scenario) {
            (Ok(log), Some(s)) => {
                let pace = std::time::Duration::from_millis(args.pace_ms);
                launch.script = Some(labshift::script::Script::new(&log, s.meta.start, pace, args.headless));
                scripted = Some(log.header);
            }
            (Err(e), _) => {
                eprintln!("error: {name}: {e}");
                return ExitCode::from(exit::USAGE);
            }
            (_, None) => return ExitCode::from(exit::USAGE),
        }
    }
    launch.resume_unfinished = args.resume_unfinished;
    launch.speed = args.speed;
    let setup = Setup {
        trainee: args.trainee.clone(),
        mode: if args.mode == PlayMode::Assessment { Mode::Assessment } else { Mode::Practice },
        seed: args.seed,
        log_dir: Some(args.log_dir.clone()),
        // A screenshot or a measurement is not a trainee's shift: no journal unless asked for.
        journal_dir: args.journal_dir.clone().or_else(|| {
            (args.window.screenshot.is_none() && args.measure_frames.is_none())
                .then(labshift::journal::default_dir)
                .flatten()
        }),
    };
    // A script plays as the shift it was recorded in: its seed, trainee and mode.
    let setup = match scripted {
        Some(h) => Setup { trainee: h.trainee, mode: h.mode, seed: h.seed, ..setup },
        None => setup,
    };
    if args.headless {
        let mut app = labshift::headless_app(current, None, launch, setup);
        return match app.run() {
            bevy::app::AppExit::Success => ExitCode::SUCCESS,
            bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
        };
    }
    let scale = args.window.scale();
    let capture = args.window.capture();
    let mut app = windowed_app(current, launch, setup, capture);
    if let Some(frames) = args.measure_frames {
        app.insert_resource(FramePlan { warmup: 60, frames, scene: "bench".into() });
        labshift::capture::frame_plugin(&mut app);
    }
    app.insert_resource(labshift::ui::widgets::UiScaleSetting(scale));
    match app.run() {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

fn demo(args: labshift::cli::DemoArgs) -> ExitCode {
    let current = args.scenario.as_ref().map(|p| CurrentScenario::load(&p.to_string_lossy()));
    for d in current.iter().flat_map(|c| &c.diagnostics) {
        eprint!("{d}");
    }
    labshift::capture::trace("scenario loaded");
    if current.as_ref().is_some_and(|c| c.scenario.is_none()) {
        eprintln!("error: the scenario cannot be demonstrated until it is valid");
        return ExitCode::from(labshift::cli::exit::INVALID);
    }
    let launch = Launch {
        demo: Some(labshift::DemoLaunch {
            seed: args.seed,
            speed: args.speed,
            attract: args.attract,
            skip: args.skip,
            inject: args.inject,
        }),
        ..Launch::default()
    };
    let setup = Setup { trainee: "Demo".into(), log_dir: None, ..Setup::default() };
    let capture = args.window.capture();
    let mut app = windowed_app(current, launch, setup, capture);
    app.insert_resource(labshift::ui::widgets::UiScaleSetting(args.window.scale()));
    match app.run() {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// The frame-time baseline: an empty Bevy 2D app in the same window.
fn empty_scene(frames: u32, camera: EmptyCamera) -> ExitCode {
    use bevy::prelude::*;
    let mut app = App::new();
    app.add_plugins(DefaultPlugins.set(WindowPlugin {
        primary_window: Some(Window {
            title: "LabShift".into(),
            resolution: (1280, 720).into(),
            ..default()
        }),
        ..default()
    }));
    labshift::capture::trace("Bevy's plugins added");
    let scene = match camera {
        EmptyCamera::Default => {
            app.add_systems(Startup, |mut commands: Commands| {
                commands.spawn(Camera2d);
            });
            "empty"
        }
        EmptyCamera::BenchCamera => {
            app.add_systems(Startup, labshift::spawn_camera);
            "empty-bench-camera"
        }
    };
    app.insert_resource(FramePlan { warmup: 60, frames, scene: scene.into() });
    labshift::capture::frame_plugin(&mut app);
    labshift::capture::trace_plugin(&mut app);
    match app.run() {
        AppExit::Success => ExitCode::SUCCESS,
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
