//! The title screen.

use bevy::prelude::*;

use super::{Screen, body, heading};
use crate::shift::Unfinished;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::button;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Title), spawn_title);
}

fn spawn_title(mut commands: Commands, fonts: Res<UiFonts>, unfinished: Res<Unfinished>) {
    commands
        .spawn((
            DespawnOnExit(Screen::Title),
            Node {
                width: percent(100),
                height: percent(100),
                flex_direction: FlexDirection::Column,
                align_items: AlignItems::Center,
                justify_content: JustifyContent::Center,
                row_gap: px(14),
                ..default()
            },
            BackgroundColor(palette::WALL),
        ))
        .with_children(|p| {
            p.spawn(heading("LabShift", &fonts, 64.0));
            p.spawn(body("A shift at the clinical laboratory bench", &fonts, 22.0, palette::SCREEN_TEXT));
            p.spawn(body(
                "Identify and label specimens, run QC, verify results, call critical values, stay safe.",
                &fonts,
                16.0,
                palette::MUTED,
            ));
            p.spawn(Node { height: px(24), ..default() });
            p.spawn(button("Choose a shift", UiCommand::Goto(Screen::Select), Some(0), &fonts, 20.0));
            p.spawn(button("Watch a demo (every shift in turn)", UiCommand::Attract, Some(1), &fonts, 20.0));
            // A page is left by closing its tab: no Quit in a browser.
            #[cfg(not(target_arch = "wasm32"))]
            p.spawn(button("Quit", UiCommand::Quit, Some(2), &fonts, 20.0));
            if !unfinished.0.is_empty() {
                p.spawn(Node { height: px(12), ..default() });
                p.spawn(body(
                    "Unfinished shifts (LabShift stopped before their debrief): every action was kept.",
                    &fonts,
                    16.0,
                    palette::WARN,
                ));
            }
            for (i, u) in unfinished.0.iter().enumerate().take(4) {
                let h = &u.log.header;
                let last = u.log.actions.last().map_or("the start".to_owned(), |e| e.at.clone());
                p.spawn(Node { column_gap: px(8), ..default() }).with_children(|row| {
                    row.spawn(button(
                        &format!("Resume {} · {} · seed {} · {} actions, to {last}", h.trainee, h.scenario, h.seed, u.log.actions.len()),
                        UiCommand::ResumeJournal(i),
                        Some(3 + 2 * i),
                        &fonts,
                        16.0,
                    ));
                    row.spawn(button("Discard", UiCommand::DiscardJournal(i), Some(4 + 2 * i), &fonts, 16.0));
                });
            }
            p.spawn(Node { height: px(24), ..default() });
            p.spawn(body(
                "Mouse, or keyboard: ↑ ↓ to choose, Enter to press, the digits for numbered buttons. F9/F10: text size.",
                &fonts,
                14.0,
                palette::MUTED,
            ));
        });
}
