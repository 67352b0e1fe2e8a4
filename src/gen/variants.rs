//! From each named constraint, its boundary variants: valid at each bound, invalid just past it,
//! each forbidden character class, each enum value and one non-member, each required member
//! omitted, list counts at and past the limit. Each invalid variant breaks exactly that one
//! constraint; random instances of a variant (index 1 and up) draw other values of the same class.

use serde_json::{json, Map, Value};

use super::edit::{edit_path, member_at};
use super::text::{self, PROBES};
use super::values::{make_field_unique, Ctx};
use crate::case::{Kind, RequestPath, PREFIX_PLACEHOLDER, SIMULATOR_DOMAIN};
use crate::spec::{
    snake_case, Bounds, ConstraintKind, ConstraintRef, GenerateHint, Location, Member, MemberType,
    Operation, Spec,
};

/// One boundary variant of a constraint.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The case name part: `page_size_above_max`.
    pub name: String,
    /// Valid or invalid.
    pub kind: Kind,
    /// The constraint it is about.
    pub constraint: ConstraintRef,
    /// How the request travels.
    pub path: RequestPath,
    /// Whether random instances (index >= 1) exist beyond the boundary instance.
    pub random: bool,
    /// What to do to the member.
    pub edit: Edit,
}

/// An edit of the member the constraint is about.
#[derive(Debug, Clone)]
pub enum Edit {
    /// Keep (or create) a valid value.
    Keep,
    /// Leave the member out.
    Omit,
    /// A value of the wrong JSON type.
    WrongType,
    /// A body that is not JSON; the case carries it as its raw body.
    MalformedBody,
    /// An integer: `boundary` at index 0, else drawn from `random`.
    Int {
        /// The boundary value.
        boundary: i64,
        /// Range of random values.
        random: (i64, i64),
    },
    /// A string of exactly this many characters.
    Chars {
        /// The boundary length.
        boundary: usize,
        /// Range of random lengths.
        random: (usize, usize),
    },
    /// A string of exactly this many UTF-8 bytes.
    Bytes {
        /// The boundary size.
        boundary: usize,
        /// Range of random sizes.
        random: (usize, usize),
    },
    /// The valid value with its last character replaced by `ch`.
    WithChar(char),
    /// A value using every allowed character class.
    AllowedSample,
    /// Exactly this string.
    Text(String),
    /// An enum non-member (index 0: the lowercase of the first value).
    NotInEnum,
    /// The valid value prefixed (keeping within length bounds).
    Prefixed(String),
    /// A list with exactly this many items.
    Items {
        /// The boundary count.
        boundary: usize,
        /// Range of random counts.
        random: (usize, usize),
    },
    /// Two list items sharing `field`.
    DuplicateField(String),
    /// Two list items with distinct `field`.
    DistinctField(String),
    /// A structure with exactly these members of a rule group present.
    Members {
        /// The group's members.
        group: Vec<String>,
        /// Which of them to include.
        present: Vec<String>,
    },
    /// A Content structure with non-ASCII or ASCII data, with or without a charset.
    Data {
        /// Whether the text is outside 7-bit ASCII.
        non_ascii: bool,
        /// Whether the charset member is given.
        charset: bool,
    },
    /// A raw MIME message.
    Mime {
        /// Whether a blank line separates header and body.
        blank_line: bool,
        /// The length of the longest line (index 0), if set.
        line: Option<usize>,
        /// Range of random longest-line lengths.
        random: (usize, usize),
    },
    /// An address with a non-ASCII local part or domain.
    Address {
        /// Put a non-ASCII character in the local part.
        non_ascii_local: bool,
        /// Put a non-ASCII character in the domain.
        non_ascii_domain: bool,
    },
}

fn variant(
    c: &ConstraintRef,
    name: String,
    kind: Kind,
    path: RequestPath,
    random: bool,
    edit: Edit,
) -> Variant {
    Variant {
        name,
        kind,
        constraint: c.clone(),
        path,
        random,
        edit,
    }
}

