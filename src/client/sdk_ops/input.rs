//! Reading the request JSON into SDK values: one [`FromJson`] conversion per Rust type, chosen by
//! the type of the SDK setter a member goes to.
//!
//! Every refusal is an [`SdkFailure::Construction`] naming the member's path from the request's
//! root (`Content.Simple.Subject.Data`, `BulkEmailEntries[0].ReplacementTags[1].Value`).

use aws_sdk_sesv2::error::BuildError;
use aws_smithy_types::Blob;
use base64::Engine as _;
use serde_json::{Map, Value};

use super::super::sdk::SdkFailure;

pub(super) type Obj = Map<String, Value>;
pub(super) type Conv<T> = Result<T, SdkFailure>;

/// A JSON object of the request, with its path from the request's root for error messages.
pub(super) struct At<'a> {
    pub(super) obj: &'a Obj,
    path: String,
}

impl<'a> At<'a> {
    /// The request itself: an object, or `null` read as no members.
    pub(super) fn root(request: &'a Value, empty: &'a Obj) -> Conv<Self> {
        match request {
            Value::Object(obj) => Ok(At {
                obj,
                path: String::new(),
            }),
            Value::Null => Ok(At {
                obj: empty,
                path: String::new(),
            }),
            _ => Err(fail("request", "expected a JSON object")),
        }
    }

    /// A member's value as an object.
    pub(super) fn object(value: &'a Value, path: &str) -> Conv<Self> {
        match value {
            Value::Object(obj) => Ok(At {
                obj,
                path: path.to_string(),
            }),
            _ => Err(fail(path, "expected a JSON object")),
        }
    }

    /// The path of member `name` of this object.
    fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// Refuse members the SDK has no field for: it would drop them without a word.
    pub(super) fn only(&self, known: &[&str]) -> Conv<()> {
        match self.obj.keys().find(|k| !known.contains(&k.as_str())) {
            Some(unknown) => Err(fail(
                &self.path_of(unknown),
                "unknown member (the SDK has no field for it)",
            )),
            None => Ok(()),
        }
    }
}

/// The one member of a union that is set: its name, value and path. None or several set is
/// refused, as the SDK cannot hold it.
pub(super) fn one_of<'v>(
    at: &At<'v>,
    known: &[&'static str],
) -> Conv<(&'static str, &'v Value, String)> {
    at.only(known)?;
    let set: Vec<(&'static str, &'v Value)> = known
        .iter()
        .filter_map(|name| Some((*name, at.obj.get(*name).filter(|v| !v.is_null())?)))
        .collect();
    match set.as_slice() {
        [(name, value)] => Ok((name, value, at.path_of(name))),
        _ => Err(fail(
            &at.path,
            format!(
                "a union: exactly one of {} must be set, {} are",
                known.join(", "),
                set.len()
            ),
        )),
    }
}

/// What [`one_of`] chose named no variant (it chooses among them, so this is a mapping defect).
pub(super) fn not_a_variant<T>(name: &str) -> Conv<T> {
    Err(fail(
        name,
        "not a variant of the union in the generated mapping",
    ))
}

/// A construction failure at `path`.
fn fail(path: &str, what: impl std::fmt::Display) -> SdkFailure {
    SdkFailure::Construction(format!("{path}: {what}"))
}

/// A value the SDK takes, read from the JSON at `path`.
pub(super) trait FromJson: Sized {
    /// Read `value`, found at `path`.
    fn from_json(value: &Value, path: &str) -> Conv<Self>;
}

/// Member `name` of `at`, `None` when absent or `null`.
pub(super) fn read<T: FromJson>(at: &At<'_>, name: &str) -> Conv<Option<T>> {
    at.obj
        .get(name)
        .filter(|v| !v.is_null())
        .map(|v| T::from_json(v, &at.path_of(name)))
        .transpose()
}

/// A member the SDK's builder requires: without it the structure cannot be built.
pub(super) fn required<T>(at: &At<'_>, name: &str, value: Option<T>) -> Conv<T> {
    value.ok_or_else(|| {
        fail(
            &at.path_of(name),
            "missing, and the SDK cannot build the structure without it",
        )
    })
}

