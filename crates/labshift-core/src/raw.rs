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
    /// True analyte values, by test code.
    pub values: BTreeMap<String, RawTrueValue>,
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

// ---------------------------------------------------------------------------
// Policy pack
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "PolicyPack")]
pub struct RawPolicyPack {
    pub format: u32,
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub jurisdiction: String,
    pub tests: Vec<RawTestDef>,
    pub critical_values: Vec<RawCriticalValue>,
    pub critical_call: RawCriticalCall,
    pub qc: RawQcPolicy,
    pub rejection: RawRejection,
    pub ppe: Vec<RawPpeRule>,
    pub spill: RawSpillPolicy,
    pub centrifuge: RawCentrifugePolicy,
    /// Minutes from a STAT specimen's arrival to its results' release.
    #[serde(default = "sixty")]
    pub stat_turnaround_min: u32,
    /// How the institution grades a shift, beyond the rule catalogue.
    #[serde(default)]
    pub grading: RawGrading,
    /// How long results take on each kind of analyzer, and whether the
    /// middleware releases results its rules pass.
    #[serde(default)]
    pub analysis: RawAnalysisPolicy,
}

/// The analyzers' run times and the middleware's autoverification.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "AnalysisPolicy")]
pub struct RawAnalysisPolicy {
    /// Minutes from loading a specimen to its results, by analyzer kind; a
    /// kind left out takes its typical time ([`RawAnalysisPolicy::typical_run_min`]).
    #[serde(default)]
    pub run_min: Vec<RawRunTime>,
    /// Whether results that pass the autoverification rules (no flag that
    /// needs review, QC accepted, a first run) are released by the
    /// middleware; the rest are held for the technician (CLSI AUTO10, AUTO15).
    #[serde(default = "yes")]
    pub autoverification: bool,
    #[serde(default)]
    pub citation: String,
}

/// How long one kind of analyzer takes to give a specimen's results.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "RunTime")]
pub struct RawRunTime {
    pub kind: AnalyzerKind,
    pub minutes: u32,
}

impl RawAnalysisPolicy {
    /// Typical minutes to a result by analyzer kind: a photometric chemistry
    /// panel about 10, a CBC 1–2, a PT 3–5, a urinalysis strip and
    /// sediment about 2, an immunoassay about 18, a blood gas about 1.
    pub fn typical_run_min(kind: AnalyzerKind) -> u32 {
        match kind {
            AnalyzerKind::Chemistry => 10,
            AnalyzerKind::Hematology => 2,
            AnalyzerKind::Coagulation => 4,
            AnalyzerKind::Urinalysis => 2,
            AnalyzerKind::Immunoassay => 18,
            AnalyzerKind::BloodGas => 1,
        }
    }

    /// Minutes to a result on this kind of analyzer.
    pub fn run_min(&self, kind: AnalyzerKind) -> u32 {
        self.run_min.iter().find(|r| r.kind == kind).map_or(Self::typical_run_min(kind), |r| r.minutes)
    }
}

impl Default for RawAnalysisPolicy {
    fn default() -> RawAnalysisPolicy {
        RawAnalysisPolicy { run_min: Vec::new(), autoverification: true, citation: String::new() }
    }
}

/// A policy pack's grading defaults.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Grading")]
pub struct RawGrading {
    /// Percent of the shift's work that must be done to pass, whatever the
    /// points (a scenario's rubric may set its own).
    #[serde(default = "ninety")]
    pub min_completion_pct: u8,
    /// Rule ids this institution makes critical, on top of the catalogue's.
    #[serde(default)]
    pub critical: Vec<String>,
}

impl Default for RawGrading {
    fn default() -> RawGrading {
        RawGrading { min_completion_pct: ninety(), critical: Vec::new() }
    }
}

fn ninety() -> u8 {
    90
}

fn seven() -> u32 {
    7
}

fn sixty() -> u32 {
    60
}

