//! What the embedded reference needs of the table beyond what the operations say: the words of a
//! family's store, and the named behaviours that plain CRUD does not cover.

use serde::{Deserialize, Serialize};

/// A family kept in the reference's generic store: one item per key, the members its create was
/// given (and stamps), answered by each operation's `resource.action`. What an answer holds comes
/// from the operation's output members (a list's items from its item shape), which error from
/// its behaviours (`rejects_duplicate`, `fails_when_missing`, `succeeds_when_missing`), and a
/// list's page from its `paginates` behaviour; only the words of the messages are here.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreDef {
    /// The message of a not-found answer; `{Member}` is the request's member (a key).
    pub not_found: String,
    /// The message of an already-exists answer; `{Member}` as above.
    pub already_exists: String,
    /// Members set at create to the reference's clock (seconds), e.g. `CreatedTimestamp`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stamped: Vec<String>,
    /// Members a create that leaves them out gets, as the service fills them in (a dedicated IP
    /// pool's ScalingMode is STANDARD), so a read answers them as the output requires.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    pub defaults: serde_json::Map<String, serde_json::Value>,
    /// Members set again to the reference's clock at every update (`LastUpdatedTimestamp`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub restamped: Vec<String>,
    /// The refusal of a create beyond the family's `per_account` quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub over_quota: Option<StoreRefusal>,
    /// Where the words (and defaults) come from.
    pub source: String,
}

/// An error answer in the reference's words.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StoreRefusal {
    /// The error type.
    pub error: String,
    /// Its message.
    pub message: String,
}

/// A behaviour of the embedded reference that plain CRUD does not cover, by name: the
/// operation's `reference`. An unknown name is a load error naming the file and `$.reference`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceBehaviour {
    /// TestRenderEmailTemplate: a stored template with the data's tags replaced.
    RenderTemplate,
    /// SendCustomVerificationEmail: mails the address and adds it as an identity.
    SendCustomVerificationEmail,
    /// GetEmailIdentity: the identity with its DKIM, MAIL FROM and policies.
    ReadIdentity,
    /// CreateEmailIdentity: an identity, verified at once (the reference has no DNS).
    CreateIdentity,
    /// GetEmailIdentityPolicies: the policy map of a verified identity.
    ReadPolicies,
    /// CreateEmailIdentityPolicy: a policy, at most 20 per identity.
    CreatePolicy,
    /// UpdateEmailIdentityPolicy: replaces a policy (or creates it, as the text says).
    UpdatePolicy,
    /// DeleteEmailIdentityPolicy: removes a policy, succeeding when it is missing.
    DeletePolicy,
    /// GetAccount: the account's state.
    ReadAccount,
    /// PutAccountDetails: the account's details.
    PutAccountDetails,
    /// SendEmail: a message, within the sandbox's rules in the sandbox mode.
    SendEmail,
    /// SendBulkEmail: one result per entry.
    SendBulkEmail,
    /// CreateDeliverabilityTestReport: a report id.
    CreateDeliverabilityTestReport,
}
