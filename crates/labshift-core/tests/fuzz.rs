//! Fuzzing the scenario loader: the sample scenarios, their policy pack and
//! the bad-input corpus (`tests/corpus/`), mutated at random — bytes flipped,
//! cut, repeated, RON tokens dropped in — and loaded. No input may panic, and
//! a mutated scenario that still validates must play: the reference
//! technician works its shift through the engine.
//!
//! CI runs a few hundred cases. For a long run (see RELIABILITY.md):
//! `LABSHIFT_FUZZ_CASES=1000000 cargo test --release -p labshift-core --test fuzz`.
//! A failing case is kept in `fuzz.proptest-regressions` and replayed first.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use labshift_core::load::{MemoryFiles, scenario_from_str};
use labshift_core::reference::reference_log;
use proptest::prelude::*;

mod mutate;
use mutate::{Mutation, mutate, mutation};

/// Cases per property: `LABSHIFT_FUZZ_CASES`, else `default`.
fn cases(default: u32) -> u32 {
    std::env::var("LABSHIFT_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(default)
}

struct Seeds {
    /// (name, text) of every starting file.
    files: Vec<(String, String)>,
    policy: String,
}

fn seeds() -> &'static Seeds {
    static SEEDS: OnceLock<Seeds> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo"))
            .join("../..");
        let mut paths: Vec<PathBuf> = Vec::new();
        for dir in ["scenarios", "tests/corpus/scenarios"] {
            let mut found: Vec<PathBuf> = std::fs::read_dir(root.join(dir))
                .map(|d| {
                    d.flatten()
                        .map(|e| e.path())
                        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
                        .collect()
                })
                .unwrap_or_default();
            found.sort();
            paths.extend(found);
        }
        let policy =
            std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
        let mut files: Vec<(String, String)> = paths
            .iter()
            .filter_map(|p| {
                let bytes = std::fs::read(p).ok()?;
                // Huge seeds only slow the run; the size limit has its own test.
                (bytes.len() < 64 * 1024)
                    .then(|| (p.to_string_lossy().into_owned(), String::from_utf8_lossy(&bytes).into_owned()))
            })
            .collect();
        files.push(("policies/us-default.ron".into(), policy.clone()));
        assert!(files.len() > 50, "{} seeds", files.len());
        Seeds { files, policy }
    })
}

/// Pieces of RON and of LabShift's vocabulary, to make mutations that parse further.
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "Some(",
    "None",
    "-1",
    "0",
    "1e308",
    "-0.0",
    "NaN",
    "inf",
    "99999999999999999999",
    "\"\"",
    "id",
    "tests",
    "values",
    "Exact(",
    "Between(",
    "events",
    "at: \"07:00\"",
    "fault: Spill(area: Reception, volume_ml: 1)",
    "level: 0",
    "sd: 0.0",
    "\"25:00\"",
    "\"2026-02-30\"",
    "//",
    "/*",
    "r#\"",
    "'",
    "\\u{0}",
    "é",
    "\u{feff}",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn no_mutated_scenario_or_pack_panics_the_loader_or_the_engine(
        which in any::<usize>(),
        mutate_policy in prop::bool::weighted(0.15),
        mutations in prop::collection::vec(mutation(TOKENS), 1..6),
    ) {
        let seeds = seeds();
        let (name, text) = &seeds.files[which % seeds.files.len()];
        let (scenario_text, policy_text) = if mutate_policy {
            (seeds.files[0].1.clone(), mutate(&seeds.policy, &mutations, TOKENS))
        } else {
            (mutate(text, &mutations, TOKENS), seeds.policy.clone())
        };
        let files = MemoryFiles::default().with("lab/policies/us-default.ron", &policy_text);
        let loaded = scenario_from_str("lab/fuzzed.ron", &scenario_text, &files);
        for d in &loaded.diagnostics {
            // Every diagnostic renders, and names a place inside the file.
            let shown = d.to_string();
            prop_assert!(shown.starts_with("lab/"), "{name}: {shown}");
        }
        if let Some(scenario) = loaded.value {
            // It validated: the engine must cope with it, start to end.
            let _ = reference_log(&Arc::new(scenario), 1);
        } else {
            prop_assert!(loaded.diagnostics.iter().any(|d| d.is_error()), "{name}: refused without an error");
        }
    }
}

/// The mutations reach both sides: many still validate (and play), many do not.
#[test]
fn mutations_reach_the_validator_and_the_engine() {
    let seeds = seeds();
    let files = MemoryFiles::default().with("lab/policies/us-default.ron", &seeds.policy);
    let sample =
        seeds.files.iter().find(|(n, _)| n.ends_with("a-morning-chemistry.ron")).map(|(_, t)| t.clone());
    let text = sample.unwrap_or_default();
    let (mut valid, mut invalid) = (0, 0);
    for i in 0..400usize {
        let flipped = mutate(&text, &[Mutation::Flip { at: i * 7919, byte: b' ' }], TOKENS);
        match scenario_from_str("lab/fuzzed.ron", &flipped, &files).value {
            Some(_) => valid += 1,
            None => invalid += 1,
        }
    }
    assert!(valid > 40 && invalid > 40, "{valid} valid, {invalid} invalid");
}
