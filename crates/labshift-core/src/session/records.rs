//! The records every bench shares: each specimen's path through the lab and
//! its patient results. Benches meet here, not in each other's state.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::Session;
use super::events::{Flags, Rejected, no};
use crate::action::RejectReason;
use crate::model::Specimen;
use crate::time::SimTime;

/// Whether a test's QC allowed it to be reported when it was measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum QcAtMeasure {
    Valid,
    NotRun,
    Rejected,
    /// QC was accepted although it broke a rejection rule.
    AcceptedInError,
}

/// One measured test of a specimen, from the analyzer to the chart.
#[derive(Debug, Clone)]
pub(super) struct PatientResult {
    pub(super) analyzer: String,
    pub(super) value: f64,
    pub(super) measured_at: SimTime,
    /// When the analyzer gives the result: until then it is still running.
    pub(super) ready_at: SimTime,
    /// Whether it was measured again (repeated or diluted): a rerun is the
    /// technician's to review, never autoverified.
    pub(super) rerun: bool,
    /// Whether the middleware released it.
    pub(super) autoverified: bool,
    pub(super) qc: QcAtMeasure,
    pub(super) chart_mrn: String,
    pub(super) flags: Flags,
    pub(super) diluted: bool,
    pub(super) reviewed_at: Option<SimTime>,
    pub(super) released_at: Option<SimTime>,
    pub(super) held: bool,
    /// Not reported because of the specimen's quality; recollected for this test.
    pub(super) suppressed: bool,
    /// Why the released result is wrong on the patient's chart, if it is.
    pub(super) wrong: Option<String>,
}

/// A specimen's record: where it is in the lab and what was measured on it.
#[derive(Debug, Clone, Default)]
pub(super) struct SpecimenState {
    /// Where the specimen stands in the scenario's list: looked up by id on
    /// most actions, it must not cost a search through the whole shift.
    pub(super) index: usize,
    pub(super) arrived: bool,
    pub(super) received: bool,
    /// Whether its label was compared with the requisition.
    pub(super) label_compared: bool,
    pub(super) accepted: bool,
    pub(super) rejected: Option<RejectReason>,
    /// Its reasons for rejection, settled when it was accepted or rejected
    /// (nothing changes a specimen once it is decided).
    pub(super) defects: Option<Vec<RejectReason>>,
    pub(super) recollect_requested: bool,
    /// Whether an occurrence report was filed for it.
    pub(super) occurrence_reported: bool,
    pub(super) broken: bool,
    pub(super) in_centrifuge: bool,
    pub(super) centrifuged_at: Option<SimTime>,
    /// Whether its lipemic serum was cleared by a high-speed spin.
    pub(super) lipemia_cleared: bool,
    pub(super) add_ons: Vec<String>,
    pub(super) results: BTreeMap<String, PatientResult>,
    /// Accessioned in the LIS (a specimen from outside the lab).
    pub(super) accessioned: bool,
    /// The lab's barcode label as it was applied, if it is on.
    pub(super) barcode: Option<BarcodeLabel>,
    /// Barcode labels stuck over the first instead of peeling it off.
    pub(super) extra_barcodes: u8,
    /// Its poured-off aliquot for tests sent out, once begun.
    pub(super) aliquot: Option<super::handling::Aliquot>,
    /// The primary tube's cap is off (aliquoting).
    pub(super) uncapped: bool,
    /// Where it is kept in the storage rack, while it is there.
    pub(super) stored: Option<crate::raw::Storage>,
    /// Caregivers' requests to add tests on to it.
    pub(super) add_on_requests: Vec<super::handling::AddOnRequest>,
}

/// A barcode label on a tube, as the trainee applied it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct BarcodeLabel {
    pub(super) top_mm: u8,
    pub(super) tilt_deg: u8,
    pub(super) face: crate::action::LabelFace,
}

impl SpecimenState {
    /// Whether the specimen owes its ordered results: acceptable (`defects`
    /// empty), not rejected, not broken.
    pub(super) fn owes_results(&self, defects: &[RejectReason]) -> bool {
        defects.is_empty() && !self.broken && self.rejected.is_none()
    }
}

