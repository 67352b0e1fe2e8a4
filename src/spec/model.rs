//! The data model of the spec table: everything a file under `specs/` may say.
//!
//! Every struct denies unknown keys, so a typo in a spec file is an error that names the file and
//! the JSON path (see `load.rs`), never a silently ignored constraint.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use super::kinds::{Constraints, ShapeRules};
use super::reference::{ReferenceBehaviour, StoreDef};

/// One operation of the SES v2 API as documented: route, safety class, members, errors and
/// documented behaviours. One file per operation under `specs/operations/` (or `specs/setup/` for
/// the helper operations the harness needs to create fixtures but does not test).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Operation {
    /// The operation name exactly as the API reference spells it, e.g. `ListEmailTemplates`.
    pub operation: String,
    /// One sentence from the documentation saying what the operation does.
    pub summary: String,
    /// Where the operation is documented.
    pub source: String,
    /// REST-JSON binding.
    pub http: Http,
    /// What a valid call may do to the account it runs against: a person's review, never
    /// written by the importer. An operation without one is refused by the real-SES gate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety: Option<Safety>,
    /// Why the class was chosen, where the name alone does not say (what SES would do).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub safety_reason: Option<String>,
    /// The documented rate limit, where the documentation states one.
    #[serde(default)]
    pub rate_limit: Option<RateLimit>,
    /// The resource the operation acts on, which decides the fixtures its cases need.
    #[serde(default)]
    pub resource: Option<ResourceUse>,
    /// A resource a valid call creates as a side effect (SendCustomVerificationEmail adds the
    /// address as an identity), so the harness can record and remove it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub side_effect: Option<SideEffect>,
    /// Request members, by the name the SDK uses.
    #[serde(default)]
    pub input: IndexMap<String, Member>,
    /// Response members of a successful answer.
    #[serde(default)]
    pub output: IndexMap<String, Member>,
    /// The error types the operation may answer with.
    pub errors: ErrorTypes,
    /// Documented behaviours beyond single-member constraints.
    #[serde(default)]
    pub behaviours: Vec<Behaviour>,
    /// How the embedded reference answers it when plain CRUD on its family's store does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ReferenceBehaviour>,
}

/// HTTP method and URI template of an operation.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Http {
    /// `GET`, `POST`, `PUT` or `DELETE`.
    pub method: HttpMethod,
    /// URI template with `{Label}` placeholders, e.g. `/v2/email/templates/{TemplateName}`.
    pub uri: String,
}

/// The HTTP methods SES v2 uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
#[allow(missing_docs)]
pub enum HttpMethod {
    Get,
    Post,
    Put,
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// What a valid call may do beyond the harness's own resources. Against real SES, valid calls of
/// every class past `simulator-mail` are only sent when the user opts in by its flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Safety {
    /// Reads only.
    Read,
    /// Creates, changes or deletes only resources the harness names with its run prefix.
    OwnResource,
    /// Sends mail, but the harness only ever addresses the SES mailbox simulator.
    SimulatorMail,
    /// Mails an address as a side effect (SendCustomVerificationEmail).
    SendsMail,
    /// Changes account-wide settings (PutAccountDetails files a production-access request).
    AccountChange,
    /// Incurs a charge (CreateDeliverabilityTestReport).
    Billable,
    /// Reads or changes data SES keeps about the account's mail and recipients, which the run
    /// did not make and cannot tell apart from the user's own (the suppression list, import and
    /// export jobs, insights, metrics, reputation, deliverability reports).
    UserData,
    /// Acts on a resource the run cannot prove it created: the user's identity (`--identity`)
    /// and its attributes or certificates, a resource named by ARN (tags, tenant associations),
    /// a dedicated IP.
    ForeignResource,
}

impl Safety {
    /// The flag value of `--allow` that opts in to valid calls of this class, if one is needed.
    pub fn opt_in(self) -> Option<&'static str> {
        match self {
            Safety::SendsMail => Some("sends-mail"),
            Safety::AccountChange => Some("account-change"),
            Safety::Billable => Some("billable"),
            Safety::UserData => Some("user-data"),
            Safety::ForeignResource => Some("foreign-resource"),
            Safety::Read | Safety::OwnResource | Safety::SimulatorMail => None,
        }
    }
}

