//! The reference answers from the spec: a family that is only data (a made-up `widget`, with
//! its four operation files, a shape and a resources.json entry, and no Rust) is created, read,
//! listed page by page and deleted, and every operation of the shipped table is answered.

mod common;

use common::copy_dir;

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::{json, Value};
use ses_conformance::case::RequestPath;
use ses_conformance::client::Target;
use ses_conformance::reference::Options;
use ses_conformance::spec::{ResourceAction, Spec};

fn write(file: PathBuf, value: &Value) {
    let text = serde_json::to_string_pretty(value).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(file, text).unwrap_or_else(|e| panic!("{e}"));
}

fn name_member(location: &str) -> Value {
    json!({
        "type": "string",
        "location": location,
        "wire_name": "WidgetName",
        "constraints": {"required": {"source": "made up for the test"}}
    })
}

fn operation(
    name: &str,
    method: &str,
    uri: &str,
    action: &str,
    input: Value,
    output: Value,
) -> Value {
    let mut op = json!({
        "operation": name,
        "summary": "A made-up operation on widgets.",
        "source": "tests/reference_from_spec.rs",
        "http": {"method": method, "uri": uri},
        "safety": if action == "read" || action == "list" { "read" } else { "own-resource" },
        "resource": {"kind": "widget", "action": action},
        "input": input,
        "output": output,
        "errors": {"types": ["BadRequestException", "NotFoundException"], "source": "made up"},
    });
    let behaviours = match action {
        "create" => json!([{"name": "duplicate_widget_rejected", "kind": "rejects_duplicate",
            "errors": ["AlreadyExistsException"], "source": "made up"}]),
        "read" | "delete" => {
            json!([{"name": "missing_widget_not_found", "kind": "fails_when_missing",
            "errors": ["NotFoundException"], "source": "made up"}])
        }
        "list" => json!([{"name": "page_size_honoured", "kind": "paginates", "list": "Widgets",
            "source": "made up"}]),
        _ => json!([]),
    };
    op["behaviours"] = behaviours;
    op
}

/// The shipped table plus the widget family, written as data only.
fn table_with_widgets() -> PathBuf {
    let dir = common::temp_dir("widgets").join("specs");
    copy_dir(&Spec::default_dir(), &dir);
    let ops = dir.join("operations");
    let color = json!({"type": "string", "location": "body", "wire_name": "Color"});
    let body_name = name_member("body");
    write(
        ops.join("CreateWidget.json"),
        &operation(
            "CreateWidget",
            "POST",
            "/v2/email/widgets",
            "create",
            json!({"WidgetName": body_name, "Color": color}),
            json!({}),
        ),
    );
    write(
        ops.join("GetWidget.json"),
        &operation(
            "GetWidget",
            "GET",
            "/v2/email/widgets/{WidgetName}",
            "read",
            json!({"WidgetName": name_member("uri")}),
            json!({"WidgetName": {"type": "string"}, "Color": {"type": "string"}}),
        ),
    );
    let page_size = json!({"type": "integer", "location": "query", "wire_name": "PageSize",
        "constraints": {"range": {"min": 1, "max": 2, "source": "made up"}}});
    let next_token = json!({"type": "string", "location": "query", "wire_name": "NextToken"});
    write(
        ops.join("ListWidgets.json"),
        &operation(
            "ListWidgets",
            "GET",
            "/v2/email/widgets",
            "list",
            json!({"NextToken": next_token, "PageSize": page_size}),
            json!({"Widgets": {"type": "list", "member": {"type": "structure", "shape": "WidgetInfo"}},
                   "NextToken": {"type": "string"}}),
        ),
    );
    write(
        ops.join("DeleteWidget.json"),
        &operation(
            "DeleteWidget",
            "DELETE",
            "/v2/email/widgets/{WidgetName}",
            "delete",
            json!({"WidgetName": name_member("uri")}),
            json!({}),
        ),
    );
    write(
        dir.join("shapes/WidgetInfo.json"),
        &json!({"shape": "WidgetInfo", "kind": "structure", "source": "made up",
            "members": {"WidgetName": {"type": "string"}}}),
    );
    let resources_file = dir.join("resources.json");
    let text = std::fs::read_to_string(&resources_file).unwrap_or_else(|e| panic!("{e}"));
    let mut resources: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    resources["widget"] = json!({
        "create": "CreateWidget",
        "delete": "DeleteWidget",
        "keys": ["WidgetName"],
        "tag": "wdg",
        "source": "made up",
        "store": {
            "not_found": "Widget {WidgetName} is not here.",
            "already_exists": "Widget {WidgetName} is here already.",
            "source": "made up"
        }
    });
    write(resources_file, &resources);
    dir
}

