//! The catalogue of rules a finding can name: what each requires, how serious
//! breaking it is by default, and where a trainee can look it up.
//!
//! A scenario's rubric may promote further rules to critical; it cannot
//! demote the ones below that are critical by default (DOMAIN §6).

use serde::Serialize;

use crate::action::{Action, RejectReason};
use crate::raw::Category;

/// How much a finding weighs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingSeverity {
    /// The attempt fails whatever the points.
    Critical,
    Major,
    Minor,
    /// Credit for doing the right thing.
    GoodPractice,
}

impl FindingSeverity {
    /// The severity's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            FindingSeverity::Critical => "critical",
            FindingSeverity::Major => "major",
            FindingSeverity::Minor => "minor",
            FindingSeverity::GoodPractice => "good practice",
        }
    }
}

/// One rule of the catalogue.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct RuleDef {
    pub id: &'static str,
    pub category: Category,
    pub severity: FindingSeverity,
    /// What the rule requires, in one plain sentence.
    pub requirement: &'static str,
    pub citation: &'static str,
}

macro_rules! rules {
    ($( $id:literal, $cat:ident, $sev:ident, $req:literal, $cite:literal; )*) => {
        /// Every rule LabShift scores against, in catalogue order.
        pub const RULES: &[RuleDef] = &[
            $( RuleDef {
                id: $id,
                category: Category::$cat,
                severity: FindingSeverity::$sev,
                requirement: $req,
                citation: $cite,
            }, )*
        ];
    };
}

