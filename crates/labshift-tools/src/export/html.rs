//! The debrief as one self-contained HTML file: no scripts, fonts or images
//! from elsewhere, so it opens offline, mails as one attachment and prints
//! to PDF from any browser.

use std::fmt::Write as _;

use labshift_core::rules::FindingSeverity;
use labshift_core::session::QcChart;
use labshift_core::time::SimTime;

use super::Attempt;
use crate::lj::{LjFrame, broke_rule};

const STYLE: &str = r#"
:root { --ink:#1d2430; --muted:#5b6575; --line:#d5dae1; --ok:#2e7d32; --warn:#b26a00; --bad:#b3261e;
        --l1:#1f6fb4; --l2:#d96a00; --l3:#7b4fc9; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 980px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 26px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 3px; }
.meta { color: var(--muted); margin: 0; }
.verdict { display: flex; gap: 20px; align-items: center; margin: 16px 0; }
.badge { font-size: 30px; font-weight: 700; padding: 4px 16px; border-radius: 6px; color: #fff; }
.pass { background: var(--ok); } .fail { background: var(--bad); }
.scores { display: flex; gap: 22px; flex-wrap: wrap; }
.score b { display: block; font-size: 22px; }
.score span { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.bar { background: #eef1f4; height: 10px; border-radius: 5px; min-width: 160px; }
.bar i { display: block; height: 10px; border-radius: 5px; background: var(--ok); }
.bar i.low { background: var(--warn); } .bar i.zero { background: var(--bad); }
.sev { font-weight: 700; font-size: 12px; text-transform: uppercase; white-space: nowrap; }
.critical { color: var(--bad); } .major { color: var(--warn); } .minor { color: #7a6400; } .good { color: var(--ok); }
.rule { color: var(--muted); font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
figure { margin: 0; width: 440px; } figcaption { font-size: 12px; color: var(--muted); }
.legend span { margin-right: 12px; white-space: nowrap; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
footer { margin-top: 30px; color: var(--muted); font-size: 12px; }
svg text { font-family: inherit; }
@media print {
  body { padding: 0; max-width: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2, tr, figure { break-inside: avoid; break-after: avoid-page; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// The HTML debrief of an attempt; `log_name` names the session log it was replayed from.
pub fn render(attempt: &Attempt, log_name: &str) -> String {
    let r = &attempt.report;
    let mut out = String::new();
    let verdict = if r.passed { "PASS" } else { "FAIL" };
    let who = if r.trainee.is_empty() { "unnamed trainee".to_owned() } else { r.trainee.clone() };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{verdict} {:.1}% · {} · {} — LabShift debrief</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        r.overall,
        esc(&r.title),
        esc(&who)
    );
    let _ = writeln!(out, "<header>\n<h1>{}</h1>", esc(&r.title));
    let _ = writeln!(
        out,
        "<p class=\"meta\">Trainee <b>{}</b> · {} mode · seed {} · scenario <code>{}</code> · \
         shift from {} for {} min (limit {} min)</p>",
        esc(&who),
        r.mode.name(),
        r.seed,
        esc(&r.scenario),
        attempt.start,
        attempt.elapsed.0 / 60,
        attempt.time_limit.0 / 60
    );
    let _ = writeln!(
        out,
        "<div class=\"verdict\"><span class=\"badge {}\">{verdict}</span>",
        verdict.to_lowercase()
    );
    let _ = writeln!(out, "<div class=\"scores\">");
    for (value, label) in [
        (format!("{:.1}%", r.overall), "overall".to_owned()),
        (
            format!("{} of {}", r.completion.done, r.completion.total),
            format!("work completed ({}% needed)", r.completion.required_pct),
        ),
        (format!("{:.1}%", r.accuracy), "accuracy".to_owned()),
        (format!("{:.1}%", r.safety), "safety adherence".to_owned()),
        (format!("{}%", r.pass_mark), "pass mark".to_owned()),
        (r.critical_errors.to_string(), "critical errors".to_owned()),
    ] {
        let _ = writeln!(out, "<div class=\"score\"><b>{value}</b><span>{label}</span></div>");
    }
    let _ = writeln!(out, "</div></div>");
    if r.critical_errors > 0 {
        let _ = writeln!(
            out,
            "<p><b class=\"critical\">A critical error fails the attempt whatever the points.</b></p>"
        );
    }
    if r.completion.pct < f64::from(r.completion.required_pct) {
        let _ = writeln!(
            out,
            "<p><b class=\"critical\">{:.1}% of the shift's work was done; {}% is needed to pass.</b></p>",
            r.completion.pct, r.completion.required_pct
        );
    }
    let _ = writeln!(out, "</header>");

    subscores(&mut out, attempt);
    work_and_results(&mut out, attempt);
    timeline(&mut out, attempt);
    findings(&mut out, attempt);
    turnaround_and_calls(&mut out, attempt);
    charts(&mut out, attempt);

    let _ = writeln!(
        out,
        "<footer>Replayed from <code>{}</code> on scenario <code>{}</code> ({}) by LabShift {}. \
         Each category starts at 100 and loses 50 per critical, 25 per major and 10 per minor finding; \
         the categories weighed by the scenario's rubric, times the share of the work done, are the overall \
         score.</footer>\n</body>\n</html>",
        esc(log_name),
        esc(&r.scenario),
        esc(&attempt.scenario_hash),
        env!("CARGO_PKG_VERSION")
    );
    out
}

fn subscores(out: &mut String, attempt: &Attempt) {
    let _ = writeln!(out, "<section>\n<h2>Subscores</h2>\n<table>");
    let _ = writeln!(
        out,
        "<tr><th>Category</th><th class=\"num\">Weight</th><th class=\"num\">Score</th><th></th>\
         <th class=\"num\">Findings</th></tr>"
    );
    for c in &attempt.report.categories {
        let class = match c.score {
            0 => " class=\"zero\"",
            1..=74 => " class=\"low\"",
            _ => "",
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td><div class=\"bar\"><i{class} style=\"width:{}%\"></i></div></td><td class=\"num\">{}</td></tr>",
            c.category.name(),
            c.weight,
            c.score,
            c.score,
            c.findings
        );
    }
    let _ = writeln!(out, "</table>\n</section>");
}

/// The findings on the shift's time axis; each mark links to its entry.
fn timeline(out: &mut String, attempt: &Attempt) {
    let findings = &attempt.report.findings;
    let _ = writeln!(out, "<section>\n<h2>Finding timeline</h2>");
    let span = attempt.elapsed.0.max(findings.iter().map(|f| f.finding.at.0).max().unwrap_or(0)).max(60);
    let (left, width, lane_h) = (46.0, 880.0, 16.0);
    let x_of = |t: SimTime| left + width * (t.0.clamp(0, span) as f64) / span as f64;
    // Marks too close to share a lane go one lane up.
    let mut lanes: Vec<f64> = Vec::new();
    let mut placed = Vec::new();
    for (i, f) in findings.iter().enumerate() {
        let x = x_of(f.finding.at);
        let lane = lanes.iter().position(|&end| x > end + 15.0).unwrap_or(lanes.len());
        if lane == lanes.len() {
            lanes.push(x);
        } else {
            lanes[lane] = x;
        }
        placed.push((i, x, lane));
    }
    let axis_y = 14.0 + lane_h * lanes.len().max(1) as f64;
    let height = axis_y + 26.0;
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 940 {height}\" width=\"100%\" role=\"img\" \
         aria-label=\"{} findings between {} and {}\">",
        findings.len(),
        attempt.start.to_string_full(),
        attempt.start.plus(SimTime(span)).to_string_full()
    );
    let _ = writeln!(
        out,
        "<line x1=\"{left}\" y1=\"{axis_y}\" x2=\"{}\" y2=\"{axis_y}\" stroke=\"#8a94a3\" stroke-width=\"1.5\"/>",
        left + width
    );
    let step =
        [5, 10, 15, 30, 60, 120].into_iter().map(|m| m * 60).find(|s| span / s <= 12).unwrap_or(240 * 60);
    let mut t = 0;
    while t <= span {
        let x = x_of(SimTime(t));
        let _ = writeln!(
            out,
            "<line x1=\"{x:.1}\" y1=\"{axis_y}\" x2=\"{x:.1}\" y2=\"{}\" stroke=\"#8a94a3\"/>\
             <text x=\"{x:.1}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#5b6575\">{}</text>",
            axis_y + 5.0,
            axis_y + 18.0,
            attempt.start.plus(SimTime(t))
        );
        t += step;
    }
    for (i, x, lane) in placed {
        let f = &findings[i].finding;
        let y = axis_y - 10.0 - lane_h * lane as f64;
        let colour = severity_colour(f.severity);
        let _ = writeln!(
            out,
            "<a href=\"#f{n}\"><title>{} {} — {}</title>\
             <line x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{x:.1}\" y2=\"{axis_y}\" stroke=\"{colour}\" stroke-opacity=\".4\"/>\
             <circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"7\" fill=\"{colour}\"/>\
             <text x=\"{x:.1}\" y=\"{:.1}\" font-size=\"9\" font-weight=\"700\" text-anchor=\"middle\" fill=\"#fff\">{n}</text></a>",
            findings[i].clock,
            esc(f.rule),
            esc(&f.what),
            y + 3.0,
            n = i + 1
        );
    }
    let _ = writeln!(out, "</svg>");
    if findings.is_empty() {
        let _ = writeln!(out, "<p>No findings: every step followed the rules.</p>");
    }
    let _ = writeln!(out, "</section>");
}

fn findings(out: &mut String, attempt: &Attempt) {
    let findings = &attempt.report.findings;
    if findings.is_empty() {
        return;
    }
    let _ = writeln!(out, "<section>\n<h2>Findings and the rules behind them</h2>\n<table>");
    let _ = writeln!(
        out,
        "<tr><th class=\"num\">#</th><th>Time</th><th>Severity</th><th>What happened</th></tr>"
    );
    for (i, f) in findings.iter().enumerate() {
        let g = &f.finding;
        let subject = if g.subject.is_empty() { String::new() } else { format!(" · {}", esc(&g.subject)) };
        let _ = writeln!(
            out,
            "<tr id=\"f{}\"><td class=\"num\">{}</td><td>{}</td><td class=\"sev {}\">{}</td>\
             <td><b>{}</b><br><span class=\"rule\"><code>{}</code> · {}{subject}</span><br>\
             <span class=\"rule\">Rule: {}<br>See: {}</span></td></tr>",
            i + 1,
            i + 1,
            f.clock,
            severity_class(g.severity),
            g.severity.name(),
            esc(&g.what),
            esc(g.rule),
            g.category.name(),
            esc(g.requirement),
            esc(g.citation)
        );
    }
    let _ = writeln!(out, "</table>\n</section>");
}

/// The work left undone, and every result released with those wrong on the chart marked.
fn work_and_results(out: &mut String, attempt: &Attempt) {
    let r = &attempt.report;
    let w = &r.completion;
    let _ = writeln!(out, "<section>\n<h2>Work completed: {} of {} ({:.1}%)</h2>", w.done, w.total, w.pct);
    if w.missing.is_empty() {
        let _ = writeln!(out, "<p>Every piece of the shift's work was done.</p>");
    } else {
        let _ = writeln!(out, "<p>Not done:</p>\n<ul>");
        for task in &w.missing {
            let _ = writeln!(out, "<li>{}</li>", esc(task));
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(out, "</section>");
    let _ = writeln!(out, "<section>\n<h2>Results released to the chart</h2>");
    if r.released.is_empty() {
        let _ = writeln!(out, "<p>None.</p>\n</section>");
        return;
    }
    let _ = writeln!(
        out,
        "<table>\n<tr><th>Specimen</th><th>Test</th><th class=\"num\">Value</th><th>Released</th><th>On the chart</th></tr>"
    );
    for x in &r.released {
        let verdict = match &x.wrong {
            Some(why) => format!("<b class=\"critical\">wrong:</b> {}", esc(why)),
            None => "sound".to_owned(),
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{verdict}</td></tr>",
            esc(&x.specimen),
            esc(&x.test),
            x.value,
            x.released
        );
    }
    let _ = writeln!(out, "</table>\n</section>");
}

fn turnaround_and_calls(out: &mut String, attempt: &Attempt) {
    let r = &attempt.report;
    if !r.stat_turnaround.is_empty() {
        let _ = writeln!(out, "<section>\n<h2>STAT turnaround</h2>\n<table>");
        let _ =
            writeln!(out, "<tr><th>Specimen</th><th>Test</th><th class=\"num\">Arrival to release</th></tr>");
        for t in &r.stat_turnaround {
            let time = t.minutes.map_or_else(|| "not released".to_owned(), |m| format!("{m} min"));
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{time}</td></tr>",
                esc(&t.specimen),
                esc(&t.test)
            );
        }
        let _ = writeln!(out, "</table>\n</section>");
    }
    if !r.critical_calls.is_empty() {
        let _ = writeln!(out, "<section>\n<h2>Critical-result calls</h2>\n<table>");
        let _ = writeln!(
            out,
            "<tr><th>Specimen</th><th>Test</th><th class=\"num\">Value</th><th>Available</th><th>Read back</th></tr>"
        );
        for c in &r.critical_calls {
            let done = match (&c.completed, c.minutes, &c.caregiver) {
                (Some(at), Some(m), Some(who)) => format!("by {} at {at}, after {m} min", esc(who)),
                _ => "<b class=\"critical\">not completed</b>".to_owned(),
            };
            let _ = writeln!(
                out,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td>{}</td><td>{done}</td></tr>",
                esc(&c.specimen),
                esc(&c.test),
                c.value,
                c.available
            );
        }
        let _ = writeln!(out, "</table>\n</section>");
    }
}

fn charts(out: &mut String, attempt: &Attempt) {
    if attempt.charts.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<section>\n<h2>Levey-Jennings charts</h2>\n<p class=\"rule\">One column per QC run, in SD from the \
         control's mean. Filled points were accepted; ringed points belong to a rejected run or one that broke \
         a rule (shaded, with the rule's name); hollow points are a run left open.</p>\n<div class=\"charts\">"
    );
    for chart in &attempt.charts {
        let _ = writeln!(out, "<figure>");
        lj_svg(out, chart, 440.0, 200.0);
        let _ = write!(out, "<figcaption class=\"legend\">");
        for c in attempt.controls_of(chart) {
            let _ = write!(
                out,
                "<span><i class=\"dot\" style=\"background:{}\"></i>level {} · lot {} · mean {} · SD {}</span>",
                level_colour(c.level),
                c.level,
                esc(&c.lot),
                c.mean,
                c.sd
            );
        }
        let _ = writeln!(out, "</figcaption>\n</figure>");
    }
    let _ = writeln!(out, "</div>\n</section>");
}

/// A Levey-Jennings chart as SVG, drawn in the same frame as the bench's.
fn lj_svg(out: &mut String, chart: &QcChart, w: f32, h: f32) {
    let frame = LjFrame::new(chart, w, h);
    let (left, right) = (frame.left, frame.left + frame.plot_w);
    let _ = writeln!(
        out,
        "<svg viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" \
         aria-label=\"Levey-Jennings chart of {} on {}\" style=\"background:#fbfcfd;border:1px solid #d5dae1\">",
        esc(&chart.test),
        esc(&chart.analyzer)
    );
    let _ = writeln!(
        out,
        "<text x=\"{left}\" y=\"12\" font-size=\"11\" font-weight=\"700\">{} {} — Levey-Jennings</text>",
        esc(&chart.analyzer),
        esc(&chart.test)
    );
    for (z, colour, label) in [
        (3.0, "#b3261e", "+3"),
        (2.0, "#b26a00", "+2"),
        (1.0, "#9aa3af", "+1"),
        (0.0, "#2e7d32", "x̄"),
        (-1.0, "#9aa3af", "−1"),
        (-2.0, "#b26a00", "−2"),
        (-3.0, "#b3261e", "−3"),
    ] {
        let y = frame.y(z);
        let _ = writeln!(
            out,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\" stroke=\"{colour}\" stroke-opacity=\".75\"/>\
             <text x=\"2\" y=\"{:.1}\" font-size=\"9.5\" fill=\"{colour}\">{label} SD</text>",
            y + 3.5
        );
    }
    let mut lines: std::collections::BTreeMap<u8, Vec<(f32, f32)>> = Default::default();
    let mut dots = String::new();
    for (i, run) in chart.runs.iter().enumerate() {
        let x = frame.x(i);
        let broke = broke_rule(run);
        if broke {
            let _ = writeln!(
                out,
                "<rect x=\"{:.1}\" y=\"{}\" width=\"{:.1}\" height=\"{}\" fill=\"#b3261e\" fill-opacity=\".14\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"9.5\" font-weight=\"700\" fill=\"#b3261e\">{}</text>",
                x - frame.dx / 2.0 + 1.0,
                frame.top,
                frame.dx - 2.0,
                frame.plot_h,
                x - frame.dx / 2.0 + 2.0,
                frame.top + frame.plot_h - 3.0,
                esc(&run.violations.join(" "))
            );
        }
        for p in &run.points {
            let y = frame.y(p.z);
            lines.entry(p.level).or_default().push((x, y));
            let colour = level_colour(p.level);
            let alarm = !run.accepted || broke;
            let _ = writeln!(
                dots,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{}\" fill=\"{colour}\"{}><title>run {} · level {} · {:+.2} SD{}</title></circle>",
                if alarm { 5 } else { 4 },
                if alarm { " stroke=\"#b3261e\" stroke-width=\"2\"" } else { "" },
                i + 1,
                p.level,
                p.z,
                judged(run)
            );
        }
    }
    for (level, points) in &lines {
        let path: Vec<String> = points.iter().map(|(x, y)| format!("{x:.1},{y:.1}")).collect();
        let _ = writeln!(
            out,
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{}\" stroke-opacity=\".5\" stroke-width=\"1.5\"/>",
            path.join(" "),
            level_colour(*level)
        );
    }
    out.push_str(&dots);
    let x = frame.x(chart.runs.len());
    for p in &chart.open {
        let _ = writeln!(
            out,
            "<circle cx=\"{x:.1}\" cy=\"{:.1}\" r=\"4\" fill=\"none\" stroke=\"{}\" stroke-width=\"2\"><title>open run · level {} · {:+.2} SD</title></circle>",
            frame.y(p.z),
            level_colour(p.level),
            p.level,
            p.z
        );
    }
    let _ = writeln!(out, "</svg>");
}

fn level_colour(level: u8) -> &'static str {
    match level {
        1 => "#1f6fb4",
        2 => "#d96a00",
        _ => "#7b4fc9",
    }
}

fn severity_colour(severity: FindingSeverity) -> &'static str {
    match severity {
        FindingSeverity::Critical => "#b3261e",
        FindingSeverity::Major => "#b26a00",
        FindingSeverity::Minor => "#7a6400",
        FindingSeverity::GoodPractice => "#2e7d32",
    }
}

fn severity_class(severity: FindingSeverity) -> &'static str {
    match severity {
        FindingSeverity::GoodPractice => "good",
        other => other.name(),
    }
}

/// Text made safe for HTML content and attribute values.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// How the trainee judged a QC run, with the rules it broke: " · rejected
/// (2-2s)", " · accepted", " · accepted though it broke 1-3s".
fn judged(run: &labshift_core::session::ChartRun) -> String {
    let rules: Vec<&str> = run.violations.iter().map(String::as_str).filter(|r| *r != "1-2s").collect();
    match (run.accepted, rules.is_empty()) {
        (true, true) => " · accepted".to_owned(),
        (true, false) => format!(" · accepted though it broke {}", rules.join(", ")),
        (false, false) => format!(" · rejected ({})", rules.join(", ")),
        (false, true) => " · rejected (no rejection rule broken)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::esc;

    #[test]
    fn markup_in_names_is_escaped() {
        assert_eq!(esc("<b>Ann & \"Bo\"</b>'"), "&lt;b&gt;Ann &amp; &quot;Bo&quot;&lt;/b&gt;&#39;");
    }
}
