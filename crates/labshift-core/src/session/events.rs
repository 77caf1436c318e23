//! What the session tells its shells: events, findings, refusals.

use serde::Serialize;

use crate::action::{Corrective, RejectReason};
use crate::raw::Category;
use crate::rules::FindingSeverity;
use crate::time::SimTime;

/// Why an action could not be carried out. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize)]
#[error("{0}")]
pub struct Rejected(pub String);

pub(super) fn no(message: impl Into<String>) -> Rejected {
    Rejected(message.into())
}

/// Something that happened in the shift, for the shells to show.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Event {
    SpecimenArrived {
        specimen: String,
        stat: bool,
    },
    /// A fault from the scenario's timeline, in words.
    FaultOccurred {
        description: String,
    },
    CoffeeOffered,
    /// The label as written beside the requisition, for comparison.
    LabelShown {
        specimen: String,
        label: Option<crate::model::Label>,
        requisition: Requisition,
    },
    SpecimenAccepted {
        specimen: String,
    },
    SpecimenRejected {
        specimen: String,
        reason: RejectReason,
    },
    /// A specimen from outside was given an accession number; its label printed.
    SpecimenAccessioned {
        specimen: String,
    },
    /// A barcode label was put on a tube; `unreadable` says why a reader would not read it.
    LabelApplied {
        specimen: String,
        unreadable: Option<String>,
    },
    /// A misapplied barcode label was peeled off and printed again.
    LabelReprinted {
        specimen: String,
    },
    /// Something was done to a specimen at the handling bench (an aliquot, the
    /// storage rack, an add-on), in words.
    SpecimenHandled {
        specimen: String,
        did: String,
    },
    /// A caregiver asks for tests to be added on to a specimen the lab keeps.
    AddOnRequested {
        specimen: String,
        tests: Vec<String>,
    },
    /// The analyzer could not read a tube's barcode and skipped it.
    BarcodeNoRead {
        specimen: String,
        analyzer: String,
        why: String,
    },
    RecollectionRequested {
        specimen: String,
    },
    CentrifugeStarted {
        until: SimTime,
        balanced: bool,
    },
    TubeBroke {
        specimen: String,
    },
    CentrifugeUnloaded {
        specimens: Vec<String>,
    },
    ControlMeasured {
        analyzer: String,
        test: String,
        level: u8,
        value: f64,
        z: f64,
    },
    QcAccepted {
        analyzer: String,
        test: String,
    },
    QcRejected {
        analyzer: String,
        test: String,
        violations: Vec<String>,
    },
    CorrectionDone {
        analyzer: String,
        test: String,
        action: Corrective,
    },
    ResultReady {
        specimen: String,
        test: String,
        value: f64,
        flags: Flags,
    },
    TestNotRun {
        specimen: String,
        test: String,
        reason: String,
    },
    ResultReleased {
        specimen: String,
        test: String,
    },
    /// The middleware released a result its autoverification rules passed.
    ResultAutoverified {
        specimen: String,
        test: String,
    },
    /// A result not reported, with the standard comment, and recollected for that test.
    ResultSuppressed {
        specimen: String,
        test: String,
    },
    /// A lipemic specimen's serum cleared by a high-speed spin: rerun its tests.
    LipemiaCleared {
        specimen: String,
    },
    OccurrenceReported {
        specimen: String,
    },
    ResultHeld {
        specimen: String,
        test: String,
    },
    CallAnswered {
        caregiver: String,
    },
    NoAnswer {
        caregiver: String,
    },
    ReadBackConfirmed {
        specimen: String,
        test: String,
    },
    CallDocumented {
        specimen: String,
        test: String,
    },
    LookBackDone {
        analyzer: String,
        test: String,
        affected: Vec<String>,
    },
    SpillCleaningStarted,
    SpillCleared,
    WasteDisposed {
        into: &'static str,
        items: u32,
    },
    Finding(Finding),
    ShiftEnded,
}

/// What the order says, for comparing against the label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Requisition {
    pub name: String,
    pub mrn: String,
    pub dob: String,
    pub location: String,
    pub tests: Vec<String>,
    pub stat: bool,
    /// The MRN the tube's collection barcode calls up when scanned; none for
    /// a tube without the lab's barcode (hand-labeled from outside).
    pub scanned: Option<String>,
}

/// Flags on a patient result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Flags {
    pub high: bool,
    pub low: bool,
    pub critical: bool,
    /// Hemolysis index at or above the assay's limit.
    pub hemolyzed: bool,
    /// Lipemic serum (index at or above the pack's limit), not yet cleared.
    #[serde(default)]
    pub lipemic: bool,
    pub above_amr: bool,
    pub delta_failed: bool,
}

impl Flags {
    /// A flag a technician must look at on its own before release: critical,
    /// a failed delta check, hemolysis, above the measuring range. High and
    /// low alone are released from the accession's screen.
    pub fn needs_review(&self) -> bool {
        self.critical || self.delta_failed || self.hemolyzed || self.lipemic || self.above_amr
    }
}

/// A scored observation: what happened, the rule, and where to look it up.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub at: SimTime,
    /// The catalogue rule's id.
    pub rule: &'static str,
    pub category: Category,
    pub severity: FindingSeverity,
    /// The specimen, analyzer or area it concerns ("" for the shift).
    pub subject: String,
    /// What happened, in plain words.
    pub what: String,
    /// What the rule requires.
    pub requirement: &'static str,
    pub citation: &'static str,
}
