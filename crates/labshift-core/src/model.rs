//! Checked scenario types: every id resolves, every time is a [`SimTime`],
//! every date a [`Date`]. Only [`crate::validate`] builds them.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::raw::{
    AnalyzerKind, CalibrationStatus, Category, Priority, RawCaregiver, RawCentrifuge, RawChoice,
    RawContainer, RawCriticalValue, RawFault, RawLimit, RawPolicyPack, RawRuleSet, RawTestDef, RawTrueValue,
    Sex, Tier, Transport, TubeKind,
};
use crate::time::{ClockTime, Date, SimTime};

/// A scenario that has passed validation, with its policy pack.
#[derive(Debug, Clone, Serialize)]
pub struct Scenario {
    pub meta: Meta,
    pub policy: Policy,
    pub lab: Lab,
    pub caregivers: Vec<Caregiver>,
    pub patients: Vec<Patient>,
    pub specimens: Vec<Specimen>,
    /// Sorted by time; events at the same time keep their file order.
    pub events: Vec<TimedFault>,
    /// Random picks among specimens, made by the session's seed (see [`crate::random`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    pub rubric: Rubric,
    /// Fingerprint of everything above, computed once when the scenario is
    /// checked (see [`crate::log::scenario_hash`]).
    #[serde(skip)]
    pub hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub tier: Tier,
    pub objectives: Vec<String>,
    pub date: Date,
    pub start: ClockTime,
    /// Length of the shift the trainee has.
    pub time_limit: SimTime,
    pub author: String,
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Lab {
    pub analyzers: Vec<Analyzer>,
    pub centrifuge: RawCentrifuge,
    pub sharps: RawContainer,
    pub biohazard: RawContainer,
    /// Whether the middleware releases results its rules pass.
    pub autoverification: bool,
    /// Every finished specimen is put in the storage rack before the shift ends.
    #[serde(skip_serializing_if = "crate::raw::is_false")]
    pub store_finished: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Analyzer {
    pub id: String,
    pub name: String,
    pub kind: AnalyzerKind,
    pub menu: Vec<String>,
    pub reagents: Vec<ReagentLot>,
    pub calibration: Vec<Calibration>,
    pub controls: Vec<Control>,
}

impl Analyzer {
    pub fn offers(&self, test: &str) -> bool {
        self.menu.iter().any(|t| t == test)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReagentLot {
    pub test: String,
    pub lot: String,
    pub expires: Date,
    pub remaining: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Calibration {
    pub test: String,
    pub last: Date,
    pub status: CalibrationStatus,
}

#[derive(Debug, Clone, Serialize)]
pub struct Control {
    pub test: String,
    pub level: u8,
    pub lot: String,
    pub expires: Date,
    pub mean: f64,
    pub sd: f64,
}

pub type Caregiver = RawCaregiver;

#[derive(Debug, Clone, Serialize)]
pub struct Patient {
    pub mrn: String,
    pub name: String,
    pub dob: Date,
    pub location: String,
    pub caregiver: String,
    pub sex: Option<Sex>,
    pub previous: Vec<PreviousResult>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousResult {
    pub test: String,
    pub value: f64,
    /// When it was resulted (negative: before the shift).
    pub at: SimTime,
}

#[derive(Debug, Clone, Serialize)]
pub struct Specimen {
    pub id: String,
    pub patient: String,
    pub arrives: SimTime,
    pub collected: SimTime,
    pub tube: TubeKind,
    pub label: Option<Label>,
    pub priority: Priority,
    pub tests: Vec<String>,
    pub fill_pct: u8,
    pub hemolysis_index: u8,
    pub lipemia_index: u8,
    pub icterus_index: u8,
    pub clotted: bool,
    pub leaking: bool,
    pub transport: Transport,
    /// Hand-labeled from outside the lab: accessioned and barcode-labeled here.
    #[serde(skip_serializing_if = "crate::raw::is_false")]
    pub outside: bool,
    /// The MRN the tube's collection barcode calls up, when it is another
    /// patient's (a barcode label printed for someone else).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub barcode_scans_as: Option<String>,
    /// Tests sent to a reference lab: an aliquot is poured off for them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub send_outs: Vec<String>,
    pub values: BTreeMap<String, TrueValue>,
}

/// The label as written: free text, possibly wrong or missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Label {
    pub name: Option<String>,
    pub mrn: Option<String>,
    pub dob: Option<String>,
    pub collected: Option<String>,
    pub collector: Option<String>,
}

pub type TrueValue = RawTrueValue;
pub type Fault = RawFault;
pub type Choice = RawChoice;

#[derive(Debug, Clone, Serialize)]
pub struct TimedFault {
    pub at: SimTime,
    /// The latest time the seed may move the event to (see [`crate::random`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latest: Option<SimTime>,
    pub fault: Fault,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rubric {
    pub pass_pct: u8,
    pub weights: BTreeMap<Category, u32>,
    /// Rules promoted to critical, by this scenario or its policy pack.
    pub critical: Vec<String>,
    /// Percent of the shift's work that must be done to pass.
    pub min_completion_pct: u8,
}

/// A validated policy pack.
#[derive(Debug, Clone, Serialize)]
pub struct Policy {
    pub pack: RawPolicyPack,
    /// Where each test code's definition and critical limits are in the
    /// pack: the engine looks them up on most actions. Derived, so not part
    /// of the scenario's fingerprint.
    #[serde(skip)]
    index: BTreeMap<String, (Option<usize>, Option<usize>)>,
}

impl Policy {
    pub fn new(pack: RawPolicyPack) -> Policy {
        let mut index: BTreeMap<String, (Option<usize>, Option<usize>)> = BTreeMap::new();
        for (i, t) in pack.tests.iter().enumerate().rev() {
            index.entry(t.code.clone()).or_default().0 = Some(i);
        }
        for (i, c) in pack.critical_values.iter().enumerate().rev() {
            index.entry(c.test.clone()).or_default().1 = Some(i);
        }
        Policy { pack, index }
    }

    pub fn test(&self, code: &str) -> Option<&RawTestDef> {
        self.index.get(code)?.0.and_then(|i| self.pack.tests.get(i))
    }

    pub fn critical(&self, code: &str) -> Option<&RawCriticalValue> {
        self.index.get(code)?.1.and_then(|i| self.pack.critical_values.get(i))
    }

    /// The Westgard rule set that applies to a test.
    pub fn rule_set_for(&self, code: &str) -> Option<&RawRuleSet> {
        let id = self.pack.qc.per_test.get(code).unwrap_or(&self.pack.qc.default_rule_set);
        self.pack.qc.rule_sets.iter().find(|r| &r.id == id)
    }
}

impl RawCriticalValue {
    /// Whether `x` lies beyond either critical limit.
    pub fn breached_by(&self, x: f64) -> bool {
        self.low.is_some_and(|l| l.breached_by(x)) || self.high.is_some_and(|l| l.breached_by(x))
    }
}

impl RawLimit {
    pub fn value(self) -> f64 {
        match self {
            RawLimit::Below(v) | RawLimit::AtOrBelow(v) | RawLimit::Above(v) | RawLimit::AtOrAbove(v) => v,
        }
    }

    /// Whether `x` lies beyond this limit.
    pub fn breached_by(self, x: f64) -> bool {
        match self {
            RawLimit::Below(v) => x < v,
            RawLimit::AtOrBelow(v) => x <= v,
            RawLimit::Above(v) => x > v,
            RawLimit::AtOrAbove(v) => x >= v,
        }
    }
}

impl TubeKind {
    /// Whether its serum or plasma is separated by centrifugation before
    /// testing (whole blood, a blood gas, urine and a culture are not spun).
    pub fn needs_centrifuge(self) -> bool {
        !matches!(
            self,
            TubeKind::LavenderEdta | TubeKind::BloodGasSyringe | TubeKind::UrineCup | TubeKind::BloodCulture
        )
    }

    /// Cap colour name and additive, as printed on the tube.
    pub fn cap_and_additive(self) -> (&'static str, &'static str) {
        match self {
            TubeKind::BloodCulture => ("culture bottle", "broth"),
            TubeKind::LightBlueCitrate => ("light blue", "3.2% Na citrate"),
            TubeKind::RedPlain => ("red", "no additive"),
            TubeKind::GoldSst => ("gold", "clot activator + gel"),
            TubeKind::GreenLithiumHeparin => ("green", "lithium heparin"),
            TubeKind::LavenderEdta => ("lavender", "K2 EDTA"),
            TubeKind::GrayFluorideOxalate => ("gray", "NaF / K oxalate"),
            TubeKind::BloodGasSyringe => ("syringe", "balanced heparin"),
            TubeKind::UrineCup => ("urine cup", "no additive"),
        }
    }

    /// Short additive text for a tube drawn small on screen.
    pub fn additive_short(self) -> &'static str {
        match self {
            TubeKind::BloodCulture => "BROTH",
            TubeKind::LightBlueCitrate => "CITRATE",
            TubeKind::RedPlain => "PLAIN",
            TubeKind::GoldSst => "SST",
            TubeKind::GreenLithiumHeparin => "LI HEP",
            TubeKind::LavenderEdta => "EDTA",
            TubeKind::GrayFluorideOxalate => "NaF",
            TubeKind::BloodGasSyringe => "HEP SYR",
            TubeKind::UrineCup => "URINE",
        }
    }

    /// Cap colour as sRGB bytes.
    pub fn cap_rgb(self) -> [u8; 3] {
        match self {
            TubeKind::BloodCulture => [70, 90, 120],
            TubeKind::LightBlueCitrate => [120, 190, 230],
            TubeKind::RedPlain => [200, 40, 40],
            TubeKind::GoldSst => [222, 176, 50],
            TubeKind::GreenLithiumHeparin => [40, 150, 80],
            TubeKind::LavenderEdta => [170, 130, 210],
            TubeKind::GrayFluorideOxalate => [140, 140, 145],
            TubeKind::BloodGasSyringe => [230, 230, 230],
            TubeKind::UrineCup => [240, 210, 60],
        }
    }
}
