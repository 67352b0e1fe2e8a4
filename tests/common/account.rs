//! An account that holds resources of the user's, named the way people name things (some begin
//! like the harness's old prefix `conf`, or like a word), to hold every real-SES path against:
//! whatever the harness is given, they are all there, unchanged, afterwards.

use serde_json::json;
use ses_conformance::reference::{Options, ReferenceServer};

use super::owner::{Owner, IDENTITY};
use super::spec;

/// Templates of the user's whose names begin like the harness's old prefix `conf`, or like a
/// word: one bad ledger must not be able to reach any of them.
pub const USER_TEMPLATES: [&str; 10] = [
    "conference-invite",
    "confirm-signup",
    "config-v2",
    "conf-reminder",
    "conf",
    "configured-banner",
    "confession-x",
    "sc-weekly",
    "scheduled-report",
    "scratch-pad",
];

/// Policies of the user's on the verified identity, named the same way.
pub const USER_POLICIES: [&str; 5] = [
    "conference-partner",
    "confirm-sender",
    "config-ops",
    "conf",
    "schema-check",
];

/// The user's contact list: SES allows one per account and Region, so while it exists a run can
/// make none of its own, and must not touch it.
pub const USER_CONTACT_LIST: &str = "conf-newsletter";

/// Its description, to compare afterwards.
pub const USER_CONTACT_LIST_DESCRIPTION: &str = "the user's own subscribers";

/// The user's account: the verified identity, and templates, policies and a contact list the
/// harness did not make, with their content, to compare afterwards.
pub struct Account {
    /// The server holding the account.
    pub server: ReferenceServer,
    /// The account's owner.
    pub owner: Owner,
}

impl Account {
    /// A fresh account: the verified identity, the user's templates and policies.
    pub async fn new() -> Account {
        let server = ReferenceServer::start(spec(), Options::default()).await;
        let owner = Owner::of(&server).await;
        owner
            .call("CreateEmailIdentity", json!({"EmailIdentity": IDENTITY}))
            .await;
        for name in USER_TEMPLATES {
            owner
                .call(
                    "CreateEmailTemplate",
                    json!({"TemplateName": name, "TemplateContent": {"Subject": format!("{name} subject"), "Text": "mine"}}),
                )
                .await;
        }
        for name in USER_POLICIES {
            owner
                .call(
                    "CreateEmailIdentityPolicy",
                    json!({"EmailIdentity": IDENTITY, "PolicyName": name, "Policy": user_policy(name)}),
                )
                .await;
        }
        owner
            .call(
                "CreateContactList",
                json!({"ContactListName": USER_CONTACT_LIST, "Description": USER_CONTACT_LIST_DESCRIPTION}),
            )
            .await;
        Account { server, owner }
    }

    /// Where the account is served.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// Every template and policy of the user's is there, with the content it was given.
    pub async fn assert_users_resources_unchanged(&self) {
        for name in USER_TEMPLATES {
            let got = self
                .owner
                .call("GetEmailTemplate", json!({"TemplateName": name}))
                .await;
            assert_eq!(
                got["TemplateContent"]["Subject"],
                json!(format!("{name} subject")),
                "template {name} changed: {got}"
            );
        }
        let policies = self
            .owner
            .call(
                "GetEmailIdentityPolicies",
                json!({"EmailIdentity": IDENTITY}),
            )
            .await;
        for name in USER_POLICIES {
            assert_eq!(
                policies["Policies"][name],
                json!(user_policy(name)),
                "policy {name} changed or gone: {policies}"
            );
        }
        let list = self
            .owner
            .call(
                "GetContactList",
                json!({"ContactListName": USER_CONTACT_LIST}),
            )
            .await;
        assert_eq!(
            list["Description"],
            json!(USER_CONTACT_LIST_DESCRIPTION),
            "the user's contact list changed or is gone: {list}"
        );
        let lists = self.owner.call("ListContactLists", json!({})).await;
        assert_eq!(
            lists["ContactLists"].as_array().map(Vec::len),
            Some(1),
            "the account holds one contact list, the user's: {lists}"
        );
    }

    /// Names on the account that are neither the user's nor the identity.
    pub async fn others(&self) -> Vec<String> {
        let mut names = self.owner.names().await;
        names.retain(|n| {
            !USER_TEMPLATES.contains(&n.as_str()) && !USER_POLICIES.contains(&n.as_str())
        });
        names
    }
}

/// The document of the user's policy `name`.
pub fn user_policy(name: &str) -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Sid": name, "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ses:SendEmail", "Resource": "*"}]}).to_string()
}