/// What the shells (and the reference player) may see of a specimen.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecimenView {
    pub id: String,
    pub arrived: bool,
    pub received: bool,
    /// Whether its label was compared with the requisition.
    pub label_compared: bool,
    pub accepted: bool,
    pub rejected: Option<RejectReason>,
    pub recollect_requested: bool,
    pub occurrence_reported: bool,
    pub broken: bool,
    pub in_centrifuge: bool,
    pub centrifuged: bool,
    pub lipemia_cleared: bool,
    /// In the storage rack: taken out before it is run again.
    pub stored: bool,
    pub needs_centrifuge: bool,
    /// Ordered tests, add-ons included.
    pub tests: Vec<String>,
    pub results: Vec<ResultView>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultView {
    pub test: String,
    pub analyzer: String,
    /// Whether the analyzer has given the result; until `ready_at` it is running.
    pub ready: bool,
    pub ready_at: SimTime,
    pub value: f64,
    pub flags: Flags,
    pub diluted: bool,
    pub reviewed: bool,
    pub held: bool,
    pub suppressed: bool,
    pub released: bool,
    /// Released by the middleware's autoverification rules.
    pub autoverified: bool,
}

impl Session {
    /// The scenario's specimen of that id.
    pub(super) fn spec(&self, id: &str) -> Result<&Specimen, Rejected> {
        self.spec_index(id)
            .map(|i| &self.scenario.specimens[i])
            .ok_or_else(|| no(format!("no specimen `{id}`")))
    }

    /// The specimen's place in the scenario's list.
    pub(super) fn spec_index(&self, id: &str) -> Option<usize> {
        self.specimens.get(id).map(|r| r.index)
    }

    /// The specimen's record.
    pub(super) fn state(&self, id: &str) -> Result<&SpecimenState, Rejected> {
        self.specimens.get(id).ok_or_else(|| no(format!("no specimen `{id}`")))
    }

    pub(super) fn arrived(&self, id: &str, at: SimTime) -> Result<(), Rejected> {
        let s = self.spec(id)?;
        if s.arrives > at {
            return Err(no(format!("{id} has not arrived yet")));
        }
        Ok(())
    }

    pub(super) fn result(&self, specimen: &str, test: &str) -> Result<&PatientResult, Rejected> {
        self.state(specimen)?.results.get(test).ok_or_else(|| no(format!("{specimen} has no {test} result")))
    }

    /// A result the analyzer has given: refused while it is still running.
    pub(super) fn ready_result(&self, specimen: &str, test: &str) -> Result<&PatientResult, Rejected> {
        let r = self.result(specimen, test)?;
        if r.ready_at > self.now {
            let ready = self.scenario.meta.start.plus(r.ready_at).to_string_full();
            return Err(no(format!(
                "{specimen} {test} is still running on {}: ready at {ready}",
                r.analyzer
            )));
        }
        Ok(r)
    }

    pub(super) fn result_mut(&mut self, specimen: &str, test: &str) -> Option<&mut PatientResult> {
        self.specimens.get_mut(specimen).and_then(|s| s.results.get_mut(test))
    }

    pub fn specimen_view(&self, id: &str) -> Option<SpecimenView> {
        let spec = self.spec(id).ok()?;
        let s = self.specimens.get(id)?;
        Some(SpecimenView {
            id: id.to_owned(),
            arrived: s.arrived,
            received: s.received,
            label_compared: s.label_compared,
            accepted: s.accepted,
            rejected: s.rejected,
            recollect_requested: s.recollect_requested,
            occurrence_reported: s.occurrence_reported,
            broken: s.broken,
            in_centrifuge: s.in_centrifuge,
            centrifuged: s.centrifuged_at.is_some(),
            lipemia_cleared: s.lipemia_cleared,
            stored: s.stored.is_some(),
            needs_centrifuge: spec.tube.needs_centrifuge(),
            tests: spec
                .tests
                .iter()
                .chain(&s.add_ons)
                .cloned()
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect(),
            results: s
                .results
                .iter()
                .map(|(test, r)| ResultView {
                    test: test.clone(),
                    analyzer: r.analyzer.clone(),
                    ready: r.ready_at <= self.now,
                    ready_at: r.ready_at,
                    value: r.value,
                    flags: r.flags,
                    diluted: r.diluted,
                    reviewed: r.reviewed_at.is_some(),
                    held: r.held,
                    suppressed: r.suppressed,
                    released: r.released_at.is_some(),
                    autoverified: r.autoverified,
                })
                .collect(),
        })
    }

    pub fn specimen_views(&self) -> Vec<SpecimenView> {
        self.scenario.specimens.iter().filter_map(|s| self.specimen_view(&s.id)).collect()
    }
}
