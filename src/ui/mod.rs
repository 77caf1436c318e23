//! Look and feel shared by every screen: palette, fonts, text helpers.

pub mod theme;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins(theme::plugin);
}
