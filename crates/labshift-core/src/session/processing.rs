//! The processing bench: the centrifuge (loading, balance, the spin, the lid)
//! and how long a specimen may wait before it is spun.

use super::events::{Event, Rejected, no};
use super::records::SpecimenState;
use super::work::Work;
use super::{Bench, Session, minutes};
use crate::action::{Action, RejectReason};
use crate::model::Specimen;
use crate::raw::{Area, TubeKind};
use crate::time::SimTime;

/// The processing bench.
pub(super) struct Processing;

/// The centrifuge: what is loaded, and the spin under way.
#[derive(Debug, Clone, Default)]
pub(super) struct Centrifuge {
    loaded: Vec<String>,
    balance_tubes: u32,
    pub(super) spinning_until: Option<SimTime>,
    broke: Option<(String, SimTime)>,
}

impl Bench for Processing {
    fn specimen_work<'s>(
        &self,
        _s: &'s Session,
        spec: &'s Specimen,
        record: &'s SpecimenState,
        defects: &[RejectReason],
        w: &mut Work<'s>,
    ) {
        if !record.owes_results(defects) || !spec.tube.needs_centrifuge() {
            return;
        }
        let id = &spec.id;
        let task = || format!("Centrifuge {id}");
        if record.accepted {
            let done = record.centrifuged_at.is_some();
            let what = || format!("{id} was accepted and never centrifuged: its tests could not be run.");
            w.required("PROC-NOT-PROCESSED", task, done, || id.clone(), what);
        } else {
            w.item("PROC-NOT-PROCESSED", task, false);
        }
    }

    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            LoadCentrifuge { .. } | AddBalanceTube | StartCentrifuge | OpenCentrifuge | ClearLipemia { .. }
        )
    }

    fn check(&self, s: &Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        let c = &s.processing;
        match action {
            Action::ClearLipemia { specimen } => {
                let state = s.state(specimen)?;
                if !state.accepted || state.centrifuged_at.is_none() {
                    return Err(no(format!("{specimen} is not an accepted, centrifuged specimen")));
                }
                if state.lipemia_cleared {
                    return Err(no(format!("{specimen} is already cleared")));
                }
                Ok(())
            }
            Action::LoadCentrifuge { specimen } => {
                let state = s.state(specimen)?;
                if c.spinning_until.is_some() {
                    return Err(no("the centrifuge is running; open it first"));
                }
                if !state.accepted || state.broken {
                    return Err(no(format!("{specimen} is not an accepted specimen")));
                }
                if state.in_centrifuge || state.centrifuged_at.is_some() {
                    return Err(no(format!("{specimen} is already spun or loaded")));
                }
                if state.uncapped {
                    return Err(no(format!("{specimen} is open: recap it before it is spun")));
                }
                if !s.spec(specimen)?.tube.needs_centrifuge() {
                    return Err(no(format!("{specimen} is whole blood; it is not centrifuged")));
                }
                let used = c.loaded.len() as u32 + c.balance_tubes;
                if used >= u32::from(s.scenario.lab.centrifuge.slots) {
                    return Err(no("the centrifuge is full"));
                }
                Ok(())
            }
            Action::AddBalanceTube => {
                if c.spinning_until.is_some() {
                    return Err(no("the centrifuge is running"));
                }
                Ok(())
            }
            Action::StartCentrifuge => {
                if c.spinning_until.is_some() {
                    return Err(no("the centrifuge is already running"));
                }
                if c.loaded.is_empty() {
                    return Err(no("the centrifuge is empty"));
                }
                Ok(())
            }
            Action::OpenCentrifuge => match c.spinning_until {
                None => Err(no("the centrifuge is not running")),
                Some(until) if at < until => Err(no("the lid is locked while the rotor turns")),
                Some(_) => Ok(()),
            },
            _ => Ok(()),
        }
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        match action {
            Action::ClearLipemia { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.lipemia_cleared = true;
                }
                s.tell(|_| Event::LipemiaCleared { specimen: specimen.clone() });
            }
            Action::LoadCentrifuge { specimen } => {
                if let Some(state) = s.specimens.get_mut(specimen) {
                    state.in_centrifuge = true;
                }
                s.processing.loaded.push(specimen.clone());
            }
            Action::AddBalanceTube => s.processing.balance_tubes += 1,
            Action::StartCentrifuge => start(s, at),
            Action::OpenCentrifuge => open(s, at),
            _ => {}
        }
        Ok(())
    }
}

