//! The critical-call bench: a critical result is called to a licensed
//! caregiver, read back and documented before the deadline, escalated when
//! the caregiver does not answer.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::Serialize;

use super::events::{Event, Rejected, no};
use super::pair_map::PairMap;
use super::records::SpecimenState;
use super::work::Work;
use super::{Bench, Session, Undone, minutes, same_text};
use crate::action::{Action, RejectReason};
use crate::model::{Scenario, Specimen};
use crate::raw::RawFault;
use crate::time::SimTime;

/// The critical-call bench.
pub(super) struct Calls;

/// One critical result to call, and how far the call got.
#[derive(Debug, Clone)]
struct Call {
    available_at: SimTime,
    first_attempt: Option<(SimTime, String, bool)>,
    answered_by: Option<String>,
    read_back_at: Option<SimTime>,
    documented: bool,
    reviewed_before_call: bool,
    /// Caregivers called who did not answer, in order.
    unanswered: Vec<String>,
    /// The last person who answered but may not receive a critical result.
    unlicensed: Option<String>,
}

/// Critical results to call, by (specimen, test), and who does not answer.
#[derive(Debug, Clone)]
pub(super) struct CallBook {
    calls: PairMap<Call>,
    /// Caregivers who do not answer: from when, until when (or the shift's end).
    unreachable: BTreeMap<String, (SimTime, Option<SimTime>)>,
}

impl CallBook {
    pub(super) fn new(scenario: &Scenario) -> CallBook {
        let unreachable = scenario
            .caregivers
            .iter()
            .filter(|c| !c.reachable)
            .map(|c| (c.id.clone(), (SimTime(i64::MIN), None)))
            .collect();
        CallBook { calls: PairMap::default(), unreachable }
    }

    /// A truly critical result measured at `at`: it must be called (once,
    /// whatever repeats follow).
    pub(super) fn raise(&mut self, specimen: &str, test: &str, at: SimTime) {
        if self.calls.get(specimen, test).is_none() {
            self.calls.insert(
                specimen,
                test,
                Call {
                    available_at: at,
                    first_attempt: None,
                    answered_by: None,
                    read_back_at: None,
                    documented: false,
                    reviewed_before_call: false,
                    unanswered: Vec::new(),
                    unlicensed: None,
                },
            );
        }
    }
}

