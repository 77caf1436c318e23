//! Loading a scenario (parse, then validate it and its policy pack) against
//! the floor: plain RON deserialization of the same two files. Run with
//! `cargo bench -p labshift-core --bench validate`; prints the median time
//! of each and their ratio, for every bundled scenario.

mod support;
use support::{SAMPLES, median};

use std::hint::black_box;

use labshift_core::load::{MemoryFiles, scenario_from_str};
use labshift_core::raw::{RawPolicyPack, RawScenario};
use ron::extensions::Extensions;

fn main() {
    let root = support::repository();
    let pack = std::fs::read_to_string(root.join("scenarios/policies/us-default.ron")).unwrap_or_default();
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME);
    println!("{:<24} {:>12} {:>12} {:>7}", "scenario", "deserialize", "load", "ratio");
    let mut worst: f64 = 0.0;
    for name in SAMPLES {
        let text = std::fs::read_to_string(root.join(format!("scenarios/{name}.ron"))).unwrap_or_default();
        let files = MemoryFiles::default().with("s/policies/us-default.ron", &pack);
        if scenario_from_str("s/x.ron", &text, &files).value.is_none() {
            eprintln!("{name}: scenario does not load");
            std::process::exit(2);
        }
        // The floor: read both files into their types, nothing checked.
        let floor = median(|| {
            black_box(options.from_str::<RawScenario>(black_box(&text)).ok());
            black_box(options.from_str::<RawPolicyPack>(black_box(&pack)).ok());
        });
        // Loading: parse both, validate every field and reference, build the model.
        let load = median(|| {
            black_box(scenario_from_str("s/x.ron", black_box(&text), &files).value);
        });
        let ratio = load.as_secs_f64() / floor.as_secs_f64();
        worst = worst.max(ratio);
        println!(
            "{name:<24} {:>10.1}µs {:>10.1}µs {ratio:>6.2}×",
            floor.as_secs_f64() * 1e6,
            load.as_secs_f64() * 1e6
        );
    }
    println!("worst ratio: {worst:.2}× (target ≤ 2×)");
}
