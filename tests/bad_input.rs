//! The bad-input corpus: broken scenario files and policy packs, and broken
//! or forged session logs, each refused with a clear message at a precise
//! place (file:line:col, or the file itself when it cannot be read as text)
//! and the right exit code — by the CLI, and by the app, which keeps running.
//! `tests/corpus/` holds the files; huge files are made here.

mod support;

use bevy::prelude::*;
use labshift::screens::Screen;
use labshift::{CurrentScenario, Launch};
use support::{labshift, scratch, text};

const BROKEN_FILES: &[(&str, &str)] = &[
    ("scenarios/arrives-after-end.ron", "arrival at 11:05 is outside the shift"),
    ("scenarios/arrives-before-start.ron", "arrival at 05:05 is outside the shift"),
    ("scenarios/binary-garbage.ron", "cannot read file: not UTF-8 text: an invalid byt"),
    ("scenarios/choice-pick-too-many.ron", "pick 3 of 2 specimens"),
    ("scenarios/choice-pick-zero.ron", "pick 0 of 2 specimens"),
    ("scenarios/clock-25h.ron", "a shift cannot start at 25:00"),
    ("scenarios/control-level-zero.ron", "control levels are numbered from 1"),
    ("scenarios/control-sd-zero.ron", "control SD must be greater than 0, found 0"),
    ("scenarios/date-feb-30.ron", "`2026-02-30` is not a valid date"),
    ("scenarios/date-month-13.ron", "`2026-13-14` is not a valid date"),
    ("scenarios/deep-nesting.ron", "expected integer"),
    ("scenarios/duplicate-analyzer.ron", "duplicate analyzer id `chem1`"),
    ("scenarios/duplicate-patient.ron", "duplicate patient MRN id `100234`"),
    ("scenarios/empty-menu.ron", "analyzer `chem1` offers no test"),
    ("scenarios/empty.ron", "expected opening `(` for struct `Scenario`"),
    ("scenarios/event-hemolysis-index.ron", "hemolysis index 7 is outside 1-5"),
    ("scenarios/event-hemolysis-unknown.ron", "unknown specimen `S99`"),
    ("scenarios/event-latest-before-at.ron", "the window ends at 07:10, before it starts at 07"),
    ("scenarios/event-qc-shift-zero.ron", "a QC shift of 0 SD changes nothing"),
    ("scenarios/event-spill-zero.ron", "a spill of 0 mL is no spill"),
    ("scenarios/event-stat-unknown.ron", "unknown specimen `S99`"),
    ("scenarios/event-unknown-caregiver.ron", "unknown caregiver `dr-nobody`"),
    ("scenarios/fill-over-100.ron", "fill of 150% is more than a full tube"),
    ("scenarios/float-for-integer.ron", "expected a comma"),
    ("scenarios/format-2.ron", "unsupported format version 2"),
    ("scenarios/hemolysis-index-9.ron", "hemolysis_index 9 is out of range"),
    ("scenarios/id-with-spaces.ron", "scenario id `Morning Chemistry` is not a slug"),
    ("scenarios/invalid-utf8.ron", "cannot read file: not UTF-8 text: an invalid byt"),
    ("scenarios/json-not-ron.ron", "expected opening `(` for struct `Scenario`"),
    ("scenarios/label-unknown-field.ron", "unknown field `barcode` in `Label`"),
    ("scenarios/negative-remaining.ron", "integer is out of bounds"),
    ("scenarios/nul-bytes.ron", "expected identifier"),
    ("scenarios/pass-mark-150.ron", "pass mark of 150%"),
    ("scenarios/policy-absolute.ron", "policy pack path `/etc/passwd` is an absolute pa"),
    ("scenarios/policy-is-a-scenario.ron", "policy pack `empty.ron` is invalid (see its erro"),
    ("scenarios/policy-windows-drive.ron", "policy pack path `C:/packs/us.ron` is an absolut"),
    ("scenarios/reagent-bad-date.ron", "`30/09/2026` is not a valid date"),
    ("scenarios/specimen-no-tests.ron", "specimen `S02` has no test ordered"),
    ("scenarios/string-for-number.ron", "expected integer"),
    ("scenarios/time-limit-zero.ron", "time limit of 0 minutes"),
    ("scenarios/trailing-garbage.ron", "text after the end of the document"),
    ("scenarios/truncated-at-end.ron", "the file ends early (line 160): it looks cut off"),
    ("scenarios/truncated-half.ron", "the file ends early (line 82): it looks cut off"),
    ("scenarios/unclosed-string.ron", "expected a comma"),
    ("scenarios/unknown-fault.ron", "unknown variant `PowerCut` in `Fault`"),
    ("scenarios/unknown-tube.ron", "unknown variant `GoldTop` in `TubeKind`"),
    ("scenarios/uses-pack-critical-low-above-high.ron", "policy pack `policies/pack-critical-low-above-hi"),
    ("scenarios/uses-pack-deadline-zero.ron", "policy pack `policies/pack-deadline-zero.ron` is"),
    ("scenarios/uses-pack-empty.ron", "policy pack `policies/pack-empty.ron` is invalid"),
    ("scenarios/uses-pack-no-credentials.ron", "policy pack `policies/pack-no-credentials.ron` i"),
    ("scenarios/uses-pack-truncated.ron", "policy pack `policies/pack-truncated.ron` is inv"),
    ("scenarios/uses-pack-unknown-tube.ron", "policy pack `policies/pack-unknown-tube.ron` is "),
    ("scenarios/value-range-reversed.ron", "value range (4.8, 3.6) is not a range"),
    ("scenarios/value-unknown-test.ron", "ordered test `CL` has no true value"),
    ("scenarios/very-long-line.ron", "scenario id `MorningMorningMorningMorningMorning"),
    ("scenarios/whitespace-only.ron", "expected opening `(` for struct `Scenario`"),
    ("scenarios/policies/pack-critical-low-above-high.ron", "critical low 7 is not below critical high 6.1"),
    ("scenarios/policies/pack-deadline-zero.ron", "critical-call deadline must be at least 1 minute"),
    ("scenarios/policies/pack-empty.ron", "expected opening `(` for struct `PolicyPack`"),
    ("scenarios/policies/pack-no-credentials.ron", "no caregiver credential may receive a critical c"),
    ("scenarios/policies/pack-truncated.ron", "expected end of string"),
    ("scenarios/policies/pack-unknown-tube.ron", "unknown variant `BloodGasBag` in `TubeKind`"),
];

