//! The work a shift asks for, and how much of it was done.
//!
//! The list is derived by the engine from the scenario and from what the
//! trainee decided: every specimen due before the time limit is decided
//! (accepted, or rejected and recollected); an accepted, acceptable specimen
//! is centrifuged when its tests need serum or plasma, each ordered test is
//! released, each critical value called with read-back and documented, and
//! QC is accepted on every analyzer and test it is measured on; after a
//! rejected QC run, a look-back; every spill decontaminated and the waste
//! cleared. Work a specimen never reached (the shift ended before anyone
//! decided it) still counts: an empty shift has done none of its work.
//!
//! Each bench lists its own part ([`super::Bench::specimen_work`],
//! [`super::Bench::work`]). An undone item can carry the finding it makes at
//! the end of the shift; work that follows from an undecided specimen makes
//! none of its own (the specimen's finding names it).

use std::collections::BTreeSet;

use serde::Serialize;

use crate::raw::Category;
use crate::rules::rule;

/// A piece of the shift's work left undone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkItem {
    /// The rule that asks for it; its category is the item's.
    pub rule: &'static str,
    pub category: Category,
    /// What was asked, in a technician's words ("Release S01 K").
    pub task: String,
}

/// How much of the shift's work was done.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Completion {
    pub done: usize,
    pub total: usize,
    /// What was left undone, in the order the benches list it.
    pub missing: Vec<WorkItem>,
}

impl Completion {
    /// Percent of the work done, one decimal; 100 when there was none to do.
    pub fn pct(&self) -> f64 {
        if self.total == 0 {
            return 100.0;
        }
        (self.done as f64 * 1000.0 / self.total as f64).round() / 10.0
    }
}

/// The work being listed, and the findings undone items make at the end.
/// Borrows from the session it lists: nothing is copied for work done.
#[derive(Debug, Default)]
pub(super) struct Work<'s> {
    done: usize,
    total: usize,
    missing: Vec<WorkItem>,
    /// (rule, subject, what) for each undone item that is a finding of its own.
    pub(super) findings: Vec<(&'static str, String, String)>,
    /// The tests that acceptable specimens need reported: their QC is work.
    pub(super) tests_needed: BTreeSet<&'s str>,
    /// (analyzer, test) each of those tests was measured on.
    pub(super) measured_on: BTreeSet<(&'s str, &'s str)>,
}

impl Work<'_> {
    /// An item that, left undone, is only counted; `task` is asked for then.
    pub(super) fn item(&mut self, rule_id: &'static str, task: impl FnOnce() -> String, done: bool) {
        self.total += 1;
        if done {
            self.done += 1;
            return;
        }
        let category = rule(rule_id).map_or(Category::Timeliness, |r| r.category);
        self.missing.push(WorkItem { rule: rule_id, category, task: task() });
    }

    /// An item that, left undone, is also a finding: `what` says so.
    pub(super) fn required(
        &mut self,
        rule_id: &'static str,
        task: impl FnOnce() -> String,
        done: bool,
        subject: impl FnOnce() -> String,
        what: impl FnOnce() -> String,
    ) {
        if !done {
            self.findings.push((rule_id, subject(), what()));
        }
        self.item(rule_id, task, done);
    }

    pub(super) fn completion(self) -> Completion {
        Completion { done: self.done, total: self.total, missing: self.missing }
    }
}
