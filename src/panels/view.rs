//! Draws a [`PanelSpec`] as a card on the right of the bench, and the
//! Levey-Jennings chart the QC panel and the debrief share.

use bevy::prelude::*;
use labshift_core::session::QcChart;
use labshift_tools::lj::{LjFrame, broke_rule};

use crate::panels::{Comparison, PanelSpec};
use crate::play::Tone;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{button, button_state};

/// The panel card's root.
#[derive(Component, Debug)]
pub struct PanelCard;

pub const CARD_WIDTH: f32 = 470.0;

pub fn tone_colour(tone: Tone) -> Color {
    match tone {
        Tone::Info => palette::PLATE_TEXT,
        Tone::Good => palette::OK,
        Tone::Warn => palette::WARN,
        Tone::Finding => Color::srgb(1.0, 0.45, 0.45),
    }
}

/// Fills `card` with the panel: title, lines, comparison, chart, numbered buttons, close.
pub fn fill_card(card: &mut ChildSpawnerCommands, spec: &PanelSpec, zoom: bool, fonts: &UiFonts) {
    card.spawn((Text::new(spec.title.clone()), fonts.bold(18.0), TextColor(palette::PLATE_TEXT)));
    for line in &spec.lines {
        card.spawn((Text::new(line.text.clone()), fonts.regular(13.5), TextColor(tone_colour(line.tone))));
    }
    if let Some(comparison) = &spec.comparison {
        comparison_grid(card, comparison, if zoom { 1.6 } else { 1.0 }, fonts);
    }
    if let Some(chart) = &spec.chart {
        card.spawn(Node { width: px(CARD_WIDTH - 24.0), height: px(190), ..default() })
            .with_children(|c| lj_chart(c, chart, CARD_WIDTH - 24.0, 190.0, fonts));
    }
    card.spawn(Node {
        flex_direction: FlexDirection::Column,
        row_gap: px(3),
        margin: UiRect::top(px(6)),
        ..default()
    })
    .with_children(|list| {
        for (i, b) in spec.buttons.iter().enumerate().filter(|(_, b)| !b.compact) {
            list.spawn(button_state(&b.label, b.command.clone(), Some(i), fonts, 13.0, b.enabled));
        }
    });
    card.spawn(Node {
        flex_wrap: FlexWrap::Wrap,
        column_gap: px(4),
        row_gap: px(4),
        margin: UiRect::top(px(4)),
        ..default()
    })
    .with_children(|row| {
        for (i, b) in spec.buttons.iter().enumerate().filter(|(_, b)| b.compact) {
            row.spawn(button_state(&b.label, b.command.clone(), Some(i), fonts, 12.0, b.enabled));
        }
        row.spawn(button("Close  ⌫", UiCommand::ClosePanel, None, fonts, 12.0));
    });
}

fn comparison_grid(card: &mut ChildSpawnerCommands, comparison: &Comparison, scale: f32, fonts: &UiFonts) {
    card.spawn(Node {
        display: Display::Grid,
        // Zoom enlarges the identifiers being compared; the field names and
        // column heads keep their size, so the two columns keep their room.
        grid_template_columns: vec![GridTrack::px(96.0), GridTrack::flex(1.0), GridTrack::flex(1.0)],
        column_gap: px(8),
        row_gap: px(2),
        padding: UiRect::all(px(6)),
        margin: UiRect::vertical(px(4)),
        ..default()
    })
    .insert(BackgroundColor(palette::BODY))
    .with_children(|grid| {
        grid.spawn((
            Text::new(if scale > 1.0 { "Z: normal size" } else { "Z: zoom" }),
            fonts.regular(11.0),
            TextColor(palette::INK_SOFT),
            Node { grid_column: GridPlacement::span(3), ..default() },
        ));
        for head in ["", "Requisition", "Tube label"] {
            grid.spawn((Text::new(head), fonts.bold(13.0), TextColor(palette::INK)));
        }
        for (field, want, got, agree) in &comparison.rows {
            let colour = if *agree { palette::INK } else { palette::DANGER };
            grid.spawn((Text::new(field.clone()), fonts.bold(12.5), TextColor(palette::INK_SOFT)));
            grid.spawn((Text::new(want.clone()), fonts.regular(13.0 * scale), TextColor(palette::INK)));
            let marked = match (*agree, want.is_empty() || got.is_empty()) {
                (false, _) => format!("{got}  ≠"),
                (true, false) => format!("{got}  ✓"),
                (true, true) => got.clone(),
            };
            grid.spawn((Text::new(marked), fonts.regular(13.0 * scale), TextColor(colour)));
        }
    });
}

fn level_colour(level: u8) -> Color {
    match level {
        1 => palette::LEVEL1,
        2 => palette::LEVEL2,
        _ => palette::LEVEL3,
    }
}