/// A documented rate limit.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    /// Calls per second allowed.
    pub per_second: f64,
    /// Where the limit is documented.
    pub source: String,
}

/// The resource an operation acts on.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceUse {
    /// A key of `specs/resources.json`.
    pub kind: String,
    /// What the operation does to it.
    pub action: ResourceAction,
}

/// A resource created as a side effect of a call.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SideEffect {
    /// The resource kind created (a key of `specs/resources.json`).
    pub kind: String,
    /// Its naming members: resource key -> the request member holding the value.
    pub keys: IndexMap<String, String>,
    /// Where the documentation says so.
    pub source: String,
}

/// What an operation does to its resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ResourceAction {
    Create,
    Read,
    Update,
    Delete,
    /// Lists every resource of the kind; its answers depend on shared state.
    List,
    /// Uses the resource (sends with a template, renders it).
    Use,
}

/// The error types an operation may raise.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorTypes {
    /// Error type names, e.g. `BadRequestException`.
    pub types: Vec<String>,
    /// Where the list comes from.
    pub source: String,
}

/// One member of a request, a response or a structure shape.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// The member's type.
    #[serde(rename = "type")]
    pub ty: MemberType,
    /// Where a top-level request member travels. Required on top-level input members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// The name on the wire (query key, URI label or JSON key). Defaults to the member name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wire_name: Option<String>,
    /// The documentation's description, shortened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What the value means, which decides how valid values are generated. Not a constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semantic: Option<Semantic>,
    /// Whether valid requests always or never carry this optional member. `always` marks members
    /// the documentation implies a working call needs although it does not mark them
    /// `[REQUIRED]`; `never` marks values the harness cannot own (ARNs, configuration sets, paging
    /// tokens). A generation hint, never checked as a constraint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generate: Option<GenerateHint>,
    /// For `structure` members and enum-valued `string` members: a shape in `specs/shapes/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<String>,
    /// For `list` members: the item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<Box<Member>>,
    /// For `map` members: the key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<Box<Member>>,
    /// For `map` members: the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Box<Member>>,
    /// The documented constraints on this member.
    #[serde(default, skip_serializing_if = "Constraints::is_empty")]
    pub constraints: Constraints,
    /// For output members: the value describes the account's owner (contact addresses, website,
    /// use case), so snapshots and baselines keep its shape, never its values.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub personal: bool,
    /// For output members that list resources by name (a map keyed by name, or a list of
    /// structures with a name member): where each entry's name is. Against real SES, a run
    /// records only the entries it named (see `check::recorded`), never the account's others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lists_by_name: Option<NameAt>,
    /// For a list whose items the service answers one by one: where each item's result is, so
    /// an invalid item may be refused in its own result instead of failing the whole request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_results: Option<ItemResults>,
}

/// Where the name of each entry of a member that lists resources is: `"key"` for a map keyed by
/// name (policies), `{"member": "TemplateName"}` for a list of structures, `"item"` for a list
/// of names (configuration sets).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum NameAt {
    /// The map's key.
    Key,
    /// This string member of each item of the list.
    Member(String),
    /// Each item of the list, a string: the name itself.
    Item,
}

/// Per-item results of a list member (SendBulkEmail's `BulkEmailEntryResults`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ItemResults {
    /// The output list holding one result per item, in order.
    pub output: String,
    /// The member of a result holding its status.
    pub status: String,
    /// The status of an item that went through.
    pub success: String,
    /// The member only an item that went through has (its MessageId).
    pub id: String,
    /// Where it is documented or observed.
    pub source: String,
}

impl Member {
    /// The name on the wire, given the member's own name.
    pub fn wire_name<'a>(&'a self, name: &'a str) -> &'a str {
        self.wire_name.as_deref().unwrap_or(name)
    }

