//! The baseline's files: what `baseline.json` and each case file hold, and reading and writing
//! them.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::case::Case;
use crate::check::Observation;
use crate::client::exchange::RawAnswer;
use crate::spec::Spec;

/// What a baseline was recorded from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The target name.
    pub target: String,
    /// The region it was recorded in.
    pub region: String,
    /// The global seed of the cases.
    pub seed: u64,
    /// Random cases per variant.
    pub random_cases: usize,
}

/// One recorded case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordedCase {
    /// The case id.
    pub id: String,
    /// The operation.
    pub operation: String,
    /// When it was recorded (RFC 3339).
    pub recorded_at: String,
    /// The target it was recorded from.
    pub target: String,
    /// The region it was recorded in.
    pub region: String,
    /// The verdict against the contract at the time.
    pub verdict: String,
    /// The divergence class, if any.
    #[serde(default)]
    pub class: Option<String>,
    /// The normalised answer (as in snapshots: volatile values masked).
    pub answer: Value,
    /// The answer as it can be served again (placeholders restored, account ids masked, personal
    /// values withheld).
    pub raw: Option<RawAnswer>,
}

/// Why a baseline could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
    /// A file is not a baseline file.
    #[error("{path}: at {at}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// JSON path.
        at: String,
        /// What was wrong.
        message: String,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BaselineError + '_ {
    move |source| BaselineError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn parse<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, BaselineError> {
    let text = std::fs::read_to_string(path).map_err(io(path))?;
    let mut de = serde_json::Deserializer::from_str(&text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| BaselineError::Parse {
        path: path.to_path_buf(),
        at: format!("$.{}", e.path()),
        message: e.inner().to_string(),
    })
}

/// The file of one case.
pub fn case_file(dir: &Path, id: &str) -> PathBuf {
    dir.join("cases")
        .join(format!("{}.json", crate::snapshot::name(id)))
}

/// The file in a baseline's directory that says what it was recorded from.
pub const META_FILE: &str = "baseline.json";

/// Read the metadata of a baseline.
pub fn read_meta(dir: &Path) -> Result<Meta, BaselineError> {
    parse(&dir.join(META_FILE))
}

/// Write the metadata of a baseline.
pub fn write_meta(dir: &Path, meta: &Meta) -> Result<(), BaselineError> {
    std::fs::create_dir_all(dir.join("cases")).map_err(io(dir))?;
    write_json(
        &dir.join(META_FILE),
        &serde_json::to_value(meta).unwrap_or_default(),
    )
}

