//! Model drift: the spec table held against the `aws-sdk-sesv2` model that is compiled, through
//! `ses_conformance::sdk_model` (see its docs for what is checked and how the SDK's source is
//! read). `ses-conformance sdk-check` runs the same check.
//!
//! `SES_CONFORMANCE_BLESS_DRIFT=1 cargo test --test model_drift` rewrites `specs/sdk-baseline.json`
//! from what the SDK has now (keeping the reasons of required differences that still hold) and
//! prints it. A new required difference gets the reason `TODO: ...`, which fails the next
//! ordinary run until someone writes why the spec deliberately differs.
//!
//! The proofs below show that each kind of drift fails and names the row to update.

use std::sync::OnceLock;

use ses_conformance::sdk_model::{
    bless, check, member_sets, rebless, Baseline, DriftFinding, SdkModel, SdkSource, BASELINE_FILE,
    BLESS_VAR, TODO_REASON,
};
use ses_conformance::spec::{ShapeKind, Sourced, Spec};

struct Context {
    spec: Spec,
    sdk: SdkModel,
}

fn context() -> &'static Context {
    static CONTEXT: OnceLock<Context> = OnceLock::new();
    CONTEXT.get_or_init(|| {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let source = SdkSource::locate(env!("CARGO_MANIFEST_DIR").as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
        let sdk = SdkModel::read(&spec, &source).unwrap_or_else(|e| panic!("{e}"));
        Context { spec, sdk }
    })
}

fn spec() -> Spec {
    context().spec.clone()
}

fn load_baseline() -> Baseline {
    Baseline::load(&Baseline::path(&context().spec)).unwrap_or_else(|e| panic!("{e}"))
}

/// What `check` finds against `sdk`, as messages.
fn problems_in(spec: &Spec, sdk: &SdkModel, baseline: &Baseline) -> Vec<String> {
    let report = check(spec, sdk, baseline);
    report
        .findings
        .iter()
        .map(DriftFinding::to_string)
        .collect()
}

/// What `check` finds against the compiled SDK, as messages.
fn problems_of(spec: &Spec, baseline: &Baseline) -> Vec<String> {
    problems_in(spec, &context().sdk, baseline)
}

fn one_problem_naming(problems: &[String], row: &str) {
    assert!(
        problems.iter().any(|p| p.contains(row)),
        "expected a problem naming `{row}`, got:\n  {}",
        problems.join("\n  ")
    );
}

fn sourced() -> Sourced {
    Sourced {
        source: "test".into(),
        errors: Vec::new(),
        note: None,
        later: None,
        enforced: None,
    }
}

#[test]
fn spec_table_matches_the_sdk_model() {
    let ctx = context();
    if std::env::var(BLESS_VAR).is_ok_and(|v| v == "1") {
        let (baseline, unrecordable) =
            rebless(&ctx.spec, &ctx.sdk).unwrap_or_else(|e| panic!("{e}"));
        println!(
            "{BLESS_VAR}=1: wrote {BASELINE_FILE}:\n{}",
            baseline.to_text()
        );
        let todo = baseline
            .required_differences
            .iter()
            .filter(|d| d.reason == TODO_REASON);
        if todo.count() > 0 {
            println!(
                "new required differences carry a TODO reason: write the reason (or fix the spec \
                 row), or the next run fails"
            );
        }
        let unrecordable: Vec<String> = unrecordable.iter().map(DriftFinding::to_string).collect();
        assert!(
            unrecordable.is_empty(),
            "{} problem(s) the baseline cannot record; fix the spec rows:\n  {}",
            unrecordable.len(),
            unrecordable.join("\n  ")
        );
        return;
    }
    let problems = problems_of(&ctx.spec, &load_baseline());
    assert!(
        problems.is_empty(),
        "the spec table drifted from aws-sdk-sesv2 {} ({} problem(s)):\n  {}\n\n(after reviewing, \
         {BLESS_VAR}=1 cargo test --test model_drift regenerates {BASELINE_FILE})",
        ctx.sdk.version,
        problems.len(),
        problems.join("\n  ")
    );
}

#[test]
fn every_enum_and_member_set_was_read() {
    let ctx = context();
    let enums = ctx
        .spec
        .shapes
        .values()
        .filter(|s| s.kind == ShapeKind::Enum);
    assert_eq!(ctx.sdk.enums.len(), enums.count());
    assert_eq!(ctx.sdk.structs.len(), member_sets(&ctx.spec).len());
    assert!(
        ctx.sdk.structs.len() >= 2 * (22 + 2),
        "inputs and outputs of the 22 and the 2 setup operations"
    );
}

