//! Tests of the parity summary: scores, and failures grouped by cause.

use super::*;
use crate::report::record::Observed;

fn record(operation: &str, kind: &str, constraint: &str, expect: &str) -> Record {
    Record {
        id: format!("{operation}::{kind}::{constraint}::0"),
        operation: operation.into(),
        kind: kind.into(),
        constraint: constraint.into(),
        expect: expect.into(),
        observed: Observed::default(),
        verdict: RecordVerdict::CONFORMS,
        class: None,
        detail: None,
        target: "stub".into(),
        known: Known::NotListed,
        millis: 0,
        baseline: None,
        sequence: None,
    }
}

fn diverging(mut r: Record, class: DivergenceClass, status: u16, body: &str) -> Seen {
    r.verdict = RecordVerdict::DIVERGES;
    r.class = Some(class);
    r.observed.status = Some(status);
    Seen {
        record: r,
        body: Some(body_print(body)),
    }
}

fn conforming(r: Record) -> Seen {
    Seen {
        record: r,
        body: Some(body_print("{}")),
    }
}

/// A stub that answers every request `400 {"message":"no"}`: valid requests refused,
/// invalid ones refused without an error type, in six operations.
fn four_hundred_to_everything() -> Vec<Seen> {
    let ops = [
        "SendEmail",
        "GetAccount",
        "ListEmailTemplates",
        "CreateEmailTemplate",
        "DeleteEmailTemplate",
        "GetEmailTemplate",
    ];
    let mut seen = Vec::new();
    for op in ops {
        let mut valid = diverging(
            record(op, "valid", "request", "accept"),
            DivergenceClass::RejectedValid,
            400,
            r#"{"message":"no"}"#,
        );
        valid.record.observed.message = Some("no".into());
        seen.push(valid);
        for c in ["Name.length", "Name.required"] {
            let mut invalid = diverging(
                record(op, "invalid", c, "reject"),
                DivergenceClass::MalformedError,
                400,
                r#"{"message":"no"}"#,
            );
            invalid.record.observed.message = Some("no".into());
            seen.push(invalid);
        }
    }
    seen
}

#[test]
fn one_answer_to_everything_is_one_group_spanning_the_operations() {
    let seen = four_hundred_to_everything();
    let p = &parity(&seen)[0];
    assert_eq!(p.failing, 18);
    assert_eq!(p.groups.len(), 1, "{:#?}", p.groups);
    let g = &p.groups[0];
    assert!(matches!(g.cause, Cause::SameAnswer { .. }), "{:?}", g.cause);
    assert_eq!((g.members.len(), g.operations), (18, 6));
    assert_eq!(g.members[0], 0, "the example is the first in run order");
    assert!(
        g.cause
            .describe()
            .contains("HTTP 400, no error type, message \"no\""),
        "{}",
        g.cause.describe()
    );
    assert_eq!(p.overall.score(), "0.0%");
}

#[test]
fn errors_without_a_type_across_operations_are_one_group_before_per_operation_ones() {
    // Each operation refuses its invalid cases with its own message, but none says the
    // error type; one operation also accepts an invalid request.
    let mut seen = Vec::new();
    for (n, op) in [
        "SendEmail",
        "GetAccount",
        "ListEmailTemplates",
        "CreateEmailTemplate",
    ]
    .iter()
    .enumerate()
    {
        for c in ["Name.length", "Name.required", "Name.type"] {
            let mut s = diverging(
                record(op, "invalid", c, "reject"),
                DivergenceClass::MalformedError,
                400,
                &format!("{{\"message\":\"{op} {n}\"}}"),
            );
            s.record.observed.message = Some(format!("{op} says no"));
            seen.push(s);
        }
        seen.push(conforming(record(op, "valid", "request", "accept")));
    }
    seen.push(diverging(
        record("SendEmail", "invalid", "Content.required", "reject"),
        DivergenceClass::AcceptedInvalid,
        200,
        "{}",
    ));
    let p = &parity(&seen)[0];
    assert_eq!(p.groups.len(), 2, "{:#?}", p.groups);
    assert_eq!(p.groups[0].cause, Cause::ErrorWithoutType);
    assert_eq!((p.groups[0].members.len(), p.groups[0].operations), (12, 4));
    assert_eq!(
        p.groups[1].cause,
        Cause::Cases {
            operation: "SendEmail".into(),
            verdict: "accepted-invalid".into(),
            kind: "required".into()
        }
    );
    assert_eq!(p.overall.score_with_counts(), "23.5% (4/17)");
}

