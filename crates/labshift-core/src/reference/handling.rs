//! The reference technician at the handling bench: a send-out aliquot
//! poured off into a tube labeled first, finished tubes put away, add-on
//! requests answered by each test's stability.

use super::{PlayError, Player};
use crate::action::Action;
use crate::session::SpecimenView;

/// An accepted tube out of the centrifuge and the storage rack, spun if it
/// is spun: one the bench can aliquot or store.
fn spun_on_bench(v: &SpecimenView) -> bool {
    v.accepted && !v.broken && !v.in_centrifuge && !v.stored && (!v.needs_centrifuge || v.centrifuged)
}

impl Player {
    /// A tube opened for its aliquot, poured off and capped again: the task in hand.
    pub(super) fn close_open_tube(&mut self, views: &[SpecimenView]) -> Result<bool, PlayError> {
        let Some(v) = views.iter().find(|v| self.session.handling_view(&v.id).is_some_and(|h| h.uncapped))
        else {
            return Ok(false);
        };
        let id = v.id.clone();
        self.dress_for_bench()?;
        let poured = self.session.handling_view(&id).is_some_and(|h| h.poured || h.send_outs.is_empty());
        if !poured {
            self.act(Action::PourOff { specimen: id.clone() })?;
        }
        self.act(Action::Recap { specimen: id })?;
        Ok(true)
    }

    /// Answers the first add-on request waiting: added on when every test is
    /// within its stability (judged when answered: gloves off and hands
    /// washed take time), a new collection asked for when not.
    pub(super) fn answer_add_on(&mut self, views: &[SpecimenView]) -> Result<bool, PlayError> {
        for v in views {
            let Some(h) = self.session.handling_view(&v.id) else { continue };
            let Some(tests) = h.add_on else { continue };
            let usable = v.received && v.rejected.is_none() && !v.broken;
            self.dress_for_office()?;
            let stable = tests.iter().all(|(t, _)| self.session.add_on_problem(&v.id, t, self.t).is_none());
            let specimen = v.id.clone();
            self.act(if usable && stable {
                Action::AcceptAddOn { specimen }
            } else {
                Action::DeclineAddOn { specimen }
            })?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Pours off the first spun specimen's send-out aliquot still owed:
    /// label, uncap, pour, recap, store as its test needs.
    pub(super) fn aliquot_work(&mut self, views: &[SpecimenView]) -> Result<bool, PlayError> {
        for v in views {
            if !spun_on_bench(v) {
                continue;
            }
            let Some(h) = self.session.handling_view(&v.id) else { continue };
            if h.send_outs.is_empty() || h.aliquot_stored.is_some() {
                continue;
            }
            let id = v.id.clone();
            self.dress_for_bench()?;
            if !h.poured {
                if h.aliquot_sheet.is_none() {
                    self.act(Action::LabelAliquot { specimen: id.clone(), sheet: id.clone() })?;
                }
                self.act(Action::Uncap { specimen: id.clone() })?;
                self.act(Action::PourOff { specimen: id.clone() })?;
                self.act(Action::Recap { specimen: id.clone() })?;
            }
            let storage = h.send_outs.iter().map(|(_, _, s)| *s).max().unwrap_or_default();
            self.act(Action::StoreAliquot { specimen: id, storage })?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Puts a finished specimen in the storage rack, where the lab keeps
    /// them (for the scenarios that ask it): every test released or
    /// suppressed, its calls made, its aliquot poured, no add-on waiting.
    pub(super) fn store_finished(&mut self, views: &[SpecimenView]) -> Result<bool, PlayError> {
        if !self.scenario.lab.store_finished {
            return Ok(false);
        }
        let calls = self.session.calls();
        for v in views {
            if !spun_on_bench(v) {
                continue;
            }
            let all_done = v.tests.iter().all(|t| {
                let offered = self.scenario.lab.analyzers.iter().any(|a| a.offers(t));
                !offered || v.results.iter().any(|r| &r.test == t && (r.released || r.suppressed))
            });
            let call_open = calls.iter().any(|c| c.specimen == v.id && !(c.read_back && c.documented));
            let Some(h) = self.session.handling_view(&v.id) else { continue };
            let aliquot_owed = !h.send_outs.is_empty() && h.aliquot_stored.is_none();
            if !all_done || call_open || aliquot_owed || h.uncapped || h.add_on.is_some() {
                continue;
            }
            self.dress_for_bench()?;
            let storage = self.scenario.policy.pack.handling.storage;
            self.act(Action::Store { specimen: v.id.clone(), storage })?;
            return Ok(true);
        }
        Ok(false)
    }
}