impl Bench for Calls {
    fn owns(&self, action: &Action) -> bool {
        matches!(
            action,
            Action::CallCaregiver { .. } | Action::ConfirmReadBack { .. } | Action::DocumentCall { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::CallCaregiver { specimen, test, caregiver } => {
                s.result(specimen, test)?;
                if !s.scenario.caregivers.iter().any(|c| &c.id == caregiver) {
                    return Err(no(format!("no caregiver `{caregiver}`")));
                }
                Ok(())
            }
            Action::ConfirmReadBack { specimen, test } | Action::DocumentCall { specimen, test, .. } => {
                match s.calls.calls.get(specimen, test) {
                    Some(c) if c.answered_by.is_some() => Ok(()),
                    call => Err(no(not_answered(s, specimen, test, call))),
                }
            }
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::CallCaregiver { specimen, test, caregiver } => call(s, specimen, test, caregiver, at),
            Action::ConfirmReadBack { specimen, test } => {
                if let Some(c) = s.calls.calls.get_mut(specimen, test) {
                    c.read_back_at.get_or_insert(at);
                }
                s.tell(|_| Event::ReadBackConfirmed { specimen: specimen.clone(), test: test.clone() });
            }
            Action::DocumentCall { specimen, test, name, credentials } => {
                let who =
                    s.calls.calls.get(specimen, test).and_then(|c| c.answered_by.as_deref()).unwrap_or("");
                let matches = s
                    .scenario
                    .caregivers
                    .iter()
                    .find(|c| c.id == who)
                    .is_some_and(|c| same_text(&c.name, name) && same_text(&c.credentials, credentials));
                if matches && let Some(c) = s.calls.calls.get_mut(specimen, test) {
                    c.documented = true;
                }
                s.tell(|_| Event::CallDocumented { specimen: specimen.clone(), test: test.clone() });
            }
            _ => {}
        }
        Ok(())
    }

    fn takes(&self, fault: &RawFault) -> bool {
        matches!(fault, RawFault::CaregiverUnreachable { .. })
    }

    fn injectable(&self, s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        match fault {
            RawFault::CaregiverUnreachable { caregiver, .. } => {
                if !s.scenario.caregivers.iter().any(|c| &c.id == caregiver) {
                    return Err(no(format!("no caregiver `{caregiver}` in this scenario")));
                }
                Ok(())
            }
            other => Err(no(format!("{other:?} cannot be injected live"))),
        }
    }

    fn fault(&self, s: &mut Session, fault: &RawFault, at: SimTime) {
        if let RawFault::CaregiverUnreachable { caregiver, minutes: m } = fault {
            // Found out by calling.
            let until = m.map(|m| SimTime(at.0 + minutes(m)));
            s.calls.unreachable.insert(caregiver.clone(), (at, until));
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
        if !record.owes_results(defects) {
            return;
        }
        let id = &spec.id;
        let read_back_required = s.scenario.policy.pack.critical_call.read_back_required;
        for test in spec.tests.iter().chain(&record.add_ons) {
            let call = s.calls.calls.get(id, test);
            // A call is owed once a critical value is measured, or would be
            // once the specimen is run: a value measured and not critical owes none.
            let owed = call.is_some()
                || (!s.hemolysis_affects(spec, test)
                    && !record.results.contains_key(test)
                    && s.true_value(id, test)
                        .is_some_and(|v| s.scenario.policy.critical(test).is_some_and(|c| c.breached_by(v))));
            if !owed {
                continue;
            }
            let called = call.is_some_and(|c| {
                c.answered_by.is_some() && (c.read_back_at.is_some() || !read_back_required)
            });
            w.item("CRIT-NOT-CALLED", || format!("Call the critical {id} {test}, with read-back"), called);
            let documented = call.is_some_and(|c| c.documented);
            w.item("CRIT-NOT-DOCUMENTED", || format!("Document the call of {id} {test}"), documented);
        }
    }

    fn undone(&self, s: &Session, u: &mut Undone) {
        let policy = &s.scenario.policy.pack.critical_call;
        let deadline = minutes(policy.deadline_min);
        let escalate = minutes(policy.escalate_after_min);
        for (specimen, test, call) in s.calls.calls.iter() {
            let subject = format!("{specimen} {test}");
            match (&call.answered_by, call.read_back_at) {
                (None, _) => u.note(
                    "CRIT-NOT-CALLED",
                    subject.clone(),
                    format!("The critical {subject} was never given to a licensed caregiver."),
                ),
                (Some(_), None) if policy.read_back_required => u.note(
                    "CRIT-NO-READ-BACK",
                    subject.clone(),
                    format!("The critical {subject} was called without a read-back."),
                ),
                _ => {}
            }
            if let Some(done) = call.read_back_at {
                if done.0 - call.available_at.0 > deadline {
                    u.note(
                        "CRIT-LATE",
                        subject.clone(),
                        format!(
                            "The critical {subject} was communicated {} min after it was available.",
                            (done.0 - call.available_at.0) / 60
                        ),
                    );
                }
                // Waiting on an unreachable caregiver past the escalation time.
                if let (Some((_, first, false)), Some(by)) = (&call.first_attempt, &call.answered_by)
                    && first == by
                    && done.0 - call.available_at.0 > escalate
                {
                    u.note(
                        "CRIT-NOT-ESCALATED",
                        subject.clone(),
                        format!("Waited for {first} instead of escalating the critical {subject}."),
                    );
                }
            }
            if call.answered_by.is_some() && !call.documented {
                u.note(
                    "CRIT-NOT-DOCUMENTED",
                    subject.clone(),
                    format!("The call about {subject} was not documented with name and credentials."),
                );
            }
            if call.reviewed_before_call {
                let when = call.first_attempt.as_ref().map_or(u.at, |(t, _, _)| *t);
                u.note_at(
                    "GP-VERIFIED-BEFORE-CALL",
                    when,
                    subject.clone(),
                    format!("Verified {subject} before calling it."),
                );
            }
        }
    }
}

fn call(s: &mut Session, specimen: &str, test: &str, caregiver: &str, at: SimTime) {
    let scenario = Arc::clone(&s.scenario);
    let Some(person) = scenario.caregivers.iter().find(|c| c.id == caregiver) else { return };
    let answered = match s.calls.unreachable.get(caregiver) {
        Some((from, until)) => !(at >= *from && until.is_none_or(|u| at < u)),
        None => true,
    };
    let licensed = scenario
        .policy
        .pack
        .critical_call
        .accepted_credentials
        .iter()
        .any(|c| same_text(c, &person.credentials));
    let reviewed = s.result(specimen, test).is_ok_and(|r| r.reviewed_at.is_some());
    if answered && !licensed {
        s.find(
            "CRIT-WRONG-RECIPIENT",
            at,
            &format!("{specimen} {test}"),
            format!(
                "Gave {specimen} {test} to {} ({}), who may not receive critical results.",
                person.name, person.credentials
            ),
        );
    }
    if let Some(c) = s.calls.calls.get_mut(specimen, test) {
        if c.first_attempt.is_none() {
            c.first_attempt = Some((at, caregiver.to_owned(), answered));
            c.reviewed_before_call = reviewed;
        }
        if answered && licensed && c.answered_by.is_none() {
            c.answered_by = Some(caregiver.to_owned());
        }
        if answered && !licensed {
            c.unlicensed = Some(caregiver.to_owned());
        }
        if !answered && !c.unanswered.iter().any(|u| u == caregiver) {
            c.unanswered.push(caregiver.to_owned());
        }
    }
    s.tell(|_| {
        let caregiver = caregiver.to_owned();
        if answered { Event::CallAnswered { caregiver } } else { Event::NoAnswer { caregiver } }
    });
}

/// Why no read-back can be taken (or call documented) for `specimen` `test`
/// yet, in the words of what happened on the phone.
fn not_answered(s: &Session, specimen: &str, test: &str, call: Option<&Call>) -> String {
    let person = |id: &str| {
        s.scenario
            .caregivers
            .iter()
            .find(|c| c.id == id)
            .map_or_else(|| id.to_owned(), |c| format!("{} ({})", c.name, c.credentials))
    };
    let Some(call) = call else {
        return format!("{specimen} {test} has no critical result to call");
    };
    if let Some(who) = &call.unlicensed {
        let accepted = s.scenario.policy.pack.critical_call.accepted_credentials.join(", ");
        return format!(
            "the call about {specimen} {test} was answered by {}, who may not receive a critical result: \
             call one of {accepted}",
            person(who)
        );
    }
    if !call.unanswered.is_empty() {
        let tried: Vec<String> = call.unanswered.iter().map(|c| person(c)).collect();
        return format!(
            "nobody has answered a call about {specimen} {test} yet ({} did not answer)",
            tried.join(", ")
        );
    }
    format!("{specimen} {test} has not been called yet")
}

/// A critical result and how it was communicated.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallSummary {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub available_at: SimTime,
    pub completed_at: Option<SimTime>,
    pub caregiver: Option<String>,
}

/// A critical result's call, as far as it got.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallView {
    pub specimen: String,
    pub test: String,
    pub attempted: bool,
    pub answered_by: Option<String>,
    pub read_back: bool,
    pub documented: bool,
    /// Caregivers called who did not answer, in order.
    pub unanswered: Vec<String>,
}

impl Session {
    /// Critical calls: (specimen, test, value, available, completed, caregiver).
    pub fn critical_calls(&self) -> Vec<CallSummary> {
        self.calls
            .calls
            .iter()
            .map(|(specimen, test, c)| CallSummary {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                value: self.result(specimen, test).map_or(f64::NAN, |r| r.value),
                available_at: c.available_at,
                completed_at: c.read_back_at,
                caregiver: c.answered_by.clone(),
            })
            .collect()
    }

    pub fn calls(&self) -> Vec<CallView> {
        self.calls
            .calls
            .iter()
            .map(|(specimen, test, c)| CallView {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                attempted: c.first_attempt.is_some(),
                answered_by: c.answered_by.clone(),
                read_back: c.read_back_at.is_some(),
                documented: c.documented,
                unanswered: c.unanswered.clone(),
            })
            .collect()
    }
}
