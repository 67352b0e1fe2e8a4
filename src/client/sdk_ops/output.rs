//! Printing the SDK's typed outputs as JSON with the SES wire names: one [`ToJson`] conversion
//! per Rust type. `None` members are left out, timestamps are epoch seconds, enums their wire
//! strings, maps JSON objects with sorted keys.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::DateTime;
use serde_json::Value;

use super::super::sdk::{summarize, SdkResult};

/// A value of an SDK output, as the JSON SES would have sent.
pub(super) trait ToJson {
    /// The JSON value; `None` leaves the member out.
    fn to_json(&self) -> Option<Value>;
}

/// An object of the members that are present, in the order given.
pub(super) fn object<const N: usize>(members: [(&str, Option<Value>); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
            .collect(),
    )
}

/// Turn what `send()` returned into an [`SdkResult`], printing a typed output with `print`.
pub(super) fn finish<O, E, R>(
    result: Result<O, SdkError<E, R>>,
    print: impl FnOnce(&O) -> Value,
) -> SdkResult
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(o) => SdkResult::Output(print(&o)),
        Err(e) => SdkResult::Failed(summarize(e)),
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Option<Value> {
        self.as_ref().and_then(ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Option<Value> {
        Some(self.iter().filter_map(ToJson::to_json).collect())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.as_str()))
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Option<Value> {
        Some(Value::Bool(*self))
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

/// A double; non-finite values (which JSON cannot hold) print as `null`.
impl ToJson for f64 {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(*self))
    }
}

/// Epoch seconds.
impl ToJson for DateTime {
    fn to_json(&self) -> Option<Value> {
        Some(Value::from(self.as_secs_f64()))
    }
}

/// A string map, keys sorted so that printed outputs are stable.
impl ToJson for HashMap<String, String> {
    fn to_json(&self) -> Option<Value> {
        let sorted: BTreeMap<&String, &String> = self.iter().collect();
        Some(Value::Object(
            sorted
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        ))
    }
}

/// An enum's wire string, whether or not the SDK knows the value.
pub(super) fn enum_to_json<E: AsRef<str>>(e: &E) -> Option<Value> {
    Some(Value::from(e.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::types::{DkimAttributes, DkimStatus};
    use serde_json::json;

    #[test]
    fn outputs_use_wire_names_and_omit_absent_members() {
        let dkim = DkimAttributes::builder()
            .signing_enabled(true)
            .status(DkimStatus::Pending)
            .tokens("t1")
            .last_key_generation_timestamp(DateTime::from_secs(1_700_000_000))
            .build();
        assert_eq!(
            dkim.to_json(),
            Some(
                json!({"SigningEnabled": true, "Status": "PENDING", "Tokens": ["t1"], "LastKeyGenerationTimestamp": 1_700_000_000.0})
            )
        );
    }

    #[test]
    fn maps_print_sorted() {
        let policies: HashMap<String, String> = [
            ("b".to_string(), "2".to_string()),
            ("a".to_string(), "1".to_string()),
        ]
        .into_iter()
        .collect();
        let printed = Some(policies).to_json().map(|v| v.to_string());
        assert_eq!(printed.as_deref(), Some(r#"{"a":"1","b":"2"}"#));
    }
}
