//! What buttons and keys ask for, and the one place that carries it out.
//! Engine actions go on to the input bridge ([`crate::play::Do`]); the rest
//! moves between screens and panels.

use std::sync::Arc;

use bevy::prelude::*;
use labshift_core::action::{Action, Mode};

use crate::CurrentScenario;
use crate::catalog::Catalog;
use crate::panels::Panel;
use crate::play::{Debrief, Do, Play, SPEEDS, Setup};
use crate::reload::ReloadNotice;
use crate::state::Screen;
use crate::ui::widgets::Focus;

pub(super) fn plugin(app: &mut App) {
    app.add_message::<Run>().init_resource::<BenchUi>();
    app.add_systems(PostUpdate, execute);
}

#[derive(Debug, Clone, PartialEq)]
pub enum UiCommand {
    /// An engine action.
    Act(Action),
    Open(Panel),
    ClosePanel,
    /// Pick up a tube.
    Select(String),
    Speed(u32),
    TogglePause,
    /// Let the clock run to the next arrival, fault or timer.
    WaitForNext,
    Goto(Screen),
    /// Open the briefing of the catalog's n-th scenario.
    Choose(usize),
    SetMode(Mode),
    NewSeed,
    StartShift,
    PlayAgain,
    /// Restart the running shift (same trainee, mode and seed) on the
    /// scenario as it is now on disk.
    RestartShift,
    /// Dismiss the bench's restart prompt.
    KeepPlaying,
    SaveReport,
    /// In a browser: download the session log (on the desktop it is saved as it is played).
    DownloadLog,
    /// Watch the current scenario's reference run (from the briefing).
    StartDemo,
    /// The attract loop: every scenario's demo in turn (from the title).
    Attract,
    DemoPause,
    DemoStep,
    DemoBack,
    DemoFaster,
    DemoSlower,
    DemoNextEvent,
    /// Resume the n-th unfinished shift the title screen offers.
    ResumeJournal(usize),
    /// Throw the n-th unfinished shift away.
    DiscardJournal(usize),
    /// An instructor's live fault (practice mode and demos).
    InjectFault(crate::demo::FaultKind),
    /// Enlarge or shrink the label beside the requisition.
    ToggleZoom,
    Quit,
}

#[derive(Message, Debug, Clone)]
pub struct Run(pub UiCommand);

/// The bench's open panel and the tube in hand.
#[derive(Resource, Debug, Default, Clone)]
pub struct BenchUi {
    pub panel: Option<Panel>,
    pub selected: Option<String>,
    /// The label and requisition drawn large, to compare identifiers.
    pub zoom: bool,
}

fn execute(world: &mut World) {
    let commands: Vec<UiCommand> =
        world.resource_mut::<Messages<Run>>().drain().map(|Run(command)| command).collect();
    for command in commands {
        run(world, command);
    }
}

fn goto(world: &mut World, screen: Screen) {
    world.resource_mut::<NextState<Screen>>().set(screen);
    world.resource_mut::<Focus>().0 = 0;
}

fn run(world: &mut World, command: UiCommand) {
    match command {
        UiCommand::Act(action) => {
            world.write_message(Do(action));
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
        UiCommand::StartShift => start_shift(world),
        UiCommand::PlayAgain => {
            let mut setup = world.resource_mut::<Setup>();
            setup.seed = fresh_seed(setup.seed);
            start_shift(world);
        }
        UiCommand::RestartShift => {
            world.remove_resource::<ReloadNotice>();
            if let Some(header) = world.get_resource::<Play>().map(|p| p.log.header.clone()) {
                let mut setup = world.resource_mut::<Setup>();
                setup.trainee = header.trainee;
                setup.mode = header.mode;
                setup.seed = header.seed;
            }
            start_shift(world);
        }
        UiCommand::KeepPlaying => {
            world.remove_resource::<ReloadNotice>();
        }
        UiCommand::StartDemo => {
            if let Some(current) = world.get_resource::<CurrentScenario>().cloned() {
                let seed = world.resource::<Setup>().seed;
                crate::demo::start_demo(world, current, seed, None);
            }
        }
        UiCommand::Attract => {
            if let Some((j, current)) = crate::demo::next_playable(world.resource::<Catalog>(), None) {
                crate::demo::start_demo(world, current, 1, Some(j));
            }
        }
        UiCommand::DemoPause
        | UiCommand::DemoStep
        | UiCommand::DemoBack
        | UiCommand::DemoFaster
        | UiCommand::DemoSlower
        | UiCommand::DemoNextEvent => crate::demo::run(world, &command),
        UiCommand::InjectFault(kind) => crate::demo::inject(world, kind),
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

/// The shifts the journal folder holds that never reached their debrief.
#[derive(Resource, Debug, Default, Clone)]
pub struct Unfinished(pub Vec<crate::journal::Unfinished>);

/// The scenario an unfinished shift was played on, as it is now in the catalog.
pub fn scenario_of(
    catalog: &Catalog,
    log: &labshift_core::log::SessionLog,
) -> Result<CurrentScenario, String> {
    let entry = catalog
        .entries
        .iter()
        .find(|e| e.scenario.as_ref().is_some_and(|s| s.meta.id == log.header.scenario))
        .ok_or_else(|| format!("no scenario `{}` in the scenarios folder", log.header.scenario))?;
    if let Some(s) = &entry.scenario {
        log.check_header(s).map_err(|e| e.to_string())?;
    }
    Ok(entry.clone())
}

fn resume_journal(world: &mut World, i: usize) {
    let Some(found) = world.resource::<Unfinished>().0.get(i).cloned() else { return };
    let current = match scenario_of(world.resource::<Catalog>(), &found.log) {
        Ok(current) => current,
        Err(why) => {
            world.resource_mut::<crate::reload::Toast>().say(format!("Cannot resume: {why}"));
            return;
        }
    };
    let Some(scenario) = current.scenario.clone() else { return };
    let setup = world.resource::<Setup>().clone();
    let (play, old) = crate::resume_unfinished(Arc::new(scenario), &found, &setup);
    let _ = std::fs::remove_file(old);
    world.resource_mut::<Unfinished>().0.remove(i);
    world.insert_resource(current);
    world.insert_resource(play);
    world.insert_resource(BenchUi::default());
    world.remove_resource::<Debrief>();
    world.remove_resource::<crate::demo::Demo>();
    goto(world, Screen::Bench);
}

/// Starts the current scenario's shift with the briefing's setup.
pub fn start_shift(world: &mut World) {
    let Some(scenario) = world.get_resource::<CurrentScenario>().and_then(|c| c.scenario.clone()) else {
        return;
    };
    let play = Play::start(Arc::new(scenario), world.resource::<Setup>());
    world.insert_resource(play);
    world.remove_resource::<crate::demo::Demo>();
    world.insert_resource(BenchUi::default());
    world.remove_resource::<Debrief>();
    // Leaving the bench for the bench (play again) must still respawn it.
    goto(world, Screen::Bench);
}

/// A different seed: the next one in a fixed, well-mixed sequence, so a
/// class gets varied shifts without reading the clock.
fn fresh_seed(seed: u64) -> u64 {
    let mixed = seed.wrapping_add(0x9E37_79B9_7F4A_7C15).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    (mixed ^ (mixed >> 31)) % 1_000_000 + 1
}
