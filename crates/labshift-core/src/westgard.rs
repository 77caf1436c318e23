//! Westgard multirule QC evaluation, driven by a rule set from the policy pack.
//!
//! A *run* is one measurement of one or more control levels (materials).
//! Each rule looks where Westgard's multirule applies it (docs/grading.md,
//! *QC rules and their scope*): within the run across materials, across runs
//! within one material, or across runs and materials (the observations in
//! the order they were made, level by level within a run). A look-back always
//! ends with the current run: the last n observations of a material end at
//! its value in this run, and the last n of all end at this run's last value.
//! A value "beyond 2 SD" means |z| > 2; a z exactly on a limit does not
//! break it. In a classic set the 1-2s warning gates the rejection rules; a
//! modern set has no 1-2s at all.

use serde::{Deserialize, Serialize};

use crate::raw::RawRuleSet;

/// Tolerance for floating-point z-scores on a limit (4.2 vs 4.0 ± 0.1 is z = 2).
const EPS: f64 = 1e-9;

/// One control measurement.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ControlPoint {
    /// Control level, numbered from 1.
    pub level: u8,
    /// z-score: (value − mean) / SD.
    pub z: f64,
}

impl ControlPoint {
    pub fn new(level: u8, value: f64, mean: f64, sd: f64) -> ControlPoint {
        ControlPoint { level, z: (value - mean) / sd }
    }
}

/// What to do with a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    Accept,
    /// A 1-2s warning that no rejection rule confirms.
    Warn,
    Reject,
}

/// The verdict on one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    /// Rejection rules broken; `["1-2s"]` alone when the decision is a warning.
    pub violations: Vec<String>,
    pub decision: Decision,
}

fn beyond(z: f64, limit: f64) -> i8 {
    if z > limit + EPS {
        1
    } else if z < -limit - EPS {
        -1
    } else {
        0
    }
}

/// Whether the last `n` values of `seq` all lie beyond `limit` on one side
/// (`limit` 0: on one side of the mean).
fn last_n_beyond(seq: &[f64], n: usize, limit: f64) -> bool {
    if n == 0 || seq.len() < n {
        return false;
    }
    let window = &seq[seq.len() - n..];
    let side = beyond(window[0], limit);
    side != 0 && window.iter().all(|z| beyond(*z, limit) == side)
}

/// Whether at least `k` of the last `n` values of `seq` lie beyond the same
/// `limit` (the fewer values there are, the fewer are looked at).
fn k_of_last_n_beyond(seq: &[f64], k: usize, n: usize, limit: f64) -> bool {
    let window = &seq[seq.len().saturating_sub(n)..];
    [1, -1].iter().any(|side| window.iter().filter(|z| beyond(**z, limit) == *side).count() >= k)
}

/// Where a rule looks (see the module's documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// The current run's values, across its materials.
    WithinRun,
    /// One material's values over its runs, ending with this run's.
    AcrossRunsWithinMaterial,
    /// Every value over the runs, in the order measured, ending with this run's last.
    AcrossRunsAndMaterials,
}

/// The scopes a rule applies in, as Westgard publishes the multirule.
pub fn scopes(rule: &str) -> &'static [Scope] {
    use Scope::*;
    match rule {
        "1-2s" | "1-3s" | "R-4s" => &[WithinRun],
        "2-2s" | "2of3-2s" => &[WithinRun, AcrossRunsWithinMaterial],
        "3-1s" | "4-1s" | "6-x" | "8-x" | "9-x" | "10-x" | "12-x" => {
            &[WithinRun, AcrossRunsWithinMaterial, AcrossRunsAndMaterials]
        }
        _ => &[],
    }
}