/// Status, error type and body of one call over the wire path (no SDK knows widgets).
async fn call(
    target: &Target,
    spec: &Spec,
    op: &str,
    request: Value,
) -> (u16, Option<String>, Value) {
    let exchange = target
        .send(spec, op, &request, RequestPath::Wire, None)
        .await;
    let response = exchange
        .response
        .unwrap_or_else(|| panic!("{op}: no answer: {:?}", exchange.failure));
    let error_type = response
        .header("x-amzn-errortype")
        .map(|t| t.split(':').next().unwrap_or(t).to_string());
    let body = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    (response.status, error_type, body)
}

#[tokio::test]
async fn a_family_that_is_only_data_is_served_by_the_generic_store() {
    let dir = table_with_widgets();
    let spec = Arc::new(Spec::load(&dir).unwrap_or_else(|e| panic!("{e}")));
    let target = common::reference_target(&spec, Options::default()).await;
    for (name, color) in [("w-a", "red"), ("w-b", "green"), ("w-c", "blue")] {
        let created = call(
            &target,
            &spec,
            "CreateWidget",
            json!({"WidgetName": name, "Color": color}),
        )
        .await;
        assert_eq!(created.0, 200, "{created:?}");
    }
    let again = call(&target, &spec, "CreateWidget", json!({"WidgetName": "w-a"})).await;
    assert_eq!(
        (again.0, again.1.as_deref()),
        (400, Some("AlreadyExistsException")),
        "{again:?}"
    );
    assert_eq!(
        again.2["message"], "Widget w-a is here already.",
        "{again:?}"
    );

    let got = call(&target, &spec, "GetWidget", json!({"WidgetName": "w-b"})).await;
    assert_eq!(
        got.2,
        json!({"WidgetName": "w-b", "Color": "green"}),
        "{got:?}"
    );

    // PageSize 2 of three widgets: two pages, the items holding WidgetInfo's members only.
    let first = call(&target, &spec, "ListWidgets", json!({"PageSize": 2})).await;
    assert_eq!(
        first.2["Widgets"],
        json!([{"WidgetName": "w-a"}, {"WidgetName": "w-b"}]),
        "{first:?}"
    );
    let token = first.2["NextToken"]
        .as_str()
        .unwrap_or_else(|| panic!("no NextToken: {first:?}"));
    let second = call(
        &target,
        &spec,
        "ListWidgets",
        json!({"PageSize": 2, "NextToken": token}),
    )
    .await;
    assert_eq!(
        second.2["Widgets"],
        json!([{"WidgetName": "w-c"}]),
        "{second:?}"
    );
    assert!(second.2.get("NextToken").is_none(), "{second:?}");

    let deleted = call(&target, &spec, "DeleteWidget", json!({"WidgetName": "w-b"})).await;
    assert_eq!(deleted.0, 200, "{deleted:?}");
    let gone = call(&target, &spec, "GetWidget", json!({"WidgetName": "w-b"})).await;
    assert_eq!(
        (gone.0, gone.1.as_deref()),
        (404, Some("NotFoundException")),
        "{gone:?}"
    );
    assert_eq!(gone.2["message"], "Widget w-b is not here.", "{gone:?}");
    let _ = std::fs::remove_dir_all(dir.parent().unwrap_or(&dir));
}

/// Every operation of the shipped table is answered: by a named behaviour, or as plain CRUD on
/// a family with a store. An operation added as data whose family has no store, and no
/// behaviour, is named here.
#[test]
fn the_reference_can_answer_every_operation_of_the_table() {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    let unanswered: Vec<&str> = spec
        .operations
        .values()
        .chain(spec.setup.values())
        .filter(|op| op.reference.is_none())
        .filter(|op| {
            let crud = op
                .resource
                .as_ref()
                .filter(|r| r.action != ResourceAction::Use);
            let family = crud.and_then(|r| spec.resources.get(&r.kind));
            !family.is_some_and(|f| f.store.is_some() && f.keys.len() == 1)
        })
        .map(|op| op.operation.as_str())
        .collect();
    assert!(
        unanswered.is_empty(),
        "the reference cannot answer {unanswered:?}: give each a `reference` behaviour in its \
         spec file, or its family a `store` in specs/resources.json"
    );
}
