//! A policy pack checked: every table, and the references between them.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::Policy;
use crate::raw::{RawLimit, RawPolicyPack};
use crate::rules::WESTGARD_RULES;

use super::{Checker, is_slug};

/// Checks a policy pack; `None` if it has errors.
pub fn check_policy(raw: RawPolicyPack, c: &mut Checker<'_>) -> Option<Policy> {
    c.format_version(raw.format);
    if !is_slug(&raw.id) {
        let d = c
            .at("id", format!("policy pack id `{}` is not a slug", raw.id))
            .expected("lower-case letters, digits and `-`, e.g. \"us-default\"");
        c.push(d);
    }

    let mut codes = BTreeMap::new();
    for (i, t) in raw.tests.iter().enumerate() {
        let p = format!("tests[{i}]");
        c.unique(&mut codes, &format!("{p}.code"), "test", &t.code);
        c.range(&format!("{p}.reference"), "reference interval", t.reference);
        if let Some(by_sex) = t.reference_by_sex {
            c.range(&format!("{p}.reference_by_sex.female"), "reference interval", by_sex.female);
            c.range(&format!("{p}.reference_by_sex.male"), "reference interval", by_sex.male);
        }
        c.range(&format!("{p}.amr"), "measurement range", t.amr);
        if t.tubes.is_empty() {
            c.error(&format!("{p}.tubes"), format!("test `{}` accepts no tube", t.code));
        }
        if let Some(h) = &t.hemolysis {
            if !(1..=5).contains(&h.limit_index) {
                let d = c
                    .at(&format!("{p}.hemolysis.limit_index"), "hemolysis limit index out of range")
                    .expected("an index from 1 to 5");
                c.push(d);
            }
            if !h.bias_per_index.is_finite() {
                c.error(&format!("{p}.hemolysis.bias_per_index"), "hemolysis bias must be a number");
            }
        }
        if t.stability_min == Some(0) {
            let d = c
                .at(&format!("{p}.stability_min"), format!("test `{}` keeps 0 minutes", t.code))
                .expected("at least 1 minute, e.g. `stability_min: 1440` for 24 h");
            c.push(d);
        }
        if let Some(delta) = t.delta {
            let (crate::raw::RawDelta::Absolute(v) | crate::raw::RawDelta::Percent(v)) = delta;
            c.positive(&format!("{p}.delta"), "delta-check limit", v);
        }
    }
    let test_codes: Vec<&str> = raw.tests.iter().map(|t| t.code.as_str()).collect();
    // Another name points to one test only, and is never a code itself.
    let mut aliases: BTreeMap<String, &str> = BTreeMap::new();
    for (i, t) in raw.tests.iter().enumerate() {
        for (j, alias) in t.aliases.iter().enumerate() {
            let path = format!("tests[{i}].aliases[{j}]");
            let upper = alias.trim().to_uppercase();
            if let Some(code) = test_codes.iter().find(|code| code.to_uppercase() == upper) {
                c.error(&path, format!("alias `{alias}` of `{}` is the code of test `{code}`", t.code));
            } else if let Some(first) = aliases.insert(upper, &t.code) {
                c.error(&path, format!("alias `{alias}` is given to both `{first}` and `{}`", t.code));
            }
        }
    }

    let l = &raw.labeling;
    let needed = u16::from(l.zone_top_mm) + u16::from(l.label_length_mm) + u16::from(l.zone_bottom_mm);
    if needed > u16::from(l.tube_length_mm) || l.label_length_mm == 0 {
        let d = c
            .at(
                "labeling",
                format!(
                    "a {} mm label does not fit a {} mm tube's reader zone ({} mm below the top, {} mm above the bottom)",
                    l.label_length_mm, l.tube_length_mm, l.zone_top_mm, l.zone_bottom_mm
                ),
            )
            .expected("zone_top_mm + label_length_mm + zone_bottom_mm no longer than tube_length_mm");
        c.push(d);
    }
    let mut send_outs = BTreeMap::new();
    for (i, so) in raw.handling.send_outs.iter().enumerate() {
        let p = format!("handling.send_outs[{i}]");
        c.unique(&mut send_outs, &format!("{p}.code"), "send-out test", &so.code);
        if test_codes.contains(&so.code.as_str()) {
            let d = c
                .at(
                    &format!("{p}.code"),
                    format!("`{}` is a test this lab runs itself, not a send-out", so.code),
                )
                .help("give the send-out a code of its own");
            c.push(d);
        }
    }
    let mut add_ons = BTreeMap::new();
    for (i, a) in raw.handling.add_ons.iter().enumerate() {
        let p = format!("handling.add_ons[{i}]");
        if c.known(&format!("{p}.test"), "test", &a.test, &test_codes, "under `tests`") {
            c.unique(&mut add_ons, &format!("{p}.test"), "add-on test", &a.test);
        }
        if a.within_min == 0 {
            let d = c
                .at(&format!("{p}.within_min"), "an add-on allowed for 0 minutes is never allowed")
                .help("leave the test out of `add_ons`: a test not listed is never added on");
            c.push(d);
        }
    }
    if raw.grading.min_completion_pct > 100 {
        let d = c
            .at(
                "grading.min_completion_pct",
                format!("completion threshold of {}%", raw.grading.min_completion_pct),
            )
            .expected("a percentage from 0 to 100");
        c.push(d);
    }
    let mut corrective_seen = BTreeMap::new();
    for (i, fix) in raw.qc.corrective.iter().enumerate() {
        let p = format!("qc.corrective[{i}]");
        let id = format!("{:?} {:?}", fix.kind, fix.action);
        c.unique(&mut corrective_seen, &format!("{p}.action"), "corrective action", &id);
        if fix.does.trim().is_empty() {
            let d = c
                .at(&format!("{p}.does"), "a corrective action that says nothing")
                .expected("what it is on this kind of analyzer, e.g. `does: \"Clean the apertures\"`");
            c.push(d);
        }
        if fix.minutes > 240 {
            let d = c
                .at(&format!("{p}.minutes"), format!("a corrective action of {} minutes", fix.minutes))
                .expected("at most 240 minutes");
            c.push(d);
        }
    }
    let mut kinds_seen = BTreeMap::new();
    for (i, run) in raw.analysis.run_min.iter().enumerate() {
        let p = format!("analysis.run_min[{i}]");
        c.unique(&mut kinds_seen, &format!("{p}.kind"), "analyzer kind", &format!("{:?}", run.kind));
        if run.minutes > 240 {
            let d = c
                .at(&format!("{p}.minutes"), format!("a run of {} minutes", run.minutes))
                .expected("at most 240 minutes from loading to result, e.g. `minutes: 10` for chemistry");
            c.push(d);
        }
    }
    let rule_ids: Vec<&str> = crate::rules::RULES.iter().map(|r| r.id).collect();
    for (i, id) in raw.grading.critical.iter().enumerate() {
        c.known(
            &format!("grading.critical[{i}]"),
            "rule",
            id,
            &rule_ids,
            "in the rule catalogue (docs/scenario-format.md)",
        );
        if crate::rules::rule(id).is_some_and(|d| d.severity == crate::rules::FindingSeverity::GoodPractice) {
            c.error(
                &format!("grading.critical[{i}]"),
                format!("`{id}` is a good-practice credit, not an error"),
            );
        }
    }

    let mut critical_seen = BTreeMap::new();
    for (i, cv) in raw.critical_values.iter().enumerate() {
        let p = format!("critical_values[{i}]");
        if !c.known(&format!("{p}.test"), "test", &cv.test, &test_codes, "in this pack's `tests`") {
            continue;
        }
        c.unique(&mut critical_seen, &format!("{p}.test"), "critical-value", &cv.test);
        if let Some(def) = raw.tests.iter().find(|t| t.code == cv.test)
            && def.unit != cv.unit
        {
            let d = c
                .at(
                    &format!("{p}.unit"),
                    format!("unit `{}` differs from the unit of test `{}`", cv.unit, cv.test),
                )
                .expected(format!("`{}`, the unit the catalogue gives for `{}`", def.unit, cv.test))
                .help("convert the limit to the catalogue's unit, or correct the catalogue");
            c.push(d);
        }
        if cv.low.is_none() && cv.high.is_none() {
            let d = c
                .at(&p, format!("critical value for `{}` has no limit", cv.test))
                .expected("`low`, `high` or both");
            c.push(d);
        }
        if let Some(low) = cv.low
            && !matches!(low, RawLimit::Below(_) | RawLimit::AtOrBelow(_))
        {
            let d = c
                .at(&format!("{p}.low"), "a low critical limit must be `Below` or `AtOrBelow`")
                .help("write e.g. `low: Below(3.0)`");
            c.push(d);
        }
        if let Some(high) = cv.high
            && !matches!(high, RawLimit::Above(_) | RawLimit::AtOrAbove(_))
        {
            let d = c
                .at(&format!("{p}.high"), "a high critical limit must be `Above` or `AtOrAbove`")
                .help("write e.g. `high: Above(6.1)`");
            c.push(d);
        }
        if let (Some(low), Some(high)) = (cv.low, cv.high)
            && low.value() >= high.value()
        {
            c.error(&p, format!("critical low {} is not below critical high {}", low.value(), high.value()));
        }
    }

    let call = &raw.critical_call;
    if call.deadline_min == 0 {
        c.error("critical_call.deadline_min", "critical-call deadline must be at least 1 minute");
    }
    if call.escalate_after_min == 0 || call.escalate_after_min >= call.deadline_min {
        let d = c
            .at("critical_call.escalate_after_min", "escalation time must fall inside the call deadline")
            .expected(format!("between 1 and {} minutes", call.deadline_min.saturating_sub(1)));
        c.push(d);
    }
    if call.accepted_credentials.is_empty() {
        c.error("critical_call.accepted_credentials", "no caregiver credential may receive a critical call");
    }

    let mut set_ids = BTreeMap::new();
    for (i, set) in raw.qc.rule_sets.iter().enumerate() {
        let p = format!("qc.rule_sets[{i}]");
        c.unique(&mut set_ids, &format!("{p}.id"), "rule set", &set.id);
        if !(2..=3).contains(&set.levels) {
            let d = c
                .at(&format!("{p}.levels"), format!("rule set `{}` is for {} levels", set.id, set.levels))
                .expected("2 or 3 control levels");
            c.push(d);
        }
        if set.rules.is_empty() {
            c.error(&format!("{p}.rules"), format!("rule set `{}` has no rejection rule", set.id));
        }
        for (j, name) in set.rules.iter().enumerate() {
            let rp = format!("{p}.rules[{j}]");
            if name == "1-2s" {
                let d = c
                    .at(&rp, "1-2s is a warning, not a rejection rule")
                    .help("set `warning_gate: true` to make the other rules wait for a 1-2s warning");
                c.push(d);
            } else if c.known(&rp, "Westgard rule", name, WESTGARD_RULES, "by LabShift") {
                let three_level = matches!(name.as_str(), "2of3-2s" | "3-1s" | "6-x" | "9-x");
                if three_level && set.levels != 3 {
                    let d = c
                        .at(&rp, format!("`{name}` is a 3-level rule in a {}-level set", set.levels))
                        .help("use it in a set with `levels: 3`");
                    c.push(d);
                }
            }
        }
    }
    let set_names: Vec<&str> = raw.qc.rule_sets.iter().map(|r| r.id.as_str()).collect();
    c.known("qc.default_rule_set", "rule set", &raw.qc.default_rule_set, &set_names, "under `qc.rule_sets`");
    for (test, set) in &raw.qc.per_test {
        let p = format!("qc.per_test[{test}]");
        c.known(&format!("{p}#key"), "test", test, &test_codes, "in this pack's `tests`");
        c.known(&p, "rule set", set, &set_names, "under `qc.rule_sets`");
    }
    let mut kinds = BTreeSet::new();
    for (i, f) in raw.qc.frequency.iter().enumerate() {
        let p = format!("qc.frequency[{i}]");
        if !kinds.insert(f.kind) {
            c.error(&format!("{p}.kind"), format!("control frequency for {:?} given twice", f.kind));
        }
        if f.levels == 0 || f.every_h == 0 {
            c.error(&p, "control frequency needs at least 1 level and an interval of at least 1 hour");
        }
    }

    let r = &raw.rejection;
    if r.identifiers_required < 2 {
        let d = c
            .at("rejection.identifiers_required", "fewer than two patient identifiers required")
            .expected("2 or more")
            .help("Joint Commission NPSG.01.01.01 requires two identifiers");
        c.push(d);
    }
    for (field, v) in [("citrate_min_fill_pct", r.citrate_min_fill_pct), ("min_fill_pct", r.min_fill_pct)] {
        if v > 100 {
            c.error(&format!("rejection.{field}"), format!("{v}% is more than a full tube"));
        }
    }

    let mut areas = BTreeSet::new();
    for (i, rule) in raw.ppe.iter().enumerate() {
        let p = format!("ppe[{i}]");
        if !areas.insert(rule.area) {
            c.error(&format!("{p}.area"), format!("PPE rule for {:?} given twice", rule.area));
        }
        if let Some(both) = rule.require.iter().find(|x| rule.forbid.contains(x)) {
            c.error(&p, format!("{both:?} is both required and forbidden in {:?}", rule.area));
        }
    }
    if raw.spill.dilution_one_in == 0 {
        c.error("spill.dilution_one_in", "a 1:0 dilution is not a dilution");
    }
    if raw.spill.contact_time_min == 0 {
        c.error("spill.contact_time_min", "disinfectant contact time must be at least 1 minute");
    }

    (!c.has_errors()).then(|| Policy::new(raw))
}