#[test]
fn the_same_empty_success_to_invalid_requests_only_is_not_one_answer_to_everything() {
    // Three deletes that all accept an invalid name with `200 {}`: each delete's own
    // missing check, and their valid cases conform.
    let mut seen = Vec::new();
    for op in [
        "DeleteEmailTemplate",
        "DeleteConfigurationSet",
        "DeleteDedicatedIpPool",
    ] {
        seen.push(diverging(
            record(op, "invalid", "Name.length", "reject"),
            DivergenceClass::AcceptedInvalid,
            200,
            "{}",
        ));
        seen.push(conforming(record(op, "valid", "request", "accept")));
    }
    let p = &parity(&seen)[0];
    assert_eq!(p.groups.len(), 3, "{:#?}", p.groups);
    assert!(p.groups.iter().all(|g| !g.cause.spans_operations()));
}

#[test]
fn a_symptom_in_fewer_operations_than_the_threshold_does_not_span_them() {
    let seen: Vec<Seen> = ["SendEmail", "GetAccount"]
        .iter()
        .flat_map(|op| {
            ["A.length", "B.length"].map(|c| {
                diverging(
                    record(op, "invalid", c, "reject"),
                    DivergenceClass::WrongStatus,
                    400,
                    "{}",
                )
            })
        })
        .collect();
    let p = &parity(&seen)[0];
    assert!(
        p.groups.iter().all(|g| !g.cause.spans_operations()),
        "{:#?}",
        p.groups
    );
    assert_eq!(p.groups.len(), 2);
}

#[test]
fn groups_are_ranked_by_what_they_fix_and_every_failure_is_in_exactly_one() {
    let mut seen = four_hundred_to_everything();
    // A second, smaller cause: the same harness error in three operations.
    for op in ["SendBulkEmail", "PutAccountDetails", "GetEmailIdentity"] {
        let mut r = record(op, "valid", "request", "accept");
        r.verdict = RecordVerdict::HARNESS_ERROR;
        r.detail =
            Some("fixture sc0a1b2c3d4e5f-xyz123-t1 could not be created: HTTP 400: no".into());
        seen.push(Seen {
            record: r,
            body: None,
        });
    }
    let p = &parity(&seen)[0];
    let sizes: Vec<usize> = p.groups.iter().map(|g| g.members.len()).collect();
    assert_eq!(sizes, vec![18, 3], "{:#?}", p.groups);
    assert_eq!(
        p.groups[1].cause,
        Cause::SameHarnessError {
            detail: "fixture <name> could not be created: HTTP 400: no".into()
        }
    );
    let mut all: Vec<usize> = p.groups.iter().flat_map(|g| g.members.clone()).collect();
    all.sort_unstable();
    assert_eq!(all, (0..seen.len()).collect::<Vec<_>>());
}

