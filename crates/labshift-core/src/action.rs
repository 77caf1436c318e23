//! What a trainee can do: every change to a session is one of these actions.

use serde::{Deserialize, Serialize};

pub use crate::raw::Corrective;
use crate::raw::{Area, Ppe, RawFault, Storage};

/// Practice gives hints and shows findings as they happen; assessment keeps
/// them for the debrief. The simulation and the score are the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    Practice,
    Assessment,
}

impl Mode {
    /// The mode's name in reports and grade books: "practice", "assessment".
    pub fn name(self) -> &'static str {
        match self {
            Mode::Practice => "practice",
            Mode::Assessment => "assessment",
        }
    }
}

/// Which face of a tube a barcode label goes on: over the tube maker's
/// label (where it belongs), over the patient's label, or over the clear
/// window through which the specimen is seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LabelFace {
    MakersLabel,
    PatientLabel,
    Window,
}

impl LabelFace {
    pub fn name(self) -> &'static str {
        match self {
            LabelFace::MakersLabel => "over the tube maker's label",
            LabelFace::PatientLabel => "over the patient's label",
            LabelFace::Window => "over the window",
        }
    }
}

/// Why a specimen is rejected (DOMAIN §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RejectReason {
    Unlabeled,
    /// The label does not match the requisition.
    Mislabeled,
    /// Fewer patient identifiers than the policy requires.
    InsufficientIdentifiers,
    NoCollectionTime,
    WrongTube,
    Clotted,
    /// Quantity not sufficient: under-filled.
    QuantityNotSufficient,
    Hemolyzed,
    Lipemic,
    Icteric,
    /// Collected too long before it reached the lab.
    DelayedTransport,
    WrongTemperature,
    Leaking,
}

impl RejectReason {
    /// The reason as a technician records it in the LIS.
    pub fn name(self) -> &'static str {
        match self {
            RejectReason::Unlabeled => "unlabeled",
            RejectReason::Mislabeled => "mislabeled (label and requisition disagree)",
            RejectReason::InsufficientIdentifiers => "fewer than two patient identifiers",
            RejectReason::NoCollectionTime => "no collection time",
            RejectReason::WrongTube => "wrong tube for the tests",
            RejectReason::Clotted => "clotted",
            RejectReason::QuantityNotSufficient => "quantity not sufficient",
            RejectReason::Hemolyzed => "hemolyzed",
            RejectReason::Lipemic => "lipemic",
            RejectReason::Icteric => "icteric",
            RejectReason::DelayedTransport => "delayed transport",
            RejectReason::WrongTemperature => "wrong transport temperature",
            RejectReason::Leaking => "leaking",
        }
    }
}

