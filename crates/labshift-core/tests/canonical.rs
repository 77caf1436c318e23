//! The quick log reader (`canonical`) against `ron`: whatever it accepts,
//! `ron` reads as the same log. Checked on every log in the repository, on
//! logs as LabShift writes them, and on mutants of those.
//!
//! A long run: `LABSHIFT_FUZZ_CASES=200000 cargo test --release -p labshift-core --test canonical`.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use labshift_core::canonical;
use labshift_core::load::{load_scenario, parse_ron};
use labshift_core::log::SessionLog;
use labshift_core::reference::reference_log;
use proptest::prelude::*;

mod mutate;
mod support;
use mutate::{Mutation, mutate, mutation};
use support::Disk;

fn cases(default: u32) -> u32 {
    std::env::var("LABSHIFT_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

fn root() -> PathBuf {
    support::repository()
}

/// Every session log in the repository: references, faulty fixtures, the bad-input corpus.
fn repository_logs() -> Vec<(String, String)> {
    let mut logs = Vec::new();
    for dir in ["scenarios/reference", "tests/fixtures/logs", "tests/corpus/logs"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
            .map(|d| {
                d.flatten().map(|e| e.path()).filter(|p| p.to_string_lossy().ends_with(".ron")).collect()
            })
            .unwrap_or_default();
        paths.sort();
        for p in paths {
            if let Ok(bytes) = std::fs::read(&p) {
                logs.push((p.to_string_lossy().into_owned(), String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    logs
}

/// Logs as LabShift writes them: each sample scenario's reference run, seeds 1–5.
fn written_logs() -> &'static [String] {
    static LOGS: OnceLock<Vec<String>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let mut logs = Vec::new();
        for name in ["a-morning-chemistry", "b-mislabel-hemolysis", "c-qc-shift", "d-critical-calls-spill"] {
            let path = root().join(format!("scenarios/{name}.ron"));
            let loaded = load_scenario(&path.to_string_lossy(), &Disk);
            let scenario = loaded
                .value
                .map(Arc::new)
                .unwrap_or_else(|| panic!("{name} does not load: {:?}", loaded.diagnostics));
            for seed in 1..=5 {
                let log = reference_log(&scenario, seed).unwrap_or_else(|e| panic!("{name} {seed}: {e}"));
                logs.push(log.to_ron());
            }
        }
        logs
    })
}

/// The invariant: the quick reader accepts only what `ron` reads the same.
fn agrees_with_ron(text: &str) -> Result<bool, String> {
    let Some(quick) = canonical::from_str::<SessionLog>(text) else { return Ok(false) };
    match parse_ron::<SessionLog>("log.ron", text) {
        Ok(full) if full == quick => Ok(true),
        Ok(full) => Err(format!("read differently:\nquick {quick:?}\nron   {full:?}")),
        Err(e) => Err(format!("accepted what ron refuses: {e}")),
    }
}

#[test]
fn every_log_in_the_repository_reads_as_ron_reads_it() {
    let logs = repository_logs();
    assert!(logs.len() > 25, "{} logs", logs.len());
    let mut quick = 0;
    for (name, text) in &logs {
        if agrees_with_ron(text).unwrap_or_else(|e| panic!("{name}: {e}")) {
            quick += 1;
        }
    }
    // The references and the faulty fixtures were written by LabShift: all take the quick path.
    assert!(quick >= 9, "{quick} of {} logs read quickly", logs.len());
}

#[test]
fn logs_as_labshift_writes_them_take_the_quick_path() {
    for text in written_logs() {
        assert_eq!(agrees_with_ron(text), Ok(true), "{text}");
    }
}

#[test]
fn text_outside_the_subset_is_left_to_ron() {
    let text = &written_logs()[0];
    // Each is still a valid log for `ron`, but not canonical: the quick reader gives up.
    let variants = [
        text.replacen("seed: 1", "seed: 0x1", 1),
        text.replacen("seed: 1", "seed: 1_0", 1),
        text.replacen("seed: 1", "seed: +1", 1),
        text.replacen("trainee: \"Reference technician\"", "trainee: \"Reference \\\"technician\\\"\"", 1),
        text.replacen("SessionLog(", "/* block */ SessionLog(", 1),
        text.replacen("PutOn(Coat)", "PutOn(r#Coat)", 1),
        format!("#![enable(implicit_some)]\n{text}"),
    ];
    for variant in &variants {
        assert!(parse_ron::<SessionLog>("log.ron", variant).is_ok(), "ron refuses:\n{variant}");
        assert!(canonical::from_str::<SessionLog>(variant).is_none(), "quick reader accepted:\n{variant}");
    }
}

/// Pieces of RON where the two readers could part ways.
const TOKENS: &[&str] = &[
    " ",
    "\n",
    "\t",
    "\r",
    ",",
    ",,",
    "(",
    ")",
    "[",
    "]",
    ":",
    "\"",
    "\\",
    "\\\"",
    "//",
    "// note\n",
    "/*",
    "*/",
    "r#",
    "0",
    "00",
    "-",
    "+",
    "_",
    ".",
    ".5",
    "e3",
    "0x",
    "u8",
    "1",
    "255",
    "256",
    "99999999999999999999",
    "Some(",
    "None",
    "true",
    "()",
    "Coat",
    "Entry",
    "Header",
    "Log",
    "SessionLog",
    "é",
    "\u{feff}",
    "\u{0}",
    "\u{85}",
    "at",
    "action",
    "specimen",
    "(at: \"07:00:00\", action: WashHands),",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(512), ..ProptestConfig::default() })]

    #[test]
    fn a_mutated_log_is_read_as_ron_reads_it_or_left_to_ron(
        which in any::<usize>(),
        mutations in prop::collection::vec(mutation(TOKENS), 1..4),
    ) {
        let logs = written_logs();
        let text = mutate(&logs[which % logs.len()], &mutations, TOKENS);
        prop_assert!(agrees_with_ron(&text).is_ok(), "{:?}\n{text}", agrees_with_ron(&text));
    }
}

/// The mutations reach both sides: some keep a log canonical, some do not.
#[test]
fn mutations_reach_both_readers() {
    let text = &written_logs()[0];
    let (mut quick, mut left) = (0, 0);
    for i in 0..300usize {
        let token = i % TOKENS.len();
        let mutant = mutate(text, &[Mutation::Insert { at: i * 7919, token }], TOKENS);
        match agrees_with_ron(&mutant) {
            Ok(true) => quick += 1,
            Ok(false) => left += 1,
            Err(e) => panic!("{e}\n{mutant}"),
        }
    }
    assert!(quick > 20 && left > 20, "{quick} read quickly, {left} left to ron");
}
