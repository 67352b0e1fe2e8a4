//! The loaded table: the operations of the contract, the setup operations, and the `Spec` that
//! holds every operation, shape, resource and error type, with the lookups the stages share.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;

use super::constraint::{MemberPath, PathStep};
use super::{
    load_dir, load_from, AccountQuota, ErrorDef, Member, MemberType, Operation, Protocol,
    ResourceDef, Semantic, Shape, ShapeKind, SpecError, SpecSource, Volatile,
};

/// The loaded, checked spec table.
#[derive(Debug, Clone)]
pub struct Spec {
    /// The directory it was loaded from; for the embedded table, the checkout it was built from
    /// (only checkout tools such as `sdk-check` read it).
    pub dir: PathBuf,
    /// Where its files are read from (target profiles live there too).
    pub source: SpecSource,
    /// The operations under test (one file each in `operations/`), keyed by name, sorted by name.
    pub operations: IndexMap<String, Operation>,
    /// Setup-only operations, keyed by name.
    pub setup: IndexMap<String, Operation>,
    /// Shared shapes, keyed by name.
    pub shapes: IndexMap<String, Shape>,
    /// Resource kinds, keyed by kind.
    pub resources: IndexMap<String, ResourceDef>,
    /// Error types and their HTTP status, keyed by type.
    pub errors: IndexMap<String, ErrorDef>,
    /// Answer members whose values change from call to call, keyed by wire name.
    pub volatile: IndexMap<String, Volatile>,
    /// The protocol's own rules (member types, a JSON body).
    pub protocol: Protocol,
}

impl Spec {
    /// The member a path into an operation's request leads to.
    pub fn member_at<'s>(&'s self, op: &'s Operation, path: &MemberPath) -> Option<&'s Member> {
        let mut members = &op.input;
        let mut current: Option<&Member> = None;
        for step in &path.0 {
            match step {
                PathStep::Member(name) => {
                    if let Some(m) = current {
                        members = &self.members_of(m)?.members;
                    }
                    current = Some(members.get(name)?);
                }
                PathStep::Item => current = Some(current?.member.as_deref()?),
                PathStep::Key => current = Some(current?.key.as_deref()?),
                PathStep::Value => current = Some(current?.value.as_deref()?),
            }
        }
        current
    }

