//! The reception bench: specimens received, their labels compared with the
//! requisition, accepted or rejected under the policy pack, recollected; and
//! what happens to a specimen before it is decided (add-on orders, hemolysis).

use std::sync::Arc;

use super::events::{Event, Rejected, Requisition, no};
use super::records::SpecimenState;
use super::work::Work;
use super::{Bench, Session, minutes, same_text};
use crate::action::{Action, RejectReason};
use crate::model::Specimen;
use crate::raw::{Priority, RawFault, Transport, TubeKind};
use crate::time::SimTime;

/// The reception bench.
pub(super) struct Reception;

fn anticoagulated(tube: TubeKind) -> bool {
    matches!(
        tube,
        TubeKind::LightBlueCitrate
            | TubeKind::GreenLithiumHeparin
            | TubeKind::LavenderEdta
            | TubeKind::GrayFluorideOxalate
            | TubeKind::BloodGasSyringe
    )
}

impl Bench for Reception {
    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            Receive { .. }
                | CompareLabel { .. }
                | Accept { .. }
                | Reject { .. }
                | RequestRecollection { .. }
                | ReportOccurrence { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            Receive { specimen } => {
                s.arrived(specimen, at)?;
                if s.state(specimen)?.received {
                    return Err(no(format!("{specimen} is already received")));
                }
                Ok(())
            }
            CompareLabel { specimen } | Accept { specimen } | Reject { specimen, .. } => {
                s.arrived(specimen, at)?;
                let state = s.state(specimen)?;
                if !state.received {
                    return Err(no(format!("receive {specimen} first")));
                }
                if !matches!(action, CompareLabel { .. }) && (state.accepted || state.rejected.is_some()) {
                    return Err(no(format!("{specimen} is already decided")));
                }
                Ok(())
            }
            RequestRecollection { specimen } => {
                let state = s.state(specimen)?;
                if state.rejected.is_none() && !state.broken {
                    return Err(no(format!("{specimen} is neither rejected nor broken")));
                }
                Ok(())
            }
            ReportOccurrence { specimen } => {
                let state = s.state(specimen)?;
                if state.rejected.is_none() {
                    return Err(no(format!("{specimen} is not rejected")));
                }
                if state.occurrence_reported {
                    return Err(no(format!("an occurrence report for {specimen} is already filed")));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            Receive { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.received = true;
                }
                s.show_label(specimen)?;
            }
            CompareLabel { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.label_compared = true;
                }
                s.show_label(specimen)?;
            }
            Accept { specimen } => accept(s, specimen, at),
            Reject { specimen, reason } => {
                let defects = s.defects(specimen);
                if defects.is_empty() && *reason == RejectReason::Icteric {
                    s.find(
                        "ID-GOOD-REJECTED",
                        at,
                        specimen,
                        format!(
                            "Rejected {specimen} as icteric: a new draw is just as icteric. Spin it and report \
                             its results with the icterus comment (or by a method icterus does not affect)."
                        ),
                    );
                } else if defects.is_empty() && *reason == RejectReason::Lipemic {
                    s.find(
                        "ID-GOOD-REJECTED",
                        at,
                        specimen,
                        format!(
                            "Rejected {specimen} as lipemic: lipemia is cleared in the lab. Spin it, clear an \
                             aliquot at high speed and rerun its tests."
                        ),
                    );
                } else if defects.is_empty() && *reason == RejectReason::Hemolyzed {
                    s.find(
                        "ID-GOOD-REJECTED",
                        at,
                        specimen,
                        format!(
                            "Rejected {specimen} as hemolyzed at reception: hemolysis cannot be seen in whole \
                             blood. Accept and centrifuge it; the serum index shows which tests it affects."
                        ),
                    );
                } else if defects.is_empty() {
                    s.find(
                        "ID-GOOD-REJECTED",
                        at,
                        specimen,
                        format!("Rejected {specimen}, an acceptable specimen, as {}.", reason.name()),
                    );
                } else if !defects.contains(reason) {
                    s.find(
                        "ID-WRONG-REASON",
                        at,
                        specimen,
                        format!(
                            "Rejected {specimen} as {}; the problem was that {}.",
                            reason.name(),
                            s.defect_words(s.spec(specimen)?, defects[0])
                        ),
                    );
                }
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.rejected = Some(*reason);
                    state.defects = Some(defects);
                }
                // Kept in the rejected-specimen rack with its reason in the LIS,
                // not thrown away: the ward or a review may need it.
                s.tell(|_| Event::SpecimenRejected { specimen: specimen.clone(), reason: *reason });
            }
            ReportOccurrence { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.occurrence_reported = true;
                }
                s.tell(|_| Event::OccurrenceReported { specimen: specimen.clone() });
            }
            RequestRecollection { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.recollect_requested = true;
                }
                s.tell(|_| Event::RecollectionRequested { specimen: specimen.clone() });
            }
            _ => {}
        }
        Ok(())
    }

    fn takes(&self, fault: &RawFault) -> bool {
        matches!(fault, RawFault::StatOrder { .. } | RawFault::Hemolysis { .. })
    }

    fn injectable(&self, s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        match fault {
            RawFault::Hemolysis { specimen, index } => {
                let state = s.state(specimen)?;
                if state.accepted || state.rejected.is_some() {
                    return Err(no(format!("{specimen} is already decided at reception")));
                }
                if !(1..=5).contains(index) {
                    return Err(no(format!("hemolysis index {index} is outside 1-5")));
                }
                Ok(())
            }
            other => Err(no(format!("{other:?} cannot be injected live"))),
        }
    }

    fn fault(&self, s: &mut Session, fault: &RawFault, _at: SimTime) {
        match fault {
            RawFault::StatOrder { specimen, tests } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.add_ons.extend(tests.iter().cloned());
                }
                s.tell_fault(|| format!("STAT add-on for {specimen}: {}", tests.join(", ")));
            }
            RawFault::Hemolysis { specimen, index } => {
                // Seen by looking at the tube.
                let decided = s.specimens.get(specimen).is_some_and(|s| s.accepted || s.rejected.is_some());
                if let Some(i) = s.spec_index(specimen)
                    && !decided
                {
                    // The specimen itself changed: its tube, its defects and its
                    // measurements all read the new index from now on.
                    Arc::make_mut(&mut s.scenario).specimens[i].hemolysis_index = *index;
                }
            }
            _ => {}
        }
    }

    fn specimen_work<'s>(
        &self,
        s: &'s Session,
        spec: &'s Specimen,
        record: &'s SpecimenState,
        defects: &[RejectReason],
        w: &mut Work<'s>,
    ) {
        let id = &spec.id;
        let decided = record.accepted || record.rejected.is_some();
        let task = || match defects.first() {
            None => format!("Accept {id}"),
            Some(reason) => format!("Reject {id}: {}", s.defect_words(spec, *reason)),
        };
        w.required(
            "ID-UNDECIDED",
            task,
            decided,
            || id.clone(),
            || {
                if spec.arrives > s.now {
                    let clock = |t: SimTime| s.scenario.meta.start.plus(t).to_string_full();
                    format!(
                        "The shift was ended at {}; {id}, due at {}, was never dealt with.",
                        clock(s.now),
                        clock(spec.arrives)
                    )
                } else {
                    format!("{id} arrived and was never accepted or rejected.")
                }
            },
        );
        let task = || format!("Request the recollection of {id}");
        if record.rejected.is_some() || record.broken {
            let done = record.recollect_requested;
            w.required("ID-NO-RECOLLECT", task, done, || id.clone(), || format!("{id} was not recollected."));
        } else if !decided && !defects.is_empty() {
            w.item("ID-NO-RECOLLECT", task, false);
        }
        if defects.contains(&RejectReason::Mislabeled) && !record.accepted {
            let task = || format!("File an occurrence report for {id}'s mislabel");
            let done = record.occurrence_reported;
            if decided {
                let what = || format!("{id} was rejected as mislabeled with no occurrence report.");
                w.required("ID-NO-OCCURRENCE-REPORT", task, done, || id.clone(), what);
            } else {
                w.item("ID-NO-OCCURRENCE-REPORT", task, false);
            }
        }
    }
}

