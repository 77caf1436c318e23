//! The app's screens. Entities of a screen are tied to it with `DespawnOnExit`.

mod bench;
mod diagnostics;

use bevy::prelude::*;

/// What the user is looking at.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    /// The lab bench of the current scenario.
    #[default]
    Bench,
    /// The scenario could not be loaded: its diagnostics, instead of a crash.
    Diagnostics,
}

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((bench::plugin, diagnostics::plugin));
}
