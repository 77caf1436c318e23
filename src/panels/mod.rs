//! The stations' panels. What a panel shows and offers is a pure function of
//! the shift ([`panel_spec`]), so the mouse and the keyboard reach the same
//! buttons, and tests can check that every engine action is reachable.

mod analysis;
mod calls;
mod handling;
mod labeling;
mod processing;
mod qc;
mod reception;
mod safety;
pub mod view;

pub use crate::words::{self, flag_text};
pub use qc::qc_panel;

use labshift_core::action::Action;
use labshift_core::model::Scenario;
use labshift_core::session::QcChart;

use crate::play::{Play, Tone};
pub use crate::state::{LabelDraft, Panel};
use crate::ui::command::UiCommand;

impl Panel {
    /// The panel a station opens.
    pub fn of_station(kind: &crate::bench::layout::StationKind, scenario: &Scenario) -> Panel {
        use crate::bench::layout::StationKind as K;
        match kind {
            K::Reception => Panel::Reception,
            K::Labeling => Panel::LabelStation,
            K::Centrifuge => Panel::Centrifuge,
            K::Analyzer(i) => Panel::Analyzer(*i),
            K::QcFridge => qc_panel(scenario, 0),
            K::Lis => Panel::Lis,
            K::Ppe => Panel::Ppe,
            K::Sink => Panel::Sink,
            K::Sharps => Panel::Sharps,
            K::Biohazard => Panel::Biohazard,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub text: String,
    pub tone: Tone,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ButtonSpec {
    pub label: String,
    pub command: UiCommand,
    pub enabled: bool,
    /// Drawn small, in a row with the other compact buttons (tabs, "back").
    pub compact: bool,
}

/// A label compared with its requisition, field by field.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    /// (field, requisition, label, whether they agree)
    pub rows: Vec<(String, String, String, bool)>,
}

/// Everything a panel shows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PanelSpec {
    pub title: String,
    pub lines: Vec<Line>,
    pub comparison: Option<Comparison>,
    pub chart: Option<QcChart>,
    pub buttons: Vec<ButtonSpec>,
}

impl PanelSpec {
    fn new(title: impl Into<String>) -> PanelSpec {
        PanelSpec { title: title.into(), ..PanelSpec::default() }
    }

    fn line(&mut self, text: impl Into<String>) {
        self.lines.push(Line { text: text.into(), tone: Tone::Info });
    }

    fn toned(&mut self, tone: Tone, text: impl Into<String>) {
        self.lines.push(Line { text: text.into(), tone });
    }

    fn push(&mut self, label: impl Into<String>, command: UiCommand, enabled: bool, compact: bool) {
        self.buttons.push(ButtonSpec { label: label.into(), command, enabled, compact });
    }

    fn button(&mut self, label: impl Into<String>, command: UiCommand) {
        self.push(label, command, true, false);
    }

    /// A small button in the row at the bottom: switching charts, going back.
    fn tab(&mut self, label: impl Into<String>, panel: Panel) {
        self.push(label, UiCommand::Open(panel), true, true);
    }

    fn act(&mut self, label: impl Into<String>, action: Action) {
        self.button(label, UiCommand::Act(action));
    }

    /// Several actions under one button, each logged as its own.
    fn act_all(&mut self, label: impl Into<String>, actions: Vec<Action>) {
        self.button(label, UiCommand::ActAll(actions));
    }

    /// An action shown greyed unless `available`: it keeps its place and key.
    fn act_if(&mut self, available: bool, label: impl Into<String>, action: Action) {
        self.push(label, UiCommand::Act(action), available, false);
    }

    /// A panel to open, greyed unless `available`.
    fn open_if(&mut self, available: bool, label: impl Into<String>, panel: Panel) {
        self.push(label, UiCommand::Open(panel), available, false);
    }

