//! The analysis panels: an analyzer and the specimens it can run, the LIS worklist, one result to verify.

use labshift_core::action::Action;
use labshift_core::session::SpecimenView;

use super::qc::qc_panel;
use super::{Panel, PanelSpec, s};
use crate::play::{Play, Tone};

pub(super) fn analyzer(play: &Play, i: usize) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let Some(a) = scenario.lab.analyzers.get(i) else { return PanelSpec::new("No such analyzer") };
    let mut p = PanelSpec::new(format!("{} ({:?})", a.name, a.kind));
    for test in &a.menu {
        let qc = session.qc_view(&a.id, test);
        let qc_text = match &qc {
            Some(q) if q.valid => "QC valid",
            Some(q) if q.rejected => "QC REJECTED",
            _ => "QC not run",
        };
        let reagent = a
            .reagents
            .iter()
            .find(|r| &r.test == test)
            .map_or_else(|| s("no reagent"), |r| format!("lot {} exp {}", r.lot, r.expires));
        let cal =
            a.calibration.iter().find(|c| &c.test == test).map_or_else(String::new, |c| {
                format!("; calibrated {} ({:?})", c.last, c.status).to_lowercase()
            });
        let tone = match &qc {
            Some(q) if q.valid => Tone::Good,
            Some(q) if q.rejected => Tone::Warn,
            _ => Tone::Info,
        };
        p.toned(tone, format!("{test}: {qc_text}; {reagent}{cal}"));
    }
    // Every accepted specimen with tests here keeps its place and key; one
    // not ready (unspun) or already run is greyed.
    let stat = |id: &str| {
        scenario.specimens.iter().any(|sp| sp.id == id && sp.priority == labshift_core::raw::Priority::Stat)
    };
    // STAT first, then in order of arrival.
    let mut mine: Vec<_> = session
        .specimen_views()
        .into_iter()
        .filter(|v| v.accepted && v.tests.iter().any(|t| a.offers(t)))
        .collect();
    mine.sort_by_key(|v| !stat(&v.id));
    if mine.is_empty() {
        p.line("No accepted specimen has tests on this analyzer yet.");
    }
    for v in mine {
        let ready = !v.broken && !v.in_centrifuge && (!v.needs_centrifuge || v.centrifuged);
        let pending = v.tests.iter().any(|t| a.offers(t) && !v.results.iter().any(|r| &r.test == t));
        let mut tests: Vec<&str> = v.tests.iter().filter(|t| a.offers(t)).map(String::as_str).collect();
        tests.dedup();
        let state = if !pending {
            " — run"
        } else if !ready {
            " — not spun yet"
        } else {
            ""
        };
        p.act_if(
            ready && pending,
            format!("Run {}{} ({}){state}", v.id, if stat(&v.id) { " STAT" } else { "" }, tests.join(" ")),
            Action::RunTests { specimen: v.id.clone(), analyzer: a.id.clone() },
        );
    }
    p.open("Quality control…", qc_panel(scenario, i));
    for test in &a.menu {
        p.act(format!("Calibrate {test}"), Action::Calibrate { analyzer: a.id.clone(), test: test.clone() });
        p.act(
            format!("Load new {test} reagent"),
            Action::LoadReagent { analyzer: a.id.clone(), test: test.clone() },
        );
    }
    p
}

/// The LIS worklist: every result and its state.
pub(super) fn lis(play: &Play, views: &[SpecimenView]) -> PanelSpec {
    let mut p = PanelSpec::new("LIS: results to verify");
    let mut any = false;
    let stat = |id: &str| {
        play.scenario
            .specimens
            .iter()
            .any(|sp| sp.id == id && sp.priority == labshift_core::raw::Priority::Stat)
    };
    // STAT first, then in order of arrival.
    let mut views: Vec<&SpecimenView> = views.iter().collect();
    views.sort_by_key(|v| !stat(&v.id));
    for v in views {
        let waiting = v.results.iter().filter(|r| r.ready && !r.released && !r.suppressed && !r.held).count();
        if !v.results.is_empty() {
            let label = if waiting > 0 {
                format!("Release {}: its {waiting} waiting result(s), reviewed on this screen", v.id)
            } else {
                format!("Release {}: nothing waiting", v.id)
            };
            p.act_if(waiting > 0, label, Action::ReleaseSpecimen { specimen: v.id.clone() });
        }
        for r in &v.results {
            any = true;
            if !r.ready {
                let ready = play.scenario.meta.start.plus(r.ready_at).to_string_full();
                p.line(format!("{} {}: running on {}, result at {ready}", v.id, r.test, r.analyzer));
                continue;
            }
            let state = if r.autoverified {
                "autoverified and released"
            } else if r.released {
                "released"
            } else if r.suppressed {
                "suppressed, recollect"
            } else if r.held {
                "on hold"
            } else if r.reviewed {
                "reviewed"
            } else {
                "to review"
            };
            p.open(
                format!(
                    "{} {}  — {state}",
                    v.id,
                    crate::words::result(&play.scenario, &r.test, r.value, r.flags)
                ),
                Panel::Result(v.id.clone(), r.test.clone()),
            );
        }
    }
    if !any {
        p.line("No results yet: run accepted specimens on an analyzer with valid QC.");
    }
    p.open("Phone: critical results to call", Panel::Phone);
    p
}

