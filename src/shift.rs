//! A shift put on the bench: started afresh from the briefing's setup, or
//! picked up from a session log or an unfinished journal by replaying it.
//! Whatever starts a shift (a button, the demo, a launch option, a reload)
//! comes here.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use labshift_core::Scenario;
use labshift_core::log::SessionLog;
use labshift_core::time::{ClockTime, SimTime};

use crate::catalog::{Catalog, CurrentScenario};
use crate::journal;
use crate::play::{Debrief, Play, Setup};
use crate::state::{BenchUi, Screen};
use crate::ui::widgets::Focus;

/// The shifts the journal folder holds that never reached their debrief.
#[derive(Resource, Debug, Default, Clone)]
pub struct Unfinished(pub Vec<journal::Unfinished>);

/// Shows `screen`, with the keyboard's focus on its first button.
pub fn goto(world: &mut World, screen: Screen) {
    world.resource_mut::<NextState<Screen>>().set(screen);
    world.resource_mut::<Focus>().0 = 0;
}

/// Starts the current scenario's shift with the briefing's setup and shows
/// the bench.
pub fn start_shift(world: &mut World) {
    let Some(scenario) = world.get_resource::<CurrentScenario>().and_then(|c| c.scenario.clone()) else {
        return;
    };
    let play = Play::start(Arc::new(scenario), world.resource::<Setup>());
    put_on_bench(world, play);
}

/// Puts `play` on the bench: no panel open, no tube in hand, no debrief.
pub fn put_on_bench(world: &mut World, play: Play) {
    world.insert_resource(play);
    world.insert_resource(BenchUi::default());
    world.remove_resource::<Debrief>();
    // Leaving the bench for the bench (play again) must still respawn it.
    goto(world, Screen::Bench);
}

/// The scenario an unfinished shift was played on, as it is now in the catalog.
pub fn scenario_of(catalog: &Catalog, log: &SessionLog) -> Result<CurrentScenario, String> {
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

/// Replays the unfinished journal of `scenario` (the first, if several) into
/// a shift that journals anew; returns it and the old journal, to remove.
pub fn resume_journal(scenario: Arc<Scenario>, setup: &Setup) -> Option<(Play, PathBuf)> {
    let dir = setup.journal_dir.as_ref()?;
    let found = journal::unfinished(dir)
        .into_iter()
        .flatten()
        .find(|u| u.log.header.scenario == scenario.meta.id && u.log.check_header(&scenario).is_ok())?;
    Some(resume_unfinished(scenario, &found, setup))
}

/// Replays an unfinished journal into a shift that journals anew and goes
/// on in the session log it was writing; returns it and the old journal.
pub fn resume_unfinished(
    scenario: Arc<Scenario>,
    found: &journal::Unfinished,
    setup: &Setup,
) -> (Play, PathBuf) {
    let mut play = resume(scenario, &found.log, None, setup);
    // The shift goes on in the log it was writing, not a second one beside it.
    if let (Some(dir), Some(new)) = (&setup.log_dir, play.log_path.clone()) {
        let old = dir.join(found.log_name());
        if old != new {
            let _ = std::fs::remove_file(&new);
            play.log_path = Some(old);
            play.save_log();
        }
    }
    (play, found.path.clone())
}

/// Plays a session log's actions up to `until` (all of them without), as
/// the trainee's own, into a new shift with the log's seed, trainee and mode.
pub fn resume(scenario: Arc<Scenario>, log: &SessionLog, until: Option<ClockTime>, setup: &Setup) -> Play {
    let start = scenario.meta.start;
    let setup = Setup {
        trainee: log.header.trainee.clone(),
        mode: log.header.mode,
        seed: log.header.seed,
        log_dir: setup.log_dir.clone(),
        journal_dir: setup.journal_dir.clone(),
    };
    let mut play = Play::start(scenario, &setup);
    // Each action at its own time, up to `until`; the new log is written once, at the end.
    let actions = log.actions.iter().map_while(|entry| {
        let at = ClockTime::parse(&entry.at).filter(|at| until.is_none_or(|u| at.0 <= u.0))?;
        Some((at.since(start).0.max(SimTime::ZERO.0) as f64, entry.action.clone()))
    });
    play.act_all(actions);
    if let Some(u) = until {
        play.clock = play.clock.max(u.since(start).0 as f64);
        let _ = play.act(labshift_core::action::Action::Wait);
    }
    play
}
