//! The critical-call panels: the phone list and one call, with read-back and documentation.

use labshift_core::action::Action;

use super::{Panel, PanelSpec};
use crate::play::{Play, Tone};

/// The critical results to call, and how far each call got.
pub(super) fn phone(play: &Play) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let mut p = PanelSpec::new("Phone: critical results");
    let deadline = scenario.policy.pack.critical_call.deadline_min;
    p.line(format!("Call within {deadline} min with read-back; gloves off at the phone."));
    let calls = session.calls();
    if calls.is_empty() {
        p.line("No critical result to call.");
    }
    for c in calls {
        let state = if c.documented {
            "documented"
        } else if c.read_back {
            "read back, to document"
        } else if c.answered_by.is_some() {
            "on the line"
        } else {
            "to call"
        };
        p.open(format!("{} {} — {state}", c.specimen, c.test), Panel::Call(c.specimen, c.test));
    }
    p
}

pub(super) fn call(play: &Play, id: &str, test: &str) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let mut p = PanelSpec::new(format!("Call: {id} {test}"));
    let call = session.calls().into_iter().find(|c| c.specimen == id && c.test == test);
    let patient = scenario
        .specimens
        .iter()
        .find(|s| s.id == id)
        .and_then(|s| scenario.patients.iter().find(|pt| pt.mrn == s.patient));
    if let Some(pt) = patient {
        p.line(format!("Patient {} ({}), {}.", pt.name, pt.mrn, pt.location));
        if let Some(c) = scenario.caregivers.iter().find(|c| c.id == pt.caregiver) {
            p.line(format!("Responsible caregiver: {} ({}).", c.name, c.credentials));
        }
    }
    let accepted = scenario.policy.pack.critical_call.accepted_credentials.join(", ");
    p.line(format!("Only licensed caregivers ({accepted}) may take a critical result."));
    if let Some(missed) = play.unanswered.get(&(id.to_owned(), test.to_owned())) {
        p.toned(Tone::Warn, format!("No answer from: {}.", missed.join(", ")));
    }
    let answered = call.as_ref().and_then(|c| c.answered_by.clone());
    for c in &scenario.caregivers {
        p.act(
            format!("Call {} ({}) at {}", c.name, c.credentials, c.phone),
            Action::CallCaregiver { specimen: id.to_owned(), test: test.to_owned(), caregiver: c.id.clone() },
        );
    }
    if let Some(who) = answered.as_ref().and_then(|a| scenario.caregivers.iter().find(|c| &c.id == a)) {
        p.toned(Tone::Good, format!("On the line: {} ({}).", who.name, who.credentials));
        p.act(
            "They read the result back: confirm",
            Action::ConfirmReadBack { specimen: id.to_owned(), test: test.to_owned() },
        );
        p.act(
            format!("Document: {}, {}, and the time", who.name, who.credentials),
            Action::DocumentCall {
                specimen: id.to_owned(),
                test: test.to_owned(),
                name: who.name.clone(),
                credentials: who.credentials.clone(),
            },
        );
    }
    p.tab("Back to the phone list", Panel::Phone);
    p
}
