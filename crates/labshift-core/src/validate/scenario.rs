//! A scenario checked against its (already checked) policy pack.

use std::collections::{BTreeMap, BTreeSet};

use crate::diag::{closest, suggest};
use crate::model::{
    Analyzer, Calibration, Control, Lab, Label, Meta, Patient, Policy, PreviousResult, ReagentLot, Rubric,
    Scenario, Specimen, TimedFault,
};
use crate::raw::{Category, RawFault, RawScenario, RawTrueValue};
use crate::rules::{RULES, rule};
use crate::time::{ClockTime, Date, SimTime};

use super::{Checker, is_slug};

/// Checks a scenario against its (already checked) policy pack. Problems go to
/// `c`; the scenario is returned only when there are none.
pub fn check_scenario(raw: RawScenario, policy: Option<Policy>, c: &mut Checker<'_>) -> Option<Scenario> {
    c.format_version(raw.format);
    let m = &raw.meta;
    if !is_slug(&m.id) {
        let d = c
            .at("meta.id", format!("scenario id `{}` is not a slug", m.id))
            .expected("lower-case letters, digits and `-`, e.g. \"morning-chemistry\"");
        c.push(d);
    }
    if m.title.trim().is_empty() {
        c.error("meta.title", "the scenario has no title");
    }
    let date = c.date("meta.date", &m.date);
    let start = c.clock("meta.start", &m.start).unwrap_or(ClockTime(0));
    if start.0 >= 24 * 3600 {
        let d = c
            .at("meta.start", format!("a shift cannot start at {}", m.start))
            .expected("a time of day from 00:00 to 23:59 (later clock times in the shift may pass midnight)");
        c.push(d);
    }
    if m.time_limit_min == 0 || m.time_limit_min > 24 * 60 {
        let d = c
            .at("meta.time_limit_min", format!("time limit of {} minutes", m.time_limit_min))
            .expected("between 1 and 1440 minutes");
        c.push(d);
    }
    if m.objectives.is_empty() {
        let d = c
            .at("meta.objectives", "the scenario lists no learning objectives")
            .warning()
            .help("trainees see the objectives on the briefing screen");
        c.push(d);
    }
    let limit = SimTime::from_minutes(i64::from(m.time_limit_min));
    let meta = Meta {
        id: m.id.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        tier: m.tier,
        objectives: m.objectives.clone(),
        date,
        start,
        time_limit: limit,
        author: m.author.clone(),
        version: m.version.clone(),
    };
    let shift_end = start.plus(limit);
    // A time in the shift, or an error naming the shift's bounds.
    let in_shift = |c: &mut Checker<'_>, path: &str, text: &str, what: &str| -> SimTime {
        let Some(clock) = c.clock(path, text) else { return SimTime::ZERO };
        let t = clock.since(start);
        if t < SimTime::ZERO || t > limit {
            let d = c
                .at(path, format!("{what} at {text} is outside the shift"))
                .expected(format!("a time from {start} to {shift_end}"));
            c.push(d);
        }
        t
    };

    let codes: Vec<&str> =
        policy.as_ref().map(|p| p.pack.tests.iter().map(|t| t.code.as_str()).collect()).unwrap_or_default();
    let catalogue = policy.is_some();
    let send_outs: Vec<String> = policy
        .as_ref()
        .map(|p| p.pack.handling.send_outs.iter().map(|x| x.code.clone()).collect())
        .unwrap_or_default();
    let tests = policy.as_ref().map(|p| p.pack.tests.as_slice()).unwrap_or_default();
    let known_test = |c: &mut Checker<'_>, path: &str, code: &str| -> bool {
        if !catalogue || codes.contains(&code) {
            return true;
        }
        let d = c
            .at(path, format!("unknown test `{code}`"))
            .expected("a test defined in the policy pack's `tests`")
            .help(test_suggestion(code, tests));
        c.push(d);
        false
    };

    // Lab.
    let mut analyzer_ids = BTreeMap::new();
    let mut analyzers = Vec::new();
    for (i, a) in raw.lab.analyzers.iter().enumerate() {
        let p = format!("lab.analyzers[{i}]");
        c.unique(&mut analyzer_ids, &format!("{p}.id"), "analyzer", &a.id);
        if a.menu.is_empty() {
            c.error(&format!("{p}.menu"), format!("analyzer `{}` offers no test", a.id));
        }
        let mut menu_seen = BTreeSet::new();
        for (j, t) in a.menu.iter().enumerate() {
            let tp = format!("{p}.menu[{j}]");
            known_test(c, &tp, t);
            if !menu_seen.insert(t) {
                c.error(&tp, format!("test `{t}` is on `{}`'s menu twice", a.id));
            }
        }
        let menu: Vec<&str> = a.menu.iter().map(String::as_str).collect();
        let on_menu = |c: &mut Checker<'_>, path: &str, test: &str| {
            c.known(path, "test", test, &menu, &format!("on the menu of analyzer `{}`", a.id))
        };
        let mut reagents = Vec::new();
        for (j, r) in a.reagents.iter().enumerate() {
            let rp = format!("{p}.reagents[{j}]");
            on_menu(c, &format!("{rp}.test"), &r.test);
            let expires = c.date(&format!("{rp}.expires"), &r.expires);
            reagents.push(ReagentLot {
                test: r.test.clone(),
                lot: r.lot.clone(),
                expires,
                remaining: r.remaining,
            });
        }
        let mut calibration = Vec::new();
        for (j, cal) in a.calibration.iter().enumerate() {
            let cp = format!("{p}.calibration[{j}]");
            on_menu(c, &format!("{cp}.test"), &cal.test);
            let last = c.date(&format!("{cp}.last"), &cal.last);
            if last > date && date != Date(0) {
                c.error(
                    &format!("{cp}.last"),
                    format!("calibration dated {} is after the shift date {date}", cal.last),
                );
            }
            calibration.push(Calibration { test: cal.test.clone(), last, status: cal.status });
        }
        let mut controls = Vec::new();
        let mut levels_seen = BTreeSet::new();
        for (j, ctl) in a.controls.iter().enumerate() {
            let cp = format!("{p}.controls[{j}]");
            on_menu(c, &format!("{cp}.test"), &ctl.test);
            if ctl.level == 0 {
                c.error(&format!("{cp}.level"), "control levels are numbered from 1");
            }
            if !levels_seen.insert((ctl.test.clone(), ctl.level)) {
                c.error(
                    &format!("{cp}.level"),
                    format!("level {} of `{}` is defined twice on `{}`", ctl.level, ctl.test, a.id),
                );
            }
            if !ctl.mean.is_finite() {
                c.error(&format!("{cp}.mean"), "control mean must be a number");
            }
            if !(ctl.sd.is_finite() && ctl.sd > 0.0) {
                let d = c
                    .at(&format!("{cp}.sd"), format!("control SD must be greater than 0, found {}", ctl.sd))
                    .expected("the positive standard deviation of the control's target, in the test's unit")
                    .help("take the SD from the control insert or the lab's own 20-run estimate");
                c.push(d);
            }
            let expires = c.date(&format!("{cp}.expires"), &ctl.expires);
            controls.push(Control {
                test: ctl.test.clone(),
                level: ctl.level,
                lot: ctl.lot.clone(),
                expires,
                mean: ctl.mean,
                sd: ctl.sd,
            });
        }
        // Every test on the menu needs the control levels its rule set is built for.
        if let Some(policy) = &policy {
            for (j, t) in a.menu.iter().enumerate() {
                let Some(set) = policy.rule_set_for(t) else { continue };
                let levels = levels_seen.iter().filter(|(ct, _)| ct == t).count();
                if levels < usize::from(set.levels) {
                    let d = c.at(&format!("{p}.menu[{j}]"), format!(
                        "test `{t}` on `{}` has {levels} control level(s); its rule set `{}` needs {}",
                        a.id, set.id, set.levels
                    ))
                    .help(format!("add control materials for `{t}` under `{p}.controls`"));
                    c.push(d);
                }
            }
        }
        analyzers.push(Analyzer {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            menu: a.menu.clone(),
            reagents,
            calibration,
            controls,
        });
    }
    let cf = &raw.lab.centrifuge;
    if cf.slots < 2 {
        c.error("lab.centrifuge.slots", "a centrifuge needs at least 2 slots to balance");
    }
    if cf.spin_min == 0 {
        c.error("lab.centrifuge.spin_min", "a spin lasts at least 1 minute");
    }
    for (name, container) in [("sharps", &raw.lab.sharps), ("biohazard", &raw.lab.biohazard)] {
        if container.capacity == 0 || container.fill > container.capacity {
            let d = c
                .at(
                    &format!("lab.{name}"),
                    format!("{name} container: fill {} of capacity {}", container.fill, container.capacity),
                )
                .expected("a capacity above 0 and a fill no greater than it");
            c.push(d);
        }
    }
    let analyzer_names: Vec<&str> = raw.lab.analyzers.iter().map(|a| a.id.as_str()).collect();
    let offered: BTreeSet<&str> =
        raw.lab.analyzers.iter().flat_map(|a| a.menu.iter().map(String::as_str)).collect();
    // Whether `test` is in the catalogue (an unknown one is reported once,
    // and nothing else is said about it); one no analyzer offers is reported.
    let offered_somewhere = |c: &mut Checker<'_>, path: &str, test: &str| -> bool {
        if !known_test(c, path, test) {
            return false;
        }
        if !offered.contains(test) {
            let offering: Vec<&str> = offered.iter().copied().collect();
            let help = match closest(test, offering.iter().copied()) {
                Some(best) => format!(
                    "did you mean `{best}`? Or add `{test}` to an analyzer's `menu`, with a control for each level under its `controls`"
                ),
                None => format!(
                    "add `{test}` to the `menu` of the analyzer that runs it, with a control for each level under its `controls`"
                ),
            };
            let d = c
                .at(path, format!("no analyzer in the lab offers test `{test}`"))
                .expected("a test on some analyzer's `menu`")
                .help(help);
            c.push(d);
        }
        true
    };

    // People.
    let mut caregiver_ids = BTreeMap::new();
    for (i, cg) in raw.caregivers.iter().enumerate() {
        c.unique(&mut caregiver_ids, &format!("caregivers[{i}].id"), "caregiver", &cg.id);
        if cg.phone.trim().is_empty() {
            c.error(&format!("caregivers[{i}].phone"), format!("caregiver `{}` has no phone number", cg.id));
        }
    }
    let caregiver_names: Vec<&str> = raw.caregivers.iter().map(|x| x.id.as_str()).collect();
    let mut mrns = BTreeMap::new();
    let mut patients = Vec::new();
    for (i, pt) in raw.patients.iter().enumerate() {
        let p = format!("patients[{i}]");
        c.unique(&mut mrns, &format!("{p}.mrn"), "patient MRN", &pt.mrn);
        let dob = c.date(&format!("{p}.dob"), &pt.dob);
        if dob > date && date != Date(0) {
            c.error(&format!("{p}.dob"), format!("date of birth {} is after the shift date {date}", pt.dob));
        }
        c.known(
            &format!("{p}.caregiver"),
            "caregiver",
            &pt.caregiver,
            &caregiver_names,
            "under `caregivers`",
        );
        let mut previous = Vec::new();
        for (j, prev) in pt.previous.iter().enumerate() {
            known_test(c, &format!("{p}.previous[{j}].test"), &prev.test);
            if !prev.value.is_finite() {
                c.error(&format!("{p}.previous[{j}].value"), "previous result must be a number");
            }
            previous.push(PreviousResult {
                test: prev.test.clone(),
                value: prev.value,
                at: SimTime(-i64::from(prev.hours_ago) * 3600),
            });
        }
        patients.push(Patient {
            mrn: pt.mrn.clone(),
            name: pt.name.clone(),
            dob,
            location: pt.location.clone(),
            caregiver: pt.caregiver.clone(),
            sex: pt.sex,
            previous,
        });
    }
    let patient_mrns: Vec<&str> = raw.patients.iter().map(|x| x.mrn.as_str()).collect();

    // Specimens.
    let add_ons: BTreeMap<&str, Vec<&str>> = raw.events.iter().fold(BTreeMap::new(), |mut acc, e| {
        if let RawFault::StatOrder { specimen, tests } | RawFault::AddOnRequest { specimen, tests } = &e.fault
        {
            acc.entry(specimen.as_str()).or_insert_with(Vec::new).extend(tests.iter().map(String::as_str));
        }
        acc
    });
    let mut specimen_ids = BTreeMap::new();
    let mut specimens = Vec::new();
    for (i, s) in raw.specimens.iter().enumerate() {
        let p = format!("specimens[{i}]");
        c.unique(&mut specimen_ids, &format!("{p}.id"), "specimen", &s.id);
        c.known(&format!("{p}.patient"), "patient MRN", &s.patient, &patient_mrns, "under `patients`");
        let arrives = in_shift(c, &format!("{p}.arrives"), &s.arrives, "arrival");
        let collected =
            c.clock(&format!("{p}.collected"), &s.collected).map_or(SimTime::ZERO, |t| t.since(start));
        if collected > arrives {
            let d = c
                .at(
                    &format!("{p}.collected"),
                    format!(
                        "specimen `{}` is collected at {} after it arrives at {}",
                        s.id, s.collected, s.arrives
                    ),
                )
                .expected("a collection time at or before the arrival time");
            c.push(d);
        }
        if s.tests.is_empty() {
            c.error(&format!("{p}.tests"), format!("specimen `{}` has no test ordered", s.id));
        }
        for (j, t) in s.tests.iter().enumerate() {
            if !offered_somewhere(c, &format!("{p}.tests[{j}]"), t) {
                continue;
            }
            // A test ordered in a tube it cannot be run on makes the tube a
            // wrong-tube rejection: maybe the trap the author meant, maybe not.
            if let Some(def) = tests.iter().find(|d| &d.code == t)
                && !def.tubes.is_empty()
                && !def.tubes.contains(&s.tube)
            {
                let tube = |k: crate::raw::TubeKind| {
                    let (cap, additive) = k.cap_and_additive();
                    format!("{cap}-top ({additive})")
                };
                let needs: Vec<String> = def.tubes.iter().map(|k| tube(*k)).collect();
                let d = c
                    .at(
                        &format!("{p}.tests[{j}]"),
                        format!("`{t}` is ordered on `{}`, a {} tube; {t} needs a {} tube", s.id, tube(s.tube), needs.join(" or ")),
                    )
                    .warning()
                    .help(format!(
                        "the tube will be rejected as the wrong tube and {t} never measured (nor any critical \
                         call it would bring): if that is not the exercise, set `tube:` to {}",
                        def.tubes.iter().map(|k| format!("`{k:?}`")).collect::<Vec<_>>().join(" or ")
                    ));
                c.push(d);
            }
            if !s.values.contains_key(t) {
                let d = c
                    .at(&format!("{p}.tests[{j}]"), format!("ordered test `{t}` has no true value"))
                    .help(format!("add `\"{t}\": Exact(…)` or `\"{t}\": Between(…, …)` under `{p}.values`"));
                c.push(d);
            }
        }
        let extra = add_ons.get(s.id.as_str()).cloned().unwrap_or_default();
        for (test, value) in &s.values {
            let vp = format!("{p}.values[{test}]");
            if !s.tests.contains(test) && !extra.contains(&test.as_str()) {
                let d = c
                    .at(&vp, format!("value for `{test}`, which is not ordered on `{}`", s.id))
                    .warning()
                    .help("order the test under `tests`, add it with a StatOrder event, or remove the value");
                c.push(d);
            }
            match *value {
                RawTrueValue::Exact(v) if !v.is_finite() => c.error(&vp, "true value must be a number"),
                RawTrueValue::Between(lo, hi) => c.range(&vp, "value range", (lo, hi)),
                RawTrueValue::Exact(_) => {}
            }
        }
        if s.fill_pct > 100 {
            c.error(&format!("{p}.fill_pct"), format!("fill of {}% is more than a full tube", s.fill_pct));
        }
        if let Some(mrn) = &s.barcode_scans_as {
            let bp = format!("{p}.barcode_scans_as");
            if s.outside {
                let d = c
                    .at(&bp, "a tube from outside the lab carries no collection barcode of this lab's")
                    .help("leave out `barcode_scans_as`, or `outside: true`");
                c.push(d);
            } else if c.known(&bp, "patient MRN", mrn, &patient_mrns, "under `patients`") && *mrn == s.patient
            {
                let d = c
                    .at(&bp, format!("the barcode calls up `{mrn}`, the tube's own patient: nothing is wrong with it"))
                    .warning()
                    .help("leave `barcode_scans_as` out for a barcode that matches, or give another patient's MRN");
                c.push(d);
            }
        }
        let send_out_codes: Vec<&str> = send_outs.iter().map(String::as_str).collect();
        for (j, code) in s.send_outs.iter().enumerate().filter(|_| catalogue) {
            let sp = format!("{p}.send_outs[{j}]");
            if !c.known(
                &sp,
                "send-out test",
                code,
                &send_out_codes,
                "under the policy pack's `handling.send_outs`",
            ) {
                continue;
            }
            if s.send_outs[..j].contains(code) {
                c.error(&sp, format!("send-out `{code}` is listed twice: one aliquot serves it"));
            }
            if !s.tube.needs_centrifuge() {
                let d = c
                    .at(&sp, format!("a send-out aliquot is serum or plasma, and a {:?} tube is not spun", s.tube))
                    .help("send it from a tube that is centrifuged (a gold SST, a red, a green or a light-blue top)");
                c.push(d);
            }
        }
        for (field, index) in [
            ("hemolysis_index", s.hemolysis_index),
            ("lipemia_index", s.lipemia_index),
            ("icterus_index", s.icterus_index),
        ] {
            if index > 5 {
                let d = c
                    .at(&format!("{p}.{field}"), format!("{field} {index} is out of range"))
                    .expected("an index from 0 (none) to 5 (gross)");
                c.push(d);
            }
        }
        specimens.push(Specimen {
            id: s.id.clone(),
            patient: s.patient.clone(),
            arrives,
            collected,
            tube: s.tube,
            label: s.label.as_ref().map(|l| Label {
                name: l.name.clone(),
                mrn: l.mrn.clone(),
                dob: l.dob.clone(),
                collected: l.collected.clone(),
                collector: l.collector.clone(),
            }),
            priority: s.priority,
            tests: s.tests.clone(),
            fill_pct: s.fill_pct,
            hemolysis_index: s.hemolysis_index,
            lipemia_index: s.lipemia_index,
            icterus_index: s.icterus_index,
            clotted: s.clotted,
            leaking: s.leaking,
            transport: s.transport,
            outside: s.outside,
            send_outs: s.send_outs.clone(),
            barcode_scans_as: s.barcode_scans_as.clone(),
            values: s.values.clone(),
        });
    }
    let specimen_names: Vec<&str> = raw.specimens.iter().map(|x| x.id.as_str()).collect();

    // Timeline.
    let mut events = Vec::new();
    for (i, e) in raw.events.iter().enumerate() {
        let p = format!("events[{i}]");
        let at = in_shift(c, &format!("{p}.at"), &e.at, "event");
        let latest = e.latest.as_ref().map(|text| {
            let latest = in_shift(c, &format!("{p}.latest"), text, "event window");
            if latest < at {
                let d = c
                    .at(
                        &format!("{p}.latest"),
                        format!("the window ends at {text}, before it starts at {}", e.at),
                    )
                    .expected(format!("a time at or after {}", e.at));
                c.push(d);
            }
            latest
        });
        let fp = format!("{p}.fault");
        let analyzer_test = |c: &mut Checker<'_>, analyzer: &str, test: &str| {
            if c.known(
                &format!("{fp}.analyzer"),
                "analyzer",
                analyzer,
                &analyzer_names,
                "under `lab.analyzers`",
            ) && let Some(a) = raw.lab.analyzers.iter().find(|a| a.id == analyzer)
            {
                let menu: Vec<&str> = a.menu.iter().map(String::as_str).collect();
                c.known(
                    &format!("{fp}.test"),
                    "test",
                    test,
                    &menu,
                    &format!("on the menu of analyzer `{analyzer}`"),
                );
            }
        };
        match &e.fault {
            RawFault::QcShift { analyzer, test, sd, sd_max, spread } => {
                analyzer_test(c, analyzer, test);
                if !sd.is_finite() || *sd == 0.0 {
                    c.error(&format!("{fp}.sd"), "a QC shift of 0 SD changes nothing");
                }
                if let Some(max) = sd_max {
                    c.range(&format!("{fp}.sd_max"), "QC shift range", (sd.min(*max), sd.max(*max)));
                    if sd.signum() != max.signum() {
                        let d = c
                            .at(
                                &format!("{fp}.sd_max"),
                                format!("the shift range {sd} to {max} crosses 0 SD"),
                            )
                            .expected("both ends high (above 0) or both low (below 0)");
                        c.push(d);
                    }
                }
                if !(spread.is_finite() && *spread > 0.0 && *spread <= 1.0) {
                    let d = c
                        .at(&format!("{fp}.spread"), format!("spread {spread} is out of range"))
                        .expected("a number above 0 and at most 1 (1: the control's own SD)");
                    c.push(d);
                }
            }
            RawFault::QcDrift { analyzer, test, sd_per_hour } => {
                analyzer_test(c, analyzer, test);
                if !sd_per_hour.is_finite() || *sd_per_hour == 0.0 {
                    c.error(&format!("{fp}.sd_per_hour"), "a drift of 0 SD per hour changes nothing");
                }
            }
            RawFault::Imprecision { analyzer, test, factor } => {
                analyzer_test(c, analyzer, test);
                if !(factor.is_finite() && *factor > 1.0) {
                    let d = c
                        .at(
                            &format!("{fp}.factor"),
                            format!("imprecision factor {factor} does not widen the SD"),
                        )
                        .expected("a factor above 1, e.g. 2.5");
                    c.push(d);
                }
            }
            RawFault::ControlDeteriorated { analyzer, test, level, sd } => {
                analyzer_test(c, analyzer, test);
                let levels: Vec<u8> = raw
                    .lab
                    .analyzers
                    .iter()
                    .filter(|a| &a.id == analyzer)
                    .flat_map(|a| a.controls.iter().filter(|k| &k.test == test).map(|k| k.level))
                    .collect();
                if !levels.is_empty() && !levels.contains(level) {
                    let listed: Vec<String> = levels.iter().map(u8::to_string).collect();
                    let d = c
                        .at(
                            &format!("{fp}.level"),
                            format!("`{analyzer}` has no level {level} control for {test}"),
                        )
                        .expected(format!("one of its {test} control levels: {}", listed.join(", ")));
                    c.push(d);
                }
                if !sd.is_finite() || *sd == 0.0 {
                    c.error(&format!("{fp}.sd"), "a control deteriorated by 0 SD changes nothing");
                }
            }
            RawFault::ReagentOut { analyzer, test } => analyzer_test(c, analyzer, test),
            RawFault::AnalyzerError { analyzer, .. } => {
                c.known(
                    &format!("{fp}.analyzer"),
                    "analyzer",
                    analyzer,
                    &analyzer_names,
                    "under `lab.analyzers`",
                );
            }
            RawFault::Spill { volume_ml, .. } => {
                if *volume_ml == 0 {
                    c.error(&format!("{fp}.volume_ml"), "a spill of 0 mL is no spill");
                }
            }
            RawFault::CaregiverUnreachable { caregiver, minutes } => {
                c.known(
                    &format!("{fp}.caregiver"),
                    "caregiver",
                    caregiver,
                    &caregiver_names,
                    "under `caregivers`",
                );
                if *minutes == Some(0) {
                    c.error(&format!("{fp}.minutes"), "unreachable for 0 minutes changes nothing");
                }
            }
            RawFault::StatOrder { specimen, tests } | RawFault::AddOnRequest { specimen, tests } => {
                let add_on = matches!(e.fault, RawFault::AddOnRequest { .. });
                if c.known(
                    &format!("{fp}.specimen"),
                    "specimen",
                    specimen,
                    &specimen_names,
                    "under `specimens`",
                ) && let Some(s) = specimens.iter().find(|s| &s.id == specimen)
                    && at < s.arrives
                {
                    let d = c
                        .at(
                            &format!("{p}.at"),
                            format!("add-on order for `{specimen}` comes before the specimen arrives"),
                        )
                        .expected(format!("a time at or after its arrival ({})", start.plus(s.arrives)));
                    c.push(d);
                }
                if tests.is_empty() {
                    c.error(
                        &format!("{fp}.tests"),
                        if add_on { "an add-on request with no test" } else { "a STAT order with no test" },
                    );
                }
                for (j, t) in tests.iter().enumerate() {
                    offered_somewhere(c, &format!("{fp}.tests[{j}]"), t);
                    let has_value =
                        raw.specimens.iter().any(|s| &s.id == specimen && s.values.contains_key(t));
                    if !has_value && specimen_names.contains(&specimen.as_str()) {
                        let d = c
                            .at(
                                &format!("{fp}.tests[{j}]"),
                                format!("add-on test `{t}` has no true value on `{specimen}`"),
                            )
                            .help(format!("add `\"{t}\": Exact(…)` to the values of `{specimen}`"));
                        c.push(d);
                    }
                }
            }
            RawFault::CoffeeOffered => {}
            RawFault::Hemolysis { specimen, index } => {
                c.known(
                    &format!("{fp}.specimen"),
                    "specimen",
                    specimen,
                    &specimen_names,
                    "under `specimens`",
                );
                if !(1..=5).contains(index) {
                    let d = c
                        .at(&format!("{fp}.index"), format!("hemolysis index {index} is outside 1-5"))
                        .expected("an index from 1 (slight) to 5 (gross)");
                    c.push(d);
                }
            }
        }
        events.push(TimedFault { at, latest, fault: e.fault.clone() });
    }
    events.sort_by_key(|e| e.at);

    super::choices::check_choices(&raw, &specimen_names, c);

    // Rubric.
    let r = &raw.rubric;
    if !(1..=100).contains(&r.pass_pct) {
        let d = c
            .at("rubric.pass_pct", format!("pass mark of {}%", r.pass_pct))
            .expected("a percentage from 1 to 100");
        c.push(d);
    }
    let total: u32 = r.weights.values().sum();
    if total != 100 {
        let listed: Vec<String> = Category::ALL
            .iter()
            .map(|cat| format!("{cat:?} {}", r.weights.get(cat).copied().unwrap_or(0)))
            .collect();
        let d = c
            .at("rubric.weights", format!("category weights add up to {total}"))
            .expected("weights that add up to 100")
            .help(listed.join(", "));
        c.push(d);
    }
    let rule_ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    for (i, id) in r.critical.iter().enumerate() {
        c.known(
            &format!("rubric.critical[{i}]"),
            "rule",
            id,
            &rule_ids,
            "in the rule catalogue (docs/scenario-format.md)",
        );
        if rule(id).is_some_and(|d| d.severity == crate::rules::FindingSeverity::GoodPractice) {
            c.error(
                &format!("rubric.critical[{i}]"),
                format!("`{id}` is a good-practice credit, not an error"),
            );
        }
    }

    if let Some(pct) = r.min_completion_pct
        && pct > 100
    {
        let d = c
            .at("rubric.min_completion_pct", format!("completion threshold of {pct}%"))
            .expected("a percentage from 0 to 100");
        c.push(d);
    }

    let policy = policy?;
    if c.has_errors() {
        return None;
    }
    let grading = &policy.pack.grading;
    let mut critical = r.critical.clone();
    critical.extend(grading.critical.iter().filter(|id| !r.critical.contains(id)).cloned());
    let rubric = Rubric {
        pass_pct: r.pass_pct,
        weights: r.weights.clone(),
        critical,
        min_completion_pct: r.min_completion_pct.unwrap_or(grading.min_completion_pct),
    };
    let autoverification = raw.lab.autoverification.unwrap_or(policy.pack.analysis.autoverification);
    let mut scenario = Scenario {
        meta,
        policy,
        lab: Lab {
            analyzers,
            centrifuge: raw.lab.centrifuge.clone(),
            sharps: raw.lab.sharps.clone(),
            biohazard: raw.lab.biohazard.clone(),
            autoverification,
            store_finished: raw.lab.store_finished,
        },
        caregivers: raw.caregivers.clone(),
        patients,
        specimens,
        events,
        choices: raw.choices.clone(),
        rubric,
        hash: String::new(),
    };
    scenario.hash = crate::log::scenario_hash(&scenario);
    Some(scenario)
}

/// What an unknown test code most likely means: a test the pack knows by
/// that other name (`PT` is the `INR`), one whose name has it as a word
/// (`Glucose`), or the nearest code by spelling; then the codes defined.
fn test_suggestion(found: &str, tests: &[crate::raw::RawTestDef]) -> String {
    let upper = found.trim().to_uppercase();
    let by_alias = tests.iter().find(|t| t.aliases.iter().any(|a| a.to_uppercase() == upper));
    let by_name = || {
        tests.iter().find(|t| {
            t.name.to_uppercase() == upper
                || t.name
                    .split(|ch: char| !ch.is_alphanumeric())
                    .any(|w| w.len() > 2 && w.to_uppercase() == upper)
        })
    };
    let codes: Vec<&str> = tests.iter().map(|t| t.code.as_str()).collect();
    match by_alias.or_else(by_name) {
        Some(t) => format!(
            "`{found}` is `{}` ({}) in this policy pack: did you mean `{}`? {}",
            t.code,
            t.name,
            t.code,
            crate::diag::defined_list("test", &codes)
        ),
        None => suggest(found, "test", &codes),
    }
}