    /// Whether the documentation marks the member `[REQUIRED]`.
    pub fn is_required(&self) -> bool {
        self.constraints.required.is_some()
    }
}

/// Whether valid requests carry an optional member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GenerateHint {
    /// Always include it in valid requests.
    Always,
    /// Never include it in valid requests.
    Never,
}

/// Member types, as the API reference names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum MemberType {
    String,
    Integer,
    Boolean,
    Double,
    /// Bytes; base64 text in JSON.
    Blob,
    /// Epoch seconds in JSON.
    Timestamp,
    List,
    Map,
    Structure,
}

impl MemberType {
    /// The name used in messages.
    pub fn as_str(self) -> &'static str {
        match self {
            MemberType::String => "string",
            MemberType::Integer => "integer",
            MemberType::Boolean => "boolean",
            MemberType::Double => "double",
            MemberType::Blob => "blob",
            MemberType::Timestamp => "timestamp",
            MemberType::List => "list",
            MemberType::Map => "map",
            MemberType::Structure => "structure",
        }
    }
}

/// Where a top-level request member travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// A `{Label}` in the URI template.
    Uri,
    /// A query string parameter.
    Query,
    /// A key of the JSON body.
    Body,
}

/// What a value means. This only steers generation of valid values (names carry the run prefix,
/// recipients are mailbox-simulator addresses, ...); it is never checked as a constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Semantic {
    /// Name of an email template.
    EmailTemplateName,
    /// Name of a custom verification email template.
    CustomVerificationTemplateName,
    /// Name of a sending authorization policy.
    PolicyName,
    /// A name the harness makes up for something it does not track (a report name).
    ResourceLabel,
    /// An email identity (domain or address) the account has verified.
    Identity,
    /// A From address on a verified identity.
    SenderAddress,
    /// A recipient: always a mailbox simulator address.
    RecipientAddress,
    /// Any other address (reply-to, feedback, contacts): also a mailbox simulator address.
    EmailAddress,
    /// A URL.
    Url,
    /// JSON object text with template replacement values.
    TemplateData,
    /// A sending authorization policy document (JSON text).
    PolicyDocument,
    /// A raw MIME message (a blob).
    MimeMessage,
    /// A character set name such as UTF-8.
    CharsetName,
    /// A paging token; only ever taken from a previous answer, never generated.
    NextToken,
    /// An ARN the harness cannot own; never set in valid requests.
    Arn,
    /// Name of a configuration set.
    ConfigurationSetName,
    /// Name of a dedicated IP pool.
    DedicatedIpPoolName,
    /// Name of a contact list.
    ContactListName,
    /// Free text (subjects, bodies, descriptions).
    Text,
    /// HTML text.
    Html,
}

impl Semantic {
    /// Whether a value of this meaning names an item of a resource family: in valid requests it
    /// is one the run made (its family is the one whose create names items by it, see
    /// [`crate::spec::Spec::family_named_by`]), never the user's.
    pub fn names_a_resource(self) -> bool {
        matches!(
            self,
            Semantic::EmailTemplateName
                | Semantic::CustomVerificationTemplateName
                | Semantic::PolicyName
                | Semantic::ConfigurationSetName
                | Semantic::DedicatedIpPoolName
                | Semantic::ContactListName
        )
    }
}

/// A shared structure or enum, one file per shape under `specs/shapes/`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Shape {
    /// The shape name, as the SES model names it (`Destination`, `MailType`, ...).
    pub shape: String,
    /// Structure or enum.
    pub kind: ShapeKind,
    /// Where the shape is documented.
    pub source: String,
    /// For structures: the members.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub members: IndexMap<String, Member>,
    /// For enums: the documented values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
    /// For structures: rules across members.
    #[serde(default, skip_serializing_if = "ShapeRules::is_empty")]
    pub rules: ShapeRules,
    /// A remark for the reader (documentation inconsistencies and how they were resolved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For enums used in requests: why SES certainly rejects a value outside the set before
    /// acting (see [`Sourced::enforced`](crate::spec::Sourced::enforced)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforced: Option<String>,
}

