//! The score of a finished shift, for people (text) and programs (JSON).
//!
//! Each category starts at 100 and loses points per finding: critical 50,
//! major 25, minor 10 (never below 0); the categories weighed by the rubric
//! are the shift's points. The overall score is the points times the share
//! of the shift's work that was done ([`crate::session::Completion`]), so an
//! empty shift scores 0 and half a shift at most half. The safety-adherence
//! subscore is the Safety category; the accuracy subscore the weighted
//! others, times the work done. An attempt passes with no critical finding,
//! at least the rubric's share of the work done, the pass mark reached, and
//! no weighed category at 0 (a competency the scenario weighs, not shown).

use std::fmt::Write as _;

use serde::Serialize;

use crate::action::Mode;
use crate::raw::Category;
use crate::rules::FindingSeverity;
use crate::session::{Completion, Finding, Session};
use crate::time::SimTime;

/// Points a finding costs its category.
pub fn deduction(severity: FindingSeverity) -> u32 {
    match severity {
        FindingSeverity::Critical => 50,
        FindingSeverity::Major => 25,
        FindingSeverity::Minor => 10,
        FindingSeverity::GoodPractice => 0,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CategoryScore {
    pub category: Category,
    pub weight: u32,
    pub score: u32,
    pub findings: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Turnaround {
    pub specimen: String,
    pub test: String,
    /// Minutes from arrival to release; `None` if never released.
    pub minutes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalCall {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub available: String,
    /// Clock time the read-back completed the call.
    pub completed: Option<String>,
    pub minutes: Option<i64>,
    pub caregiver: Option<String>,
}

/// A result released to a chart, as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Released {
    pub specimen: String,
    pub test: String,
    pub value: f64,
    pub released: String,
    /// Released by the middleware's autoverification rules, not by hand.
    pub autoverified: bool,
    /// Why it is wrong on the patient's chart; `None` for a sound result.
    pub wrong: Option<String>,
}

/// How much of the shift's work was done, as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkDone {
    pub done: usize,
    pub total: usize,
    pub pct: f64,
    /// The rubric's threshold: less fails the attempt.
    pub required_pct: u8,
    /// What was left undone, in a technician's words.
    pub missing: Vec<String>,
}

/// A finding as the report shows it, with its clock time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportFinding {
    pub clock: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// The score of one shift.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub scenario: String,
    pub title: String,
    pub trainee: String,
    pub mode: Mode,
    pub seed: u64,
    pub passed: bool,
    /// Overall score in percent, one decimal: the points times the work done.
    pub overall: f64,
    /// The categories weighed by the rubric, before the work done counts.
    pub points: f64,
    pub completion: WorkDone,
    pub accuracy: f64,
    pub safety: f64,
    pub pass_mark: u8,
    pub critical_errors: usize,
    pub categories: Vec<CategoryScore>,
    pub stat_turnaround: Vec<Turnaround>,
    pub critical_calls: Vec<CriticalCall>,
    pub released: Vec<Released>,
    pub findings: Vec<ReportFinding>,
}

fn one_decimal(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

impl Report {
    /// Scores a finished session.
    pub fn new(session: &Session, trainee: &str, mode: Mode) -> Report {
        let scenario = session.scenario();
        let clock = |t: SimTime| scenario.meta.start.plus(t).to_string_full();
        let findings = session.findings();
        let categories: Vec<CategoryScore> = Category::ALL
            .iter()
            .map(|&category| {
                let mine: Vec<&Finding> = findings.iter().filter(|f| f.category == category).collect();
                let lost: u32 = mine.iter().map(|f| deduction(f.severity)).sum();
                CategoryScore {
                    category,
                    weight: scenario.rubric.weights.get(&category).copied().unwrap_or(0),
                    score: 100u32.saturating_sub(lost),
                    findings: mine.iter().filter(|f| f.severity != FindingSeverity::GoodPractice).count(),
                }
            })
            .collect();
        let weighted = |keep: &dyn Fn(Category) -> bool| -> f64 {
            let (sum, weight) = categories
                .iter()
                .filter(|c| keep(c.category))
                .fold((0.0, 0.0), |(s, w), c| (s + f64::from(c.score * c.weight), w + f64::from(c.weight)));
            if weight == 0.0 { 100.0 } else { sum / weight }
        };
        let completion: Completion = session.completion();
        let share = completion.pct() / 100.0;
        let points = one_decimal(weighted(&|_| true));
        let overall = one_decimal(weighted(&|_| true) * share);
        let accuracy = one_decimal(weighted(&|c| c != Category::Safety) * share);
        let safety =
            categories.iter().find(|c| c.category == Category::Safety).map_or(100.0, |c| f64::from(c.score));
        let critical_errors = findings.iter().filter(|f| f.severity == FindingSeverity::Critical).count();
        let pass_mark = scenario.rubric.pass_pct;
        let required_pct = scenario.rubric.min_completion_pct;
        let work_done = WorkDone {
            done: completion.done,
            total: completion.total,
            pct: completion.pct(),
            required_pct,
            missing: completion.missing.into_iter().map(|i| i.task).collect(),
        };
        Report {
            scenario: scenario.meta.id.clone(),
            title: scenario.meta.title.clone(),
            trainee: trainee.to_owned(),
            mode,
            seed: session.seed(),
            passed: critical_errors == 0
                && work_done.pct >= f64::from(required_pct)
                && overall >= f64::from(pass_mark)
                && categories.iter().all(|c| c.weight == 0 || c.score > 0),
            overall,
            points,
            completion: work_done,
            accuracy,
            safety,
            pass_mark,
            critical_errors,
            categories,
            stat_turnaround: session
                .stat_turnarounds()
                .into_iter()
                .map(|(specimen, test, minutes)| Turnaround { specimen, test, minutes })
                .collect(),
            critical_calls: session
                .critical_calls()
                .into_iter()
                .map(|c| CriticalCall {
                    minutes: c.completed_at.map(|t| (t.0 - c.available_at.0) / 60),
                    available: clock(c.available_at),
                    completed: c.completed_at.map(clock),
                    specimen: c.specimen,
                    test: c.test,
                    value: c.value,
                    caregiver: c.caregiver,
                })
                .collect(),
            released: session
                .released_results()
                .into_iter()
                .map(|r| Released {
                    released: scenario.meta.start.plus(r.released_at).to_string_full(),
                    specimen: r.specimen,
                    test: r.test,
                    value: r.value,
                    autoverified: r.autoverified,
                    wrong: r.wrong,
                })
                .collect(),
            findings: findings
                .iter()
                .map(|f| ReportFinding { clock: clock(f.at), finding: f.clone() })
                .collect(),
        }
    }

    /// The report as people read it.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let verdict = if self.passed { "PASS" } else { "FAIL" };
        let _ = writeln!(out, "{verdict} {:.1}% — {} ({})", self.overall, self.title, self.scenario);
        let _ = writeln!(out, "trainee: {}  mode: {}  seed: {}", self.trainee, self.mode.name(), self.seed);
        let _ = writeln!(
            out,
            "accuracy {:.1}%  safety {:.1}%  pass mark {}%  critical errors {}",
            self.accuracy, self.safety, self.pass_mark, self.critical_errors
        );
        let w = &self.completion;
        let _ = writeln!(
            out,
            "work completed: {} of {} ({:.1}%, {}% needed)  points {:.1}% × work done = {:.1}%",
            w.done, w.total, w.pct, w.required_pct, self.points, self.overall
        );
        if !w.missing.is_empty() {
            const SHOWN: usize = 12;
            let _ = writeln!(out, "\nwork not done");
            for task in w.missing.iter().take(SHOWN) {
                let _ = writeln!(out, "  {task}");
            }
            if w.missing.len() > SHOWN {
                let _ = writeln!(out, "  … and {} more", w.missing.len() - SHOWN);
            }
        }
        let _ = writeln!(out, "\ncategory                  weight  score  findings");
        for c in &self.categories {
            let _ =
                writeln!(out, "{:<25} {:>6}  {:>5}  {:>8}", c.category.name(), c.weight, c.score, c.findings);
        }
        if !self.stat_turnaround.is_empty() {
            let _ = writeln!(out, "\nSTAT turnaround");
            for t in &self.stat_turnaround {
                let time = t.minutes.map_or_else(|| "not released".to_owned(), |m| format!("{m} min"));
                let _ = writeln!(out, "  {} {}: {time}", t.specimen, t.test);
            }
        }
        if !self.critical_calls.is_empty() {
            let _ = writeln!(out, "\ncritical calls");
            for c in &self.critical_calls {
                let done = match (&c.completed, c.minutes, &c.caregiver) {
                    (Some(at), Some(m), Some(who)) => format!("read back by {who} at {at}, {m} min"),
                    _ => "not completed".to_owned(),
                };
                let _ = writeln!(
                    out,
                    "  {} {} = {} (available {}): {done}",
                    c.specimen, c.test, c.value, c.available
                );
            }
        }
        let wrong: Vec<&Released> = self.released.iter().filter(|r| r.wrong.is_some()).collect();
        let auto = self.released.iter().filter(|r| r.autoverified).count();
        let _ = writeln!(
            out,
            "\nresults released: {} ({auto} by autoverification; {} wrong on the chart)",
            self.released.len(),
            wrong.len()
        );
        for r in wrong {
            let why = r.wrong.as_deref().unwrap_or_default();
            let by = if r.autoverified { ", autoverified" } else { "" };
            let _ = writeln!(
                out,
                "  WRONG {} {} = {} (released {}{by}): {why}",
                r.specimen, r.test, r.value, r.released
            );
        }
        let _ = writeln!(out, "\nfindings");
        if self.findings.is_empty() {
            let _ = writeln!(out, "  none");
        }
        for f in &self.findings {
            let severity = match f.finding.severity {
                FindingSeverity::Critical => "CRITICAL",
                FindingSeverity::Major => "major",
                FindingSeverity::Minor => "minor",
                FindingSeverity::GoodPractice => "good",
            };
            let _ = writeln!(out, "  {} {severity:<8} {} {}", f.clock, f.finding.rule, f.finding.what);
            let _ = writeln!(out, "        rule: {}", f.finding.requirement);
            let _ = writeln!(out, "        see: {}", f.finding.citation);
        }
        out
    }
}
