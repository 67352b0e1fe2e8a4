//! The real-SES paths against hostile files, over seeds and case counts: a run that replays a
//! generated hostile regressions file, then a `cleanup` of its ledger with generated hostile
//! lines appended, against an account holding the user's own resources. The oracle is not the
//! harness's name rule but the local server: the user's resources are all there, unchanged,
//! afterwards, and nothing of the run is left.

mod common;

use std::path::Path;
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use common::account::{Account, USER_POLICIES, USER_TEMPLATES};
use common::owner::IDENTITY;
use common::real_ses::{aws_target, ledger_line, proven, use_fake_credentials};
use common::{spec, temp_dir};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{json, Map, Value};
use ses_conformance::case::{Case, PREFIX_PLACEHOLDER};
use ses_conformance::client::Target;
use ses_conformance::explore::regression_cases;
use ses_conformance::generate::{self, Settings};
use ses_conformance::names::{run_prefix, RunKey};
use ses_conformance::profile::Profile;
use ses_conformance::run::ledger::Proof;
use ses_conformance::run::{Cleanup, CleanupTarget, RunConfig, Session};
use ses_conformance::spec::Spec;

/// Every name of the user's: what a hostile file aims at.
fn user_names() -> Vec<String> {
    USER_TEMPLATES
        .iter()
        .chain(USER_POLICIES.iter())
        .map(|s| s.to_string())
        .collect()
}

/// A name a hostile file puts where the run's own name goes: one of the user's, one of the
/// user's behind text that looks like a prefix, the placeholder prefix itself, or junk.
fn hostile_name() -> impl Strategy<Value = String> {
    let users = proptest::sample::select(user_names());
    prop_oneof![
        6 => users.clone(),
        2 => users.clone().prop_map(|n| format!("{PREFIX_PLACEHOLDER}{n}")),
        1 => users.prop_map(|n| format!("sc{}-{n}", "0".repeat(12))),
        1 => "[a-z0-9-]{0,20}",
        1 => ".{0,12}",
    ]
}

/// Every default case whose request names something by a run name at its top level: what a
/// hostile regression starts from.
static NAMING_CASES: LazyLock<Vec<Case>> = LazyLock::new(|| {
    generate::generate(&spec(), &Settings::default())
        .into_iter()
        .filter(|c| !run_name_members(&c.request).is_empty())
        .collect()
});

/// The top-level members of a request that hold a run name.
fn run_name_members(request: &Value) -> Vec<String> {
    request
        .as_object()
        .map(|o| {
            o.iter()
                .filter(|(_, v)| {
                    v.as_str()
                        .is_some_and(|s| s.starts_with(PREFIX_PLACEHOLDER))
                })
                .map(|(k, _)| k.clone())
                .collect()
        })
        .unwrap_or_default()
}

/// One kept regression: a case that names something, its names swapped for hostile ones (the
/// first always, each other one mostly), under the case's own class.
fn hostile_entry() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(NAMING_CASES.clone()),
        proptest::collection::vec(hostile_name(), 4),
        proptest::collection::vec(proptest::bool::weighted(0.75), 4),
    )
        .prop_map(|(case, names, swap)| {
            let mut request = case.request.clone();
            let members = run_name_members(&request);
            if let Some(obj) = request.as_object_mut() {
                for (i, member) in members.iter().enumerate().take(4) {
                    if i == 0 || swap[i] {
                        obj.insert(member.clone(), json!(names[i]));
                    }
                }
            }
            json!({
                "operation": case.operation,
                "class": class_label(&case),
                "constraint": "request",
                "divergence": "accepted-invalid",
                "request": request,
                "date": "2026-12-07",
                "seed": 1,
            })
        })
}

/// The class a regression of `case` names: `valid`, or its invalid variant.
fn class_label(case: &Case) -> String {
    let parts: Vec<&str> = case.id.split("::").collect();
    match parts.as_slice() {
        [_, "valid", ..] => "valid".into(),
        [_, _, variant, _] => variant.to_string(),
        _ => "valid".into(),
    }
}