const BROKEN_LOGS: &[(&str, &str)] = &[
    ("logs/absurd-time.log.ron", "action 4 at 99:99:99: `99:99:99` is not a clock "),
    ("logs/action-after-end.log.ron", "the shift has ended"),
    ("logs/after-limit.log.ron", "the shift ended at 08:30"),
    ("logs/before-start.log.ron", "time goes forward only: 06:00:00 is before 07:00"),
    ("logs/empty.log.ron", "expected opening `(` for struct `SessionLog`"),
    ("logs/format-9.log.ron", "unsupported log format 9; this LabShift reads fo"),
    ("logs/hash-missing.log.ron", "missing field `scenario_hash` in `Header`"),
    ("logs/inject-in-assessment.log.ron", "an instructor's fault is injected in practice on"),
    ("logs/invalid-utf8.log.ron", "cannot read file: not UTF-8 text: an invalid byt"),
    ("logs/json.log.ron", "expected opening `(` for struct `SessionLog`"),
    ("logs/missing-field.log.ron", "missing field `specimen` in `Receive`"),
    ("logs/negative-seed.log.ron", "integer is out of bounds"),
    ("logs/other-scenario.log.ron", "the log is for scenario `qc-shift`, not `morning"),
    ("logs/out-of-order.log.ron", "time goes forward only: 07:00:30 is before 07:01"),
    ("logs/reject-not-received.log.ron", "S01 has not arrived yet"),
    ("logs/readback-from-clerk.log.ron", "answered by Dana Hill (Unit clerk), who may not "),
    ("logs/release-without-result.log.ron", "S01 has no K result"),
    ("logs/trailing-garbage.log.ron", "text after the end of the document"),
    ("logs/truncated.log.ron", "the file ends early (line 81): it looks cut off"),
    ("logs/unknown-action.log.ron", "unknown variant `Teleport` in `Action`"),
    ("logs/unknown-mode.log.ron", "unknown variant `Exam` in `Mode`"),
    ("logs/unknown-specimen.log.ron", "no specimen `S99`"),
    ("logs/wrong-hash.log.ron", "the log was played on a different version of sce"),
];

fn corpus(relative: &str) -> String {
    format!("tests/corpus/{relative}")
}

/// Every corpus file of `dir` (not the valid pack the scenarios use), as listed above.
fn on_disk(dir: &str, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let root = support::repository().join("tests/corpus").join(dir);
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .map(|d| {
            d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).filter(|n| keep(n)).collect()
        })
        .unwrap_or_default();
    names.sort();
    names.into_iter().map(|n| format!("{dir}/{n}")).collect()
}

/// The first line names the file and the place: `file:line:col: error: …`,
/// or `file: error: …` for a file that cannot be read as text at all.
fn located(first: &str, file: &str) -> bool {
    let Some(rest) = first.strip_prefix(file) else { return false };
    if rest.starts_with(": error: cannot read file") {
        return true;
    }
    let mut parts = rest.splitn(4, ':');
    let (_, line, col, tail) = (parts.next(), parts.next(), parts.next(), parts.next());
    let number = |s: Option<&str>| s.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()));
    number(line) && number(col) && tail.is_some_and(|t| t.starts_with(" error: "))
}

