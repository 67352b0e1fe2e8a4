//! The generated operation rows against the spec, and calls through them.

use std::collections::BTreeSet;

use crate::client::sdk::{Capture, SdkFailure, SdkResult};
use crate::client::sdk_ops::generated::*;
use crate::client::sdk_ops::input::refusal;
use crate::client::sdk_ops::rows::{loaded, row_problems, setter, Members};
use crate::spec::{snake_case, Spec};
use aws_sdk_sesv2::Client;
use serde_json::{json, Value};

fn operation_set<'s>(spec: &'s Spec, name: &str, input: bool) -> Option<(String, &'s Members)> {
    let (dir, op) = match (spec.operations.get(name), spec.setup.get(name)) {
        (Some(op), _) => ("operations", op),
        (None, Some(op)) => ("setup", op),
        (None, None) => return None,
    };
    let members = if input { &op.input } else { &op.output };
    Some((format!("{dir}/{name}.json"), members))
}

#[test]
fn the_operations_are_the_specs() {
    let (spec, _) = loaded();
    let table: BTreeSet<&str> = OPERATIONS.iter().copied().collect();
    let spec: BTreeSet<&str> = spec
        .operations
        .keys()
        .chain(spec.setup.keys())
        .map(String::as_str)
        .collect();
    assert_eq!(
        table,
        spec,
        "{} is stale: regenerate it with `{}`",
        crate::sdk_model::MAPPING_FILE,
        crate::sdk_model::REGENERATE_MAPPING
    );
    assert_eq!(table.len(), OPERATIONS.len(), "an operation has two rows");
}

