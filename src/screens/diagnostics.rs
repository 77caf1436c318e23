//! Shown instead of the bench when the scenario does not load: every
//! diagnostic, as `labshift validate` prints it.

use bevy::prelude::*;

use crate::CurrentScenario;
use crate::screens::Screen;
use crate::ui::theme::{UiFonts, palette};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Diagnostics), show_diagnostics);
}

fn show_diagnostics(mut commands: Commands, current: Res<CurrentScenario>, fonts: Res<UiFonts>) {
    let listing: String = current.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
    commands.spawn((
        Name::new("Diagnostics"),
        DespawnOnExit(Screen::Diagnostics),
        Node {
            width: percent(100),
            height: percent(100),
            flex_direction: FlexDirection::Column,
            padding: UiRect::all(px(24)),
            row_gap: px(12),
            ..default()
        },
        BackgroundColor(palette::WALL),
        children![
            (
                Text::new(format!("{} cannot be opened", current.path)),
                fonts.bold(22.0),
                TextColor(palette::WARN),
            ),
            (
                Text::new("Fix these problems in the scenario file, then start LabShift again:"),
                fonts.regular(16.0),
                TextColor(palette::PLATE_TEXT),
            ),
            // The default font is monospaced, so the carets line up under the snippet.
            (Text::new(listing), TextFont::from_font_size(14.0), TextColor(palette::PLATE_TEXT)),
        ],
    ));
}