rules! {
    "ID-UNLABELED", Identification, Critical,
        "An unlabeled specimen is rejected and recollected, never accepted.",
        "Joint Commission NPSG.01.01.01";
    "ID-MISLABELED", Identification, Critical,
        "A specimen whose label does not match its order is rejected and recollected; the lab never relabels it.",
        "Joint Commission NPSG.01.01.01; CLSI GP33";
    "ID-TWO-IDENTIFIERS", Identification, Critical,
        "Every specimen carries two patient identifiers (name and MRN or date of birth); a location is never one.",
        "Joint Commission NPSG.01.01.01";
    "ID-NO-COLLECTION-TIME", Identification, Major,
        "A label carries the collection date and time and the collector's initials.",
        "CLSI GP33; CLSI GP41";
    "ID-GOOD-REJECTED", Identification, Major,
        "An acceptable specimen is accepted: a needless recollection delays care and harms the patient.",
        "CLSI GP33";
    "ID-WRONG-REASON", Identification, Minor,
        "A rejection names the reason that applies, so the ward can fix the cause.",
        "CLSI GP33";
    "ID-NOT-COMPARED", Identification, Major,
        "A specimen's label is compared with its requisition (two identifiers, the tests, the collection) before it is accepted.",
        "Joint Commission NPSG.01.01.01; CLSI GP33";
    "ID-UNDECIDED", Identification, Major,
        "Every specimen that arrives in the shift is accepted, or rejected and recollected, before the shift ends.",
        "CLSI GP33; 42 CFR 493.1241";
    "ID-NO-RECOLLECT", Identification, Major,
        "A rejected specimen is followed by a call to the unit: the reason it was rejected, recorded in the LIS, and a request for a new specimen.",
        "CLSI GP33; 42 CFR 493.1283(a)(3)";
    "ID-NO-OCCURRENCE-REPORT", Identification, Minor,
        "A mislabeled specimen is rejected with an occurrence report, so the cause is reviewed and corrected.",
        "CLSI GP33; CLSI QMS11; 42 CFR 493.1283(a)(3)";
    "LAB-NOT-LABELED", Identification, Major,
        "A specimen that arrives without the lab's barcode is accessioned in the LIS from two identifiers and carries its printed barcode label before it is processed.",
        "CLSI GP33; CLSI AUTO12";
    "LAB-LABEL-OVER-ID", Identification, Major,
        "A barcode label never covers the patient's name and identifiers on the original label.",
        "CLSI AUTO12; CLSI GP33";
    "LAB-NO-WINDOW", Processing, Minor,
        "A barcode label leaves a window to see the specimen: its level, clots, the serum's colour.",
        "CLSI AUTO02";
    "LAB-NO-READ", Timeliness, Minor,
        "A barcode label is applied straight along the tube, inside the zone the reader scans (about 10 mm below the top, 9 mm above the bottom): a badly placed one is a no-read, and the tube waits.",
        "CLSI AUTO02";
    "LAB-TOO-MANY-LABELS", Processing, Minor,
        "A tube carries no more labels than the lab allows (three, the tube maker's counted): a misapplied barcode label is peeled off before another goes on, for a reader given two barcodes reads neither.",
        "CLSI AUTO02";
    "LAB-ALIQUOT-UNLABELED", Identification, Major,
        "An aliquot tube is labeled with two identifiers, the accession number and the specimen type before anything is poured into it.",
        "CLSI GP44; CLSI GP33";
    "LAB-ALIQUOT-MISLABEL", Identification, Critical,
        "An aliquot is labeled from its own primary tube's label sheet: a label from another patient's sheet puts the result on the wrong chart.",
        "CLSI GP33; Joint Commission NPSG.01.01.01";
    "LAB-TWO-OPEN", Identification, Major,
        "One primary tube is open at a time while aliquoting: two open tubes invite pouring into the wrong aliquot.",
        "CLSI GP44";
    "LAB-NOT-ALIQUOTED", Processing, Major,
        "Every test sent to a reference laboratory gets its poured-off aliquot, capped and kept as the test needs.",
        "CLSI GP44";
    "LAB-WRONG-STORAGE", Processing, Major,
        "An aliquot or a finished specimen is kept at the temperature its tests need (a frozen send-out frozen; finished specimens as the lab's storage table says).",
        "CLSI GP44";
    "LAB-LEFT-OPEN", Safety, Minor,
        "A tube opened for aliquoting is capped again at once: an open tube evaporates, spills and splashes.",
        "CLSI GP44; OSHA 29 CFR 1910.1030";
    "LAB-NOT-STORED", Processing, Minor,
        "Every finished specimen goes capped to the storage rack, kept as the lab's table says, so that add-ons and repeats can be run.",
        "CLSI GP44";
    "LAB-ADDON-UNSTABLE", Analytical, Major,
        "A test is added on to a stored specimen only within its stability for that tube and storage; beyond it, or for a test never added on, a new specimen is collected.",
        "CLSI GP44; the assay's package insert";
    "LAB-ADDON-NEEDLESS-DRAW", Timeliness, Minor,
        "An add-on within its stability is run on the stored specimen: the patient is not drawn again for nothing.",
        "CLSI GP44";
    "LAB-ADDON-UNANSWERED", Timeliness, Major,
        "Every add-on request is answered during the shift: added on, or a new collection asked for.",
        "CLSI GP44";
    "PROC-WRONG-TUBE", Processing, Major,
        "A test is run only on the tube and additive it requires (order of draw and additive table).",
        "CLSI GP41";
    "PROC-CLOTTED", Processing, Major,
        "A clotted specimen is rejected for anticoagulated tests.",
        "CLSI GP41; CLSI H21";
    "PROC-UNDERFILLED", Processing, Major,
        "A citrate tube is filled at least to the policy minimum (9:1 blood to citrate); other tubes hold enough for the tests.",
        "CLSI H21";
    "PROC-HEMOLYZED", Processing, Major,
        "A specimen hemolyzed, lipemic or icteric beyond the assay's limit is not reported for that assay: recollect.",
        "CLSI C56; manufacturer's assay limits";
    "PROC-DELAYED", Processing, Major,
        "Serum or plasma is separated within the policy time; a specimen too old or transported too long is rejected.",
        "CLSI GP44";
    "PROC-TEMPERATURE", Processing, Major,
        "A specimen that needed chilled transport and arrived warm is rejected.",
        "CLSI GP44";
    "PROC-LEAKING", Processing, Major,
        "A leaking specimen is rejected and the container treated as a spill.",
        "OSHA 29 CFR 1910.1030(d)(2)(xiii)";
    "PROC-NOT-PROCESSED", Processing, Major,
        "An accepted specimen whose tests need serum or plasma is centrifuged within the shift, so its tests can be run.",
        "CLSI GP44";
    "PROC-NOT-CENTRIFUGED", Processing, Major,
        "Serum and plasma tests are run only after the specimen has been centrifuged.",
        "CLSI GP44";
    "QC-NOT-RUN", Qc, Critical,
        "Two control levels are run and accepted before patient testing, each day and as the policy's frequency requires.",
        "42 CFR 493.1256(d)(3)(i); 42 CFR 493.1269(b)";
    "QC-REJECT-IGNORED", Qc, Critical,
        "A QC run that breaks a rejection rule is rejected, not accepted.",
        "42 CFR 493.1256(d); Westgard multirule";
    "QC-RELEASED-AFTER-REJECT", Qc, Critical,
        "No patient result for a test is released after its QC was rejected until corrective action is complete and QC passes.",
        "42 CFR 493.1256(f); 42 CFR 493.1282(b)(2)";
    "QC-WRONG-RULE", Qc, Minor,
        "A rejected QC run names the rule that fired.",
        "Westgard multirule";
    "QC-FALSE-REJECT", Qc, Minor,
        "A QC run that breaks no rejection rule is accepted (a lone 1-2s is a warning).",
        "Westgard multirule";
    "QC-BLIND-REPEAT", Qc, Minor,
        "After a rejection, find and correct the cause before rerunning; blindly repeating the control is not corrective action.",
        "42 CFR 493.1282(b)(1)";
    "QC-NO-LOOKBACK", Qc, Major,
        "After a QC rejection, every patient result since the last acceptable run is evaluated (look-back).",
        "42 CFR 493.1282(b)(2)";
    "QC-EXPIRED-MATERIAL", Qc, Major,
        "Expired control material is not used.",
        "42 CFR 493.1252(d)";
    "AN-EXPIRED-REAGENT", Analytical, Major,
        "Expired reagents are never used and lots are not mixed.",
        "42 CFR 493.1252(d), (e)";
    "AN-CALIBRATION", Analytical, Major,
        "A test is calibrated as the manufacturer requires, and after a reagent lot change, major maintenance or a QC shift.",
        "42 CFR 493.1255";
    "AN-ABOVE-AMR", Analytical, Major,
        "A result beyond the analytical measurement range is diluted and rerun, never reported as is.",
        "42 CFR 493.1282(b)(1)(ii)";
    "AN-DELTA-IGNORED", Analytical, Major,
        "A result that fails a delta check is investigated (identity, specimen quality) before release.",
        "CLSI EP33";
    "REP-WRONG-PATIENT", Reporting, Critical,
        "A result reaches only its own patient's chart.",
        "Joint Commission NPSG.01.01.01";
    "REP-WRONG-RESULT", Reporting, Critical,
        "A result reaches the chart only from an acceptable specimen, measured while its QC was acceptable; anything else is a wrong result on a patient's chart.",
        "42 CFR 493.1249(b); 42 CFR 493.1282(b)(1); CLSI GP33";
    "REP-NOT-REVIEWED", Reporting, Major,
        "A result is reviewed (flags, serum indices, delta check, QC) before it is released.",
        "42 CFR 493.1291(a); CLSI AUTO10";
    "REP-NEEDLESS-SUPPRESS", Reporting, Major,
        "Only a result the specimen's quality makes unreliable is suppressed and recollected; a valid result is reported.",
        "CLSI C56; CLSI GP33";
    "REP-NOT-RELEASED", Reporting, Major,
        "Every valid result ordered is verified and released before the shift ends.",
        "42 CFR 493.1291(a)";
    "REP-CRITICAL-UNRELEASED", Reporting, Critical,
        "A critical result is released to the patient's chart as well as telephoned: the chart must hold what the caregiver was told.",
        "42 CFR 493.1291(a), (g)";
    "CRIT-NOT-CALLED", CriticalCommunication, Critical,
        "A critical value is telephoned to a licensed caregiver responsible for the patient.",
        "42 CFR 493.1291(g); Joint Commission NPSG.02.03.01";
    "CRIT-NO-READ-BACK", CriticalCommunication, Critical,
        "The caregiver reads back patient name, MRN and result before the call is complete.",
        "Joint Commission NPSG.02.03.01";
    "CRIT-LATE", CriticalCommunication, Major,
        "A critical value is communicated within the policy deadline.",
        "Joint Commission NPSG.02.03.01";
    "CRIT-NOT-ESCALATED", CriticalCommunication, Major,
        "A caregiver who cannot be reached within the escalation time is escalated past.",
        "Joint Commission NPSG.02.03.01";
    "CRIT-NOT-DOCUMENTED", CriticalCommunication, Major,
        "The call is documented: who (name, credentials), when, and the result.",
        "42 CFR 493.1291(g); CAP GEN.41320-GEN.41340";
    "CRIT-WRONG-RECIPIENT", CriticalCommunication, Major,
        "A critical value is given only to a licensed caregiver the policy accepts.",
        "Joint Commission NPSG.02.03.01";
    "SAF-GLOVES", Safety, Major,
        "Gloves are worn to handle blood and every specimen container.",
        "OSHA 29 CFR 1910.1030(d)(3)(ix)";
    "SAF-PPE", Safety, Major,
        "A lab coat to handle specimens; a face shield where splashes are possible.",
        "OSHA 29 CFR 1910.1030(d)(3)(x), (xi)";
    "SAF-PPE-CLEAN-AREA", Safety, Minor,
        "Gloves come off before touching the phone, keyboard or other clean surfaces.",
        "OSHA 29 CFR 1910.1030(d)(3)(vii); CLSI M29";
    "SAF-HAND-HYGIENE", Safety, Minor,
        "Hands are washed right after gloves come off.",
        "OSHA 29 CFR 1910.1030(d)(2)(v)";
    "SAF-EATING", Safety, Critical,
        "No eating or drinking in the work area.",
        "OSHA 29 CFR 1910.1030(d)(2)(ix)";
    "SAF-RECAP", Safety, Critical,
        "Needles are never recapped.",
        "OSHA 29 CFR 1910.1030(d)(2)(vii)";
    "SAF-SHARPS", Safety, Major,
        "Sharps go into a closable puncture-resistant container that is never overfilled.",
        "OSHA 29 CFR 1910.1030(d)(4)(iii)(A)";
    "SAF-BIOHAZARD", Safety, Minor,
        "Contaminated waste goes into a labeled biohazard bag.",
        "OSHA 29 CFR 1910.1030(d)(4)(iii)(B)";
    "SAF-SPILL", Safety, Major,
        "A spill is absorbed, disinfected at the policy dilution, left the full contact time, and disposed of as biohazard.",
        "OSHA 29 CFR 1910.1030(d)(4)(ii)(A)";
    "SAF-CENTRIFUGE", Safety, Major,
        "A centrifuge runs balanced with its lid closed and is never opened before the rotor stops; after a breakage, wait before opening.",
        "CLSI GP17; manufacturer's instructions";
    "TIME-STAT", Timeliness, Minor,
        "A STAT result is released within the turnaround the policy sets.",
        "Institutional STAT turnaround policy";
    "GP-VERIFIED-BEFORE-CALL", CriticalCommunication, GoodPractice,
        "Verify a critical result (flags, hemolysis, delta) before calling it.",
        "CLSI GP47";
}

