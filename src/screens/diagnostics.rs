//! Shown instead of the bench when the scenario does not load: every
//! diagnostic, as `labshift validate` prints it.

use bevy::prelude::*;

use crate::catalog::CurrentScenario;
use crate::screens::Screen;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::button;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Diagnostics), show_diagnostics);
}

fn show_diagnostics(mut commands: Commands, current: Res<CurrentScenario>, fonts: Res<UiFonts>) {
    let listing: String = current.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    commands.spawn((
        Name::new("Diagnostics"),
        super::page(Screen::Diagnostics),
        children![
            (
                Text::new(format!("{} cannot be opened", current.path)),
                fonts.bold(22.0),
                TextColor(palette::WARN),
            ),
            (
                Text::new("Fix these problems in the scenario file, then open it again:"),
                fonts.regular(16.0),
                TextColor(palette::PLATE_TEXT),
            ),
            // The default font is monospaced, so the carets line up under the snippet.
            (Text::new(listing), TextFont::from_font_size(14.0), TextColor(palette::PLATE_TEXT)),
            button("Choose another shift", UiCommand::Goto(Screen::Select), Some(0), &fonts, 16.0),
        ],
    ));
}
