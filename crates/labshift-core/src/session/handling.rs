//! The handling bench: aliquots poured off for tests sent to a reference
//! laboratory, finished specimens kept in the storage rack, and add-on
//! requests answered by each test's stability (CLSI GP44).
//!
//! An aliquot tube is labeled before anything is poured into it, from its
//! own primary tube's label sheet, with one primary tube open at a time; it
//! is capped and kept as its test needs. A stored specimen is taken out of
//! the rack to be run again. An add-on is run on the stored specimen within
//! the test's stability from collection (the pack's `handling.add_ons`);
//! beyond it, or for a test never added on, a new specimen is asked for.

use super::events::{Event, Rejected, no};
use super::records::SpecimenState;
use super::work::Work;
use super::{Bench, Session, minutes};
use crate::action::{Action, RejectReason};
use crate::model::Specimen;
use crate::raw::{RawFault, Storage};
use crate::time::{SimTime, span_words};

/// The handling bench.
pub(super) struct Handling;

/// A specimen's poured-off aliquot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(super) struct Aliquot {
    /// The specimen whose label sheet its label came from; `None` while the tube is unlabeled.
    pub(super) sheet: Option<String>,
    pub(super) poured: bool,
    pub(super) stored: Option<Storage>,
}

/// A caregiver's request to add tests on to a specimen the lab keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AddOnRequest {
    pub(super) tests: Vec<String>,
    pub(super) at: SimTime,
    /// `Some(true)` added on, `Some(false)` declined (a new collection asked for).
    pub(super) answer: Option<bool>,
}

/// A specimen's aliquot, storage and add-ons as the shells show them.
#[derive(Debug, Clone, PartialEq)]
pub struct HandlingView {
    /// The tests sent out from it: (code, name, the storage the aliquot needs).
    pub send_outs: Vec<(String, String, Storage)>,
    /// The label sheet its aliquot tube was labeled from, once labeled.
    pub aliquot_sheet: Option<String>,
    pub poured: bool,
    pub aliquot_stored: Option<Storage>,
    pub uncapped: bool,
    pub stored: Option<Storage>,
    /// The add-on request waiting for an answer: its tests, each with its
    /// stability in minutes from collection (`None`: never added on).
    pub add_on: Option<Vec<(String, Option<u32>)>>,
    /// Minutes since the specimen was collected.
    pub age_min: i64,
}

