//! Grading a session log against the floor: plain RON deserialization of the
//! same log. Run with `cargo bench -p labshift-core --bench grade`; prints
//! the median time of each and their ratio, for every bundled reference log.

mod support;
use support::long_shift::long_shift;
use support::{SAMPLES, median};

use std::hint::black_box;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use labshift_core::load::{Files, load_scenario};
use labshift_core::log::SessionLog;

struct Disk;

impl Files for Disk {
    fn read(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|e| e.to_string())
    }
    fn list(&self, _dir: &str) -> Vec<String> {
        Vec::new()
    }
}

fn main() {
    let root = support::repository();
    // `GRADE_PROFILE=N`: grade scenario (a)'s reference log N times and stop,
    // for a profiler (e.g. `valgrind --tool=callgrind`).
    if let Some(n) = std::env::var("GRADE_PROFILE").ok().and_then(|n| n.parse::<usize>().ok()) {
        let path = root.join("scenarios/a-morning-chemistry.ron");
        let scenario = load_scenario(&path.to_string_lossy(), &Disk).value.map(Arc::new);
        let text = std::fs::read_to_string(root.join("scenarios/reference/a-morning-chemistry.log.ron"))
            .unwrap_or_default();
        for _ in 0..n {
            let log = SessionLog::parse("a", black_box(&text)).ok();
            black_box(log.zip(scenario.as_ref()).and_then(|(l, s)| l.grade(s).ok()));
        }
        return;
    }
    // `GRADE_PROFILE_LONG=N`: the same for the long shift (`GRADE_PROFILE_COUNT`
    // specimens over 12 hours, 600 unless set).
    if let Some(n) = std::env::var("GRADE_PROFILE_LONG").ok().and_then(|n| n.parse::<usize>().ok()) {
        let template =
            std::fs::read_to_string(root.join("tests/fixtures/frame-bench-40.ron")).unwrap_or_default();
        let pack =
            std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
        let count = std::env::var("GRADE_PROFILE_COUNT").ok().and_then(|c| c.parse().ok()).unwrap_or(600);
        let text = long_shift(&template, count, 12).unwrap_or_default();
        let files = labshift_core::MemoryFiles::default()
            .with("bench/shift.ron", &text)
            .with("bench/policies/us-default.ron", &pack);
        let scenario = load_scenario("bench/shift.ron", &files).value.map(Arc::new);
        let log = scenario.as_ref().and_then(|s| labshift_core::reference::reference_log(s, 1).ok());
        let log = log.map(|l| l.to_ron()).unwrap_or_default();
        for _ in 0..n {
            let parsed = SessionLog::parse("long", black_box(&log)).ok();
            black_box(parsed.zip(scenario.as_ref()).and_then(|(l, s)| l.grade(s).ok()));
        }
        return;
    }
    println!("{:<24} {:>8} {:>12} {:>12} {:>7}", "reference log", "actions", "deserialize", "grade", "ratio");
    let mut ratios = Vec::new();
    for name in ["a-morning-chemistry", "b-mislabel-hemolysis", "c-qc-shift", "d-critical-calls-spill"] {
        let scenario_path = root.join(format!("scenarios/{name}.ron"));
        let Some(scenario) = load_scenario(&scenario_path.to_string_lossy(), &Disk).value.map(Arc::new)
        else {
            eprintln!("{name}: scenario does not load");
            std::process::exit(2);
        };
        let text = std::fs::read_to_string(root.join(format!("scenarios/reference/{name}.log.ron")))
            .unwrap_or_default();
        let actions = SessionLog::parse(name, &text).map(|l| l.actions.len()).unwrap_or(0);
        // The floor: what any grader must do, read the log.
        let floor = median(|| {
            black_box(ron::from_str::<SessionLog>(black_box(&text)).ok());
        });
        // Grading: read the log, replay it, score it.
        let grade = median(|| {
            let log = SessionLog::parse(name, black_box(&text)).ok();
            black_box(log.and_then(|l| l.grade(&scenario).ok()));
        });
        let ratio = grade.as_secs_f64() / floor.as_secs_f64();
        ratios.push(ratio);
        println!(
            "{name:<24} {actions:>8} {:>10.1}µs {:>10.1}µs {ratio:>6.2}×",
            floor.as_secs_f64() * 1e6,
            grade.as_secs_f64() * 1e6
        );
    }
    let worst = ratios.iter().copied().fold(0.0, f64::max);
    println!("worst ratio: {worst:.2}× (target ≤ 2×)");
    cohort(&root);
    growth(&root);
}

