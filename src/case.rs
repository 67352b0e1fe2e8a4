//! Cases: a named, seeded request with the fixtures it needs and what the contract expects of the
//! answer. Cases are plain data: `generate` makes them, the runner sends them, `check` judges answers
//! against `expect`.
//!
//! Requests are written with placeholders (the run prefix `sc000000000000-`, the identity
//! `sc000000000000-identity.example.com`, ...), so that a case lists the same everywhere;
//! [`Bindings`] swaps them for a run's real values on the way out and back on the way in.

use serde::Serialize;
use serde_json::Value;

pub use crate::names::{
    ARN_PREFIX_PLACEHOLDER, IAM_PREFIX_PLACEHOLDER, IDENTITY_PLACEHOLDER, PLACEHOLDER_MARK,
    PREFIX_PLACEHOLDER, SENDER_PLACEHOLDER, SIMULATOR_DOMAIN, UNVERIFIED_IDENTITY,
};
pub use crate::spec::kinds::generation::{Kind, RequestPath};

/// What a case tests: a named constraint of the request, or a documented behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A named constraint (`PolicyName.length`).
    Constraint,
    /// A documented behaviour (`behaviour:delete_missing_policy_succeeds`).
    Behaviour,
}

/// What the contract expects of the answer.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "expect", rename_all = "lowercase")]
pub enum Expect {
    /// A 2xx answer whose body fits the documented output, plus these checks.
    Accept {
        /// Checks on the answer's body beyond its shape.
        #[serde(skip_serializing_if = "Vec::is_empty")]
        checks: Vec<ResponseCheck>,
    },
    /// An error answer of one of these types.
    Reject {
        /// Acceptable error types.
        errors: Vec<String>,
    },
}

impl Expect {
    /// `accept` or `reject`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Expect::Accept { .. } => "accept",
            Expect::Reject { .. } => "reject",
        }
    }
}

/// A check on a successful answer's body, written against placeholders (see [`Bindings`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "check", rename_all = "snake_case")]
pub enum ResponseCheck {
    /// The value at `pointer` equals `value`.
    Equals {
        /// JSON pointer into the body.
        pointer: String,
        /// The expected value.
        value: Value,
    },
    /// The list at `pointer` has at most `max` items.
    AtMostItems {
        /// JSON pointer into the body.
        pointer: String,
        /// Largest allowed count.
        max: usize,
    },
    /// The list at `pointer` has exactly `count` items.
    ExactlyItems {
        /// JSON pointer into the body.
        pointer: String,
        /// Expected count.
        count: usize,
    },
    /// A value is present at `pointer`.
    Present {
        /// JSON pointer into the body.
        pointer: String,
    },
}

/// One call of an operation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// Operation name.
    pub operation: String,
    /// Members by SDK name, values as the SDK would send them (blobs as base64 text).
    pub request: Value,
}

/// A resource the harness creates: its kind (a key of `specs/resources.json`) and the members that
/// name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// The resource kind.
    pub kind: String,
    /// Naming members, e.g. `{"EmailIdentity": ..., "PolicyName": ...}`.
    pub keys: serde_json::Map<String, Value>,
}

/// A resource created before a case runs and deleted after it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Fixture {
    /// What it is.
    pub resource: Resource,
    /// The call that creates it.
    pub create: Call,
    /// The call that deletes it.
    pub delete: Call,
    /// Whether cases that only read it share one instance: created by the first case that needs
    /// it, deleted when the run ends (or before a listing that must not see it).
    pub shared: bool,
}

impl Case {
    /// Whether the case makes an item of a family the account may hold only so many of (or of
    /// one living in such a family): as a fixture, or by its own call.
    pub fn makes_an_item_under_quota(&self, spec: &crate::spec::Spec) -> bool {
        self.fixtures
            .iter()
            .map(|f| &f.resource)
            .chain(self.creates.iter().map(|m| &m.resource))
            .any(|r| spec.quota_family_of(&r.kind).is_some())
    }

    /// The line `list --format json` prints for the case.
    pub fn listing(&self) -> Value {
        let mut out = serde_json::json!({
            "id": self.id,
            "operation": self.operation,
            "kind": self.kind.as_str(),
            "constraint": self.constraint,
            "expect": self.expect.as_str(),
        });
        if let Expect::Reject { errors } = &self.expect {
            out["errors"] = serde_json::json!(errors);
        }
        out["path"] = serde_json::json!(self.path);
        out["request"] = self.request.clone();
        if let Some(body) = &self.raw_body {
            out["raw_body"] = serde_json::json!(body);
        }
        out
    }
}

