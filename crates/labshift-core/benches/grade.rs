//! Grading a session log against the floor: plain RON deserialization of the
//! same log. Run with `cargo bench -p labshift-core --bench grade`; prints
//! the median time of each and their ratio, for every bundled reference log.

mod support;
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
