//! Valid values for any member of the table, and the fixtures they need.
//!
//! Generation is driven by the member's type, constraints and semantic hint; nothing here is
//! written per operation. A name that must refer to an existing resource makes a fixture, and a
//! name the request creates carries the run prefix.

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::kind::{self, Hints};
use super::rng::Rng;
use super::text::{self, MimeSpec};
use crate::case::{
    Call, Fixture, Resource, IDENTITY_PLACEHOLDER, PREFIX_PLACEHOLDER, SENDER_PLACEHOLDER,
};
use crate::spec::kinds::generation::Draw;
pub use crate::spec::kinds::generation::Mode;
use crate::spec::{
    GenerateHint, Member, MemberType, Operation, ResourceAction, Semantic, ShapeRules, Spec,
};

/// The state of one case's generation: its random source, its name token, and the fixtures its
/// values have asked for so far.
pub struct Ctx<'a> {
    /// The table.
    pub spec: &'a Spec,
    /// The operation whose request is being generated.
    pub op: &'a Operation,
    /// Random choices.
    pub rng: Rng,
    /// How many optional members to include.
    pub mode: Mode,
    /// Six characters from the case id, carried by every name the case creates.
    pub token: String,
    /// Resources the case needs before it runs.
    pub fixtures: Vec<Fixture>,
    /// Whether a value refers to the run's identity.
    pub needs_identity: bool,
    /// Top-level members whose values are fixed in advance (the names of a fixture being made).
    forced: Map<String, Value>,
    names_made: usize,
}

