//! The instructor's answer key: the shift a scenario and seed give, with
//! every drawn value, when each event happens, what each choice picked, which
//! specimens must be rejected and which results need a critical call.

use std::fmt::Write as _;
use std::sync::Arc;

use serde::Serialize;

use crate::action::RejectReason;
use crate::model::Scenario;
use crate::raw::{Priority, RawFault};
use crate::session::Session;

/// The settled shift for one seed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AnswerKey {
    pub scenario: String,
    pub title: String,
    pub seed: u64,
    pub date: String,
    pub start: String,
    pub time_limit_min: i64,
    pub specimens: Vec<KeySpecimen>,
    pub events: Vec<KeyEvent>,
    pub choices: Vec<KeyChoice>,
    pub critical_calls: Vec<KeyCritical>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeySpecimen {
    pub id: String,
    pub arrives: String,
    pub patient: String,
    pub tube: String,
    pub stat: bool,
    /// How full the tube is, in percent.
    pub fill_pct: u8,
    pub clotted: bool,
    pub hemolysis_index: u8,
    pub lipemia_index: u8,
    pub icterus_index: u8,
    /// True values, by test, in test order.
    pub values: Vec<(String, f64)>,
    /// Each value as the LIS reports it: the catalogue's decimals and unit.
    pub reported: Vec<String>,
    /// Why it must be rejected; empty if it is good.
    pub reject: Vec<RejectReason>,
    /// Each reason in words, with the numbers behind it.
    pub reject_why: Vec<String>,
    /// Tests its serum's hemolysis makes unreliable: suppressed and
    /// recollected once it is spun, the others reported.
    pub suppress: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyEvent {
    pub at: String,
    pub what: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyChoice {
    pub of: Vec<String>,
    pub picked: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KeyCritical {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub unit: String,
    /// The value as the LIS reports it: "K 6.8 mmol/L", "INR 6.2".
    pub reported: String,
    /// Who ordered it, and so who should be called.
    pub caregiver: String,
}

/// A value as the LIS reports it: the catalogue's decimals, then its unit
/// unless the unit only repeats the test's name (`INR 6.2`, not `INR 6.2 INR`).
fn reported(scenario: &Scenario, test: &str, value: f64) -> String {
    let def = scenario.policy.test(test);
    let decimals = def.map_or(1, |d| usize::from(d.decimals));
    match def.map(|d| d.unit.as_str()) {
        Some(unit) if !unit.is_empty() && !unit.eq_ignore_ascii_case(test) => {
            format!("{test} {value:.decimals$} {unit}")
        }
        _ => format!("{test} {value:.decimals$}"),
    }
}

/// The answer key of `scenario` played with `seed`.
pub fn answer_key(scenario: &Arc<Scenario>, seed: u64) -> AnswerKey {
    let (_, picks) = crate::random::draw(scenario, seed);
    let session = Session::new(scenario, seed);
    let settled = session.scenario();
    let start = settled.meta.start;
    let mut specimens = Vec::new();
    let mut critical_calls = Vec::new();
    for s in &settled.specimens {
        let patient = settled.patients.iter().find(|p| p.mrn == s.patient);
        let mut tests: Vec<&String> = s.tests.iter().collect();
        tests.extend(s.values.keys().filter(|t| !s.tests.contains(t)));
        let values: Vec<(String, f64)> =
            tests.iter().filter_map(|t| session.true_value(&s.id, t).map(|v| ((*t).clone(), v))).collect();
        let reject = session.defects(&s.id);
        let suppress: Vec<String> = s
            .tests
            .iter()
            .filter(|t| {
                settled
                    .policy
                    .test(t)
                    .and_then(|d| d.hemolysis.as_ref())
                    .is_some_and(|h| s.hemolysis_index >= h.limit_index)
            })
            .cloned()
            .collect();
        if reject.is_empty() {
            for (test, value) in &values {
                let Some(limits) = settled.policy.critical(test) else { continue };
                if limits.breached_by(*value) {
                    let caregiver = patient
                        .and_then(|p| settled.caregivers.iter().find(|c| c.id == p.caregiver))
                        .map_or_else(String::new, |c| format!("{} ({})", c.name, c.credentials));
                    critical_calls.push(KeyCritical {
                        specimen: s.id.clone(),
                        test: test.clone(),
                        value: *value,
                        unit: limits.unit.clone(),
                        reported: reported(settled, test, *value),
                        caregiver,
                    });
                }
            }
        }
        specimens.push(KeySpecimen {
            id: s.id.clone(),
            arrives: start.plus(s.arrives).to_string(),
            patient: patient.map_or_else(|| s.patient.clone(), |p| format!("{} ({})", p.name, p.mrn)),
            tube: s.tube.cap_and_additive().0.to_owned(),
            stat: s.priority == Priority::Stat,
            fill_pct: s.fill_pct,
            clotted: s.clotted,
            hemolysis_index: s.hemolysis_index,
            lipemia_index: s.lipemia_index,
            icterus_index: s.icterus_index,
            reported: values.iter().map(|(t, v)| reported(settled, t, *v)).collect(),
            values,
            reject_why: reject.iter().filter_map(|r| session.defect_text(&s.id, *r)).collect(),
            reject,
            suppress,
        });
    }
    // What the reference technician rejects each QC fault's run on.
    let rejected: Vec<(String, String, String)> = crate::reference::reference_log(scenario, seed)
        .map(|log| {
            log.actions
                .into_iter()
                .filter_map(|e| match e.action {
                    crate::action::Action::RejectQc { analyzer, test, rule } => Some((analyzer, test, rule)),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    let events = settled
        .events
        .iter()
        .map(|e| {
            let mut what = describe(&e.fault);
            if let Some((analyzer, test)) = qc_fault_of(&e.fault) {
                let rules: Vec<&str> = rejected
                    .iter()
                    .filter(|(a, t, _)| a == analyzer && t == test)
                    .map(|(_, _, r)| r.as_str())
                    .collect();
                what.push_str(&match rules.as_slice() {
                    [] => " — no run is rejected in this shift".to_owned(),
                    rules => format!(" — the run is rejected on {}", rules.join(", then ")),
                });
            }
            KeyEvent { at: start.plus(e.at).to_string(), what }
        })
        .collect();
    let choices = scenario
        .choices
        .iter()
        .zip(picks)
        .map(|(c, picked)| KeyChoice { of: c.of.clone(), picked })
        .collect();
    AnswerKey {
        scenario: settled.meta.id.clone(),
        title: settled.meta.title.clone(),
        seed,
        date: settled.meta.date.to_string(),
        start: start.to_string(),
        time_limit_min: settled.meta.time_limit.0 / 60,
        specimens,
        events,
        choices,
        critical_calls,
    }
}

/// The analyzer and test a QC fault acts on, if it is one.
fn qc_fault_of(fault: &RawFault) -> Option<(&str, &str)> {
    match fault {
        RawFault::QcShift { analyzer, test, .. }
        | RawFault::QcDrift { analyzer, test, .. }
        | RawFault::Imprecision { analyzer, test, .. }
        | RawFault::ControlDeteriorated { analyzer, test, .. } => Some((analyzer, test)),
        _ => None,
    }
}

/// A fault in a few words.
pub fn describe(fault: &RawFault) -> String {
    match fault {
        RawFault::QcShift { analyzer, test, sd, .. } => format!("QC shift on {analyzer} {test}: {sd:+.1} SD"),
        RawFault::QcDrift { analyzer, test, sd_per_hour } => {
            format!("QC drift on {analyzer} {test}: {sd_per_hour:+.1} SD per hour")
        }
        RawFault::Imprecision { analyzer, test, factor } => {
            format!("imprecision on {analyzer} {test}: SD × {factor}")
        }
        RawFault::ControlDeteriorated { analyzer, test, level, sd } => {
            format!("the level {level} {test} control on {analyzer} has deteriorated: it reads {sd:+.1} SD")
        }
        RawFault::ReagentOut { analyzer, test } => format!("reagent for {test} runs out on {analyzer}"),
        RawFault::AnalyzerError { analyzer, code, message } => format!("{analyzer} stops: {code} {message}"),
        RawFault::Spill { area, volume_ml } => {
            format!("blood spill at {}, {volume_ml} mL", area.words())
        }
        RawFault::CaregiverUnreachable { caregiver, minutes } => match minutes {
            Some(m) => format!("{caregiver} does not answer for {m} min"),
            None => format!("{caregiver} does not answer for the rest of the shift"),
        },
        RawFault::StatOrder { specimen, tests } => format!("STAT add-on on {specimen}: {}", tests.join(", ")),
        RawFault::AddOnRequest { specimen, tests } => {
            format!("a caregiver asks to add {} on to {specimen}", tests.join(", "))
        }
        RawFault::CoffeeOffered => "a colleague offers coffee at the bench".to_owned(),
        RawFault::Hemolysis { specimen, index } => format!("{specimen} hemolyzes (index {index})"),
    }
}

impl AnswerKey {
    /// The key as text for people.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} ({}), seed {}", self.title, self.scenario, self.seed);
        let _ = writeln!(out, "shift {} from {}, {} min", self.date, self.start, self.time_limit_min);
        let _ = writeln!(out, "\nspecimens");
        for s in &self.specimens {
            let stat = if s.stat { "STAT" } else { "routine" };
            let mut tube = format!("fill {}%", s.fill_pct);
            if s.clotted {
                tube.push_str(", clotted");
            }
            for (name, index) in [("HI", s.hemolysis_index), ("LI", s.lipemia_index), ("II", s.icterus_index)]
            {
                if index > 0 {
                    tube.push_str(&format!(", {name} {index}"));
                }
            }
            let _ = writeln!(out, "  {} {}  {}  {}  {stat}  ({tube})", s.id, s.arrives, s.patient, s.tube);
            let _ = writeln!(out, "      values: {}", s.reported.join(", "));
            for why in &s.reject_why {
                let _ = writeln!(out, "      REJECT: {why}");
            }
            if !s.suppress.is_empty() {
                let _ = writeln!(
                    out,
                    "      SUPPRESS after the spin (hemolyzed serum), recollect: {}",
                    s.suppress.join(", ")
                );
            }
        }
        let _ = writeln!(out, "\nevents");
        if self.events.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for e in &self.events {
            let _ = writeln!(out, "  {}  {}", e.at, e.what);
        }
        if !self.choices.is_empty() {
            let _ = writeln!(out, "\nchoices");
            for c in &self.choices {
                let _ = writeln!(out, "  of {}: picked {}", c.of.join(", "), c.picked.join(", "));
            }
        }
        let _ = writeln!(out, "\nexpected critical calls");
        if self.critical_calls.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for c in &self.critical_calls {
            let _ = writeln!(out, "  {} {} → {}", c.specimen, c.reported, c.caregiver);
        }
        out
    }
}