/// One thing the trainee does. Actions name specimens, analyzers, tests and
/// caregivers by their scenario ids.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Action {
    // Protection and hygiene.
    PutOn(Ppe),
    TakeOff(Ppe),
    WashHands,
    /// Accept the coffee, or eat at the bench.
    EatOrDrink,
    RecapNeedle,

    // Reception.
    Receive {
        specimen: String,
    },
    CompareLabel {
        specimen: String,
    },
    Accept {
        specimen: String,
    },
    Reject {
        specimen: String,
        reason: RejectReason,
    },
    RequestRecollection {
        specimen: String,
    },
    /// File an occurrence report for a rejected specimen: a mislabel is a
    /// patient-safety event the lab records and reviews.
    ReportOccurrence {
        specimen: String,
    },

    // Accessioning and labeling (CLSI GP33, AUTO02, AUTO12).
    /// Find a hand-labeled specimen's order in the LIS by two identifiers:
    /// the LIS gives it an accession number and prints its barcode label.
    Accession {
        specimen: String,
    },
    /// Put the printed barcode label on the tube: its top edge `top_mm`
    /// below the top of the tube, `tilt_deg` off the tube's length, over
    /// `face` of the tube.
    ApplyLabel {
        specimen: String,
        top_mm: u8,
        tilt_deg: u8,
        face: LabelFace,
    },
    /// Peel a misapplied barcode label off and print it again (the patient's
    /// own label is never touched).
    ReprintLabel {
        specimen: String,
    },

    // Aliquots, storage and add-ons (CLSI GP44).
    /// Label an empty aliquot tube for `specimen` with a label from the label
    /// sheet printed for `sheet` (the specimen's own, when done right).
    LabelAliquot {
        specimen: String,
        sheet: String,
    },
    /// Take the cap off a spun primary tube, to pour off from it.
    Uncap {
        specimen: String,
    },
    /// Pour serum or plasma from the open primary tube into its aliquot tube, and cap the aliquot.
    PourOff {
        specimen: String,
    },
    /// Put the cap back on a primary tube.
    Recap {
        specimen: String,
    },
    /// Keep a poured-off aliquot until it ships.
    StoreAliquot {
        specimen: String,
        storage: Storage,
    },
    /// Put a finished specimen in the storage rack.
    Store {
        specimen: String,
        storage: Storage,
    },
    /// Take a stored specimen out of the storage rack (for an add-on).
    Retrieve {
        specimen: String,
    },
    /// Add the requested tests on to the specimen the lab keeps.
    AcceptAddOn {
        specimen: String,
    },
    /// Turn an add-on request down and ask the caregiver for a new collection.
    DeclineAddOn {
        specimen: String,
    },

    // Centrifuge.
    /// Clear a lipemic specimen: an aliquot spun at high speed separates the
    /// lipid layer; its tests are then rerun on the cleared serum.
    ClearLipemia {
        specimen: String,
    },
    LoadCentrifuge {
        specimen: String,
    },
    AddBalanceTube,
    StartCentrifuge,
    OpenCentrifuge,

    // Quality control and instrument care.
    /// Run one control level on an analyzer: a multi-constituent control
    /// gives a value for every test on it whose QC is due.
    RunControls {
        analyzer: String,
        level: u8,
    },
    RunControl {
        analyzer: String,
        test: String,
        level: u8,
    },
    AcceptQc {
        analyzer: String,
        test: String,
    },
    RejectQc {
        analyzer: String,
        test: String,
        rule: String,
    },
    CorrectiveAction {
        analyzer: String,
        test: String,
        action: Corrective,
    },
    Calibrate {
        analyzer: String,
        test: String,
    },
    LoadReagent {
        analyzer: String,
        test: String,
    },
    LookBack {
        analyzer: String,
        test: String,
    },

    // Analysis and verification.
    RunTests {
        specimen: String,
        analyzer: String,
    },
    Dilute {
        specimen: String,
        test: String,
        factor: u32,
    },
    Review {
        specimen: String,
        test: String,
    },
    Repeat {
        specimen: String,
        test: String,
    },
    Hold {
        specimen: String,
        test: String,
    },
    /// Do not report a result the specimen's quality makes unreliable (a
    /// potassium from hemolyzed serum): the LIS carries the standard comment
    /// and the ward is asked to recollect for that test only.
    Suppress {
        specimen: String,
        test: String,
    },
    Release {
        specimen: String,
        test: String,
    },
    /// Release every result of the specimen still waiting (not released,
    /// held or suppressed), as the LIS releases an accession from one
    /// screen: a result with no flag is reviewed there; a flagged one must
    /// have been reviewed on its own.
    ReleaseSpecimen {
        specimen: String,
    },

    // Critical values.
    CallCaregiver {
        specimen: String,
        test: String,
        caregiver: String,
    },
    ConfirmReadBack {
        specimen: String,
        test: String,
    },
    DocumentCall {
        specimen: String,
        test: String,
        name: String,
        credentials: String,
    },

    // Waste and spills.
    DisposeSharps,
    DisposeBiohazard,
    ReplaceSharpsContainer,
    CleanSpill {
        dilution_one_in: u32,
    },
    FinishSpill,

    /// Let time pass: the timeline (arrivals, faults) plays up to `at`. The
    /// shells apply it as the clock runs; it changes nothing else.
    Wait,

    /// An instructor's live fault (practice and demos only): it happens now,
    /// as if the scenario's timeline had it. One of `QcShift`, `Hemolysis`,
    /// `Spill` or `CaregiverUnreachable`.
    Inject(RawFault),

    EndShift,
}

