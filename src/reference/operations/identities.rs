//! Identities and their sending-authorization policies: each identity is an item of the
//! store's `identity` family, its policies a map inside it, so that plain CRUD (ListEmailIdentities,
//! DeleteEmailIdentity) sees the same identities these behaviours make.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::case::stable_hash;
use crate::reference::error::ApiError;
use crate::reference::faults::Fault;
use crate::reference::state::{text, Reply, State};
use crate::reference::store::Item;

/// Most policies an identity may hold (and so the most GetEmailIdentityPolicies returns).
const MAX_POLICIES: usize = 20;

/// The family identities are stored under (`specs/resources.json`).
const IDENTITY: &str = "identity";

/// An identity's item: the members ListEmailIdentities lists (IdentityInfo), by what the
/// reference knows of it, and an empty policy map.
fn identity_item(name: &str, verified: bool) -> Item {
    let item = json!({
        "EmailIdentity": name,
        "IdentityName": name,
        "IdentityType": identity_type(name),
        "SendingEnabled": verified,
        "VerificationStatus": if verified { "SUCCESS" } else { "PENDING" },
        "Policies": {}
    });
    item.as_object().cloned().unwrap_or_default()
}

fn identity_type(name: &str) -> &'static str {
    if name.contains('@') {
        "EMAIL_ADDRESS"
    } else {
        "DOMAIN"
    }
}

/// The policies of an identity's item, sorted by name.
fn policies_of(item: &Item) -> BTreeMap<String, Value> {
    item.get("Policies")
        .and_then(Value::as_object)
        .map(|p| p.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

fn policy_map(item: &mut Item) -> &mut Map<String, Value> {
    let slot = item.entry("Policies").or_insert_with(|| json!({}));
    if !slot.is_object() {
        *slot = json!({});
    }
    match slot {
        Value::Object(map) => map,
        _ => unreachable!("made an object above"),
    }
}

impl State {
    /// Whether the identity `name` exists and is verified.
    pub(super) fn is_verified(&self, name: &str) -> bool {
        self.store
            .item(IDENTITY, name)
            .and_then(|i| i.get("VerificationStatus"))
            .is_some_and(|status| status == "SUCCESS")
    }

    /// Add the identity `name` unless it exists.
    pub(super) fn add_identity(&mut self, name: &str, verified: bool) {
        if !self.store.has(IDENTITY, name) {
            self.store
                .insert(IDENTITY, name.to_string(), identity_item(name, verified));
        }
    }

    fn verified_identity(&mut self, name: &str) -> Result<&mut Item, ApiError> {
        if !self.is_verified(name) {
            return Err(ApiError::not_found(format!(
                "Identity {name} does not exist or is not verified."
            )));
        }
        self.store
            .item_mut(IDENTITY, name)
            .ok_or_else(|| ApiError::not_found(format!("Identity {name} does not exist.")))
    }

    pub(super) fn get_policies(&mut self, request: &Map<String, Value>) -> Reply {
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        let policies: Map<String, Value> = policies_of(identity)
            .into_iter()
            .take(MAX_POLICIES)
            .collect();
        Ok(json!({"Policies": policies}))
    }

    pub(super) fn create_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let limit_enforced = !self.faults.allows_policies_past_limit();
        let identity = policy_map(self.verified_identity(text(request, "EmailIdentity"))?);
        if identity.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Policy {name} already exists."
            )));
        }
        if identity.len() >= MAX_POLICIES && limit_enforced {
            return Err(ApiError::new(
                "LimitExceededException",
                "An identity can have at most 20 policies.",
            ));
        }
        identity.insert(name, json!(policy));
        Ok(json!({}))
    }

    pub(super) fn update_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let sandbox = self.sandbox.is_some();
        let identity = policy_map(self.verified_identity(text(request, "EmailIdentity"))?);
        // Real SES answers 404 for a policy that does not exist (REAL-SES.md), although the text
        // says it succeeds.
        if sandbox && !identity.contains_key(&name) {
            return Err(ApiError::not_found(format!("Policy {name} does not exist")));
        }
        // "This API returns successfully even if a policy with the specified name does not exist."
        identity.insert(name, json!(policy));
        Ok(json!({}))
    }

    pub(super) fn delete_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let fails_when_missing =
            self.faults.has(Fault::DeleteMissingPolicyFails) || self.sandbox.is_some();
        let identity = policy_map(self.verified_identity(text(request, "EmailIdentity"))?);
        if identity.shift_remove(&name).is_none() && fails_when_missing {
            return Err(ApiError::not_found(format!(
                "Policy {name} does not exist."
            )));
        }
        Ok(json!({}))
    }

    pub(super) fn get_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        let item = self
            .store
            .item(IDENTITY, &name)
            .ok_or_else(|| ApiError::not_found(format!("Identity {name} does not exist.")))?;
        let policies: Map<String, Value> = policies_of(item).into_iter().collect();
        let verified = self.is_verified(&name);
        let is_address = name.contains('@');
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        if self.sandbox.is_some() {
            // An identity without a custom MAIL FROM domain, as real SES shows it (REAL-SES.md).
            return Ok(json!({
                "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
                "FeedbackForwardingStatus": true,
                "VerifiedForSendingStatus": verified,
                "DkimAttributes": dkim(&domain, verified),
                "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
                "Policies": policies,
                "Tags": []
            }));
        }
        Ok(json!({
            "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
            "FeedbackForwardingStatus": true,
            "VerifiedForSendingStatus": verified,
            "DkimAttributes": dkim(&domain, verified),
            "MailFromAttributes": {
                "MailFromDomain": format!("mail.{domain}"),
                "MailFromDomainStatus": if verified { "SUCCESS" } else { "PENDING" },
                "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"
            },
            "Policies": policies,
            "Tags": []
        }))
    }

    pub(super) fn create_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        if self.store.has(IDENTITY, &name) {
            return Err(ApiError::already_exists(format!(
                "Identity {name} already exists."
            )));
        }
        // The reference has no DNS or mailbox to check: identities it creates are verified, as
        // an identity the user passes to `--identity` on real SES is.
        self.add_identity(&name, true);
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        Ok(json!({
            "IdentityType": identity_type(&name),
            "VerifiedForSendingStatus": true,
            "DkimAttributes": dkim(&domain, true)
        }))
    }
}

