//! The QC panels: one test's Levey-Jennings chart and controls, the rule a rejected run broke, corrective action.

use labshift_core::action::Action;
use labshift_core::model::Scenario;

use super::words;
use super::{Panel, PanelSpec, analyzer_id};
use crate::play::{Play, Tone};

/// The QC panel of analyzer `i`, on its first test.
pub fn qc_panel(scenario: &Scenario, i: usize) -> Panel {
    let test = scenario.lab.analyzers.get(i).and_then(|a| a.menu.first()).cloned().unwrap_or_default();
    Panel::Qc(i, test)
}

pub(super) fn qc(play: &Play, i: usize, test: &str) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let Some(a) = scenario.lab.analyzers.get(i) else { return PanelSpec::new("No such analyzer") };
    let mut p = PanelSpec::new(format!("QC: {test} on {}", a.name));
    if let Some(q) = session.qc_view(&a.id, test) {
        let state = if q.valid {
            "valid"
        } else if q.rejected {
            "rejected — correct, then rerun"
        } else {
            "not yet accepted"
        };
        p.line(format!(
            "Run status: {state}. Levels measured in this run: {} of {}.",
            q.open_levels.len(),
            q.levels_needed
        ));
        if q.look_back_due {
            p.toned(Tone::Warn, "A look-back is due for results since the last good QC.");
        }
    }
    if let Some(set) = scenario.policy.rule_set_for(test) {
        p.line(format!("Rules ({}): {}", set.id, set.rules.join(", ")));
    }
    p.chart = session.qc_chart(&a.id, test);
    let mut levels: Vec<u8> = a.controls.iter().map(|c| c.level).collect();
    levels.sort_unstable();
    levels.dedup();
    if levels.len() > 1 {
        let named: Vec<String> = levels.iter().map(u8::to_string).collect();
        p.act_all(
            format!("Run control levels {} for every test on {} that is due", named.join(" and "), a.id),
            levels.iter().map(|&level| Action::RunControls { analyzer: a.id.clone(), level }).collect(),
        );
    }
    for level in levels {
        p.act(
            format!("Run control level {level} for every test on {} that is due", a.id),
            Action::RunControls { analyzer: a.id.clone(), level },
        );
    }
    for c in a.controls.iter().filter(|c| c.test == test) {
        p.act(
            format!("Run control level {} for {test} alone (lot {})", c.level, c.lot),
            Action::RunControl { analyzer: a.id.clone(), test: test.to_owned(), level: c.level },
        );
    }
    p.act("Accept the run", Action::AcceptQc { analyzer: a.id.clone(), test: test.to_owned() });
    p.open("Reject the run…", Panel::QcReject(i, test.to_owned()));
    p.open("Corrective action…", Panel::Corrective(i, test.to_owned()));
    for other in a.menu.iter().filter(|t| *t != test) {
        p.tab(format!("{other} chart"), Panel::Qc(i, other.clone()));
    }
    if scenario.lab.analyzers.len() > 1 {
        let next = (i + 1) % scenario.lab.analyzers.len();
        p.tab(format!("QC of {}", scenario.lab.analyzers[next].name), qc_panel(scenario, next));
    }
    p
}

/// The Westgard rules a rejected run can be named for.
pub(super) fn reject_rule(play: &Play, i: &usize, test: &String) -> PanelSpec {
    let scenario = &play.scenario;
    let analyzer = analyzer_id(scenario, *i);
    let mut p = PanelSpec::new(format!("Reject the {test} run: which rule?"));
    p.line("Name the Westgard rule the run broke (read it off the chart).");
    if let Some(set) = scenario.policy.rule_set_for(test) {
        for rule in &set.rules {
            p.act(
                rule.clone(),
                Action::RejectQc { analyzer: analyzer.clone(), test: test.clone(), rule: rule.clone() },
            );
        }
    }
    p.tab("Back", Panel::Qc(*i, test.clone()));
    p
}

/// Corrective actions after a rejected run, and the look-back.
pub(super) fn corrective(play: &Play, i: &usize, test: &String) -> PanelSpec {
    let scenario = &play.scenario;
    let analyzer = analyzer_id(scenario, *i);
    let mut p = PanelSpec::new(format!("Corrective action: {test} on {analyzer}"));
    p.line("Both levels off the same way (a shift or trend): calibration or reagent.");
    p.line("One level out alone, the other in range: the control material.");
    p.line("Random scatter: the instrument (maintenance), then its service.");
    for c in words::correctives(scenario, &analyzer) {
        let label = if c.minutes > 0 { format!("{} ({} min)", c.does, c.minutes) } else { c.does.clone() };
        p.act(
            label,
            Action::CorrectiveAction { analyzer: analyzer.clone(), test: test.clone(), action: c.action },
        );
    }
    if let Some(until) = play.session.qc_view(&analyzer, test).and_then(|q| q.busy_until) {
        let until = scenario.meta.start.plus(until).to_string_full();
        p.toned(
            Tone::Warn,
            format!("{test} is out of use until {until}: the corrective action is under way."),
        );
    }
    p.act(
        "Look back at results since the last good QC",
        Action::LookBack { analyzer: analyzer.clone(), test: test.clone() },
    );
    p.tab("Back", Panel::Qc(*i, test.clone()));
    p
}