#[test]
fn every_broken_scenario_or_policy_pack_is_refused_at_its_place() {
    assert!(BROKEN_FILES.len() >= 50, "{} broken scenario and policy files", BROKEN_FILES.len());
    let mut listed: Vec<String> = BROKEN_FILES.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    let mut found = on_disk("scenarios", |n| n.ends_with(".ron"));
    found.extend(on_disk("scenarios/policies", |n| n.starts_with("pack-")));
    found.sort();
    assert_eq!(listed, found, "every corpus file has an expectation, and every expectation a file");
    for (file, expected) in BROKEN_FILES {
        let path = corpus(file);
        let out = labshift(&["validate", &path]);
        let stdout = text(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{path}:\n{stdout}");
        let first = stdout.lines().next().unwrap_or_default();
        assert!(located(first, &path), "{path}: no place in `{first}`");
        assert!(first.contains(expected), "{path}: `{first}` does not say `{expected}`");
        assert!(stdout.lines().all(|l| l.chars().count() < 400), "{path}: an unreadably long line");
        // The app's loader: diagnostics, never a panic, never a scenario.
        if !file.starts_with("scenarios/policies/") {
            let loaded = CurrentScenario::load(&path);
            assert!(loaded.scenario.is_none() && loaded.diagnostics.iter().any(|d| d.is_error()), "{path}");
        }
    }
}

#[test]
fn a_file_too_large_is_refused_before_it_is_parsed() {
    let dir = scratch("corpus-huge");
    let (scenario, log) = (dir.join("huge.ron"), dir.join("huge.log.ron"));
    let filler = format!("// {}\n", "x".repeat(1000)).repeat(2100);
    std::fs::write(&scenario, format!("{filler}Scenario()")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&log, format!("{filler}SessionLog()")).unwrap_or_else(|e| panic!("{e}"));
    let scenario = scenario.to_string_lossy().into_owned();
    let out = labshift(&["validate", &scenario]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("LabShift reads files of at most"), "{}", text(&out.stdout));
    let out = labshift(&["grade", "scenarios/a-morning-chemistry.ron", &log.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("LabShift reads files of at most"), "{}", text(&out.stderr));
    assert!(CurrentScenario::load(&scenario).scenario.is_none());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn every_broken_or_forged_log_is_refused_at_its_place() {
    assert!(BROKEN_LOGS.len() >= 20, "{} broken logs", BROKEN_LOGS.len());
    let mut listed: Vec<String> = BROKEN_LOGS.iter().map(|(f, _)| (*f).to_owned()).collect();
    listed.sort();
    assert_eq!(listed, on_disk("logs", |n| n.ends_with(".log.ron")));
    for (file, expected) in BROKEN_LOGS {
        // The logs are broken copies of scenario (a)'s reference run, but for
        // the one about a critical call, which only (d) has.
        let scenario = match *file {
            "logs/readback-from-clerk.log.ron" => "scenarios/d-critical-calls-spill.ron",
            _ => "scenarios/a-morning-chemistry.ron",
        };
        let path = corpus(file);
        for command in [&["grade", scenario, &path][..], &["report", scenario, &path, "--html", "-"][..]] {
            let out = labshift(command);
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command:?}:\n{stderr}");
            let first = stderr.lines().next().unwrap_or_default();
            assert!(located(first, &path), "{path}: no place in `{first}`");
            assert!(first.contains(expected), "{path}: `{first}` does not say `{expected}`");
            assert!(out.stdout.is_empty(), "{command:?} wrote a report for a broken log");
        }
    }
    // A class folder of them grades to a row per log saying why, without stopping.
    let dir = scratch("corpus-class");
    let csv = dir.join("gradebook.csv").to_string_lossy().into_owned();
    let out = labshift(&["grade", "--class", "tests/corpus/logs", "--csv", &csv]);
    assert_ne!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let rows = std::fs::read_to_string(&csv).unwrap_or_default();
    assert_eq!(rows.lines().count(), BROKEN_LOGS.len() + 1, "{rows}");
    assert!(rows.lines().skip(1).all(|r| r.contains("not graded")), "{rows}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_app_opens_each_broken_scenario_on_its_diagnostics_and_keeps_running() {
    for (file, expected) in BROKEN_FILES.iter().filter(|(f, _)| !f.starts_with("scenarios/policies/")) {
        let path = corpus(file);
        let mut app = labshift::headless_app(
            Some(CurrentScenario::load(&path)),
            None,
            Launch::default(),
            labshift::play::Setup { log_dir: None, ..Default::default() },
        );
        app.update();
        app.update();
        assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Diagnostics, "{path}");
        let mut texts = app.world_mut().query::<&Text>();
        let shown: String = texts.iter(app.world()).map(|t| t.0.clone()).collect::<Vec<_>>().join("\n");
        assert!(shown.contains(expected), "{path}: the app does not show `{expected}`");
        // It keeps running: back to the scenario list.
        app.world_mut().write_message(labshift::ui::command::Run(labshift::ui::command::UiCommand::Goto(
            Screen::Select,
        )));
        app.update();
        app.update();
        assert_eq!(*app.world().resource::<State<Screen>>().get(), Screen::Select, "{path}");
    }
}
