//! The `labshift` executable: the bench by default, or a CLI command.

use std::process::ExitCode;

use clap::Parser;
use labshift::cli::{Cli, Command, DEFAULT_SCENARIO, PlayArgs};
use labshift::{CurrentScenario, capture::CapturePlan, files::scenarios_dir, windowed_app};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
        Some(Command::Play(args)) => play(args),
        None => play(PlayArgs::default()),
    }
}

fn play(args: PlayArgs) -> ExitCode {
    let path = args
        .scenario
        .unwrap_or_else(|| scenarios_dir().join(DEFAULT_SCENARIO))
        .to_string_lossy()
        .into_owned();
    let current = CurrentScenario::load(&path);
    for d in &current.diagnostics {
        eprint!("{d}");
    }
    let capture = args.screenshot.map(|path| CapturePlan { path, after_frames: args.frames });
    match windowed_app(current, capture).run() {
        bevy::app::AppExit::Success => ExitCode::SUCCESS,
        bevy::app::AppExit::Error(code) => ExitCode::from(code.get()),
    }
}
