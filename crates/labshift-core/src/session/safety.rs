//! The safety bench: protective equipment, hand hygiene, eating and
//! recapping, waste (sharps and biohazard) and blood spills.

use std::collections::BTreeSet;

use super::events::{Event, Rejected, no};
use super::work::Work;
use super::{Bench, Session, Undone, minutes};
use crate::action::Action;
use crate::model::Scenario;
use crate::raw::{Area, Ppe, RawFault};
use crate::time::SimTime;

/// The safety bench.
pub(super) struct Safety;

/// What the trainee wears, the hands, the bins and the spills.
#[derive(Debug, Clone)]
pub(super) struct Workplace {
    wearing: BTreeSet<Ppe>,
    hands_to_wash: bool,
    spills: Vec<Spill>,
    sharps_fill: u32,
    biohazard_fill: u32,
    pending_sharps: u32,
    pending_biohazard: u32,
    /// Spills cleared in the shift.
    spills_cleared: u32,
    /// Whether the shift made any waste to dispose of.
    waste_made: bool,
}

#[derive(Debug, Clone)]
struct Spill {
    /// Where the blood is.
    area: Area,
    cleaning: Option<(SimTime, u32)>,
}

impl Workplace {
    pub(super) fn new(scenario: &Scenario) -> Workplace {
        Workplace {
            wearing: BTreeSet::new(),
            hands_to_wash: false,
            spills: Vec::new(),
            sharps_fill: scenario.lab.sharps.fill,
            biohazard_fill: scenario.lab.biohazard.fill,
            pending_sharps: 0,
            pending_biohazard: 0,
            spills_cleared: 0,
            waste_made: false,
        }
    }

    /// Blood on the bench (a fault, a tube broken in the centrifuge): it has to be cleaned.
    pub(super) fn spill(&mut self, area: Area) {
        self.spills.push(Spill { area, cleaning: None });
    }

    /// Contaminated waste put down on the bench (a rejected tube, a dilution's
    /// cups): it has to go into the biohazard bin.
    pub(super) fn leave_biohazard(&mut self) {
        self.pending_biohazard += 1;
        self.waste_made = true;
    }
}

impl Bench for Safety {
    fn owns(&self, action: &Action) -> bool {
        use Action::*;
        matches!(
            action,
            PutOn(_)
                | TakeOff(_)
                | WashHands
                | EatOrDrink
                | RecapNeedle
                | DisposeSharps
                | DisposeBiohazard
                | ReplaceSharpsContainer
                | CleanSpill { .. }
                | FinishSpill
        )
    }