/// The boundary variants of one constraint.
pub fn variants_for(spec: &Spec, op: &Operation, c: &ConstraintRef) -> Vec<Variant> {
    use ConstraintKind as K;
    use Kind::{Invalid, Valid};
    use RequestPath::{Sdk, Wire};
    let base = c.path.snake();
    let n = |suffix: &str| format!("{base}_{suffix}");
    let member = member_at(spec, op, &c.path);
    let is_uri = c.path.0.len() == 1 && member.and_then(|m| m.location) == Some(Location::Uri);
    let mut out = Vec::new();
    let mut push = |name: String, kind, path, random, edit| {
        out.push(variant(c, name, kind, path, random, edit))
    };
    match c.kind {
        K::Required => {
            push(n("present"), Valid, Sdk, false, Edit::Keep);
            push(n("missing"), Invalid, Wire, false, Edit::Omit);
        }
        K::Type => {
            push(n("well_typed"), Valid, Sdk, false, Edit::Keep);
            push(n("wrong_type"), Invalid, Wire, false, Edit::WrongType);
        }
        K::JsonBody => {
            push(
                "request_well_formed_json".into(),
                Valid,
                Sdk,
                false,
                Edit::Keep,
            );
            push(
                "request_malformed_json".into(),
                Invalid,
                Wire,
                false,
                Edit::MalformedBody,
            );
        }
        K::Length => {
            let b = bounds_of(member, |m| m.constraints.length.as_ref());
            let (min, max) = (b.0.max(0) as usize, b.1.map(|m| m as usize));
            let min_documented = member
                .and_then(|m| m.constraints.length.as_ref())
                .is_some_and(|b| b.min.is_some());
            if min_documented {
                push(
                    n("length_at_min"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Chars {
                        boundary: min,
                        random: (min, min),
                    },
                );
            }
            if let Some(max) = max {
                push(
                    n("length_at_max"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Chars {
                        boundary: max,
                        random: (max, max),
                    },
                );
                let low = min.max(1);
                push(
                    n("length_in_range"),
                    Valid,
                    Sdk,
                    true,
                    Edit::Chars {
                        boundary: (low + max) / 2,
                        random: (low, max),
                    },
                );
            }
            if b.0 > 0 {
                let path = if is_uri && min == 1 { Wire } else { Sdk };
                push(
                    n("length_below_min"),
                    Invalid,
                    path,
                    false,
                    Edit::Chars {
                        boundary: min - 1,
                        random: (0, min - 1),
                    },
                );
            }
            if let Some(max) = max {
                push(
                    n("length_above_max"),
                    Invalid,
                    Sdk,
                    true,
                    Edit::Chars {
                        boundary: max + 1,
                        random: (max + 1, max + 64),
                    },
                );
            }
        }
        K::Bytes => {
            let b = bounds_of(member, |m| m.constraints.bytes.as_ref());
            if let Some(max) = b.1 {
                let max = max as usize;
                // Multi-megabyte values are only sent at the boundary: random ones would multiply
                // the suite's memory for nothing the boundary does not already show.
                let random = max <= 65_536;
                push(
                    n("bytes_at_max"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Bytes {
                        boundary: max,
                        random: (max, max),
                    },
                );
                push(
                    n("bytes_above_max"),
                    Invalid,
                    Sdk,
                    random,
                    Edit::Bytes {
                        boundary: max + 1,
                        random: (max + 1, max + 512),
                    },
                );
            }
        }
        K::Range => {
            let b = bounds_of(member, |m| m.constraints.range.as_ref());
            let (min, max) = (b.0, b.1.unwrap_or(i64::from(i32::MAX)));
            push(
                n("at_min"),
                Valid,
                Sdk,
                false,
                Edit::Int {
                    boundary: min,
                    random: (min, min),
                },
            );
            push(
                n("at_max"),
                Valid,
                Sdk,
                false,
                Edit::Int {
                    boundary: max,
                    random: (max, max),
                },
            );
            push(
                n("in_range"),
                Valid,
                Sdk,
                true,
                Edit::Int {
                    boundary: min + (max - min) / 2,
                    random: (min, max),
                },
            );
            push(
                n("below_min"),
                Invalid,
                Sdk,
                true,
                Edit::Int {
                    boundary: min - 1,
                    random: (min - 1000, min - 1),
                },
            );
            if b.1.is_some() {
                push(
                    n("above_max"),
                    Invalid,
                    Sdk,
                    true,
                    Edit::Int {
                        boundary: max + 1,
                        random: (max + 1, max + 1000),
                    },
                );
            }
        }
        K::Items => {
            let b = bounds_of(member, |m| m.constraints.items.as_ref());
            let min = b.0.max(0) as usize;
            if b.0 > 0 {
                push(
                    n("items_at_min"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Items {
                        boundary: min,
                        random: (min, min),
                    },
                );
                push(
                    n("items_below_min"),
                    Invalid,
                    Sdk,
                    false,
                    Edit::Items {
                        boundary: min - 1,
                        random: (0, min - 1),
                    },
                );
            }
            if let Some(max) = b.1 {
                let max = max as usize;
                push(
                    n("items_at_max"),
                    Valid,
                    Sdk,
                    true,
                    Edit::Items {
                        boundary: max,
                        random: (min.max(1), max),
                    },
                );
                push(
                    n("items_above_max"),
                    Invalid,
                    Sdk,
                    true,
                    Edit::Items {
                        boundary: max + 1,
                        random: (max + 1, max + 10),
                    },
                );
            }
        }
        K::Charset => {
            push(n("allowed_chars"), Valid, Sdk, false, Edit::AllowedSample);
            if let Some(rule) = member.and_then(|m| m.constraints.charset.as_ref()) {
                for probe in PROBES.iter().filter(|p| !rule.allows(p.ch)) {
                    push(
                        n(&format!("forbidden_{}", probe.label)),
                        Invalid,
                        Sdk,
                        true,
                        Edit::WithChar(probe.ch),
                    );
                }
            }
        }
        K::Enum => {
            if let Some(values) = member.and_then(|m| spec.enum_values(m)) {
                for v in values {
                    push(
                        n(&format!("is_{}", v.to_lowercase())),
                        Valid,
                        Sdk,
                        false,
                        Edit::Text(v.clone()),
                    );
                }
            }
            push(n("not_in_enum"), Invalid, Sdk, true, Edit::NotInEnum);
        }
        K::Unique => {
            if let Some(rule) = member.and_then(|m| m.constraints.unique.as_ref()) {
                let field = snake_case(&rule.field);
                push(
                    n(&format!("distinct_{field}")),
                    Valid,
                    Sdk,
                    false,
                    Edit::DistinctField(rule.field.clone()),
                );
                push(
                    n(&format!("duplicate_{field}")),
                    Invalid,
                    Sdk,
                    true,
                    Edit::DuplicateField(rule.field.clone()),
                );
            }
        }
        K::ReservedPrefix => {
            if let Some(rule) = member.and_then(|m| m.constraints.reserved_prefix.as_ref()) {
                // `aws` followed by an allowed letter: close to the reserved prefix, never it,
                // whatever the rest of the value starts with.
                let stem = rule.prefix.trim_end_matches(|c: char| !c.is_alphanumeric());
                let next = text::filler(member.and_then(|m| m.constraints.charset.as_ref()));
                push(
                    n("prefix_not_reserved"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Prefixed(format!("{stem}{next}")),
                );
                push(
                    n("reserved_prefix"),
                    Invalid,
                    Sdk,
                    true,
                    Edit::Prefixed(rule.prefix.clone()),
                );
            }
        }
        K::Json => {
            push(n("json"), Valid, Sdk, false, Edit::Keep);
            push(
                n("not_json"),
                Invalid,
                Sdk,
                false,
                Edit::Text("{not json".into()),
            );
            if member
                .and_then(|m| m.constraints.json.as_ref())
                .is_some_and(|j| j.object)
            {
                push(
                    n("json_not_object"),
                    Invalid,
                    Sdk,
                    false,
                    Edit::Text("[\"not\", \"an object\"]".into()),
                );
            }
        }
        K::Base64 => {
            push(n("base64"), Valid, Sdk, false, Edit::Keep);
            push(
                n("not_base64"),
                Invalid,
                Wire,
                false,
                Edit::Text("this is not base64!".into()),
            );
        }
        K::MimeBlankLine => {
            push(
                n("blank_line"),
                Valid,
                Sdk,
                false,
                Edit::Mime {
                    blank_line: true,
                    line: None,
                    random: (0, 0),
                },
            );
            push(
                n("no_blank_line"),
                Invalid,
                Sdk,
                false,
                Edit::Mime {
                    blank_line: false,
                    line: None,
                    random: (0, 0),
                },
            );
        }
        K::MimeLineLength => {
            let b = bounds_of(member, |m| m.constraints.mime_line_length.as_ref());
            if let Some(max) = b.1 {
                let max = max as usize;
                push(
                    n("line_at_max"),
                    Valid,
                    Sdk,
                    true,
                    Edit::Mime {
                        blank_line: true,
                        line: Some(max),
                        random: (80, max),
                    },
                );
                push(
                    n("line_above_max"),
                    Invalid,
                    Sdk,
                    true,
                    Edit::Mime {
                        blank_line: true,
                        line: Some(max + 1),
                        random: (max + 1, max * 2),
                    },
                );
            }
        }
        K::AsciiLocalPart => {
            push(
                n("ascii_local_part"),
                Valid,
                Sdk,
                false,
                Edit::Address {
                    non_ascii_local: false,
                    non_ascii_domain: false,
                },
            );
            push(
                n("non_ascii_local_part"),
                Invalid,
                Sdk,
                false,
                Edit::Address {
                    non_ascii_local: true,
                    non_ascii_domain: false,
                },
            );
        }
        K::PunycodeDomain => {
            push(
                n("ascii_domain"),
                Valid,
                Sdk,
                false,
                Edit::Address {
                    non_ascii_local: false,
                    non_ascii_domain: false,
                },
            );
            push(
                n("non_ascii_domain"),
                Invalid,
                Sdk,
                false,
                Edit::Address {
                    non_ascii_local: false,
                    non_ascii_domain: true,
                },
            );
        }
        K::ExactlyOneOf | K::AtLeastOneOf => {
            let shape = member.and_then(|m| spec.members_of(m));
            let group: Vec<String> = shape
                .and_then(|s| {
                    let set = if c.kind == K::ExactlyOneOf {
                        &s.rules.exactly_one_of
                    } else {
                        &s.rules.at_least_one_of
                    };
                    set.as_ref().map(|set| set.members.clone())
                })
                .unwrap_or_default();
            let generatable: Vec<String> = group
                .iter()
                .filter(|g| {
                    shape
                        .and_then(|s| s.members.get(*g))
                        .is_some_and(|m| m.generate != Some(GenerateHint::Never))
                })
                .cloned()
                .collect();
            for g in &generatable {
                push(
                    n(&format!("only_{}", snake_case(g))),
                    Valid,
                    Sdk,
                    false,
                    Edit::Members {
                        group: group.clone(),
                        present: vec![g.clone()],
                    },
                );
            }
            push(
                n("none_of"),
                Invalid,
                Sdk,
                false,
                Edit::Members {
                    group: group.clone(),
                    present: vec![],
                },
            );
            if c.kind == K::ExactlyOneOf && generatable.len() >= 2 {
                push(
                    n("two_of"),
                    Invalid,
                    Sdk,
                    false,
                    Edit::Members {
                        group: group.clone(),
                        present: generatable[..2].to_vec(),
                    },
                );
            }
            if c.kind == K::AtLeastOneOf && generatable.len() >= 2 {
                push(
                    n("all_of"),
                    Valid,
                    Sdk,
                    false,
                    Edit::Members {
                        group: group.clone(),
                        present: generatable.clone(),
                    },
                );
            }
        }
        K::AsciiOrCharset => {
            push(
                n("ascii_without_charset"),
                Valid,
                Sdk,
                false,
                Edit::Data {
                    non_ascii: false,
                    charset: false,
                },
            );
            push(
                n("non_ascii_with_charset"),
                Valid,
                Sdk,
                false,
                Edit::Data {
                    non_ascii: true,
                    charset: true,
                },
            );
            push(
                n("non_ascii_without_charset"),
                Invalid,
                Sdk,
                false,
                Edit::Data {
                    non_ascii: true,
                    charset: false,
                },
            );
        }
    }
    out
}

fn bounds_of<'m>(
    member: Option<&'m Member>,
    get: impl Fn(&'m Member) -> Option<&'m Bounds>,
) -> (i64, Option<i64>) {
    member
        .and_then(get)
        .map(|b| (b.min.unwrap_or(0), b.max))
        .unwrap_or((0, None))
}

/// Apply a variant's edit to a valid request. `index` 0 is the boundary instance.
pub fn apply(ctx: &mut Ctx, request: &mut Map<String, Value>, v: &Variant, index: usize) {
    if v.constraint.path.is_root() {
        // Root-level variants (a malformed body) leave the JSON request as it is; the case
        // carries the broken body text.
        return;
    }
    let edit = v.edit.clone();
    let mut leaf = move |ctx: &mut Ctx, member: &Member, current: Option<Value>| -> Option<Value> {
        edit_value(ctx, member, current, &edit, index)
    };
    edit_path(ctx, request, &v.constraint.path, &mut leaf);
}

fn pick_usize(ctx: &mut Ctx, index: usize, boundary: usize, random: (usize, usize)) -> usize {
    if index == 0 {
        boundary
    } else {
        ctx.rng.size(random.0, random.1)
    }
}

/// A random length range moved above the run prefix where it reaches past it.
fn keep_above_prefix((low, high): (usize, usize)) -> (usize, usize) {
    let above = PREFIX_PLACEHOLDER.chars().count() + 1;
    if high >= above {
        (low.max(above), high)
    } else {
        (low, high)
    }
}

fn current_or_new(ctx: &mut Ctx, member: &Member, current: Option<Value>) -> Value {
    current.unwrap_or_else(|| ctx.member_value("", member, false))
}

fn edit_value(
    ctx: &mut Ctx,
    member: &Member,
    current: Option<Value>,
    edit: &Edit,
    index: usize,
) -> Option<Value> {
    let charset = member.constraints.charset.as_ref();
    let fill = text::filler(charset);
    Some(match edit {
        // A member the harness never fills in (an ARN it cannot own) stays out: the request
        // without it is the valid counterpart.
        Edit::Keep if current.is_none() && member.generate == Some(GenerateHint::Never) => {
            return None
        }
        Edit::Keep => current_or_new(ctx, member, current),
        Edit::Omit => return None,
        Edit::WrongType => wrong_type(member.ty),
        Edit::MalformedBody => current_or_new(ctx, member, current),
        Edit::Int { boundary, random } => {
            json!(if index == 0 {
                *boundary
            } else {
                ctx.rng.int(random.0, random.1)
            })
        }
        Edit::Chars { boundary, random } => {
            let base = string_of(current_or_new(ctx, member, current));
            // A name the run creates keeps its prefix: random lengths stay above it, so only a
            // boundary shorter than the prefix (which cannot carry it) loses it.
            let random = match base.starts_with(PREFIX_PLACEHOLDER) {
                true => keep_above_prefix(*random),
                false => *random,
            };
            let n = pick_usize(ctx, index, *boundary, random);
            json!(text::resize_chars(&base, n, fill))
        }
        Edit::Bytes { boundary, random } => {
            let n = pick_usize(ctx, index, *boundary, *random);
            let base = string_of(current_or_new(ctx, member, current));
            json!(text::resize_bytes(
                &base,
                n,
                member.constraints.json.is_some(),
                fill
            ))
        }
        Edit::WithChar(ch) => {
            let mut chars: Vec<char> = string_of(current_or_new(ctx, member, current))
                .chars()
                .collect();
            let at = if index == 0 || chars.len() <= 1 {
                chars.len().saturating_sub(1)
            } else {
                // Never inside the run prefix, which the target needs to see intact.
                let first = PREFIX_PLACEHOLDER.len().min(chars.len() - 1);
                ctx.rng.size(first, chars.len() - 1)
            };
            if chars.is_empty() {
                chars.push(*ch);
            } else {
                chars[at] = *ch;
            }
            json!(chars.into_iter().collect::<String>())
        }
        Edit::AllowedSample => {
            let sample = charset.map(text::allowed_sample).unwrap_or_default();
            let base = string_of(current_or_new(ctx, member, current));
            let max = member
                .constraints
                .length
                .as_ref()
                .and_then(|b| b.max)
                .map(|m| m as usize);
            let keep = max
                .map(|m| m.saturating_sub(sample.chars().count()))
                .unwrap_or(usize::MAX);
            let mut s: String = base.chars().take(keep).collect();
            s.push_str(&sample);
            json!(s)
        }
        Edit::Text(s) => json!(s),
        Edit::NotInEnum => {
            let values = ctx
                .spec
                .enum_values(member)
                .map(<[String]>::to_vec)
                .unwrap_or_default();
            let first = values.first().cloned().unwrap_or_else(|| "VALUE".into());
            if index == 0 {
                json!(first.to_lowercase())
            } else {
                let len = ctx.rng.size(3, 12);
                let alphabet: Vec<char> = "ABCDEFGHIJKLMNOPQRSTUVWXYZ_".chars().collect();
                let mut s = text::random_string(&mut ctx.rng, &alphabet, len);
                while values.contains(&s) {
                    s.push('X');
                }
                json!(s)
            }
        }
        Edit::Prefixed(prefix) => {
            let base = string_of(current_or_new(ctx, member, current));
            let prefix = if index > 0 {
                prefix.to_uppercase()
            } else {
                prefix.clone()
            };
            let mut s = format!("{prefix}{base}");
            if let Some(max) = member.constraints.length.as_ref().and_then(|b| b.max) {
                s = s.chars().take(max as usize).collect();
            }
            json!(s)
        }
        Edit::Items { boundary, random } => {
            let n = pick_usize(ctx, index, *boundary, *random);
            let item = member.member.as_deref()?;
            let mut items: Vec<Value> = (0..n).map(|_| ctx.member_value("", item, false)).collect();
            if let Some(rule) = &member.constraints.unique {
                make_field_unique(&mut items, &rule.field);
            }
            Value::Array(items)
        }
        Edit::DuplicateField(field) | Edit::DistinctField(field) => {
            let item = member.member.as_deref()?;
            let first = ctx.member_value("", item, false);
            let mut second = ctx.member_value("", item, false);
            if let (Some(a), Some(obj)) = (first.get(field).cloned(), second.as_object_mut()) {
                let same = matches!(edit, Edit::DuplicateField(_));
                let value = if same {
                    a
                } else {
                    json!(format!("{}2", string_of(a)))
                };
                obj.insert(field.clone(), value);
            }
            let mut items = vec![first, second];
            if matches!(edit, Edit::DistinctField(_)) {
                make_field_unique(&mut items, field);
            }
            Value::Array(items)
        }
        Edit::Members { group, present } => {
            let shape = ctx.spec.members_of(member)?;
            let mut obj = current_or_new(ctx, member, current)
                .as_object()
                .cloned()
                .unwrap_or_default();
            for g in group {
                obj.shift_remove(g);
            }
            for g in present {
                if let Some(m) = shape.members.get(g) {
                    let v = ctx.member_value(g, m, false);
                    obj.insert(g.clone(), v);
                }
            }
            Value::Object(obj)
        }
        Edit::Data {
            non_ascii,
            charset: with_charset,
        } => {
            let shape = ctx.spec.members_of(member)?;
            let rule = shape.rules.ascii_or_charset.as_ref()?;
            let mut obj = Map::new();
            let data = if *non_ascii {
                format!("ses-conformance Grüße {}", ctx.token)
            } else {
                format!("ses-conformance {}", ctx.token)
            };
            obj.insert(rule.data.clone(), json!(data));
            if *with_charset {
                obj.insert(rule.charset.clone(), json!("UTF-8"));
            }
            Value::Object(obj)
        }
        Edit::Mime {
            blank_line,
            line,
            random,
        } => {
            let mut mime = ctx.mime();
            mime.blank_line = *blank_line;
            if let Some(boundary) = line {
                let n = pick_usize(ctx, index, *boundary, *random);
                mime.body.push("x".repeat(n));
            }
            json!(mime.to_base64())
        }
        Edit::Address {
            non_ascii_local,
            non_ascii_domain,
        } => {
            let local = if *non_ascii_local {
                "süccess"
            } else {
                "success"
            };
            let domain = if *non_ascii_domain {
                SIMULATOR_DOMAIN.replacen("simulator", "simulatör", 1)
            } else {
                SIMULATOR_DOMAIN.to_string()
            };
            json!(format!(
                "{local}+{PREFIX_PLACEHOLDER}{}@{domain}",
                ctx.token
            ))
        }
    })
}

fn string_of(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// A JSON value of a type other than the member's.
fn wrong_type(ty: MemberType) -> Value {
    match ty {
        MemberType::String | MemberType::Blob | MemberType::Timestamp => json!(12345),
        MemberType::Integer | MemberType::Double => json!("ten"),
        MemberType::Boolean => json!("yes"),
        MemberType::List | MemberType::Map | MemberType::Structure => json!("not a container"),
    }
}