/// A test in the institution's catalogue.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "TestDef")]
pub struct RawTestDef {
    pub code: String,
    pub name: String,
    pub unit: String,
    /// Tubes the test accepts.
    pub tubes: Vec<TubeKind>,
    /// Reference interval (low, high); for a patient of unknown sex when
    /// `reference_by_sex` is given.
    pub reference: (f64, f64),
    /// Reference intervals by sex (hemoglobin: about 13.5–17.5 g/dL in men,
    /// 12.0–15.5 in women).
    #[serde(default)]
    pub reference_by_sex: Option<RawSexReference>,
    /// Analytical measurement range (low, high).
    pub amr: (f64, f64),
    /// Decimals reported.
    #[serde(default)]
    pub decimals: u8,
    /// Hemolysis index at which the result is unreliable, and its bias per index unit.
    #[serde(default)]
    pub hemolysis: Option<RawHemolysis>,
    /// Change from the previous result that triggers a delta check.
    #[serde(default)]
    pub delta: Option<RawDelta>,
    /// Longest a whole-blood specimen may wait uncentrifuged, in minutes.
    #[serde(default)]
    pub uncentrifuged_max_min: Option<u32>,
    /// Longest from collection to the lab for this test in its tube, in
    /// minutes (an EDTA CBC keeps about 24 h, an aPTT 4 h); the pack's
    /// `rejection.transport_max_min` when left out.
    #[serde(default)]
    pub stability_min: Option<u32>,
    /// Required transport temperature, if not ambient.
    #[serde(default)]
    pub transport: Option<Transport>,
}

/// A test's reference intervals for women and men.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "SexReference")]
pub struct RawSexReference {
    pub female: (f64, f64),
    pub male: (f64, f64),
}

impl RawTestDef {
    /// The reference interval that applies to a patient of this sex.
    pub fn reference_for(&self, sex: Option<Sex>) -> (f64, f64) {
        match (self.reference_by_sex, sex) {
            (Some(r), Some(Sex::Female)) => r.female,
            (Some(r), Some(Sex::Male)) => r.male,
            _ => self.reference,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Hemolysis")]
pub struct RawHemolysis {
    pub limit_index: u8,
    pub bias_per_index: f64,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename = "Delta")]
pub enum RawDelta {
    Absolute(f64),
    Percent(f64),
}

/// One line of the critical (panic) value list.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "CriticalValue")]
pub struct RawCriticalValue {
    pub test: String,
    pub unit: String,
    #[serde(default)]
    pub low: Option<RawLimit>,
    #[serde(default)]
    pub high: Option<RawLimit>,
}

/// A critical limit and its comparison.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Limit")]
pub enum RawLimit {
    Below(f64),
    AtOrBelow(f64),
    Above(f64),
    AtOrAbove(f64),
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "CriticalCall")]
pub struct RawCriticalCall {
    /// Minutes from result availability to a completed, read-back call.
    pub deadline_min: u32,
    /// Minutes without reaching the caregiver before escalating.
    pub escalate_after_min: u32,
    pub read_back_required: bool,
    /// Credentials of caregivers who may receive a critical result.
    pub accepted_credentials: Vec<String>,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "QcPolicy")]
pub struct RawQcPolicy {
    pub rule_sets: Vec<RawRuleSet>,
    /// Rule set used for a test not listed in `per_test`.
    pub default_rule_set: String,
    #[serde(default)]
    pub per_test: BTreeMap<String, String>,
    pub frequency: Vec<RawControlFrequency>,
    /// The corrective actions of each kind of analyzer, in the pack's words,
    /// with the time each takes; a kind left out has the typical ones
    /// ([`RawQcPolicy::corrective_for`]).
    #[serde(default)]
    pub corrective: Vec<RawCorrective>,
}

/// One corrective action on one kind of analyzer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "CorrectiveAction")]
pub struct RawCorrective {
    pub kind: AnalyzerKind,
    pub action: Corrective,
    /// What it is on this kind of analyzer, as the bench says it.
    pub does: String,
    /// Minutes the test is out of use while it is done; its controls are
    /// rerun after it (the verification).
    #[serde(default)]
    pub minutes: u32,
    #[serde(default)]
    pub citation: String,
}

