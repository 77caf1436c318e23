//! The briefing: objectives, the policy highlights the shift will test,
//! practice or assessment, and the trainee's name (typed on the keyboard).

use bevy::input::keyboard::KeyboardInput;
use bevy::prelude::*;
use labshift_core::action::Mode;

use super::{Screen, body, heading, page};
use crate::catalog::CurrentScenario;
use crate::play::Setup;
use crate::ui::command::UiCommand;
use crate::ui::theme::{UiFonts, palette};
use crate::ui::widgets::{TextEntry, button, typed};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(OnEnter(Screen::Briefing), spawn_briefing);
    app.add_systems(OnExit(Screen::Briefing), |mut entry: ResMut<TextEntry>| entry.0 = false);
    app.add_systems(Update, (type_name, refresh_setup).run_if(in_state(Screen::Briefing)));
}

#[derive(Component)]
struct NameField;

#[derive(Component)]
struct ModeLabel;

fn spawn_briefing(
    mut commands: Commands,
    fonts: Res<UiFonts>,
    current: Res<CurrentScenario>,
    mut entry: ResMut<TextEntry>,
) {
    entry.0 = true;
    let Some(s) = &current.scenario else { return };
    let pack = &s.policy.pack;
    let mut tests: Vec<&String> = s.specimens.iter().flat_map(|sp| &sp.tests).collect();
    tests.sort();
    tests.dedup();
    let criticals: Vec<String> = pack
        .critical_values
        .iter()
        .filter(|c| tests.contains(&&c.test))
        .map(|c| {
            let limits: Vec<String> =
                [c.low, c.high].into_iter().flatten().map(crate::words::limit).collect();
            format!("{} {} {}", c.test, limits.join(" or "), c.unit)
        })
        .collect();
    let highlights = [
        format!(
            "Critical values: {}.",
            if criticals.is_empty() { "none for these tests".into() } else { criticals.join("; ") }
        ),
        format!(
            "Critical calls: within {} min, to {} only, with read-back{}.",
            pack.critical_call.deadline_min,
            pack.critical_call.accepted_credentials.join("/"),
            if pack.critical_call.read_back_required { "" } else { " (recommended)" }
        ),
        format!("QC: Westgard rule set {} before patient samples.", pack.qc.default_rule_set),
        format!("STAT results released within {} min of arrival.", pack.stat_turnaround_min),
        format!(
            "Processing: two identifiers on every label; citrate tubes at least {}% full; serum and plasma spun within {} min of collection.",
            pack.rejection.citrate_min_fill_pct, pack.rejection.uncentrifuged_max_min
        ),
        if s.lab.autoverification {
            format!(
                "Results: chemistry takes {} min on the analyzer; the middleware releases what passes its rules and holds the rest (criticals, deltas, indices) for you.",
                pack.analysis.run_min(labshift_core::raw::AnalyzerKind::Chemistry)
            )
        } else {
            format!(
                "Results: chemistry takes {} min on the analyzer; this lab releases none by itself: review and release every specimen.",
                pack.analysis.run_min(labshift_core::raw::AnalyzerKind::Chemistry)
            )
        },
        format!(
            "Spills: bleach 1:{}, {} min contact time. Centrifuge: balance every load, lid closed until it stops, and {} min more after a tube breaks.",
            pack.spill.dilution_one_in, pack.spill.contact_time_min, pack.centrifuge.breakage_wait_min
        ),
        "PPE: coat, gloves and face shield at the bench; gloves off at the phone and the LIS; wash after."
            .to_owned(),
    ];
    commands.spawn(page(Screen::Briefing)).with_children(|p| {
        p.spawn(heading(format!("Briefing — {}", s.meta.title), &fonts, 28.0));
        p.spawn(body(
            format!(
                "{:?} tier · shift starts {} on {} · {} h {} min",
                s.meta.tier,
                s.meta.start,
                s.meta.date,
                s.meta.time_limit.0 / 3600,
                s.meta.time_limit.0 / 60 % 60
            ),
            &fonts,
            15.0,
            palette::MUTED,
        ));
        p.spawn(body(s.meta.summary.clone(), &fonts, 16.0, palette::PLATE_TEXT));
        p.spawn(heading("Objectives", &fonts, 18.0));
        for o in &s.meta.objectives {
            p.spawn(body(format!("•  {o}"), &fonts, 15.0, palette::PLATE_TEXT));
        }
        p.spawn(heading("Policy highlights", &fonts, 18.0));
        for h in highlights {
            p.spawn(body(format!("•  {h}"), &fonts, 14.5, palette::SCREEN_TEXT));
        }
        p.spawn(Node {
            column_gap: px(12),
            align_items: AlignItems::Center,
            margin: UiRect::top(px(10)),
            ..default()
        })
        .with_children(|row| {
            row.spawn(body("Trainee name (type it):", &fonts, 16.0, palette::PLATE_TEXT));
            row.spawn((
                NameField,
                Text::new(""),
                fonts.bold(18.0),
                TextColor(palette::FOCUS),
                Node { min_width: px(260), padding: UiRect::axes(px(8), px(4)), ..default() },
                BackgroundColor(palette::CARD),
            ));
            row.spawn((ModeLabel, body("", &fonts, 16.0, palette::PLATE_TEXT)));
        });
        p.spawn(Node { column_gap: px(10), margin: UiRect::top(px(8)), ..default() }).with_children(|row| {
            row.spawn(button("Start the shift", UiCommand::StartShift, Some(0), &fonts, 18.0));
            row.spawn(button(
                "Practice (hints, findings shown)",
                UiCommand::SetMode(Mode::Practice),
                Some(1),
                &fonts,
                16.0,
            ));
            row.spawn(button(
                "Assessment (no hints)",
                UiCommand::SetMode(Mode::Assessment),
                Some(2),
                &fonts,
                16.0,
            ));
            row.spawn(button("Another seed", UiCommand::NewSeed, Some(3), &fonts, 16.0));
            row.spawn(button("Watch the demo", UiCommand::StartDemo, Some(4), &fonts, 16.0));
            row.spawn(button("Back", UiCommand::Goto(Screen::Select), Some(5), &fonts, 16.0));
        });
    });
}

fn type_name(mut keys: MessageReader<KeyboardInput>, mut setup: ResMut<Setup>) {
    let (text, backspace) = typed(&mut keys);
    if backspace {
        setup.trainee.pop();
    }
    for c in text.chars() {
        if setup.trainee.chars().count() < 40 {
            setup.trainee.push(c);
        }
    }
}

fn refresh_setup(
    setup: Res<Setup>,
    mut name: Query<&mut Text, (With<NameField>, Without<ModeLabel>)>,
    mut mode: Query<&mut Text, (With<ModeLabel>, Without<NameField>)>,
    time: Res<Time>,
) {
    let caret = if ((time.elapsed_secs() * 2.0) as u32).is_multiple_of(2) { "▏" } else { " " };
    for mut t in &mut name {
        let shown = format!("{}{caret}", setup.trainee);
        if t.0 != shown {
            t.0 = shown;
        }
    }
    for mut t in &mut mode {
        let shown = format!("Mode: {:?} · seed {}", setup.mode, setup.seed);
        if t.0 != shown {
            t.0 = shown;
        }
    }
}
