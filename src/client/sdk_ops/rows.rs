//! How a row of the mapping becomes code. The rows themselves are in `generated.rs`, written by
//! `src/sdk_model/mapping.rs` from the SDK's model.
//!
//! A request member is `Member => sdk_setter`: the JSON member `Member` goes to the SDK builder's
//! `sdk_setter`, converted by the [`FromJson`](super::input::FromJson) of the setter's type, so
//! a row names no conversion. `[required]` after it marks a member the SDK's builder cannot build
//! the structure without (its `build()` returns a `Result`): its absence is refused naming the
//! member's path rather than the structure's. An answer member is `Member: sdk_field`, printed by
//! the [`ToJson`](super::output::ToJson) of the field's type.

#[cfg(test)]
use std::collections::BTreeSet;

#[cfg(test)]
use indexmap::IndexMap;

#[cfg(test)]
use crate::sdk_model::{Baseline, BASELINE_FILE};
#[cfg(test)]
use crate::spec::{snake_case, Member, Spec};

/// One row as data, for the tests that hold the table against the spec and the SDK model.
#[cfg(test)]
pub(super) struct Row {
    /// The operation or shape.
    pub name: &'static str,
    /// Its members in the order of the row.
    pub members: &'static [RowMember],
}

/// One member of a [`Row`].
#[cfg(test)]
pub(super) struct RowMember {
    /// The SES member name.
    pub name: &'static str,
    /// The SDK setter (requests) or field (answers).
    pub sdk: &'static str,
    /// Marked `[required]`: the SDK's builder requires it.
    pub builder_requires: bool,
}

/// The members of a spec member set.
#[cfg(test)]
pub(super) type Members = IndexMap<String, Member>;

/// What is wrong with `rows` against their spec member sets: `set` gives a row's spec file
/// (`operations/X.json`) and members, `path` is `$.input`, `$.output` or `$.members`, `sdk` the
/// SDK name a member must go to or come from. A member the spec lacks must be one the baseline
/// records as an SDK member beyond the seed.
#[cfg(test)]
pub(super) fn row_problems<'s>(
    rows: &[Row],
    set: impl Fn(&str) -> Option<(String, &'s Members)>,
    path: &str,
    sdk: impl Fn(&str) -> String,
    baseline: &Baseline,
) -> Vec<String> {
    let mut problems = Vec::new();
    for row in rows {
        let Some((file, members)) = set(row.name) else {
            problems.push(format!(
                "{}: no such operation or shape in specs/",
                row.name
            ));
            continue;
        };
        let key = format!("{file} {path}");
        let named: BTreeSet<&str> = row.members.iter().map(|m| m.name).collect();
        for member in members.keys().filter(|m| !named.contains(m.as_str())) {
            problems.push(format!(
                "{}: specs/{key}.{member} has no row member",
                row.name
            ));
        }
        for m in row.members {
            let want = sdk(m.name);
            if m.sdk != want {
                problems.push(format!(
                    "{}.{}: `{}`, not `{want}`",
                    row.name, m.name, m.sdk
                ));
            }
            if !members.contains_key(m.name)
                && !baseline.has_member_extra(&key, &snake_case(m.name))
            {
                problems.push(format!(
                    "{}.{}: neither specs/{key} nor member_extras[\"{key}\"] of {BASELINE_FILE} has it",
                    row.name, m.name
                ));
            }
        }
    }
    problems
}

/// The SDK setter of a request member.
#[cfg(test)]
pub(super) fn setter(member: &str) -> String {
    format!("set_{}", snake_case(member))
}

/// The shipped spec and SDK baseline.
#[cfg(test)]
pub(super) fn loaded() -> (Spec, Baseline) {
    let spec = Spec::load_default().unwrap_or_else(|e| panic!("{e}"));
    let baseline = Baseline::load(&Baseline::path(&spec)).unwrap_or_else(|e| panic!("{e}"));
    (spec, baseline)
}

