//! Look and feel shared by every screen: palette, fonts, buttons that the
//! mouse and the keyboard reach alike, and the commands they send.

pub mod command;
pub mod theme;
pub mod widgets;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((theme::plugin, widgets::plugin, command::plugin));
}