/// What a builder's `build()` returns: the structure, or for a structure with members the
/// builder requires, a `Result` whose error is placed at the structure's path.
pub(super) trait Built<T> {
    /// The structure, or the builder's refusal at `at`.
    fn built(self, at: &At<'_>) -> Conv<T>;
}

impl<T> Built<T> for T {
    fn built(self, _: &At<'_>) -> Conv<T> {
        Ok(self)
    }
}

impl<T> Built<T> for Result<T, BuildError> {
    fn built(self, at: &At<'_>) -> Conv<T> {
        let path = if at.path.is_empty() {
            "request"
        } else {
            at.path.as_str()
        };
        self.map_err(|e| fail(path, format!("the SDK cannot build it ({e})")))
    }
}

impl FromJson for String {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        value
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| fail(path, "expected a string"))
    }
}

impl FromJson for i32 {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        value
            .as_i64()
            .and_then(|n| i32::try_from(n).ok())
            .ok_or_else(|| fail(path, "expected an integer within the 32-bit signed range"))
    }
}

impl FromJson for i64 {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        value
            .as_i64()
            .ok_or_else(|| fail(path, "expected an integer within the 64-bit signed range"))
    }
}

/// A timestamp is epoch seconds, as SES's JSON protocol writes it.
impl FromJson for aws_smithy_types::DateTime {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        value
            .as_f64()
            .filter(|secs| secs.is_finite())
            .map(aws_smithy_types::DateTime::from_secs_f64)
            .ok_or_else(|| fail(path, "expected a timestamp in epoch seconds"))
    }
}

impl FromJson for bool {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        value
            .as_bool()
            .ok_or_else(|| fail(path, "expected a boolean"))
    }
}

/// A blob is base64 text.
impl FromJson for Blob {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        let text = String::from_json(value, path)?;
        base64::engine::general_purpose::STANDARD
            .decode(text.as_bytes())
            .map(Blob::new)
            .map_err(|e| fail(path, format!("not valid base64 ({e})")))
    }
}

/// A list; item paths are `Name[i]`.
impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        let items = value
            .as_array()
            .ok_or_else(|| fail(path, "expected a list"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| T::from_json(v, &format!("{path}[{i}]")))
            .collect()
    }
}

/// A map; its keys are converted like string members (an enum key is kept as written), value
/// paths are `Name.key`.
impl<K, V> FromJson for std::collections::HashMap<K, V>
where
    K: FromJson + Eq + std::hash::Hash,
    V: FromJson,
{
    fn from_json(value: &Value, path: &str) -> Conv<Self> {
        let entries = value
            .as_object()
            .ok_or_else(|| fail(path, "expected a map"))?;
        entries
            .iter()
            .map(|(k, v)| {
                let at = format!("{path}.{k}");
                Ok((
                    K::from_json(&Value::String(k.clone()), &at)?,
                    V::from_json(v, &at)?,
                ))
            })
            .collect()
    }
}

/// An enum member, kept as written whether or not the enum has that value, so that invalid
/// values reach the server.
pub(super) fn enum_from_json<E: for<'s> From<&'s str>>(value: &Value, path: &str) -> Conv<E> {
    String::from_json(value, path).map(|s| E::from(s.as_str()))
}

