//! What a constraint kind is: the trait every kind implements for the spec stage ([`KindDef`]),
//! the handle cases and violations name kinds by ([`ConstraintKind`]), and the small types they
//! trade in. Generation's side of a kind is [`super::generation::Generate`].

use std::fmt;

use serde_json::{Map, Value};

use super::generation::Generate;
use super::{Constraints, ShapeRules};
use crate::spec::{Edition, Member, MemberType, Operation, Shape, Spec};

/// One kind of constraint as the spec stage sees it: what the loader checks of its rows, what
/// named constraint it makes, and what the validator checks. Every method has a default that
/// does nothing, so a kind implements only what it takes part in.
///
/// A kind keyed in `constraints` or `rules` need not say where its rows are: the registry reads
/// them (see [`ConstraintKind::row`]) and derives the named constraint and the `source` check.
pub trait KindDef: Sync {
    /// The error types a conforming target answers with when the row names none.
    fn default_errors(&self) -> &'static [&'static str] {
        &["BadRequestException"]
    }

    /// The member types the kind applies to; `None` for any. A row on another type is refused
    /// when the table loads, and the validator never asks the kind about such a member.
    fn applies_to(&self) -> Option<&'static [MemberType]> {
        None
    }

    /// Why a row of the kind cannot sit on a member of type `ty`.
    fn misapplied(&self, name: &str, ty: MemberType) -> String {
        format!("`{name}` does not apply to a {} member", ty.as_str())
    }

    /// What the loader checks of the kind's row on `member` beyond its type and its `source`
    /// (sane bounds, a charset that allows something, a unique field that exists).
    fn check_row(&self, _spec: &Spec, _member: &Member) -> Result<(), Problem> {
        Ok(())
    }

    /// What the loader checks of the kind's rule in a structure's `rules`.
    fn check_rule(&self, _shape: &Shape) -> Result<(), Problem> {
        Ok(())
    }

    /// The named constraint the kind puts on a whole request, if any.
    fn on_request(&self, _spec: &Spec, _op: &Operation) -> Option<Documented> {
        None
    }

    /// The named constraint the kind puts on a top-level input member, if any.
    fn on_input(&self, _spec: &Spec, _op: &Operation, _member: &Member) -> Option<Documented> {
        None
    }

    /// The named constraint of a kind with no `constraints` key on `member` (an enum shape's).
    fn on_member(&self, _spec: &Spec, _member: &Member) -> Option<Documented> {
        None
    }

    /// Whether a request that is not even a JSON object breaks the kind, and how.
    fn check_request(&self, _request: &Value) -> Option<String> {
        None
    }

    /// Whether leaving `member` (named `name`) out breaks the kind in `edition`, and how.
    fn check_absent(&self, _edition: Edition, _name: &str, _member: &Member) -> Option<String> {
        None
    }

    /// Whether `value` cannot even be read as a `member` (a wrong JSON type), and how. A value
    /// that cannot be read is checked no further.
    fn check_readable(&self, _member: &Member, _value: &Value) -> Option<String> {
        None
    }

    /// Whether `value` of `member` breaks the kind in `edition`, and how.
    fn check_value(
        &self,
        _spec: &Spec,
        _edition: Edition,
        _member: &Member,
        _value: &Value,
    ) -> Option<String> {
        None
    }

    /// Whether the members present in `obj`, a value of `shape`, break the kind's rule, and how.
    fn check_members(&self, _shape: &Shape, _obj: &Map<String, Value>) -> Option<String> {
        None
    }
}

/// What every row of the table says whatever its parameters: where it is documented, what a
/// target answers when it is broken, and whether SES certainly enforces it.
pub trait Row {
    /// Where the documentation states it.
    fn source(&self) -> &str;
    /// The error types the row names (empty: the kind's default).
    fn errors(&self) -> &[String];
    /// Why SES certainly enforces it before acting, when it does.
    fn enforced(&self) -> Option<&String>;
    /// Whether the seed documents it (a bound only the current API documents does not).
    fn in_seed(&self) -> bool {
        true
    }
}

/// Implements [`Row`] for a struct with `source`, `errors` and `enforced` fields.
macro_rules! impl_row {
    ($ty:ty) => {
        impl $crate::spec::kinds::Row for $ty {
            fn source(&self) -> &str {
                &self.source
            }
            fn errors(&self) -> &[String] {
                &self.errors
            }
            fn enforced(&self) -> Option<&String> {
                self.enforced.as_ref()
            }
        }
    };
}
pub(crate) use impl_row;

/// What the table documents about one named constraint.
#[derive(Debug, Clone)]
pub struct Documented {
    /// Where the documentation states it.
    pub source: String,
    /// Error types a conforming target answers with when it is broken.
    pub errors: Vec<String>,
    /// Why SES certainly enforces it before acting, when it does.
    pub enforced: Option<String>,
    /// Whether the seed documents it.
    pub in_seed: bool,
}

impl Documented {
    /// What a row documents, its errors defaulting to the kind's.
    pub fn of_row(kind: ConstraintKind, row: &dyn Row) -> Documented {
        let errors = if row.errors().is_empty() {
            kind.default_errors()
        } else {
            row.errors().to_vec()
        };
        Documented {
            source: row.source().to_string(),
            errors,
            enforced: row.enforced().cloned(),
            in_seed: row.in_seed(),
        }
    }
}

