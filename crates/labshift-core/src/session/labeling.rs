//! The labeling bench: a specimen that arrives hand-labeled from outside the
//! lab is accessioned in the LIS (its order found by two identifiers) and
//! carries the lab's printed barcode label, placed where a reader reads it
//! and never over the patient's identifiers (CLSI GP33, AUTO02, AUTO12).

use super::events::{Event, Rejected, no};
use super::records::{BarcodeLabel, SpecimenState};
use super::work::Work;
use super::{Bench, Session};
use crate::action::{Action, LabelFace, RejectReason};
use crate::model::Specimen;
use crate::time::SimTime;

/// The labeling bench.
pub(super) struct Labeling;

impl Bench for Labeling {
    fn owns(&self, action: &Action) -> bool {
        matches!(action, Action::Accession { .. } | Action::ApplyLabel { .. } | Action::ReprintLabel { .. })
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::Accession { specimen } => {
                let (spec, state) = (s.spec(specimen)?, s.state(specimen)?);
                if !spec.outside {
                    return Err(no(format!(
                        "{specimen} came with the lab's barcode: it needs no accessioning"
                    )));
                }
                if !state.received {
                    return Err(no(format!("{specimen} has not been received")));
                }
                if state.accessioned {
                    return Err(no(format!("{specimen} is already accessioned")));
                }
                Ok(())
            }
            Action::ApplyLabel { specimen, .. } => {
                let state = s.state(specimen)?;
                if !state.accessioned {
                    return Err(no(format!("{specimen} has no printed label: accession it first")));
                }
                Ok(())
            }
            Action::ReprintLabel { specimen } => {
                if s.state(specimen)?.barcode.is_none() {
                    return Err(no(format!("{specimen} has no barcode label to replace")));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::Accession { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.accessioned = true;
                }
                s.tell(|_| Event::SpecimenAccessioned { specimen: specimen.clone() });
            }
            Action::ApplyLabel { specimen, top_mm, tilt_deg, face } => {
                let label = BarcodeLabel { top_mm: *top_mm, tilt_deg: *tilt_deg, face: *face };
                match face {
                    LabelFace::PatientLabel => s.find(
                        "LAB-LABEL-OVER-ID",
                        at,
                        specimen,
                        format!("Put {specimen}'s barcode label over the patient's name and identifiers on its own label."),
                    ),
                    LabelFace::Window => s.find(
                        "LAB-NO-WINDOW",
                        at,
                        specimen,
                        format!("Put {specimen}'s barcode label over the tube's window: the specimen can no longer be seen."),
                    ),
                    LabelFace::MakersLabel => {}
                }
                let over = s.state(specimen).is_ok_and(|st| st.barcode.is_some());
                if over {
                    // The tube maker's label, the patient's own, and now two barcodes.
                    let labels = 3 + s.state(specimen).map_or(0, |st| st.extra_barcodes) + 1;
                    let most = s.scenario.policy.pack.labeling.max_labels;
                    s.find(
                        "LAB-TOO-MANY-LABELS",
                        at,
                        specimen,
                        format!(
                            "Stuck a second barcode label on {specimen} over the first: {labels} labels on the tube, {most} at most, and two barcodes for a reader to choose between."
                        ),
                    );
                }
                if let Some(state) = s.specimens.get_mut(specimen) {
                    if over {
                        state.extra_barcodes += 1;
                    } else {
                        state.barcode = Some(label);
                    }
                }
                let unreadable = s.scenario.policy.pack.labeling.unreadable(*top_mm, *tilt_deg);
                s.tell(|_| Event::LabelApplied { specimen: specimen.clone(), unreadable });
            }
            Action::ReprintLabel { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.barcode = None;
                    state.extra_barcodes = 0;
                }
                s.tell(|_| Event::LabelReprinted { specimen: specimen.clone() });
            }
            _ => {}
        }
        Ok(())
    }

    fn specimen_work<'s>(
        &self,
        s: &'s Session,
        spec: &'s Specimen,
        record: &'s SpecimenState,
        defects: &[RejectReason],
        w: &mut Work<'s>,
    ) {
        if !spec.outside || !record.owes_results(defects) {
            return;
        }
        let done = record.accessioned && s.barcode_problem(spec, record).is_none();
        w.item("LAB-NOT-LABELED", || format!("Accession {} and apply its barcode label", spec.id), done);
    }
}

impl Session {
    /// Why an analyzer would not read the barcode of `spec`, if it would not:
    /// none for a tube that came with the lab's barcode.
    pub(super) fn barcode_problem(&self, spec: &Specimen, record: &SpecimenState) -> Option<String> {
        if !spec.outside {
            return None;
        }
        if !record.accessioned {
            return Some("it was never accessioned: it carries no barcode".to_owned());
        }
        let Some(label) = record.barcode else {
            return Some("its barcode label was never applied".to_owned());
        };
        if record.extra_barcodes > 0 {
            return Some("it carries two barcode labels, one over the other".to_owned());
        }
        self.scenario.policy.pack.labeling.unreadable(label.top_mm, label.tilt_deg)
    }

    /// Why an analyzer's reader would not read the tube's barcode now, if it
    /// would not (never for a tube that came with the lab's barcode).
    pub fn barcode_unreadable(&self, id: &str) -> Option<String> {
        self.barcode_problem(self.spec(id).ok()?, self.state(id).ok()?)
    }

    /// A specimen's labeling as the shells show it: (accessioned, the label
    /// as applied: top, tilt, face), or `None` for one that needs none.
    pub fn labeling_view(&self, id: &str) -> Option<(bool, Option<(u8, u8, LabelFace)>)> {
        let spec = self.spec(id).ok()?;
        let state = self.state(id).ok()?;
        spec.outside.then(|| (state.accessioned, state.barcode.map(|b| (b.top_mm, b.tilt_deg, b.face))))
    }
}
