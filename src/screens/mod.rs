//! The app's screens: title → scenario select → briefing → bench → debrief.
//! Entities of a screen are tied to it with `DespawnOnExit`.

mod bench;
mod briefing;
mod debrief;
mod diagnostics;
mod select;
mod title;

pub use crate::state::Screen;
pub use bench::{Hint, Hud, HudText, hint};

use bevy::prelude::*;

use crate::ui::theme::{UiFonts, palette};

pub(super) fn plugin(app: &mut App) {
    app.add_plugins((
        title::plugin,
        select::plugin,
        briefing::plugin,
        bench::plugin,
        debrief::plugin,
        diagnostics::plugin,
    ));
}

/// A full-window column for a menu-like screen.
pub(crate) fn page(screen: Screen) -> impl Bundle {
    (
        DespawnOnExit(screen),
        Node {
            width: percent(100),
            height: percent(100),
            flex_direction: FlexDirection::Column,
            padding: UiRect::all(px(28)),
            row_gap: px(10),
            ..default()
        },
        BackgroundColor(palette::WALL),
    )
}

pub(crate) fn heading(text: impl Into<String>, fonts: &UiFonts, size: f32) -> impl Bundle {
    (Text::new(text), fonts.bold(size), TextColor(palette::PLATE_TEXT))
}

pub(crate) fn body(text: impl Into<String>, fonts: &UiFonts, size: f32, colour: Color) -> impl Bundle {
    (Text::new(text), fonts.regular(size), TextColor(colour))
}
