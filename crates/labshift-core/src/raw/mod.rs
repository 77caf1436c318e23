//! Raw file types: serde structs that mirror the RON files field by field.
//!
//! Ids are plain strings and times are the strings the author wrote; nothing
//! here is cross-checked. [`crate::validate`] turns these into the checked
//! [`crate::model`] types and reports every problem at once.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the scenario and policy-pack formats this build reads.
pub const FORMAT_VERSION: u32 = 1;

// ---------------------------------------------------------------------------
// Shared vocabulary
// ---------------------------------------------------------------------------

/// Career tier a scenario is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tier {
    Junior,
    Technician,
    Senior,
    Lead,
}

/// Collection tube, in the CLSI GP41 order of draw. The kind fixes cap colour
/// and additive, as the tube manufacturer does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum TubeKind {
    BloodCulture,
    LightBlueCitrate,
    RedPlain,
    GoldSst,
    GreenLithiumHeparin,
    LavenderEdta,
    GrayFluorideOxalate,
    BloodGasSyringe,
    UrineCup,
}

/// How a specimen travelled to the lab.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Transport {
    Ambient,
    Refrigerated,
    OnIce,
    Frozen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Priority {
    Routine,
    Stat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum AnalyzerKind {
    Chemistry,
    Hematology,
    Coagulation,
    Urinalysis,
    Immunoassay,
    BloodGas,
}

/// Corrective actions after a QC rejection (DOMAIN §2): what each one does
/// on a kind of analyzer, and how long it takes, is the policy pack's
/// (`qc.corrective`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Corrective {
    Recalibrate,
    NewReagentLot,
    NewControlVial,
    Maintenance,
    CallService,
}

/// A patient's sex as the LIS records it, for sex-specific reference intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Sex {
    Female,
    Male,
}

/// Personal protective equipment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Ppe {
    Gloves,
    Coat,
    FaceShield,
}

/// Areas of the bench, for PPE rules and spill locations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Area {
    Reception,
    Processing,
    Analyzers,
    Qc,
    /// LIS terminal and phone: a clean area.
    Office,
    Spill,
}

impl Area {
    /// The place as a technician names it in a sentence: "at the centrifuge".
    pub fn words(self) -> &'static str {
        match self {
            Area::Reception => "reception",
            Area::Processing => "the centrifuge",
            Area::Analyzers => "the analyzers",
            Area::Qc => "the QC bench",
            Area::Office => "the LIS terminal and phone",
            Area::Spill => "the spill",
        }
    }
}

/// Scoring categories of findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Category {
    Identification,
    Processing,
    Qc,
    Analytical,
    Reporting,
    CriticalCommunication,
    Safety,
    Timeliness,
}

impl Category {
    pub const ALL: [Category; 8] = [
        Category::Identification,
        Category::Processing,
        Category::Qc,
        Category::Analytical,
        Category::Reporting,
        Category::CriticalCommunication,
        Category::Safety,
        Category::Timeliness,
    ];

    /// The category's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Category::Identification => "Identification",
            Category::Processing => "Processing",
            Category::Qc => "Quality control",
            Category::Analytical => "Analytical",
            Category::Reporting => "Reporting",
            Category::CriticalCommunication => "Critical communication",
            Category::Safety => "Safety",
            Category::Timeliness => "Timeliness",
        }
    }
}

/// Calibration state of an analyzer test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CalibrationStatus {
    Valid,
    Due,
    Failed,
}

// ---------------------------------------------------------------------------
// Scenario
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Scenario")]
pub struct RawScenario {
    pub format: u32,
    pub meta: RawMeta,
    /// Path of the policy pack, relative to the scenario file's folder.
    pub policy: String,
    pub lab: RawLab,
    #[serde(default)]
    pub caregivers: Vec<RawCaregiver>,
    #[serde(default)]
    pub patients: Vec<RawPatient>,
    #[serde(default)]
    pub specimens: Vec<RawSpecimen>,
    #[serde(default)]
    pub events: Vec<RawEvent>,
    /// Random picks, made by the session's seed: "one of these specimens is hemolyzed".
    #[serde(default)]
    pub choices: Vec<RawChoice>,
    pub rubric: RawRubric,
}

/// The seed picks `pick` of the specimens listed in `of` and changes them as
/// `set` says; the others stay as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Choice")]
pub struct RawChoice {
    #[serde(default = "one_u32")]
    pub pick: u32,
    /// Specimen ids to pick from.
    pub of: Vec<String>,
    pub set: RawSpecimenChange,
}

fn one_u32() -> u32 {
    1
}

