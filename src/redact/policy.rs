//! Policy documents name accounts bare: `"Principal": {"AWS": "444455556666"}`,
//! `"Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}`. They come as JSON text
//! inside JSON answers (GetEmailIdentityPolicies' `Policies` values, GetEmailIdentity's
//! `Policies`), so JSON text inside strings is read as JSON too.

use serde_json::Value;

use super::accounts::{account_id, twelve_digit_runs, AccountId};

/// The members of a policy statement whose every 12-digit number is an account id.
const ACCOUNT_MEMBERS: [&str; 3] = ["Principal", "NotPrincipal", "Condition"];

/// How deep JSON text inside strings is read (a document inside a document inside an answer).
const MAX_NESTING: usize = 4;

/// Every account id that a policy document in `value`, or in JSON text inside it, names in a
/// `Principal`, `NotPrincipal` or `Condition`: any run of 12 digits in a string or key there,
/// and any 12-digit number.
pub fn policy_accounts(value: &Value) -> Vec<AccountId> {
    let mut found = Vec::new();
    walk(value, false, 0, &mut found);
    found
}

/// [`policy_accounts`] of `text` when it is JSON text; none otherwise.
pub fn policy_accounts_in_text(text: &str) -> Vec<AccountId> {
    let mut found = Vec::new();
    walk_text(text, false, 0, &mut found);
    found
}

fn walk_text(text: &str, inside: bool, nesting: usize, found: &mut Vec<AccountId>) {
    if nesting > MAX_NESTING || !looks_like_json(text) {
        return;
    }
    if !ACCOUNT_MEMBERS.iter().any(|m| text.contains(m)) && !inside {
        return;
    }
    if let Ok(value) = serde_json::from_str::<Value>(text) {
        walk(&value, inside, nesting + 1, found);
    }
}

fn walk(value: &Value, inside: bool, nesting: usize, found: &mut Vec<AccountId>) {
    match value {
        Value::String(s) => {
            if inside {
                found.extend(twelve_digit_runs(s).map(|(_, id)| id));
            }
            walk_text(s, inside, nesting, found);
        }
        Value::Number(n) if inside => {
            if let Some(id) = n
                .as_u64()
                .and_then(|n| account_id(n.to_string().as_bytes()))
            {
                found.push(id);
            }
        }
        Value::Array(items) => {
            for item in items {
                walk(item, inside, nesting, found);
            }
        }
        Value::Object(obj) => {
            for (key, item) in obj {
                if inside {
                    found.extend(twelve_digit_runs(key).map(|(_, id)| id));
                }
                let names_accounts = inside || ACCOUNT_MEMBERS.contains(&key.as_str());
                walk(item, names_accounts, nesting, found);
            }
        }
        _ => {}
    }
}

/// Whether text may be a JSON object or array: worth parsing.
fn looks_like_json(text: &str) -> bool {
    let trimmed = text.trim_start();
    trimmed.starts_with('{') || trimmed.starts_with('[')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ids(found: Vec<AccountId>) -> Vec<String> {
        found
            .iter()
            .map(|id| String::from_utf8_lossy(id).into_owned())
            .collect()
    }

    #[test]
    fn principals_and_conditions_name_accounts_whoever_owns_them() {
        let policy = json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Principal": {"AWS": ["444455556666", "arn:aws:iam::777788889999:root"]},
                "Condition": {"StringEquals": {"aws:SourceAccount": 123456789012u64}},
                "Resource": "*",
                "Sid": "Seq111122223333"
            }]
        });
        assert_eq!(
            ids(policy_accounts(&policy)),
            ["444455556666", "777788889999", "123456789012"]
        );
    }

    #[test]
    fn policy_documents_inside_answers_are_read() {
        let document = json!({"Statement": [{"NotPrincipal": {"AWS": "444455556666"}}]});
        let answer = json!({"Policies": {"p": document.to_string()}});
        assert_eq!(ids(policy_accounts(&answer)), ["444455556666"]);
        assert_eq!(
            ids(policy_accounts_in_text(&answer.to_string())),
            ["444455556666"]
        );
    }

    #[test]
    fn numbers_outside_principals_and_conditions_are_not_account_ids() {
        let answer = json!({"Statement": [{"Sid": "111122223333", "Resource": "444455556666"}], "n": 123456789012u64});
        assert!(policy_accounts(&answer).is_empty());
        assert!(policy_accounts_in_text("not json 111122223333").is_empty());
        assert!(policy_accounts_in_text("{\"Principal\": \"000000000000\"").is_empty());
    }
}