/// The message of a construction failure, or a description of what came instead.
#[cfg(test)]
pub(super) fn refusal<T>(result: Conv<T>) -> String {
    match result {
        Err(SdkFailure::Construction(m)) => m,
        Err(_) => "another failure".into(),
        Ok(_) => "accepted".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::types::{BulkEmailEntry, Destination, EmailContent, EmailTemplateContent};
    use aws_sdk_sesv2::types::{MailType, RawMessage};
    use serde_json::json;

    /// The request read as a `T`, as a structure member would be.
    fn whole<T: FromJson>(request: &Value) -> Conv<T> {
        T::from_json(request, "")
    }

    /// Member `name` of the request read as a `T`.
    fn member<T: FromJson>(request: &Value, name: &str) -> Conv<Option<T>> {
        let empty = Obj::new();
        read(&At::root(request, &empty)?, name)
    }

    #[test]
    fn wrong_typed_member_names_its_path() {
        let request = json!({"Simple": {"Subject": {"Data": 5}}});
        let message = refusal(whole::<EmailContent>(&request));
        assert_eq!(message, "Simple.Subject.Data: expected a string");
    }

    #[test]
    fn wrong_typed_list_item_names_its_index() {
        let request = json!({"ToAddresses": ["a@example.com", true]});
        assert_eq!(
            refusal(whole::<Destination>(&request)),
            "ToAddresses[1]: expected a string"
        );
        let request = json!({"ToAddresses": "a@example.com"});
        assert_eq!(
            refusal(whole::<Destination>(&request)),
            "ToAddresses: expected a list"
        );
    }

    #[test]
    fn map_values_name_their_key_and_enum_keys_are_kept_as_written() {
        use std::collections::HashMap;
        // Any string enum converts as a key (ListEmailIdentities' Filter is keyed by one).
        type Filter = HashMap<MailType, String>;
        let request = json!({"Filter": {"MARKETING": "sc", "NOT_A_KEY": 3}});
        assert_eq!(
            refusal(member::<Filter>(&request, "Filter")),
            "Filter.NOT_A_KEY: expected a string"
        );
        let request = json!({"Filter": {"NOT_A_KEY": "x"}});
        let map = member::<Filter>(&request, "Filter")
            .unwrap_or_else(|_| panic!("a string value converts"))
            .unwrap_or_default();
        assert_eq!(map.keys().next().map(|k| k.as_str()), Some("NOT_A_KEY"));
        let request = json!({"Filter": []});
        assert_eq!(
            refusal(member::<Filter>(&request, "Filter")),
            "Filter: expected a map"
        );
    }

    #[test]
    fn integers_must_fit_i32() {
        let request = json!({"PageSize": 2_147_483_648_i64});
        assert!(refusal(member::<i32>(&request, "PageSize"))
            .starts_with("PageSize: expected an integer"));
        let request = json!({"PageSize": 1.5});
        assert!(refusal(member::<i32>(&request, "PageSize"))
            .starts_with("PageSize: expected an integer"));
        let request = json!({"PageSize": -2_147_483_648_i64});
        assert!(matches!(
            member::<i32>(&request, "PageSize"),
            Ok(Some(i32::MIN))
        ));
    }

    #[test]
    fn non_base64_blob_is_refused() {
        let request = json!({"Raw": {"Data": "this is not base64!"}});
        let message = refusal(whole::<EmailContent>(&request));
        assert!(
            message.starts_with("Raw.Data: not valid base64"),
            "{message}"
        );
    }

    #[test]
    fn base64_blob_is_decoded() {
        let request = json!({"Data": "aGVsbG8="});
        let raw = whole::<RawMessage>(&request);
        assert!(matches!(raw, Ok(r) if r.data.as_ref() == b"hello"));
    }

    #[test]
    fn missing_builder_required_member_names_its_path() {
        let request = json!({"Simple": {"Subject": {"Charset": "UTF-8"}}});
        let message = refusal(whole::<EmailContent>(&request));
        assert!(
            message.starts_with("Simple.Subject.Data: missing"),
            "{message}"
        );
        let request = json!({"BulkEmailEntries": [{"ReplacementTags": [{"Name": "n"}]}]});
        let message = refusal(member::<Vec<BulkEmailEntry>>(&request, "BulkEmailEntries"));
        assert!(
            message.starts_with("BulkEmailEntries[0].ReplacementTags[0].Value: missing"),
            "{message}"
        );
    }

    #[test]
    fn unknown_member_is_refused() {
        let request = json!({"Subject": "s", "Bogus": 1});
        assert!(
            refusal(whole::<EmailTemplateContent>(&request)).starts_with("Bogus: unknown member")
        );
    }

    #[test]
    fn null_member_is_unset() {
        let request = json!({"Subject": null, "Text": "t"});
        let content = whole::<EmailTemplateContent>(&request);
        assert!(matches!(content, Ok(c) if c.subject.is_none() && c.text.as_deref() == Some("t")));
    }

    #[test]
    fn enum_values_outside_the_enum_are_kept() {
        assert_eq!(MailType::from("marketing").as_str(), "marketing");
        let request = json!({"MailType": "SOMETHING_ELSE"});
        let mail_type = member::<MailType>(&request, "MailType");
        assert!(matches!(mail_type, Ok(Some(m)) if m.as_str() == "SOMETHING_ELSE"));
    }

    #[test]
    fn request_must_be_an_object_or_null() {
        let empty = Obj::new();
        assert!(matches!(At::root(&Value::Null, &empty), Ok(at) if at.obj.is_empty()));
        assert_eq!(
            refusal(At::root(&json!([1]), &empty)),
            "request: expected a JSON object"
        );
    }
}