/// Whether `rule` is broken by the values one scope gives it, the newest last.
fn breaks(rule: &str, values: &[f64], scope: Scope) -> bool {
    match rule {
        "1-3s" => values.iter().any(|z| beyond(*z, 3.0) != 0),
        "1-2s" => values.iter().any(|z| beyond(*z, 2.0) != 0),
        "R-4s" => values.iter().any(|z| beyond(*z, 2.0) == 1) && values.iter().any(|z| beyond(*z, 2.0) == -1),
        "2-2s" => match scope {
            Scope::WithinRun => k_of_last_n_beyond(values, 2, values.len(), 2.0),
            _ => last_n_beyond(values, 2, 2.0),
        },
        "2of3-2s" => match scope {
            Scope::WithinRun => k_of_last_n_beyond(values, 2, values.len(), 2.0),
            _ => k_of_last_n_beyond(values, 2, 3, 2.0),
        },
        _ => {
            let (n, limit) = match rule {
                "3-1s" => (3, 1.0),
                "4-1s" => (4, 1.0),
                "6-x" => (6, 0.0),
                "8-x" => (8, 0.0),
                "9-x" => (9, 0.0),
                "10-x" => (10, 0.0),
                "12-x" => (12, 0.0),
                _ => return false,
            };
            // Within a run the run's own values only: they must be n of them.
            last_n_beyond(values, n, limit)
        }
    }
}

/// Evaluates the last run of `history` (earlier runs give the rules that
/// look back their history) under `rules`.
pub fn evaluate(history: &[Vec<ControlPoint>], rules: &RawRuleSet) -> Verdict {
    let Some(current) = history.last() else {
        return Verdict { violations: Vec::new(), decision: Decision::Accept };
    };
    let in_run: Vec<f64> = current.iter().map(|p| p.z).collect();
    let all: Vec<f64> = history.iter().flatten().map(|p| p.z).collect();
    let mut levels: Vec<u8> = current.iter().map(|p| p.level).collect();
    levels.dedup();
    let material = |level: u8| -> Vec<f64> {
        history.iter().flatten().filter(|p| p.level == level).map(|p| p.z).collect()
    };
    let materials: Vec<Vec<f64>> = levels.iter().map(|&l| material(l)).collect();

    let warning = rules.warning_gate && breaks("1-2s", &in_run, Scope::WithinRun);
    if rules.warning_gate && !warning {
        return Verdict { violations: Vec::new(), decision: Decision::Accept };
    }
    let mut violations = Vec::new();
    for rule in &rules.rules {
        let fired = scopes(rule).iter().any(|&scope| match scope {
            Scope::WithinRun => breaks(rule, &in_run, scope),
            Scope::AcrossRunsWithinMaterial => materials.iter().any(|m| breaks(rule, m, scope)),
            Scope::AcrossRunsAndMaterials => breaks(rule, &all, scope),
        });
        if fired {
            violations.push(rule.clone());
        }
    }
    let decision = if !violations.is_empty() {
        Decision::Reject
    } else if warning {
        violations.push("1-2s".to_owned());
        Decision::Warn
    } else {
        Decision::Accept
    };
    Verdict { violations, decision }
}

/// One row of a QC series in `labshift qc`'s CSV input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CsvRow {
    pub run: u64,
    pub level: u8,
    pub value: f64,
    pub mean: f64,
    pub sd: f64,
}

/// A problem in the CSV input, with its 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct CsvError {
    pub line: usize,
    pub message: String,
}