impl<'a> Ctx<'a> {
    /// A fresh generation context.
    pub fn new(spec: &'a Spec, op: &'a Operation, seed: u64, mode: Mode, token: &str) -> Ctx<'a> {
        Ctx {
            spec,
            op,
            rng: Rng::from_seed(seed),
            mode,
            token: token.to_string(),
            fixtures: Vec::new(),
            needs_identity: lists_identities(spec, op),
            forced: Map::new(),
            names_made: 0,
        }
    }

    /// Fix top-level members to these values in every request made from now on.
    pub fn force(&mut self, members: Map<String, Value>) {
        self.forced.extend(members);
    }

    /// A valid request for the operation.
    pub fn request(&mut self) -> Map<String, Value> {
        let op = self.op;
        self.structure(&op.input, &ShapeRules::default(), true)
    }

    /// A fresh name carrying the run prefix and the case token.
    pub fn new_name(&mut self, tag: &str) -> String {
        self.names_made += 1;
        format!(
            "{PREFIX_PLACEHOLDER}{}-{tag}{}",
            self.token, self.names_made
        )
    }

    /// Valid values for the members of a structure (or of the request, when `top`).
    pub fn structure(
        &mut self,
        members: &IndexMap<String, Member>,
        rules: &ShapeRules,
        top: bool,
    ) -> Map<String, Value> {
        let chosen = self.choose_rule_members(members, rules);
        let mut out = Map::new();
        for (name, member) in members {
            let in_group = kind::groups(rules).any(|(_, g)| g.members.contains(name));
            let include = if top && self.forced.contains_key(name) {
                true
            } else if in_group {
                chosen.contains(name)
            } else {
                self.includes(member)
            };
            if include {
                let value = self.member_value(name, member, top);
                out.insert(name.clone(), value);
            }
        }
        out
    }

    fn includes(&mut self, member: &Member) -> bool {
        if member.is_required() {
            return true;
        }
        match member.generate {
            Some(GenerateHint::Always) => true,
            Some(GenerateHint::Never) => false,
            None => match self.mode {
                Mode::Minimal => false,
                Mode::Full => true,
                // Every recipient counts against the account's sending quota: optional members
                // that add recipients are only in requests about having every member.
                Mode::Random if self.spec.can_deliver(member) => false,
                Mode::Random => self.rng.coin(),
            },
        }
    }

    /// Which members of `exactly_one_of` / `at_least_one_of` groups to include.
    fn choose_rule_members(
        &mut self,
        members: &IndexMap<String, Member>,
        rules: &ShapeRules,
    ) -> Vec<String> {
        let generatable = |names: &[String]| -> Vec<String> {
            names
                .iter()
                .filter(|n| {
                    members
                        .get(*n)
                        .is_some_and(|m| m.generate != Some(GenerateHint::Never))
                })
                .cloned()
                .collect()
        };
        let mut chosen = Vec::new();
        for (kind, group) in kind::groups(rules) {
            let options = generatable(group.members);
            kind.generate().choose(self, options, &mut chosen);
        }
        chosen
    }

    /// A valid value for one member.
    pub fn member_value(&mut self, name: &str, member: &Member, top: bool) -> Value {
        if top {
            if let Some(v) = self.forced.get(name) {
                return v.clone();
            }
        }
        if let Some(semantic) = member.semantic {
            if let Some(v) = self.semantic_value(name, semantic, member, top) {
                return v;
            }
        }
        self.typed_value(member)
    }

    /// A valid value from the member's type and constraints alone.
    pub fn typed_value(&mut self, member: &Member) -> Value {
        if let Some(value) = kind::picked(self, member) {
            return value;
        }
        match member.ty {
            MemberType::String => self.string_value(member),
            MemberType::Integer => {
                let (lo, hi) = Hints::of(member).range.unwrap_or((1, 100));
                match self.mode {
                    Mode::Minimal => json!(lo),
                    _ => json!(self.rng.int(lo, hi)),
                }
            }
            MemberType::Boolean => json!(self.mode != Mode::Minimal && self.rng.coin()),
            MemberType::Double => json!((self.rng.float(1000.0) * 100.0).round() / 100.0),
            MemberType::Timestamp => json!(1_600_000_000),
            MemberType::Blob => json!(base64::Engine::encode(
                &base64::engine::general_purpose::STANDARD,
                "ses-conformance"
            )),
            MemberType::List => self.list_value(member),
            MemberType::Map => Value::Object(Map::new()),
            MemberType::Structure => match self.spec.members_of(member) {
                Some(shape) => Value::Object(self.structure(&shape.members, &shape.rules, false)),
                None => Value::Object(Map::new()),
            },
        }
    }

    fn string_value(&mut self, member: &Member) -> Value {
        let hints = Hints::of(member);
        let (min, max) = hints.length.unwrap_or((1, 24));
        let len = match self.mode {
            Mode::Minimal => 12.clamp(min.max(1), max.max(min)),
            _ => self
                .rng
                .size(min.max(1), max.clamp(min.max(1), 24).max(min)),
        };
        let alphabet = hints.alphabet.unwrap_or_else(|| text::alphabet(None));
        let mut value = json!(text::random_string(&mut self.rng, &alphabet, len));
        kind::make_valid(member, &mut value);
        value
    }

    fn list_value(&mut self, member: &Member) -> Value {
        let Some(item) = &member.member else {
            return json!([]);
        };
        let (min, max) = Hints::of(member).count.unwrap_or((0, 3));
        // Every recipient counts against the account's sending quota: a list of recipients (or
        // of anything holding them) has one item unless a case is about its length.
        let recipients = self.spec.can_deliver(item);
        let count = match self.mode {
            _ if recipients => 1.clamp(min, max.max(min)),
            Mode::Minimal => min.max(1).min(max.max(min)),
            Mode::Full => 2.clamp(min, max.max(min)),
            Mode::Random => self.rng.size(min.max(1), max.clamp(min.max(1), 3)),
        };
        let items: Vec<Value> = (0..count)
            .map(|_| self.typed_or_semantic_item(item))
            .collect();
        let mut value = Value::Array(items);
        kind::make_valid(member, &mut value);
        value
    }

    fn typed_or_semantic_item(&mut self, item: &Member) -> Value {
        match item.semantic {
            Some(semantic) => self
                .semantic_value("", semantic, item, false)
                .unwrap_or_else(|| self.typed_value(item)),
            None => self.typed_value(item),
        }
    }

    /// Values whose meaning matters: names, addresses, documents. `None` falls back to the type.
    fn semantic_value(
        &mut self,
        name: &str,
        semantic: Semantic,
        member: &Member,
        top: bool,
    ) -> Option<Value> {
        let v = match semantic {
            Semantic::EmailTemplateName
            | Semantic::CustomVerificationTemplateName
            | Semantic::PolicyName
            | Semantic::ConfigurationSetName
            | Semantic::DedicatedIpPoolName
            | Semantic::ContactListName => {
                // The family whose create names its items so; none in the table: nothing the
                // run could own, so the type decides.
                let kind = self.spec.family_named_by(semantic)?.to_string();
                self.resource_name(&kind, name, top)
            }
            Semantic::ResourceLabel => json!(self.new_name("label")),
            Semantic::Identity => {
                self.needs_identity = true;
                json!(IDENTITY_PLACEHOLDER)
            }
            Semantic::SenderAddress => {
                self.needs_identity = true;
                json!(SENDER_PLACEHOLDER)
            }
            Semantic::RecipientAddress | Semantic::EmailAddress => {
                json!(text::simulator_address(
                    "success",
                    PREFIX_PLACEHOLDER,
                    &self.token
                ))
            }
            Semantic::Url => json!(format!(
                "https://example.com/ses-conformance/{}",
                self.token
            )),
            Semantic::TemplateData => json!(r#"{"name":"ses-conformance"}"#),
            Semantic::PolicyDocument => {
                self.needs_identity = true;
                json!(text::policy_document(
                    IDENTITY_PLACEHOLDER,
                    "sesconformance"
                ))
            }
            Semantic::MimeMessage => {
                self.needs_identity = true;
                json!(self.mime().to_base64())
            }
            Semantic::CharsetName => json!("UTF-8"),
            Semantic::Text => json!(format!("ses-conformance {}", self.token)),
            Semantic::Html => json!(format!(
                "<html><body><p>ses-conformance {}</p></body></html>",
                self.token
            )),
            // Paging tokens come from answers; ARNs name what the run cannot own.
            Semantic::NextToken | Semantic::Arn => return None,
        };
        if member.ty == MemberType::String && !v.is_string() {
            return None;
        }
        Some(v)
    }

    /// The default raw message of this case.
    pub fn mime(&self) -> MimeSpec {
        MimeSpec {
            from: SENDER_PLACEHOLDER.into(),
            to: text::simulator_address("success", PREFIX_PLACEHOLDER, &self.token),
            subject: format!("ses-conformance {}", self.token),
            body: vec!["Sent by ses-conformance to the SES mailbox simulator.".into()],
            blank_line: true,
        }
    }

    /// The name of a resource of `kind`: a new one when this operation creates it, otherwise the
    /// name of a fixture made for the purpose.
    /// The family's tag for the names it makes (`specs/resources.json`).
    fn tag(&self, kind: &str) -> String {
        self.spec
            .resources
            .get(kind)
            .map_or_else(|| "res".to_string(), |def| def.tag.clone())
    }

    fn resource_name(&mut self, kind: &str, member_name: &str, top: bool) -> Value {
        let own = self.op.resource.as_ref().filter(|r| r.kind == kind);
        let is_key = top
            && self
                .spec
                .resources
                .get(kind)
                .is_some_and(|def| def.keys.iter().any(|k| k == member_name));
        match own {
            Some(r) if is_key && r.action == ResourceAction::Create => {
                json!(self.new_name(&self.tag(kind)))
            }
            _ => {
                let resource = self.fixture(kind);
                resource
                    .keys
                    .get(member_name)
                    .or_else(|| resource.keys.values().next_back())
                    .cloned()
                    .unwrap_or(Value::Null)
            }
        }
    }

    /// Whether this case only reads resources of `kind`, so it can use the run's shared instance
    /// instead of making its own: its operation reads or uses them (or merely names one, like a
    /// templated send), and its answer does not depend on what else exists (no listing, no read
    /// of the identity every policy lives on).
    pub fn only_reads(&self, kind: &str) -> bool {
        match &self.op.resource {
            None => true,
            Some(r) if r.kind == kind => {
                matches!(r.action, ResourceAction::Read | ResourceAction::Use)
                    && !is_exclusive(self.spec, self.op)
            }
            Some(r) => {
                !matches!(r.action, ResourceAction::List) && !is_exclusive(self.spec, self.op)
            }
        }
    }

    /// The fixture of `kind` this case needs: the run's shared one when the case only reads it,
    /// else its own.
    pub fn fixture(&mut self, kind: &str) -> Resource {
        if self.only_reads(kind) {
            if let Some(shared) = shared_fixture(self.spec, kind) {
                let resource = shared.resource.clone();
                if !self.fixtures.contains(&shared) {
                    self.fixtures.push(shared);
                }
                return resource;
            }
        }
        self.own_fixture(kind)
    }

    /// Make a fixture of `kind` for this case alone: a valid create request for it, and the
    /// delete that undoes it.
    pub fn own_fixture(&mut self, kind: &str) -> Resource {
        let spec = self.spec;
        let Some(def) = spec.resources.get(kind) else {
            return Resource {
                kind: kind.into(),
                keys: Map::new(),
            };
        };
        let Some(create_op) = spec.operation_or_setup(&def.create) else {
            return Resource {
                kind: kind.into(),
                keys: Map::new(),
            };
        };
        let name = self.new_name(&self.tag(kind));
        let mut keys = Map::new();
        for key in &def.keys {
            let is_identity = create_op
                .input
                .get(key)
                .is_some_and(|m| m.semantic == Some(Semantic::Identity));
            if is_identity {
                self.needs_identity = true;
                keys.insert(key.clone(), json!(IDENTITY_PLACEHOLDER));
            } else {
                keys.insert(key.clone(), json!(name));
            }
        }
        let saved_op = std::mem::replace(&mut self.op, create_op);
        let saved_forced = std::mem::replace(&mut self.forced, keys.clone());
        let saved_mode = std::mem::replace(&mut self.mode, Mode::Full);
        let request = self.request();
        self.op = saved_op;
        self.forced = saved_forced;
        self.mode = saved_mode;
        let fixture = fixture_of(def, kind, keys, request, false);
        let resource = fixture.resource.clone();
        self.fixtures.push(fixture);
        resource
    }
}

