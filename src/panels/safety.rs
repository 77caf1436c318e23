//! The safety panels: the PPE station, the sink, the sharps container, the biohazard bin, the spill kit.

use labshift_core::action::Action;

use super::PanelSpec;
use super::words::{self, PPE};
use crate::play::{Play, Tone};

/// Protective equipment to put on or take off, and the pack's rules by area.
pub(super) fn ppe(play: &Play) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let mut p = PanelSpec::new("PPE station");
    // Each piece has its two keys: put on, take off; the one that does not apply is greyed.
    let wearing = session.wearing();
    for item in PPE {
        let worn = wearing.contains(&item);
        p.act_if(!worn, format!("Put on the {}", words::ppe(item)), Action::PutOn(item));
        p.act_if(worn, format!("Take off the {}", words::ppe(item)), Action::TakeOff(item));
    }
    for rule in &scenario.policy.pack.ppe {
        let list =
            |v: &[labshift_core::raw::Ppe]| v.iter().map(|x| words::ppe(*x)).collect::<Vec<_>>().join(", ");
        let mut text = format!("{}:", words::area(rule.area));
        if !rule.require.is_empty() {
            text.push_str(&format!(" wear {}", list(&rule.require)));
        }
        if !rule.forbid.is_empty() {
            text.push_str(&format!(" — no {}", list(&rule.forbid)));
        }
        p.line(text);
    }
    p
}

/// A colleague's coffee, put down at the bench.
pub(super) fn coffee(play: &Play) -> PanelSpec {
    let mut p = PanelSpec::new("A colleague's coffee");
    if play.coffee_offered {
        p.line("A colleague has put a coffee down for you at the bench.");
    } else {
        p.line("No coffee on the bench.");
    }
    p.act_if(play.coffee_offered, "Drink it", Action::EatOrDrink);
    p
}

/// The sink.
pub(super) fn sink(play: &Play) -> PanelSpec {
    let session = &play.session;
    let mut p = PanelSpec::new("Sink");
    if session.hands_to_wash() {
        p.toned(Tone::Warn, "Your hands need washing before the next task.");
    } else {
        p.line("Wash after taking gloves off and before leaving the bench.");
    }
    p.act("Wash hands", Action::WashHands);
    p
}

/// The sharps container.
pub(super) fn sharps(play: &Play) -> PanelSpec {
    let session = &play.session;
    let mut p = PanelSpec::new("Sharps container");
    let (sharps, _) = session.pending_waste();
    p.line(format!("{sharps} sharp(s) waiting on the bench."));
    p.act("Put the sharps in the container", Action::DisposeSharps);
    p.act("Close and replace the container", Action::ReplaceSharpsContainer);
    p.act_if(sharps > 0, "Recap the needle first", Action::RecapNeedle);
    p
}

/// The biohazard bin.
pub(super) fn biohazard(play: &Play) -> PanelSpec {
    let session = &play.session;
    let mut p = PanelSpec::new("Biohazard waste");
    let (_, bio) = session.pending_waste();
    p.line(format!("{bio} item(s) of biohazard waste waiting on the bench."));
    p.act("Put the waste in the biohazard bin", Action::DisposeBiohazard);
    p
}

/// The spill kit: the spills, the pack's disinfectant and contact time.
pub(super) fn spill(play: &Play) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let mut p = PanelSpec::new("Spill kit");
    let spill = &scenario.policy.pack.spill;
    let spills = session.spills();
    if spills.is_empty() {
        p.line("No spill on the bench.");
    }
    for since in &spills {
        match since {
            None => p.toned(
                Tone::Warn,
                "A spill is waiting: cover it with absorbent towels and flood them with disinfectant.",
            ),
            Some(t) => {
                let left = (i64::from(spill.contact_time_min) * 60 - (play.now().0 - t.0)).max(0);
                p.line(format!("Disinfecting: {}:{:02} of contact time left.", left / 60, left % 60));
            }
        }
    }
    p.line(format!(
        "Policy: bleach 1:{}, {} min contact time.",
        spill.dilution_one_in, spill.contact_time_min
    ));
    for one_in in [5, 10, 100] {
        p.act(
            format!("Cover with absorbent and flood with bleach 1:{one_in}"),
            Action::CleanSpill { dilution_one_in: one_in },
        );
    }
    p.act("After the contact time: wipe up, discard as biohazard", Action::FinishSpill);
    p
}
