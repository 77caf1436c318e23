//! The one place the app's commands ([`Run`]) are carried out: each moves
//! between screens and panels, sets up a shift, drives the demo, or hands an
//! engine action to the input bridge.

use std::sync::Arc;

use bevy::prelude::*;

use crate::catalog::{Catalog, CurrentScenario};
use crate::demo::{self, Demo};
use crate::play::{Debrief, Do, Play, SPEEDS, Setup};
use crate::reload::{ReloadNotice, Toast};
use crate::shift::{Unfinished, goto, put_on_bench, resume_unfinished, scenario_of, start_shift};
use crate::state::{BenchUi, Panel, Screen};
use crate::ui::command::{Run, UiCommand};
use crate::ui::widgets::Focus;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<BenchUi>();
    app.add_systems(PostUpdate, execute);
}

fn execute(world: &mut World) {
    let commands: Vec<UiCommand> =
        world.resource_mut::<Messages<Run>>().drain().map(|Run(command)| command).collect();
    for command in commands {
        run(world, command);
    }
}

fn run(world: &mut World, command: UiCommand) {
    match command {
        UiCommand::Act(action) => {
            world.write_message(Do(action));
        }
        UiCommand::ActAll(actions) => {
            for action in actions {
                world.write_message(Do(action));
            }
        }
        UiCommand::Open(panel) => {
            if let Panel::Specimen(id) = &panel {
                world.resource_mut::<BenchUi>().selected = Some(id.clone());
            }
            world.resource_mut::<BenchUi>().panel = Some(panel);
            world.resource_mut::<Focus>().0 = 0;
        }
        UiCommand::ClosePanel => {
            world.resource_mut::<BenchUi>().panel = None;
        }
        UiCommand::Select(id) => {
            let mut ui = world.resource_mut::<BenchUi>();
            ui.selected = Some(id.clone());
            ui.panel = Some(Panel::Specimen(id));
            world.resource_mut::<Focus>().0 = 0;
        }
        UiCommand::Speed(speed) => {
            if let Some(mut play) = world.get_resource_mut::<Play>()
                && SPEEDS.contains(&speed)
            {
                play.speed = speed;
            }
        }
        UiCommand::TogglePause => {
            if let Some(mut play) = world.get_resource_mut::<Play>() {
                play.paused = !play.paused;
            }
        }
        UiCommand::ConfirmEnd => {
            world.resource_mut::<BenchUi>().end_asked = true;
            if let Some(mut play) = world.get_resource_mut::<Play>() {
                play.say(
                    crate::play::Tone::Warn,
                    "End the shift now? Press End again to see the debrief; any other key carries on.".into(),
                );
            }
        }
        UiCommand::WaitForNext => {
            if let Some(mut play) = world.get_resource_mut::<Play>() {
                play.skip_to_next_moment();
            }
        }
        UiCommand::Goto(screen) => goto(world, screen),
        UiCommand::Choose(i) => {
            let entry = world.resource::<Catalog>().entries.get(i).cloned();
            if let Some(entry) = entry {
                world.insert_resource(entry.clone());
                goto(world, if entry.scenario.is_some() { Screen::Briefing } else { Screen::Diagnostics });
            }
        }
        UiCommand::SetMode(mode) => world.resource_mut::<Setup>().mode = mode,
        UiCommand::NewSeed => {
            let mut setup = world.resource_mut::<Setup>();
            setup.seed = fresh_seed(setup.seed);
        }
        UiCommand::StartShift => new_shift(world),
        UiCommand::PlayAgain => {
            let mut setup = world.resource_mut::<Setup>();
            setup.seed = fresh_seed(setup.seed);
            new_shift(world);
        }
        UiCommand::RestartShift => {
            world.remove_resource::<ReloadNotice>();
            if let Some(header) = world.get_resource::<Play>().map(|p| p.log.header.clone()) {
                let mut setup = world.resource_mut::<Setup>();
                setup.trainee = header.trainee;
                setup.mode = header.mode;
                setup.seed = header.seed;
            }
            new_shift(world);
        }
        UiCommand::KeepPlaying => {
            world.remove_resource::<ReloadNotice>();
        }
        UiCommand::StartDemo => {
            if let Some(current) = world.get_resource::<CurrentScenario>().cloned() {
                let seed = world.resource::<Setup>().seed;
                demo::start_demo(world, current, seed, None);
            }
        }
        UiCommand::Attract => {
            if let Some((j, current)) = demo::next_playable(world.resource::<Catalog>(), None) {
                demo::start_demo(world, current, 1, Some(j));
            }
        }
        UiCommand::DemoPause
        | UiCommand::DemoStep
        | UiCommand::DemoBack
        | UiCommand::DemoFaster
        | UiCommand::DemoSlower
        | UiCommand::DemoNextEvent => demo::run(world, &command),
        UiCommand::InjectFault(kind) => demo::inject(world, kind),
        UiCommand::ResumeJournal(i) => resume_journal(world, i),
        UiCommand::DiscardJournal(i) => {
            let mut left = world.resource_mut::<Unfinished>();
            if i < left.0.len() {
                let gone = left.0.remove(i);
                let _ = std::fs::remove_file(&gone.path);
                #[cfg(target_arch = "wasm32")]
                crate::browser::forget_shift();
            }
            goto(world, Screen::Title);
        }
        UiCommand::SaveReport => {
            if let Some(mut debrief) = world.get_resource_mut::<Debrief>() {
                debrief.save_report();
            }
        }
        UiCommand::DownloadLog =>
        {
            #[cfg(target_arch = "wasm32")]
            if let Some(mut debrief) = world.get_resource_mut::<Debrief>() {
                debrief.download_log();
            }
        }
        UiCommand::ToggleZoom => {
            let mut ui = world.resource_mut::<BenchUi>();
            ui.zoom = !ui.zoom;
        }
        UiCommand::Quit => {
            world.write_message(AppExit::Success);
        }
    }
}

fn resume_journal(world: &mut World, i: usize) {
    let Some(found) = world.resource::<Unfinished>().0.get(i).cloned() else { return };
    let current = match scenario_of(world.resource::<Catalog>(), &found.log) {
        Ok(current) => current,
        Err(why) => {
            world.resource_mut::<Toast>().say(format!("Cannot resume: {why}"));
            return;
        }
    };
    let Some(scenario) = current.scenario.clone() else { return };
    let setup = world.resource::<Setup>().clone();
    let (play, old) = resume_unfinished(Arc::new(scenario), &found, &setup);
    let _ = std::fs::remove_file(old);
    world.resource_mut::<Unfinished>().0.remove(i);
    world.insert_resource(current);
    world.remove_resource::<Demo>();
    put_on_bench(world, play);
}

/// The briefing's shift, started by the trainee: it ends any demo.
fn new_shift(world: &mut World) {
    world.remove_resource::<Demo>();
    start_shift(world);
}

/// A different seed: the next one in a fixed, well-mixed sequence, so a
/// class gets varied shifts without reading the clock.
fn fresh_seed(seed: u64) -> u64 {
    let mixed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (mixed ^ (mixed >> 31)) % 1_000_000 + 1
}