/// The rule that asks for a specimen with this defect to be rejected.
pub fn for_reason(reason: RejectReason) -> &'static str {
    match reason {
        RejectReason::Unlabeled => "ID-UNLABELED",
        RejectReason::Mislabeled => "ID-MISLABELED",
        RejectReason::InsufficientIdentifiers => "ID-TWO-IDENTIFIERS",
        RejectReason::NoCollectionTime => "ID-NO-COLLECTION-TIME",
        RejectReason::WrongTube => "PROC-WRONG-TUBE",
        RejectReason::Clotted => "PROC-CLOTTED",
        RejectReason::QuantityNotSufficient => "PROC-UNDERFILLED",
        RejectReason::Hemolyzed | RejectReason::Lipemic | RejectReason::Icteric => "PROC-HEMOLYZED",
        RejectReason::DelayedTransport => "PROC-DELAYED",
        RejectReason::WrongTemperature => "PROC-TEMPERATURE",
        RejectReason::Leaking => "PROC-LEAKING",
    }
}

/// The rule with this id, if there is one.
pub fn rule(id: &str) -> Option<&'static RuleDef> {
    RULES.iter().find(|r| r.id == id)
}

/// Westgard rules LabShift can evaluate, by the names QC tools print.
pub const WESTGARD_RULES: &[&str] =
    &["1-2s", "1-3s", "2-2s", "R-4s", "4-1s", "10-x", "8-x", "2of3-2s", "3-1s", "6-x", "9-x", "12-x"];

