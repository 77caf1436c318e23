//! `labshift new` and `labshift preview` as an instructor runs them.

mod support;
use support::{labshift, scratch, text};

#[test]
fn a_new_scenario_validates_and_plays_as_it_is() {
    let dir = scratch("new");
    let scenarios = dir.join("scenarios");
    let folder = scenarios.to_string_lossy().into_owned();
    let out = labshift(&["new", "demo-x", "--tier", "junior", "--dir", &folder]);
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
    let path = scenarios.join("demo-x.ron");
    let file = path.to_string_lossy().into_owned();
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(written.contains("id: \"demo-x\"") && written.contains("tier: Junior"), "{written}");
    assert!(scenarios.join("policies/us-default.ron").is_file(), "the policy pack is written beside it");

    let out = labshift(&["validate", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));

    // The reference technician passes it: the skeleton is a playable shift.
    let log = dir.join("ref.log.ron").to_string_lossy().into_owned();
    assert_eq!(labshift(&["reference", &file, "-o", &log]).status.code(), Some(0));
    let out = labshift(&["grade", &file, &log]);
    assert!(text(&out.stdout).starts_with("PASS 100.0%"), "{}", text(&out.stdout));

    // It never overwrites, and refuses an id that is not one.
    let out = labshift(&["new", "demo-x", "--dir", &folder]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("already exists"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), written);
    let out = labshift(&["new", "Night Shift", "--dir", &folder]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is not a scenario id"), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn preview_is_the_same_for_a_seed_and_differs_between_seeds() {
    let preview = |seed: &str| {
        let out = labshift(&["preview", "scenarios/e-qc-shift-random.ron", "--seed", seed]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let seven = preview("7");
    assert_eq!(seven, preview("7"));
    assert_ne!(seven, preview("8"));
    for part in [
        "specimens",
        "events",
        "choices",
        "expected critical calls",
        "SUPPRESS after the spin (hemolyzed serum), recollect: K",
    ] {
        assert!(seven.contains(part), "no `{part}` in:\n{seven}");
    }
    // Scripts get the same key as JSON.
    let out = labshift(&["preview", "scenarios/e-qc-shift-random.ron", "--seed", "7", "--format", "json"]);
    let key: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(key["seed"], 7);
    assert_eq!(key["choices"][0]["picked"].as_array().map(Vec::len), Some(1));
}

#[test]
fn preview_of_a_broken_scenario_reports_why() {
    let out = labshift(&["preview", "tests/fixtures/broken/unknown-analyzer.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown analyzer"), "{}", text(&out.stderr));
}

#[test]
fn the_answer_key_reads_as_the_lis_would_report_and_names_each_qc_faults_rule() {
    let key = |scenario: &str| text(&labshift(&["preview", scenario]).stdout);
    let d = key("scenarios/d-critical-calls-spill.ron");
    // The catalogue's decimals and units; no unit that repeats the test.
    assert!(d.contains("values: INR 1.1, APTT 31.0 s"), "{d}");
    assert!(d.contains("S04 INR 6.2 → Dr. Eva Brandt (MD)"), "{d}");
    assert!(d.contains("S02 K 6.8 mmol/L → Dr. Rafael Silva (MD)"), "{d}");
    // The tube as the instructor checks it against its REJECT line.
    assert!(d.contains("light blue  routine  (fill 95%)"), "{d}");
    assert!(d.contains("blood spill at the centrifuge, 15 mL"), "{d}");
    let b = key("scenarios/b-mislabel-hemolysis.ron");
    assert!(b.contains("(fill 100%, HI 4)"), "{b}");
    assert!(b.contains("REJECT: the label carries fewer than 2 patient identifiers"), "{b}");
    let c = key("scenarios/c-qc-shift.ron");
    assert!(c.contains("QC shift on chem1 GLU: +2.5 SD — the run is rejected on 2-2s"), "{c}");
    insta::assert_snapshot!("preview-d", d);
}
