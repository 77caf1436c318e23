//! Shared by the core's benchmarks: the sample scenarios and the median of
//! repeated runs.

use std::time::{Duration, Instant};

/// The bundled sample scenarios, by file stem under `scenarios/`.
pub const SAMPLES: [&str; 5] = [
    "a-morning-chemistry",
    "b-mislabel-hemolysis",
    "c-qc-shift",
    "d-critical-calls-spill",
    "e-qc-shift-random",
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