fn start(s: &mut Session, at: SimTime) {
    let count = s.processing.loaded.len() as u32 + s.processing.balance_tubes;
    let balanced = count.is_multiple_of(2);
    let until = SimTime(at.0 + minutes(s.scenario.lab.centrifuge.spin_min));
    s.processing.spinning_until = Some(until);
    s.tell(|_| Event::CentrifugeStarted { until, balanced });
    if !balanced {
        s.find(
            "SAF-CENTRIFUGE",
            at,
            "balance",
            format!("Started the centrifuge unbalanced ({count} tubes)."),
        );
        // The unbalanced rotor breaks the last tube loaded: a spill inside the centrifuge.
        if let Some(victim) = s.processing.loaded.last().cloned() {
            if let Some(state) = s.specimens.get_mut(&victim) {
                state.broken = true;
            }
            s.processing.broke = Some((victim.clone(), at));
            s.safety.spill(Area::Processing);
            s.tell(|_| Event::TubeBroke { specimen: victim });
        }
    }
}

fn open(s: &mut Session, at: SimTime) {
    let until = s.processing.spinning_until.unwrap_or(at);
    let started = SimTime(until.0 - minutes(s.scenario.lab.centrifuge.spin_min));
    if let Some((_, broke_at)) = &s.processing.broke {
        let wait = minutes(s.scenario.policy.pack.centrifuge.breakage_wait_min);
        if at.0 - until.0.max(broke_at.0) < wait {
            s.find(
                "SAF-CENTRIFUGE",
                at,
                "breakage",
                "Opened the centrifuge too soon after a tube broke.".into(),
            );
        }
    }
    let loaded = std::mem::take(&mut s.processing.loaded);
    let mut unloaded = Vec::new();
    for id in loaded {
        let collected = s.spec(&id).map(|s| s.collected).unwrap_or(at);
        let limit = s.uncentrifuged_limit(&id);
        if let Some(state) = s.specimens.get_mut(&id) {
            state.in_centrifuge = false;
            if state.broken {
                continue;
            }
            state.centrifuged_at = Some(until);
        }
        if started.0 - collected.0 > limit {
            s.find(
                "PROC-DELAYED",
                at,
                &id,
                format!(
                    "{id} waited {} min from collection to centrifugation.",
                    (started.0 - collected.0) / 60
                ),
            );
        }
        unloaded.push(id);
    }
    s.processing = Centrifuge::default();
    s.tell(|_| Event::CentrifugeUnloaded { specimens: unloaded });
}

impl Session {
    /// How long a specimen may wait from collection to the spin, in seconds.
    fn uncentrifuged_limit(&self, specimen: &str) -> i64 {
        let Ok(s) = self.spec(specimen) else { return i64::MAX };
        let default = minutes(self.scenario.policy.pack.rejection.uncentrifuged_max_min);
        // Each test's own limit, else the pack's; the specimen waits no longer than its strictest test.
        s.tests
            .iter()
            .filter_map(|t| self.scenario.policy.test(t))
            .map(|t| {
                // Fluoride stops glycolysis: the glucose limit does not apply to a gray tube.
                let exempt =
                    s.tube == TubeKind::GrayFluorideOxalate && matches!(t.code.as_str(), "GLU" | "LAC");
                match t.uncentrifuged_max_min {
                    Some(m) if !exempt => minutes(m),
                    _ => default,
                }
            })
            .min()
            .unwrap_or(default)
    }

    /// Tubes loaded and when the spin ends, if it is running.
    /// After a tube broke in the rotor, the time until which the lid stays
    /// closed, so the aerosol settles (the pack's `breakage_wait_min`).
    pub fn lid_closed_until(&self) -> Option<SimTime> {
        let until = self.processing.spinning_until?;
        let (_, broke_at) = self.processing.broke.as_ref()?;
        let wait = minutes(self.scenario.policy.pack.centrifuge.breakage_wait_min);
        Some(SimTime(until.0.max(broke_at.0) + wait))
    }

    /// When the spin under way ends, if one is: asked every frame, so it builds nothing.
    pub fn spinning_until(&self) -> Option<SimTime> {
        self.processing.spinning_until
    }

    pub fn centrifuge_view(&self) -> (Vec<String>, u32, Option<SimTime>) {
        let c = &self.processing;
        (c.loaded.clone(), c.balance_tubes, c.spinning_until)
    }
}