fn dkim(domain: &str, verified: bool) -> Value {
    let tokens: Vec<String> = (0..3)
        .map(|i| format!("{:032x}", stable_hash(&format!("{domain}-{i}")) as u128))
        .collect();
    json!({
        "SigningEnabled": verified,
        "Status": if verified { "SUCCESS" } else { "PENDING" },
        "Tokens": tokens,
        "SigningAttributesOrigin": "AWS_SES"
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::faults::Faults;

    fn req(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn policy_operations_need_a_verified_identity_and_delete_is_idempotent() {
        let spec = std::sync::Arc::new(
            crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}")),
        );
        let mut s = State::new(spec, Faults::default());
        let policy = json!({"EmailIdentity": "x.com", "PolicyName": "p", "Policy": "{}"});
        assert_eq!(
            s.handle("CreateEmailIdentityPolicy", &req(policy.clone()))
                .map_err(|e| e.error_type),
            Err("NotFoundException".to_string())
        );
        assert!(s
            .handle(
                "CreateEmailIdentity",
                &req(json!({"EmailIdentity": "x.com"}))
            )
            .is_ok());
        assert!(s
            .handle("CreateEmailIdentityPolicy", &req(policy.clone()))
            .is_ok());
        assert_eq!(
            s.handle("CreateEmailIdentityPolicy", &req(policy.clone()))
                .map_err(|e| e.error_type),
            Err("AlreadyExistsException".to_string())
        );
        assert!(s
            .handle("DeleteEmailIdentityPolicy", &req(policy.clone()))
            .is_ok());
        assert!(s.handle("DeleteEmailIdentityPolicy", &req(policy)).is_ok());
    }

    #[test]
    fn identities_are_listed_from_the_store_with_their_identity_info() {
        let spec = std::sync::Arc::new(
            crate::spec::Spec::load_default().unwrap_or_else(|e| panic!("{e}")),
        );
        let mut s = State::new(spec, Faults::default());
        for name in ["b.example.com", "a@example.com"] {
            assert!(s
                .handle("CreateEmailIdentity", &req(json!({"EmailIdentity": name})))
                .is_ok());
        }
        let listed = s
            .handle("ListEmailIdentities", &req(json!({"PageSize": 1})))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            listed["EmailIdentities"],
            json!([{"IdentityName": "a@example.com", "IdentityType": "EMAIL_ADDRESS",
                "SendingEnabled": true, "VerificationStatus": "SUCCESS"}])
        );
        assert!(listed["NextToken"].is_string(), "{listed}");
        assert!(s
            .handle(
                "DeleteEmailIdentity",
                &req(json!({"EmailIdentity": "a@example.com"}))
            )
            .is_ok());
        let listed = s
            .handle("ListEmailIdentities", &req(json!({})))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            listed["EmailIdentities"][0]["IdentityName"],
            "b.example.com"
        );
        assert_eq!(listed["EmailIdentities"].as_array().map(Vec::len), Some(1));
    }
}
