//! The stations' panels. What a panel shows and offers is a pure function of
//! the shift ([`panel_spec`]), so the mouse and the keyboard reach the same
//! buttons, and tests can check that every engine action is reachable.

pub mod view;
pub mod words;

use labshift_core::action::Action;
use labshift_core::model::{Label, Scenario};
use labshift_core::session::{QcChart, Requisition, SpecimenView};

use crate::play::{Play, Tone};
use crate::ui::command::UiCommand;
use words::{CORRECTIVES, PPE, REJECT_REASONS};

/// Which panel is open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Panel {
    /// Arrived specimens waiting for reception.
    Reception,
    /// One specimen: its tube, its label beside the requisition, what to do with it.
    Specimen(String),
    RejectReasons(String),
    Centrifuge,
    Analyzer(usize),
    /// QC of one analyzer; the test whose Levey-Jennings chart is shown.
    Qc(usize, String),
    QcReject(usize, String),
    Corrective(usize, String),
    Lis,
    Result(String, String),
    Phone,
    Call(String, String),
    Ppe,
    Sink,
    Sharps,
    Biohazard,
    Spill,
}

impl Panel {
    /// The panel a station opens.
    pub fn of_station(kind: &crate::bench::layout::StationKind, scenario: &Scenario) -> Panel {
        use crate::bench::layout::StationKind as K;
        match kind {
            K::Reception | K::Labeling => Panel::Reception,
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

/// The QC panel of analyzer `i`, on its first test.
pub fn qc_panel(scenario: &Scenario, i: usize) -> Panel {
    let test = scenario.lab.analyzers.get(i).and_then(|a| a.menu.first()).cloned().unwrap_or_default();
    Panel::Qc(i, test)
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

    fn button(&mut self, label: impl Into<String>, command: UiCommand) {
        self.buttons.push(ButtonSpec { label: label.into(), command, enabled: true, compact: false });
    }

    /// A small button in the row at the bottom: switching charts, going back.
    fn tab(&mut self, label: impl Into<String>, panel: Panel) {
        self.buttons.push(ButtonSpec {
            label: label.into(),
            command: UiCommand::Open(panel),
            enabled: true,
            compact: true,
        });
    }

    fn act(&mut self, label: impl Into<String>, action: Action) {
        self.button(label, UiCommand::Act(action));
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
    let scenario = &play.scenario;
    let session = &play.session;
    let views = session.specimen_views();
    let view = |id: &str| views.iter().find(|v| v.id == id);
    match panel {
        Panel::Reception => {
            let mut p = PanelSpec::new("Reception");
            let waiting: Vec<&SpecimenView> =
                views.iter().filter(|v| v.arrived && !v.accepted && v.rejected.is_none()).collect();
            if waiting.is_empty() {
                p.line("No specimen is waiting. New ones arrive by the pneumatic tube.");
            } else {
                p.line("Pick a specimen to inspect its tube and label:");
            }
            for v in waiting {
                let stat = scenario
                    .specimens
                    .iter()
                    .any(|sp| sp.id == v.id && sp.priority == labshift_core::raw::Priority::Stat);
                let state = if v.received { "received" } else { "in the tray" };
                p.open(
                    format!("{}{} — {} ({state})", v.id, if stat { " STAT" } else { "" }, v.tests.join(" ")),
                    Panel::Specimen(v.id.clone()),
                );
            }
            let done = views.iter().filter(|v| v.accepted || v.rejected.is_some()).count();
            p.line(format!("{done} specimen(s) already accepted or rejected."));
            p
        }
        Panel::Specimen(id) => specimen_panel(play, id, view(id)),
        Panel::RejectReasons(id) => {
            let mut p = PanelSpec::new(format!("Reject {id}: why?"));
            p.line("Choose the reason that applies (DOMAIN §1 rejection criteria).");
            for r in REJECT_REASONS {
                p.act(capitalised(words::reason(r)), Action::Reject { specimen: id.clone(), reason: r });
            }
            p.tab("Back", Panel::Specimen(id.clone()));
            p
        }
        Panel::Centrifuge => {
            let mut p = PanelSpec::new("Centrifuge");
            let (loaded, balance, until) = session.centrifuge_view();
            let slots = scenario.lab.centrifuge.slots;
            p.line(format!(
                "Slots: {} of {slots} used ({} specimen(s), {balance} balance tube(s)).",
                loaded.len() as u32 + balance,
                loaded.len()
            ));
            p.line(format!("Loaded: {}", if loaded.is_empty() { s("nothing") } else { loaded.join(", ") }));
            p.line("Opposite slots must carry equal weight: an odd load needs a balance tube.");
            match until {
                Some(t) if t > play.now() => {
                    let left = t.0 - play.now().0;
                    p.toned(
                        Tone::Warn,
                        format!("Spinning: {}:{:02} left. Lid locked.", left / 60, left % 60),
                    );
                }
                Some(_) => p.toned(Tone::Good, "Spin finished: open the lid and unload."),
                None => {}
            }
            if until.is_none() {
                for v in views.iter().filter(|v| {
                    v.accepted && v.needs_centrifuge && !v.centrifuged && !v.in_centrifuge && !v.broken
                }) {
                    let held = selected == Some(v.id.as_str());
                    p.act(
                        format!("Load {}{}", v.id, if held { " (in hand)" } else { "" }),
                        Action::LoadCentrifuge { specimen: v.id.clone() },
                    );
                }
                p.act("Add a balance tube", Action::AddBalanceTube);
                p.act("Close the lid and start", Action::StartCentrifuge);
            }
            if until.is_some() || !loaded.is_empty() {
                p.act("Open the lid and unload", Action::OpenCentrifuge);
            }
            p
        }
        Panel::Analyzer(i) => analyzer_panel(play, *i),
        Panel::Qc(i, test) => qc_panel_spec(play, *i, test),
        Panel::QcReject(i, test) => {
            let analyzer = analyzer_id(scenario, *i);
            let mut p = PanelSpec::new(format!("Reject the {test} run: which rule?"));
            p.line("Name the Westgard rule the run broke (read it off the chart).");
            if let Some(set) = scenario.policy.rule_set_for(test) {
                for rule in &set.rules {
                    p.act(
                        rule.clone(),
                        Action::RejectQc {
                            analyzer: analyzer.clone(),
                            test: test.clone(),
                            rule: rule.clone(),
                        },
                    );
                }
            }
            p.tab("Back", Panel::Qc(*i, test.clone()));
            p
        }
        Panel::Corrective(i, test) => {
            let analyzer = analyzer_id(scenario, *i);
            let mut p = PanelSpec::new(format!("Corrective action: {test} on {analyzer}"));
            p.line("Systematic error (a shift or trend) points to calibration or reagent;");
            p.line("random error to the control material, the instrument or its service.");
            for c in CORRECTIVES {
                p.act(
                    words::corrective(c),
                    Action::CorrectiveAction { analyzer: analyzer.clone(), test: test.clone(), action: c },
                );
            }
            p.act(
                "Look back at results since the last good QC",
                Action::LookBack { analyzer: analyzer.clone(), test: test.clone() },
            );
            p.tab("Back", Panel::Qc(*i, test.clone()));
            p
        }
        Panel::Lis => {
            let mut p = PanelSpec::new("LIS: results to verify");
            let mut any = false;
            for v in &views {
                for r in &v.results {
                    any = true;
                    let state = if r.released {
                        "released"
                    } else if r.held {
                        "on hold"
                    } else if r.reviewed {
                        "reviewed"
                    } else {
                        "to review"
                    };
                    p.open(
                        format!("{} {} = {}{}  — {state}", v.id, r.test, r.value, flag_text(r.flags)),
                        Panel::Result(v.id.clone(), r.test.clone()),
                    );
                }
            }
            if !any {
                p.line("No results yet: run accepted specimens on an analyzer with valid QC.");
            }
            p.open("Phone: critical results to call", Panel::Phone);
            p
        }
        Panel::Result(id, test) => result_panel(play, id, test, view(id)),
        Panel::Phone => {
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
        Panel::Call(id, test) => call_panel(play, id, test),
        Panel::Ppe => {
            let mut p = PanelSpec::new("PPE station");
            let wearing = session.wearing();
            for item in PPE {
                if wearing.contains(&item) {
                    p.act(format!("Take off the {}", words::ppe(item)), Action::TakeOff(item));
                } else {
                    p.act(format!("Put on the {}", words::ppe(item)), Action::PutOn(item));
                }
            }
            for rule in &scenario.policy.pack.ppe {
                let list = |v: &[labshift_core::raw::Ppe]| {
                    v.iter().map(|x| words::ppe(*x)).collect::<Vec<_>>().join(", ")
                };
                let mut text = format!("{:?}:", rule.area);
                if !rule.require.is_empty() {
                    text.push_str(&format!(" wear {}", list(&rule.require)));
                }
                if !rule.forbid.is_empty() {
                    text.push_str(&format!(" — no {}", list(&rule.forbid)));
                }
                p.line(text);
            }
            if play.coffee_offered {
                p.act("Drink the coffee you were offered", Action::EatOrDrink);
            }
            p
        }
        Panel::Sink => {
            let mut p = PanelSpec::new("Sink");
            if session.hands_to_wash() {
                p.toned(Tone::Warn, "Your hands need washing before the next task.");
            } else {
                p.line("Wash after taking gloves off and before leaving the bench.");
            }
            p.act("Wash hands", Action::WashHands);
            p
        }
        Panel::Sharps => {
            let mut p = PanelSpec::new("Sharps container");
            let (sharps, _) = session.pending_waste();
            p.line(format!("{sharps} sharp(s) waiting on the bench."));
            p.act("Put the sharps in the container", Action::DisposeSharps);
            if sharps > 0 {
                p.act("Recap the needle first", Action::RecapNeedle);
            }
            p.act("Close and replace the container", Action::ReplaceSharpsContainer);
            p
        }
        Panel::Biohazard => {
            let mut p = PanelSpec::new("Biohazard waste");
            let (_, bio) = session.pending_waste();
            p.line(format!("{bio} item(s) of biohazard waste waiting on the bench."));
            p.act("Put the waste in the biohazard bin", Action::DisposeBiohazard);
            p
        }
        Panel::Spill => {
            let mut p = PanelSpec::new("Spill kit");
            let spill = &scenario.policy.pack.spill;
            let spills = session.spills();
            if spills.is_empty() {
                p.line("No spill on the bench.");
            }
            for since in &spills {
                match since {
                    None => p.toned(Tone::Warn, "A spill is waiting: absorb, then disinfect."),
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
                    format!("Disinfect with bleach 1:{one_in}"),
                    Action::CleanSpill { dilution_one_in: one_in },
                );
            }
            p.act("Wipe up and finish", Action::FinishSpill);
            p
        }
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

fn analyzer_id(scenario: &Scenario, i: usize) -> String {
    scenario.lab.analyzers.get(i).map(|a| a.id.clone()).unwrap_or_default()
}

pub fn flag_text(f: labshift_core::session::Flags) -> String {
    let mut t = String::new();
    for (on, flag) in [
        (f.critical, " CRIT"),
        (f.high && !f.critical, " H"),
        (f.low && !f.critical, " L"),
        (f.hemolyzed, " HEMOLYZED"),
        (f.above_amr, " >AMR"),
        (f.delta_failed, " DELTA"),
    ] {
        if on {
            t.push_str(flag);
        }
    }
    t
}

fn specimen_panel(play: &Play, id: &str, view: Option<&SpecimenView>) -> PanelSpec {
    let scenario = &play.scenario;
    let mut p = PanelSpec::new(format!("Specimen {id}"));
    let (Some(spec), Some(v)) = (scenario.specimens.iter().find(|s| s.id == id), view) else {
        p.line("This specimen is not on the bench.");
        p.tab("Back", Panel::Reception);
        return p;
    };
    let start = scenario.meta.start;
    if !v.arrived {
        p.line(format!("{id} has not arrived yet: due at {}.", start.plus(spec.arrives)));
        p.tab("Back to reception", Panel::Reception);
        return p;
    }
    p.line(format!(
        "{} — {}; ordered: {}",
        words::tube(spec.tube),
        if spec.priority == labshift_core::raw::Priority::Stat { "STAT" } else { "routine" },
        v.tests.join(", ")
    ));
    p.line(format!(
        "Filled {}%; arrived {} {}.",
        spec.fill_pct,
        start.plus(spec.arrives),
        words::transport(spec.transport)
    ));
    if v.received {
        let rejection = &scenario.policy.pack.rejection;
        for seen in words::appearance(spec, rejection.lipemia_limit_index, rejection.icterus_limit_index) {
            p.line(format!("You see: {seen}"));
        }
    }
    if let Some((label, req)) = play.compared.get(id) {
        p.comparison = Some(compare(label.as_ref(), req));
    }
    let status = if let Some(r) = v.rejected {
        format!("Rejected: {}.", words::reason(r))
    } else if v.broken {
        "Broken in the centrifuge.".to_owned()
    } else if v.accepted {
        let spun = if !v.needs_centrifuge {
            "needs no centrifuging"
        } else if v.in_centrifuge {
            "in the centrifuge"
        } else if v.centrifuged {
            "centrifuged"
        } else {
            "to centrifuge"
        };
        format!("Accepted; {spun}; {} result(s).", v.results.len())
    } else {
        "Waiting for reception.".to_owned()
    };
    p.toned(Tone::Good, status);
    if v.rejected.is_none() && !v.accepted {
        if !v.received {
            p.act("Receive (scan into the LIS)", Action::Receive { specimen: id.to_owned() });
        }
        p.act("Compare the label with the requisition", Action::CompareLabel { specimen: id.to_owned() });
        p.act("Accept", Action::Accept { specimen: id.to_owned() });
        p.open("Reject…", Panel::RejectReasons(id.to_owned()));
    }
    if v.rejected.is_some() && !v.recollect_requested {
        p.act("Request a recollection", Action::RequestRecollection { specimen: id.to_owned() });
    }
    if v.accepted && !v.broken {
        if v.needs_centrifuge && !v.centrifuged && !v.in_centrifuge {
            p.act("Load into the centrifuge", Action::LoadCentrifuge { specimen: id.to_owned() });
        }
        if !v.needs_centrifuge || v.centrifuged {
            for a in &scenario.lab.analyzers {
                if v.tests.iter().any(|t| a.offers(t)) {
                    p.act(
                        format!("Run on {}", a.name),
                        Action::RunTests { specimen: id.to_owned(), analyzer: a.id.clone() },
                    );
                }
            }
        }
        for r in &v.results {
            p.open(
                format!("Result {} = {}{}", r.test, r.value, flag_text(r.flags)),
                Panel::Result(id.to_owned(), r.test.clone()),
            );
        }
    }
    if p.comparison.is_some() {
        p.buttons.push(ButtonSpec {
            label: "Zoom the label (Z)".to_owned(),
            command: UiCommand::ToggleZoom,
            enabled: true,
            compact: true,
        });
    }
    p.tab("Back to reception", Panel::Reception);
    p
}

/// The requisition beside the label; missing label fields show as "—".
fn compare(label: Option<&Label>, req: &Requisition) -> Comparison {
    let missing = || "—".to_owned();
    let get = |f: fn(&Label) -> Option<String>| label.and_then(f).unwrap_or_else(missing);
    let norm =
        |t: &str| t.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect::<String>();
    let row = |field: &str, want: &str, got: String| {
        let agree = norm(want) == norm(&got);
        (field.to_owned(), want.to_owned(), got, agree)
    };
    Comparison {
        rows: vec![
            row("Name", &req.name, get(|l| l.name.clone())),
            row("MRN", &req.mrn, get(|l| l.mrn.clone())),
            row("Date of birth", &req.dob, get(|l| l.dob.clone())),
            (
                "Collected".to_owned(),
                "(time on label)".to_owned(),
                get(|l| l.collected.clone()),
                label.is_some_and(|l| l.collected.is_some()),
            ),
            ("Collector".to_owned(), String::new(), get(|l| l.collector.clone()), true),
            ("Location".to_owned(), req.location.clone(), String::new(), true),
            ("Tests".to_owned(), req.tests.join(" "), String::new(), true),
        ],
    }
}

fn analyzer_panel(play: &Play, i: usize) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let Some(a) = scenario.lab.analyzers.get(i) else { return PanelSpec::new("No such analyzer") };
    let mut p = PanelSpec::new(format!("{} ({:?})", a.name, a.kind));
    for test in &a.menu {
        let qc = session.qc_view(&a.id, test);
        let qc_text = match &qc {
            Some(q) if q.valid => "QC valid",
            Some(q) if q.rejected => "QC REJECTED",
            _ => "QC not run",
        };
        let reagent = a
            .reagents
            .iter()
            .find(|r| &r.test == test)
            .map_or_else(|| s("no reagent"), |r| format!("lot {} exp {}", r.lot, r.expires));
        let cal = a
            .calibration
            .iter()
            .find(|c| &c.test == test)
            .map_or_else(|| s("cal ?"), |c| format!("cal {} {:?}", c.last, c.status));
        let tone = match &qc {
            Some(q) if q.valid => Tone::Good,
            Some(q) if q.rejected => Tone::Warn,
            _ => Tone::Info,
        };
        p.toned(tone, format!("{test}: {qc_text}; {reagent}; {cal}"));
    }
    let ready: Vec<_> = session
        .specimen_views()
        .into_iter()
        .filter(|v| v.accepted && !v.broken && (!v.needs_centrifuge || v.centrifuged))
        .filter(|v| v.tests.iter().any(|t| a.offers(t) && !v.results.iter().any(|r| &r.test == t)))
        .collect();
    if ready.is_empty() {
        p.line("No accepted, processed specimen waits for this analyzer.");
    }
    for v in ready {
        p.act(
            format!("Run {} ({})", v.id, v.tests.join(" ")),
            Action::RunTests { specimen: v.id.clone(), analyzer: a.id.clone() },
        );
    }
    p.open("Quality control…", qc_panel(scenario, i));
    for test in &a.menu {
        p.act(format!("Calibrate {test}"), Action::Calibrate { analyzer: a.id.clone(), test: test.clone() });
        p.act(
            format!("Load new {test} reagent"),
            Action::LoadReagent { analyzer: a.id.clone(), test: test.clone() },
        );
    }
    p
}

fn qc_panel_spec(play: &Play, i: usize, test: &str) -> PanelSpec {
    let scenario = &play.scenario;
    let session = &play.session;
    let Some(a) = scenario.lab.analyzers.get(i) else { return PanelSpec::new("No such analyzer") };
    let mut p = PanelSpec::new(format!("QC: {test} on {}", a.name));
    if let Some(q) = session.qc_view(&a.id, test) {
        let state = if q.valid {
            "valid"
        } else if q.rejected {
            "rejected — correct, then rerun"
        } else {
            "not yet accepted"
        };
        p.line(format!(
            "Run status: {state}. Levels measured in this run: {} of {}.",
            q.open_levels.len(),
            q.levels_needed
        ));
        if q.look_back_due {
            p.toned(Tone::Warn, "A look-back is due for results since the last good QC.");
        }
    }
    if let Some(set) = scenario.policy.rule_set_for(test) {
        p.line(format!("Rules ({}): {}", set.id, set.rules.join(", ")));
    }
    p.chart = session.qc_chart(&a.id, test);
    for c in a.controls.iter().filter(|c| c.test == test) {
        p.act(
            format!("Run control level {} (lot {})", c.level, c.lot),
            Action::RunControl { analyzer: a.id.clone(), test: test.to_owned(), level: c.level },
        );
    }
    p.act("Accept the run", Action::AcceptQc { analyzer: a.id.clone(), test: test.to_owned() });
    p.open("Reject the run…", Panel::QcReject(i, test.to_owned()));
    p.open("Corrective action…", Panel::Corrective(i, test.to_owned()));
    for other in a.menu.iter().filter(|t| *t != test) {
        p.tab(format!("{other} chart"), Panel::Qc(i, other.clone()));
    }
    if scenario.lab.analyzers.len() > 1 {
        let next = (i + 1) % scenario.lab.analyzers.len();
        p.tab(format!("QC of {}", scenario.lab.analyzers[next].name), qc_panel(scenario, next));
    }
    p
}

fn result_panel(play: &Play, id: &str, test: &str, view: Option<&SpecimenView>) -> PanelSpec {
    let scenario = &play.scenario;
    let mut p = PanelSpec::new(format!("Result: {id} {test}"));
    let Some(r) = view.and_then(|v| v.results.iter().find(|r| r.test == test)) else {
        p.line("No result yet.");
        p.tab("Back to the LIS", Panel::Lis);
        return p;
    };
    let unit = scenario.policy.test(test).map(|t| t.unit.clone()).unwrap_or_default();
    p.toned(
        if r.flags.critical { Tone::Warn } else { Tone::Info },
        format!("{test} = {} {unit}{} (on {})", r.value, flag_text(r.flags), r.analyzer),
    );
    if let Some(spec) = scenario.specimens.iter().find(|s| s.id == id)
        && let Some(patient) = scenario.patients.iter().find(|pt| pt.mrn == spec.patient)
    {
        for prev in patient.previous.iter().filter(|pr| pr.test == test) {
            p.line(format!("Previous result for {}: {} {unit}", patient.name, prev.value));
        }
        if test_has_hemolysis(scenario, test) {
            p.line(format!("Hemolysis index of the specimen: {}", spec.hemolysis_index));
        }
    }
    if let Some(crit) = scenario.policy.critical(test) {
        let limit =
            |l: Option<labshift_core::raw::RawLimit>| l.map_or_else(|| s("—"), |l| format!("{}", l.value()));
        p.line(format!("Critical limits: below {} / above {} {unit}", limit(crit.low), limit(crit.high)));
    }
    let state =
        [(r.reviewed, "reviewed"), (r.held, "on hold"), (r.released, "released"), (r.diluted, "diluted")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, w)| *w)
            .collect::<Vec<_>>()
            .join(", ");
    p.line(format!("State: {}", if state.is_empty() { "awaiting review" } else { &state }));
    let (id, test) = (id.to_owned(), test.to_owned());
    p.act("Review (flags, delta, hemolysis)", Action::Review { specimen: id.clone(), test: test.clone() });
    p.act("Release to the chart", Action::Release { specimen: id.clone(), test: test.clone() });
    p.act("Hold", Action::Hold { specimen: id.clone(), test: test.clone() });
    p.act("Repeat the test", Action::Repeat { specimen: id.clone(), test: test.clone() });
    for factor in [2, 5, 10] {
        p.act(
            format!("Dilute 1:{factor} and rerun"),
            Action::Dilute { specimen: id.clone(), test: test.clone(), factor },
        );
    }
    if r.flags.critical {
        p.open("Call the critical result…", Panel::Call(id.clone(), test.clone()));
    }
    p.tab("Back to the LIS", Panel::Lis);
    p
}

fn test_has_hemolysis(scenario: &Scenario, test: &str) -> bool {
    scenario.policy.test(test).is_some_and(|t| t.hemolysis.is_some())
}

fn call_panel(play: &Play, id: &str, test: &str) -> PanelSpec {
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

/// An action in words, for hints and captions.
pub fn describe(action: &Action) -> String {
    use Action::*;
    match action {
        PutOn(p) => format!("put on the {} (E)", words::ppe(*p)),
        TakeOff(p) => format!("take off the {} (E)", words::ppe(*p)),
        WashHands => "wash your hands (W)".to_owned(),
        EatOrDrink => "eat or drink".to_owned(),
        RecapNeedle => "recap the needle".to_owned(),
        Receive { specimen } => format!("receive {specimen} at reception (R)"),
        CompareLabel { specimen } => format!("compare the label of {specimen} with its requisition (R)"),
        Accept { specimen } | Reject { specimen, .. } => {
            format!("decide on {specimen}: inspect the tube and the label against the rejection criteria (R)")
        }
        RequestRecollection { specimen } => format!("request a recollection of {specimen}"),
        LoadCentrifuge { specimen } => format!("load {specimen} into the centrifuge (C)"),
        AddBalanceTube => "balance the centrifuge (C)".to_owned(),
        StartCentrifuge => "close the lid and start the centrifuge (C)".to_owned(),
        OpenCentrifuge => "open the stopped centrifuge and unload it (C)".to_owned(),
        RunControl { analyzer, test, level } => format!("run {test} control level {level} on {analyzer} (Q)"),
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
        PutOn(_) | TakeOff(_) | EatOrDrink => Panel::Ppe,
        WashHands => Panel::Sink,
        RecapNeedle | DisposeSharps | ReplaceSharpsContainer => Panel::Sharps,
        DisposeBiohazard => Panel::Biohazard,
        Receive { specimen }
        | CompareLabel { specimen }
        | Accept { specimen }
        | RequestRecollection { specimen } => Panel::Specimen(specimen.clone()),
        RunTests { specimen, .. } => Panel::Specimen(specimen.clone()),
        Reject { specimen, .. } => Panel::RejectReasons(specimen.clone()),
        LoadCentrifuge { .. } | AddBalanceTube | StartCentrifuge | OpenCentrifuge => Panel::Centrifuge,
        RunControl { analyzer: a, test, .. } | AcceptQc { analyzer: a, test } => {
            Panel::Qc(analyzer(a), test.clone())
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
        | Release { specimen, test } => Panel::Result(specimen.clone(), test.clone()),
        CallCaregiver { specimen, test, .. }
        | ConfirmReadBack { specimen, test }
        | DocumentCall { specimen, test, .. } => Panel::Call(specimen.clone(), test.clone()),
        CleanSpill { .. } | FinishSpill => Panel::Spill,
        Wait | EndShift | Inject(_) => return None,
    })
}
