//! A scenario's random picks among its specimens (`choices`), checked.

use std::collections::BTreeMap;

use crate::raw::{RawScenario, RawTrueValue};

use super::Checker;

/// The scenario's random picks among specimens (`choices`): each names
/// specimens that exist, once, picks some of them, and changes something a
/// specimen has.
pub(super) fn check_choices(raw: &RawScenario, specimen_names: &[&str], c: &mut Checker<'_>) {
    for (i, choice) in raw.choices.iter().enumerate() {
        let p = format!("choices[{i}]");
        let mut seen = BTreeMap::new();
        for (j, id) in choice.of.iter().enumerate() {
            let jp = format!("{p}.of[{j}]");
            if c.known(&jp, "specimen", id, specimen_names, "under `specimens`") {
                c.unique(&mut seen, &jp, "specimen", id);
            }
        }
        if choice.pick == 0 || choice.pick as usize > choice.of.len() {
            let d = c
                .at(&format!("{p}.pick"), format!("pick {} of {} specimens", choice.pick, choice.of.len()))
                .expected(format!("a number from 1 to {}", choice.of.len().max(1)));
            c.push(d);
        }
        let set = &choice.set;
        if set.fill_pct.is_some_and(|f| f > 100) {
            c.error(&format!("{p}.set.fill_pct"), "a fill of more than 100%");
        }
        for (field, index) in [
            ("hemolysis_index", set.hemolysis_index),
            ("lipemia_index", set.lipemia_index),
            ("icterus_index", set.icterus_index),
        ] {
            if let Some(index) = index.filter(|i| *i > 5) {
                let d = c
                    .at(&format!("{p}.set.{field}"), format!("{field} {index} is out of range"))
                    .expected("an index from 0 (none) to 5 (gross)");
                c.push(d);
            }
        }
        for (test, value) in &set.values {
            let vp = format!("{p}.set.values[{test}]");
            for id in &choice.of {
                let ordered = raw.specimens.iter().any(|s| &s.id == id && s.values.contains_key(test));
                if !ordered && specimen_names.contains(&id.as_str()) {
                    let d = c
                        .at(&vp, format!("`{id}` has no value for `{test}` to replace"))
                        .help(format!("give `{id}` a value for `{test}`, or leave it out of `of`"));
                    c.push(d);
                }
            }
            match *value {
                RawTrueValue::Exact(v) if !v.is_finite() => c.error(&vp, "true value must be a number"),
                RawTrueValue::Between(lo, hi) => c.range(&vp, "value range", (lo, hi)),
                RawTrueValue::Exact(_) => {}
            }
        }
        if *set == crate::raw::RawSpecimenChange::default() {
            let d = c
                .at(&format!("{p}.set"), "the choice changes nothing")
                .help("set e.g. `hemolysis_index: Some(4)` or `values: { \"K\": Exact(6.8) }`");
            c.push(d);
        }
    }
}