// Proof that the checks fail, and name the row.

#[test]
fn the_unchanged_spec_has_no_problems() {
    let ctx = context();
    let report = check(&ctx.spec, &ctx.sdk, &load_baseline());
    assert!(report.is_clean(), "{:?}", report.findings);
}

#[test]
fn a_changed_enum_value_names_the_values_row() {
    let mut spec = spec();
    spec.shapes.get_mut("MailType").unwrap().values[1] = "TRANSACTIONALLY".into();
    let problems = problems_of(&spec, &load_baseline());
    one_problem_naming(
        &problems,
        "specs/shapes/MailType.json $.values[1]: `TRANSACTIONALLY`",
    );
    // The SDK's TRANSACTIONAL is now an unrecorded extra.
    one_problem_naming(
        &problems,
        "specs/shapes/MailType.json $.values: aws_sdk_sesv2::types::MailType has value `TRANSACTIONAL`",
    );
}

#[test]
fn a_new_sdk_enum_value_fails_unless_recorded() {
    let mut sdk = context().sdk.clone();
    sdk.enums
        .get_mut("ContactLanguage")
        .unwrap()
        .push("DE".into());
    let report = check(&context().spec, &sdk, &load_baseline());
    assert_eq!(report.findings.len(), 1, "{:?}", report.findings);
    assert_eq!(
        report.findings[0].row(),
        "specs/shapes/ContactLanguage.json $.values"
    );
    one_problem_naming(
        &[report.findings[0].to_string()],
        "enum_extras[\"ContactLanguage\"]",
    );
}

#[test]
fn an_enum_the_sdk_lacks_names_the_values_row() {
    let mut sdk = context().sdk.clone();
    sdk.enums.remove("ReviewStatus");
    let problems = problems_in(&context().spec, &sdk, &load_baseline());
    one_problem_naming(
        &problems,
        "specs/shapes/ReviewStatus.json $.values: the SDK model has no enum",
    );
}

#[test]
fn a_stale_enum_extra_names_the_baseline_entry() {
    let mut baseline = load_baseline();
    baseline
        .enum_extras
        .entry("MailType".into())
        .or_default()
        .push("PROMOTIONAL".into());
    let problems = problems_of(&context().spec, &baseline);
    assert_eq!(problems.len(), 1, "{problems:?}");
    one_problem_naming(
        &problems,
        "specs/sdk-baseline.json enum_extras[\"MailType\"]: `PROMOTIONAL` is stale",
    );
}

#[test]
fn a_renamed_member_names_the_member_row() {
    let mut spec = spec();
    let op = spec.operations.get_mut("CreateEmailTemplate").unwrap();
    let member = op.input.shift_remove("TemplateName").unwrap();
    op.input.insert("TemplateTitle".into(), member);
    let problems = problems_of(&spec, &load_baseline());
    one_problem_naming(
        &problems,
        "specs/operations/CreateEmailTemplate.json $.input.TemplateTitle: member `TemplateTitle`",
    );
    // The SDK's template_name is now an unrecorded extra of the input.
    one_problem_naming(
        &problems,
        "specs/operations/CreateEmailTemplate.json $.input: CreateEmailTemplateInputBuilder",
    );
    one_problem_naming(&problems, "`template_name`");
}

#[test]
fn a_renamed_shape_member_names_the_members_row() {
    let mut spec = spec();
    let shape = spec.shapes.get_mut("MessageTag").unwrap();
    let member = shape.members.shift_remove("Value").unwrap();
    shape.members.insert("Val".into(), member);
    let problems = problems_of(&spec, &load_baseline());
    one_problem_naming(&problems, "specs/shapes/MessageTag.json $.members.Val");
}

#[test]
fn a_removed_member_fails_unless_recorded_and_a_stale_extra_fails() {
    let ctx = context();
    let mut spec = spec();
    let send_email = spec.operations.get_mut("SendEmail").unwrap();
    send_email.input.shift_remove("ConfigurationSetName");
    let found = problems_of(&spec, &load_baseline());
    assert_eq!(found.len(), 1, "{found:?}");
    one_problem_naming(&found, "specs/operations/SendEmail.json $.input");
    one_problem_naming(
        &found,
        "member_extras[\"operations/SendEmail.json $.input\"]",
    );

    let mut baseline = load_baseline();
    baseline
        .member_extras
        .get_mut("operations/GetAccount.json $.output")
        .unwrap()
        .push("sending_paused_reason".into());
    let found = problems_of(&ctx.spec, &baseline);
    assert_eq!(found.len(), 1, "{found:?}");
    one_problem_naming(
        &found,
        "specs/sdk-baseline.json member_extras[\"operations/GetAccount.json $.output\"]: `sending_paused_reason` is stale",
    );
}

