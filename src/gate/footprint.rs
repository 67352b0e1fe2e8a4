//! What a request may make or remove, as the request budget counts it: the spec says it (an
//! operation's `resource` action, the naming keys of `specs/resources.json`, and the identity a
//! `side_effect` adds). A request that may make something has its delete paid for when it is
//! admitted, so that running out of budget never strands a resource.

use serde_json::Value;

use crate::spec::{Operation, ResourceAction, Spec};

/// One resource, by kind and the values of its naming keys in the order `specs/resources.json`
/// lists them: what a create makes and the matching delete removes.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResourceKey {
    /// The kind (a key of `specs/resources.json`).
    pub kind: String,
    /// The values of its keys.
    pub names: Vec<String>,
}

/// What one request does to the run's resources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Footprint {
    /// Nothing the run must remove.
    #[default]
    Nothing,
    /// It may make this resource: a create, or an update (a faulty target may create what it
    /// was asked to update).
    Makes(ResourceKey),
    /// SES adds this resource only if it accepts the request (the identity
    /// SendCustomVerificationEmail adds), and it is removed only once a 2xx proved it.
    AddsIfAccepted(ResourceKey),
    /// It deletes this resource.
    Removes(ResourceKey),
}

/// The footprint of `request` (members as SES reads them) to `op`.
pub fn footprint(spec: &Spec, op: &Operation, request: &Value) -> Footprint {
    if let Some(effect) = &op.side_effect {
        let names = key_order(spec, &effect.kind)
            .iter()
            .map(|key| {
                effect
                    .keys
                    .get(key)
                    .map(|member| text(request, member))
                    .unwrap_or_default()
            })
            .collect();
        return Footprint::AddsIfAccepted(ResourceKey {
            kind: effect.kind.clone(),
            names,
        });
    }
    let Some(resource) = &op.resource else {
        return Footprint::Nothing;
    };
    let key = || ResourceKey {
        kind: resource.kind.clone(),
        names: key_order(spec, &resource.kind)
            .iter()
            .map(|member| text(request, member))
            .collect(),
    };
    match resource.action {
        ResourceAction::Create | ResourceAction::Update => Footprint::Makes(key()),
        ResourceAction::Delete => Footprint::Removes(key()),
        ResourceAction::Read | ResourceAction::List | ResourceAction::Use => Footprint::Nothing,
    }
}

fn key_order<'s>(spec: &'s Spec, kind: &str) -> &'s [String] {
    spec.resources
        .get(kind)
        .map(|def| def.keys.as_slice())
        .unwrap_or_default()
}

/// A key member's value as text: a string as is, anything else as its JSON (a request of the
/// wrong type still names one resource, the same for its create and its delete).
fn text(request: &Value, member: &str) -> String {
    match request.get(member) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn of(operation: &str, request: Value) -> Footprint {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        let op = spec
            .operation_or_setup(operation)
            .unwrap_or_else(|| panic!("{operation}"));
        footprint(&spec, op, &request)
    }

    fn key(kind: &str, names: &[&str]) -> ResourceKey {
        ResourceKey {
            kind: kind.into(),
            names: names.iter().map(|n| n.to_string()).collect(),
        }
    }

    #[test]
    fn a_create_and_its_delete_name_the_same_resource() {
        let policy = key("identity_policy", &["example.org", "p"]);
        assert_eq!(
            of(
                "CreateEmailIdentityPolicy",
                json!({"PolicyName": "p", "EmailIdentity": "example.org", "Policy": "{}"})
            ),
            Footprint::Makes(policy.clone())
        );
        assert_eq!(
            of(
                "DeleteEmailIdentityPolicy",
                json!({"EmailIdentity": "example.org", "PolicyName": "p"})
            ),
            Footprint::Removes(policy)
        );
        assert_eq!(
            of(
                "UpdateEmailTemplate",
                json!({"TemplateName": "t", "TemplateContent": {}})
            ),
            Footprint::Makes(key("email_template", &["t"])),
            "an update may make what it names"
        );
        assert_eq!(
            of("GetEmailTemplate", json!({"TemplateName": "t"})),
            Footprint::Nothing
        );
    }

    #[test]
    fn an_identity_a_send_adds_is_made_only_if_accepted() {
        assert_eq!(
            of(
                "SendCustomVerificationEmail",
                json!({"EmailAddress": "a@simulator.amazonses.com", "TemplateName": "t"})
            ),
            Footprint::AddsIfAccepted(key("identity", &["a@simulator.amazonses.com"]))
        );
    }
}
