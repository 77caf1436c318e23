//! `labshift report`: the HTML debrief and the xAPI statements an instructor
//! hands to a Learning Record Store.

mod support;
use support::{SCENARIOS, labshift, scratch, text};

use serde_json::Value;

/// Every sample log: the references (they pass) and the faulty ones (they fail).
fn sample_logs() -> Vec<(String, String, bool)> {
    let mut logs: Vec<(String, String, bool)> = SCENARIOS
        .iter()
        .map(|s| (format!("scenarios/{s}.ron"), format!("scenarios/reference/{s}.log.ron"), true))
        .collect();
    for (scenario, log) in [
        ("a-morning-chemistry", "a-drinks-coffee"),
        ("b-mislabel-hemolysis", "b-accepts-mislabel"),
        ("c-qc-shift", "c-accepts-failed-qc"),
        ("d-critical-calls-spill", "d-no-read-back"),
    ] {
        logs.push((format!("scenarios/{scenario}.ron"), format!("tests/fixtures/logs/{log}.log.ron"), false));
    }
    logs
}

fn graded(scenario: &str, log: &str) -> Value {
    let out = labshift(&["grade", scenario, log, "--format", "json"]);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{log}: {e}"))
}

#[test]
fn the_html_debrief_is_one_self_contained_printable_page() {
    let dir = scratch("report-html");
    for (i, (scenario, log, passes)) in sample_logs().into_iter().enumerate() {
        let file = dir.join(format!("{i}.html")).to_string_lossy().into_owned();
        let out = labshift(&["report", &scenario, &log, "--html", &file]);
        assert_eq!(out.status.code(), Some(0), "{log}: {}", text(&out.stderr));
        let html = std::fs::read_to_string(&file).unwrap_or_default();
        let report = graded(&scenario, &log);

        assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"), "{log}");
        for outside in ["<script", "<link", "src=", "@import", "url(", "<iframe"] {
            assert!(!html.contains(outside), "{log}: the page loads `{outside}` from elsewhere");
        }
        assert!(html.contains("@media print"), "{log}: print styles");
        for (open, close) in [("<svg", "</svg>"), ("<table>", "</table>"), ("<section>", "</section>")] {
            assert_eq!(html.matches(open).count(), html.matches(close).count(), "{log}: {open}");
        }
        let verdict = if passes { ">PASS<" } else { ">FAIL<" };
        assert!(html.contains(verdict), "{log}: {verdict}");
        assert!(
            html.contains(&format!("<b>{:.1}%</b><span>overall", report["overall"].as_f64().unwrap_or(-1.0)))
        );
        // Every finding is on the timeline and in the list, with its rule and citation.
        let findings = report["findings"].as_array().cloned().unwrap_or_default();
        assert_eq!(html.matches("<a href=\"#f").count(), findings.len(), "{log}: timeline marks");
        for (n, f) in findings.iter().enumerate() {
            assert!(html.contains(&format!("<tr id=\"f{}\">", n + 1)), "{log}: finding {}", n + 1);
            let rule = f["rule"].as_str().unwrap_or("?");
            assert!(html.contains(&format!("<code>{rule}</code>")), "{log}: {rule}");
        }
        // One Levey-Jennings chart per QC series run in the shift.
        let charts = html.matches("aria-label=\"Levey-Jennings chart of").count();
        assert!(charts >= 1, "{log}: every sample shift runs QC");
        assert_eq!(html.matches("<svg").count(), charts + 1, "{log}: the charts and the timeline");
    }
    // The failed QC run is marked on its chart with the rule it broke.
    let out = labshift(&[
        "report",
        "scenarios/c-qc-shift.ron",
        "tests/fixtures/logs/c-accepts-failed-qc.log.ron",
        "--html",
        "-",
    ]);
    let html = text(&out.stdout);
    assert!(html.contains("font-weight=\"700\" fill=\"#b3261e\">2-2s</text>"), "the 2-2s run is labelled");
    assert!(html.contains("QC-REJECT-IGNORED"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn names_from_a_log_cannot_inject_markup() {
    let dir = scratch("report-escape");
    let log = std::fs::read_to_string("scenarios/reference/a-morning-chemistry.log.ron").unwrap_or_default();
    let edited = log.replace("Reference technician", "<script>alert('x')</script> & co");
    assert_ne!(log, edited, "the reference log names its trainee");
    let path = dir.join("evil.log.ron");
    std::fs::write(&path, edited).unwrap_or_else(|e| panic!("{e}"));
    let out =
        labshift(&["report", "scenarios/a-morning-chemistry.ron", &path.to_string_lossy(), "--html", "-"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    assert!(!html.contains("<script"), "markup from the log must be escaped");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xapi_statements_follow_the_statement_rules_and_match_the_grade() {
    let dir = scratch("report-xapi");
    let mut ids = std::collections::BTreeSet::new();
    for (i, (scenario, log, passes)) in sample_logs().into_iter().enumerate() {
        let file = dir.join(format!("{i}.json")).to_string_lossy().into_owned();
        let args = ["report", &scenario, &log, "--xapi", &file, "--actor", "ann.lee@example.edu"];
        let out = labshift(&args);
        assert_eq!(out.status.code(), Some(0), "{log}: {}", text(&out.stderr));
        let body = std::fs::read_to_string(&file).unwrap_or_default();
        let statements: Value = serde_json::from_str(&body).unwrap_or_else(|e| panic!("{log}: {e}"));
        let problems = xapi::check_batch(&statements);
        assert!(problems.is_empty(), "{log}:\n{}", problems.join("\n"));

        let list = statements.as_array().cloned().unwrap_or_default();
        assert_eq!(list.len(), 2, "{log}: attempted, then passed or failed");
        let verdict = if passes { "passed" } else { "failed" };
        assert!(list[0]["verb"]["id"].as_str().is_some_and(|v| v.ends_with("/attempted")));
        assert!(list[1]["verb"]["id"].as_str().is_some_and(|v| v.ends_with(&format!("/{verdict}"))), "{log}");
        assert_eq!(list[1]["actor"]["mbox"], "mailto:ann.lee@example.edu");
        assert_eq!(list[0]["context"]["registration"], list[1]["context"]["registration"]);

        let report = graded(&scenario, &log);
        let result = &list[1]["result"];
        let overall = report["overall"].as_f64().unwrap_or(-1.0);
        assert_eq!(result["score"]["raw"].as_f64(), Some(overall), "{log}");
        assert!((result["score"]["scaled"].as_f64().unwrap_or(-9.0) - overall / 100.0).abs() < 1e-9, "{log}");
        assert_eq!(result["success"].as_bool(), Some(passes), "{log}");
        let findings = &result["extensions"]["https://labshift.invalid/xapi/extensions/findings"];
        assert_eq!(findings.as_array().map(Vec::len), report["findings"].as_array().map(Vec::len), "{log}");
        for s in &list {
            assert!(ids.insert(s["id"].as_str().unwrap_or("").to_owned()), "{log}: statement ids are unique");
        }
        // Exporting the same log again gives the same statements: an LRS keeps one copy.
        let again = labshift(&args);
        assert_eq!(again.status.code(), Some(0));
        assert_eq!(std::fs::read_to_string(&file).unwrap_or_default(), body, "{log}: stable ids");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_trainee_without_an_address_is_an_account_on_the_home_page() {
    let out = labshift(&[
        "report",
        "scenarios/c-qc-shift.ron",
        "tests/fixtures/logs/c-accepts-failed-qc.log.ron",
        "--xapi",
        "-",
        "--home-page",
        "https://lms.example.edu/",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let statements: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(xapi::check_batch(&statements).is_empty());
    let s = &statements[1];
    assert_eq!(s["actor"]["account"]["homePage"], "https://lms.example.edu");
    assert_eq!(s["actor"]["account"]["name"], "Faulty example");
    assert_eq!(s["object"]["id"], "https://lms.example.edu/scenarios/qc-shift");
    assert_eq!(s["result"]["duration"], "PT1H12M40S");
}

#[test]
fn report_errors_say_what_to_do() {
    // A log that names no trainee: an LRS needs a learner.
    let dir = scratch("report-errors");
    let log = std::fs::read_to_string("scenarios/reference/a-morning-chemistry.log.ron").unwrap_or_default();
    let anonymous = dir.join("anonymous.log.ron");
    std::fs::write(&anonymous, log.replace("Reference technician", "")).unwrap_or_else(|e| panic!("{e}"));
    let anonymous = anonymous.to_string_lossy().into_owned();
    let out = labshift(&["report", "scenarios/a-morning-chemistry.ron", &anonymous, "--xapi", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--actor"), "{}", text(&out.stderr));
    let out = labshift(&[
        "report",
        "scenarios/a-morning-chemistry.ron",
        &anonymous,
        "--xapi",
        "-",
        "--actor",
        "t17",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let _ = std::fs::remove_dir_all(&dir);
    let out = labshift(&[
        "report",
        "scenarios/c-qc-shift.ron",
        "tests/fixtures/logs/c-accepts-failed-qc.log.ron",
        "--xapi",
        "-",
        "--home-page",
        "lms.example.edu",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("not an http(s) address"), "{}", text(&out.stderr));
    // A log of another scenario, and a file that is not a log.
    let out =
        labshift(&["report", "scenarios/a-morning-chemistry.ron", "scenarios/reference/c-qc-shift.log.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("qc-shift"), "{}", text(&out.stderr));
    let out = labshift(&["report", "scenarios/a-morning-chemistry.ron", "scenarios/a-morning-chemistry.ron"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with("scenarios/a-morning-chemistry.ron:"), "{}", text(&out.stderr));
    // Without --html or --xapi it prints the report as `grade` does.
    let out =
        labshift(&["report", "scenarios/c-qc-shift.ron", "tests/fixtures/logs/c-accepts-failed-qc.log.ron"]);
    let grade =
        labshift(&["grade", "scenarios/c-qc-shift.ron", "tests/fixtures/logs/c-accepts-failed-qc.log.ron"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), text(&grade.stdout));
}

#[test]
fn the_checker_catches_statements_an_lrs_would_reject() {
    let out = labshift(&[
        "report",
        "scenarios/c-qc-shift.ron",
        "tests/fixtures/logs/c-accepts-failed-qc.log.ron",
        "--xapi",
        "-",
    ]);
    let good: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    assert!(xapi::check_batch(&good).is_empty());
    let broken: [(&str, fn(&mut Value)); 12] = [
        ("id", |s| s["id"] = "not-a-uuid".into()),
        ("actor", |s| s["actor"]["mbox"] = "mailto:a@b.c".into()),
        ("actor", |s| s["actor"]["account"]["homePage"] = "lms".into()),
        ("verb", |s| s["verb"]["id"] = "passed".into()),
        ("display", |s| s["verb"]["display"] = serde_json::json!({"en US": "failed"})),
        ("object", |s| s["object"]["id"] = "qc shift".into()),
        ("scaled", |s| s["result"]["score"]["scaled"] = 1.5.into()),
        ("raw", |s| s["result"]["score"]["raw"] = 120.into()),
        ("duration", |s| s["result"]["duration"] = "66 minutes".into()),
        ("null", |s| s["result"]["success"] = Value::Null),
        ("extension", |s| s["result"]["extensions"] = serde_json::json!({"findings": []})),
        ("timestamp", |s| s["timestamp"] = "21/11/2026".into()),
    ];
    for (what, spoil) in broken {
        let mut bad = good.clone();
        spoil(&mut bad[1]);
        let problems = xapi::check_batch(&bad);
        assert!(problems.iter().any(|p| p.contains(what)), "a broken {what} passed: {problems:?}");
    }
    let mut twice = good.clone();
    twice[1]["id"] = good[0]["id"].clone();
    assert!(xapi::check_batch(&twice).iter().any(|p| p.contains("twice")));
}

/// The statement rules of the Experience API 1.0.3 (Part Two, section 2)
/// that a Learning Record Store enforces when it receives a statement.
mod xapi {
    use serde_json::{Map, Value};

    pub fn check_batch(batch: &Value) -> Vec<String> {
        let Some(list) = batch.as_array() else { return vec!["a batch is a JSON array".into()] };
        let mut problems = Vec::new();
        let mut seen = std::collections::BTreeSet::new();
        for (i, s) in list.iter().enumerate() {
            problems.extend(check(s).into_iter().map(|p| format!("statement {i}: {p}")));
            if let Some(id) = s["id"].as_str()
                && !seen.insert(id)
            {
                problems.push(format!("statement {i}: id {id} used twice in one batch"));
            }
        }
        problems
    }

    fn check(s: &Value) -> Vec<String> {
        let mut p = Vec::new();
        let Some(obj) = s.as_object() else { return vec!["a statement is a JSON object".into()] };
        const KEYS: [&str; 11] = [
            "id",
            "actor",
            "verb",
            "object",
            "result",
            "context",
            "timestamp",
            "stored",
            "authority",
            "version",
            "attachments",
        ];
        for k in obj.keys() {
            if !KEYS.contains(&k.as_str()) {
                p.push(format!("unknown property `{k}`"));
            }
        }
        no_nulls(s, "statement", &mut p);
        if let Some(id) = obj.get("id")
            && !id.as_str().is_some_and(is_uuid)
        {
            p.push("id must be a UUID".into());
        }
        match obj.get("actor") {
            Some(a) => agent(a, "actor", &mut p),
            None => p.push("actor is required".into()),
        }
        match obj.get("verb") {
            Some(v) => {
                if !v["id"].as_str().is_some_and(is_iri) {
                    p.push("verb id must be an IRI".into());
                }
                if let Some(d) = v.get("display") {
                    language_map(d, "verb display", &mut p);
                }
            }
            None => p.push("verb is required".into()),
        }
        let is_activity = match obj.get("object") {
            Some(o) => activity(o, &mut p),
            None => {
                p.push("object is required".into());
                false
            }
        };
        if let Some(r) = obj.get("result") {
            result(r, &mut p);
        }
        if let Some(c) = obj.get("context") {
            context(c, is_activity, &mut p);
        }
        if let Some(t) = obj.get("timestamp")
            && !t.as_str().is_some_and(is_timestamp)
        {
            p.push("timestamp must be an ISO 8601 date and time with a zone".into());
        }
        if let Some(v) = obj.get("version")
            && !v.as_str().is_some_and(|v| v.starts_with("1.0."))
        {
            p.push("version must start with 1.0.".into());
        }
        p
    }

    /// The LRS rejects null values anywhere but inside extensions.
    fn no_nulls(v: &Value, path: &str, p: &mut Vec<String>) {
        match v {
            Value::Null => p.push(format!("{path} is null")),
            Value::Object(m) => {
                for (k, x) in m {
                    if k != "extensions" {
                        no_nulls(x, &format!("{path}.{k}"), p);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| no_nulls(x, path, p)),
            _ => {}
        }
    }

    fn agent(a: &Value, what: &str, p: &mut Vec<String>) {
        let Some(m) = a.as_object() else { return p.push(format!("{what} must be an object")) };
        if !matches!(m.get("objectType").and_then(Value::as_str), None | Some("Agent")) {
            p.push(format!("{what} objectType must be Agent"));
        }
        let ifis =
            ["mbox", "mbox_sha1sum", "openid", "account"].iter().filter(|k| m.contains_key(**k)).count();
        if ifis != 1 {
            p.push(format!(
                "{what} needs exactly one identifier (mbox, mbox_sha1sum, openid, account), has {ifis}"
            ));
        }
        if let Some(mbox) = m.get("mbox") {
            let ok = mbox.as_str().and_then(|s| s.strip_prefix("mailto:")).is_some_and(|addr| {
                let mut parts = addr.split('@');
                matches!((parts.next(), parts.next(), parts.next()), (Some(u), Some(d), None) if !u.is_empty() && d.contains('.'))
            });
            if !ok {
                p.push(format!("{what} mbox must be mailto:user@domain"));
            }
        }
        if let Some(acc) = m.get("account") {
            if !acc["homePage"].as_str().is_some_and(is_irl) {
                p.push(format!("{what} account homePage must be an IRL (http or https)"));
            }
            if acc["name"].as_str().is_none_or(str::is_empty) {
                p.push(format!("{what} account name must be a non-empty string"));
            }
        }
        if let Some(n) = m.get("name")
            && !n.is_string()
        {
            p.push(format!("{what} name must be a string"));
        }
    }

    fn activity(o: &Value, p: &mut Vec<String>) -> bool {
        if !matches!(o.get("objectType").and_then(Value::as_str), None | Some("Activity")) {
            return false;
        }
        if !o["id"].as_str().is_some_and(is_iri) {
            p.push("object id must be an IRI".into());
        }
        if let Some(d) = o.get("definition") {
            for k in ["name", "description"] {
                if let Some(m) = d.get(k) {
                    language_map(m, &format!("object definition {k}"), p);
                }
            }
            if let Some(t) = d.get("type")
                && !t.as_str().is_some_and(is_iri)
            {
                p.push("object definition type must be an IRI".into());
            }
            if let Some(e) = d.get("extensions") {
                extensions(e, "object definition", p);
            }
        }
        true
    }

    fn result(r: &Value, p: &mut Vec<String>) {
        if let Some(score) = r.get("score") {
            let n = |k: &str| score.get(k).map(|v| v.as_f64());
            if let Some(scaled) = n("scaled")
                && !scaled.is_some_and(|x| (-1.0..=1.0).contains(&x))
            {
                p.push("score scaled must be between -1 and 1".into());
            }
            let (min, max, raw) = (n("min").flatten(), n("max").flatten(), n("raw").flatten());
            if let (Some(min), Some(max)) = (min, max)
                && min >= max
            {
                p.push("score min must be below max".into());
            }
            if let Some(raw) = raw
                && (min.is_some_and(|m| raw < m) || max.is_some_and(|m| raw > m))
            {
                p.push("score raw must lie between min and max".into());
            }
        }
        for k in ["success", "completion"] {
            if let Some(v) = r.get(k)
                && !v.is_boolean()
            {
                p.push(format!("result {k} must be true or false (null)"));
            }
        }
        if let Some(d) = r.get("duration")
            && !d.as_str().is_some_and(is_duration)
        {
            p.push("result duration must be an ISO 8601 duration".into());
        }
        if let Some(e) = r.get("extensions") {
            extensions(e, "result", p);
        }
    }

    fn context(c: &Value, is_activity: bool, p: &mut Vec<String>) {
        if let Some(r) = c.get("registration")
            && !r.as_str().is_some_and(is_uuid)
        {
            p.push("context registration must be a UUID".into());
        }
        for k in ["revision", "platform"] {
            if c.get(k).is_some() && !is_activity {
                p.push(format!("context {k} is only allowed when the object is an Activity"));
            }
        }
        if let Some(l) = c.get("language")
            && !l.as_str().is_some_and(is_language_tag)
        {
            p.push("context language must be an RFC 5646 tag".into());
        }
        if let Some(e) = c.get("extensions") {
            extensions(e, "context", p);
        }
    }

    fn extensions(e: &Value, what: &str, p: &mut Vec<String>) {
        match e.as_object() {
            Some(m) => {
                for k in m.keys().filter(|k| !is_iri(k)) {
                    p.push(format!("{what} extension key `{k}` must be an IRI"));
                }
            }
            None => p.push(format!("{what} extensions must be an object")),
        }
    }

    fn language_map(m: &Value, what: &str, p: &mut Vec<String>) {
        let Some(m): Option<&Map<String, Value>> = m.as_object() else {
            return p.push(format!("{what} must be a language map"));
        };
        for (k, v) in m {
            if !is_language_tag(k) || !v.is_string() {
                p.push(format!("{what} key `{k}` must be an RFC 5646 tag with a string (display)"));
            }
        }
    }

    fn is_uuid(s: &str) -> bool {
        let groups: Vec<&str> = s.split('-').collect();
        groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
            && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
            && matches!(s.as_bytes()[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B')
    }

    /// An absolute IRI: a scheme, a colon, and no spaces.
    fn is_iri(s: &str) -> bool {
        let Some((scheme, rest)) = s.split_once(':') else { return false };
        scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
            && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
            && !rest.is_empty()
            && !s.contains(char::is_whitespace)
    }

    fn is_irl(s: &str) -> bool {
        is_iri(s) && (s.starts_with("http://") || s.starts_with("https://"))
    }

    fn is_language_tag(s: &str) -> bool {
        let mut parts = s.split('-');
        parts.next().is_some_and(|l| (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_alphabetic()))
            && parts.all(|x| (1..=8).contains(&x.len()) && x.chars().all(|c| c.is_ascii_alphanumeric()))
    }

    /// `P[nY][nM][nW][nD][T[nH][nM][n[.n]S]]` with at least one part.
    fn is_duration(s: &str) -> bool {
        let Some(rest) = s.strip_prefix('P') else { return false };
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return false,
            None => (rest, None),
        };
        fn parts(s: &str, units: &str) -> bool {
            let mut number = String::new();
            let mut last = None;
            for c in s.chars() {
                if c.is_ascii_digit() || c == '.' {
                    number.push(c);
                } else {
                    let Some(at) = units.find(c) else { return false };
                    if number.is_empty() || number.parse::<f64>().is_err() || last.is_some_and(|l| at <= l) {
                        return false;
                    }
                    last = Some(at);
                    number.clear();
                }
            }
            number.is_empty()
        }
        (!date.is_empty() || time.is_some()) && parts(date, "YMWD") && time.is_none_or(|t| parts(t, "HMS"))
    }

    /// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)`.
    fn is_timestamp(s: &str) -> bool {
        let b = s.as_bytes();
        let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|x| x.iter().all(u8::is_ascii_digit));
        if b.len() < 20 || !digits(0..4) || b[4] != b'-' || !digits(5..7) || b[7] != b'-' || !digits(8..10) {
            return false;
        }
        if b[10] != b'T'
            || !digits(11..13)
            || b[13] != b':'
            || !digits(14..16)
            || b[16] != b':'
            || !digits(17..19)
        {
            return false;
        }
        let mut rest = &s[19..];
        if let Some(frac) = rest.strip_prefix('.') {
            let n = frac.chars().take_while(char::is_ascii_digit).count();
            if n == 0 {
                return false;
            }
            rest = &frac[n..];
        }
        rest == "Z"
            || (rest.len() == 6
                && (rest.starts_with('+') || rest.starts_with('-'))
                && rest.as_bytes()[3] == b':'
                && rest[1..3].chars().chain(rest[4..].chars()).all(|c| c.is_ascii_digit()))
    }
}
