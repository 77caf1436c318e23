//! Scenario select: every scenario in the scenarios folder with its title,
//! career tier and objectives; an invalid file shows its diagnostics.

use bevy::prelude::*;

use super::{Screen, body, heading, page};
use crate::catalog::Catalog;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{Focus, button};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Select), spawn_select);
    app.add_systems(Update, show_details.run_if(in_state(Screen::Select)));
}

/// The right-hand pane describing the focused scenario.
#[derive(Component)]
struct Details;

fn spawn_select(mut commands: Commands, fonts: Res<UiFonts>, catalog: Res<Catalog>) {
    commands.spawn(page(Screen::Select)).with_children(|p| {
        p.spawn(heading("Choose a shift", &fonts, 30.0));
        p.spawn(Node { column_gap: px(24), flex_grow: 1.0, ..default() }).with_children(|row| {
            row.spawn(Node {
                flex_direction: FlexDirection::Column,
                row_gap: px(6),
                width: px(520),
                ..default()
            })
            .with_children(|list| {
                for (i, entry) in catalog.entries.iter().enumerate() {
                    let label = match &entry.scenario {
                        Some(s) => format!("{}  ·  {:?}", s.meta.title, s.meta.tier),
                        None => format!("⚠ {} (cannot be opened)", entry.path),
                    };
                    list.spawn(button(&label, UiCommand::Choose(i), Some(i), &fonts, 16.0));
                }
                if catalog.entries.is_empty() {
                    list.spawn(body(
                        "No scenario found in the scenarios folder.",
                        &fonts,
                        16.0,
                        palette::WARN,
                    ));
                }
                let back = catalog.entries.len();
                list.spawn(button(
                    "Back to the title",
                    UiCommand::Goto(Screen::Title),
                    Some(back),
                    &fonts,
                    16.0,
                ));
            });
            row.spawn((
                Details,
                Node {
                    flex_direction: FlexDirection::Column,
                    row_gap: px(8),
                    flex_grow: 1.0,
                    padding: UiRect::all(px(16)),
                    ..default()
                },
                BackgroundColor(palette::CARD),
            ));
        });
    });
}

/// Describes the focused scenario: summary and objectives, or its diagnostics.
fn show_details(
    mut commands: Commands,
    focus: Res<Focus>,
    catalog: Res<Catalog>,
    fonts: Res<UiFonts>,
    pane: Query<Entity, With<Details>>,
    mut shown: Local<Option<usize>>,
) {
    let Ok(pane) = pane.single() else { return };
    if *shown == Some(focus.0) && !catalog.is_changed() {
        return;
    }
    *shown = Some(focus.0);
    commands.entity(pane).despawn_children();
    let Some(entry) = catalog.entries.get(focus.0) else { return };
    commands.entity(pane).with_children(|p| match &entry.scenario {
        Some(s) => {
            p.spawn(heading(s.meta.title.clone(), &fonts, 22.0));
            p.spawn(body(
                format!(
                    "{:?} tier · {} · {} specimens · {}",
                    s.meta.tier,
                    s.meta.date,
                    s.specimens.len(),
                    entry.path
                ),
                &fonts,
                14.0,
                palette::MUTED,
            ));
            p.spawn(body(s.meta.summary.clone(), &fonts, 15.0, palette::PLATE_TEXT));
            p.spawn(heading("Objectives", &fonts, 16.0));
            for o in &s.meta.objectives {
                p.spawn(body(format!("•  {o}"), &fonts, 14.5, palette::PLATE_TEXT));
            }
            p.spawn(body("Press Enter or click to read the briefing.", &fonts, 14.0, palette::SCREEN_TEXT));
        }
        None => {
            p.spawn(heading(format!("{} cannot be opened", entry.path), &fonts, 18.0));
            let listing: String =
                entry.diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n");
            p.spawn((Text::new(listing), TextFont::from_font_size(12.0), TextColor(palette::WARN)));
        }
    });
}
