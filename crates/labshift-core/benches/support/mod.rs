//! Shared by the core's benchmarks: the sample scenarios and the median of
//! repeated runs.

#[allow(dead_code)] // Not every benchmark that shares this module uses it.
pub mod long_shift;

use std::time::{Duration, Instant};

/// The bundled sample scenarios, by file stem under `scenarios/`.
pub const SAMPLES: [&str; 6] = [
    "a-morning-chemistry",
    "b-mislabel-hemolysis",
    "c-qc-shift",
    "d-critical-calls-spill",
    "e-qc-shift-random",
    "f-outpatient-labels",
];

/// Median wall time of `f` over enough runs to fill about half a second.
pub fn median(mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(1));
    let runs = (Duration::from_millis(500).as_nanos() / once.as_nanos()).clamp(11, 5001) as usize;
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[runs / 2]
}

/// The repository, found when the test runs: a path fixed at compile time
/// would point into whichever checkout built a cached test binary.
#[allow(dead_code)] // Not every file that shares this module uses it.
pub fn repository() -> std::path::PathBuf {
    std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("run by cargo")).join("../..")
}
