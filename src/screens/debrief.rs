//! The debrief: pass or fail, subscores, the finding timeline with the rule
//! and citation behind each finding, the Levey-Jennings charts; play again
//! with a new seed, save the report.

use bevy::prelude::*;
use labshift_core::rules::FindingSeverity;

use super::{Screen, body, heading};
use crate::panels::view::lj_chart;
use crate::play::Debrief;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::button;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Debrief), (spawn_debrief, guard_keys));
    app.add_systems(
        Update,
        (show_saved, scroll_findings).run_if(in_state(Screen::Debrief).and_then(resource_exists::<Debrief>)),
    );
}

#[derive(Component)]
struct SavedNote;

#[derive(Component)]
struct FindingList;

fn spawn_debrief(mut commands: Commands, fonts: Res<UiFonts>, debrief: Option<Res<Debrief>>) {
    let Some(debrief) = debrief else { return };
    let r = &debrief.attempt.report;
    let (verdict, colour) = if r.passed { ("PASS", palette::OK) } else { ("FAIL", palette::DANGER) };
    commands
        .spawn((
            DespawnOnExit(Screen::Debrief),
            Node {
                width: percent(100),
                height: percent(100),
                flex_direction: FlexDirection::Column,
                padding: UiRect::all(px(18)),
                row_gap: px(8),
                ..default()
            },
            BackgroundColor(palette::WALL),
        ))
        .with_children(|page| {
            page.spawn(Node { column_gap: px(18), align_items: AlignItems::Center, ..default() })
                .with_children(|top| {
                    top.spawn((Text::new(verdict), fonts.bold(40.0), TextColor(colour)));
                    top.spawn(heading(format!("{} — {}", r.title, r.trainee), &fonts, 22.0));
                    top.spawn(body(
                        format!("{:?} mode · seed {} · pass mark {}%", r.mode, r.seed, r.pass_mark),
                        &fonts,
                        14.0,
                        palette::MUTED,
                    ));
                });
            page.spawn(Node { column_gap: px(18), flex_grow: 1.0, min_height: px(0), ..default() })
                .with_children(|row| {
                    // Scores.
                    row.spawn((
                        Node {
                            flex_direction: FlexDirection::Column,
                            row_gap: px(5),
                            width: px(370),
                            padding: UiRect::all(px(12)),
                            ..default()
                        },
                        BackgroundColor(palette::CARD),
                    ))
                    .with_children(|c| {
                        c.spawn(heading(format!("Overall {:.1}%", r.overall), &fonts, 22.0));
                        c.spawn(body(
                            format!("Accuracy {:.1}%   Safety {:.1}%", r.accuracy, r.safety),
                            &fonts,
                            16.0,
                            palette::PLATE_TEXT,
                        ));
                        c.spawn(body(
                            format!("Critical errors: {}", r.critical_errors),
                            &fonts,
                            16.0,
                            if r.critical_errors > 0 { palette::DANGER } else { palette::OK },
                        ));
                        let w = &r.completion;
                        let short = w.pct < f64::from(w.required_pct);
                        c.spawn(body(
                            format!(
                                "Work completed: {} of {} ({:.0}%; {}% needed)",
                                w.done, w.total, w.pct, w.required_pct
                            ),
                            &fonts,
                            16.0,
                            if short { palette::DANGER } else { palette::OK },
                        ));
                        const SHOWN: usize = 4;
                        for task in w.missing.iter().take(SHOWN) {
                            c.spawn(body(format!("  not done: {task}"), &fonts, 13.0, palette::DANGER));
                        }
                        if w.missing.len() > SHOWN {
                            let more = format!("  … and {} more (see the report)", w.missing.len() - SHOWN);
                            c.spawn(body(more, &fonts, 13.0, palette::DANGER));
                        }
                        for x in r.released.iter().filter(|x| x.wrong.is_some()) {
                            let text = format!("Wrong on the chart: {} {} = {}", x.specimen, x.test, x.value);
                            c.spawn(body(text, &fonts, 13.0, palette::DANGER));
                        }
                        for cat in &r.categories {
                            c.spawn(body(
                                format!(
                                    "{}  {}/100 · weight {} · {} finding(s)",
                                    cat.category.name(),
                                    cat.score,
                                    cat.weight,
                                    cat.findings
                                ),
                                &fonts,
                                13.0,
                                palette::PLATE_TEXT,
                            ));
                        }
                        if !r.stat_turnaround.is_empty() {
                            c.spawn(heading("STAT turnaround", &fonts, 15.0));
                            for t in &r.stat_turnaround {
                                let text = match t.minutes {
                                    Some(m) => format!("{} {}: {m} min", t.specimen, t.test),
                                    None => format!("{} {}: not released", t.specimen, t.test),
                                };
                                c.spawn(body(text, &fonts, 13.5, palette::PLATE_TEXT));
                            }
                        }
                        if !r.critical_calls.is_empty() {
                            c.spawn(heading("Critical calls", &fonts, 15.0));
                            for call in &r.critical_calls {
                                let text = match (&call.completed, call.minutes) {
                                    (Some(at), Some(m)) => format!(
                                        "{} {} {}: called {at} ({m} min)",
                                        call.specimen, call.test, call.value
                                    ),
                                    _ => format!(
                                        "{} {} {}: not completed",
                                        call.specimen, call.test, call.value
                                    ),
                                };
                                c.spawn(body(text, &fonts, 13.5, palette::PLATE_TEXT));
                            }
                        }
                    });
                    // Finding timeline.
                    row.spawn((
                        Node {
                            flex_direction: FlexDirection::Column,
                            row_gap: px(4),
                            flex_grow: 1.0,
                            padding: UiRect::all(px(12)),
                            overflow: Overflow::scroll_y(),
                            ..default()
                        },
                        BackgroundColor(palette::CARD),
                        ScrollPosition::default(),
                        FindingList,
                    ))
                    .with_children(|c| {
                        c.spawn(heading(
                            format!(
                                "Findings ({}) — ↑↓ PageUp/PageDown or the wheel to scroll",
                                r.findings.len()
                            ),
                            &fonts,
                            16.0,
                        ));
                        if r.findings.is_empty() {
                            c.spawn(body("No findings: a clean shift.", &fonts, 15.0, palette::OK));
                        }
                        for f in &r.findings {
                            let f_colour = match f.finding.severity {
                                FindingSeverity::Critical => palette::DANGER,
                                FindingSeverity::Major => palette::WARN,
                                FindingSeverity::Minor => palette::PLATE_TEXT,
                                FindingSeverity::GoodPractice => palette::OK,
                            };
                            c.spawn(body(
                                format!(
                                    "{}  {} ({})  {}",
                                    f.clock,
                                    f.finding.severity.name(),
                                    f.finding.rule,
                                    f.finding.what
                                ),
                                &fonts,
                                13.5,
                                f_colour,
                            ));
                            c.spawn(body(
                                format!("      Rule: {}  ({})", f.finding.requirement, f.finding.citation),
                                &fonts,
                                12.0,
                                palette::MUTED,
                            ));
                        }
                    });
                });
            // Levey-Jennings charts.
            if !debrief.attempt.charts.is_empty() {
                page.spawn(Node { column_gap: px(8), ..default() }).with_children(|charts| {
                    let n = debrief.attempt.charts.len().min(4);
                    let w = (1240.0 - 8.0 * (n as f32 - 1.0)) / n as f32;
                    for chart in debrief.attempt.charts.iter().take(4) {
                        charts
                            .spawn(Node::default())
                            .with_children(|c| lj_chart(c, chart, w.min(420.0), 130.0, &fonts));
                    }
                });
            }
            page.spawn(Node { column_gap: px(10), align_items: AlignItems::Center, ..default() })
                .with_children(|b| {
                    b.spawn(button(
                        "Play again with a new seed",
                        UiCommand::PlayAgain,
                        Some(0),
                        &fonts,
                        16.0,
                    ));
                    b.spawn(button("Save report", UiCommand::SaveReport, Some(1), &fonts, 16.0));
                    b.spawn(button(
                        "Choose another shift",
                        UiCommand::Goto(Screen::Select),
                        Some(2),
                        &fonts,
                        16.0,
                    ));
                    // A browser tab is closed, not quit; its log is downloaded, not saved as played.
                    if cfg!(target_arch = "wasm32") {
                        b.spawn(button("Download the log", UiCommand::DownloadLog, Some(3), &fonts, 16.0));
                    } else {
                        b.spawn(button("Quit", UiCommand::Quit, Some(3), &fonts, 16.0));
                    }
                    let log = match (&debrief.log_path, &debrief.log_error) {
                        (_, Some(e)) => format!("Log not saved: {e}"),
                        (Some(p), None) => format!("Session log: {}", p.display()),
                        (None, None) if cfg!(target_arch = "wasm32") => {
                            "The browser keeps no copy: download the log to keep it.".to_owned()
                        }
                        (None, None) => "Session log kept in memory only.".to_owned(),
                    };
                    b.spawn((SavedNote, body(log, &fonts, 13.0, palette::MUTED)));
                });
        });
}