/// For the tests, the rows of a table as data: `CONST: Name { Member sdk_name [required]?, .. } ..`
/// becomes `const CONST: &[Row]`.
macro_rules! test_rows {
    ($const:ident: $( $name:ident { $( $member:ident $sdk:ident $($required:ident)? ),* } )*) => {
        #[cfg(test)]
        pub(super) const $const: &[$crate::client::sdk_ops::rows::Row] = &[$(
            $crate::client::sdk_ops::rows::Row {
                name: stringify!($name),
                members: &[$($crate::client::sdk_ops::rows::RowMember {
                    name: stringify!($member),
                    sdk: stringify!($sdk),
                    builder_requires: $crate::client::sdk_ops::rows::member!($($required)?),
                }),*],
            }
        ),*];
    };
}
pub(super) use test_rows;

/// The operation rows: `Operation => client_method { input { .. } output { .. } }`. Generates
/// `OPERATIONS`, `call` (the dispatch) and, for the tests, `OPERATION_INPUTS` and
/// `OPERATION_OUTPUTS`.
macro_rules! operations {
    ($(
        $op:ident => $method:ident {
            input { $($member:ident => $setter:ident),* $(,)? }
            output { $($wire:ident: $field:ident),* $(,)? }
        }
    )*) => {
        /// Every operation [`call`] knows: the 22 under test and the two setup operations.
        pub const OPERATIONS: &[&str] = &[$(stringify!($op)),*];

        $crate::client::sdk_ops::rows::test_rows!(
            OPERATION_INPUTS: $($op { $($member $setter),* })*
        );
        $crate::client::sdk_ops::rows::test_rows!(
            OPERATION_OUTPUTS: $($op { $($wire $field),* })*
        );

        /// Send `request` as `operation` through the SDK, with `capture` watching the exchange.
        ///
        /// `Err` means the request never reached the SDK's send (an unknown operation, or JSON
        /// the SDK cannot be given); `Ok(SdkResult::Failed)` is whatever the SDK itself reported.
        pub async fn call(
            client: &aws_sdk_sesv2::Client,
            operation: &str,
            request: &serde_json::Value,
            capture: &$crate::client::sdk::Capture,
        ) -> Result<$crate::client::sdk::SdkResult, $crate::client::sdk::SdkFailure> {
            use $crate::client::sdk_ops::input::{read, At, Obj};
            use $crate::client::sdk_ops::output::{finish, object, ToJson};
            let unknown = || {
                $crate::client::sdk::SdkFailure::Construction(format!(
                    "unknown operation {operation}"
                ))
            };
            if !OPERATIONS.contains(&operation) {
                return Err(unknown());
            }
            let empty = Obj::new();
            let at = At::root(request, &empty)?;
            $(
                if operation == stringify!($op) {
                    at.only(&[$(stringify!($member)),*])?;
                    let call = client.$method()$(.$setter(read(&at, stringify!($member))?))*;
                    let result = call.customize().interceptor(capture.clone()).send().await;
                    // An operation without output members leaves `o` unused.
                    #[allow(unused_variables)]
                    return Ok(finish(result, |o| {
                        object([$((stringify!($wire), ToJson::to_json(&o.$field))),*])
                    }));
                }
            )*
            Err(unknown())
        }
    };
}
pub(super) use operations;

/// The structures of requests: `Shape { Member => sdk_setter [required]?, .. }`. Generates the
/// [`FromJson`](super::input::FromJson) of `aws_sdk_sesv2::types::Shape` and, for the tests,
/// `REQUEST_STRUCTURES`.
macro_rules! request_structures {
    ($(
        $shape:ident { $($member:ident => $setter:ident $([$required:ident])?),* $(,)? }
    )*) => {
        $(
            impl $crate::client::sdk_ops::input::FromJson for aws_sdk_sesv2::types::$shape {
                fn from_json(
                    value: &serde_json::Value,
                    path: &str,
                ) -> $crate::client::sdk_ops::input::Conv<Self> {
                    use $crate::client::sdk_ops::input::{At, Built};
                    let at = At::object(value, path)?;
                    at.only(&[$(stringify!($member)),*])?;
                    let builder = Self::builder()$(
                        .$setter($crate::client::sdk_ops::rows::member!(&at, $member $($required)?))
                    )*;
                    Built::<Self>::built(builder.build(), &at)
                }
            }
        )*

        $crate::client::sdk_ops::rows::test_rows!(
            REQUEST_STRUCTURES: $($shape { $($member $setter $($required)?),* })*
        );
    };
}
pub(super) use request_structures;

