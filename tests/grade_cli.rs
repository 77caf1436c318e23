//! `labshift grade`, `labshift qc` and `labshift reference` as instructors run them.

mod support;
use support::{SCENARIOS, labshift, scratch, text};

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn labshift_stdin(args: &[&str], input: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_labshift"))
        .args(args)
        .current_dir(support::repository())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run labshift: {e}"));
    if let Some(mut stdin) = child.stdin.take() {
        std::io::Write::write_all(&mut stdin, input.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
    }
    child.wait_with_output().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_reference_log_grades_pass_100() {
    for name in SCENARIOS {
        let out = labshift(&[
            "grade",
            &format!("scenarios/{name}.ron"),
            &format!("scenarios/reference/{name}.log.ron"),
        ]);
        let report = text(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{name}:\n{report}{}", text(&out.stderr));
        assert!(report.starts_with("PASS 100.0%"), "{name}:\n{report}");
        assert!(report.contains("findings\n"), "{report}");
    }
}

#[test]
fn faulty_logs_fail_on_their_mistake() {
    for (scenario, log, rule) in [
        ("a-morning-chemistry", "a-drinks-coffee", "SAF-EATING"),
        ("b-mislabel-hemolysis", "b-accepts-mislabel", "ID-MISLABELED"),
        ("c-qc-shift", "c-accepts-failed-qc", "QC-REJECT-IGNORED"),
        ("d-critical-calls-spill", "d-no-read-back", "CRIT-NO-READ-BACK"),
    ] {
        let out = labshift(&[
            "grade",
            "--format",
            "json",
            &format!("scenarios/{scenario}.ron"),
            &format!("tests/fixtures/logs/{log}.log.ron"),
        ]);
        assert_eq!(out.status.code(), Some(1), "{log}: {}", text(&out.stderr));
        let report: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{log}: not JSON: {e}"));
        assert_eq!(report["passed"], false, "{log}");
        let findings = report["findings"].as_array().cloned().unwrap_or_default();
        let critical: Vec<&str> = findings
            .iter()
            .filter(|f| f["severity"] == "critical")
            .filter_map(|f| f["rule"].as_str())
            .collect();
        // The mistake, then only the wrong results it let reach a chart.
        assert_eq!(critical.first(), Some(&rule), "{log}: {critical:?}");
        assert!(critical[1..].iter().all(|r| *r == "REP-WRONG-RESULT"), "{log}: {critical:?}");
        let finding = findings.iter().find(|f| f["rule"] == rule).unwrap_or_else(|| panic!("{log}"));
        assert!(finding["citation"].as_str().is_some_and(|c| !c.is_empty()), "{log}");
        assert!(finding["requirement"].as_str().is_some_and(|c| !c.is_empty()), "{log}");
    }
}

#[test]
fn a_log_for_another_version_of_the_scenario_is_refused() {
    let dir = scratch("grade");
    std::fs::create_dir_all(dir.join("policies")).unwrap_or_else(|e| panic!("{e}"));
    let root = support::repository();
    let original = std::fs::read_to_string(root.join("scenarios/c-qc-shift.ron")).unwrap_or_default();
    let edited = original.replace("Exact(112.0)", "Exact(113.0)");
    assert_ne!(original, edited);
    std::fs::write(dir.join("c-qc-shift.ron"), edited).unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(root.join("scenarios/policies/us-default.ron"), dir.join("policies/us-default.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let scenario = dir.join("c-qc-shift.ron");
    let out = labshift(&["grade", &scenario.to_string_lossy(), "scenarios/reference/c-qc-shift.log.ron"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("was played on a different version of scenario `qc-shift`"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn a_log_for_another_scenario_and_a_broken_log_are_errors() {
    let out =
        labshift(&["grade", "scenarios/a-morning-chemistry.ron", "scenarios/reference/c-qc-shift.log.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("the log is for scenario `qc-shift`, not `morning-chemistry`"));
    let out =
        labshift(&["grade", "scenarios/a-morning-chemistry.ron", "tests/fixtures/broken/negative-sd.ron"]);
    assert_eq!(out.status.code(), Some(2));
    let out = labshift(&["grade", "scenarios/a-morning-chemistry.ron", "no/such.log.ron"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn qc_prints_one_json_line_per_run() {
    let out = labshift_stdin(&["qc"], "run,level,value,mean,sd\n1,1,4.0,4.0,0.1\n1,2,6.0,6.0,0.2\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "{\"run\":1,\"violations\":[],\"decision\":\"accept\"}\n");

    let series =
        "run,level,value,mean,sd\n1,1,4.21,4.0,0.1\n1,2,6.0,6.0,0.2\n2,1,4.22,4.0,0.1\n2,2,6.1,6.0,0.2\n";
    let out = labshift_stdin(&["qc"], series);
    let lines: Vec<String> = text(&out.stdout).lines().map(str::to_owned).collect();
    assert_eq!(
        lines,
        [
            "{\"run\":1,\"violations\":[\"1-2s\"],\"decision\":\"warn\"}",
            "{\"run\":2,\"violations\":[\"2-2s\"],\"decision\":\"reject\"}",
        ]
    );

    let out = labshift_stdin(
        &["qc", "--rules", "classic-3level"],
        "run,level,value,mean,sd\n1,1,1.1,0,1\n1,2,1.5,0,1\n1,3,2.5,0,1\n",
    );
    assert_eq!(text(&out.stdout), "{\"run\":1,\"violations\":[\"3-1s\"],\"decision\":\"reject\"}\n");
}

#[test]
fn qc_refuses_bad_input_with_exit_2() {
    let out = labshift_stdin(&["qc"], "run,level,value,mean,sd\n1,1,4.0,4.0,-1\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("line 2: sd -1 must be greater than 0"));
    let out = labshift_stdin(&["qc", "--rules", "nope"], "run,level,value,mean,sd\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("unknown rule set `nope`"));
}

#[test]
fn reference_logs_are_reproducible() {
    let first = labshift(&["reference", "scenarios/d-critical-calls-spill.ron", "--seed", "5"]);
    let second = labshift(&["reference", "scenarios/d-critical-calls-spill.ron", "--seed", "5"]);
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(first.stdout, second.stdout);
    let other = labshift(&["reference", "scenarios/d-critical-calls-spill.ron", "--seed", "6"]);
    assert_ne!(first.stdout, other.stdout, "the seed changes the shift");
}

#[test]
fn reports_read_as_a_debrief() {
    let out = labshift(&[
        "grade",
        "scenarios/d-critical-calls-spill.ron",
        "scenarios/reference/d-critical-calls-spill.log.ron",
    ]);
    insta::assert_snapshot!("report-d-reference", text(&out.stdout));
    let out =
        labshift(&["grade", "scenarios/c-qc-shift.ron", "tests/fixtures/logs/c-accepts-failed-qc.log.ron"]);
    insta::assert_snapshot!("report-c-accepts-failed-qc", text(&out.stdout));
}

#[test]
fn a_class_folder_grades_into_a_gradebook_with_a_row_per_log() {
    let dir = scratch("class");
    std::fs::create_dir_all(dir.join("late")).unwrap_or_else(|e| panic!("{e}"));
    // Thirty-six good logs: each scenario's reference with six seeds.
    for name in SCENARIOS {
        for seed in 1..=6 {
            let log = dir.join(format!("{name}-seed{seed}.log.ron"));
            let out = labshift(&[
                "reference",
                &format!("scenarios/{name}.ron"),
                "--seed",
                &seed.to_string(),
                "-o",
                &log.to_string_lossy(),
            ]);
            assert_eq!(out.status.code(), Some(0), "{name} {seed}: {}", text(&out.stderr));
        }
    }
    // A failing log, a malformed one and a forged one, in a subfolder.
    let fixture = root().join("tests/fixtures/logs/b-accepts-mislabel.log.ron");
    std::fs::copy(&fixture, dir.join("late/mislabel.log.ron")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("late/broken.log.ron"), "SessionLog(").unwrap_or_else(|e| panic!("{e}"));
    let genuine = std::fs::read_to_string(dir.join("c-qc-shift-seed1.log.ron")).unwrap_or_default();
    let hash = genuine.split("fnv1a64:").nth(1).and_then(|h| h.get(..16)).unwrap_or_default().to_owned();
    assert_eq!(hash.len(), 16, "{genuine}");
    std::fs::write(dir.join("late/forged.log.ron"), genuine.replace(&hash, "0123456789abcdef"))
        .unwrap_or_else(|e| panic!("{e}"));

    let csv = dir.join("gradebook.csv");
    let out = labshift(&["grade", "--class", &dir.to_string_lossy(), "--csv", &csv.to_string_lossy()]);
    let summary = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "not every log passed:\n{summary}{}", text(&out.stderr));
    assert!(
        summary.starts_with("graded 39 log(s): 36 passed, 1 failed, 2 could not be graded\n"),
        "{summary}"
    );
    assert!(summary.contains("pass rate 97.3% of graded logs"), "{summary}");
    assert!(summary.contains("1 × ID-MISLABELED"), "{summary}");
    let book = std::fs::read_to_string(&csv).unwrap_or_default();
    let rows: Vec<&str> = book.lines().collect();
    assert_eq!(rows.len(), 40, "a header and a row per log:\n{book}");
    let columns = rows[0].split(',').count();
    assert_eq!(columns, 19, "{}", rows[0]);
    assert!(rows[0].starts_with("file,trainee,scenario,seed,mode,result,overall"), "{}", rows[0]);
    let row = |file: &str| rows.iter().find(|r| r.contains(file)).copied().unwrap_or_default();
    assert!(row("late/mislabel.log.ron").contains(",fail,"), "{book}");
    assert!(row("late/broken.log.ron").contains(",not graded,"), "{book}");
    assert!(row("late/forged.log.ron").contains("different version of scenario `qc-shift`"), "{book}");
    // A row that says why a log was not graded names its place in the log.
    assert!(row("late/forged.log.ron").contains("late/forged.log.ron:7:20: "), "{book}");
    assert!(row("late/broken.log.ron").contains("late/broken.log.ron:1:11: "), "{book}");
    assert!(row("e-qc-shift-random-seed6").contains(",qc-shift-random,6,assessment,pass,100,"), "{book}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_class_log_whose_scenario_is_not_in_the_folder_is_named_by_its_id_and_place() {
    let dir = scratch("class-missing-scenario");
    let scenarios = dir.join("scenarios");
    std::fs::create_dir_all(scenarios.join("policies")).unwrap_or_else(|e| panic!("{e}"));
    let copy = |from: &str, to: &std::path::Path| {
        std::fs::copy(root().join(from), to).unwrap_or_else(|e| panic!("{from}: {e}"));
    };
    // The folder holds one scenario; the log is for another.
    copy("scenarios/c-qc-shift.ron", &scenarios.join("c-qc-shift.ron"));
    copy("scenarios/policies/us-default.ron", &scenarios.join("policies/us-default.ron"));
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).unwrap_or_else(|e| panic!("{e}"));
    copy("scenarios/reference/a-morning-chemistry.log.ron", &logs.join("a.log.ron"));
    let out =
        labshift(&["grade", "--class", &logs.to_string_lossy(), "--scenarios", &scenarios.to_string_lossy()]);
    let summary = text(&out.stdout);
    let folder = scenarios.to_string_lossy();
    let wanted = format!("a.log.ron:6:15: no scenario with id `morning-chemistry` in {folder}/");
    assert!(summary.contains(&wanted), "`{wanted}` not in:\n{summary}");
    assert!(!summary.contains("is for scenario"), "{summary}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn root() -> PathBuf {
    support::repository()
}

#[test]
fn a_log_that_does_not_replay_says_what_happened_and_what_depends_on_it() {
    let cases = [
        (
            "scenarios/d-critical-calls-spill.ron",
            "tests/corpus/logs/readback-from-clerk.log.ron",
            "log-error-readback-from-clerk",
        ),
        (
            "scenarios/a-morning-chemistry.ron",
            "tests/corpus/logs/unknown-specimen.log.ron",
            "log-error-unknown-specimen",
        ),
        ("scenarios/a-morning-chemistry.ron", "tests/corpus/logs/truncated.log.ron", "log-error-truncated"),
    ];
    for (scenario, log, name) in cases {
        let out = labshift(&["grade", scenario, log]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        insta::assert_snapshot!(name, text(&out.stderr));
    }
}
