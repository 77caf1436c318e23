//! Every reference and faulty session log gives the report it gave before
//! the instructor tools left the app: the text and JSON of `labshift grade`,
//! the HTML debrief and the xAPI statements of `labshift report`, byte for
//! byte. The expected files in `tests/reports/` were written by `labshift`
//! itself; a change to grading shows here as a diff to review, and a change
//! that is meant is a change to those files.

use std::path::{Path, PathBuf};

use labshift_tools::commands::{Format, GradeArgs, ReportArgs, exit, grade};
use labshift_tools::export::{report, xapi::DEFAULT_HOME_PAGE};

/// (scenario, log) for every log under `scenarios/reference/` and `tests/fixtures/logs/`.
const LOGS: [(&str, &str); 10] = [
    ("a-morning-chemistry", "scenarios/reference/a-morning-chemistry"),
    ("b-mislabel-hemolysis", "scenarios/reference/b-mislabel-hemolysis"),
    ("c-qc-shift", "scenarios/reference/c-qc-shift"),
    ("d-critical-calls-spill", "scenarios/reference/d-critical-calls-spill"),
    ("e-qc-shift-random", "scenarios/reference/e-qc-shift-random"),
    ("f-outpatient-labels", "scenarios/reference/f-outpatient-labels"),
    ("a-morning-chemistry", "tests/fixtures/logs/a-drinks-coffee"),
    ("b-mislabel-hemolysis", "tests/fixtures/logs/b-accepts-mislabel"),
    ("c-qc-shift", "tests/fixtures/logs/c-accepts-failed-qc"),
    ("d-critical-calls-spill", "tests/fixtures/logs/d-no-read-back"),
];

fn repository() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../..")
}

fn expected(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reports").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// With `LABSHIFT_BLESS=1`, a report that changed on purpose is written as
/// the new expected file (review the diff before committing it).
fn check(got: &str, name: &str) {
    if std::env::var_os("LABSHIFT_BLESS").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/reports").join(name);
        std::fs::write(&path, got).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    assert_eq!(without_timestamps(got), without_timestamps(&expected(name)), "{name}");
}

/// The xAPI timestamp is the log file's modification time, which a checkout
/// sets (the text reports have no such line).
fn without_timestamps(text: &str) -> String {
    text.lines()
        .map(|l| if l.trim_start().starts_with("\"timestamp\"") { "\"timestamp\": …," } else { l })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_log_grades_and_reports_as_before() {
    let root = repository();
    let mut checked = 0;
    for (scenario, log) in LOGS {
        let name = Path::new(log).file_name().and_then(|n| n.to_str()).unwrap_or(log);
        let scenario = root.join(format!("scenarios/{scenario}.ron"));
        let log = root.join(format!("{log}.log.ron"));
        let passes = log.to_string_lossy().contains("reference");
        for (format, ext) in [(Format::Text, "txt"), (Format::Json, "json")] {
            let args = GradeArgs {
                scenario: Some(scenario.clone()),
                logs: vec![log.clone()],
                class: None,
                csv: None,
                scenarios: None,
                format,
                rescore: false,
            };
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = grade(&args, &mut out, &mut err);
            let want = if passes { exit::VALID } else { exit::INVALID };
            assert_eq!(code, want, "{name}: {}", String::from_utf8_lossy(&err));
            check(&String::from_utf8_lossy(&out), &format!("{name}.{ext}"));
            checked += 1;
        }
        for (html, ext) in [(true, "html"), (false, "xapi.json")] {
            let dash = Some(PathBuf::from("-"));
            let args = ReportArgs {
                scenario: scenario.clone(),
                log: log.clone(),
                html: if html { dash.clone() } else { None },
                xapi: if html { None } else { dash },
                home_page: DEFAULT_HOME_PAGE.to_owned(),
                actor: None,
            };
            let (mut out, mut err) = (Vec::new(), Vec::new());
            assert_eq!(
                report(&args, &mut out, &mut err),
                exit::VALID,
                "{name}: {}",
                String::from_utf8_lossy(&err)
            );
            let got = without_timestamps(&String::from_utf8_lossy(&out));
            check(&got, &format!("{name}.{ext}"));
            checked += 1;
        }
    }
    assert_eq!(checked, LOGS.len() * 4);
}