    /// The spec directory of the checkout this crate was built from.
    pub fn default_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("specs")
    }

    /// Load the spec table embedded in the binary (the checkout's `specs/` at build time).
    pub fn load_default() -> Result<Spec, SpecError> {
        load_from(SpecSource::Embedded)
    }

    /// Load a spec directory.
    pub fn load(dir: &Path) -> Result<Spec, SpecError> {
        load_dir(dir)
    }

    /// One of the 22 operations.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// One of the 22 operations or a setup operation.
    pub fn operation_or_setup(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name).or_else(|| self.setup.get(name))
    }

    /// The family whose create names its item by a member of this semantic (TemplateName of
    /// CreateEmailTemplate is an `email_template_name`, so that is the `email_template` family).
    pub fn family_named_by(&self, semantic: Semantic) -> Option<&str> {
        self.resources
            .iter()
            .find(|(_, def)| {
                let create = self.operation_or_setup(&def.create);
                def.keys.iter().any(|key| {
                    create
                        .and_then(|op| op.input.get(key))
                        .is_some_and(|m| m.semantic == Some(semantic))
                })
            })
            .map(|(kind, _)| kind.as_str())
    }

    /// Whether the family `kind` is named by an identity alone: its items are identities, of
    /// which a run holds one, its own, created and removed apart from any case's fixtures.
    pub fn is_identity_family(&self, kind: &str) -> bool {
        let Some(def) = self.resources.get(kind) else {
            return false;
        };
        let create = self.operation_or_setup(&def.create);
        !def.keys.is_empty()
            && def.keys.iter().all(|key| {
                create
                    .and_then(|op| op.input.get(key))
                    .is_some_and(|m| m.semantic == Some(Semantic::Identity))
            })
    }

    /// The family an account may hold only so many of (`per_account`) that `kind` is or lives
    /// in: its name and quota. A case touching it cannot run beside another that makes one.
    pub fn quota_family_of(&self, kind: &str) -> Option<(&str, &AccountQuota)> {
        let (mut name, mut def) = self.resources.get_key_value(kind)?;
        // A parent chain longer than the table is a loop, which integrity refuses; stop anyway.
        for _ in 0..=self.resources.len() {
            if let Some(quota) = &def.per_account {
                return Some((name.as_str(), quota));
            }
            (name, def) = self.resources.get_key_value(def.parent.as_deref()?)?;
        }
        None
    }

    /// The operation that lists the family `kind`, if the table has one.
    pub fn listing_of(&self, kind: &str) -> Option<&Operation> {
        self.operations.values().find(|op| {
            op.resource
                .as_ref()
                .is_some_and(|r| r.kind == kind && r.action == super::ResourceAction::List)
        })
    }

    /// The family of identities (see [`Spec::is_identity_family`]), if the table has one.
    pub fn identity_family(&self) -> Option<(&str, &ResourceDef)> {
        self.resources
            .iter()
            .find(|(kind, _)| self.is_identity_family(kind))
            .map(|(kind, def)| (kind.as_str(), def))
    }

    /// The documented HTTP status of an error type.
    pub fn error_status(&self, error_type: &str) -> Option<u16> {
        self.errors.get(error_type).map(|e| e.status)
    }

    /// A structure shape by name.
    pub fn structure(&self, name: &str) -> Option<&Shape> {
        self.shapes
            .get(name)
            .filter(|s| s.kind == ShapeKind::Structure)
    }

    /// The enum values of an enum-valued member, if it is one.
    pub fn enum_values(&self, member: &Member) -> Option<&[String]> {
        let shape = self.shapes.get(member.shape.as_ref()?)?;
        (shape.kind == ShapeKind::Enum).then_some(shape.values.as_slice())
    }

    /// The members of a structure member's shape (empty for other members).
    pub fn members_of<'a>(&'a self, member: &'a Member) -> Option<&'a Shape> {
        member.shape.as_deref().and_then(|s| self.structure(s))
    }

    /// Whether a member can hold an address SES writes to (a recipient, a reply-to or feedback
    /// address, a raw message's headers), anywhere inside it.
    pub fn can_mail(&self, member: &Member) -> bool {
        self.can_mail_within(member, 0)
    }

    fn can_mail_within(&self, member: &Member, depth: usize) -> bool {
        // Shapes do not recurse in the SES model; the bound only guards a hand-made spec.
        if depth > 8 {
            return false;
        }
        match member.ty {
            MemberType::String => matches!(
                member.semantic,
                Some(Semantic::RecipientAddress) | Some(Semantic::EmailAddress)
            ),
            MemberType::Blob => member.semantic == Some(Semantic::MimeMessage),
            MemberType::List => member
                .member
                .as_deref()
                .is_some_and(|m| self.can_mail_within(m, depth + 1)),
            MemberType::Structure => self.members_of(member).is_some_and(|s| {
                s.members
                    .values()
                    .any(|m| self.can_mail_within(m, depth + 1))
            }),
            _ => false,
        }
    }

    /// Whether a member can hold a recipient SES delivers to (what counts against the quotas).
    pub fn can_deliver(&self, member: &Member) -> bool {
        fn within(spec: &Spec, member: &Member, depth: usize) -> bool {
            if depth > 8 {
                return false;
            }
            match member.ty {
                MemberType::String => member.semantic == Some(Semantic::RecipientAddress),
                MemberType::List => member
                    .member
                    .as_deref()
                    .is_some_and(|m| within(spec, m, depth + 1)),
                MemberType::Structure => spec
                    .members_of(member)
                    .is_some_and(|s| s.members.values().any(|m| within(spec, m, depth + 1))),
                _ => false,
            }
        }
        within(self, member, 0)
    }

    /// Operations sorted by name, optionally filtered to the given names.
    pub fn operations_named<'a>(
        &'a self,
        only: &'a [String],
    ) -> impl Iterator<Item = &'a Operation> {
        self.operations
            .values()
            .filter(move |op| only.is_empty() || only.iter().any(|n| n == &op.operation))
    }
}

/// The `{Label}` names of a URI template, in order.
pub fn uri_labels(template: &str) -> Vec<String> {
    let mut labels = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            break;
        };
        labels.push(
            rest[start + 1..start + len]
                .trim_end_matches('+')
                .to_string(),
        );
        rest = &rest[start + len + 1..];
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_labels_are_read_in_order() {
        assert_eq!(
            uri_labels("/v2/email/identities/{EmailIdentity}/policies/{PolicyName}"),
            vec!["EmailIdentity", "PolicyName"]
        );
        assert!(uri_labels("/v2/email/account").is_empty());
    }

    /// The 22 operations of the seed, in the order it documents them: their rules stay, so
    /// their files do too.
    const SEED_OPERATIONS: &[&str] = &[
        "ListEmailTemplates",
        "DeleteEmailIdentityPolicy",
        "GetEmailIdentityPolicies",
        "PutAccountDetails",
        "GetCustomVerificationEmailTemplate",
        "ListCustomVerificationEmailTemplates",
        "DeleteCustomVerificationEmailTemplate",
        "TestRenderEmailTemplate",
        "UpdateCustomVerificationEmailTemplate",
        "DeleteEmailTemplate",
        "SendCustomVerificationEmail",
        "CreateEmailTemplate",
        "UpdateEmailTemplate",
        "UpdateEmailIdentityPolicy",
        "CreateEmailIdentityPolicy",
        "GetEmailTemplate",
        "CreateCustomVerificationEmailTemplate",
        "SendBulkEmail",
        "CreateDeliverabilityTestReport",
        "GetAccount",
        "GetEmailIdentity",
        "SendEmail",
    ];

    #[test]
    fn the_shipped_table_holds_every_operation_of_the_seed() {
        let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
        for op in SEED_OPERATIONS {
            assert!(
                spec.operations.contains_key(*op),
                "specs/operations/{op}.json is gone"
            );
        }
        assert!(spec.setup.contains_key("CreateEmailIdentity"));
    }
}