fn show_saved(debrief: Res<Debrief>, mut note: Query<&mut Text, With<SavedNote>>) {
    if !debrief.is_changed() {
        return;
    }
    if let Some(saved) = &debrief.saved {
        for mut t in &mut note {
            t.0.clone_from(saved);
        }
    }
}

fn scroll_findings(
    keys: Res<ButtonInput<KeyCode>>,
    wheel: Res<bevy::input::mouse::AccumulatedMouseScroll>,
    mut list: Query<&mut ScrollPosition, With<FindingList>>,
) {
    let mut dy = -wheel.delta.y * 24.0;
    if keys.just_pressed(KeyCode::PageDown) {
        dy += 300.0;
    }
    if keys.just_pressed(KeyCode::PageUp) {
        dy -= 300.0;
    }
    if dy != 0.0 {
        for mut s in &mut list {
            s.y = (s.y + dy).max(0.0);
        }
    }
}

/// Keys pressed in the debrief's first second (the End that ended the shift,
/// a digit meant for the bench) do nothing; the focus starts on "Play again".
fn guard_keys(
    time: Res<Time<Real>>,
    mut guard: ResMut<crate::ui::widgets::KeyGuard>,
    mut focus: ResMut<crate::ui::widgets::Focus>,
) {
    guard.0 = time.elapsed_secs_f64() + 1.0;
    focus.0 = 0;
}
