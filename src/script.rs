//! Scripted input: a session log's actions fed to the bench as a trainee's
//! input, at their clock times, through the same [`Do`] bridge. With
//! `--headless` the app runs without a window and ends with the shift; it
//! says on standard output how many actions are recorded (in the journal,
//! on the disk) as it goes. The reliability tests drive the app this way and
//! kill it at random moments.

use std::io::Write as _;
use std::time::Duration;

use bevy::prelude::*;
use labshift_core::action::Action;
use labshift_core::log::SessionLog;
use labshift_core::time::{ClockTime, SimTime};

use crate::play::{Do, Play, PlaySystems};
use crate::state::Screen;

pub fn plugin(app: &mut App) {
    // A script runs the clock itself.
    app.configure_sets(Update, crate::play::ClockSystems.run_if(not(resource_exists::<Script>)));
    app.add_systems(
        Update,
        (feed.before(PlaySystems), report.after(PlaySystems)).run_if(
            in_state(Screen::Bench).and_then(resource_exists::<Script>).and_then(resource_exists::<Play>),
        ),
    );
}

/// The input to play.
#[derive(Resource, Debug, Clone)]
pub struct Script {
    pub steps: Vec<(SimTime, Action)>,
    /// The next step to feed.
    pub next: usize,
    /// Real time between two steps.
    pub pace: Duration,
    /// Exit when the shift ends (no debrief to look at).
    pub exit_at_end: bool,
    reported: usize,
}

impl Script {
    pub fn new(log: &SessionLog, start: ClockTime, pace: Duration, exit_at_end: bool) -> Script {
        let steps = log
            .actions
            .iter()
            .map(|e| (ClockTime::parse(&e.at).map_or(SimTime::ZERO, |t| t.since(start)), e.action.clone()))
            .collect();
        Script { steps, next: 0, pace, exit_at_end, reported: usize::MAX }
    }
}

fn feed(mut script: ResMut<Script>, mut play: ResMut<Play>, mut actions: MessageWriter<Do>) {
    let Some((at, action)) = script.steps.get(script.next).cloned() else { return };
    if !script.pace.is_zero() {
        std::thread::sleep(script.pace);
    }
    play.clock = play.clock.max(at.0 as f64);
    actions.write(Do(action));
    script.next += 1;
}

/// Says how many actions are on the disk, and ends a headless run with the shift.
fn report(mut script: ResMut<Script>, play: Res<Play>, mut exit: MessageWriter<AppExit>) {
    let recorded = if play.journal.is_some() || play.session.is_ended() { play.log.actions.len() } else { 0 };
    if recorded != script.reported {
        script.reported = recorded;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "recorded {recorded}");
        let _ = out.flush();
    }
    if script.exit_at_end && play.session.is_ended() {
        exit.write(AppExit::Success);
    }
}