/// A Levey-Jennings chart: mean and ±1/2/3 SD lines, one point per control
/// per run (colour by level), runs that broke a rule marked in red with the
/// rule's name, and the open run's points hollow.
pub fn lj_chart(parent: &mut ChildSpawnerCommands, chart: &QcChart, w: f32, h: f32, fonts: &UiFonts) {
    let frame = LjFrame::new(chart, w, h);
    let LjFrame { left, top, plot_w, plot_h, dx } = frame;
    let y_of = |z: f64| frame.y(z);
    let x_of = |i: usize| frame.x(i);
    parent
        .spawn((
            Node { width: px(w), height: px(h), position_type: PositionType::Relative, ..default() },
            BackgroundColor(palette::SCREEN),
        ))
        .with_children(|c| {
            c.spawn((
                Text::new(format!("{} {} — Levey-Jennings", chart.analyzer, chart.test)),
                fonts.regular(11.0),
                TextColor(palette::SCREEN_TEXT),
                Node { position_type: PositionType::Absolute, left: px(left), top: px(1), ..default() },
            ));
            for (z, colour, label) in [
                (3.0, palette::DANGER, "+3"),
                (2.0, palette::WARN, "+2"),
                (1.0, palette::MUTED, "+1"),
                (0.0, palette::OK, "x̄"),
                (-1.0, palette::MUTED, "−1"),
                (-2.0, palette::WARN, "−2"),
                (-3.0, palette::DANGER, "−3"),
            ] {
                let y = y_of(z);
                c.spawn((
                    Node {
                        position_type: PositionType::Absolute,
                        left: px(left),
                        top: px(y),
                        width: px(plot_w),
                        height: px(1),
                        ..default()
                    },
                    BackgroundColor(colour.with_alpha(0.7)),
                ));
                c.spawn((
                    Text::new(format!("{label} SD")),
                    fonts.regular(9.5),
                    TextColor(colour),
                    Node {
                        position_type: PositionType::Absolute,
                        left: px(2),
                        top: px(y - 7.0),
                        ..default()
                    },
                ));
            }
            let mut prev: Vec<Option<(f32, f32)>> = vec![None; usize::from(chart.levels.max(3)) + 1];
            for (i, run) in chart.runs.iter().enumerate() {
                let broke = broke_rule(run);
                let x = x_of(i);
                if broke {
                    c.spawn((
                        Node {
                            position_type: PositionType::Absolute,
                            left: px(x - dx / 2.0 + 1.0),
                            top: px(top),
                            width: px(dx - 2.0),
                            height: px(plot_h),
                            ..default()
                        },
                        BackgroundColor(palette::DANGER.with_alpha(0.18)),
                    ));
                    c.spawn((
                        Text::new(run.violations.join(" ")),
                        fonts.bold(9.5),
                        TextColor(palette::DANGER),
                        Node {
                            position_type: PositionType::Absolute,
                            left: px(x - dx / 2.0 + 2.0),
                            top: px(top + plot_h - 13.0),
                            ..default()
                        },
                    ));
                }
                for p in &run.points {
                    let y = y_of(p.z);
                    let slot = usize::from(p.level).min(prev.len() - 1);
                    if let Some((px0, py0)) = prev[slot] {
                        segment(c, (px0, py0), (x, y), level_colour(p.level).with_alpha(0.5));
                    }
                    prev[slot] = Some((x, y));
                    dot(c, x, y, level_colour(p.level), !run.accepted || broke);
                }
            }
            let x = x_of(chart.runs.len());
            for p in &chart.open {
                c.spawn((
                    Node {
                        position_type: PositionType::Absolute,
                        left: px(x - 4.0),
                        top: px(y_of(p.z) - 4.0),
                        width: px(8),
                        height: px(8),
                        border: UiRect::all(px(2)),
                        border_radius: BorderRadius::MAX,
                        ..default()
                    },
                    BorderColor::all(level_colour(p.level)),
                ));
            }
        });
}

fn dot(c: &mut ChildSpawnerCommands, x: f32, y: f32, colour: Color, alarm: bool) {
    let r = if alarm { 5.0 } else { 4.0 };
    c.spawn((
        Node {
            position_type: PositionType::Absolute,
            left: px(x - r),
            top: px(y - r),
            width: px(2.0 * r),
            height: px(2.0 * r),
            border: UiRect::all(px(if alarm { 2 } else { 0 })),
            border_radius: BorderRadius::MAX,
            ..default()
        },
        BackgroundColor(colour),
        BorderColor::all(palette::DANGER),
    ));
}

/// A thin line between two points, as a rotated node.
fn segment(c: &mut ChildSpawnerCommands, a: (f32, f32), b: (f32, f32), colour: Color) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length = (dx * dx + dy * dy).sqrt();
    let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
    c.spawn((
        Node {
            position_type: PositionType::Absolute,
            left: px(mid.0 - length / 2.0),
            top: px(mid.1 - 0.75),
            width: px(length),
            height: px(1.5),
            ..default()
        },
        UiTransform::from_rotation(Rot2::radians(dy.atan2(dx))),
        BackgroundColor(colour),
    ));
}