impl Bench for Handling {
    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            LabelAliquot { .. }
                | Uncap { .. }
                | PourOff { .. }
                | Recap { .. }
                | StoreAliquot { .. }
                | Store { .. }
                | Retrieve { .. }
                | AcceptAddOn { .. }
                | DeclineAddOn { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::LabelAliquot { specimen, sheet } => {
                let (spec, state) = (s.spec(specimen)?, s.state(specimen)?);
                if spec.send_outs.is_empty() {
                    return Err(no(format!("no test on {specimen} is sent out: it needs no aliquot")));
                }
                if !state.accepted {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if state.aliquot.as_ref().is_some_and(|a| a.sheet.is_some()) {
                    return Err(no(format!("{specimen}'s aliquot tube is already labeled")));
                }
                let from = s.state(sheet)?;
                if !from.received || (s.spec(sheet)?.outside && !from.accessioned) {
                    return Err(no(format!("no label sheet has been printed for {sheet}")));
                }
                Ok(())
            }
            Action::Uncap { specimen } => {
                let (spec, state) = (s.spec(specimen)?, s.state(specimen)?);
                if !state.accepted || state.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if state.uncapped {
                    return Err(no(format!("{specimen} is already open")));
                }
                if state.in_centrifuge {
                    return Err(no(format!("{specimen} is in the centrifuge")));
                }
                if state.stored.is_some() {
                    return Err(no(format!("{specimen} is in the storage rack: take it out first")));
                }
                if spec.tube.needs_centrifuge() && state.centrifuged_at.is_none() {
                    return Err(no(format!("{specimen} is not spun: its serum is not separated yet")));
                }
                Ok(())
            }
            Action::PourOff { specimen } => {
                let (spec, state) = (s.spec(specimen)?, s.state(specimen)?);
                if spec.send_outs.is_empty() {
                    return Err(no(format!("no test on {specimen} is sent out: it needs no aliquot")));
                }
                if !state.uncapped {
                    return Err(no(format!("{specimen} is capped: uncap it first")));
                }
                if state.aliquot.as_ref().is_some_and(|a| a.poured) {
                    return Err(no(format!("{specimen}'s aliquot is already poured")));
                }
                Ok(())
            }
            Action::Recap { specimen } => {
                if !s.state(specimen)?.uncapped {
                    return Err(no(format!("{specimen} is not open")));
                }
                Ok(())
            }
            Action::StoreAliquot { specimen, .. } => {
                let state = s.state(specimen)?;
                match &state.aliquot {
                    Some(a) if a.poured && a.stored.is_none() => Ok(()),
                    Some(a) if a.stored.is_some() => {
                        Err(no(format!("{specimen}'s aliquot is already stored")))
                    }
                    _ => Err(no(format!("{specimen} has no poured aliquot to store"))),
                }
            }
            Action::Store { specimen, .. } => {
                let (spec, state) = (s.spec(specimen)?, s.state(specimen)?);
                if !state.accepted || state.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if state.stored.is_some() {
                    return Err(no(format!("{specimen} is already in the storage rack")));
                }
                if state.uncapped {
                    return Err(no(format!("{specimen} is open: recap it first")));
                }
                if state.in_centrifuge {
                    return Err(no(format!("{specimen} is in the centrifuge")));
                }
                if spec.tube.needs_centrifuge() && state.centrifuged_at.is_none() {
                    return Err(no(format!("{specimen} is not spun: it is stored once separated")));
                }
                Ok(())
            }
            Action::Retrieve { specimen } => {
                if s.state(specimen)?.stored.is_none() {
                    return Err(no(format!("{specimen} is not in the storage rack")));
                }
                Ok(())
            }
            Action::AcceptAddOn { specimen } | Action::DeclineAddOn { specimen } => {
                let state = s.state(specimen)?;
                if !state.add_on_requests.iter().any(|r| r.answer.is_none()) {
                    return Err(no(format!("no add-on request for {specimen} is waiting")));
                }
                if matches!(action, Action::AcceptAddOn { .. })
                    && (state.rejected.is_some() || state.broken || !state.received)
                {
                    return Err(no(format!("the lab holds no usable {specimen} to add tests on to")));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::LabelAliquot { specimen, sheet } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.aliquot.get_or_insert_with(Aliquot::default).sheet = Some(sheet.clone());
                }
                let did = format!("Aliquot tube labeled for {specimen} from {sheet}'s label sheet.");
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::Uncap { specimen } => {
                let open: Vec<String> = s
                    .specimens
                    .iter()
                    .filter(|(id, st)| st.uncapped && *id != specimen)
                    .map(|(id, _)| id.clone())
                    .collect();
                if !open.is_empty() {
                    s.find(
                        "LAB-TWO-OPEN",
                        at,
                        specimen,
                        format!(
                            "Opened {specimen} with {} still open: two primary tubes open at once.",
                            open.join(", ")
                        ),
                    );
                }
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.uncapped = true;
                }
                let did = format!("{specimen} uncapped.");
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::PourOff { specimen } => pour_off(s, specimen, at),
            Action::Recap { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.uncapped = false;
                }
                let did = format!("{specimen} recapped.");
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::StoreAliquot { specimen, storage } => {
                let needed = s.aliquot_storage(specimen);
                if let Some(needed) = needed.filter(|n| n != storage) {
                    s.find(
                        "LAB-WRONG-STORAGE",
                        at,
                        specimen,
                        format!(
                            "Kept {specimen}'s send-out aliquot {}; its test needs it {}.",
                            storage.name(),
                            needed.name()
                        ),
                    );
                }
                if let Some(a) = s.specimens.get_mut(specimen).and_then(|st| st.aliquot.as_mut()) {
                    a.stored = Some(*storage);
                }
                let did = format!("{specimen}'s aliquot stored {}.", storage.name());
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::Store { specimen, storage } => {
                let needed = s.scenario.policy.pack.handling.storage;
                if *storage != needed {
                    s.find(
                        "LAB-WRONG-STORAGE",
                        at,
                        specimen,
                        format!(
                            "Stored {specimen} {}; the lab keeps finished specimens {}.",
                            storage.name(),
                            needed.name()
                        ),
                    );
                }
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.stored = Some(*storage);
                }
                let did = format!("{specimen} put in the storage rack {}.", storage.name());
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::Retrieve { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.stored = None;
                }
                let did = format!("{specimen} taken out of the storage rack.");
                s.tell(|_| Event::SpecimenHandled { specimen: specimen.clone(), did });
            }
            Action::AcceptAddOn { specimen } => answer_add_on(s, specimen, true, at),
            Action::DeclineAddOn { specimen } => answer_add_on(s, specimen, false, at),
            _ => {}
        }
        Ok(())
    }

    fn takes(&self, fault: &RawFault) -> bool {
        matches!(fault, RawFault::AddOnRequest { .. })
    }

    fn injectable(&self, s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        let RawFault::AddOnRequest { specimen, tests } = fault else { return Ok(()) };
        let state = s.state(specimen)?;
        if !state.arrived {
            return Err(no(format!("{specimen} has not arrived yet")));
        }
        for test in tests {
            if s.true_value(specimen, test).is_none() {
                return Err(no(format!("{specimen} has no true value for {test}")));
            }
        }
        Ok(())
    }

    fn fault(&self, s: &mut Session, fault: &RawFault, at: SimTime) {
        let RawFault::AddOnRequest { specimen, tests } = fault else { return };
        if let Some(state) = s.specimens.get_mut(specimen) {
            state.add_on_requests.push(AddOnRequest { tests: tests.clone(), at, answer: None });
        }
        s.tell(|_| Event::AddOnRequested { specimen: specimen.clone(), tests: tests.clone() });
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
        for request in &record.add_on_requests {
            let task = || format!("Answer the add-on request for {id} ({})", request.tests.join(", "));
            let what =
                || format!("The add-on request for {id} ({}) was never answered.", request.tests.join(", "));
            w.required("LAB-ADDON-UNANSWERED", task, request.answer.is_some(), || id.clone(), what);
        }
        if record.uncapped {
            let what = || format!("{id} was left open at the end of the shift.");
            w.required("LAB-LEFT-OPEN", || format!("Recap {id}"), false, || id.clone(), what);
        }
        if !record.owes_results(defects) {
            return;
        }
        if !spec.send_outs.is_empty() {
            let task =
                || format!("Pour off, cap and store {id}'s send-out aliquot ({})", spec.send_outs.join(", "));
            let done = record.aliquot.as_ref().is_some_and(|a| a.poured && a.stored.is_some());
            if record.accepted {
                let what = || {
                    format!(
                        "{id}'s send-out aliquot ({}) was never poured off and stored.",
                        spec.send_outs.join(", ")
                    )
                };
                w.required("LAB-NOT-ALIQUOTED", task, done, || id.clone(), what);
            } else {
                w.item("LAB-NOT-ALIQUOTED", task, false);
            }
        }
        if s.scenario.lab.store_finished {
            w.item("LAB-NOT-STORED", || format!("Store {id}"), record.stored.is_some());
        }
    }
}

/// Pours the open primary tube's serum into its aliquot tube, as labeled (or not).
fn pour_off(s: &mut Session, specimen: &str, at: SimTime) {
    let sheet = s.specimens.get(specimen).and_then(|st| st.aliquot.as_ref()).and_then(|a| a.sheet.clone());
    match &sheet {
        None => s.find(
            "LAB-ALIQUOT-UNLABELED",
            at,
            specimen,
            format!("Poured {specimen}'s serum into an unlabeled aliquot tube."),
        ),
        Some(sheet) if sheet != specimen => {
            let patient = |id: &str| s.spec(id).ok().map(|x| x.patient.clone());
            if patient(sheet) != patient(specimen) {
                let whose = s.patient_name_of(sheet).unwrap_or_else(|| sheet.clone());
                s.find(
                    "LAB-ALIQUOT-MISLABEL",
                    at,
                    specimen,
                    format!(
                        "Poured {specimen}'s serum into an aliquot tube labeled from {sheet}'s sheet: the send-out's result will go to {whose}'s chart."
                    ),
                );
            }
        }
        Some(_) => {}
    }
    if let Some(state) = s.specimens.get_mut(specimen) {
        state.aliquot.get_or_insert_with(Aliquot::default).poured = true;
    }
    let did = format!("{specimen}'s aliquot poured off and capped.");
    s.tell(|_| Event::SpecimenHandled { specimen: specimen.to_owned(), did });
}

/// Answers the first waiting add-on request for `specimen`.
fn answer_add_on(s: &mut Session, specimen: &str, accept: bool, at: SimTime) {
    let Some(tests) = s
        .specimens
        .get(specimen)
        .and_then(|st| st.add_on_requests.iter().find(|r| r.answer.is_none()))
        .map(|r| r.tests.clone())
    else {
        return;
    };
    let unstable: Vec<String> = tests.iter().filter_map(|t| s.add_on_problem(specimen, t, at)).collect();
    let usable = s.state(specimen).is_ok_and(|st| st.rejected.is_none() && !st.broken && st.received);
    if accept && !unstable.is_empty() {
        s.find(
            "LAB-ADDON-UNSTABLE",
            at,
            specimen,
            format!("Added {} on to {specimen}: {}.", tests.join(", "), unstable.join("; ")),
        );
    }
    if !accept && unstable.is_empty() && usable {
        s.find(
            "LAB-ADDON-NEEDLESS-DRAW",
            at,
            specimen,
            format!(
                "Asked for a new collection for {} on {specimen}, within the stored specimen's stability.",
                tests.join(", ")
            ),
        );
    }
    if let Some(state) = s.specimens.get_mut(specimen) {
        if let Some(r) = state.add_on_requests.iter_mut().find(|r| r.answer.is_none()) {
            r.answer = Some(accept);
        }
        if accept {
            for t in &tests {
                if !state.add_ons.contains(t) {
                    state.add_ons.push(t.clone());
                }
            }
        }
    }
    let did = if accept {
        format!("{} added on to {specimen}.", tests.join(", "))
    } else {
        format!("Add-on to {specimen} declined: a new collection asked for.")
    };
    s.tell(|_| Event::SpecimenHandled { specimen: specimen.to_owned(), did });
}

impl Session {
    /// Why `test` may not be added on to `specimen` at `at`, if it may not.
    pub fn add_on_problem(&self, specimen: &str, test: &str, at: SimTime) -> Option<String> {
        let spec = self.spec(specimen).ok()?;
        let age = at.0 - spec.collected.0;
        match self.scenario.policy.pack.handling.add_on_within(test) {
            None => Some(format!("{test} is never added on: it needs a new specimen")),
            Some(limit) if age > minutes(limit) => Some(format!(
                "{test} keeps {} from collection and the specimen is {} old",
                span_words(i64::from(limit)),
                span_words(age / 60)
            )),
            Some(_) => None,
        }
    }

