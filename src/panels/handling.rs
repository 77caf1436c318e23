//! The handling panels: one tube's send-out aliquot (labeled first, one tube
//! open at a time, kept as its test needs), its place in the storage rack,
//! and an add-on request judged by each test's stability from collection.

use labshift_core::action::Action;
use labshift_core::raw::Storage;
use labshift_core::session::{HandlingView, SpecimenView};

use super::{Panel, PanelSpec};
use crate::play::{Play, Tone};

/// The station list's part: tubes with an aliquot, storage or add-on to see to.
pub(super) fn station_lines(play: &Play, views: &[SpecimenView], p: &mut PanelSpec) {
    let store = play.scenario.lab.store_finished;
    let mut any = false;
    for v in views.iter().filter(|v| v.arrived) {
        let Some(h) = play.session.handling_view(&v.id) else { continue };
        let state = if h.add_on.is_some() {
            "add-on requested"
        } else if h.uncapped {
            "open"
        } else if !h.send_outs.is_empty() && h.aliquot_stored.is_none() && v.accepted {
            "send-out aliquot to pour off"
        } else if h.stored.is_some() {
            "in the storage rack"
        } else if store && v.accepted {
            "not stored"
        } else {
            continue;
        };
        if !any {
            p.line("Aliquots, storage and add-ons:");
            any = true;
        }
        p.open(format!("{}: {state}", v.id), Panel::Handling(v.id.clone()));
    }
}

/// One tube's aliquot, storage and add-on request.
pub(super) fn handling(play: &Play, id: &str) -> PanelSpec {
    let mut p = PanelSpec::new(format!("Aliquot and storage: {id}"));
    let (Some(h), Some(v)) = (play.session.handling_view(id), play.session.specimen_view(id)) else {
        p.line(format!("No specimen {id}."));
        p.tab("Back", Panel::LabelStation);
        return p;
    };
    let pack = &play.scenario.policy.pack.handling;
    send_out_lines(&h, id, &mut p);
    let spun = !v.needs_centrifuge || v.centrifuged;
    let usable = v.accepted && !v.broken;
    if !h.send_outs.is_empty() {
        p.act_if(
            usable && h.aliquot_sheet.is_none(),
            format!("Label an aliquot tube from {id}'s own label sheet"),
            Action::LabelAliquot { specimen: id.to_owned(), sheet: id.to_owned() },
        );
        // The last sheet printed for another tube lies by the printer too.
        let other = other_sheet(play, id);
        p.act_if(
            usable && h.aliquot_sheet.is_none() && other.is_some(),
            match &other {
                Some(other) => format!("Label an aliquot tube from the sheet by the printer ({other}'s)"),
                None => "Label an aliquot tube from the sheet by the printer (none there)".to_owned(),
            },
            Action::LabelAliquot { specimen: id.to_owned(), sheet: other.unwrap_or_else(|| id.to_owned()) },
        );
    }
    p.act_if(
        usable && spun && !h.uncapped && h.stored.is_none() && !v.in_centrifuge,
        format!("Uncap {id}"),
        Action::Uncap { specimen: id.to_owned() },
    );
    if !h.send_outs.is_empty() {
        p.act_if(
            h.uncapped && !h.poured,
            "Pour off the aliquot and cap it",
            Action::PourOff { specimen: id.to_owned() },
        );
    }
    p.act_if(h.uncapped, format!("Recap {id}"), Action::Recap { specimen: id.to_owned() });
    if !h.send_outs.is_empty() {
        for storage in Storage::ALL {
            p.act_if(
                h.poured && h.aliquot_stored.is_none(),
                format!("Keep the aliquot {}", storage.name()),
                Action::StoreAliquot { specimen: id.to_owned(), storage },
            );
        }
    }
    p.line(match h.stored {
        Some(s) => format!("{id} is in the storage rack, {}.", s.name()),
        None => format!("The lab keeps finished tubes {}, capped.", pack.storage.name()),
    });
    for storage in Storage::ALL {
        p.act_if(
            usable && spun && h.stored.is_none() && !h.uncapped && !v.in_centrifuge,
            format!("Put {id} in the storage rack {}", storage.name()),
            Action::Store { specimen: id.to_owned(), storage },
        );
    }
    p.act_if(
        h.stored.is_some(),
        format!("Take {id} out of the storage rack"),
        Action::Retrieve { specimen: id.to_owned() },
    );
    add_on_lines(play, &h, id, &mut p);
    p.tab("Back", Panel::LabelStation);
    p
}

fn send_out_lines(h: &HandlingView, id: &str, p: &mut PanelSpec) {
    if h.send_outs.is_empty() {
        p.line(format!("No test on {id} is sent to a reference lab."));
        return;
    }
    for (code, name, storage) in &h.send_outs {
        p.line(format!("Send-out: {name} ({code}), its aliquot kept {}.", storage.name()));
    }
    p.line(
        "Label the aliquot tube before pouring, from this tube's own label sheet; one tube open at a time.",
    );
    let state = match (&h.aliquot_sheet, h.poured, h.aliquot_stored) {
        (_, true, Some(s)) => format!("Aliquot poured and kept {}.", s.name()),
        (Some(sheet), true, None) => {
            format!("Aliquot poured into the tube labeled from {sheet}'s sheet: keep it.")
        }
        (None, true, None) => "Aliquot poured into an unlabeled tube.".to_owned(),
        (Some(sheet), false, _) => format!("Aliquot tube labeled from {sheet}'s sheet; not poured yet."),
        (None, false, _) => "No aliquot yet.".to_owned(),
    };
    p.toned(if h.aliquot_stored.is_some() { Tone::Good } else { Tone::Info }, state);
}

fn add_on_lines(play: &Play, h: &HandlingView, id: &str, p: &mut PanelSpec) {
    let Some(tests) = &h.add_on else {
        // The answers keep their keys, greyed, when no request waits.
        p.act_if(
            false,
            "Add the requested tests on (no add-on request)",
            Action::AcceptAddOn { specimen: id.to_owned() },
        );
        p.act_if(
            false,
            "Decline: ask for a new collection",
            Action::DeclineAddOn { specimen: id.to_owned() },
        );
        return;
    };
    let names: Vec<&str> = tests.iter().map(|(t, _)| t.as_str()).collect();
    let collected = play
        .scenario
        .specimens
        .iter()
        .find(|s| s.id == id)
        .map(|s| play.scenario.meta.start.plus(s.collected).to_string_full())
        .unwrap_or_default();
    p.toned(
        Tone::Warn,
        format!(
            "Add-on requested: {} on {id}, collected at {collected} ({} min ago).",
            names.join(", "),
            h.age_min
        ),
    );
    for (test, within) in tests {
        p.line(match within {
            Some(m) => format!(
                "The lab's table: {test} may be added on within {} of collection.",
                labshift_core::time::span_words(i64::from(*m))
            ),
            None => format!("The lab's table: {test} is never added on; it needs a new specimen."),
        });
    }
    p.act(format!("Add {} on to {id}", names.join(", ")), Action::AcceptAddOn { specimen: id.to_owned() });
    p.act(
        "Decline: ask the caregiver for a new collection",
        Action::DeclineAddOn { specimen: id.to_owned() },
    );
}

/// The label sheet printed last for another tube, the one a busy hand picks up by mistake.
fn other_sheet(play: &Play, id: &str) -> Option<String> {
    play.session.specimen_views().into_iter().filter(|v| v.received && v.id != id).map(|v| v.id).next_back()
}