/// How loading and grading grow with the work: the 40-specimen benchmark
/// shift against the same lab with 600 specimens over 12 hours, each graded
/// on its reference technician's log.
fn growth(root: &Path) {
    let template =
        std::fs::read_to_string(root.join("tests/fixtures/frame-bench-40.ron")).unwrap_or_default();
    let pack = std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
    let long = match long_shift(&template, 600, 12) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("long shift: {e}");
            std::process::exit(2);
        }
    };
    println!(
        "{:<16} {:>9} {:>8} {:>10} {:>11} {:>10} {:>12}",
        "shift", "specimens", "actions", "load", "grade", "logs/s", "µs/action"
    );
    let mut per_action = Vec::new();
    for (name, text) in [("40 specimens", template.as_str()), ("600 specimens", long.as_str())] {
        let files = labshift_core::MemoryFiles::default()
            .with("bench/shift.ron", text)
            .with("bench/policies/us-default.ron", &pack);
        let load = median(|| {
            black_box(load_scenario("bench/shift.ron", &files).value);
        });
        let Some(scenario) = load_scenario("bench/shift.ron", &files).value.map(Arc::new) else {
            eprintln!("{name}: does not load");
            std::process::exit(2);
        };
        let log = match labshift_core::reference::reference_log(&scenario, 1) {
            Ok(log) => log.to_ron(),
            Err(e) => {
                eprintln!("{name}: the reference technician stopped: {e}");
                std::process::exit(2);
            }
        };
        let actions = log.matches("action:").count();
        let grade = median(|| {
            let parsed = SessionLog::parse(name, black_box(&log)).ok();
            black_box(parsed.and_then(|l| l.grade(&scenario).ok()));
        });
        let us = grade.as_secs_f64() * 1e6 / actions as f64;
        per_action.push(us);
        println!(
            "{name:<16} {:>9} {actions:>8} {:>8.2}ms {:>9.2}ms {:>10.0} {us:>12.2}",
            scenario.specimens.len(),
            load.as_secs_f64() * 1e3,
            grade.as_secs_f64() * 1e3,
            1.0 / grade.as_secs_f64()
        );
    }
    if let [short, long] = per_action[..] {
        println!("grading per action, 600 / 40 specimens: {:.2}× (target ≤ 1.5×)", long / short);
    }
}

/// Batch grading on one core: a cohort of 1,000 full-shift logs (the five
/// sample scenarios' reference runs, 200 seeds each), read and graded one
/// after another, against reading them alone.
fn cohort(root: &Path) {
    let mut logs: Vec<(Arc<labshift_core::Scenario>, String)> = Vec::new();
    for name in SAMPLES {
        let path = root.join(format!("scenarios/{name}.ron"));
        let Some(scenario) = load_scenario(&path.to_string_lossy(), &Disk).value.map(Arc::new) else {
            eprintln!("{name}: scenario does not load");
            std::process::exit(2);
        };
        for seed in 1..=200 {
            match labshift_core::reference::reference_log(&scenario, seed) {
                Ok(log) => logs.push((Arc::clone(&scenario), log.to_ron())),
                Err(e) => eprintln!("{name} seed {seed}: {e}"),
            }
        }
    }
    let actions: usize = logs.iter().map(|(_, t)| t.matches("action:").count()).sum();
    let time = |f: &dyn Fn()| {
        let mut best = Duration::MAX;
        for _ in 0..3 {
            let t = Instant::now();
            f();
            best = best.min(t.elapsed());
        }
        best
    };
    let floor = time(&|| {
        for (_, text) in &logs {
            black_box(ron::from_str::<SessionLog>(black_box(text)).ok());
        }
    });
    let graded = time(&|| {
        for (scenario, text) in &logs {
            let log = SessionLog::parse("cohort", black_box(text)).ok();
            black_box(log.and_then(|l| l.grade(scenario).ok()));
        }
    });
    let n = logs.len() as f64;
    println!(
        "cohort: {} logs ({actions} actions): read alone {:.0} logs/s, graded {:.0} logs/s on one core ({:.2}× the reading), target ≥ 10,000 logs/s",
        logs.len(),
        n / floor.as_secs_f64(),
        n / graded.as_secs_f64(),
        graded.as_secs_f64() / floor.as_secs_f64()
    );
}