/// Accepts a specimen; each of its defects is a finding, and so is a label
/// never compared with its requisition.
fn accept(s: &mut Session, specimen: &str, at: SimTime) {
    let defects = s.defects(specimen);
    let compared = s.specimens.get(specimen).is_some_and(|r| r.label_compared);
    if let Some(state) = s.specimens.get_mut(specimen) {
        state.accepted = true;
        state.defects = Some(defects.clone());
    }
    if !compared {
        s.find(
            "ID-NOT-COMPARED",
            at,
            specimen,
            format!("Accepted {specimen} without comparing its label with the requisition."),
        );
    }
    let scenario = Arc::clone(&s.scenario);
    let Some(spec) = s.spec_index(specimen).map(|i| &scenario.specimens[i]) else { return };
    for d in &defects {
        let what = s.defect_words(spec, *d);
        s.find(crate::rules::for_reason(*d), at, specimen, format!("Accepted {specimen}: {what}."));
    }
    s.tell(|_| Event::SpecimenAccepted { specimen: specimen.to_owned() });
}

impl Session {
    /// The ordered test the specimen arrived too late for, with its stability
    /// in minutes (the shortest, if several); `None` if every test keeps.
    pub(super) fn too_old<'a>(&'a self, spec: &'a Specimen) -> Option<(&'a str, u32)> {
        let age = spec.arrives.0 - spec.collected.0;
        let default = self.scenario.policy.pack.rejection.transport_max_min;
        spec.tests
            .iter()
            .filter_map(|t| self.scenario.policy.test(t))
            .map(|t| (t.code.as_str(), t.stability_min.unwrap_or(default)))
            .filter(|(_, limit)| age > minutes(*limit))
            .min_by_key(|(_, limit)| *limit)
    }

    /// Why a specimen must be rejected, in a technician's words and with
    /// its numbers ("the citrate tube is filled to 70%; it needs at least 90%").
    pub(super) fn defect_words(&self, spec: &Specimen, reason: RejectReason) -> String {
        let rejection = &self.scenario.policy.pack.rejection;
        let (cap, _) = spec.tube.cap_and_additive();
        match reason {
            RejectReason::Unlabeled => "the tube carries no label".into(),
            RejectReason::Mislabeled => match &spec.barcode_scans_as {
                Some(mrn) if *mrn != spec.patient => {
                    format!(
                        "its collection barcode calls up another patient's order (MRN {mrn}), not the one its label and requisition name"
                    )
                }
                _ => "the label does not match the requisition".into(),
            },
            RejectReason::InsufficientIdentifiers => {
                format!("the label carries fewer than {} patient identifiers", rejection.identifiers_required)
            }
            RejectReason::NoCollectionTime => "the label has no collection time".into(),
            RejectReason::WrongTube => format!("a {cap}-top tube is not one the ordered tests accept"),
            RejectReason::Clotted => format!("the {cap}-top tube is clotted"),
            RejectReason::QuantityNotSufficient if spec.tube == TubeKind::LightBlueCitrate => format!(
                "the citrate tube is filled to {}%; it needs at least {}% (9:1 blood to citrate)",
                spec.fill_pct, rejection.citrate_min_fill_pct
            ),
            RejectReason::QuantityNotSufficient => {
                format!(
                    "the tube is filled to {}%; it needs at least {}%",
                    spec.fill_pct, rejection.min_fill_pct
                )
            }
            RejectReason::Hemolyzed => {
                format!("hemolysis index {} is beyond the limit of an ordered test", spec.hemolysis_index)
            }
            RejectReason::Lipemic => format!(
                "lipemia index {} is at or beyond the limit of {}",
                spec.lipemia_index, rejection.lipemia_limit_index
            ),
            RejectReason::Icteric => format!(
                "icterus index {} is at or beyond the limit of {}",
                spec.icterus_index, rejection.icterus_limit_index
            ),
            RejectReason::DelayedTransport => {
                let (test, limit) = self.too_old(spec).unwrap_or(("", rejection.transport_max_min));
                format!(
                    "it arrived {} min after collection; {test} keeps {limit} min in this tube",
                    (spec.arrives.0 - spec.collected.0) / 60
                )
            }
            RejectReason::WrongTemperature => {
                "it needed chilled transport and arrived at room temperature".into()
            }
            RejectReason::Leaking => "the container is leaking".into(),
        }
    }
    /// The specimen's defects under the policy pack: what a correct rejection names.
    /// What is wrong with specimen `id` for `reason`, with its numbers ("the
    /// citrate tube is filled to 70%; it needs at least 90% (9:1 blood to citrate)").
    pub fn defect_text(&self, id: &str, reason: RejectReason) -> Option<String> {
        let spec = self.spec(id).ok()?;
        Some(self.defect_words(spec, reason))
    }

    pub fn defects(&self, id: &str) -> Vec<RejectReason> {
        let Ok(s) = self.spec(id) else { return Vec::new() };
        let policy = &self.scenario.policy.pack;
        let mut d = Vec::new();
        let patient = self.scenario.patients.iter().find(|p| p.mrn == s.patient);
        match &s.label {
            None => d.push(RejectReason::Unlabeled),
            Some(label) => {
                let identifiers =
                    [&label.name, &label.mrn, &label.dob].iter().filter(|f| f.is_some()).count();
                if identifiers < usize::from(policy.rejection.identifiers_required) {
                    d.push(RejectReason::InsufficientIdentifiers);
                }
                if let Some(p) = patient {
                    let wrong = |written: &Option<String>, truth: &str| {
                        written.as_ref().is_some_and(|w| !same_text(w, truth))
                    };
                    if wrong(&label.name, &p.name)
                        || wrong(&label.mrn, &p.mrn)
                        || wrong(&label.dob, &p.dob.to_string())
                    {
                        d.push(RejectReason::Mislabeled);
                    }
                }
                // A collection barcode printed for another patient's order.
                if s.barcode_scans_as.as_ref().is_some_and(|m| *m != s.patient)
                    && !d.contains(&RejectReason::Mislabeled)
                {
                    d.push(RejectReason::Mislabeled);
                }
                if label.collected.is_none() {
                    d.push(RejectReason::NoCollectionTime);
                }
            }
        }
        let tests = s.tests.iter().filter_map(|t| self.scenario.policy.test(t));
        let mut wrong_tube = false;
        let mut wrong_temp = false;
        for t in tests {
            wrong_tube |= !t.tubes.contains(&s.tube);
            wrong_temp |=
                t.transport.is_some_and(|need| need != s.transport && s.transport == Transport::Ambient);
        }
        if wrong_tube {
            d.push(RejectReason::WrongTube);
        }
        if s.clotted && anticoagulated(s.tube) {
            d.push(RejectReason::Clotted);
        }
        let min_fill = if s.tube == TubeKind::LightBlueCitrate {
            policy.rejection.citrate_min_fill_pct
        } else {
            policy.rejection.min_fill_pct
        };
        if s.fill_pct < min_fill {
            d.push(RejectReason::QuantityNotSufficient);
        }
        if self.too_old(s).is_some() {
            d.push(RejectReason::DelayedTransport);
        }
        if wrong_temp {
            d.push(RejectReason::WrongTemperature);
        }
        if s.leaking {
            d.push(RejectReason::Leaking);
        }
        d
    }

    /// Shows the tube's label beside its requisition.
    fn show_label(&mut self, specimen: &str) -> Result<(), Rejected> {
        let scenario = Arc::clone(&self.scenario);
        let spec = self.spec_index(specimen).map(|i| &scenario.specimens[i]);
        let spec = spec.ok_or_else(|| no(format!("no specimen `{specimen}`")))?;
        self.tell(|s| s.label_shown(spec));
        Ok(())
    }

    fn label_shown(&self, spec: &Specimen) -> Event {
        let patient = self.scenario.patients.iter().find(|p| p.mrn == spec.patient);
        let requisition = Requisition {
            name: patient.map(|p| p.name.clone()).unwrap_or_default(),
            mrn: spec.patient.clone(),
            dob: patient.map(|p| p.dob.to_string()).unwrap_or_default(),
            location: patient.map(|p| p.location.clone()).unwrap_or_default(),
            tests: spec.tests.clone(),
            stat: spec.priority == Priority::Stat,
            scanned: (!spec.outside)
                .then(|| spec.barcode_scans_as.clone().unwrap_or_else(|| spec.patient.clone())),
        };
        Event::LabelShown { specimen: spec.id.clone(), label: spec.label.clone(), requisition }
    }
}
