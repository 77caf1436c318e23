//! The reference player: works a scenario's shift the way a careful technician
//! would, through the same [`Session::apply`] door as a trainee, and records
//! the log. Its logs are the scenarios' reference solutions (the answer key
//! an instructor grades against) and what the classroom demo plays.
//!
//! It reads the answer key where a technician would use judgement: the
//! specimen's defects (what a careful look at the label and tube shows) and
//! the Westgard verdict of a QC run (what the LJ chart shows).

mod handling;

use std::sync::Arc;

use crate::action::{Action, Corrective, LabelFace, Mode, RejectReason};
use crate::log::SessionLog;
use crate::model::Scenario;
use crate::raw::{AnalyzerKind, Ppe, Priority};
use crate::session::{Event, Rejected, Session};
use crate::time::SimTime;
use crate::westgard::Decision;

/// Seconds one action takes the reference technician.
const STEP: i64 = 20;

/// Rejection rules that point to systematic error (a shift or drift), which
/// recalibration corrects; the others point to random error.
const SYSTEMATIC: &[&str] = &["2-2s", "4-1s", "3-1s", "2of3-2s", "6-x", "8-x", "9-x", "10-x", "12-x"];

struct Player {
    scenario: Arc<Scenario>,
    session: Session,
    log: SessionLog,
    t: SimTime,
}

/// Why the reference player could not finish a scenario.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at {at}: {action} was refused: {reason}")]
pub struct PlayError {
    pub at: String,
    pub action: String,
    pub reason: Rejected,
}

impl Player {
    fn act(&mut self, action: Action) -> Result<Vec<Event>, PlayError> {
        let events = self.session.apply(action.clone(), self.t).map_err(|reason| PlayError {
            at: self.scenario.meta.start.plus(self.t).to_string_full(),
            action: format!("{action:?}"),
            reason,
        })?;
        self.log.push(&self.scenario, self.t, action);
        self.t = SimTime(self.t.0 + STEP);
        Ok(events)
    }

    fn wearing(&self, p: Ppe) -> bool {
        self.session.wearing().contains(&p)
    }

    /// Gloves, coat and face shield on, for bench work.
    fn dress_for_bench(&mut self) -> Result<(), PlayError> {
        if self.session.hands_to_wash() {
            self.act(Action::WashHands)?;
        }
        for p in [Ppe::Coat, Ppe::FaceShield, Ppe::Gloves] {
            if !self.wearing(p) {
                self.act(Action::PutOn(p))?;
            }
        }
        Ok(())
    }

    /// Gloves off and hands washed, for the LIS and the phone.
    fn dress_for_office(&mut self) -> Result<(), PlayError> {
        if self.wearing(Ppe::Gloves) {
            self.act(Action::TakeOff(Ppe::Gloves))?;
        }
        if self.session.hands_to_wash() {
            self.act(Action::WashHands)?;
        }
        Ok(())
    }

    /// One piece of work, the most urgent first; false when there is
    /// nothing to do right now. A task begun is finished before another
    /// starts: a label compared is decided, a rotor loaded is started.
    fn step(&mut self) -> Result<bool, PlayError> {
        Ok(self.critical_calls()?
            || self.hazard()?
            || self.open_task()?
            || self.stat_work()?
            || self.bench_work()?
            || self.office_work()?)
    }

