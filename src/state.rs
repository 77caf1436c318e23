//! The app's state: which screen is shown and, on the bench, which panel is
//! open and which tube is in hand. Every layer may read it; the screens
//! (`crate::screens`) draw each screen and the panels (`crate::panels`) each panel.

use bevy::prelude::*;

/// What the user is looking at.
#[derive(States, Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Screen {
    #[default]
    Title,
    /// Every scenario in the scenarios folder.
    Select,
    /// Objectives, policy highlights, mode and trainee name.
    Briefing,
    /// The lab bench, playing the shift.
    Bench,
    /// Pass or fail, scores, findings, charts.
    Debrief,
    /// A scenario that could not be loaded: its diagnostics, instead of a crash.
    Diagnostics,
}

/// Which panel is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Panel {
    /// Arrived specimens waiting for reception.
    Reception,
    /// One specimen: its tube, its label beside the requisition, what to do with it.
    Specimen(String),
    RejectReasons(String),
    Centrifuge,
    Analyzer(usize),
    /// QC of one analyzer; the test whose Levey-Jennings chart is shown.
    Qc(usize, String),
    QcReject(usize, String),
    Corrective(usize, String),
    Lis,
    Result(String, String),
    Phone,
    Call(String, String),
    Ppe,
    Sink,
    Sharps,
    Biohazard,
    Spill,
    /// A colleague's coffee at the bench (while it is there).
    Coffee,
    /// The label & barcode station: the tubes from outside the lab.
    LabelStation,
    /// One tube's barcode label, close up, as the trainee would place it.
    Label(String, LabelDraft),
    /// One tube's send-out aliquot, storage and add-on request.
    Handling(String),
}

/// Where the trainee holds a barcode label before applying it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelDraft {
    pub top_mm: u8,
    pub tilt_deg: u8,
    pub face: labshift_core::action::LabelFace,
}

impl LabelDraft {
    /// The label as it comes off the printer, held near the top of the tube.
    pub const START: LabelDraft =
        LabelDraft { top_mm: 4, tilt_deg: 10, face: labshift_core::action::LabelFace::PatientLabel };
}

/// The bench's open panel and the tube in hand.
#[derive(Resource, Debug, Default, Clone)]
pub struct BenchUi {
    pub panel: Option<Panel>,
    pub selected: Option<String>,
    /// The label and requisition drawn large, to compare identifiers.
    pub zoom: bool,
    /// End was pressed once: a second press ends the shift, any other key carries on.
    pub end_asked: bool,
}