impl Action {
    /// The action in a technician's words, for messages a person reads
    /// ("review S03 HGB", "put on the gloves").
    pub fn describe(&self) -> String {
        use Action::*;
        let ppe = |p: &Ppe| match p {
            Ppe::Gloves => "the gloves",
            Ppe::Coat => "the lab coat",
            Ppe::FaceShield => "the face shield",
        };
        let fix = |c: &Corrective| match c {
            Corrective::Recalibrate => "recalibrate",
            Corrective::NewReagentLot => "load a new reagent lot",
            Corrective::NewControlVial => "open a new control vial",
            Corrective::Maintenance => "maintenance",
            Corrective::CallService => "call service",
        };
        match self {
            PutOn(p) => format!("put on {}", ppe(p)),
            TakeOff(p) => format!("take off {}", ppe(p)),
            WashHands => "wash hands".into(),
            EatOrDrink => "eat or drink at the bench".into(),
            RecapNeedle => "recap a needle".into(),
            Receive { specimen } => format!("receive {specimen}"),
            CompareLabel { specimen } => format!("compare {specimen}'s label with its order"),
            Accept { specimen } => format!("accept {specimen}"),
            Reject { specimen, reason } => format!("reject {specimen} as {}", reason.name()),
            RequestRecollection { specimen } => format!("call the unit for a new {specimen}"),
            ReportOccurrence { specimen } => format!("file an occurrence report for {specimen}"),
            Accession { specimen } => format!("accession {specimen} in the LIS"),
            ApplyLabel { specimen, top_mm, tilt_deg, face } => {
                format!(
                    "apply {specimen}'s barcode label {top_mm} mm from the top, {tilt_deg}° off, {}",
                    face.name()
                )
            }
            ReprintLabel { specimen } => format!("peel and reprint {specimen}'s barcode label"),
            LabelAliquot { specimen, sheet } if specimen == sheet => {
                format!("label an aliquot tube for {specimen}")
            }
            LabelAliquot { specimen, sheet } => {
                format!("label an aliquot tube for {specimen} from {sheet}'s label sheet")
            }
            Uncap { specimen } => format!("uncap {specimen}"),
            PourOff { specimen } => format!("pour off {specimen}'s aliquot"),
            Recap { specimen } => format!("recap {specimen}"),
            StoreAliquot { specimen, storage } => format!("store {specimen}'s aliquot {}", storage.name()),
            Store { specimen, storage } => format!("store {specimen} {}", storage.name()),
            Retrieve { specimen } => format!("take {specimen} out of storage"),
            AcceptAddOn { specimen } => format!("add the requested tests on to {specimen}"),
            DeclineAddOn { specimen } => {
                format!("decline the add-on to {specimen} and ask for a new collection")
            }
            ClearLipemia { specimen } => format!("clear {specimen}'s lipemia"),
            LoadCentrifuge { specimen } => format!("load {specimen} into the centrifuge"),
            AddBalanceTube => "add a balance tube".into(),
            StartCentrifuge => "start the centrifuge".into(),
            OpenCentrifuge => "open the centrifuge".into(),
            RunControls { analyzer, level } => format!("run the level {level} controls on {analyzer}"),
            RunControl { analyzer, test, level } => {
                format!("run the level {level} {test} control on {analyzer}")
            }
            AcceptQc { analyzer, test } => format!("accept the {test} QC run on {analyzer}"),
            RejectQc { analyzer, test, rule } => format!("reject the {test} QC run on {analyzer} for {rule}"),
            CorrectiveAction { analyzer, test, action } => {
                format!("{} for {test} on {analyzer}", fix(action))
            }
            Calibrate { analyzer, test } => format!("calibrate {test} on {analyzer}"),
            LoadReagent { analyzer, test } => format!("load {test} reagent on {analyzer}"),
            LookBack { analyzer, test } => format!("look back at {test} on {analyzer}"),
            RunTests { specimen, analyzer } => format!("run {specimen} on {analyzer}"),
            Dilute { specimen, test, factor } => format!("dilute {specimen} {test} 1:{factor}"),
            Review { specimen, test } => format!("review {specimen} {test}"),
            Repeat { specimen, test } => format!("repeat {specimen} {test}"),
            Hold { specimen, test } => format!("hold {specimen} {test}"),
            Suppress { specimen, test } => format!("suppress {specimen} {test}"),
            Release { specimen, test } => format!("release {specimen} {test}"),
            ReleaseSpecimen { specimen } => format!("release {specimen}'s results"),
            CallCaregiver { specimen, test, caregiver } => format!("call {caregiver} with {specimen} {test}"),
            ConfirmReadBack { specimen, test } => format!("confirm the read-back of {specimen} {test}"),
            DocumentCall { specimen, test, name, credentials } => {
                format!("document the call of {specimen} {test} to {name}, {credentials}")
            }
            DisposeSharps => "put the sharps in their container".into(),
            DisposeBiohazard => "put the waste in the biohazard bin".into(),
            ReplaceSharpsContainer => "replace the sharps container".into(),
            CleanSpill { dilution_one_in } => {
                format!("absorb and disinfect the spill with bleach 1:{dilution_one_in}")
            }
            FinishSpill => "finish the spill clean-up".into(),
            Wait => "wait".into(),
            Inject(_) => "inject an instructor's fault".into(),
            EndShift => "end the shift".into(),
        }
    }

