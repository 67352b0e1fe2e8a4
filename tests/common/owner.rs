//! A client of the reference that plays the account's owner.

use std::sync::Arc;
use std::time::Duration;

use serde_json::{json, Value};
use ses_conformance::case::{new_run_id, RequestPath};
use ses_conformance::check::observe;
use ses_conformance::client::{Target, TargetConfig, TargetKind};
use ses_conformance::profile::Profile;
use ses_conformance::reference::ReferenceServer;
use ses_conformance::spec::Spec;

use super::spec;

/// The identity the user verified.
pub const IDENTITY: &str = "verified.example.org";
/// A template of the user's, which no run may touch.
pub const FOREIGN_TEMPLATE: &str = "foreign-template";
/// A policy of the user's, which no run may touch.
pub const FOREIGN_POLICY: &str = "foreign-policy";

/// A client of the reference that plays the account's owner: it makes the verified identity and
/// resources the harness did not create, and looks at what is left.
pub struct Owner {
    spec: Arc<Spec>,
    target: Target,
}

impl Owner {
    pub async fn of(server: &ReferenceServer) -> Owner {
        let spec = spec();
        let config = TargetConfig {
            name: "owner".into(),
            kind: TargetKind::Local { url: server.url() },
            region: "us-east-1".into(),
            timeout: Duration::from_secs(10),
            profile: Profile::bare("owner"),
            run_id: new_run_id(),
            limits: Default::default(),
        };
        let target = Target::connect(Arc::clone(&spec), config)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        Owner { spec, target }
    }

    /// Call `op`, which must succeed; its answer's body.
    pub async fn call(&self, op: &str, request: Value) -> Value {
        let obs = self.observed(op, &request).await;
        assert!(obs.is_success(), "{op} {request}: {obs:?}");
        obs.body.unwrap_or(Value::Null)
    }

    /// Call `op`; its answer's body when it succeeded.
    pub async fn try_call(&self, op: &str, request: Value) -> Option<Value> {
        let obs = self.observed(op, &request).await;
        obs.is_success().then(|| obs.body.unwrap_or(Value::Null))
    }

    async fn observed(&self, op: &str, request: &Value) -> ses_conformance::check::Observation {
        let mut attempts = 0;
        loop {
            let exchange = self
                .target
                .send(&self.spec, op, request, RequestPath::Sdk, None)
                .await;
            let obs = observe(&exchange, &self.target.bindings, &self.target.mask);
            // The owner shares the throttled account with the run: wait out its 429s.
            if obs.status == Some(429) && attempts < 10 {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(1100)).await;
                continue;
            }
            return obs;
        }
    }

    pub async fn set_up_account(&self) {
        self.call("CreateEmailIdentity", json!({"EmailIdentity": IDENTITY}))
            .await;
        self.call(
            "CreateEmailTemplate",
            json!({"TemplateName": FOREIGN_TEMPLATE, "TemplateContent": {"Subject": "mine", "Text": "mine"}}),
        )
        .await;
        self.call(
            "CreateEmailIdentityPolicy",
            json!({"EmailIdentity": IDENTITY, "PolicyName": FOREIGN_POLICY, "Policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}),
        )
        .await;
    }

    /// Nothing of any run is left, and what the owner made is untouched.
    pub async fn assert_only_its_own_resources_left(&self) {
        let mut names = self.names().await;
        names.sort();
        assert_eq!(
            names,
            vec![FOREIGN_POLICY.to_string(), FOREIGN_TEMPLATE.to_string()]
        );
    }

    /// Every `TemplateName` a listing shows, page after page.
    async fn listed(&self, op: &str, page_size: u32, member: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..1000 {
            let mut request = json!({ "PageSize": page_size });
            if let Some(t) = &token {
                request["NextToken"] = json!(t);
            }
            let page = self.call(op, request).await;
            names.extend(template_names(&page, member));
            token = page["NextToken"]
                .as_str()
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        names
    }

    /// Every template, custom verification template, identity and policy name in the account.
    pub async fn names(&self) -> Vec<String> {
        let mut names = self
            .listed("ListEmailTemplates", 10, "TemplatesMetadata")
            .await;
        names.extend(
            self.listed(
                "ListCustomVerificationEmailTemplates",
                50,
                "CustomVerificationEmailTemplates",
            )
            .await,
        );
        let policies = self
            .call(
                "GetEmailIdentityPolicies",
                json!({"EmailIdentity": IDENTITY}),
            )
            .await;
        names.extend(policy_names(&policies));
        names
    }
}

/// The `TemplateName` of every item of `member` in a listing's answer (`TemplatesMetadata` of
/// ListEmailTemplates, `CustomVerificationEmailTemplates` of its custom verification twin).
pub fn template_names(page: &Value, member: &str) -> Vec<String> {
    page[member]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|t| t["TemplateName"].as_str().map(str::to_string))
        .collect()
}

/// The name of every policy in a GetEmailIdentityPolicies answer.
pub fn policy_names(answer: &Value) -> Vec<String> {
    answer["Policies"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.clone())
        .collect()
}