/// Every recorded case, sorted by id.
pub fn read_entries(dir: &Path) -> Result<Vec<RecordedCase>, BaselineError> {
    let cases = dir.join("cases");
    let mut out = Vec::new();
    for item in std::fs::read_dir(&cases).map_err(io(&cases))? {
        let path = item.map_err(io(&cases))?.path();
        if path.extension().is_some_and(|e| e == "json") {
            out.push(parse::<RecordedCase>(&path)?);
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(out)
}

/// The entry of one case, if recorded.
pub fn read_entry(dir: &Path, id: &str) -> Result<Option<RecordedCase>, BaselineError> {
    let path = case_file(dir, id);
    if path.exists() {
        parse(&path).map(Some)
    } else {
        Ok(None)
    }
}

/// Write one case.
pub fn write_entry(dir: &Path, entry: &RecordedCase) -> Result<(), BaselineError> {
    write_json(
        &case_file(dir, &entry.id),
        &serde_json::to_value(entry).unwrap_or_default(),
    )
}

fn write_json(path: &Path, value: &Value) -> Result<(), BaselineError> {
    let text = serde_json::to_string_pretty(value).unwrap_or_default() + "\n";
    std::fs::write(path, text).map_err(io(path))
}

/// The entry of a case just observed. Baselines are meant to be shared: personal values (the
/// account's contact addresses, website, use case) are withheld from the raw answer as well as
/// from the normalised one (see `snapshot::withhold_personal`).
pub fn entry(
    spec: &Spec,
    case: &Case,
    meta: &Meta,
    verdict: &crate::check::Verdict,
    obs: &Observation,
    now: SystemTime,
) -> RecordedCase {
    RecordedCase {
        id: case.id.clone(),
        operation: case.operation.clone(),
        recorded_at: rfc3339(now),
        target: meta.target.clone(),
        region: meta.region.clone(),
        verdict: verdict.name().as_str().into(),
        class: verdict.class().map(|c| c.as_str().into()),
        answer: crate::snapshot::normalise(spec, case, obs),
        raw: obs
            .raw
            .as_ref()
            .map(|raw| crate::snapshot::withhold_personal(spec, &case.operation, raw)),
    }
}

/// A time as RFC 3339 (UTC, seconds).
pub fn rfc3339(time: SystemTime) -> String {
    aws_smithy_types::DateTime::from(time)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// Whether an entry was recorded more than `days` days before `now` (or cannot be dated).
pub fn older_than(entry: &RecordedCase, days: f64, now: SystemTime) -> bool {
    let recorded = aws_smithy_types::DateTime::from_str(
        &entry.recorded_at,
        aws_smithy_types::date_time::Format::DateTime,
    )
    .ok()
    .and_then(|d| SystemTime::try_from(d).ok());
    match recorded {
        Some(at) => now
            .duration_since(at)
            .map(|age| age.as_secs_f64() > days * 86_400.0)
            .unwrap_or(false),
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn entry_at(recorded_at: &str) -> RecordedCase {
        RecordedCase {
            id: "x::valid::y::0".into(),
            operation: "GetAccount".into(),
            recorded_at: recorded_at.into(),
            target: "aws".into(),
            region: "eu-west-1".into(),
            verdict: "conforms".into(),
            class: None,
            answer: Value::Null,
            raw: None,
        }
    }

    #[test]
    fn staleness_is_measured_in_days() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let recorded = rfc3339(now - Duration::from_secs(3 * 86_400));
        assert!(older_than(&entry_at(&recorded), 2.0, now));
        assert!(!older_than(&entry_at(&recorded), 4.0, now));
        assert!(older_than(&entry_at("not a date"), 4.0, now));
    }

    #[test]
    fn entries_round_trip_through_files() {
        let dir =
            std::env::temp_dir().join(format!("ses-conformance-baseline-{}", std::process::id()));
        let meta = Meta {
            target: "t".into(),
            region: "r".into(),
            seed: 0,
            random_cases: 0,
        };
        write_meta(&dir, &meta).unwrap_or_else(|e| panic!("{e}"));
        let e = entry_at("2026-11-28T00:00:00Z");
        write_entry(&dir, &e).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read_meta(&dir).ok(), Some(meta));
        assert_eq!(read_entries(&dir).ok(), Some(vec![e.clone()]));
        assert_eq!(read_entry(&dir, &e.id).ok().flatten(), Some(e));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn a_recorded_get_account_answer_holds_no_account_detail() {
        use crate::case::Bindings;
        use crate::check::{observe, Redactor, Verdict};
        use crate::client::exchange::{Exchange, RawResponse, SdkView};
        use crate::generate::{generate, Settings};

        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let settings = Settings {
            operations: vec!["GetAccount".into()],
            random_cases: 0,
            ..Settings::default()
        };
        let case = generate(&spec, &settings)
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no GetAccount case"));
        let private = [
            "alice@owner.example.net",
            "bob@owner.example.net",
            "https://owner.example.net/shop",
            "Receipts for the shop's customers",
            "case-886712",
        ];
        let body = serde_json::json!({
            "SendingEnabled": true,
            "Details": {
                "MailType": "TRANSACTIONAL",
                "WebsiteURL": private[2],
                "ContactLanguage": "JA",
                "UseCaseDescription": private[3],
                "AdditionalContactEmailAddresses": [private[0], private[1]],
                "ReviewDetails": {"Status": "PENDING", "CaseId": private[4]}
            }
        });
        let exchange = Exchange {
            request: None,
            response: Some(RawResponse {
                status: 200,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_string().into_bytes(),
            }),
            sdk: SdkView::NotUsed,
            failure: None,
            elapsed: Duration::ZERO,
        };
        let obs = observe(&exchange, &Bindings::placeholders(), &Redactor::default());
        let meta = Meta {
            target: "aws".into(),
            region: "eu-west-1".into(),
            seed: 0,
            random_cases: 0,
        };
        let e = entry(
            &spec,
            &case,
            &meta,
            &Verdict::Conforms,
            &obs,
            SystemTime::now(),
        );
        let answer = e.answer.to_string();
        let raw = e.raw.map(|r| r.body).unwrap_or_default();
        for value in private {
            assert!(!answer.contains(value), "answer holds {value}: {answer}");
            assert!(!raw.contains(value), "raw holds {value}: {raw}");
        }
        // The shape stays, and in the raw answer the documented enum values too (a replay parses
        // them as SES sent them).
        let raw: Value = serde_json::from_str(&raw).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            raw["Details"]["AdditionalContactEmailAddresses"]
                .as_array()
                .map(Vec::len),
            Some(2)
        );
        assert_eq!(raw["Details"]["MailType"], "TRANSACTIONAL");
        assert_eq!(raw["Details"]["ReviewDetails"]["Status"], "PENDING");
        assert_eq!(raw["SendingEnabled"], true);
    }
}