pub(super) fn result(play: &Play, id: &str, test: &str, view: Option<&SpecimenView>) -> PanelSpec {
    let scenario = &play.scenario;
    let mut p = PanelSpec::new(format!("Result: {id} {test}"));
    let Some(r) = view.and_then(|v| v.results.iter().find(|r| r.test == test)) else {
        p.line("No result yet.");
        p.tab("Back to the LIS", Panel::Lis);
        return p;
    };
    if !r.ready {
        let ready = scenario.meta.start.plus(r.ready_at).to_string_full();
        p.line(format!("Running on {}: the result comes at {ready}.", r.analyzer));
        p.tab("Back to the LIS", Panel::Lis);
        return p;
    }
    let def = scenario.policy.test(test);
    let unit = def.map(|t| t.unit.clone()).unwrap_or_default();
    p.toned(
        if r.flags.critical { Tone::Warn } else { Tone::Info },
        format!("{} (on {})", crate::words::result(scenario, test, r.value, r.flags), r.analyzer),
    );
    // What the review looks at, each with why it matters.
    let spec = scenario.specimens.iter().find(|s| s.id == id);
    let patient = spec.and_then(|s| scenario.patients.iter().find(|pt| pt.mrn == s.patient));
    if let Some(def) = def {
        let (lo, hi) = def.reference_for(patient.and_then(|pt| pt.sex));
        let whose = match (def.reference_by_sex.is_some(), patient.and_then(|pt| pt.sex)) {
            (true, Some(sex)) => format!(" ({sex:?} patient)").to_lowercase(),
            _ => String::new(),
        };
        p.line(format!(
            "Reference interval{whose}: {lo}–{hi} {unit}: outside it the result is flagged H or L."
        ));
        p.line(format!(
            "Measuring range: {}–{} {unit}: beyond it the result is diluted and rerun.",
            def.amr.0, def.amr.1
        ));
    }
    if let Some(crit) = scenario.policy.critical(test) {
        let limits: Vec<String> =
            [crit.low, crit.high].into_iter().flatten().map(crate::words::limit).collect();
        p.line(format!(
            "Critical: {} {unit}: telephoned to a licensed caregiver, read back.",
            limits.join(" or ")
        ));
    }
    if let (Some(spec), Some(patient)) = (spec, patient) {
        for prev in patient.previous.iter().filter(|pr| pr.test == test) {
            let hours = -prev.at.0 / 3600;
            let change = r.value - prev.value;
            let limit = match def.and_then(|d| d.delta) {
                Some(labshift_core::raw::RawDelta::Absolute(l)) => {
                    format!("; the delta limit is ±{l} {unit}")
                }
                Some(labshift_core::raw::RawDelta::Percent(l)) => format!("; the delta limit is ±{l}%"),
                None => String::new(),
            };
            let verdict = if r.flags.delta_failed {
                ": failed — a change this large suggests the wrong patient's blood or a real change; check the label and history"
            } else {
                ""
            };
            p.line(format!(
                "Previous for {}: {} {unit}, {hours} h before the shift; change {change:+.1}{limit}{verdict}",
                patient.name, prev.value
            ));
        }
        if let Some(h) = def.and_then(|t| t.hemolysis.as_ref()) {
            p.line(format!(
                "Serum hemolysis index (the analyzer's H): {}; {test} is unreliable from {}: it is suppressed, not reported.",
                spec.hemolysis_index, h.limit_index
            ));
        }
    }
    let state = [
        (r.autoverified, "passed the autoverification rules"),
        (r.reviewed && !r.autoverified, "reviewed"),
        (r.held, "on hold"),
        (r.suppressed, "suppressed, recollection asked"),
        (r.released, "released"),
        (r.diluted, "diluted"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, w)| *w)
    .collect::<Vec<_>>()
    .join(", ");
    p.line(format!("State: {}", if state.is_empty() { "awaiting review" } else { &state }));
    let (id, test) = (id.to_owned(), test.to_owned());
    p.act("Review (flags, delta, hemolysis)", Action::Review { specimen: id.clone(), test: test.clone() });
    p.act("Release to the chart", Action::Release { specimen: id.clone(), test: test.clone() });
    p.act("Hold", Action::Hold { specimen: id.clone(), test: test.clone() });
    p.act(
        "Suppress (hemolyzed) and ask for a recollection of this test",
        Action::Suppress { specimen: id.clone(), test: test.clone() },
    );
    p.act("Repeat the test", Action::Repeat { specimen: id.clone(), test: test.clone() });
    for factor in [2, 5, 10] {
        p.act(
            format!("Dilute 1:{factor} and rerun"),
            Action::Dilute { specimen: id.clone(), test: test.clone(), factor },
        );
    }
    if r.flags.critical {
        p.open("Call the critical result…", Panel::Call(id.clone(), test.clone()));
    }
    p.tab("Back to the LIS", Panel::Lis);
    p
}
