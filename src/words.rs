//! The engine's vocabulary in the words a technician uses.

use labshift_core::action::{Corrective, RejectReason};
use labshift_core::model::{Scenario, Specimen};
use labshift_core::raw::{Area, Ppe, Transport, TubeKind};

pub const REJECT_REASONS: [RejectReason; 13] = [
    RejectReason::Unlabeled,
    RejectReason::Mislabeled,
    RejectReason::InsufficientIdentifiers,
    RejectReason::NoCollectionTime,
    RejectReason::WrongTube,
    RejectReason::Clotted,
    RejectReason::QuantityNotSufficient,
    RejectReason::Hemolyzed,
    RejectReason::Lipemic,
    RejectReason::Icteric,
    RejectReason::DelayedTransport,
    RejectReason::WrongTemperature,
    RejectReason::Leaking,
];

pub const PPE: [Ppe; 3] = [Ppe::Coat, Ppe::FaceShield, Ppe::Gloves];

/// A rejection reason as the LIS records it.
pub fn reason(r: RejectReason) -> &'static str {
    r.name()
}

/// The corrective actions on an analyzer, in its policy pack's words.
pub fn correctives(scenario: &Scenario, analyzer: &str) -> Vec<labshift_core::raw::RawCorrective> {
    scenario
        .lab
        .analyzers
        .iter()
        .find(|a| a.id == analyzer)
        .map(|a| scenario.policy.pack.qc.corrective_for(a.kind))
        .unwrap_or_default()
}

/// What a corrective action is on this analyzer, in the pack's words.
pub fn corrective(scenario: &Scenario, analyzer: &str, c: Corrective) -> String {
    correctives(scenario, analyzer).into_iter().find(|x| x.action == c).map_or_else(
        || match c {
            Corrective::Recalibrate => "Recalibrate".to_owned(),
            Corrective::NewReagentLot => "Load a new reagent lot".to_owned(),
            Corrective::NewControlVial => "Open a new control vial".to_owned(),
            Corrective::Maintenance => "Maintenance".to_owned(),
            Corrective::CallService => "Call service".to_owned(),
        },
        |x| x.does,
    )
}

/// An area of the bench, as the PPE rules name it.
pub fn area(a: Area) -> &'static str {
    match a {
        Area::Reception => "Reception",
        Area::Processing => "Processing (centrifuge)",
        Area::Analyzers => "Analyzers",
        Area::Qc => "QC bench",
        Area::Office => "LIS terminal and phone",
        Area::Spill => "Spill clean-up",
    }
}

pub fn ppe(p: Ppe) -> &'static str {
    match p {
        Ppe::Gloves => "gloves",
        Ppe::Coat => "lab coat",
        Ppe::FaceShield => "face shield",
    }
}

pub fn tube(t: TubeKind) -> String {
    let (cap, additive) = t.cap_and_additive();
    format!("{cap} top, {additive}")
}

pub fn transport(t: Transport) -> &'static str {
    match t {
        Transport::Ambient => "at room temperature",
        Transport::Refrigerated => "refrigerated",
        Transport::OnIce => "on ice",
        Transport::Frozen => "frozen",
    }
}