/// Parses `run,level,value,mean,sd` CSV (with that header line).
pub fn parse_csv(text: &str) -> Result<Vec<CsvRow>, CsvError> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(CsvError {
            line: 1,
            message: "empty input; expected the header `run,level,value,mean,sd`".into(),
        });
    };
    let columns: Vec<String> = header.split(',').map(|c| c.trim().to_lowercase()).collect();
    if columns != ["run", "level", "value", "mean", "sd"] {
        return Err(CsvError {
            line: 1,
            message: format!("header is `{}`; expected `run,level,value,mean,sd`", header.trim()),
        });
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let line_no = i + 1;
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if fields.len() != 5 {
            return Err(CsvError { line: line_no, message: format!("{} fields; expected 5", fields.len()) });
        }
        let bad = |what: &str, text: &str| CsvError {
            line: line_no,
            message: format!("{what} `{text}` is not valid"),
        };
        let run = fields[0].parse::<u64>().map_err(|_| bad("run", fields[0]))?;
        let level =
            fields[1].parse::<u8>().ok().filter(|l| *l >= 1).ok_or_else(|| bad("level", fields[1]))?;
        let number = |i: usize, what: &str| {
            fields[i].parse::<f64>().ok().filter(|v| v.is_finite()).ok_or_else(|| bad(what, fields[i]))
        };
        let (value, mean, sd) = (number(2, "value")?, number(3, "mean")?, number(4, "sd")?);
        if sd <= 0.0 {
            return Err(CsvError { line: line_no, message: format!("sd {sd} must be greater than 0") });
        }
        if let Some(last) = rows.last().map(|r: &CsvRow| r.run)
            && run < last
        {
            return Err(CsvError {
                line: line_no,
                message: format!("run {run} comes after run {last}; rows must be in chronological order"),
            });
        }
        rows.push(CsvRow { run, level, value, mean, sd });
    }
    Ok(rows)
}

/// One line of `labshift qc` output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    pub run: u64,
    pub violations: Vec<String>,
    pub decision: Decision,
}