/// What a choice changes on the specimens it picks; fields left out stay as
/// the specimen has them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Change")]
pub struct RawSpecimenChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hemolysis_index: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lipemia_index: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icterus_index: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fill_pct: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clotted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leaking: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transport: Option<Transport>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    /// True values replaced, by test code.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, RawTrueValue>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Meta")]
pub struct RawMeta {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub summary: String,
    pub tier: Tier,
    #[serde(default)]
    pub objectives: Vec<String>,
    /// Shift date, `YYYY-MM-DD`.
    pub date: String,
    /// Clock time the shift starts, `HH:MM`.
    pub start: String,
    /// Minutes the trainee has for the shift.
    pub time_limit_min: u32,
    #[serde(default)]
    pub author: String,
    #[serde(default = "default_version")]
    pub version: String,
}

fn default_version() -> String {
    "1.0".to_owned()
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Lab")]
pub struct RawLab {
    pub analyzers: Vec<RawAnalyzer>,
    #[serde(default)]
    pub centrifuge: RawCentrifuge,
    #[serde(default = "default_sharps")]
    pub sharps: RawContainer,
    #[serde(default = "default_biohazard")]
    pub biohazard: RawContainer,
    /// Whether this lab's middleware autoverifies results; the pack's
    /// `analysis.autoverification` when left out (`false` teaches the review
    /// of every result by hand).
    #[serde(default)]
    pub autoverification: Option<bool>,
    /// The shift ends with every finished specimen capped in the storage
    /// rack, kept as the pack's `handling.storage` says (for add-ons).
    #[serde(default, skip_serializing_if = "is_false")]
    pub store_finished: bool,
}

fn default_sharps() -> RawContainer {
    RawContainer { capacity: 40, fill: 5 }
}

fn default_biohazard() -> RawContainer {
    RawContainer { capacity: 60, fill: 10 }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Analyzer")]
pub struct RawAnalyzer {
    pub id: String,
    pub name: String,
    pub kind: AnalyzerKind,
    /// Test codes this analyzer runs; each must be in the policy pack's catalogue.
    pub menu: Vec<String>,
    #[serde(default)]
    pub reagents: Vec<RawReagentLot>,
    #[serde(default)]
    pub calibration: Vec<RawCalibration>,
    #[serde(default)]
    pub controls: Vec<RawControl>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "ReagentLot")]
pub struct RawReagentLot {
    pub test: String,
    pub lot: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    /// Tests left on board.
    pub remaining: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Calibration")]
pub struct RawCalibration {
    pub test: String,
    /// Date of the last calibration, `YYYY-MM-DD`.
    pub last: String,
    pub status: CalibrationStatus,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Control")]
pub struct RawControl {
    pub test: String,
    /// Control level, numbered from 1.
    pub level: u8,
    pub lot: String,
    /// `YYYY-MM-DD`.
    pub expires: String,
    pub mean: f64,
    pub sd: f64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Centrifuge")]
pub struct RawCentrifuge {
    #[serde(default = "default_slots")]
    pub slots: u8,
    #[serde(default = "default_spin_min")]
    pub spin_min: u32,
}

fn default_slots() -> u8 {
    12
}

fn default_spin_min() -> u32 {
    10
}

impl Default for RawCentrifuge {
    fn default() -> Self {
        RawCentrifuge { slots: default_slots(), spin_min: default_spin_min() }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Container")]
pub struct RawContainer {
    pub capacity: u32,
    #[serde(default)]
    pub fill: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Caregiver")]
pub struct RawCaregiver {
    pub id: String,
    pub name: String,
    /// e.g. `MD`, `RN`: must be one the policy pack accepts for critical calls.
    pub credentials: String,
    pub phone: String,
    #[serde(default = "yes")]
    pub reachable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Patient")]
pub struct RawPatient {
    pub mrn: String,
    /// `Last, First`.
    pub name: String,
    /// `YYYY-MM-DD`.
    pub dob: String,
    pub location: String,
    /// Id of the ordering caregiver.
    pub caregiver: String,
    /// For sex-specific reference intervals; unknown when left out (the
    /// test's own `reference` applies).
    #[serde(default)]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub previous: Vec<RawPreviousResult>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "PreviousResult")]
pub struct RawPreviousResult {
    pub test: String,
    pub value: f64,
    /// Hours before the shift start.
    pub hours_ago: u32,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Specimen")]
pub struct RawSpecimen {
    pub id: String,
    /// MRN of the patient the specimen truly came from.
    pub patient: String,
    /// Clock time it reaches the reception tray.
    pub arrives: String,
    /// Clock time it was truly drawn.
    pub collected: String,
    pub tube: TubeKind,
    /// The label as written; `None` is an unlabeled tube.
    pub label: Option<RawLabel>,
    pub priority: Priority,
    /// Tests ordered on the requisition.
    pub tests: Vec<String>,
    #[serde(default = "full")]
    pub fill_pct: u8,
    #[serde(default)]
    pub hemolysis_index: u8,
    #[serde(default)]
    pub lipemia_index: u8,
    #[serde(default)]
    pub icterus_index: u8,
    #[serde(default)]
    pub clotted: bool,
    #[serde(default)]
    pub leaking: bool,
    #[serde(default = "ambient")]
    pub transport: Transport,
    /// It came hand-labeled from outside the lab, without the lab's barcode:
    /// it is accessioned in the LIS and its printed barcode label applied.
    #[serde(default, skip_serializing_if = "is_false")]
    pub outside: bool,
    /// The collection barcode on the tube was printed for another patient's
    /// order: scanned at receipt it calls up this MRN, not the requisition's.
    /// Left out, the barcode calls up the tube's own order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub barcode_scans_as: Option<String>,
    /// Tests sent to a reference lab (codes of the pack's `handling.send_outs`):
    /// an aliquot is poured off for them and stored as each needs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub send_outs: Vec<String>,
    /// True analyte values, by test code.
    pub values: BTreeMap<String, RawTrueValue>,
}

/// For fields left out of the scenario's fingerprint while they are off,
/// so scenarios written before them keep their logs.
pub fn is_false(b: &bool) -> bool {
    !*b
}

fn one() -> f64 {
    1.0
}

fn full() -> u8 {
    100
}

fn ambient() -> Transport {
    Transport::Ambient
}

/// The label on the tube as the collector wrote it. Any field may be missing
/// or wrong: spotting that is the trainee's job, not a file error.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Label")]
pub struct RawLabel {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub mrn: Option<String>,
    #[serde(default)]
    pub dob: Option<String>,
    #[serde(default)]
    pub collected: Option<String>,
    #[serde(default)]
    pub collector: Option<String>,
}

/// A true analyte value: fixed, or drawn by the session's seed.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename = "TrueValue")]
pub enum RawTrueValue {
    Exact(f64),
    /// Uniform between low and high (inclusive).
    Between(f64, f64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Event")]
pub struct RawEvent {
    /// Clock time the event happens.
    pub at: String,
    /// If given, the event happens at a whole minute the seed picks between
    /// `at` and `latest`.
    #[serde(default)]
    pub latest: Option<String>,
    pub fault: RawFault,
}

/// Something the scenario makes happen during the shift.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Fault")]
pub enum RawFault {
    /// Controls (and patients) read `sd` control SDs high (or low if negative)
    /// from now on, scattering `spread` SDs around the shifted mean (1: as the
    /// control's own SD; smaller makes the QC story certain).
    QcShift {
        analyzer: String,
        test: String,
        sd: f64,
        /// If given, the seed picks the shift between `sd` and `sd_max`
        /// (to a tenth of an SD).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sd_max: Option<f64>,
        #[serde(default = "one")]
        spread: f64,
    },
    /// A bias growing by `sd_per_hour` control SDs every hour.
    QcDrift { analyzer: String, test: String, sd_per_hour: f64 },
    /// Random error: the SD is multiplied by `factor`.
    Imprecision { analyzer: String, test: String, factor: f64 },
    /// One level's control material has deteriorated (left warm, past its
    /// open stability): that control reads `sd` SDs off while patients read
    /// true. A new control vial is the fix.
    ControlDeteriorated { analyzer: String, test: String, level: u8, sd: f64 },
    /// The on-board reagent for a test runs out.
    ReagentOut { analyzer: String, test: String },
    /// The analyzer stops with an error code until serviced.
    AnalyzerError { analyzer: String, code: String, message: String },
    /// A blood spill at an area of the bench.
    Spill { area: Area, volume_ml: u32 },
    /// A caregiver stops answering the phone, for `minutes` or the rest of the shift.
    CaregiverUnreachable {
        caregiver: String,
        #[serde(default)]
        minutes: Option<u32>,
    },
    /// A STAT add-on order for a specimen already in the lab.
    StatOrder { specimen: String, tests: Vec<String> },
    /// A caregiver asks for tests to be added to a specimen the lab keeps
    /// ("add calcium to this morning's sample"): the technician checks each
    /// test's stability and adds them on, or asks for a new collection.
    AddOnRequest { specimen: String, tests: Vec<String> },
    /// A specimen not yet accepted hemolyzes (a rough draw, a bumpy tube
    /// system): its hemolysis index becomes `index`.
    Hemolysis { specimen: String, index: u8 },
    /// A colleague offers a coffee at the bench.
    CoffeeOffered,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Rubric")]
pub struct RawRubric {
    /// Overall percentage needed to pass (with no critical error).
    pub pass_pct: u8,
    /// Weight of each category in the overall score; weights add up to 100.
    pub weights: BTreeMap<Category, u32>,
    /// Rule ids that fail the attempt, on top of the rules critical by default.
    #[serde(default)]
    pub critical: Vec<String>,
    /// Percent of the shift's work that must be done to pass; the policy
    /// pack's `grading.min_completion_pct` when left out.
    #[serde(default)]
    pub min_completion_pct: Option<u8>,
}

mod pack;
pub use pack::*;
