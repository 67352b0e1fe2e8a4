//! Hostile ledgers: whatever a ledger file says, `admit` lets through only the delete the harness
//! would have recorded for a resource its run named, at the endpoint being cleaned, and nothing
//! in reading or admitting panics. The rule is restated here independently of `admit`'s code.

use std::sync::LazyLock;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use serde_json::{json, Map, Value};
use ses_conformance::names::RunKey;
use ses_conformance::run::ledger::{self, LedgerEntry, Line, Proof};
use ses_conformance::spec::Spec;

/// This installation's key, and the run ids it made: the only runs cleanup may act on.
static MINTED: LazyLock<(RunKey, Vec<String>)> = LazyLock::new(|| {
    let key = RunKey::ephemeral();
    let runs = (0..8).map(|_| key.mint()).collect();
    (key, runs)
});

fn proof() -> Proof {
    Proof::new(vec![MINTED.0.clone()], [])
}

/// A rule a test checks, broken, and how.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Broken(String);

const URL: &str = "http://127.0.0.1:4566";
const REAL_SES: &str = "aws:us-east-1";

/// Whether an admitted entry obeys the rule, judged from the spec and the entry alone.
fn obeys_the_rule(spec: &Spec, entry: &LedgerEntry, endpoint: &str) -> Result<(), Broken> {
    // Restated: a run this installation minted, not a run id that merely looks like one.
    if !MINTED.1.contains(&entry.run) {
        return Err(Broken(format!("run id {:?}", entry.run)));
    }
    if entry.endpoint != endpoint {
        return Err(Broken(format!(
            "endpoint {:?} for {endpoint:?}",
            entry.endpoint
        )));
    }
    let def = spec
        .resources
        .get(&entry.kind)
        .ok_or_else(|| Broken(format!("kind {:?}", entry.kind)))?;
    if entry.delete_operation != def.delete {
        return Err(Broken(format!("operation {:?}", entry.delete_operation)));
    }
    let object = entry
        .delete_request
        .as_object()
        .ok_or(Broken("request not an object".into()))?;
    let mut members: Vec<&String> = object.keys().collect();
    let mut keys: Vec<&String> = def.keys.iter().collect();
    members.sort();
    keys.sort();
    if members != keys {
        return Err(Broken(format!("members {members:?}")));
    }
    let own_key = def
        .keys
        .last()
        .ok_or(Broken("a kind without keys".into()))?;
    let own = object
        .get(own_key)
        .and_then(Value::as_str)
        .ok_or(Broken("own name not a string".into()))?;
    let prefix = format!("sc{}-", entry.run);
    if entry.kind != "identity" {
        return own
            .starts_with(&prefix)
            .then_some(())
            .ok_or(Broken(format!("{own:?} lacks {prefix}")));
    }
    let local_own = !entry.real_aws && own == format!("{prefix}identity.example.com");
    let simulator = own.split('@').collect::<Vec<_>>();
    let labelled = simulator.len() == 2
        && simulator[1].eq_ignore_ascii_case("simulator.amazonses.com")
        && simulator[0]
            .split_once('+')
            .is_some_and(|(word, label)| !word.is_empty() && label.starts_with(&prefix));
    (local_own || labelled)
        .then_some(())
        .ok_or(Broken(format!("identity {own:?}")))
}

fn spec() -> Spec {
    Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
}

/// A run id of the harness's format that no key of ours made.
fn well_formed_unminted() -> impl Strategy<Value = String> {
    ("[a-z]{6}", "[a-z]{4}").prop_map(|(nonce, tag)| {
        let sum: u32 = nonce
            .bytes()
            .zip(1u32..)
            .map(|(c, i)| i * u32::from(c - b'a'))
            .sum();
        format!("{nonce}{:02}{tag}", sum % 97)
    })
}

fn run_id() -> impl Strategy<Value = String> {
    prop_oneof![
        30 => proptest::sample::select(MINTED.1.clone()),
        3 => well_formed_unminted(),
        1 => Just("erence".to_string()),
        1 => Just("abc123".to_string()),
        1 => Just("000000000000".to_string()),
        1 => "[A-Za-z0-9]{11,13}",
        1 => ".{0,14}",
    ]
}