/// Evaluates a whole series, one report per run in input order.
pub fn evaluate_series(rows: &[CsvRow], rules: &RawRuleSet) -> Vec<RunReport> {
    let mut history: Vec<Vec<ControlPoint>> = Vec::new();
    let mut ids: Vec<u64> = Vec::new();
    for row in rows {
        if ids.last() != Some(&row.run) {
            ids.push(row.run);
            history.push(Vec::new());
        }
        if let Some(run) = history.last_mut() {
            run.push(ControlPoint::new(row.level, row.value, row.mean, row.sd));
        }
    }
    (1..=history.len())
        .map(|n| {
            let verdict = evaluate(&history[..n], rules);
            RunReport { run: ids[n - 1], violations: verdict.violations, decision: verdict.decision }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(levels: u8, gate: bool, rules: &[&str]) -> RawRuleSet {
        RawRuleSet {
            id: "t".into(),
            levels,
            warning_gate: gate,
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    fn classic2() -> RawRuleSet {
        set(2, true, &["1-3s", "2-2s", "R-4s", "4-1s", "10-x"])
    }
    fn modern2() -> RawRuleSet {
        set(2, false, &["1-3s", "2-2s", "R-4s", "4-1s", "8-x"])
    }
    fn classic3() -> RawRuleSet {
        set(3, true, &["1-3s", "2of3-2s", "R-4s", "3-1s", "6-x"])
    }
    fn modern3() -> RawRuleSet {
        set(3, false, &["1-3s", "2of3-2s", "R-4s", "3-1s", "6-x"])
    }

    fn run(zs: &[f64]) -> Vec<ControlPoint> {
        zs.iter().enumerate().map(|(i, z)| ControlPoint { level: i as u8 + 1, z: *z }).collect()
    }

    fn verdict(runs: &[&[f64]], rules: &RawRuleSet) -> (Vec<String>, Decision) {
        let history: Vec<Vec<ControlPoint>> = runs.iter().map(|r| run(r)).collect();
        let v = evaluate(&history, rules);
        (v.violations, v.decision)
    }

    fn fires(runs: &[&[f64]], rules: &RawRuleSet, rule: &str) -> bool {
        verdict(runs, rules).0.iter().any(|r| r == rule)
    }

    #[test]
    fn in_control_runs_are_accepted() {
        for rules in [classic2(), modern2()] {
            assert_eq!(verdict(&[&[0.3, -0.8]], &rules), (vec![], Decision::Accept));
        }
    }

    #[test]
    fn one_2s_is_a_warning_at_its_boundary() {
        assert_eq!(verdict(&[&[2.0, 0.0]], &classic2()).1, Decision::Accept);
        assert_eq!(verdict(&[&[2.01, 0.0]], &classic2()), (vec!["1-2s".to_owned()], Decision::Warn));
        assert_eq!(verdict(&[&[0.0, -2.01]], &classic2()).1, Decision::Warn);
    }

    #[test]
    fn one_3s_at_its_boundary() {
        for rules in [classic2(), modern2(), classic3(), modern3()] {
            assert!(!fires(&[&[3.0, 0.0, 0.0]], &rules, "1-3s"));
            assert!(fires(&[&[3.01, 0.0, 0.0]], &rules, "1-3s"));
            assert!(fires(&[&[0.0, -3.01, 0.0]], &rules, "1-3s"));
        }
    }

    #[test]
    fn two_2s_across_levels_within_a_run() {
        assert!(fires(&[&[2.1, 2.2]], &classic2(), "2-2s"));
        assert!(fires(&[&[-2.1, -2.2]], &modern2(), "2-2s"));
        assert!(!fires(&[&[2.1, 2.0]], &classic2(), "2-2s"));
        // Opposite sides are R-4s, not 2-2s.
        assert!(!fires(&[&[2.1, -2.1]], &classic2(), "2-2s"));
    }

    #[test]
    fn two_2s_across_runs_within_a_level() {
        assert!(fires(&[&[2.1, 0.0], &[2.3, 0.1]], &classic2(), "2-2s"));
        assert!(!fires(&[&[2.1, 0.0], &[-2.3, 0.1]], &classic2(), "2-2s"));
        // Across runs, the rule looks within one level only.
        assert!(!fires(&[&[2.1, 0.0], &[0.0, 2.3]], &classic2(), "2-2s"));
        assert!(!fires(&[&[2.0, 0.0], &[2.3, 0.1]], &classic2(), "2-2s"));
    }

    #[test]
    fn r_4s_within_a_run_only() {
        assert!(fires(&[&[2.1, -2.1]], &classic2(), "R-4s"));
        assert!(!fires(&[&[2.1, -2.0]], &classic2(), "R-4s"));
        // Not across runs.
        assert!(!fires(&[&[2.1, 0.0], &[-2.1, 0.0]], &classic2(), "R-4s"));
    }

    #[test]
    fn four_1s_across_runs_and_levels() {
        // Within one level across four runs (the 1-2s gate needs a warning in the last run).
        let within: [&[f64]; 4] = [&[1.1, 0.0], &[1.2, 0.0], &[1.5, 0.0], &[2.1, 0.0]];
        assert!(fires(&within, &classic2(), "4-1s"));
        // Across levels: two runs of two levels.
        assert!(fires(&[&[1.1, 1.3], &[1.2, 1.1]], &modern2(), "4-1s"));
        assert!(!fires(&[&[1.1, 1.3], &[1.2, 1.0]], &modern2(), "4-1s"));
        assert!(!fires(&[&[1.1, 1.3], &[1.2, -1.1]], &modern2(), "4-1s"));
        // The classic gate: no 1-2s in the current run, no rule examined.
        assert!(!fires(&[&[1.1, 1.3], &[1.2, 1.1]], &classic2(), "4-1s"));
    }

    #[test]
    fn ten_x_and_eight_x() {
        let five: Vec<&[f64]> = vec![&[0.2, 0.4]; 5];
        assert!(fires(&five, &modern2(), "8-x"));
        let four: Vec<&[f64]> = vec![&[0.2, 0.4]; 4];
        assert!(fires(&four, &modern2(), "8-x"));
        let mut broken: Vec<&[f64]> = vec![&[0.2, 0.4]; 3];
        broken.push(&[0.2, -0.1]);
        assert!(!fires(&broken, &modern2(), "8-x"));
        // 10-x under the classic gate: 4 quiet runs, then one with a 1-2s warning.
        let mut ten: Vec<&[f64]> = vec![&[0.5, 0.3]; 4];
        ten.push(&[2.1, 0.2]);
        assert!(fires(&ten, &classic2(), "10-x"));
        let mut nine: Vec<&[f64]> = vec![&[0.5, 0.3]; 4];
        nine[0] = &[0.5, -0.3];
        nine.push(&[2.1, 0.2]);
        assert!(!fires(&nine, &classic2(), "10-x"));
        // A point exactly on the mean breaks the run.
        let mut zero: Vec<&[f64]> = vec![&[0.5, 0.3]; 4];
        zero.push(&[0.0, 0.2]);
        assert!(!fires(&zero, &modern2(), "8-x"));
    }

    #[test]
    fn three_level_rules() {
        assert!(fires(&[&[2.1, 2.2, 0.0]], &classic3(), "2of3-2s"));
        assert!(!fires(&[&[2.1, 2.0, 0.0]], &classic3(), "2of3-2s"));
        assert!(fires(&[&[1.1, 1.2, 2.1]], &classic3(), "3-1s"));
        assert!(!fires(&[&[1.1, 1.0, 2.1]], &classic3(), "3-1s"));
        assert!(fires(&[&[0.1, 0.2, 0.3], &[0.1, 0.2, 0.3]], &modern3(), "6-x"));
        assert!(!fires(&[&[0.1, 0.2, 0.3], &[0.1, 0.2, -0.3]], &modern3(), "6-x"));
        assert!(fires(&[&[2.1, -2.1, 0.0]], &modern3(), "R-4s"));
    }

    #[test]
    fn the_modern_set_examines_rules_without_a_warning() {
        // 4-1s with no point beyond 2 SD: the modern set rejects, the classic accepts.
        let runs: [&[f64]; 2] = [&[1.5, 1.6], &[1.7, 1.8]];
        assert_eq!(verdict(&runs, &modern2()), (vec!["4-1s".to_owned()], Decision::Reject));
        assert_eq!(verdict(&runs, &classic2()).1, Decision::Accept);
    }

    /// Every rule in its own set alone, without the warning gate: what the
    /// rule itself sees, in the scope it is tried in.
    fn only(rule: &str) -> RawRuleSet {
        set(3, false, &[rule])
    }

    /// `runs` of one material (level 1), oldest first.
    fn one_material(zs: &[f64]) -> Vec<Vec<ControlPoint>> {
        zs.iter().map(|z| vec![ControlPoint { level: 1, z: *z }]).collect()
    }

    fn fires_in(history: &[Vec<ControlPoint>], rule: &str) -> bool {
        evaluate(history, &only(rule)).violations.iter().any(|r| r == rule)
    }

    /// Runs of several materials, oldest first.
    fn runs(rows: &[&[f64]]) -> Vec<Vec<ControlPoint>> {
        rows.iter().map(|r| run(r)).collect()
    }

    #[test]
    fn each_rule_applies_in_the_scopes_westgard_publishes() {
        use Scope::*;
        assert_eq!(scopes("1-3s"), [WithinRun]);
        assert_eq!(scopes("R-4s"), [WithinRun]);
        assert_eq!(scopes("2-2s"), [WithinRun, AcrossRunsWithinMaterial]);
        assert_eq!(scopes("2of3-2s"), [WithinRun, AcrossRunsWithinMaterial]);
        for rule in ["3-1s", "4-1s", "6-x", "8-x", "9-x", "10-x", "12-x"] {
            assert_eq!(scopes(rule), [WithinRun, AcrossRunsWithinMaterial, AcrossRunsAndMaterials], "{rule}");
        }
        for rule in crate::rules::WESTGARD_RULES {
            assert!(!scopes(rule).is_empty(), "{rule} has no scope");
        }
    }

    #[test]
    fn one_3s_and_r_4s_look_within_the_run_only() {
        // 1-3s at its limit, within the run.
        assert!(!fires_in(&runs(&[&[3.0, 0.0]]), "1-3s"));
        assert!(fires_in(&runs(&[&[3.01, 0.0]]), "1-3s"));
        assert!(fires_in(&runs(&[&[0.0, -3.01]]), "1-3s"));
        // An earlier run beyond 3 SD does not reject this one.
        assert!(!fires_in(&runs(&[&[3.5, 0.0], &[0.0, 0.0]]), "1-3s"));
        // R-4s: one above +2 and one below -2 in the same run.
        assert!(fires_in(&runs(&[&[2.01, -2.01]]), "R-4s"));
        assert!(!fires_in(&runs(&[&[2.0, -2.01]]), "R-4s"));
        assert!(!fires_in(&runs(&[&[2.01, -2.0]]), "R-4s"));
        // Across runs it is not applied: +2.5 yesterday, -2.5 today, one material.
        assert!(!fires_in(&one_material(&[2.5, -2.5]), "R-4s"));
        assert!(!fires_in(&runs(&[&[2.5, 0.0], &[0.0, -2.5]]), "R-4s"));
    }

    #[test]
    fn two_2s_within_the_run_and_across_runs_within_a_material() {
        // Within the run, across materials: both beyond the same limit.
        assert!(fires_in(&runs(&[&[2.01, 2.01]]), "2-2s"));
        assert!(!fires_in(&runs(&[&[2.01, 2.0]]), "2-2s"));
        assert!(!fires_in(&runs(&[&[2.01, -2.01]]), "2-2s"), "opposite limits are R-4s, not 2-2s");
        // Across runs within one material: this run and the last.
        assert!(fires_in(&one_material(&[2.01, 2.01]), "2-2s"));
        assert!(!fires_in(&one_material(&[2.0, 2.01]), "2-2s"));
        assert!(!fires_in(&one_material(&[2.5, 0.0, 2.5]), "2-2s"), "not consecutive");
        // Across runs and materials it is not applied: level 2 yesterday, level 1 today.
        assert!(!fires_in(&runs(&[&[0.0, 2.5], &[2.5, 0.0]]), "2-2s"));
    }

    #[test]
    fn two_of_three_2s_within_the_run_and_across_runs_within_a_material() {
        // Within a run of three materials: two of the three beyond the same 2 SD.
        assert!(fires_in(&runs(&[&[2.01, 0.0, 2.01]]), "2of3-2s"));
        assert!(!fires_in(&runs(&[&[2.01, 0.0, 2.0]]), "2of3-2s"));
        assert!(!fires_in(&runs(&[&[2.01, 0.0, -2.01]]), "2of3-2s"));
        // Across runs within one material: two of its last three values.
        assert!(fires_in(&one_material(&[2.01, 0.5, 2.01]), "2of3-2s"));
        assert!(!fires_in(&one_material(&[2.01, 0.5, 2.0]), "2of3-2s"));
        assert!(
            !fires_in(&one_material(&[2.5, 0.5, 0.5, 2.5]), "2of3-2s"),
            "four values back is out of reach"
        );
        // Not across materials from one run to the next.
        assert!(!fires_in(&runs(&[&[0.0, 0.0, 2.5], &[2.5, 0.0, 0.0]]), "2of3-2s"));
    }

    #[test]
    fn three_1s_and_4_1s_in_each_scope_at_their_limit() {
        // 3-1s within a run of three materials.
        assert!(fires_in(&runs(&[&[1.01, 1.01, 1.01]]), "3-1s"));
        assert!(!fires_in(&runs(&[&[1.01, 1.0, 1.01]]), "3-1s"));
        // 3-1s across runs within a material.
        assert!(fires_in(&one_material(&[-1.01, -1.01, -1.01]), "3-1s"));
        assert!(!fires_in(&one_material(&[-1.01, -1.01, -1.0]), "3-1s"));
        // 4-1s across runs within a material.
        assert!(fires_in(&one_material(&[1.01, 1.01, 1.01, 1.01]), "4-1s"));
        assert!(!fires_in(&one_material(&[1.0, 1.01, 1.01, 1.01]), "4-1s"));
        // 4-1s across runs and materials: the last two runs of two materials.
        assert!(fires_in(&runs(&[&[1.01, 1.01], &[1.01, 1.01]]), "4-1s"));
        assert!(!fires_in(&runs(&[&[1.01, 1.01], &[1.01, 1.0]]), "4-1s"));
        // The look-back ends with this run's last value: a pattern that stops
        // short of it was judged with the run it ended in.
        assert!(!fires_in(&runs(&[&[1.5, 1.5], &[1.5, 0.2]]), "4-1s"));
        assert!(!fires_in(&runs(&[&[0.0, 1.5], &[1.5, 1.5], &[1.5, -0.5]]), "4-1s"));
    }

    #[test]
    fn mean_rules_in_each_scope_at_their_limit() {
        for (rule, n) in [("6-x", 6), ("8-x", 8), ("9-x", 9), ("10-x", 10), ("12-x", 12)] {
            // Across runs within a material: n values on one side of the mean.
            let above = vec![0.1; n];
            assert!(fires_in(&one_material(&above), rule), "{rule}");
            let mut one_on_the_mean = above.clone();
            one_on_the_mean[0] = 0.0;
            assert!(
                !fires_in(&one_material(&one_on_the_mean), rule),
                "{rule}: a value on the mean breaks the run"
            );
            let short = vec![-0.1; n - 1];
            assert!(!fires_in(&one_material(&short), rule), "{rule}: one value short");
            // Across runs and materials: n values over runs of two (or three) materials.
            let width = if n % 2 == 0 { 2 } else { 3 };
            let rows: Vec<Vec<f64>> = (0..n / width).map(|_| vec![0.2; width]).collect();
            let rows: Vec<&[f64]> = rows.iter().map(Vec::as_slice).collect();
            assert!(fires_in(&runs(&rows), rule), "{rule} across materials");
        }
        // 6-x across runs and materials, two runs of three: broken by one value.
        assert!(fires_in(&runs(&[&[0.3, 0.3, 0.3], &[0.3, 0.3, 0.3]]), "6-x"));
        assert!(!fires_in(&runs(&[&[0.3, 0.3, 0.3], &[0.3, -0.3, 0.3]]), "6-x"));
    }

    #[test]
    fn the_modern_sets_have_no_warning() {
        // One value beyond 2 SD, nothing else: the classic set warns, the modern accepts.
        assert_eq!(verdict(&[&[2.5, 0.0]], &classic2()), (vec!["1-2s".to_owned()], Decision::Warn));
        assert_eq!(verdict(&[&[2.5, 0.0]], &modern2()), (vec![], Decision::Accept));
        assert_eq!(verdict(&[&[2.5, 0.0, 0.0]], &modern3()), (vec![], Decision::Accept));
        assert_eq!(verdict(&[&[2.5, 0.0, 0.0]], &classic3()), (vec!["1-2s".to_owned()], Decision::Warn));
    }

    #[test]
    fn a_series_from_csv() {
        let csv =
            "run,level,value,mean,sd\n1,1,4.0,4.0,0.1\n1,2,6.0,6.0,0.2\n2,1,4.25,4.0,0.1\n2,2,6.5,6.0,0.2\n";
        let rows = parse_csv(csv).unwrap_or_default();
        let out = evaluate_series(&rows, &classic2());
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], RunReport { run: 1, violations: vec![], decision: Decision::Accept });
        assert_eq!(
            out[1],
            RunReport { run: 2, violations: vec!["2-2s".to_owned()], decision: Decision::Reject }
        );
    }

    #[test]
    fn csv_errors_name_their_line() {
        assert_eq!(parse_csv("").map_err(|e| e.line), Err(1));
        assert!(parse_csv("a,b\n").is_err());
        let e = parse_csv("run,level,value,mean,sd\n1,1,4.0,4.0,0\n").err();
        assert_eq!(e.map(|e| e.to_string()), Some("line 2: sd 0 must be greater than 0".to_owned()));
        let e = parse_csv("run,level,value,mean,sd\n2,1,4,4,1\n1,1,4,4,1\n").err();
        assert_eq!(e.map(|e| e.line), Some(3));
        assert_eq!(parse_csv("run,level,value,mean,sd\n1,0,4,4,1\n").err().map(|e| e.line), Some(2));
    }
}