/// The rule an action carries out: what a caption says the technician
/// honours by doing it. `None` for the clock, the end of the shift, an
/// instructor's fault, and temptations (no rule asks for them).
pub fn behind(action: &Action) -> Option<&'static RuleDef> {
    use Action::*;
    let id = match action {
        PutOn(_) => "SAF-PPE",
        TakeOff(_) => "SAF-PPE-CLEAN-AREA",
        WashHands => "SAF-HAND-HYGIENE",
        Receive { .. } | Accept { .. } => "ID-TWO-IDENTIFIERS",
        CompareLabel { .. } => "ID-MISLABELED",
        Accession { .. } => "LAB-NOT-LABELED",
        ApplyLabel { .. } | ReprintLabel { .. } => "LAB-NO-READ",
        LabelAliquot { .. } => "LAB-ALIQUOT-UNLABELED",
        Uncap { .. } => "LAB-TWO-OPEN",
        Recap { .. } => "LAB-LEFT-OPEN",
        PourOff { .. } => "LAB-NOT-ALIQUOTED",
        StoreAliquot { .. } => "LAB-WRONG-STORAGE",
        Store { .. } | Retrieve { .. } => "LAB-NOT-STORED",
        AcceptAddOn { .. } => "LAB-ADDON-UNSTABLE",
        DeclineAddOn { .. } => "LAB-ADDON-NEEDLESS-DRAW",
        Reject { reason, .. } => for_reason(*reason),
        RequestRecollection { .. } => "ID-NO-RECOLLECT",
        ReportOccurrence { .. } => "ID-NO-OCCURRENCE-REPORT",
        LoadCentrifuge { .. } => "PROC-NOT-CENTRIFUGED",
        ClearLipemia { .. } => "PROC-HEMOLYZED",
        AddBalanceTube | StartCentrifuge | OpenCentrifuge => "SAF-CENTRIFUGE",
        RunControl { .. } | RunControls { .. } | AcceptQc { .. } | RunTests { .. } => "QC-NOT-RUN",
        RejectQc { .. } => "QC-REJECT-IGNORED",
        CorrectiveAction { .. } => "QC-BLIND-REPEAT",
        Calibrate { .. } => "AN-CALIBRATION",
        LoadReagent { .. } => "AN-EXPIRED-REAGENT",
        LookBack { .. } => "QC-NO-LOOKBACK",
        Dilute { .. } => "AN-ABOVE-AMR",
        Review { .. } | Repeat { .. } => "AN-DELTA-IGNORED",
        Hold { .. } => "QC-RELEASED-AFTER-REJECT",
        Suppress { .. } => "PROC-HEMOLYZED",
        Release { .. } | ReleaseSpecimen { .. } => "REP-NOT-RELEASED",
        CallCaregiver { .. } => "CRIT-NOT-CALLED",
        ConfirmReadBack { .. } => "CRIT-NO-READ-BACK",
        DocumentCall { .. } => "CRIT-NOT-DOCUMENTED",
        DisposeSharps | ReplaceSharpsContainer => "SAF-SHARPS",
        DisposeBiohazard => "SAF-BIOHAZARD",
        CleanSpill { .. } | FinishSpill => "SAF-SPILL",
        EatOrDrink | RecapNeedle | Wait | EndShift | Inject(_) => return None,
    };
    rule(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_cited() {
        for (i, r) in RULES.iter().enumerate() {
            assert!(RULES[..i].iter().all(|o| o.id != r.id), "duplicate rule {}", r.id);
            assert!(!r.citation.is_empty() && !r.requirement.is_empty(), "{}", r.id);
        }
        assert_eq!(rule("SAF-EATING").map(|r| r.severity), Some(FindingSeverity::Critical));
        assert!(rule("NOPE").is_none());
    }

    #[test]
    fn every_action_a_technician_takes_names_a_rule_of_the_catalogue() {
        use crate::action::Action;
        let ids: Vec<&str> = [
            Action::WashHands,
            Action::AddBalanceTube,
            Action::Reject { specimen: "S".into(), reason: RejectReason::Icteric },
            Action::DisposeBiohazard,
        ]
        .iter()
        .map(|a| behind(a).map_or("none", |r| r.id))
        .collect();
        assert_eq!(ids, ["SAF-HAND-HYGIENE", "SAF-CENTRIFUGE", "PROC-HEMOLYZED", "SAF-BIOHAZARD"]);
        assert!(behind(&Action::Wait).is_none());
    }
}