    /// A spill: a hazard to everyone, cleaned up at once.
    fn hazard(&mut self) -> Result<bool, PlayError> {
        let spills = self.session.spills();
        let contact = self.scenario.policy.pack.spill.contact_time_min as i64 * 60;
        if spills.iter().any(Option::is_none) {
            self.dress_for_bench()?;
            self.act(Action::CleanSpill {
                dilution_one_in: self.scenario.policy.pack.spill.dilution_one_in,
            })?;
            return Ok(true);
        }
        if spills.iter().flatten().any(|since| self.t.0 - since.0 >= contact) {
            self.dress_for_bench()?;
            self.act(Action::FinishSpill)?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The step still open on the task in hand: a specimen received but not
    /// yet decided, a rotor loaded but not started.
    fn open_task(&mut self) -> Result<bool, PlayError> {
        // Gloves off: hands washed before anything else.
        if self.session.hands_to_wash() {
            self.act(Action::WashHands)?;
            return Ok(true);
        }
        let views = self.session.specimen_views();
        if let Some(v) = views.iter().find(|v| v.received && !v.accepted && v.rejected.is_none() && !v.broken)
        {
            let id = v.id.clone();
            self.dress_for_bench()?;
            if !v.label_compared {
                self.act(Action::CompareLabel { specimen: id.clone() })?;
            }
            self.decide(id)?;
            return Ok(true);
        }
        // A tube opened for its aliquot: poured off and capped again.
        if self.close_open_tube(&views)? {
            return Ok(true);
        }
        // An accepted tube from outside the lab: accessioned and labeled
        // before anything else is done with it; a misapplied label replaced.
        for v in views.iter().filter(|v| v.accepted && !v.broken) {
            let Some((accessioned, label)) = self.session.labeling_view(&v.id) else { continue };
            let id = v.id.clone();
            let good = |(top, tilt, face): (u8, u8, LabelFace)| {
                face == LabelFace::MakersLabel
                    && self.scenario.policy.pack.labeling.unreadable(top, tilt).is_none()
            };
            let step = match (accessioned, label) {
                (false, _) => Action::Accession { specimen: id },
                (true, None) => self.label_placement(id),
                (true, Some(l)) if !good(l) => Action::ReprintLabel { specimen: id },
                (true, Some(_)) => continue,
            };
            self.dress_for_bench()?;
            self.act(step)?;
            return Ok(true);
        }
        let (loaded, _, spinning) = self.session.centrifuge_view();
        if spinning.is_none() && !loaded.is_empty() {
            self.dress_for_bench()?;
            self.fill_and_start()?;
            return Ok(true);
        }
        Ok(false)
    }

    /// The barcode label as a careful technician puts it on: straight, over
    /// the tube maker's label, 10 mm below the reader's zone's top edge.
    fn label_placement(&self, specimen: String) -> Action {
        let zone = &self.scenario.policy.pack.labeling;
        Action::ApplyLabel {
            specimen,
            top_mm: zone.zone_top_mm.saturating_add(10),
            tilt_deg: 0,
            face: LabelFace::MakersLabel,
        }
    }

    /// Accepts the specimen, or rejects it for what a careful look shows.
    fn decide(&mut self, id: String) -> Result<(), PlayError> {
        match self.session.defects(&id).first() {
            Some(reason) => self.act(Action::Reject { specimen: id, reason: *reason })?,
            None => self.act(Action::Accept { specimen: id })?,
        };
        Ok(())
    }

    /// Loads what waits to be spun, STAT first, balances an odd load and
    /// starts the rotor.
    fn fill_and_start(&mut self) -> Result<(), PlayError> {
        let (loaded, balance, _) = self.session.centrifuge_view();
        let slots = usize::from(self.scenario.lab.centrifuge.slots);
        let room = (slots - 1).saturating_sub(loaded.len() + balance as usize);
        let mut views = self.session.specimen_views();
        views.sort_by_key(|v| !self.is_stat(&v.id));
        let waiting: Vec<String> = views
            .iter()
            .filter(|v| v.accepted && !v.broken && v.needs_centrifuge && !v.centrifuged && !v.in_centrifuge)
            .map(|v| v.id.clone())
            .take(room)
            .collect();
        for id in &waiting {
            self.act(Action::LoadCentrifuge { specimen: id.clone() })?;
        }
        if (loaded.len() + waiting.len() + balance as usize) % 2 == 1 {
            self.act(Action::AddBalanceTube)?;
        }
        self.act(Action::StartCentrifuge)?;
        Ok(())
    }

    fn is_stat(&self, id: &str) -> bool {
        self.scenario.specimens.iter().any(|s| s.id == id && s.priority == Priority::Stat)
    }

    /// A STAT in progress goes on before new routine work: spun as soon as
    /// the rotor is free, run as soon as it is spun.
    fn stat_work(&mut self) -> Result<bool, PlayError> {
        let (loaded, _, spinning) = self.session.centrifuge_view();
        let stats: Vec<_> = self
            .session
            .specimen_views()
            .into_iter()
            .filter(|v| self.is_stat(&v.id) && v.accepted && !v.broken && !v.in_centrifuge)
            .collect();
        let unspun = stats.iter().any(|v| v.needs_centrifuge && !v.centrifuged);
        if unspun && spinning.is_none() && loaded.is_empty() {
            self.dress_for_bench()?;
            self.fill_and_start()?;
            return Ok(true);
        }
        self.run_ready(&stats)
    }

    /// Runs the first specimen of `views` that is ready on an analyzer whose
    /// QC covers its tests.
    fn run_ready(&mut self, views: &[crate::session::SpecimenView]) -> Result<bool, PlayError> {
        let scenario = Arc::clone(&self.scenario);
        for v in views {
            if !v.accepted || v.broken || v.in_centrifuge || (v.needs_centrifuge && !v.centrifuged) {
                continue;
            }
            // Opened for its aliquot: poured and capped first (the open task).
            if self.session.handling_view(&v.id).is_some_and(|h| h.uncapped) {
                continue;
            }
            for a in &scenario.lab.analyzers {
                let pending = v.tests.iter().any(|t| a.offers(t) && !v.results.iter().any(|r| &r.test == t));
                if !pending {
                    continue;
                }
                let qc_ok = a
                    .menu
                    .iter()
                    .filter(|t| v.tests.contains(t))
                    .all(|t| self.session.qc_view(&a.id, t).is_some_and(|q| q.valid));
                if qc_ok {
                    self.dress_for_bench()?;
                    if v.stored {
                        // An add-on to a stored specimen: out of the rack first.
                        self.act(Action::Retrieve { specimen: v.id.clone() })?;
                    }
                    self.act(Action::RunTests { specimen: v.id.clone(), analyzer: a.id.clone() })?;
                    return Ok(true);
                }
            }
        }
        Ok(false)
    }

    fn bench_work(&mut self) -> Result<bool, PlayError> {
        let (sharps, biohazard) = self.session.pending_waste();
        if sharps > 0 {
            self.act(Action::DisposeSharps)?;
            return Ok(true);
        }
        if biohazard > 0 {
            self.act(Action::DisposeBiohazard)?;
            return Ok(true);
        }
        // The centrifuge, once it has stopped.
        let (loaded, _, spinning) = self.session.centrifuge_view();
        // After a breakage the lid stays closed until the aerosol settles.
        let lid_free = self.session.lid_closed_until().is_none_or(|t| self.t >= t);
        if let Some(until) = spinning
            && self.t >= until
            && lid_free
        {
            self.dress_for_bench()?;
            self.act(Action::OpenCentrifuge)?;
            return Ok(true);
        }
        // New arrivals, STAT first.
        let mut views = self.session.specimen_views();
        let stat: std::collections::BTreeSet<&str> = self
            .scenario
            .specimens
            .iter()
            .filter(|s| s.priority == Priority::Stat)
            .map(|s| s.id.as_str())
            .collect();
        views.sort_by_key(|v| !stat.contains(v.id.as_str()));
        if let Some(v) = views.iter().find(|v| v.arrived && !v.received) {
            let id = v.id.clone();
            self.dress_for_bench()?;
            self.act(Action::Receive { specimen: id.clone() })?;
            self.act(Action::CompareLabel { specimen: id.clone() })?;
            self.decide(id)?;
            return Ok(true);
        }
        // Spin what waits, balanced.
        let waiting = views
            .iter()
            .any(|v| v.accepted && !v.broken && v.needs_centrifuge && !v.centrifuged && !v.in_centrifuge);
        if spinning.is_none() && loaded.is_empty() && waiting {
            self.dress_for_bench()?;
            self.fill_and_start()?;
            return Ok(true);
        }
        // Send-out aliquots of spun specimens: the aliquot tube labeled from
        // the specimen's own sheet first, one primary tube open at a time.
        if self.aliquot_work(&views)? {
            return Ok(true);
        }
        // Quality control, test by test.
        for a in self.scenario.lab.analyzers.clone() {
            for test in &a.menu {
                let Some(qc) = self.session.qc_view(&a.id, test) else { continue };
                if qc.valid {
                    continue;
                }
                // A corrective action under way: nothing to do on this test until it ends.
                if qc.busy_until.is_some_and(|until| until > self.t) {
                    continue;
                }
                self.dress_for_bench()?;
                if qc.rejected && !qc.corrected_since_reject {
                    // The last run judged, as its Levey-Jennings chart shows it.
                    let last = self.session.qc_chart(&a.id, test).and_then(|c| c.runs.last().cloned());
                    let (rules, zs) = last.map_or_else(Default::default, |r| {
                        (r.violations, r.points.iter().map(|p| p.z).collect::<Vec<f64>>())
                    });
                    let fix = self.next_fix(a.kind, &rules, &zs, &qc.tried);
                    self.act(Action::CorrectiveAction {
                        analyzer: a.id.clone(),
                        test: test.clone(),
                        action: fix,
                    })?;
                    return Ok(true);
                }
                // One run per control level for the analyzer: each level
                // measured once gives every test whose QC is due.
                let levels: Vec<u8> = {
                    let mut l: Vec<u8> =
                        a.controls.iter().filter(|c| &c.test == test).map(|c| c.level).collect();
                    l.sort_unstable();
                    l.truncate(qc.levels_needed);
                    l
                };
                if let Some(level) = levels.iter().find(|l| !qc.open_levels.contains(l)) {
                    self.act(Action::RunControls { analyzer: a.id.clone(), level: *level })?;
                    return Ok(true);
                }
                let verdict = self.session.qc_verdict(&a.id, test).map(|v| (v.decision, v.violations));
                match verdict {
                    Some((Decision::Reject, violations)) => {
                        let rule = violations.first().cloned().unwrap_or_default();
                        self.act(Action::RejectQc { analyzer: a.id.clone(), test: test.clone(), rule })?;
                    }
                    _ => {
                        self.act(Action::AcceptQc { analyzer: a.id.clone(), test: test.clone() })?;
                    }
                }
                return Ok(true);
            }
        }
        // Results beyond the measurement range are diluted and rerun.
        for v in &views {
            if let Some(r) = v.results.iter().find(|r| r.ready && r.flags.above_amr && !r.diluted) {
                self.dress_for_bench()?;
                self.act(Action::Dilute { specimen: v.id.clone(), test: r.test.clone(), factor: 2 })?;
                return Ok(true);
            }
        }
        // Run every ready specimen on every analyzer whose QC covers its tests.
        if self.run_ready(&views)? {
            return Ok(true);
        }
        self.store_finished(&views)
    }

    /// Critical results ready to call: verify, call, read back, document.
    fn critical_calls(&mut self) -> Result<bool, PlayError> {
        // Critical results: verify, call, read back, document, release.
        for call in self.session.calls() {
            if call.read_back && call.documented {
                continue;
            }
            self.dress_for_office()?;
            let (specimen, test) = (call.specimen.clone(), call.test.clone());
            let reviewed = self
                .session
                .specimen_view(&specimen)
                .is_some_and(|v| v.results.iter().any(|r| r.test == test && r.reviewed));
            if !call.attempted && !reviewed {
                self.act(Action::Review { specimen: specimen.clone(), test: test.clone() })?;
            }
            if call.answered_by.is_none() {
                self.call_someone(&specimen, &test)?;
                return Ok(true);
            }
            if !call.read_back {
                self.act(Action::ConfirmReadBack { specimen: specimen.clone(), test: test.clone() })?;
            }
            if !call.documented {
                let who = call.answered_by.clone().unwrap_or_default();
                let person = self.scenario.caregivers.iter().find(|c| c.id == who).cloned();
                if let Some(p) = person {
                    self.act(Action::DocumentCall {
                        specimen,
                        test,
                        name: p.name,
                        credentials: p.credentials,
                    })?;
                }
            }
            return Ok(true);
        }
        Ok(false)
    }

    fn office_work(&mut self) -> Result<bool, PlayError> {
        // Look-backs after QC rejections.
        for a in self.scenario.lab.analyzers.clone() {
            for test in &a.menu {
                if self.session.qc_view(&a.id, test).is_some_and(|q| q.look_back_due) {
                    self.dress_for_office()?;
                    self.act(Action::LookBack { analyzer: a.id.clone(), test: test.clone() })?;
                    return Ok(true);
                }
            }
        }
        let mut views = self.session.specimen_views();
        views.sort_by_key(|v| !self.is_stat(&v.id));
        // Add-on requests, answered by each test's stability.
        if self.answer_add_on(&views)? {
            return Ok(true);
        }
        if let Some(v) = views.iter().find(|v| (v.rejected.is_some() || v.broken) && !v.recollect_requested) {
            self.dress_for_office()?;
            self.act(Action::RequestRecollection { specimen: v.id.clone() })?;
            return Ok(true);
        }
        // A mislabel is an occurrence the lab reports and reviews.
        if let Some(v) = views.iter().find(|v| {
            v.rejected.is_some()
                && !v.occurrence_reported
                && self.session.defects(&v.id).contains(&RejectReason::Mislabeled)
        }) {
            self.dress_for_office()?;
            self.act(Action::ReportOccurrence { specimen: v.id.clone() })?;
            return Ok(true);
        }
        // Verify and release the rest, specimen by specimen: flagged results
        // are looked at one by one, hemolyzed ones suppressed, then the
        // accession released from one screen.
        for v in &views {
            let pending: Vec<_> =
                v.results.iter().filter(|r| r.ready && !r.released && !r.suppressed && !r.held).collect();
            if pending.is_empty() || pending.iter().any(|r| r.flags.above_amr && !r.diluted) {
                continue;
            }
            let pending_call =
                self.session.calls().iter().any(|c| c.specimen == v.id && !(c.read_back && c.documented));
            if pending_call {
                continue;
            }
            if let Some(r) = pending.iter().find(|r| r.flags.lipemic) {
                // Lipemic serum: an aliquot cleared at high speed, the test rerun on it.
                self.dress_for_bench()?;
                if !v.lipemia_cleared {
                    self.act(Action::ClearLipemia { specimen: v.id.clone() })?;
                } else {
                    self.act(Action::Repeat { specimen: v.id.clone(), test: r.test.clone() })?;
                }
                return Ok(true);
            }
            self.dress_for_office()?;
            if let Some(r) = pending.iter().find(|r| r.flags.hemolyzed) {
                // Hemolyzed serum beyond this test's limit: not reported,
                // recollected for this test only.
                if !r.reviewed {
                    self.act(Action::Review { specimen: v.id.clone(), test: r.test.clone() })?;
                }
                self.act(Action::Suppress { specimen: v.id.clone(), test: r.test.clone() })?;
                return Ok(true);
            }
            if let Some(r) = pending.iter().find(|r| r.flags.needs_review() && !r.reviewed) {
                self.act(Action::Review { specimen: v.id.clone(), test: r.test.clone() })?;
                return Ok(true);
            }
            self.act(Action::ReleaseSpecimen { specimen: v.id.clone() })?;
            return Ok(true);
        }
        Ok(false)
    }

    /// Calls the patient's caregiver; if nobody answers, escalates to the next
    /// licensed caregiver.
    fn call_someone(&mut self, specimen: &str, test: &str) -> Result<(), PlayError> {
        let Some(spec) = self.scenario.specimens.iter().find(|s| s.id == specimen).cloned() else {
            return Ok(());
        };
        let responsible =
            self.scenario.patients.iter().find(|p| p.mrn == spec.patient).map(|p| p.caregiver.clone());
        let accepted = &self.scenario.policy.pack.critical_call.accepted_credentials;
        let mut order: Vec<String> = responsible.into_iter().collect();
        for c in &self.scenario.caregivers {
            if accepted.iter().any(|a| a.eq_ignore_ascii_case(&c.credentials)) && !order.contains(&c.id) {
                order.push(c.id.clone());
            }
        }
        // Whoever did not answer is passed over: the next licensed caregiver
        // is called (escalation), and the first again once all were tried.
        let tried: Vec<String> = self
            .session
            .calls()
            .into_iter()
            .find(|c| c.specimen == specimen && c.test == test)
            .map(|c| c.unanswered)
            .unwrap_or_default();
        if order.iter().any(|c| !tried.contains(c)) {
            order.retain(|c| !tried.contains(c));
        }
        for caregiver in order {
            let events = self.act(Action::CallCaregiver {
                specimen: specimen.to_owned(),
                test: test.to_owned(),
                caregiver,
            })?;
            if events.iter().any(|e| matches!(e, Event::CallAnswered { .. })) {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The next corrective action to try on a rejected test, as a technician
    /// troubleshoots: one control level off alone points at the control
    /// material (a new vial first); every control off to the same side, or a
    /// rule of systematic error, at calibration (a coagulation assay's at its
    /// reagent lot); the rest at random error (maintenance). A fix that did
    /// not cure it is not tried again; service is the last call.
    fn next_fix(&self, kind: AnalyzerKind, rules: &[String], zs: &[f64], tried: &[Corrective]) -> Corrective {
        let one_level = zs.len() > 1
            && zs.iter().filter(|z| z.abs() > 2.0).count() == 1
            && zs.iter().any(|z| z.abs() < 1.5);
        let one_side = zs.iter().all(|z| *z > 1.0) || zs.iter().all(|z| *z < -1.0);
        let systematic_rule = rules.iter().any(|r| SYSTEMATIC.contains(&r.as_str()));
        let systematic = one_side || systematic_rule;
        use Corrective::*;
        let order: &[Corrective] = if one_level && !systematic_rule {
            &[NewControlVial, Maintenance, Recalibrate, NewReagentLot, CallService]
        } else if systematic {
            &[Recalibrate, NewReagentLot, NewControlVial, Maintenance, CallService]
        } else {
            &[Maintenance, NewControlVial, Recalibrate, NewReagentLot, CallService]
        };
        let offered: Vec<Corrective> =
            self.scenario.policy.pack.qc.corrective_for(kind).iter().map(|c| c.action).collect();
        order
            .iter()
            .copied()
            .find(|c| offered.contains(c) && !tried.contains(c))
            .or_else(|| offered.last().copied())
            .unwrap_or(CallService)
    }

    /// When something will next need doing: an arrival, a spin's end, a result, a contact time.
    fn next_moment(&self) -> Option<SimTime> {
        self.session.next_moment(self.t)
    }
}

/// Plays `scenario` with `seed` as the reference technician and returns the log.
pub fn reference_log(scenario: &Arc<Scenario>, seed: u64) -> Result<SessionLog, PlayError> {
    let mut player = Player {
        scenario: Arc::clone(scenario),
        session: Session::new(scenario, seed),
        log: SessionLog::new(scenario, seed, "Reference technician", Mode::Assessment),
        t: SimTime::ZERO,
    };
    player.dress_for_bench()?;
    let limit = scenario.meta.time_limit;
    let mut idle_guard = 0;
    while player.t < limit {
        match player.step() {
            Ok(true) => {
                idle_guard = 0;
                continue;
            }
            Ok(false) => {}
            // More work than one technician can do in the shift's time: the
            // shift ends at its limit with the rest left undone.
            Err(_) if player.t > limit => {
                player.t = limit;
                player.act(Action::EndShift)?;
                return Ok(player.log);
            }
            Err(e) => return Err(e),
        }
        match player.next_moment().map(|m| m.min(limit)) {
            Some(next) if next > player.t => {
                // Nothing to do until then: let the clock run.
                player.session.apply(Action::Wait, next).map_err(|reason| PlayError {
                    at: scenario.meta.start.plus(next).to_string_full(),
                    action: "Wait".into(),
                    reason,
                })?;
                player.t = next;
            }
            Some(_) if player.session.now() < player.t => {
                // Due now, but the session's clock stopped just before it.
                let at = player.t;
                player.session.apply(Action::Wait, at).map_err(|reason| PlayError {
                    at: scenario.meta.start.plus(at).to_string_full(),
                    action: "Wait".into(),
                    reason,
                })?;
            }
            Some(_) => {
                // Something is due now but nothing could be done: wait a little.
                idle_guard += 1;
                player.t = SimTime(player.t.0 + STEP);
                if idle_guard > 200 {
                    break;
                }
            }
            None => break,
        }
    }
    player.t = player.t.min(limit);
    player.finish()?;
    Ok(player.log)
}

impl Player {
    /// A player on a copy of a live session at `at`: what it does changes
    /// nothing in the shift itself.
    fn on_copy(session: &Session, at: SimTime) -> Player {
        let scenario = Arc::clone(session.scenario_arc());
        let mut copy = session.clone();
        // What the clock has brought since the last action (an arrival, a
        // result, a spin's end) is there for the next step to see.
        let t = at.max(session.now()).min(scenario.meta.time_limit);
        if t > copy.now() {
            let _ = copy.replay(&Action::Wait, t);
        }
        Player {
            log: SessionLog::new(&scenario, session.seed(), "", Mode::Practice),
            scenario,
            session: copy,
            t,
        }
    }

    /// Leaves the bench clean (waste in the bins, gloves off, hands washed)
    /// and ends the shift.
    fn finish(&mut self) -> Result<(), PlayError> {
        let limit = self.scenario.meta.time_limit;
        // Tidying up takes a minute; at the time limit the shift just ends.
        if self.t.0 + 4 * STEP <= limit.0 {
            let (sharps, biohazard) = self.session.pending_waste();
            if sharps > 0 {
                self.act(Action::DisposeSharps)?;
            }
            if biohazard > 0 {
                self.act(Action::DisposeBiohazard)?;
            }
            self.dress_for_office()?;
        }
        self.t = self.t.min(limit);
        self.act(Action::EndShift)?;
        Ok(())
    }
}

/// What the reference technician does next in a live shift.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Take these actions now, in order: one piece of work (receiving a
    /// tube is receive, compare the label, accept or reject).
    Act(Vec<Action>),
    /// Nothing to do until then: let the clock run.
    WaitUntil(SimTime),
}

/// The reference technician's next move in `session` at `at`: an action, or
/// how long to wait; once nothing more will happen, the steps that end the
/// shift. What the demo plays when the reference run no longer applies (an
/// instructor injected a fault). Like [`next_step`], it never changes the shift.
pub fn plan(session: &Session, at: SimTime) -> Plan {
    let limit = session.scenario().meta.time_limit;
    if session.is_ended() {
        return Plan::Act(Vec::new());
    }
    let mut player = Player::on_copy(session, at);
    // A refusal still leaves the actions before it in the log.
    let _ = player.step();
    if !player.log.actions.is_empty() {
        return Plan::Act(player.log.actions.into_iter().map(|e| e.action).collect());
    }
    match player.next_moment() {
        Some(next) if next > player.t => Plan::WaitUntil(next.min(limit)),
        Some(_) if player.t.0 + STEP < limit.0 => Plan::WaitUntil(SimTime(player.t.0 + STEP)),
        _ => {
            let _ = player.finish();
            Plan::Act(player.log.actions.into_iter().map(|e| e.action).collect())
        }
    }
}

/// What the reference technician would do next in `session` at `at`: the
/// practice mode's hint. `None` when nothing needs doing until the clock runs.
///
/// It plays one step on a copy of the session, so it never changes the shift.
pub fn next_step(session: &Session, at: SimTime) -> Option<Action> {
    if session.is_ended() {
        return None;
    }
    let mut player = Player::on_copy(session, at);
    // A refusal still leaves the actions before it in the log.
    let _ = player.step();
    player.log.actions.into_iter().next().map(|entry| entry.action)
}

/// An event of a scenario that comes after the reference technician has
/// done all the shift's work, on some seeds: a trainee who works as well
/// meets it idle, only by waiting for it, or ends the shift before it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnmetEvent {
    /// Its place among the scenario's `events`, from 0.
    pub index: usize,
    /// Seeds tried on which it comes after the work is done.
    pub missed: usize,
    pub tried: usize,
    /// When the reference run's last work was done, on the first such seed (`HH:MM:SS`).
    pub work_done: String,
}

/// The events that come after all the work is done: on seeds 1 to 12 for a
/// scenario the seed changes, on seed 1 otherwise. An author rarely means
/// one (a coffee offered at 08:20 in a shift whose work is done by 08:12).
pub fn unmet_events(scenario: &Arc<Scenario>) -> Vec<UnmetEvent> {
    let seeds: Vec<u64> = if scenario.randomizes() { (1..=12).collect() } else { vec![1] };
    let mut unmet: Vec<UnmetEvent> = Vec::new();
    for &seed in &seeds {
        let Ok(log) = reference_log(scenario, seed) else { continue };
        let Some(done) = log
            .actions
            .iter()
            .rfind(|e| !matches!(e.action, Action::EndShift | Action::Wait))
            .and_then(|e| crate::time::ClockTime::parse(&e.at))
        else {
            continue;
        };
        let done_at = done.since(scenario.meta.start);
        for (index, at) in crate::random::event_times(scenario, seed).into_iter().enumerate() {
            if at <= done_at {
                continue;
            }
            match unmet.iter_mut().find(|u| u.index == index) {
                Some(u) => u.missed += 1,
                None => {
                    unmet.push(UnmetEvent { index, missed: 1, tried: 0, work_done: done.to_string_full() });
                }
            }
        }
    }
    for u in &mut unmet {
        u.tried = seeds.len();
    }
    unmet.sort_by_key(|u| u.index);
    unmet
}