impl RawQcPolicy {
    /// The corrective actions on a kind of analyzer: the pack's, or else the
    /// typical ones (no user recalibration of a coagulation assay: its shift
    /// is fixed with a new reagent vial or lot).
    pub fn corrective_for(&self, kind: AnalyzerKind) -> Vec<RawCorrective> {
        let listed: Vec<RawCorrective> = self.corrective.iter().filter(|c| c.kind == kind).cloned().collect();
        if !listed.is_empty() {
            return listed;
        }
        let typical: &[(Corrective, &str, u32)] = match kind {
            AnalyzerKind::Coagulation => &[
                (Corrective::NewReagentLot, "New reagent vial or lot, then verify", 10),
                (Corrective::NewControlVial, "Open a new control vial", 10),
                (Corrective::Maintenance, "Clean the probes, check the cuvettes", 15),
                (Corrective::CallService, "Call the manufacturer's service", 0),
            ],
            AnalyzerKind::Hematology => &[
                (Corrective::NewControlVial, "Warm, mix and open a new control vial", 15),
                (Corrective::Maintenance, "Clean the apertures (bleach cycle)", 10),
                (Corrective::Recalibrate, "Recalibrate with the calibrator", 20),
                (Corrective::CallService, "Call the manufacturer's service", 0),
            ],
            _ => &[
                (Corrective::Recalibrate, "Recalibrate the assay", 15),
                (Corrective::NewReagentLot, "Load a new reagent lot", 5),
                (Corrective::NewControlVial, "Open a new control vial", 10),
                (Corrective::Maintenance, "Probe, lamp and electrode maintenance", 20),
                (Corrective::CallService, "Call the manufacturer's service", 0),
            ],
        };
        typical
            .iter()
            .map(|(action, does, minutes)| RawCorrective {
                kind,
                action: *action,
                does: (*does).to_owned(),
                minutes: *minutes,
                citation: String::new(),
            })
            .collect()
    }
}

/// A Westgard multirule set: data, so an institution can choose its own.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "RuleSet")]
pub struct RawRuleSet {
    pub id: String,
    /// Number of control levels per run the set is designed for (2 or 3).
    pub levels: u8,
    /// Whether a 1-2s warning must fire before the other rules are examined.
    pub warning_gate: bool,
    /// Rejection rules, e.g. `"1-3s"`, `"2-2s"`, `"R-4s"`.
    pub rules: Vec<String>,
}

/// How often controls must run for an analyzer kind (CLIA).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "ControlFrequency")]
pub struct RawControlFrequency {
    pub kind: AnalyzerKind,
    pub levels: u8,
    pub every_h: u32,
    #[serde(default)]
    pub at_reagent_change: bool,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Rejection")]
pub struct RawRejection {
    /// Patient identifiers a label must carry (NPSG.01.01.01: two).
    pub identifiers_required: u8,
    /// Minimum fill of a citrate tube, percent (CLSI H21: 90).
    pub citrate_min_fill_pct: u8,
    /// Minimum fill of any other tube, percent.
    pub min_fill_pct: u8,
    /// Longest a specimen may wait uncentrifuged, unless its test says less.
    pub uncentrifuged_max_min: u32,
    /// Longest from collection to arrival in the lab, for a test that sets
    /// no `stability_min` of its own.
    pub transport_max_min: u32,
    /// Days a rejected specimen is kept, with its reason in the LIS, before
    /// it is discarded (42 CFR 493.1283(a)(3); CLSI GP33).
    #[serde(default = "seven")]
    pub retention_days: u32,
    /// Index at which lipemia or icterus makes a specimen unacceptable.
    pub lipemia_limit_index: u8,
    pub icterus_limit_index: u8,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "PpeRule")]
pub struct RawPpeRule {
    pub area: Area,
    #[serde(default)]
    pub require: Vec<Ppe>,
    /// PPE that must not be worn there (gloves at the phone).
    #[serde(default)]
    pub forbid: Vec<Ppe>,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "SpillPolicy")]
pub struct RawSpillPolicy {
    pub disinfectant: String,
    /// Dilution 1:N.
    pub dilution_one_in: u32,
    pub contact_time_min: u32,
    pub citation: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "CentrifugePolicy")]
pub struct RawCentrifugePolicy {
    /// Minutes to wait before opening the lid after a breakage.
    pub breakage_wait_min: u32,
    pub citation: String,
}
