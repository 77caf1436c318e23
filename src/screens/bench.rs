//! The bench screen: the header bar over the 2D bench of the current scenario.

use bevy::prelude::*;

use crate::CurrentScenario;
use crate::screens::Screen;
use crate::ui::theme::{UiFonts, palette};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Bench), spawn_header);
}

/// The header bar: scenario, tier, clock and what the trainee wears.
fn spawn_header(mut commands: Commands, current: Res<CurrentScenario>, fonts: Res<UiFonts>) {
    let Some(scenario) = &current.scenario else { return };
    let meta = &scenario.meta;
    commands.spawn((
        Name::new("Header"),
        DespawnOnExit(Screen::Bench),
        Node {
            width: percent(100),
            height: px(40),
            padding: UiRect::horizontal(px(16)),
            align_items: AlignItems::Center,
            justify_content: JustifyContent::SpaceBetween,
            ..default()
        },
        BackgroundColor(palette::HEADER),
        children![
            (
                Text::new(format!("LabShift  ·  {}", meta.title)),
                fonts.bold(17.0),
                TextColor(palette::PLATE_TEXT),
            ),
            (
                Text::new(format!(
                    "{:?}  ·  {} {}  ·  {} specimens due  ·  PPE: none",
                    meta.tier,
                    meta.date,
                    meta.start,
                    scenario.specimens.len()
                )),
                fonts.regular(15.0),
                TextColor(palette::SCREEN_TEXT),
            ),
        ],
    ));
}
