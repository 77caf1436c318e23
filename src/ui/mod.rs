//! Look and feel shared by every screen: palette, fonts, buttons that the
//! mouse and the keyboard reach alike, the commands they send, and the
//! cache that draws a large interface once instead of every frame.

pub mod cached;
pub mod command;
pub mod drawn;
pub mod theme;
pub mod widgets;

use bevy::prelude::*;

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((theme::plugin, widgets::plugin, command::plugin, cached::plugin));
}
