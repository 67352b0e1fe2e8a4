//! Tests of profile loading: every shipped profile loads, dead entries are refused naming the
//! file and the JSON path.

use super::*;
use serde_json::json;

fn spec() -> Spec {
    Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
}

/// Load a profile holding `known_divergences` from a file of its own.
fn load_with(
    name: &str,
    known_divergences: serde_json::Value,
) -> (PathBuf, Result<Profile, ProfileError>) {
    let dir = std::env::temp_dir().join(format!(
        "ses-conformance-profile-{name}-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("t.json");
    let profile = json!({
        "target": "t",
        "description": "a test profile",
        "known_divergences": known_divergences,
    });
    std::fs::write(&file, profile.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let loaded = Profile::load(&spec(), &file);
    let _ = std::fs::remove_dir_all(&dir);
    (file, loaded)
}

fn entry(cases: &str, when: Option<serde_json::Value>) -> serde_json::Value {
    let mut e = json!({"cases": cases, "class": "accepted-invalid", "what": "w", "why": "y"});
    if let Some(when) = when {
        e["when"] = when;
    }
    e
}

#[test]
fn the_shipped_emulators_are_the_profiles_with_an_endpoint_variable() {
    let emulators = Profile::shipped_emulators(&spec()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = emulators.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["aws-ses-v2-local", "moto"]);
}

#[test]
fn every_shipped_profile_loads() {
    let spec = spec();
    let dir = spec.dir.join("targets");
    let mut loaded = 0;
    for item in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let file = item.unwrap_or_else(|e| panic!("{e}")).path();
        if file.extension().is_some_and(|e| e == "json") {
            Profile::load(&spec, &file).unwrap_or_else(|e| panic!("{e}"));
            loaded += 1;
        }
    }
    assert!(loaded >= 4, "{loaded} profiles in {}", dir.display());
}

#[test]
fn a_known_divergence_that_covers_no_case_fails_naming_the_entry() {
    let (file, loaded) = load_with(
        "dead",
        json!([
            entry(
                "list_email_templates::invalid::page_size_above_max::*",
                None
            ),
            entry(
                "list_email_templates::invalid::page_size_far_above_max::*",
                None
            ),
        ]),
    );
    let err = match loaded {
        Ok(_) => panic!("a profile with a dead entry loaded"),
        Err(e) => e,
    };
    assert!(
        matches!(&err, ProfileError::DeadEntry { index: 1, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    for says in [
        file.display().to_string().as_str(),
        "$.known_divergences[1]",
        "`list_email_templates::invalid::page_size_far_above_max::*`",
    ] {
        assert!(text.contains(says), "{text} does not say {says}");
    }
}

#[test]
fn a_baseline_mismatch_that_covers_no_case_fails_naming_the_entry() {
    let dir = std::env::temp_dir().join(format!(
        "ses-conformance-profile-dead-mismatch-{}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    let file = dir.join("t.json");
    let mismatch = |cases: &str| json!({"cases": cases, "level": "full", "why": "y"});
    let profile = json!({
        "target": "t",
        "description": "a test profile",
        "baseline_mismatches": [
            mismatch("get_account::valid::*"),
            mismatch("get_acount::valid::*"),
        ],
    });
    std::fs::write(&file, profile.to_string()).unwrap_or_else(|e| panic!("{e}"));
    let loaded = Profile::load(&spec(), &file);
    let _ = std::fs::remove_dir_all(&dir);
    let text = match loaded {
        Ok(_) => panic!("a profile with a dead baseline mismatch loaded"),
        Err(e) => e.to_string(),
    };
    for says in [
        file.display().to_string().as_str(),
        "$.baseline_mismatches[1]",
        "`get_acount::valid::*` matches no case",
    ] {
        assert!(text.contains(says), "{text} does not say {says}");
    }
}

#[test]
fn a_request_shape_no_covered_case_has_is_a_dead_entry() {
    let cases = "list_email_templates::invalid::page_size_above_max::*";
    let (_, live) = load_with(
        "shape-live",
        json!([entry(
            cases,
            Some(json!({"at": "PageSize", "between": [11, 100]}))
        )]),
    );
    live.unwrap_or_else(|e| panic!("{e}"));
    let (_, dead) = load_with(
        "shape-dead",
        json!([entry(
            cases,
            Some(json!({"at": "PageSize", "between": [1, 10]}))
        )]),
    );
    let text = match dead {
        Ok(_) => panic!("an entry whose shape no covered case has loaded"),
        Err(e) => e.to_string(),
    };
    assert!(
        text.contains("$.known_divergences[0]") && text.contains("`PageSize` between 1 and 10"),
        "{text}"
    );
}

#[test]
fn request_shapes_match_by_member_path() {
    use serde_json::json;
    let lacks = RequestShape {
        at: "BulkEmailEntries[].ReplacementEmailContent".into(),
        lacks: Some("ReplacementTemplate.ReplacementTemplateData".into()),
        between: None,
    };
    let with = |content: serde_json::Value| json!({"BulkEmailEntries": [{"Destination": {}}, {"ReplacementEmailContent": content}]});
    assert!(lacks.matches(&with(json!({}))));
    assert!(lacks.matches(&with(json!({"ReplacementTemplate": {}}))));
    assert!(!lacks.matches(&with(
        json!({"ReplacementTemplate": {"ReplacementTemplateData": "{}"}})
    )));
    assert!(!lacks.matches(&json!({"BulkEmailEntries": [{"Destination": {}}]})));
    let page = RequestShape {
        at: "PageSize".into(),
        lacks: None,
        between: Some([11, 100]),
    };
    assert!(page.matches(&json!({"PageSize": 11})));
    assert!(!page.matches(&json!({"PageSize": 101})));
    assert!(!page.matches(&json!({})));
}

#[test]
fn globs_match_case_ids() {
    assert!(glob_match(
        "list_email_templates::*",
        "list_email_templates::invalid::page_size_above_max::0"
    ));
    assert!(glob_match(
        "*::page_size_above_max::0",
        "list_email_templates::invalid::page_size_above_max::0"
    ));
    assert!(glob_match("a*b*c", "aXXbYYc"));
    assert!(!glob_match("a*b*c", "aXXbYY"));
    assert!(glob_match("exact", "exact"));
    assert!(!glob_match("exact", "exact2"));
}

#[test]
fn a_pattern_names_the_operations_it_can_match() {
    let id = "list_email_templates::invalid::page_size_above_max::0";
    for pattern in [
        "list_email_templates::*",
        "*::page_size_above_max::0",
        "list_*_templates::invalid::*",
        "list_email*valid::*",
        "list_email_templates:*",
        id,
    ] {
        assert!(glob_match(pattern, id), "{pattern}");
        assert!(
            may_name_operation(pattern, "list_email_templates"),
            "{pattern}"
        );
    }
    assert!(!may_name_operation("send_email::*", "send_bulk_email"));
    assert!(!may_name_operation(
        "list_email_templates::*",
        "list_email_identities"
    ));
    assert!(!may_name_operation("get_*", "list_email_templates"));
}