    /// The storage a specimen's send-out aliquot needs: the coldest its tests ask for.
    pub(super) fn aliquot_storage(&self, specimen: &str) -> Option<Storage> {
        let spec = self.spec(specimen).ok()?;
        let handling = &self.scenario.policy.pack.handling;
        spec.send_outs.iter().filter_map(|c| handling.send_out(c)).map(|so| so.storage).max()
    }

    fn patient_name_of(&self, specimen: &str) -> Option<String> {
        let spec = self.spec(specimen).ok()?;
        self.scenario.patients.iter().find(|p| p.mrn == spec.patient).map(|p| p.name.clone())
    }

    /// A specimen's aliquot, storage and add-ons as the shells show them.
    pub fn handling_view(&self, id: &str) -> Option<HandlingView> {
        let spec = self.spec(id).ok()?;
        let state = self.state(id).ok()?;
        let handling = &self.scenario.policy.pack.handling;
        let send_outs = spec
            .send_outs
            .iter()
            .filter_map(|c| handling.send_out(c))
            .map(|so| (so.code.clone(), so.name.clone(), so.storage))
            .collect();
        let add_on = state
            .add_on_requests
            .iter()
            .find(|r| r.answer.is_none())
            .map(|r| r.tests.iter().map(|t| (t.clone(), handling.add_on_within(t))).collect());
        Some(HandlingView {
            send_outs,
            aliquot_sheet: state.aliquot.as_ref().and_then(|a| a.sheet.clone()),
            poured: state.aliquot.as_ref().is_some_and(|a| a.poured),
            aliquot_stored: state.aliquot.as_ref().and_then(|a| a.stored),
            uncapped: state.uncapped,
            stored: state.stored,
            add_on,
            age_min: (self.now.0 - spec.collected.0) / 60,
        })
    }
}
