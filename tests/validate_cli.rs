//! `labshift validate` as an instructor runs it: on the bundled scenarios and
//! on every broken fixture, checking exit codes and the exact diagnostics.

mod support;
use support::{SCENARIOS, labshift};

use std::process::Output;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn broken_fixtures() -> Vec<String> {
    let dir = support::repository().join("tests/fixtures/broken");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "ron"))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn bundled_scenarios_are_valid() {
    let out = labshift(&["validate", "scenarios/"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let text = stdout(&out);
    // The samples set no trap by accident: no test in a tube it cannot run
    // on, no event after the work is done.
    assert!(!text.contains("warning:"), "{text}");
    for name in SCENARIOS {
        assert!(
            text.contains(&format!("ok       scenarios/{name}.ron")),
            "{name} not reported valid:\n{text}"
        );
    }
    for name in SCENARIOS {
        assert!(
            text.contains(&format!("ok       scenarios/reference/{name}.log.ron")),
            "{name} log:\n{text}"
        );
    }
    assert!(text.contains("13 file(s) checked: 13 valid, 0 invalid"), "{text}");
}

#[test]
fn the_fixture_policy_pack_is_valid() {
    let out = labshift(&["validate", "tests/fixtures/broken/policies/mini.ron"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
}

/// The first line of each fixture's report: where the mistake is and what it is.
const EXPECTED: &[(&str, &str)] = &[
    ("bad-randomization", "49:31: error: the window ends at 07:10, before it starts at 07:30"),
    (
        "collected-after-arrival",
        "39:69: error: specimen `S01` is collected at 07:10 after it arrives at 07:05",
    ),
    ("duplicate-specimen-id", "43:14: error: duplicate specimen id `S01`"),
    ("event-outside-shift", "49:14: error: event at 09:45 is outside the shift"),
    ("invalid-clock-time", "39:49: error: `7:5` is not a valid clock time"),
    ("invalid-date", "9:15: error: `2026-02-30` is not a valid date"),
    ("many-mistakes", "25:95: error: control SD must be greater than 0, found 0"),
    ("missing-field", "11:5: error: missing field `tier` in `Meta`"),
    ("missing-policy-pack", "13:13: error: policy pack `policies/mnii.ron` not found (no such file)"),
    ("missing-true-value", "41:23: error: ordered test `NA` has no true value"),
    ("negative-sd", "25:95: error: control SD must be greater than 0, found -1.8"),
    ("policy-critical-unit-mismatch", "17:27: error: unit `mEq/L` differs from the unit of test `K`"),
    ("policy-duplicate-test-code", "9:16: error: duplicate test id `K`"),
    ("policy-escalation-after-deadline", "20:59: error: escalation time must fall inside the call deadline"),
    (
        "policy-path-escape",
        "13:13: error: policy pack path `../../../scenarios/policies/us-default.ron` is a path leaving the scenario's folder",
    ),
    ("policy-run-time-too-long", "34:53: error: a run of 600 minutes"),
    ("policy-unknown-default-rule-set", "25:27: error: unknown rule set `clasic-2level`"),
    ("policy-unknown-westgard-rule", "24:38: error: unknown Westgard rule `2-2S`"),
    ("syntax-missing-comma", "8:9: error: expected a comma"),
    ("syntax-unclosed-list", "51:5: error: found `rubric` where an `Event` was expected"),
    ("test-not-offered", "45:25: error: no analyzer in the lab offers test `INR`"),
    ("unknown-analyzer", "49:48: error: unknown analyzer `chem2`"),
    ("unknown-field-typo", "43:109: error: unknown field `hemolysis_indx` in `Specimen`"),
    ("unknown-patient", "43:30: error: unknown patient MRN `100243`"),
    ("unknown-rubric-rule", "54:20: error: unknown rule `ID-MISLABEL`"),
    ("unknown-test", "41:18: error: unknown test `KK`"),
    ("unknown-variant", "43:84: error: unknown variant `GoldSST` in `TubeKind`"),
    ("weights-not-100", "53:18: error: category weights add up to 105"),
];

#[test]
fn every_broken_fixture_fails_with_its_exact_diagnostic() {
    let fixtures = broken_fixtures();
    assert!(fixtures.len() >= 15, "only {} broken fixtures", fixtures.len());
    let listed: Vec<String> = EXPECTED.iter().map(|(name, _)| format!("{name}.ron")).collect();
    assert_eq!(
        fixtures, listed,
        "every fixture needs an expected diagnostic, and every expectation a fixture"
    );
    for (name, first) in EXPECTED {
        let path = format!("tests/fixtures/broken/{name}.ron");
        let out = labshift(&["validate", &path]);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{name} should be invalid:\n{text}");
        let expected = format!("{path}:{first}");
        assert_eq!(text.lines().next(), Some(expected.as_str()), "{name}");
        insta::assert_snapshot!(*name, text);
    }
}

#[test]
fn many_mistakes_are_reported_at_once() {
    let out = labshift(&["validate", "tests/fixtures/broken/many-mistakes.ron"]);
    let text = stdout(&out);
    let errors = text.lines().filter(|l| l.contains(": error: ")).count();
    assert_eq!(errors, 4, "{text}");
    assert!(text.contains("help: did you mean `chem1`? defined: `chem1`"), "{text}");
}

#[test]
fn json_output_is_one_document_for_scripts() {
    let out = labshift(&[
        "validate",
        "--format",
        "json",
        "tests/fixtures/broken/unknown-analyzer.ron",
        "scenarios/c-qc-shift.ron",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"));
    assert_eq!(report["valid"], 1);
    assert_eq!(report["invalid"], 1);
    let diagnostic = &report["files"][0]["diagnostics"][0];
    assert_eq!(diagnostic["line"], 49);
    assert_eq!(diagnostic["column"], 48);
    assert_eq!(diagnostic["severity"], "error");
    assert_eq!(diagnostic["message"], "unknown analyzer `chem2`");
    assert_eq!(diagnostic["help"], "did you mean `chem1`? defined: `chem1`");
    assert_eq!(report["files"][1]["valid"], true);
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(labshift(&["validate"]).status.code(), Some(2));
    assert_eq!(labshift(&["validate", "no/such/dir"]).status.code(), Some(2));
    assert_eq!(labshift(&["validate", "--format", "xml", "scenarios/"]).status.code(), Some(2));
}

/// A file a Windows editor saved with a byte-order mark reads like the same
/// file without: the scenario validates, and a session log grades alike.
#[test]
fn a_byte_order_mark_is_read_like_none() {
    let dir = support::scratch("bom");
    std::fs::create_dir_all(dir.join("policies")).expect("scratch");
    let scenario =
        std::fs::read_to_string(support::repository().join("scenarios/a-morning-chemistry.ron")).expect("a");
    let pack = std::fs::read_to_string(support::repository().join("scenarios/policies/us-default.ron"))
        .expect("pack");
    let log = std::fs::read_to_string(
        support::repository().join("scenarios/reference/a-morning-chemistry.log.ron"),
    )
    .expect("log");
    std::fs::write(dir.join("a.ron"), format!("\u{feff}{scenario}")).expect("write");
    std::fs::write(dir.join("policies/us-default.ron"), format!("\u{feff}{pack}")).expect("write");
    std::fs::write(dir.join("a.log.ron"), format!("\u{feff}{log}")).expect("write");
    let scenario = dir.join("a.ron").to_string_lossy().into_owned();
    let out = support::labshift(&["validate", &scenario]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    let out = support::labshift(&["grade", &scenario, &dir.join("a.log.ron").to_string_lossy()]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("PASS 100.0%"));
    let _ = std::fs::remove_dir_all(dir);
}

/// A sample scenario as an instructor edited it: `edit` applied to its text,
/// validated with its policy pack beside it; the output with the scratch
/// folder's path written `SCRATCH`.
fn edited(name: &str, sample: &str, edit: impl Fn(&str) -> String) -> (Option<i32>, String) {
    let dir = support::scratch(&format!("authoring-{name}"));
    std::fs::create_dir_all(dir.join("policies")).unwrap_or_else(|e| panic!("{e}"));
    let root = support::repository();
    std::fs::copy(root.join("scenarios/policies/us-default.ron"), dir.join("policies/us-default.ron"))
        .unwrap_or_else(|e| panic!("{e}"));
    let original = std::fs::read_to_string(root.join(format!("scenarios/{sample}.ron"))).unwrap_or_default();
    let changed = edit(&original);
    assert_ne!(changed, original, "{name}: the edit changed nothing");
    let file = dir.join(format!("{name}.ron"));
    std::fs::write(&file, changed).unwrap_or_else(|e| panic!("{e}"));
    let out = labshift(&["validate", &file.to_string_lossy()]);
    let text = stdout(&out).replace(&dir.to_string_lossy().into_owned(), "SCRATCH");
    let _ = std::fs::remove_dir_all(&dir);
    (out.status.code(), text)
}

#[test]
fn a_test_ordered_by_another_name_is_pointed_to_the_packs_code_without_a_cascade() {
    let (code, text) = edited("pt-for-inr", "d-critical-calls-spill", |s| {
        s.replacen(r#"tests: ["INR"]"#, r#"tests: ["PT"]"#, 1)
    });
    assert_eq!(code, Some(1), "{text}");
    assert!(
        text.contains("`PT` is `INR` (Prothrombin time, INR) in this policy pack: did you mean `INR`?"),
        "{text}"
    );
    assert!(!text.contains("has no true value"), "no error about the unknown test's value:\n{text}");
    assert_eq!(text.matches("error:").count(), 1, "{text}");
    insta::assert_snapshot!("authoring-pt-for-inr", text);
}

#[test]
fn numbers_written_as_people_write_them_get_a_hint() {
    let (code, text) =
        edited("percent", "d-critical-calls-spill", |s| s.replacen("fill_pct: 100,", "fill_pct: 70%,", 1));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("help: write the number alone, without `%`: `70`"), "{text}");
    insta::assert_snapshot!("authoring-percent", text);
    let (code, text) =
        edited("decimal-comma", "d-critical-calls-spill", |s| s.replacen("Exact(6.2)", "Exact(6,2)", 1));
    assert_eq!(code, Some(1), "{text}");
    assert!(text.contains("help: a decimal is written with a point: `6.2`, not `6,2`"), "{text}");
    insta::assert_snapshot!("authoring-decimal-comma", text);
}

#[test]
fn a_test_in_a_tube_it_cannot_run_on_validates_with_a_warning_naming_the_tube_it_needs() {
    let (code, text) = edited("inr-in-gold", "d-critical-calls-spill", |s| {
        s.replacen("tube: LightBlueCitrate, priority: Routine,", "tube: GoldSst, priority: Routine,", 1)
    });
    assert_eq!(code, Some(0), "a warning is not an error:\n{text}");
    let first = text.lines().next().unwrap_or_default();
    assert!(first.starts_with("SCRATCH/inr-in-gold.ron:"), "{first}");
    assert!(first.contains(": warning: `INR` is ordered on `S"), "{first}");
    assert!(first.contains("INR needs a light blue-top (3.2% Na citrate) tube"), "{first}");
    assert!(text.contains("set `tube:` to `LightBlueCitrate`"), "{text}");
    insta::assert_snapshot!("authoring-inr-in-gold", text);
}

#[test]
fn an_event_after_all_the_work_is_done_validates_with_a_warning() {
    let (code, text) = edited("late-coffee", "a-morning-chemistry", |s| {
        s.replacen(r#"(at: "07:50", fault: CoffeeOffered)"#, r#"(at: "08:20", fault: CoffeeOffered)"#, 1)
    });
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("warning: this event comes after all the shift's work is done (by 08:"), "{text}");
    insta::assert_snapshot!("authoring-late-coffee", text);
}