/// A fixture of `kind` named by `keys`: created by `request`, deleted by its keys.
fn fixture_of(
    def: &crate::spec::ResourceDef,
    kind: &str,
    keys: Map<String, Value>,
    request: Map<String, Value>,
    shared: bool,
) -> Fixture {
    Fixture {
        resource: Resource {
            kind: kind.into(),
            keys: keys.clone(),
        },
        create: Call {
            operation: def.create.clone(),
            request: Value::Object(request),
        },
        delete: Call {
            operation: def.delete.clone(),
            request: Value::Object(keys),
        },
        shared,
    }
}

impl<'a> Draw<'a> for Ctx<'a> {
    fn spec(&self) -> &'a Spec {
        self.spec
    }

    fn mode(&self) -> Mode {
        self.mode
    }

    fn token(&self) -> &str {
        &self.token
    }

    fn value_of(&mut self, name: &str, member: &Member) -> Value {
        self.member_value(name, member, false)
    }

    fn mime(&self) -> MimeSpec {
        Ctx::mime(self)
    }

    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        self.rng.int(lo, hi)
    }

    fn size(&mut self, lo: usize, hi: usize) -> usize {
        self.rng.size(lo, hi)
    }

    fn coin(&mut self) -> bool {
        self.rng.coin()
    }
}

