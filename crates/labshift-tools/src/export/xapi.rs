//! Experience API (xAPI 1.0.3) statements for a Learning Record Store: the
//! trainee *attempted* the scenario, then *passed* or *failed* it with the
//! score, the duration and the findings.
//!
//! Statement ids and the registration are derived from the log, so
//! exporting the same log twice gives the same statements: an LRS stores
//! them once.

use labshift_core::log::fnv1a;
use serde_json::{Map, Value, json};

use super::{Attempt, iso_duration};

/// The xAPI version the statements follow.
pub const XAPI_VERSION: &str = "1.0.3";

/// Where LabShift's own extension keys live. They are identifiers, not
/// addresses: `.invalid` is reserved never to resolve.
pub const EXTENSIONS: &str = "https://labshift.invalid/xapi/extensions/";

pub use crate::args::DEFAULT_HOME_PAGE;

const ATTEMPTED: &str = "http://adlnet.gov/expapi/verbs/attempted";
const PASSED: &str = "http://adlnet.gov/expapi/verbs/passed";
const FAILED: &str = "http://adlnet.gov/expapi/verbs/failed";
const SIMULATION: &str = "http://adlnet.gov/expapi/activities/simulation";

/// Who the statements are about and where the accounts live.
#[derive(Debug, Clone)]
pub struct XapiOptions {
    /// The learning platform's address: the trainee's account home page
    /// and the base of the scenario's activity id.
    pub home_page: String,
    /// The learner, when not the log's trainee: an e-mail address or an account name.
    pub actor: Option<String>,
    /// When the attempt happened (RFC 3339), if known.
    pub timestamp: Option<String>,
}

impl Default for XapiOptions {
    fn default() -> XapiOptions {
        XapiOptions { home_page: DEFAULT_HOME_PAGE.to_owned(), actor: None, timestamp: None }
    }
}

/// Why statements could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum XapiError {
    #[error("the log names no trainee; name the learner with --actor (an e-mail address or an account name)")]
    NoActor,
    #[error("the home page `{0}` is not an http(s) address (for example https://lms.example.edu)")]
    HomePage(String),
}

/// The attempt's statements, in the order they happened.
pub fn statements(attempt: &Attempt, options: &XapiOptions) -> Result<Vec<Value>, XapiError> {
    let home = options.home_page.trim_end_matches('/');
    let is_url = ["http://", "https://"].iter().any(|s| home.len() > s.len() && home.starts_with(s));
    if !is_url || home.contains(char::is_whitespace) {
        return Err(XapiError::HomePage(options.home_page.clone()));
    }
    let r = &attempt.report;
    let learner = options.actor.as_deref().unwrap_or(&r.trainee).trim();
    if learner.is_empty() {
        return Err(XapiError::NoActor);
    }
    let actor = if learner.contains('@') && !learner.contains(char::is_whitespace) {
        json!({ "objectType": "Agent", "mbox": format!("mailto:{}", learner.trim_start_matches("mailto:")) })
    } else {
        json!({ "objectType": "Agent", "name": learner, "account": { "homePage": home, "name": learner } })
    };
    let object = json!({
        "objectType": "Activity",
        "id": format!("{home}/scenarios/{}", r.scenario),
        "definition": {
            "type": SIMULATION,
            "name": { "en-US": r.title },
            "description": { "en-US": format!("LabShift scenario `{}`: a simulated clinical laboratory shift.", r.scenario) },
        },
    });
    let key = format!(
        "{}|{}|{}|{learner}|{:016x}",
        attempt.scenario_hash, r.seed, r.trainee, attempt.log_fingerprint
    );
    let context = json!({
        "registration": uuid(&format!("{key}|registration")),
        "platform": format!("LabShift {}", env!("CARGO_PKG_VERSION")),
        "language": "en-US",
        "revision": attempt.scenario_hash,
        "extensions": {
            format!("{EXTENSIONS}seed"): r.seed,
            format!("{EXTENSIONS}mode"): r.mode.name(),
        },
    });
    let statement = |verb: &str, word: &str, result: Option<Value>| {
        let mut s = Map::new();
        s.insert("id".into(), uuid(&format!("{key}|{word}")).into());
        s.insert("actor".into(), actor.clone());
        s.insert("verb".into(), json!({ "id": verb, "display": { "en-US": word } }));
        s.insert("object".into(), object.clone());
        if let Some(result) = result {
            s.insert("result".into(), result);
        }
        s.insert("context".into(), context.clone());
        if let Some(at) = &options.timestamp {
            s.insert("timestamp".into(), at.clone().into());
        }
        s.insert("version".into(), XAPI_VERSION.into());
        Value::Object(s)
    };
    let findings: Vec<Value> = r
        .findings
        .iter()
        .map(|f| {
            let g = &f.finding;
            json!({
                "time": f.clock,
                "rule": g.rule,
                "category": g.category.name(),
                "severity": g.severity.name(),
                "subject": g.subject,
                "what": g.what,
                "requirement": g.requirement,
                "citation": g.citation,
            })
        })
        .collect();
    let categories: Map<String, Value> =
        r.categories.iter().map(|c| (c.category.name().to_owned(), json!(c.score))).collect();
    let result = json!({
        "score": { "scaled": (r.overall * 10.0).round() / 1000.0, "raw": r.overall, "min": 0, "max": 100 },
        "success": r.passed,
        "completion": true,
        "duration": iso_duration(attempt.elapsed),
        "extensions": {
            format!("{EXTENSIONS}findings"): findings,
            format!("{EXTENSIONS}subscores"): {
                "accuracy": r.accuracy,
                "safety": r.safety,
                "pass-mark": r.pass_mark,
                "critical-errors": r.critical_errors,
                "categories": categories,
            },
        },
    });
    let (verb, word) = if r.passed { (PASSED, "passed") } else { (FAILED, "failed") };
    Ok(vec![statement(ATTEMPTED, "attempted", None), statement(verb, word, Some(result))])
}

/// A name-based UUID (version 8, RFC 9562) for `key`: the same key gives the same id.
pub fn uuid(key: &str) -> String {
    let hi = fnv1a(key.as_bytes());
    let lo = fnv1a(format!("{key}\u{1f}{hi:016x}").as_bytes());
    let mut b = [0u8; 16];
    b[..8].copy_from_slice(&hi.to_be_bytes());
    b[8..].copy_from_slice(&lo.to_be_bytes());
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

#[cfg(test)]
mod tests {
    use super::uuid;

    #[test]
    fn ids_are_stable_version_8_uuids() {
        let a = uuid("x");
        assert_eq!(a, uuid("x"));
        assert_ne!(a, uuid("y"));
        assert_eq!(a.len(), 36);
        assert_eq!(&a[14..15], "8");
        assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"));
    }
}