/// A resource a case's own request may create, and the call that removes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cleanup {
    /// What it is.
    pub resource: Resource,
    /// The call that deletes it.
    pub delete: Call,
}

/// One case of the suite.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// Stable id, e.g. `list_email_templates::invalid::page_size_above_max::0`.
    pub id: String,
    /// The operation called.
    pub operation: String,
    /// Valid or invalid.
    pub kind: Kind,
    /// The named constraint or behaviour the case is about.
    pub constraint: String,
    /// Whether `constraint` names a constraint or a behaviour.
    pub origin: Origin,
    /// The request, with placeholders.
    pub request: Value,
    /// How the request travels.
    pub path: RequestPath,
    /// For wire cases whose body is not the JSON of `request` (malformed JSON): the exact body.
    pub raw_body: Option<String>,
    /// Resources that must exist first.
    pub fixtures: Vec<Fixture>,
    /// Resources the request itself creates if the target accepts it; deleted afterwards.
    pub creates: Vec<Cleanup>,
    /// Whether the case needs the run's verified identity.
    pub needs_identity: bool,
    /// Whether the answer depends on state every case shares (listings), so the case must run
    /// while no other case runs.
    pub exclusive: bool,
    /// What the contract expects.
    pub expect: Expect,
    /// The seed the request was generated from (derived from the id and the global seed).
    pub seed: u64,
}

/// Region name prefixes of the partitions other than `aws`, as the SDK's endpoint rules list
/// them.
const PARTITIONS: [(&str, &str); 6] = [
    ("us-gov-", "aws-us-gov"),
    ("cn-", "aws-cn"),
    ("us-iso-", "aws-iso"),
    ("us-isob-", "aws-iso-b"),
    ("eu-isoe-", "aws-iso-e"),
    ("us-isof-", "aws-iso-f"),
];

/// The ARN partition of a region: `aws-us-gov` for `us-gov-west-1`, `aws-cn` for `cn-north-1`,
/// `aws` for any region it does not know.
pub fn partition_of(region: &str) -> &'static str {
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

pub use crate::names::RUN_ID_LEN;

/// The values a run substitutes for the placeholders of listed requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bindings {
    /// The run id (see [`crate::names`]).
    pub run_id: String,
    /// The verified identity (domain or address).
    pub identity: String,
    /// A From address on that identity.
    pub sender: String,
    /// The region.
    pub region: String,
    /// The account id. Never printed: answers are unbound before anything reads them.
    pub account: String,
}

impl Bindings {
    /// Bindings that change nothing: what `list` shows.
    pub fn placeholders() -> Bindings {
        Bindings {
            run_id: crate::names::PLACEHOLDER_RUN_ID.into(),
            identity: IDENTITY_PLACEHOLDER.into(),
            sender: SENDER_PLACEHOLDER.into(),
            region: "us-east-1".into(),
            account: "000000000000".into(),
        }
    }

    /// Bindings for a local target: a fresh run id, and an identity named after it.
    pub fn local(run_id: &str, region: &str, account: &str) -> Bindings {
        let prefix = crate::names::run_prefix(run_id);
        let identity = IDENTITY_PLACEHOLDER.replacen(PREFIX_PLACEHOLDER, &prefix, 1);
        Bindings {
            run_id: run_id.into(),
            sender: format!("sender@{identity}"),
            identity,
            region: region.into(),
            account: account.into(),
        }
    }

    /// Bindings for a user's own verified identity (a domain or an address).
    pub fn for_identity(run_id: &str, identity: &str, region: &str, account: &str) -> Bindings {
        let sender = if identity.contains('@') {
            identity.to_string()
        } else {
            format!("ses-conformance@{identity}")
        };
        Bindings {
            run_id: run_id.into(),
            identity: identity.into(),
            sender,
            region: region.into(),
            account: account.into(),
        }
    }

    /// The run prefix every created name starts with.
    pub fn prefix(&self) -> String {
        crate::names::run_prefix(&self.run_id)
    }

    /// Placeholders and the values they stand for. ARNs carry the region's partition: SES in
    /// GovCloud or China rejects a policy naming an `arn:aws:` resource, and answers there name
    /// `arn:aws-us-gov:`/`arn:aws-cn:` ARNs that must unbind like any other.
    fn pairs(&self) -> [(String, String); 5] {
        let partition = partition_of(&self.region);
        [
            (SENDER_PLACEHOLDER.into(), self.sender.clone()),
            (IDENTITY_PLACEHOLDER.into(), self.identity.clone()),
            (
                ARN_PREFIX_PLACEHOLDER.into(),
                format!("arn:{partition}:ses:{}:{}:", self.region, self.account),
            ),
            (
                IAM_PREFIX_PLACEHOLDER.into(),
                format!("arn:{partition}:iam::{}:", self.account),
            ),
            (PREFIX_PLACEHOLDER.into(), self.prefix()),
        ]
    }

