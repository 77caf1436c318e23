//! The app's state: which screen is shown. Every layer may read it; the
//! screens (`crate::screens`) draw each one.

use bevy::prelude::*;

/// What the user is looking at.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    /// Every scenario in the scenarios folder.
    Select,
    /// Objectives, policy highlights, mode and trainee name.
    Briefing,
    /// The lab bench, playing the shift.
    Bench,
    /// Pass or fail, scores, findings, charts.
    Debrief,
    /// A scenario that could not be loaded: its diagnostics, instead of a crash.
    Diagnostics,
}
