//! What buttons and keys ask for: the app's commands, sent as [`Run`]
//! messages. Engine actions among them go on to the input bridge
//! ([`crate::play::Do`]); [`crate::dispatch`] carries out the rest.

use bevy::prelude::*;
use labshift_core::action::{Action, Mode};

use crate::state::{Panel, Screen};

pub(super) fn plugin(app: &mut App) {
    app.add_message::<Run>();
}

#[derive(Debug, Clone, PartialEq)]
pub enum UiCommand {
    /// An engine action.
    Act(Action),
    /// Engine actions one after the other, each logged as if pressed alone
    /// ("run both control levels").
    ActAll(Vec<Action>),
    Open(Panel),
    ClosePanel,
    /// Pick up a tube.
    Select(String),
    Speed(u32),
    TogglePause,
    /// Let the clock run to the next arrival, fault or timer.
    WaitForNext,
    /// The End key pressed once: ask before ending the shift.
    ConfirmEnd,
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
    InjectFault(FaultKind),
    /// Enlarge or shrink the label beside the requisition.
    ToggleZoom,
    Quit,
}

#[derive(Message, Debug, Clone)]
pub struct Run(pub UiCommand);

/// The live faults an instructor can inject (practice mode and demos).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FaultKind {
    QcShift,
    Hemolysis,
    Spill,
    NoAnswer,
}
