//! The policy pack: an institution's test catalogue, critical values,
//! QC, rejection, safety, analysis and grading rules, as written.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{AnalyzerKind, Area, Corrective, Ppe, Sex, Transport, TubeKind, yes};

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
    /// Where a barcode label goes on a tube (CLSI AUTO02, AUTO12). Left out
    /// of the fingerprint while it is the default, so packs written before
    /// it keep their scenarios' logs.
    #[serde(default, skip_serializing_if = "RawLabeling::is_default")]
    pub labeling: RawLabeling,
    /// Aliquots, storage and add-ons (CLSI GP44): where finished specimens
    /// are kept, the tests sent to a reference lab with the storage each
    /// needs, and how long after collection a test may still be added on.
    #[serde(default, skip_serializing_if = "RawHandling::is_default")]
    pub handling: RawHandling,
}

/// Where a specimen or an aliquot is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Storage {
    /// 15–25 °C.
    Room,
    /// 2–8 °C.
    #[default]
    Refrigerated,
    /// −20 °C or colder.
    Frozen,
}

impl Storage {
    pub const ALL: [Storage; 3] = [Storage::Room, Storage::Refrigerated, Storage::Frozen];

    /// The storage in a technician's words.
    pub fn name(self) -> &'static str {
        match self {
            Storage::Room => "at room temperature (15–25 °C)",
            Storage::Refrigerated => "refrigerated (2–8 °C)",
            Storage::Frozen => "frozen (−20 °C)",
        }
    }
}

/// Aliquots, storage and add-ons.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Handling")]
pub struct RawHandling {
    /// Where a finished specimen is kept, capped, its serum or plasma on its gel.
    #[serde(default)]
    pub storage: Storage,
    /// Tests sent to a reference lab as a poured-off aliquot.
    #[serde(default)]
    pub send_outs: Vec<RawSendOut>,
    /// Tests that may be added on to a stored specimen, and until when.
    #[serde(default)]
    pub add_ons: Vec<RawAddOn>,
    #[serde(default)]
    pub citation: String,
}

impl RawHandling {
    pub fn is_default(&self) -> bool {
        *self == RawHandling::default()
    }

    pub fn send_out(&self, code: &str) -> Option<&RawSendOut> {
        self.send_outs.iter().find(|s| s.code == code)
    }

    /// How long after collection `test` may be added on, in minutes; `None`
    /// when the lab never adds it on (a new specimen is drawn).
    pub fn add_on_within(&self, test: &str) -> Option<u32> {
        self.add_ons.iter().find(|a| a.test == test).map(|a| a.within_min)
    }
}

/// A test sent to a reference laboratory: the aliquot it needs and how it is kept.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "SendOut")]
pub struct RawSendOut {
    pub code: String,
    pub name: String,
    /// How the aliquot is kept until it ships.
    pub storage: Storage,
    #[serde(default)]
    pub citation: String,
}

/// A test that may be added on to a stored specimen within `within_min` of collection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "AddOn")]
pub struct RawAddOn {
    pub test: String,
    pub within_min: u32,
    #[serde(default)]
    pub citation: String,
}

/// Where the lab's barcode label goes on a tube.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename = "Labeling")]
pub struct RawLabeling {
    /// The reader's zone: at least this far below the top of the tube…
    pub zone_top_mm: u8,
    /// …and this far above its bottom (CLSI AUTO02: about 10 and 9 mm).
    pub zone_bottom_mm: u8,
    /// The tube's length (a 13 × 100 mm tube: 100).
    pub tube_length_mm: u8,
    /// The barcode label's length along the tube (CLSI AUTO12: 2 in, 51 mm).
    pub label_length_mm: u8,
    /// Most a label may lean off the tube's length and still read (the lab's own tolerance).
    pub max_tilt_deg: u8,
    /// Most labels a tube may carry, the tube maker's counted (CLSI AUTO02: three).
    #[serde(default = "three")]
    pub max_labels: u8,
    #[serde(default)]
    pub citation: String,
}

fn three() -> u8 {
    3
}

impl Default for RawLabeling {
    fn default() -> Self {
        RawLabeling {
            zone_top_mm: 10,
            zone_bottom_mm: 9,
            tube_length_mm: 100,
            label_length_mm: 51,
            max_tilt_deg: 5,
            max_labels: 3,
            citation: String::new(),
        }
    }
}

impl RawLabeling {
    pub fn is_default(&self) -> bool {
        *self == RawLabeling::default()
    }

    /// Why a label `top_mm` below the top and `tilt_deg` off would not read, if it would not.
    pub fn unreadable(&self, top_mm: u8, tilt_deg: u8) -> Option<String> {
        let bottom = u16::from(top_mm) + u16::from(self.label_length_mm);
        let limit = u16::from(self.tube_length_mm.saturating_sub(self.zone_bottom_mm));
        if top_mm < self.zone_top_mm {
            Some(format!(
                "the label starts {top_mm} mm below the top, inside the {} mm the reader skips",
                self.zone_top_mm
            ))
        } else if bottom > limit {
            Some(format!(
                "the label ends {} mm from the bottom; the reader needs {} mm clear",
                u16::from(self.tube_length_mm).saturating_sub(bottom),
                self.zone_bottom_mm
            ))
        } else if tilt_deg > self.max_tilt_deg {
            Some(format!(
                "the label leans {tilt_deg}°, more than the {}° a reader tolerates",
                self.max_tilt_deg
            ))
        } else {
            None
        }
    }
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
    /// Other names authors and clinicians order the test by (`PT` and
    /// `PROTIME` for the INR): a scenario that uses one is pointed to `code`.
    /// Only validation reads them: they are not part of the scenario's
    /// fingerprint, since they never reach the simulation.
    #[serde(default, skip_serializing)]
    pub aliases: Vec<String>,
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