    /// Replace placeholders with this run's values in a piece of text. Order matters: the sender
    /// contains the identity, which contains the prefix.
    pub fn bind_text(&self, text: &str) -> String {
        // Every placeholder holds the placeholder account's digits: one scan tells a text that
        // holds none (a 10 MiB template body, say) from one worth five.
        if !text.contains(PLACEHOLDER_MARK) {
            return text.to_string();
        }
        let mut out = text.to_string();
        for (placeholder, value) in self.pairs() {
            if out.contains(&placeholder) {
                out = out.replace(&placeholder, &value);
            }
        }
        out
    }

    /// Put placeholders back for this run's values, so answers read like listed requests.
    pub fn unbind_text(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (placeholder, value) in self.pairs() {
            if !value.is_empty() && out.contains(&value) {
                out = out.replace(&value, &placeholder);
            }
        }
        out
    }

    /// Bind every string of a JSON value. Base64 blobs are decoded, bound and re-encoded when the
    /// caller says which pointers hold blobs (raw MIME messages carry addresses).
    pub fn bind_value(&self, value: &Value, blob_pointers: &[String]) -> Value {
        let mut out = map_strings(value, &|s| self.bind_text(s));
        for pointer in blob_pointers {
            if let Some(Value::String(b64)) = out.pointer_mut(pointer) {
                if let Some(bound) = rebind_base64(b64, |t| self.bind_text(t)) {
                    *b64 = bound;
                }
            }
        }
        out
    }

    /// Unbind every string of a JSON value.
    pub fn unbind_value(&self, value: &Value) -> Value {
        map_strings(value, &|s| self.unbind_text(s))
    }
}

fn rebind_base64(b64: &str, f: impl Fn(&str) -> String) -> Option<String> {
    use base64::Engine as _;
    let engine = base64::engine::general_purpose::STANDARD;
    let bytes = engine.decode(b64).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    Some(engine.encode(f(&text)))
}

fn map_strings(value: &Value, f: &dyn Fn(&str) -> String) -> Value {
    match value {
        Value::String(s) => Value::String(f(s)),
        Value::Array(items) => Value::Array(items.iter().map(|v| map_strings(v, f)).collect()),
        Value::Object(obj) => {
            Value::Object(obj.iter().map(|(k, v)| (f(k), map_strings(v, f))).collect())
        }
        other => other.clone(),
    }
}

