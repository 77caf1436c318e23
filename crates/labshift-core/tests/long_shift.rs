//! More work than one technician can do in the time: the generated long
//! shift (the benchmarks' 40-specimen shift repeated over a longer day).

#[path = "../benches/support/long_shift.rs"]
mod long_shift;
#[allow(dead_code)] // The shared support module has more than this test uses.
mod support;

use std::sync::Arc;

use labshift_core::MemoryFiles;
use labshift_core::action::Action;
use labshift_core::load::load_scenario;
use labshift_core::reference::reference_log;

fn shift(count: usize, hours: u32) -> Arc<labshift_core::Scenario> {
    let root = support::repository();
    let template =
        std::fs::read_to_string(root.join("tests/fixtures/frame-bench-40.ron")).unwrap_or_default();
    let pack = std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
    let text = long_shift::long_shift(&template, count, hours).unwrap_or_else(|e| panic!("{e}"));
    let files =
        MemoryFiles::default().with("long/shift.ron", &text).with("long/policies/us-default.ron", &pack);
    let loaded = load_scenario("long/shift.ron", &files);
    let problems: Vec<String> = loaded.diagnostics.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{problems:?}");
    Arc::new(loaded.value.unwrap_or_else(|| panic!("the long shift does not load")))
}

#[test]
fn the_generated_shift_has_its_specimens_spread_over_the_day() {
    let s = shift(120, 2);
    assert_eq!(s.specimens.len(), 120);
    let first = s.specimens.first().map(|x| x.arrives.0).unwrap_or_default();
    let last = s.specimens.last().map(|x| x.arrives.0).unwrap_or_default();
    assert!(last - first > 110 * 60 && last - first <= 120 * 60, "{first}..{last}");
    assert!(s.specimens.iter().all(|x| x.collected <= x.arrives));
}

#[test]
fn an_overlong_shift_ends_at_its_limit_with_the_rest_left_undone() {
    // 200 specimens in 2 hours, 6 hours to work them: more than one technician can do.
    let s = shift(200, 2);
    let log = reference_log(&s, 1).unwrap_or_else(|e| panic!("the reference technician stopped: {e}"));
    assert_eq!(log.actions.last().map(|e| &e.action), Some(&Action::EndShift));
    let limit = s.meta.start.plus(s.meta.time_limit).to_string();
    assert!(log.actions.last().is_some_and(|e| e.at.starts_with(&limit)), "ends at {limit}");
    let report = log.grade(&s).unwrap_or_else(|e| panic!("{e}"));
    let rules: std::collections::BTreeMap<&str, usize> =
        report.findings.iter().fold(Default::default(), |mut m, f| {
            *m.entry(f.finding.rule).or_default() += 1;
            m
        });
    // It receives what arrives first and runs out of time before releasing it all.
    let undone =
        rules.get("REP-NOT-RELEASED").copied().unwrap_or(0) + rules.get("ID-UNDECIDED").copied().unwrap_or(0);
    assert!(undone > 0, "200 specimens in 6 hours cannot all be done: {rules:?}");
    assert!(!report.passed, "{rules:?}");
}