#[test]
fn known_divergences_count_against_the_score_and_unsupported_and_skipped_stay_out() {
    let mut known = diverging(
        record("SendEmail", "invalid", "A.length", "reject"),
        DivergenceClass::AcceptedInvalid,
        200,
        "{}",
    );
    known.record.known = Known::AsListed;
    let mut unsupported = record("GetAccount", "valid", "request", "accept");
    unsupported.verdict = RecordVerdict::UNSUPPORTED;
    let mut skipped = record("PutAccountDetails", "valid", "request", "accept");
    skipped.verdict = RecordVerdict::Skipped;
    let seen = vec![
        known,
        conforming(record("SendEmail", "valid", "request", "accept")),
        Seen {
            record: unsupported,
            body: None,
        },
        Seen {
            record: skipped,
            body: None,
        },
    ];
    let p = &parity(&seen)[0];
    assert_eq!(
        p.overall,
        Tally {
            conforming: 1,
            judged: 2,
            known: 1,
            unsupported: 1,
            skipped: 1
        }
    );
    assert_eq!(p.overall.score(), "50.0%");
    // The known divergence fails nothing; the unlisted unsupported operation does.
    assert_eq!(p.failing, 1);
    assert_eq!(
        p.groups[0].cause,
        Cause::Unsupported {
            operation: "GetAccount".into()
        }
    );
    assert_eq!(p.by_kind["length"].score(), "0.0%");
    assert_eq!(p.by_operation["GetAccount"].score(), "n/a");
}

#[test]
fn a_score_never_rounds_up_to_parity() {
    let t = Tally {
        conforming: 999,
        judged: 1000,
        ..Tally::default()
    };
    assert_eq!(t.score(), "99.9%");
    let all = Tally {
        conforming: 3,
        judged: 3,
        ..Tally::default()
    };
    assert_eq!(all.score(), "100%");
}

#[test]
fn sequences_group_by_their_first_diverging_step() {
    let mut seen = Vec::new();
    for (n, first) in [
        "UpdateEmailTemplate t1 (content 2)",
        "UpdateEmailTemplate t0 (content 1)",
        "ListEmailTemplates, every page of 3",
    ]
    .iter()
    .enumerate()
    {
        let mut r = record("sequence", "sequence", "GetEmailTemplate", "model");
        r.id = format!("sequence::{n}");
        r.verdict = RecordVerdict::DIVERGES;
        r.class = Some(DivergenceClass::Behaviour);
        r.sequence = Some(serde_json::json!({"steps": [
            {"step": "CreateEmailTemplate t1 (content 0)", "calls": []},
            {"step": first, "calls": [], "finding": {"class": "behaviour", "detail": "x"}},
        ]}));
        seen.push(Seen {
            record: r,
            body: None,
        });
    }
    let p = &parity(&seen)[0];
    let causes: Vec<&Cause> = p.groups.iter().map(|g| &g.cause).collect();
    assert_eq!(
        causes,
        vec![
            &Cause::Sequences {
                step: "UpdateEmailTemplate".into(),
                verdict: "behaviour".into()
            },
            &Cause::Sequences {
                step: "ListEmailTemplates".into(),
                verdict: "behaviour".into()
            },
        ]
    );
    assert_eq!(p.groups[0].sequences, 2);
    assert_eq!(constraint_kind(&seen[0].record), "sequence");
}

#[test]
fn bodies_are_compared_but_never_shown() {
    let print = body_print(r#"{"Details":{"WebsiteURL":"https://mine.example"}}"#);
    assert!(!print.contains("mine.example"), "{print}");
    assert_eq!(
        print,
        body_print(r#"{"Details":{"WebsiteURL":"https://mine.example"}}"#)
    );
    assert_ne!(
        print,
        body_print(r#"{"Details":{"WebsiteURL":"https://other.example"}}"#)
    );
    assert_eq!(body_print(" {} "), "the body {}");
}

#[test]
fn constraint_kinds_are_read_off_the_constraint() {
    let kind = |c: &str| constraint_kind(&record("SendEmail", "invalid", c, "reject")).to_string();
    assert_eq!(kind("Destination.ToAddresses.items"), "items");
    assert_eq!(kind("behaviour:missing_template_not_found"), "behaviour");
    assert_eq!(kind("request"), "request");
}