    /// The bench area the action happens in, for PPE rules; `None` where
    /// no PPE rule applies (changing PPE, the sink, waste bins).
    pub fn area(&self) -> Option<Area> {
        use Action::*;
        match self {
            Receive { .. }
            | CompareLabel { .. }
            | Accept { .. }
            | Reject { .. }
            | Accession { .. }
            | ApplyLabel { .. }
            | ReprintLabel { .. } => Some(Area::Reception),
            LoadCentrifuge { .. }
            | LabelAliquot { .. }
            | Uncap { .. }
            | PourOff { .. }
            | Recap { .. }
            | StoreAliquot { .. }
            | Store { .. }
            | Retrieve { .. }
            | AddBalanceTube
            | StartCentrifuge
            | OpenCentrifuge
            | ClearLipemia { .. }
            | Dilute { .. } => Some(Area::Processing),
            RunControl { .. } | RunControls { .. } | AcceptQc { .. } | RejectQc { .. } => Some(Area::Qc),
            CorrectiveAction { .. }
            | Calibrate { .. }
            | LoadReagent { .. }
            | RunTests { .. }
            | Repeat { .. } => Some(Area::Analyzers),
            RequestRecollection { .. }
            | ReportOccurrence { .. }
            | AcceptAddOn { .. }
            | DeclineAddOn { .. }
            | LookBack { .. }
            | Review { .. }
            | Hold { .. }
            | Suppress { .. }
            | Release { .. }
            | ReleaseSpecimen { .. }
            | CallCaregiver { .. }
            | ConfirmReadBack { .. }
            | DocumentCall { .. } => Some(Area::Office),
            CleanSpill { .. } | FinishSpill => Some(Area::Spill),
            PutOn(_)
            | TakeOff(_)
            | WashHands
            | EatOrDrink
            | RecapNeedle
            | DisposeSharps
            | DisposeBiohazard
            | ReplaceSharpsContainer
            | Inject(_)
            | Wait
            | EndShift => None,
        }
    }
}