/// A hostile ledger line aimed at one of the user's names, under a run id a file picked for it:
/// a part of that very name (`erence` of `conference-…`, `heduled` of `scheduled-…`), a run id
/// another installation minted, one this installation minted, or any of the harness's format.
/// Besides the user's own names, it aims at a name of the harness's format that another
/// installation made (`sc<theirs>-keep`): only the proof of who made a run protects that one.
fn hostile_line(
    url: String,
    minted_elsewhere: String,
    ours: String,
) -> impl Strategy<Value = String> {
    let template = proptest::sample::select(USER_TEMPLATES.to_vec()).prop_map(|n| {
        (
            "email_template",
            "DeleteEmailTemplate",
            n.to_string(),
            json!({"TemplateName": n}),
        )
    });
    let policy = proptest::sample::select(USER_POLICIES.to_vec()).prop_map(|n| {
        (
            "identity_policy",
            "DeleteEmailIdentityPolicy",
            n.to_string(),
            json!({"EmailIdentity": IDENTITY, "PolicyName": n}),
        )
    });
    let identity = Just((
        "identity",
        "DeleteEmailIdentity",
        IDENTITY.to_string(),
        json!({"EmailIdentity": IDENTITY}),
    ));
    let theirs = elsewhere_name(&minted_elsewhere);
    let theirs = Just((
        "email_template",
        "DeleteEmailTemplate",
        theirs.clone(),
        json!({"TemplateName": theirs}),
    ));
    let aimed = prop_oneof![4 => template, 4 => policy, 1 => identity, 3 => theirs];
    (aimed, prop_oneof![Just("creating"), Just("proven")]).prop_flat_map(
        move |((kind, op, name, request), event)| {
            let len = name.len();
            let part = (0..len).prop_flat_map(move |a| (Just(a), a + 1..=len));
            // What makes a prefix `<anything><run>-` of the name: a part that ends just before
            // one of its dashes, whatever the literal in front.
            let before_dash: Vec<String> = name
                .char_indices()
                .filter(|(_, c)| *c == '-')
                .flat_map(|(i, _)| (0..i).map(|a| name[a..i].to_string()).collect::<Vec<_>>())
                .collect();
            let before_dash = if before_dash.is_empty() {
                vec![name.clone()]
            } else {
                before_dash
            };
            let runs = prop_oneof![
                4 => proptest::sample::select(before_dash),
                2 => part.prop_map({
                    let name = name.clone();
                    move |(a, b)| name[a..b].to_string()
                }),
                1 => Just("erence".to_string()),
                2 => Just(minted_elsewhere.clone()),
                1 => Just(ours.clone()),
                1 => "[a-z]{6}[0-9]{2}[a-z]{4}",
            ];
            let url = url.clone();
            runs.prop_map(move |run| {
                let line = ledger_line(&run, &url, true, kind, op, request.clone());
                match event {
                    "proven" => proven(&line),
                    _ => line,
                }
            })
        },
    )
}

/// The `aws` target at the account's server with the shipped `aws` profile: the real-SES gate,
/// unpaced (the server does not throttle, and the property is about what is sent, not when).
async fn real_ses_target(spec: &Arc<Spec>, url: &str, run_id: &str) -> Arc<Target> {
    let profile = Profile::shipped(spec, "aws")
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no aws profile"));
    aws_target(spec, url, profile, run_id).await
}

/// What one trial draws: the run's seed, case count and operation, the hostile regressions it
/// replays, and the hostile lines appended to its ledger before `cleanup`.
#[derive(Debug, Clone)]
struct Trial {
    seed: u64,
    cases: usize,
    op: String,
    regressions: Vec<Value>,
    lines: Vec<String>,
}

/// The template another installation's run left on the account (a colleague's machine, a CI
/// runner): of the harness's format, and not this cleanup's to touch without proof.
fn elsewhere_name(minted_elsewhere: &str) -> String {
    format!("{}keep", run_prefix(minted_elsewhere))
}

fn trial(
    spec: Arc<Spec>,
    url: String,
    minted_elsewhere: String,
    ours: String,
) -> impl Strategy<Value = Trial> {
    let ops: Vec<String> = spec.operations.keys().cloned().collect();
    (0u64..200, 0usize..=2, proptest::sample::select(ops)).prop_flat_map(
        move |(seed, cases, op)| {
            let entries = proptest::collection::vec(hostile_entry(), 2..6);
            let lines = proptest::collection::vec(
                hostile_line(url.clone(), minted_elsewhere.clone(), ours.clone()),
                1..12,
            );
            (entries, lines).prop_map(move |(regressions, lines)| Trial {
                seed,
                cases,
                op: op.clone(),
                regressions,
                lines,
            })
        },
    )
}