/// Something the loader refuses in a row: where below the row's own path, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    /// The JSON path below the row (`.field`, `.later`, `.members[1]`), empty for the row.
    pub at: String,
    /// What is wrong.
    pub message: String,
}

impl Problem {
    /// A problem with the row as a whole.
    pub fn new(message: impl Into<String>) -> Problem {
        Problem::at("", message)
    }

    /// A problem with a part of the row.
    pub fn at(at: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            at: at.into(),
            message: message.into(),
        }
    }
}

/// Where a kind's rows are written.
#[derive(Clone, Copy)]
pub enum Slot {
    /// A key of a member's `constraints`.
    Member(fn(&Constraints) -> Option<&dyn Row>),
    /// A key of a structure shape's `rules`.
    Rules(fn(&ShapeRules) -> Option<&dyn Row>),
    /// No key of its own: derived from an enum shape or from `specs/protocol.json`.
    Derived,
}

/// A kind of constraint, as registered in [`super::KINDS`]: its name (the last part of every
/// constraint name, `PolicyName.length`) and its definitions for each stage. Two handles are
/// equal when their names are.
#[derive(Clone, Copy)]
pub struct ConstraintKind {
    name: &'static str,
    def: &'static dyn KindDef,
    generate: &'static dyn Generate,
    slot: Slot,
}

impl ConstraintKind {
    /// A registry entry; only the registry makes them.
    pub(super) const fn new(
        name: &'static str,
        def: &'static dyn KindDef,
        generate: &'static dyn Generate,
        slot: Slot,
    ) -> ConstraintKind {
        ConstraintKind {
            name,
            def,
            generate,
            slot,
        }
    }

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        self.name
    }

    /// The kind's spec-stage definition.
    pub fn def(self) -> &'static dyn KindDef {
        self.def
    }

    /// The kind's generation-stage definition.
    pub fn generate(self) -> &'static dyn Generate {
        self.generate
    }

    /// The registered kind of this name.
    pub fn named(name: &str) -> Option<ConstraintKind> {
        super::all().find(|k| k.name == name)
    }

    /// The error types a target answers with when it enforces a constraint of this kind but the
    /// spec row names none: type and syntax errors may come back as the `SerializationException`
    /// real SES uses outside its published model.
    pub fn default_errors(self) -> Vec<String> {
        self.def
            .default_errors()
            .iter()
            .map(|e| e.to_string())
            .collect()
    }

    /// Whether the kind applies to a member of type `ty`.
    pub fn applies_to(self, ty: MemberType) -> bool {
        self.def
            .applies_to()
            .is_none_or(|types| types.contains(&ty))
    }

    /// The kind's row in `member`'s `constraints`, if it is keyed there and the member has one.
    pub fn row(self, member: &Member) -> Option<&dyn Row> {
        match self.slot {
            Slot::Member(get) => get(&member.constraints),
            Slot::Rules(_) | Slot::Derived => None,
        }
    }

    /// The kind's rule in a structure's `rules`, if it is keyed there and the shape has one.
    pub fn rule(self, rules: &ShapeRules) -> Option<&dyn Row> {
        match self.slot {
            Slot::Rules(get) => get(rules),
            Slot::Member(_) | Slot::Derived => None,
        }
    }
}

impl PartialEq for ConstraintKind {
    fn eq(&self, other: &ConstraintKind) -> bool {
        self.name == other.name
    }
}

impl Eq for ConstraintKind {}

impl std::hash::Hash for ConstraintKind {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.name.hash(state);
    }
}

impl fmt::Debug for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::{all, enum_value::EnumValue, length::Length, wire_type::WireType};
    use super::*;
    use crate::spec::kinds::test_support::member;
    use crate::spec::kinds::{bytes::Bytes, exactly_one_of::ExactlyOneOf};

    #[test]
    fn every_kind_is_registered_once_under_its_own_name() {
        let mut names: Vec<&str> = all().map(ConstraintKind::as_str).collect();
        let registered = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), registered);
        assert_eq!(ConstraintKind::named("type"), Some(WireType::KIND));
        assert_eq!(ConstraintKind::named("enum"), Some(EnumValue::KIND));
        assert_eq!(ConstraintKind::named("pattern"), None);
    }

    #[test]
    fn a_kind_finds_its_row_under_its_own_key_only() {
        let m = member(
            json!({"type": "string", "constraints": {"length": {"max": 3, "source": "doc"}}}),
        );
        assert_eq!(Length::KIND.row(&m).map(|r| r.source()), Some("doc"));
        assert!(Bytes::KIND.row(&m).is_none());
        assert!(ExactlyOneOf::KIND.row(&m).is_none());
        assert!(EnumValue::KIND.row(&m).is_none());
    }

    #[test]
    fn a_row_without_errors_takes_the_kind_default() {
        let m = member(
            json!({"type": "string", "constraints": {"length": {"max": 3, "source": "doc"}}}),
        );
        let doc = Length::KIND
            .row(&m)
            .map(|r| Documented::of_row(Length::KIND, r));
        assert_eq!(
            doc.map(|d| d.errors),
            Some(vec!["BadRequestException".into()])
        );
        assert_eq!(
            WireType::KIND.default_errors(),
            ["BadRequestException", "SerializationException"]
        );
    }
}