/// Structure or enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)]
pub enum ShapeKind {
    Structure,
    Enum,
}

/// A documented behaviour that a single-member constraint cannot say.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Behaviour {
    /// A snake_case name; cases testing it are named after it.
    pub name: String,
    /// What is documented.
    pub kind: BehaviourKind,
    /// Where it is documented.
    pub source: String,
    /// For rejecting behaviours: the error types expected.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// For `echoes_created`: output JSON pointer -> pointer into the fixture's create request.
    #[serde(default, skip_serializing_if = "IndexMap::is_empty")]
    pub echo: IndexMap<String, String>,
    /// For `paginates`: the output list member.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    /// For `echoes_created`: the resource kind to create first, when it is not the operation's
    /// own (GetEmailIdentityPolicies reads an identity but echoes a policy).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixture: Option<String>,
    /// A remark for the reader.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The behaviours the generator knows how to test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BehaviourKind {
    /// The call succeeds even when the named resource does not exist.
    SucceedsWhenMissing,
    /// The call fails with the listed errors when the named resource does not exist.
    FailsWhenMissing,
    /// Creating a resource that already exists fails with the listed errors.
    RejectsDuplicate,
    /// The call fails with the listed errors on an identity the account has not verified.
    RequiresVerifiedIdentity,
    /// A page holds at most PageSize items, and a NextToken when more remain.
    Paginates,
    /// The answer repeats what the resource was created with.
    EchoesCreated,
}

/// A resource kind the harness creates as a fixture, from `specs/resources.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceDef {
    /// The operation that creates it.
    pub create: String,
    /// The operation that deletes it.
    pub delete: String,
    /// The request members that name it (the delete request is built from these).
    pub keys: Vec<String>,
    /// A short tag in the names the harness makes for it (`tpl`: `sc…-tpl-…`).
    pub tag: String,
    /// The resource kind this one lives in, if any (a policy lives in an identity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Where the relation is documented.
    pub source: String,
    /// What the reference's generic store needs of the family, when it is plain CRUD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<StoreDef>,
    /// How many of the family an account may hold at once, when SES says so (one contact list
    /// per account and Region): every case of the family runs alone, and against real SES the
    /// run makes none where the account already holds that many it did not make.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_account: Option<AccountQuota>,
}

/// How many of a family an account may hold at once.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct AccountQuota {
    /// The most an account may hold.
    pub max: usize,
    /// Where the quota is documented.
    pub source: String,
}

/// A member of answers whose value changes from call to call (an id, a timestamp, a token),
/// from `specs/volatile.json`, keyed by its wire name and found at any depth of an answer.
/// Snapshots mask it with a stable token only after checking it has the shape it should, so a
/// mask never hides a real difference.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Volatile {
    /// What the value becomes, as `[token]` (`message-id` gives `[message-id]`); none for a
    /// rendered message, whose volatile parts are masked inside it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// The shape the value must have to be masked.
    pub shape: VolatileShape,
    /// Only in answers of this operation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operation: Option<String>,
    /// Only below a member of this name (e.g. `Tokens` within `DkimAttributes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// Why it changes.
    pub source: String,
}

/// The shape a volatile value must have before it is masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VolatileShape {
    /// A non-empty string of letters, digits and dashes (SES ids, UUIDs).
    Id,
    /// Any non-empty string (an opaque token).
    NonEmpty,
    /// A JSON number (a timestamp in seconds, a count).
    Number,
    /// A timestamp: epoch seconds (a number, as the model's restJson timestamps are). A date-time
    /// string (`2026-12-08T02:56:03.576Z`, as some emulators answer) gets a token of its own,
    /// so the snapshot stays stable and still shows the wrong shape.
    Timestamp,
    /// A list of ids, each masked.
    IdList,
    /// A MIME message: its `Date:`, `Message-ID:` and boundary masked inside it.
    RenderedMessage,
}

/// An error type and the HTTP status it comes with, from `specs/errors.json`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ErrorDef {
    /// The HTTP status.
    pub status: u16,
    /// Where it is documented.
    pub source: String,
}
