//! The macro that turns the list of kinds in `mod.rs` into the table's model and the registry,
//! so that a kind's key is written in one place only.
//!
//! Each entry names a module of this directory and the unit struct in it that implements
//! [`KindDef`](super::KindDef) and [`Generate`](crate::generate::Generate). An entry is one of
//!
//! * `key: module::Kind`: rows are written under `key` and the kind is named `key`;
//! * `"name" as key: module::Kind`: rows are written under `name` (a Rust keyword such as
//!   `type`), read as the field `key`;
//! * `"name": module::Kind`: the kind has no key of its own (an enum's values are its rule).
//!
//! For each section the macro declares the modules, writes the struct the rows deserialize into
//! (`Protocol` from `specs/protocol.json`, `Constraints` from a member's `constraints`,
//! `ShapeRules` from a structure's `rules`; each field's type is the module's `Rule`), and
//! gives each kind's struct a `KIND` handle and an `of` accessor to its own row. `KINDS` is the
//! registry, in the order of the list: the order named constraints, violations and cases come in.

macro_rules! kinds {
    (
        protocol { $($protocol:tt)* }
        member { $($member:tt)* }
        structure { $($structure:tt)* }
    ) => {
        $crate::spec::kinds::table::kinds!(@munch protocol [] [] $($protocol)*);
        $crate::spec::kinds::table::kinds!(@munch member [] [] $($member)*);
        $crate::spec::kinds::table::kinds!(@munch structure [] [] $($structure)*);

        /// Every registered kind: the protocol's, then members', then structures'.
        pub const KINDS: [&[ConstraintKind]; 3] = [PROTOCOL_KINDS, MEMBER_KINDS, STRUCTURE_KINDS];

        /// Every registered kind, in the order of the list.
        pub fn all() -> impl Iterator<Item = ConstraintKind> {
            KINDS.into_iter().flatten().copied()
        }
    };

    // `key: module::Kind`.
    (@munch $section:ident [$($fields:tt)*] [$($kinds:tt)*]
        $field:ident : $module:ident :: $kind:ident, $($rest:tt)*) => {
        $crate::spec::kinds::table::kinds!(@entry $section stringify!($field), $field $module $kind);
        $crate::spec::kinds::table::kinds!(@munch $section
            [$($fields)* { [] $field $module }] [$($kinds)* ($module $kind)] $($rest)*);
    };
    // `"name" as key: module::Kind`.
    (@munch $section:ident [$($fields:tt)*] [$($kinds:tt)*]
        $name:literal as $field:ident : $module:ident :: $kind:ident, $($rest:tt)*) => {
        $crate::spec::kinds::table::kinds!(@entry $section $name, $field $module $kind);
        $crate::spec::kinds::table::kinds!(@munch $section
            [$($fields)* { [$name] $field $module }] [$($kinds)* ($module $kind)] $($rest)*);
    };
    // `"name": module::Kind`.
    (@munch $section:ident [$($fields:tt)*] [$($kinds:tt)*]
        $name:literal : $module:ident :: $kind:ident, $($rest:tt)*) => {
        pub mod $module;
        impl $module::$kind {
            #[doc = concat!("The `", $name, "` kind.")]
            pub const KIND: ConstraintKind =
                ConstraintKind::new($name, &$module::$kind, &$module::$kind, Slot::Derived);
        }
        $crate::spec::kinds::table::kinds!(@munch $section
            [$($fields)*] [$($kinds)* ($module $kind)] $($rest)*);
    };
    (@munch $section:ident [$($fields:tt)*] [$($kinds:tt)*]) => {
        $crate::spec::kinds::table::kinds!(@emit $section [$($fields)*] [$($kinds)*]);
    };

    (@entry protocol $name:expr, $field:ident $module:ident $kind:ident) => {
        pub mod $module;
        impl $module::$kind {
            #[doc = concat!("The `", $name, "` kind.")]
            pub const KIND: ConstraintKind =
                ConstraintKind::new($name, &$module::$kind, &$module::$kind, Slot::Derived);

            #[doc = concat!("The `", $name, "` rule of the protocol.")]
            pub fn of(protocol: &Protocol) -> &$module::Rule {
                &protocol.$field
            }
        }
    };
    (@entry member $name:expr, $field:ident $module:ident $kind:ident) => {
        pub mod $module;
        impl $module::$kind {
            #[doc = concat!("The `", $name, "` kind.")]
            pub const KIND: ConstraintKind = ConstraintKind::new(
                $name,
                &$module::$kind,
                &$module::$kind,
                Slot::Member(|c: &Constraints| c.$field.as_ref().map(|r| r as &dyn Row)),
            );

            #[doc = concat!("The member's `", $name, "` row, if it has one.")]
            pub fn of(member: &$crate::spec::Member) -> Option<&$module::Rule> {
                member.constraints.$field.as_ref()
            }
        }
    };
    (@entry structure $name:expr, $field:ident $module:ident $kind:ident) => {
        pub mod $module;
        impl $module::$kind {
            #[doc = concat!("The `", $name, "` kind.")]
            pub const KIND: ConstraintKind = ConstraintKind::new(
                $name,
                &$module::$kind,
                &$module::$kind,
                Slot::Rules(|r: &ShapeRules| r.$field.as_ref().map(|r| r as &dyn Row)),
            );

            #[doc = concat!("The structure's `", $name, "` rule, if it has one.")]
            pub fn of(rules: &ShapeRules) -> Option<&$module::Rule> {
                rules.$field.as_ref()
            }
        }
    };

    (@emit protocol [$({ [$($rename:literal)?] $field:ident $module:ident })*]
        [$(($kmod:ident $kind:ident))*]) => {
        /// The rules the REST-JSON protocol itself imposes, from `specs/protocol.json`: every
        /// request may break them whatever its operation, so the spec derives one constraint per
        /// member from them (`Member.type`) and one per request body (`request.json_body`).
        #[derive(Debug, Clone, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct Protocol {
            $(
                #[doc = concat!("The rule of the [`", stringify!($module), "`] kind.")]
                $(#[serde(rename = $rename)])?
                pub $field: $module::Rule,
            )*
        }

        /// The kinds `specs/protocol.json` holds the rules of.
        pub const PROTOCOL_KINDS: &[ConstraintKind] = &[$($kmod::$kind::KIND),*];
    };
    (@emit member [$({ [$($rename:literal)?] $field:ident $module:ident })*]
        [$(($kmod:ident $kind:ident))*]) => {
        /// The documented constraints on one member. Each is a named constraint: the cases that
        /// break it are named after it, and the validator reports it by name.
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct Constraints {
            $(
                #[doc = concat!("The row of the [`", stringify!($module), "`] kind.")]
                $(#[serde(rename = $rename)])?
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$module::Rule>,
            )*
        }

        impl Constraints {
            /// True when no constraint is set.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }

        /// The kinds of constraint on one member, keyed in its `constraints` or derived.
        pub const MEMBER_KINDS: &[ConstraintKind] = &[$($kmod::$kind::KIND),*];
    };
    (@emit structure [$({ [$($rename:literal)?] $field:ident $module:ident })*]
        [$(($kmod:ident $kind:ident))*]) => {
        /// Rules across the members of a structure.
        #[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
        #[serde(deny_unknown_fields)]
        pub struct ShapeRules {
            $(
                #[doc = concat!("The rule of the [`", stringify!($module), "`] kind.")]
                $(#[serde(rename = $rename)])?
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$module::Rule>,
            )*
        }

        impl ShapeRules {
            /// True when no rule is set.
            pub fn is_empty(&self) -> bool {
                true $(&& self.$field.is_none())*
            }
        }

        /// The kinds of rule across the members of a structure, keyed in its `rules`.
        pub const STRUCTURE_KINDS: &[ConstraintKind] = &[$($kmod::$kind::KIND),*];
    };
}
pub(crate) use kinds;