/// A stable 64-bit hash (FNV-1a). `std`'s hasher may change between Rust releases, and a case's
/// seed must not.
pub fn stable_hash(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// The seed of a case: a function of its id and the global seed only.
pub fn case_seed(id: &str, global_seed: u64) -> u64 {
    stable_hash(id) ^ global_seed.wrapping_mul(0x9e37_79b9_7f4a_7c15)
}

/// Six base-36 characters derived from a case id; the case's resource names carry them, so that
/// concurrent cases never share a name.
pub fn case_token(id: &str) -> String {
    base36(stable_hash(id), CASE_TOKEN_LEN)
}

/// Characters of a case token.
pub const CASE_TOKEN_LEN: usize = 6;

/// `n` base-36 digits of `value`.
pub fn base36(mut value: u64, n: usize) -> String {
    const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(DIGITS[(value % 36) as usize]);
        value /= 36;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The id of a case: `<operation_snake>::<kind>::<variant>::<index>`.
pub fn case_id(operation: &str, kind: Kind, variant: &str, index: usize) -> String {
    format!(
        "{}::{}::{variant}::{index}",
        crate::spec::snake_case(operation),
        kind.as_str()
    )
}

/// A fresh run id of a run that keeps no ledger: well formed, and proven by no key that
/// outlives the process, so no file can ever ask `cleanup` to act on its names. A run that keeps
/// a ledger mints its id with the installation's key (`state::installation_key`).
pub fn new_run_id() -> String {
    crate::names::RunKey::ephemeral().mint()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_round_trip_through_text() {
        let b = Bindings::local("kqzvtm77hxwb", "eu-west-1", "123456789012");
        let text = format!(
            "{SENDER_PLACEHOLDER} {IDENTITY_PLACEHOLDER} {PREFIX_PLACEHOLDER}tpl {ARN_PREFIX_PLACEHOLDER}identity/x {IAM_PREFIX_PLACEHOLDER}root"
        );
        let bound = b.bind_text(&text);
        assert_eq!(
            bound,
            "sender@sckqzvtm77hxwb-identity.example.com sckqzvtm77hxwb-identity.example.com sckqzvtm77hxwb-tpl arn:aws:ses:eu-west-1:123456789012:identity/x arn:aws:iam::123456789012:root"
        );
        assert_eq!(b.unbind_text(&bound), text);
    }

    #[test]
    fn every_placeholder_holds_the_mark_bind_text_looks_for_first() {
        for placeholder in [
            PREFIX_PLACEHOLDER,
            IDENTITY_PLACEHOLDER,
            SENDER_PLACEHOLDER,
            ARN_PREFIX_PLACEHOLDER,
            IAM_PREFIX_PLACEHOLDER,
        ] {
            assert!(placeholder.contains(PLACEHOLDER_MARK), "{placeholder}");
        }
        for (placeholder, _) in Bindings::placeholders().pairs() {
            assert!(placeholder.contains(PLACEHOLDER_MARK), "{placeholder}");
        }
    }

    #[test]
    fn partitions_follow_the_region() {
        for (region, partition) in [
            ("us-east-1", "aws"),
            ("eu-west-1", "aws"),
            ("us-gov-west-1", "aws-us-gov"),
            ("us-gov-east-1", "aws-us-gov"),
            ("cn-north-1", "aws-cn"),
            ("cn-northwest-1", "aws-cn"),
            ("us-iso-east-1", "aws-iso"),
            ("us-isob-east-1", "aws-iso-b"),
            ("eu-isoe-west-1", "aws-iso-e"),
            ("us-isof-south-1", "aws-iso-f"),
            ("", "aws"),
            ("us-gov", "aws"),
        ] {
            assert_eq!(partition_of(region), partition, "{region}");
        }
    }

    #[test]
    fn arns_are_bound_in_the_region_partition_and_unbound_back() {
        let text = format!("{ARN_PREFIX_PLACEHOLDER}identity/x {IAM_PREFIX_PLACEHOLDER}root");
        for (region, bound) in [
            (
                "us-gov-west-1",
                "arn:aws-us-gov:ses:us-gov-west-1:111122223333:identity/x arn:aws-us-gov:iam::111122223333:root",
            ),
            (
                "cn-north-1",
                "arn:aws-cn:ses:cn-north-1:111122223333:identity/x arn:aws-cn:iam::111122223333:root",
            ),
        ] {
            let b = Bindings::local("kqzvtm77hxwb", region, "111122223333");
            assert_eq!(b.bind_text(&text), bound);
            assert_eq!(b.unbind_text(bound), text);
        }
    }

    #[test]
    fn binding_preserves_name_lengths() {
        let b = Bindings::local("abcdef70wxyz", "us-east-1", "123456789012");
        let name = format!("{PREFIX_PLACEHOLDER}xyz");
        assert_eq!(b.bind_text(&name).chars().count(), name.chars().count());
    }

    #[test]
    fn user_identity_that_is_an_address_is_its_own_sender() {
        let b = Bindings::for_identity("abcdef", "me@example.org", "us-east-1", "1");
        assert_eq!(b.sender, "me@example.org");
        let b = Bindings::for_identity("abcdef", "example.org", "us-east-1", "1");
        assert_eq!(b.sender, "ses-conformance@example.org");
    }

    #[test]
    fn seeds_depend_on_id_and_global_seed_only() {
        assert_eq!(case_seed("a::b", 0), case_seed("a::b", 0));
        assert_ne!(case_seed("a::b", 0), case_seed("a::c", 0));
        assert_ne!(case_seed("a::b", 0), case_seed("a::b", 1));
    }

    #[test]
    fn blobs_are_bound_inside_their_base64() {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::STANDARD;
        let b = Bindings::local("qqqqqq45abcd", "us-east-1", "1");
        let msg = engine.encode(format!("From: {SENDER_PLACEHOLDER}\r\n\r\nhi"));
        let v = serde_json::json!({"Content": {"Raw": {"Data": msg}}});
        let bound = b.bind_value(&v, &["/Content/Raw/Data".to_string()]);
        let data = bound
            .pointer("/Content/Raw/Data")
            .and_then(Value::as_str)
            .unwrap();
        let text = String::from_utf8(engine.decode(data).unwrap()).unwrap();
        assert_eq!(
            text,
            "From: sender@scqqqqqq45abcd-identity.example.com\r\n\r\nhi"
        );
    }
}