    fn open(&mut self, label: impl Into<String>, panel: Panel) {
        self.button(label, UiCommand::Open(panel));
    }
}

fn s(text: &str) -> String {
    text.to_owned()
}

/// What `panel` shows and offers in the shift as it is now. `selected` is
/// the tube the trainee holds, if any.
pub fn panel_spec(panel: &Panel, play: &Play, selected: Option<&str>) -> PanelSpec {
    let mut spec = build(panel, play, selected);
    // An action the shift would refuse now keeps its place and its key, greyed.
    for b in &mut spec.buttons {
        let first = match &b.command {
            UiCommand::Act(action) => Some(action),
            UiCommand::ActAll(actions) => actions.first(),
            _ => None,
        };
        if let Some(action) = first
            && b.enabled
        {
            b.enabled = play.session.allows(action, play.now()).is_ok();
        }
    }
    spec
}

fn build(panel: &Panel, play: &Play, selected: Option<&str>) -> PanelSpec {
    let views = play.session.specimen_views();
    let view = |id: &str| views.iter().find(|v| v.id == id);
    match panel {
        Panel::Reception => reception::tray(play, &views),
        Panel::Specimen(id) => reception::specimen(play, id, view(id)),
        Panel::RejectReasons(id) => reception::reject_reasons(id),
        Panel::Centrifuge => processing::centrifuge(play, &views, selected),
        Panel::Analyzer(i) => analysis::analyzer(play, *i),
        Panel::Qc(i, test) => qc::qc(play, *i, test),
        Panel::QcReject(i, test) => qc::reject_rule(play, i, test),
        Panel::Corrective(i, test) => qc::corrective(play, i, test),
        Panel::Lis => analysis::lis(play, &views),
        Panel::Result(id, test) => analysis::result(play, id, test, view(id)),
        Panel::Phone => calls::phone(play),
        Panel::Call(id, test) => calls::call(play, id, test),
        Panel::Ppe => safety::ppe(play),
        Panel::Sink => safety::sink(play),
        Panel::Sharps => safety::sharps(play),
        Panel::Biohazard => safety::biohazard(play),
        Panel::Spill => safety::spill(play),
        Panel::Coffee => safety::coffee(play),
        Panel::LabelStation => labeling::station(play, &views),
        Panel::Label(id, draft) => labeling::label(play, id, *draft),
        Panel::Handling(id) => handling::handling(play, id),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn analyzer_id(scenario: &Scenario, i: usize) -> String {
    scenario.lab.analyzers.get(i).map(|a| a.id.clone()).unwrap_or_default()
}

/// An action in words, for hints and captions.
pub fn describe(action: &Action) -> String {
    use Action::*;
    match action {
        PutOn(p) => format!("put on the {} (E)", words::ppe(*p)),
        TakeOff(p) => format!("take off the {} (E)", words::ppe(*p)),
        WashHands => "wash your hands (W)".to_owned(),
        EatOrDrink => "drink the coffee (F)".to_owned(),
        RecapNeedle => "recap the needle".to_owned(),
        Receive { specimen } => format!("receive {specimen} at reception (R)"),
        CompareLabel { specimen } => format!("compare the label of {specimen} with its requisition (R)"),
        Accept { specimen } | Reject { specimen, .. } => {
            format!("decide on {specimen}: inspect the tube and the label against the rejection criteria (R)")
        }
        RequestRecollection { specimen } => {
            format!("call {specimen}'s unit: why it was rejected, and a request for a new specimen")
        }
        ReportOccurrence { specimen } => format!("file an occurrence report for {specimen}"),
        Accession { specimen } => {
            format!("accession {specimen} in the LIS: its order found by name and date of birth")
        }
        ApplyLabel { specimen, .. } => {
            format!(
                "apply {specimen}'s barcode label: straight, over the tube maker's label, inside the reader's zone"
            )
        }
        ReprintLabel { specimen } => format!("peel {specimen}'s misapplied barcode label and print it again"),
        LabelAliquot { specimen, .. } => {
            format!("label an aliquot tube for {specimen} from its own label sheet, before pouring")
        }
        Uncap { specimen } => format!("uncap {specimen}, the only tube open, to pour off its aliquot"),
        PourOff { specimen } => format!("pour off {specimen}'s send-out aliquot and cap it"),
        Recap { specimen } => format!("recap {specimen}"),
        StoreAliquot { specimen, .. } => format!("keep {specimen}'s aliquot as its send-out test needs"),
        Store { specimen, .. } => {
            format!("put {specimen} in the storage rack, as the lab keeps finished tubes")
        }
        Retrieve { specimen } => format!("take {specimen} out of the storage rack to run its add-on"),
        AcceptAddOn { specimen } | DeclineAddOn { specimen } => {
            format!("answer the add-on request for {specimen}: check each test's stability from collection")
        }
        ClearLipemia { specimen } => {
            format!("clear {specimen}'s lipemic serum at high speed, then rerun its tests (C)")
        }
        LoadCentrifuge { specimen } => format!("load {specimen} into the centrifuge (C)"),
        AddBalanceTube => "balance the centrifuge (C)".to_owned(),
        StartCentrifuge => "close the lid and start the centrifuge (C)".to_owned(),
        OpenCentrifuge => "open the stopped centrifuge and unload it (C)".to_owned(),
        RunControl { analyzer, test, level } => format!("run {test} control level {level} on {analyzer} (Q)"),
        RunControls { analyzer, level } => {
            format!("run control level {level} on {analyzer}: every test due (Q)")
        }
        AcceptQc { analyzer, test } | RejectQc { analyzer, test, .. } => {
            format!("judge the {test} QC run on {analyzer} against the Westgard rules (Q)")
        }
        CorrectiveAction { analyzer, test, .. } => {
            format!("take corrective action for {test} on {analyzer} (Q)")
        }
        Calibrate { analyzer, test } => format!("calibrate {test} on {analyzer} (A)"),
        LoadReagent { analyzer, test } => format!("load fresh {test} reagent on {analyzer} (A)"),
        LookBack { analyzer, test } => {
            format!("look back at {test} results on {analyzer} since the last good QC (Q)")
        }
        RunTests { specimen, analyzer } => format!("run {specimen} on {analyzer} (A)"),
        Dilute { specimen, test, .. } => format!("dilute {specimen} and rerun {test} (L)"),
        Review { specimen, test } => format!("review the {test} result of {specimen} (L)"),
        Repeat { specimen, test } => format!("repeat {test} on {specimen} (L)"),
        Hold { specimen, test } | Release { specimen, test } => {
            format!("verify the {test} result of {specimen}: release or hold (L)")
        }
        Suppress { specimen, test } => {
            format!("suppress the hemolyzed {test} of {specimen} and ask for its recollection (L)")
        }
        ReleaseSpecimen { specimen } => format!("release {specimen}'s waiting results from the LIS (L)"),
        CallCaregiver { specimen, test, .. } => format!("call the critical {test} of {specimen} (P)"),
        ConfirmReadBack { specimen, test } => format!("have the {test} result of {specimen} read back (P)"),
        DocumentCall { specimen, test, .. } => format!("document the call for {specimen} {test} (P)"),
        DisposeSharps => "put the sharps in the sharps container (S)".to_owned(),
        DisposeBiohazard => "put the waste in the biohazard bin (B)".to_owned(),
        ReplaceSharpsContainer => "replace the full sharps container (S)".to_owned(),
        CleanSpill { .. } => "clean the spill with the policy's disinfectant (K)".to_owned(),
        FinishSpill => "finish the spill once the contact time is over (K)".to_owned(),
        Wait => "let the clock run (N)".to_owned(),
        EndShift => "end the shift (End)".to_owned(),
        Inject(fault) => format!("instructor's fault: {}", labshift_core::preview::describe(fault)),
    }
}

/// The panel that offers `action`: where a trainee (or the demo) finds it.
/// `None` for the clock's own action and for ending the shift (End key, pause menu).
pub fn panel_for(action: &Action, scenario: &Scenario) -> Option<Panel> {
    use Action::*;
    let analyzer = |id: &str| scenario.lab.analyzers.iter().position(|a| a.id == id).unwrap_or(0);
    Some(match action {
        PutOn(_) | TakeOff(_) => Panel::Ppe,
        EatOrDrink => Panel::Coffee,
        WashHands => Panel::Sink,
        RecapNeedle | DisposeSharps | ReplaceSharpsContainer => Panel::Sharps,
        DisposeBiohazard => Panel::Biohazard,
        Receive { specimen }
        | CompareLabel { specimen }
        | Accept { specimen }
        | RequestRecollection { specimen }
        | ReportOccurrence { specimen }
        | ClearLipemia { specimen } => Panel::Specimen(specimen.clone()),
        RunTests { specimen, .. } => Panel::Specimen(specimen.clone()),
        Reject { specimen, .. } => Panel::RejectReasons(specimen.clone()),
        Accession { specimen } | ReprintLabel { specimen } => {
            Panel::Label(specimen.clone(), LabelDraft::START)
        }
        ApplyLabel { specimen, top_mm, tilt_deg, face } => {
            Panel::Label(specimen.clone(), LabelDraft { top_mm: *top_mm, tilt_deg: *tilt_deg, face: *face })
        }
        LabelAliquot { specimen, .. }
        | Uncap { specimen }
        | PourOff { specimen }
        | Recap { specimen }
        | StoreAliquot { specimen, .. }
        | Store { specimen, .. }
        | Retrieve { specimen }
        | AcceptAddOn { specimen }
        | DeclineAddOn { specimen } => Panel::Handling(specimen.clone()),
        LoadCentrifuge { .. } | AddBalanceTube | StartCentrifuge | OpenCentrifuge => Panel::Centrifuge,
        RunControl { analyzer: a, test, .. } | AcceptQc { analyzer: a, test } => {
            Panel::Qc(analyzer(a), test.clone())
        }
        RunControls { analyzer: a, .. } => {
            let first =
                scenario.lab.analyzers.iter().find(|x| &x.id == a).and_then(|x| x.menu.first().cloned());
            Panel::Qc(analyzer(a), first.unwrap_or_default())
        }
        RejectQc { analyzer: a, test, .. } => Panel::QcReject(analyzer(a), test.clone()),
        CorrectiveAction { analyzer: a, test, .. } | LookBack { analyzer: a, test } => {
            Panel::Corrective(analyzer(a), test.clone())
        }
        Calibrate { analyzer: a, .. } | LoadReagent { analyzer: a, .. } => Panel::Analyzer(analyzer(a)),
        Dilute { specimen, test, .. }
        | Review { specimen, test }
        | Repeat { specimen, test }
        | Hold { specimen, test }
        | Suppress { specimen, test }
        | Release { specimen, test } => Panel::Result(specimen.clone(), test.clone()),
        ReleaseSpecimen { .. } => Panel::Lis,
        CallCaregiver { specimen, test, .. }
        | ConfirmReadBack { specimen, test }
        | DocumentCall { specimen, test, .. } => Panel::Call(specimen.clone(), test.clone()),
        CleanSpill { .. } | FinishSpill => Panel::Spill,
        Wait | EndShift | Inject(_) => return None,
    })
}
