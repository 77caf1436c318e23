//! What a scenario leaves to chance, settled by the session's seed: which
//! specimens a choice picks, when an event with a window happens, how far a
//! QC shift goes. Same scenario and seed, same shift.
//!
//! True values given as `Between` ranges are drawn by [`crate::session::Session::new`]
//! from the session's main generator, as they always were; everything here
//! draws from a second, independent stream of the same seed, so a scenario
//! without choices, windows or shift ranges plays exactly as before.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::model::Scenario;
use crate::raw::{RawFault, RawSpecimenChange};
use crate::time::SimTime;

/// The generator stream used for choices, windows and ranges.
const STREAM: u64 = 1;

impl Scenario {
    /// Whether the seed decides anything beyond `Between` values.
    pub fn randomizes(&self) -> bool {
        !self.choices.is_empty()
            || self
                .events
                .iter()
                .any(|e| e.latest.is_some() || matches!(e.fault, RawFault::QcShift { sd_max: Some(_), .. }))
    }
}

/// The scenario with every choice, event window and shift range settled by
/// `seed`, in file order. The result has none left, and keeps the original's
/// hash (logs name the file, not the draw).
pub fn resolve(scenario: &Scenario, seed: u64) -> Scenario {
    draw(scenario, seed).0
}

/// [`resolve`], and the specimens each choice picked, in file order.
pub fn draw(scenario: &Scenario, seed: u64) -> (Scenario, Vec<Vec<String>>) {
    let (mut out, picked) = draw_in_file_order(scenario, seed);
    if scenario.randomizes() {
        // Events at the same time keep their file order.
        out.events.sort_by_key(|e| e.at);
    }
    (out, picked)
}

/// When each of the scenario's events comes with `seed`, in file order.
pub fn event_times(scenario: &Scenario, seed: u64) -> Vec<SimTime> {
    draw_in_file_order(scenario, seed).0.events.iter().map(|e| e.at).collect()
}

/// [`draw`] with the events left in file order.
fn draw_in_file_order(scenario: &Scenario, seed: u64) -> (Scenario, Vec<Vec<String>>) {
    let mut out = scenario.clone();
    let mut picked = Vec::new();
    if !scenario.randomizes() {
        return (out, picked);
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(STREAM);
    for choice in std::mem::take(&mut out.choices) {
        let mut pool = choice.of.clone();
        let picks = (choice.pick as usize).min(pool.len());
        for k in 0..picks {
            let j = rng.random_range(k..pool.len());
            pool.swap(k, j);
        }
        for id in &pool[..picks] {
            if let Some(s) = out.specimens.iter_mut().find(|s| &s.id == id) {
                apply(s, &choice.set);
            }
        }
        picked.push(pool[..picks].to_vec());
    }
    for event in &mut out.events {
        if let Some(latest) = event.latest.take() {
            let span = (latest.0 - event.at.0).max(0) / 60;
            event.at = SimTime(event.at.0 + 60 * rng.random_range(0..=span));
        }
        if let RawFault::QcShift { sd, sd_max, .. } = &mut event.fault
            && let Some(max) = sd_max.take()
        {
            let drawn = *sd + (max - *sd) * rng.random::<f64>();
            *sd = (drawn * 10.0).round() / 10.0;
        }
    }
    (out, picked)
}

fn apply(s: &mut crate::model::Specimen, change: &RawSpecimenChange) {
    let RawSpecimenChange {
        hemolysis_index,
        lipemia_index,
        icterus_index,
        fill_pct,
        clotted,
        leaking,
        transport,
        priority,
        values,
    } = change;
    if let Some(v) = hemolysis_index {
        s.hemolysis_index = *v;
    }
    if let Some(v) = lipemia_index {
        s.lipemia_index = *v;
    }
    if let Some(v) = icterus_index {
        s.icterus_index = *v;
    }
    if let Some(v) = fill_pct {
        s.fill_pct = *v;
    }
    if let Some(v) = clotted {
        s.clotted = *v;
    }
    if let Some(v) = leaking {
        s.leaking = *v;
    }
    if let Some(v) = transport {
        s.transport = *v;
    }
    if let Some(v) = priority {
        s.priority = *v;
    }
    for (test, value) in values {
        s.values.insert(test.clone(), *value);
    }
}