#[test]
fn every_operation_sets_the_specs_input_members_and_only_those_or_known_sdk_extras() {
    let (spec, baseline) = loaded();
    let set = |n: &str| operation_set(&spec, n, true);
    let problems = row_problems(OPERATION_INPUTS, set, "$.input", setter, &baseline);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_operation_prints_the_specs_output_members_and_only_those_or_known_sdk_extras() {
    let (spec, baseline) = loaded();
    let set = |n: &str| operation_set(&spec, n, false);
    let problems = row_problems(OPERATION_OUTPUTS, set, "$.output", snake_case, &baseline);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

fn describe(result: &Result<SdkResult, SdkFailure>) -> String {
    let failure = |f: &SdkFailure| match f {
        SdkFailure::Service { code, message } => format!("service {code:?} {message:?}"),
        SdkFailure::Response(d) => format!("response {d}"),
        SdkFailure::Timeout(d) => format!("timeout {d}"),
        SdkFailure::Dispatch(d) => format!("dispatch {d}"),
        SdkFailure::Construction(d) => format!("construction {d}"),
    };
    match result {
        Ok(SdkResult::Output(o)) => format!("output {o}"),
        Ok(SdkResult::Failed(f)) => format!("failed: {}", failure(f)),
        Err(f) => format!("refused: {}", failure(f)),
    }
}

fn local_client() -> Client {
    let config = aws_sdk_sesv2::Config::builder()
        .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
        .region(aws_sdk_sesv2::config::Region::new("us-east-1"))
        .build();
    Client::from_conf(config)
}

fn client_for(url: &str) -> Client {
    crate::client::sdk::local_client(&crate::client::sdk::Endpoint {
        url: Some(url.to_string()),
        region: "us-east-1".into(),
        timeout: std::time::Duration::from_secs(5),
    })
}

/// `request` as `operation` against a server that answers `answer` with status `status`.
async fn answered(
    operation: &str,
    request: &Value,
    status: u16,
    answer: Value,
) -> Result<SdkResult, SdkFailure> {
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let mut response = ResponseTemplate::new(status).set_body_json(answer);
    if status >= 400 {
        response = response.insert_header("x-amzn-ErrorType", "NotFoundException");
    }
    Mock::given(wiremock::matchers::any())
        .respond_with(response)
        .mount(&server)
        .await;
    call(
        &client_for(&server.uri()),
        operation,
        request,
        &Capture::default(),
    )
    .await
}

#[tokio::test]
async fn call_refuses_unknown_operations_and_bad_json_before_sending() {
    let client = local_client();
    let capture = Capture::default();
    let unknown = call(&client, "NoSuchOperation", &json!({}), &capture).await;
    assert_eq!(refusal(unknown), "unknown operation NoSuchOperation");
    let request = json!({"TemplateName": "t", "TemplateContent": {"Subject": 1}});
    let wrong = call(&client, "CreateEmailTemplate", &request, &capture).await;
    assert_eq!(refusal(wrong), "TemplateContent.Subject: expected a string");
    let unknown_member = call(&client, "GetAccount", &json!({"Bogus": 1}), &capture).await;
    assert!(refusal(unknown_member).starts_with("Bogus: unknown member"));
}

#[test]
fn call_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let client = local_client();
    let capture = Capture::default();
    let request = json!({});
    assert_send(&call(&client, "GetAccount", &request, &capture));
}

#[tokio::test]
async fn send_email_goes_through_the_sdk_and_back() {
    use wiremock::matchers::{body_partial_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/email/outbound-emails"))
        .and(body_partial_json(json!({
            "Content": {"Raw": {"Data": "aGVsbG8="}},
            "Destination": {"ToAddresses": ["to@example.com"]},
            "EmailTags": [{"Name": "n", "Value": "v"}],
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"MessageId": "m-1"})))
        .mount(&server)
        .await;
    let request = json!({
        "FromEmailAddress": "from@example.com",
        "Destination": {"ToAddresses": ["to@example.com"]},
        "Content": {"Raw": {"Data": "aGVsbG8="}},
        "EmailTags": [{"Name": "n", "Value": "v"}],
        "ConfigurationSetName": null,
    });
    let capture = Capture::default();
    let result = call(&client_for(&server.uri()), "SendEmail", &request, &capture).await;
    let seen = describe(&result);
    assert!(
        matches!(result, Ok(SdkResult::Output(o)) if o == json!({"MessageId": "m-1"})),
        "{seen}"
    );
    // Through the SDK path's `send`, the capture interceptor keeps the request and the answer.
    let exchange = crate::client::sdk::send(
        &client_for(&server.uri()),
        "SendEmail",
        &request,
        Default::default(),
    )
    .await;
    assert!(
        matches!(&exchange.request, Some(r) if r.method == "POST" && r.uri.ends_with("/v2/email/outbound-emails"))
    );
    assert!(matches!(&exchange.response, Some(r) if r.status == 200 && !r.body.is_empty()));
}

#[tokio::test]
async fn outputs_print_with_wire_names_without_absent_members() {
    let answer = json!({"IdentityType": "DOMAIN", "VerifiedForSendingStatus": false});
    let result = answered(
        "CreateEmailIdentity",
        &json!({"EmailIdentity": "example.com"}),
        200,
        answer,
    )
    .await;
    let seen = describe(&result);
    let expected = json!({"IdentityType": "DOMAIN", "VerifiedForSendingStatus": false});
    assert!(
        matches!(result, Ok(SdkResult::Output(o)) if o == expected),
        "{seen}"
    );
    let result = answered(
        "DeleteEmailIdentity",
        &json!({"EmailIdentity": "example.com"}),
        200,
        json!({}),
    )
    .await;
    let seen = describe(&result);
    assert!(
        matches!(result, Ok(SdkResult::Output(o)) if o == json!({})),
        "{seen}"
    );
}

#[tokio::test]
async fn service_errors_are_summarized() {
    let request = json!({"TemplateName": "missing"});
    let result = answered(
        "GetEmailTemplate",
        &request,
        404,
        json!({"message": "no such template"}),
    )
    .await;
    let seen = describe(&result);
    assert!(
        matches!(result, Ok(SdkResult::Failed(SdkFailure::Service { code: Some(c), .. })) if c == "NotFoundException"),
        "{seen}"
    );
}