/// Whether `op` lists the family of identities: the run's own identity is part of what it
/// sees, so it must exist before the case runs, whichever case ran first (else the answer would
/// depend on the order cases ran in).
fn lists_identities(spec: &Spec, op: &Operation) -> bool {
    op.resource
        .as_ref()
        .is_some_and(|r| r.action == ResourceAction::List && spec.is_identity_family(&r.kind))
}

/// Whether cases of `op` must run while no other case runs: listings, and reads of the identity
/// every policy lives on, see what other cases create; and every case of a family an account
/// may hold only so many of makes one, which another case's would make impossible.
pub fn is_exclusive(spec: &Spec, op: &crate::spec::Operation) -> bool {
    op.resource.as_ref().is_some_and(|r| {
        r.action == ResourceAction::List
            || (spec.is_identity_family(&r.kind) && r.action == ResourceAction::Read)
            || spec.quota_family_of(&r.kind).is_some()
    })
}

/// The run's one shared fixture of `kind`: its name and content are the same for every case, so
/// any case that only reads it can use it whichever case created it. `None` for kinds that live
/// in the run's identity (a policy shows in every read of the identity) and for unknown kinds.
pub fn shared_fixture(spec: &Spec, kind: &str) -> Option<Fixture> {
    let def = spec.resources.get(kind)?;
    // A family the account holds only so many of is never shared: its own create cases need
    // the room a shared one would take.
    if def.parent.is_some()
        || def.keys.len() != 1
        || spec.is_identity_family(kind)
        || spec.quota_family_of(kind).is_some()
    {
        return None;
    }
    let create_op = spec.operation_or_setup(&def.create)?;
    let name = format!("{PREFIX_PLACEHOLDER}shared-{}", def.tag);
    let keys: Map<String, Value> = def.keys.iter().map(|k| (k.clone(), json!(name))).collect();
    let seed = crate::case::stable_hash(&format!("shared fixture {kind}"));
    let mut ctx = Ctx::new(spec, create_op, seed, Mode::Full, "shared");
    ctx.force(keys.clone());
    let request = ctx.request();
    Some(fixture_of(def, kind, keys, request, true))
}