/// Names around a run prefix: at the start, in the middle, at the end, case-changed, with
/// look-alike letters, as simulator addresses of every shape, and plain junk.
fn name(run: String) -> impl Strategy<Value = String> {
    let p = format!("sc{run}-");
    let upper = p.to_uppercase();
    // Cyrillic ѕ and с, a fullwidth hyphen.
    let lookalike = p.replacen('s', "ѕ", 1).replacen('c', "с", 1);
    let fullwidth = p.replace('-', "－");
    let domains = prop_oneof![
        4 => Just("simulator.amazonses.com".to_string()),
        1 => Just("SIMULATOR.amazonses.COM".to_string()),
        1 => Just("simulatör.amazonses.com".to_string()),
        1 => Just("simulator.amazonses.com.evil.example".to_string()),
        1 => Just("example.com".to_string()),
        1 => "[a-z.]{0,12}",
    ];
    let p2 = p.clone();
    prop_oneof![
        16 => "[a-z0-9-]{0,10}".prop_map(move |s| format!("{p}{s}")),
        1 => ("[a-z]{1,6}", "[a-z0-9]{0,6}").prop_map({
            let p = p2.clone();
            move |(a, b)| format!("{a}-{p}{b}")
        }),
        1 => "[a-z]{0,6}".prop_map({
            let p = p2.clone();
            move |a| format!("{a}{p}")
        }),
        1 => "[a-z0-9]{0,6}".prop_map(move |s| format!("{upper}{s}")),
        1 => "[a-z0-9]{0,6}".prop_map(move |s| format!("{lookalike}{s}")),
        1 => "[a-z0-9]{0,6}".prop_map(move |s| format!("{fullwidth}{s}")),
        10 => (
            prop_oneof![6 => "[a-z]{1,7}", 1 => "[a-zü]{0,7}"],
            prop_oneof![4 => Just(p2.clone()), 1 => Just(format!("x{p2}")), 1 => Just(String::new())],
            prop_oneof![4 => "[a-z0-9]{0,6}", 1 => "[a-z0-9 @]{0,6}"],
            domains
        )
            .prop_map(|(word, label, token, domain)| format!("{word}+{label}{token}@{domain}")),
        1 => Just(format!("{p2}identity.example.com")),
        1 => Just("conference-mail.example.com".to_string()),
        1 => Just(format!("prod-{p2}welcome")),
        1 => ".{0,16}",
    ]
}

fn request(spec: &Spec, kind: String, run: String) -> impl Strategy<Value = Value> {
    let keys = spec
        .resources
        .get(&kind)
        .map(|d| d.keys.clone())
        .unwrap_or_else(|| vec!["TemplateName".to_string()]);
    let values = proptest::collection::vec(
        prop_oneof![
            24 => name(run.clone()).prop_map(Value::String),
            1 => Just(json!(["x"])),
            1 => Just(Value::Null),
            1 => Just(json!("")),
        ],
        keys.len(),
    );
    let extra = prop_oneof![
        6 => Just(None),
        1 => Just(Some("Extra".to_string())),
        1 => Just(Some("Policy".to_string())),
    ];
    (
        values,
        extra,
        proptest::bool::weighted(0.1),
        proptest::bool::weighted(0.1),
    )
        .prop_map(move |(values, extra, drop_one, not_object)| {
            if not_object {
                return json!(values);
            }
            let mut object = Map::new();
            for (key, value) in keys.iter().zip(values) {
                object.insert(key.clone(), value);
            }
            if drop_one {
                object.shift_remove(&keys[0]);
            }
            if let Some(extra) = extra {
                object.insert(extra, json!(format!("sc{}-x", MINTED.1[0])));
            }
            Value::Object(object)
        })
}

fn entry(spec: &Spec) -> impl Strategy<Value = LedgerEntry> {
    let mut kinds: Vec<String> = spec.resources.keys().cloned().collect();
    kinds.extend(kinds.clone());
    kinds.extend(["account".into(), "Identity".into(), String::new()]);
    let mut operations: Vec<String> = spec.resources.values().map(|d| d.delete.clone()).collect();
    operations.extend(
        [
            "PutAccountDetails",
            "CreateEmailTemplate",
            "deleteemailtemplate",
            "",
        ]
        .map(String::from),
    );
    // Weighted towards what a real ledger holds, so that admission is reached often.
    let endpoints = [
        URL,
        URL,
        URL,
        REAL_SES,
        REAL_SES,
        REAL_SES,
        "https://attacker.example",
        "http://127.0.0.1:4566/",
    ]
    .map(String::from)
    .to_vec();
    let targets = ["aws", "aws", "aws", "reference", "reference", "../../x", ""]
        .map(String::from)
        .to_vec();
    let spec = spec.clone();
    (
        run_id(),
        proptest::sample::select(kinds),
        proptest::bool::weighted(0.7),
    )
        .prop_flat_map(move |(run, kind, matching_op)| {
            let delete = spec.resources.get(&kind).map(|d| d.delete.clone());
            let operation = match (matching_op, delete) {
                (true, Some(d)) => Just(d).boxed(),
                _ => proptest::sample::select(operations.clone()).boxed(),
            };
            (
                Just(run.clone()),
                Just(kind.clone()),
                operation,
                request(&spec, kind, run),
                proptest::sample::select(endpoints.clone()),
                proptest::sample::select(targets.clone()),
                any::<bool>(),
            )
        })
        .prop_map(
            |(run, kind, delete_operation, delete_request, endpoint, target, real_aws)| {
                LedgerEntry {
                    run,
                    target,
                    endpoint,
                    real_aws,
                    kind,
                    delete_operation,
                    delete_request,
                }
            },
        )
}