#[test]
fn a_wrong_shape_reference_names_the_shape_row() {
    let mut spec = spec();
    let put = spec.operations.get_mut("PutAccountDetails").unwrap();
    put.input.get_mut("ContactLanguage").unwrap().shape = Some("MailType".into());
    let problems = problems_of(&spec, &load_baseline());
    assert_eq!(problems.len(), 1, "{problems:?}");
    one_problem_naming(
        &problems,
        "specs/operations/PutAccountDetails.json $.input.ContactLanguage.shape",
    );
}

#[test]
fn a_flipped_input_required_names_the_constraint_row() {
    let mut spec = spec();
    let create = spec.operations.get_mut("CreateEmailTemplate").unwrap();
    create
        .input
        .get_mut("TemplateName")
        .unwrap()
        .constraints
        .required = None;
    let problems = problems_of(&spec, &load_baseline());
    assert_eq!(problems.len(), 1, "{problems:?}");
    one_problem_naming(
        &problems,
        "specs/operations/CreateEmailTemplate.json $.input.TemplateName.constraints.required: the spec does not mark the member required",
    );
}

#[test]
fn a_flipped_collection_and_shape_required_names_the_rows() {
    let mut spec = spec();
    // A required list: the SDK marks it only in the client docs.
    let bulk = spec.operations.get_mut("SendBulkEmail").unwrap();
    bulk.input
        .get_mut("BulkEmailEntries")
        .unwrap()
        .constraints
        .required = None;
    // A shape member made required that the SDK leaves optional.
    let destination = spec.shapes.get_mut("Destination").unwrap();
    destination
        .members
        .get_mut("ToAddresses")
        .unwrap()
        .constraints
        .required = Some(sourced());
    // An output member made required.
    let send = spec.operations.get_mut("SendEmail").unwrap();
    send.output
        .get_mut("MessageId")
        .unwrap()
        .constraints
        .required = Some(sourced());
    let problems = problems_of(&spec, &load_baseline());
    assert_eq!(problems.len(), 3, "{problems:?}");
    one_problem_naming(
        &problems,
        "specs/operations/SendBulkEmail.json $.input.BulkEmailEntries.constraints.required",
    );
    one_problem_naming(
        &problems,
        "specs/shapes/Destination.json $.members.ToAddresses.constraints.required: the spec marks the member required",
    );
    one_problem_naming(
        &problems,
        "specs/operations/SendEmail.json $.output.MessageId.constraints.required",
    );
}

#[test]
fn a_recorded_required_difference_that_no_longer_holds_is_stale() {
    // The spec made to agree with the SDK on a recorded row: the record goes stale.
    let row = "operations/PutAccountDetails.json $.input.UseCaseDescription.constraints.required";
    let baseline = load_baseline();
    assert!(baseline.required_differences.iter().any(|d| d.row == row));
    let mut spec = spec();
    let put = spec.operations.get_mut("PutAccountDetails").unwrap();
    put.input
        .get_mut("UseCaseDescription")
        .unwrap()
        .constraints
        .required = None;
    let problems = problems_of(&spec, &baseline);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let stale = format!("specs/sdk-baseline.json required_differences[row = \"{row}\"]: stale");
    one_problem_naming(&problems, &stale);
}

#[test]
fn a_required_difference_without_a_reason_fails() {
    let mut baseline = load_baseline();
    let Some(first) = baseline.required_differences.first_mut() else {
        return;
    };
    first.reason = TODO_REASON.into();
    let row = first.row.clone();
    let problems = problems_of(&context().spec, &baseline);
    assert_eq!(problems.len(), 1, "{problems:?}");
    one_problem_naming(
        &problems,
        &format!("required_differences[row = \"{row}\"]: no reason"),
    );
}

#[test]
fn a_baseline_for_another_sdk_version_fails() {
    let mut baseline = load_baseline();
    baseline.sdk_version = "1.0.0".into();
    let problems = problems_of(&context().spec, &baseline);
    one_problem_naming(&problems, "specs/sdk-baseline.json sdk_version");
}

#[test]
fn blessing_reproduces_the_committed_baseline() {
    let ctx = context();
    let committed = load_baseline();
    let (blessed, unrecordable) = bless(&ctx.spec, &ctx.sdk, Some(&committed));
    assert!(unrecordable.is_empty(), "{unrecordable:?}");
    assert_eq!(blessed, committed);
    // And the blessed baseline passes every check.
    assert!(check(&ctx.spec, &ctx.sdk, &blessed).is_clean());
}