/// A request member's value for its setter; with `required`, refused when absent. Without a
/// member, whether `required` was given.
macro_rules! member {
    () => {
        false
    };
    (required) => {
        true
    };
    ($at:expr, $member:ident) => {
        $crate::client::sdk_ops::input::read($at, stringify!($member))?
    };
    ($at:expr, $member:ident required) => {
        Some($crate::client::sdk_ops::input::required(
            $at,
            stringify!($member),
            $crate::client::sdk_ops::input::read($at, stringify!($member))?,
        )?)
    };
}
pub(super) use member;

/// The structures of answers: `Shape { Member: sdk_field, .. }`. Generates the
/// [`ToJson`](super::output::ToJson) of `aws_sdk_sesv2::types::Shape` and, for the tests,
/// `ANSWER_STRUCTURES`.
macro_rules! answer_structures {
    ($( $shape:ident { $($wire:ident: $field:ident),* $(,)? } )*) => {
        $(
            impl $crate::client::sdk_ops::output::ToJson for aws_sdk_sesv2::types::$shape {
                fn to_json(&self) -> Option<serde_json::Value> {
                    // A structure without members (DefaultSigningScheme) converts none.
                    #[allow(unused_imports)]
                    use $crate::client::sdk_ops::output::{object, ToJson};
                    Some(object([$((stringify!($wire), ToJson::to_json(&self.$field))),*]))
                }
            }
        )*

        $crate::client::sdk_ops::rows::test_rows!(
            ANSWER_STRUCTURES: $($shape { $($wire $field),* })*
        );
    };
}
pub(super) use answer_structures;

/// SDK enums, passed as their wire strings both ways, values outside the enum included.
/// Generates, for the tests, `ENUM_VALUES`: each enum's compiled `values()`.
macro_rules! enums {
    ($($enum:ident),* $(,)?) => {
        #[cfg(test)]
        pub(super) const ENUM_VALUES: &[(&str, fn() -> &'static [&'static str])] =
            &[$((stringify!($enum), aws_sdk_sesv2::types::$enum::values)),*];
        $(
        impl $crate::client::sdk_ops::input::FromJson for aws_sdk_sesv2::types::$enum {
            fn from_json(
                value: &serde_json::Value,
                path: &str,
            ) -> $crate::client::sdk_ops::input::Conv<Self> {
                $crate::client::sdk_ops::input::enum_from_json(value, path)
            }
        }

        impl $crate::client::sdk_ops::output::ToJson for aws_sdk_sesv2::types::$enum {
            fn to_json(&self) -> Option<serde_json::Value> {
                $crate::client::sdk_ops::output::enum_to_json(self)
            }
        }
    )*};
}
pub(super) use enums;

/// SDK unions, a JSON object with exactly one of the variants' keys both ways:
/// `Union { WireKey: Variant, .. }`. A variant the SDK does not know (`Unknown`) prints as
/// absent.
macro_rules! unions {
    ($( $union:ident { $($wire:ident: $variant:ident),* $(,)? } )*) => {$(
        impl $crate::client::sdk_ops::input::FromJson for aws_sdk_sesv2::types::$union {
            fn from_json(
                value: &serde_json::Value,
                path: &str,
            ) -> $crate::client::sdk_ops::input::Conv<Self> {
                use $crate::client::sdk_ops::input::{not_a_variant, one_of, At, FromJson};
                let at = At::object(value, path)?;
                let (chosen, value, path) = one_of(&at, &[$(stringify!($wire)),*])?;
                $(
                    if chosen == stringify!($wire) {
                        return Ok(Self::$variant(FromJson::from_json(value, &path)?));
                    }
                )*
                not_a_variant(chosen)
            }
        }

        impl $crate::client::sdk_ops::output::ToJson for aws_sdk_sesv2::types::$union {
            fn to_json(&self) -> Option<serde_json::Value> {
                use $crate::client::sdk_ops::output::{object, ToJson};
                match self {
                    $(Self::$variant(inner) => Some(object([(stringify!($wire), ToJson::to_json(inner))])),)*
                    _ => None,
                }
            }
        }
    )*};
}
pub(super) use unions;