/// Run one trial against `account`; what cleanup said, for the failure message.
async fn play(account: &Account, trial: &Trial, dir: &Path, key: &RunKey) -> String {
    let spec = spec();
    let url = account.url();
    let file = dir.join("regressions.json");
    std::fs::write(&file, json!({ "entries": trial.regressions }).to_string())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut cases = generate::generate(
        &spec,
        &Settings {
            global_seed: trial.seed,
            random_cases: trial.cases,
            operations: vec![trial.op.clone()],
        },
    );
    // A hostile entry may name a class the spec lacks: the file is refused whole, as `run`
    // refuses it (exit 2), and nothing of it runs.
    cases.extend(regression_cases(&spec, &file).unwrap_or_default());
    let run = key.mint();
    let target = real_ses_target(&spec, &url, &run).await;
    let ledger = dir.join(format!("{run}.jsonl"));
    {
        let session = Arc::new(
            Session::new(
                Arc::clone(&spec),
                Arc::clone(&target),
                RunConfig::default(),
                Some(&ledger),
            )
            .unwrap_or_else(|e| panic!("{e}")),
        );
        session.start().await.unwrap_or_else(|e| panic!("{e}"));
        session
            .run_all(cases.into_iter().map(Arc::new).collect(), |_| {})
            .await;
    }
    // A crashed run of this installation that left a template: cleanup must act on it.
    let left = key.mint();
    let left_name = format!("{}left", run_prefix(&left));
    account
        .owner
        .call(
            "CreateEmailTemplate",
            json!({"TemplateName": left_name, "TemplateContent": {"Subject": "s", "Text": "t"}}),
        )
        .await;
    let mut text = std::fs::read_to_string(&ledger).unwrap_or_default();
    text.push_str(&ledger_line(
        &left,
        &url,
        true,
        "email_template",
        "DeleteEmailTemplate",
        json!({"TemplateName": left_name}),
    ));
    text.push('\n');
    text.push_str(&trial.lines.join("\n"));
    text.push('\n');
    std::fs::write(&ledger, text).unwrap_or_else(|e| panic!("{e}"));
    let cleanup = Cleanup::new(
        spec,
        CleanupTarget::new(Some(url), "us-east-1", Duration::from_secs(10)),
        Proof::new(vec![key.clone()], []),
    );
    let mut said = String::new();
    let cleaned = cleanup
        .ledger(&ledger, |step| said.push_str(&format!("{step}\n")))
        .await;
    // A cleanup that stopped (the ledger in use, unreadable) says why in the failure message.
    if let Err(error) = cleaned {
        said.push_str(&format!("cleanup stopped: {error}\n"));
    }
    said
}

#[test]
fn hostile_regressions_and_ledgers_leave_the_users_resources_as_they_were() {
    // Credentials come from the aws-config chain, as against real SES; fake ones, and no files.
    use_fake_credentials();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let dir = temp_dir("hostile-files");
    let key = RunKey::ephemeral();
    let minted_elsewhere = RunKey::ephemeral().mint();
    let mut runner = TestRunner::new(Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    });
    // The server's URL is part of what is drawn (ledger lines name it), so each trial draws
    // against a URL fixed for the whole test: one account, re-made for every trial.
    let placeholder_url = "http://127.0.0.1:1".to_string();
    let result = runner.run(
        &trial(
            spec(),
            placeholder_url.clone(),
            minted_elsewhere.clone(),
            key.mint(),
        ),
        |trial| {
            runtime.block_on(async {
                let account = Account::new().await;
                let theirs = elsewhere_name(&minted_elsewhere);
                account
                    .owner
                    .call(
                        "CreateEmailTemplate",
                        json!({"TemplateName": theirs, "TemplateContent": {"Subject": "theirs", "Text": "t"}}),
                    )
                    .await;
                let url = account.url();
                let mut trial = trial.clone();
                for line in &mut trial.lines {
                    *line = line.replace(&placeholder_url, &url);
                }
                let said = play(&account, &trial, &dir, &key).await;
                account.assert_users_resources_unchanged().await;
                let mut others = account.others().await;
                let kept = others.iter().position(|n| *n == theirs);
                prop_assert!(
                    kept.is_some(),
                    "another installation's {} was removed\ncleanup said:\n{}",
                    theirs,
                    said
                );
                others.retain(|n| *n != theirs);
                prop_assert!(
                    others.is_empty(),
                    "left on the account: {:?}\ncleanup said:\n{}",
                    others,
                    said
                );
                Ok(())
            })
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// The trial's generators reach the parts that matter (a test that never aims at the user's
/// names, or never replays a regression, proves nothing).
#[test]
fn the_trials_aim_at_the_users_names_and_replay_regressions() {
    let spec = spec();
    let mut runner = TestRunner::deterministic();
    let strategy = trial(
        Arc::clone(&spec),
        "http://x".into(),
        RunKey::ephemeral().mint(),
        RunKey::ephemeral().mint(),
    );
    let (mut aimed, mut replayable) = (0, 0);
    for _ in 0..40 {
        let t = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|e| panic!("{e}"))
            .current();
        let names = user_names();
        let aims = |v: &Value| {
            v.as_object().is_some_and(|o: &Map<String, Value>| {
                o.values()
                    .any(|x| x.as_str().is_some_and(|s| names.iter().any(|n| s == n)))
            })
        };
        if t.regressions.iter().any(|e| aims(&e["request"])) {
            aimed += 1;
        }
        let dir = temp_dir("trial-gen");
        let file = dir.join("r.json");
        std::fs::write(&file, json!({"entries": t.regressions}).to_string())
            .unwrap_or_else(|e| panic!("{e}"));
        if regression_cases(&spec, &file).is_ok_and(|c| !c.is_empty()) {
            replayable += 1;
        }
        let _ = std::fs::remove_dir_all(dir);
    }
    assert!(
        aimed >= 10,
        "only {aimed} of 40 trials aim at the user's names"
    );
    assert!(replayable >= 20, "only {replayable} of 40 trials replay");
}
