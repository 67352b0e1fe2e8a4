//! Identities and their sending-authorization policies.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::case::stable_hash;
use crate::reference::error::ApiError;
use crate::reference::faults::Fault;
use crate::reference::state::{text, Identity, Reply, State};

/// Most policies an identity may hold (and so the most GetEmailIdentityPolicies returns).
const MAX_POLICIES: usize = 20;

impl State {
    pub(super) fn verified_identity(&mut self, name: &str) -> Result<&mut Identity, ApiError> {
        match self.identities.get_mut(name) {
            Some(identity) if identity.verified => Ok(identity),
            _ => Err(ApiError::not_found(format!(
                "Identity {name} does not exist or is not verified."
            ))),
        }
    }

    pub(super) fn get_policies(&mut self, request: &Map<String, Value>) -> Reply {
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        let policies: Map<String, Value> = identity
            .policies
            .iter()
            .take(MAX_POLICIES)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        Ok(json!({"Policies": policies}))
    }

    pub(super) fn create_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let limit_enforced = !self.faults.allows_policies_past_limit();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        if identity.policies.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Policy {name} already exists."
            )));
        }
        if identity.policies.len() >= MAX_POLICIES && limit_enforced {
            return Err(ApiError::new(
                "LimitExceededException",
                "An identity can have at most 20 policies.",
            ));
        }
        identity.policies.insert(name, policy);
        Ok(json!({}))
    }

    pub(super) fn update_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let sandbox = self.sandbox.is_some();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        // Real SES answers 404 for a policy that does not exist (REAL-SES.md), although the text
        // says it succeeds.
        if sandbox && !identity.policies.contains_key(&name) {
            return Err(ApiError::not_found(format!("Policy {name} does not exist")));
        }
        // "This API returns successfully even if a policy with the specified name does not exist."
        identity.policies.insert(name, policy);
        Ok(json!({}))
    }

    pub(super) fn delete_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let fails_when_missing =
            self.faults.has(Fault::DeleteMissingPolicyFails) || self.sandbox.is_some();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        if identity.policies.remove(&name).is_none() && fails_when_missing {
            return Err(ApiError::not_found(format!(
                "Policy {name} does not exist."
            )));
        }
        Ok(json!({}))
    }

    pub(super) fn get_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        let identity = self
            .identities
            .get(&name)
            .ok_or_else(|| ApiError::not_found(format!("Identity {name} does not exist.")))?;
        let policies: Map<String, Value> = identity
            .policies
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let is_address = name.contains('@');
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        if self.sandbox.is_some() {
            // An identity without a custom MAIL FROM domain, as real SES shows it (REAL-SES.md).
            return Ok(json!({
                "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
                "FeedbackForwardingStatus": true,
                "VerifiedForSendingStatus": identity.verified,
                "DkimAttributes": dkim(&domain, identity.verified),
                "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
                "Policies": policies,
                "Tags": []
            }));
        }
        Ok(json!({
            "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
            "FeedbackForwardingStatus": true,
            "VerifiedForSendingStatus": identity.verified,
            "DkimAttributes": dkim(&domain, identity.verified),
            "MailFromAttributes": {
                "MailFromDomain": format!("mail.{domain}"),
                "MailFromDomainStatus": if identity.verified { "SUCCESS" } else { "PENDING" },
                "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"
            },
            "Policies": policies,
            "Tags": []
        }))
    }

    pub(super) fn create_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        if self.identities.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Identity {name} already exists."
            )));
        }
        // The reference has no DNS or mailbox to check: identities it creates are verified, as
        // an identity the user passes to `--identity` on real SES is.
        self.identities.insert(
            name.clone(),
            Identity {
                verified: true,
                policies: BTreeMap::new(),
            },
        );
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        Ok(json!({
            "IdentityType": if name.contains('@') { "EMAIL_ADDRESS" } else { "DOMAIN" },
            "VerifiedForSendingStatus": true,
            "DkimAttributes": dkim(&domain, true)
        }))
    }

    pub(super) fn delete_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity");
        match self.identities.remove(name) {
            Some(_) => Ok(json!({})),
            None => Err(ApiError::not_found(format!(
                "Identity {name} does not exist."
            ))),
        }
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
        let mut s = State::new(Faults::default());
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
}