/// What a technician sees looking at the tube: facts, not verdicts. The
/// serum's colour (hemolysis, lipemia, icterus) shows only once the tube is
/// spun: whole blood is red whatever the serum will be. Lipemia and icterus
/// are described as clearly visible from the policy's limits on.
pub fn appearance(s: &Specimen, spun: bool, lipemia_limit: u8, icterus_limit: u8) -> Vec<String> {
    let mut seen = Vec::new();
    if !s.tube.needs_centrifuge() && s.tube.cap_and_additive().0 != "urine cup" {
        // Tested as whole blood: mixed, never spun.
        seen.push("whole blood, mixed by gentle inversion".to_owned());
    } else if spun {
        seen.push(match s.hemolysis_index {
            0 => "serum/plasma: clear straw colour".to_owned(),
            1 => "serum/plasma: faintly pink".to_owned(),
            2 => "serum/plasma: pink".to_owned(),
            3 => "serum/plasma: red".to_owned(),
            _ => "serum/plasma: dark red, like diluted blood".to_owned(),
        });
        if s.lipemia_index >= lipemia_limit {
            seen.push("turbid, milky (lipemic)".to_owned());
        }
        if s.icterus_index >= icterus_limit {
            seen.push("dark yellow-orange (icteric)".to_owned());
        }
    } else if s.tube.cap_and_additive().0 != "urine cup" {
        seen.push("whole blood: the serum's colour shows after the spin".to_owned());
    }
    if s.clotted {
        seen.push("clots visible when the tube is inverted".to_owned());
    }
    if s.leaking {
        seen.push("wet outside: the cap is leaking".to_owned());
    }
    seen
}

/// A result's flags as the LIS abbreviates them (" CRIT", " H", " >AMR"...).
pub fn flag_text(f: labshift_core::session::Flags) -> String {
    let mut t = String::new();
    for (on, flag) in [
        (f.critical, " CRIT"),
        (f.high && !f.critical, " H"),
        (f.low && !f.critical, " L"),
        (f.hemolyzed, " HEMOLYZED"),
        (f.lipemic, " LIPEMIC"),
        (f.above_amr, " >AMR"),
        (f.delta_failed, " DELTA"),
    ] {
        if on {
            t.push_str(flag);
        }
    }
    t
}

/// A critical limit in words: "below 3.0", "at or above 6.1".
pub fn limit(l: labshift_core::raw::RawLimit) -> String {
    use labshift_core::raw::RawLimit::*;
    match l {
        Below(v) => format!("below {v}"),
        AtOrBelow(v) => format!("at or below {v}"),
        Above(v) => format!("above {v}"),
        AtOrAbove(v) => format!("at or above {v}"),
    }
}

/// A result with its unit, as the LIS shows it: "K 5.0 mmol/L H".
pub fn result(scenario: &Scenario, test: &str, value: f64, flags: labshift_core::session::Flags) -> String {
    let unit = scenario.policy.test(test).map_or("", |t| t.unit.as_str());
    let decimals = scenario.policy.test(test).map_or(1, |t| usize::from(t.decimals));
    format!("{test} {value:.decimals$} {unit}{}", flag_text(flags))
}

/// A label beside its order, field by field: (field, order, label, whether
/// they agree), letter case, spaces and punctuation aside.
pub fn label_rows(
    label: Option<&labshift_core::model::Label>,
    req: &labshift_core::session::Requisition,
) -> Vec<(String, String, String, bool)> {
    use labshift_core::model::Label;
    let missing = || "—".to_owned();
    let get = |f: fn(&Label) -> Option<String>| label.and_then(f).unwrap_or_else(missing);
    let norm =
        |t: &str| t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let row = |field: &str, want: &str, got: String| {
        let agree = norm(want) == norm(&got);
        (field.to_owned(), want.to_owned(), got, agree)
    };
    let mut rows = vec![
        row("Name", &req.name, get(|l| l.name.clone())),
        row("MRN", &req.mrn, get(|l| l.mrn.clone())),
        row("Date of birth", &req.dob, get(|l| l.dob.clone())),
        (
            "Collected".to_owned(),
            "(time on label)".to_owned(),
            get(|l| l.collected.clone()),
            label.is_some_and(|l| l.collected.is_some()),
        ),
        ("Collector".to_owned(), String::new(), get(|l| l.collector.clone()), true),
        ("Location".to_owned(), req.location.clone(), String::new(), true),
        ("Tests".to_owned(), req.tests.join(" "), String::new(), true),
    ];
    // The collection barcode, scanned: the order it calls up in the LIS.
    if let Some(scanned) = &req.scanned {
        rows.insert(3, row("Barcode", &req.mrn, scanned.clone()));
    }
    rows
}