    fn check(&self, s: &Session, action: &Action, _at: SimTime) -> Result<(), Rejected> {
        let w = &s.safety;
        match action {
            Action::TakeOff(p) if !w.wearing.contains(p) => Err(no(format!("not wearing {p:?}"))),
            Action::PutOn(p) if w.wearing.contains(p) => Err(no(format!("already wearing {p:?}"))),
            Action::CleanSpill { dilution_one_in } => {
                if *dilution_one_in == 0 {
                    return Err(no("a 1:0 dilution is not a dilution"));
                }
                if !w.spills.iter().any(|s| s.cleaning.is_none()) {
                    return Err(no("there is no spill to clean"));
                }
                Ok(())
            }
            Action::FinishSpill => {
                if !w.spills.iter().any(|s| s.cleaning.is_some()) {
                    return Err(no("no spill is being disinfected"));
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn watch(&self, s: &mut Session, action: &Action, at: SimTime) {
        check_hygiene(s, action, at);
        check_ppe(s, action, at);
    }

    fn act(&self, s: &mut Session, action: &Action, at: SimTime) -> Result<(), Rejected> {
        use Action::*;
        match action {
            PutOn(p) => {
                s.safety.wearing.insert(*p);
            }
            TakeOff(p) => {
                s.safety.wearing.remove(p);
                if *p == Ppe::Gloves {
                    // Gloves go straight into the biohazard bin as they come off.
                    s.safety.hands_to_wash = true;
                    s.safety.biohazard_fill += 1;
                }
            }
            EatOrDrink => s.find("SAF-EATING", at, "", "Ate or drank at the bench.".into()),
            RecapNeedle => s.find("SAF-RECAP", at, "", "Recapped a needle.".into()),
            DisposeSharps => {
                let items = std::mem::take(&mut s.safety.pending_sharps);
                s.safety.sharps_fill += items;
                if items > 0 && s.safety.sharps_fill * 4 > s.scenario.lab.sharps.capacity * 3 {
                    s.find(
                        "SAF-SHARPS",
                        at,
                        "container",
                        "Filled the sharps container past three quarters.".into(),
                    );
                }
                s.tell(|_| Event::WasteDisposed { into: "sharps", items });
            }
            DisposeBiohazard => {
                let items = std::mem::take(&mut s.safety.pending_biohazard);
                s.safety.biohazard_fill += items;
                if s.safety.biohazard_fill > s.scenario.lab.biohazard.capacity {
                    s.find("SAF-BIOHAZARD", at, "container", "Overfilled the biohazard bin.".into());
                }
                s.tell(|_| Event::WasteDisposed { into: "biohazard", items });
            }
            ReplaceSharpsContainer => s.safety.sharps_fill = 0,
            CleanSpill { dilution_one_in } => {
                let dilution_one_in = *dilution_one_in;
                let need = s.scenario.policy.pack.spill.dilution_one_in;
                if dilution_one_in != need {
                    s.find(
                        "SAF-SPILL",
                        at,
                        "dilution",
                        format!("Disinfected a spill with 1:{dilution_one_in} instead of 1:{need}."),
                    );
                }
                if let Some(spill) = s.safety.spills.iter_mut().find(|s| s.cleaning.is_none()) {
                    spill.cleaning = Some((at, dilution_one_in));
                }
                s.tell(|_| Event::SpillCleaningStarted);
            }
            FinishSpill => {
                let contact = minutes(s.scenario.policy.pack.spill.contact_time_min);
                if let Some(i) = s.safety.spills.iter().position(|s| s.cleaning.is_some()) {
                    let started = s.safety.spills[i].cleaning.map_or(at, |(t, _)| t);
                    if at.0 - started.0 < contact {
                        s.find(
                            "SAF-SPILL",
                            at,
                            "contact time",
                            format!(
                                "Wiped the disinfectant after {} min; the contact time is {} min.",
                                (at.0 - started.0) / 60,
                                contact / 60
                            ),
                        );
                    }
                    s.safety.spills.remove(i);
                    s.safety.spills_cleared += 1;
                    s.safety.pending_biohazard += 1;
                    s.safety.pending_sharps += 1;
                    s.safety.waste_made = true;
                }
                s.tell(|_| Event::SpillCleared);
            }
            _ => {}
        }
        Ok(())
    }

    fn takes(&self, fault: &RawFault) -> bool {
        matches!(fault, RawFault::Spill { .. } | RawFault::CoffeeOffered)
    }

    fn injectable(&self, _s: &Session, fault: &RawFault) -> Result<(), Rejected> {
        match fault {
            RawFault::Spill { volume_ml, .. } if *volume_ml > 0 => Ok(()),
            other => Err(no(format!("{other:?} cannot be injected live"))),
        }
    }

    fn fault(&self, s: &mut Session, fault: &RawFault, _at: SimTime) {
        match fault {
            RawFault::Spill { area, volume_ml } => {
                s.safety.spill(*area);
                s.tell_fault(|| format!("blood spill, {volume_ml} mL, at {}", area.words()));
            }
            RawFault::CoffeeOffered => s.tell(|_| Event::CoffeeOffered),
            _ => {}
        }
    }

    fn work<'s>(&self, s: &'s Session, w: &mut Work<'s>) {
        let ws = &s.safety;
        for _ in 0..ws.spills_cleared {
            w.item("SAF-SPILL", || "Decontaminate the spill".into(), true);
        }
        for _ in &ws.spills {
            w.item("SAF-SPILL", || "Decontaminate the spill".into(), false);
        }
        if ws.waste_made || ws.pending_sharps > 0 {
            let clear = ws.pending_sharps == 0 && ws.pending_biohazard == 0;
            w.item("SAF-BIOHAZARD", || "Clear the waste into the sharps and biohazard bins".into(), clear);
        }
    }

    fn undone(&self, s: &Session, u: &mut Undone) {
        let w = &s.safety;
        if !w.spills.is_empty() {
            u.note("SAF-SPILL", "left".into(), "A spill was left uncleaned.".into());
        }
        if w.pending_sharps > 0 {
            u.note("SAF-SHARPS", "left".into(), "Broken glass was left on the bench.".into());
        }
        if w.pending_biohazard > 0 {
            u.note(
                "SAF-BIOHAZARD",
                "left".into(),
                "Contaminated waste was left out of the biohazard bin.".into(),
            );
        }
    }
}

fn check_hygiene(s: &mut Session, action: &Action, at: SimTime) {
    if !s.safety.hands_to_wash {
        return;
    }
    match action {
        Action::WashHands => s.safety.hands_to_wash = false,
        Action::TakeOff(_) | Action::Wait => {}
        _ => {
            s.safety.hands_to_wash = false;
            s.find(
                "SAF-HAND-HYGIENE",
                at,
                "",
                "Gloves came off and hands were not washed before the next task.".into(),
            );
        }
    }
}

/// A piece of protective equipment, as a technician names it.
fn ppe_words(ppe: Ppe) -> &'static str {
    match ppe {
        Ppe::Gloves => "gloves",
        Ppe::Coat => "a lab coat",
        Ppe::FaceShield => "a face shield",
    }
}

fn check_ppe(s: &mut Session, action: &Action, at: SimTime) {
    let Some(area) = action.area() else { return };
    let Some(rule) = s.scenario.policy.pack.ppe.iter().find(|r| r.area == area) else { return };
    let wearing = &s.safety.wearing;
    let missing: Vec<Ppe> = rule.require.iter().filter(|p| !wearing.contains(p)).copied().collect();
    let forbidden: Vec<Ppe> = rule.forbid.iter().filter(|p| wearing.contains(p)).copied().collect();
    let place = area.words();
    if missing.contains(&Ppe::Gloves) {
        s.find(
            "SAF-GLOVES",
            at,
            &format!("{area:?}"),
            format!("Handled specimens at {place} without gloves."),
        );
    }
    let others: Vec<&str> = missing.iter().filter(|p| **p != Ppe::Gloves).map(|p| ppe_words(*p)).collect();
    if !others.is_empty() {
        s.find(
            "SAF-PPE",
            at,
            &format!("{area:?}"),
            format!("Worked at {place} without {}.", others.join(" or ")),
        );
    }
    if !forbidden.is_empty() {
        let worn: Vec<&str> = forbidden.iter().map(|p| ppe_words(*p)).collect();
        s.find(
            "SAF-PPE-CLEAN-AREA",
            at,
            &format!("{area:?}"),
            format!("Wore {} at {place}, a clean area.", worn.join(" and ")),
        );
    }
}

impl Session {
    /// PPE the trainee is wearing.
    pub fn wearing(&self) -> &BTreeSet<Ppe> {
        &self.safety.wearing
    }

    /// Whether the hands must be washed before the next task.
    pub fn hands_to_wash(&self) -> bool {
        self.safety.hands_to_wash
    }

    /// Spills not yet cleared: (being disinfected since).
    pub fn spills(&self) -> Vec<Option<SimTime>> {
        self.safety.spills.iter().map(|s| s.cleaning.map(|(t, _)| t)).collect()
    }

    /// Where the spills not yet cleared lie, in the order they happened.
    pub fn spill_areas(&self) -> Vec<Area> {
        self.safety.spills.iter().map(|s| s.area).collect()
    }

    /// How full the sharps container is: (items in it, its capacity).
    pub fn sharps_fill(&self) -> (u32, u32) {
        (self.safety.sharps_fill, self.scenario.lab.sharps.capacity)
    }

    /// Waste waiting on the bench: (sharps, biohazard).
    pub fn pending_waste(&self) -> (u32, u32) {
        (self.safety.pending_sharps, self.safety.pending_biohazard)
    }
}