/// A ledger's text: resource lines of every event, `finished` lines, garbage, and a torn tail.
fn ledger_text(spec: &Spec) -> impl Strategy<Value = String> {
    let line = prop_oneof![
        4 => entry(spec).prop_map(Line::Creating),
        2 => entry(spec).prop_map(Line::Proven),
        1 => entry(spec).prop_map(Line::Removed),
        1 => Just(Line::Finished),
        1 => (0usize..6).prop_map(|line| Line::Torn { line }),
    ]
    .prop_map(|l| serde_json::to_string(&l).unwrap_or_default());
    let garbage = prop_oneof![".{0,40}", Just("{\"event\":\"creating\"".to_string())];
    (
        proptest::collection::vec(prop_oneof![6 => line, 1 => garbage], 0..8),
        0usize..30,
    )
        .prop_map(|(lines, cut)| {
            let text = lines.join("\n");
            // Cut the tail at a character boundary, as a crash would at a byte one.
            let keep = text
                .char_indices()
                .map(|(i, _)| i)
                .find(|i| *i + cut >= text.len())
                .unwrap_or(text.len());
            text[..keep].to_string()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn admit_lets_through_only_the_runs_own_deletes(e in entry(&spec()), at_real_ses in any::<bool>()) {
        let spec = spec();
        let endpoint = if at_real_ses { REAL_SES } else { URL };
        let recorded = ledger::Recorded { line: 1, entry: e.clone() };
        if let Ok(admitted) = ledger::admit(&spec, &recorded, endpoint, &proof()) {
            prop_assert!(obeys_the_rule(&spec, &e, endpoint).is_ok(), "{:?}: {:?}", obeys_the_rule(&spec, &e, endpoint), e);
            prop_assert_eq!(admitted.request(), &e.delete_request);
            prop_assert_eq!(admitted.operation(), e.delete_operation.as_str());
        }
    }

    #[test]
    fn hostile_ledgers_read_and_admit_without_panicking(text in ledger_text(&spec()), at_real_ses in any::<bool>()) {
        let spec = spec();
        let endpoint = if at_real_ses { REAL_SES } else { URL };
        let read = ledger::parse(text.as_bytes());
        let pending = read.pending();
        for recorded in pending.entries.iter().chain(&pending.unproven) {
            if ledger::admit(&spec, recorded, endpoint, &proof()).is_ok() {
                prop_assert!(obeys_the_rule(&spec, &recorded.entry, endpoint).is_ok());
            }
        }
        // Unproven identities are never offered to cleanup.
        prop_assert!(pending.entries.iter().all(|r| r.entry.kind != "identity"
            || read.lines.iter().any(|n| matches!(&n.line, Line::Proven(e) if e.key() == r.entry.key()))));
        let _ = read.is_finished();
        let _ = read.malformed().count();
    }
}

/// The strategies do reach admitted entries, of every kind (a fuzz test that admits nothing
/// proves nothing).
#[test]
fn the_generator_produces_admissible_entries_too() {
    let spec = spec();
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let strategy = entry(&spec);
    let admitted: Vec<LedgerEntry> = (0..2000)
        .filter_map(|_| strategy.new_tree(&mut runner).ok())
        .map(|tree| tree.current())
        .filter(|e| {
            let recorded = ledger::Recorded {
                line: 1,
                entry: e.clone(),
            };
            ledger::admit(&spec, &recorded, URL, &proof()).is_ok()
                || ledger::admit(&spec, &recorded, REAL_SES, &proof()).is_ok()
        })
        .collect();
    eprintln!("{} of 2000 admitted", admitted.len());
    assert!(
        admitted.len() > 50,
        "only {} of 2000 generated entries admitted",
        admitted.len()
    );
    for kind in spec.resources.keys() {
        assert!(
            admitted.iter().any(|e| &e.kind == kind),
            "no {kind} entry was ever admitted"
        );
    }
}
