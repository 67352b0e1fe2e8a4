//! The last guard before a request leaves for real SES: mail goes only to the SES mailbox
//! simulator. Generation already only writes simulator addresses; this check makes the rule hold
//! even if a case, a profile or a future generator gets it wrong.

use base64::Engine as _;
use serde_json::Value;

use crate::case::SIMULATOR_DOMAIN;
use crate::spec::{Member, MemberType, Operation, Semantic, Spec};

/// Why a request must not be sent to real SES, if it must not.
pub fn refusal(spec: &Spec, op: &Operation, request: &Value) -> Option<String> {
    let mut addresses = Vec::new();
    if let Some(obj) = request.as_object() {
        for (name, member) in &op.input {
            if let Some(v) = obj.get(name) {
                collect(spec, member, v, &mut addresses);
            }
        }
    }
    addresses
        .into_iter()
        .find(|a| !is_simulator_address(a))
        .map(|a| format!("refused to send {}: recipient {a:?} is not at the SES mailbox simulator ({SIMULATOR_DOMAIN})", op.operation))
}

/// Recipients and other addresses SES may write to, anywhere in the request, including the
/// header lines of raw MIME messages.
fn collect(spec: &Spec, member: &Member, value: &Value, out: &mut Vec<String>) {
    match member.ty {
        MemberType::String => {
            let mails_it = matches!(
                member.semantic,
                Some(Semantic::RecipientAddress) | Some(Semantic::EmailAddress)
            );
            if let (true, Some(s)) = (mails_it, value.as_str()) {
                out.push(s.to_string());
            }
        }
        MemberType::Blob if member.semantic == Some(Semantic::MimeMessage) => {
            if let Some(text) = value
                .as_str()
                .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
                .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
            {
                out.extend(mime_recipients(&text));
            }
        }
        MemberType::List => {
            if let (Some(item), Some(items)) = (member.member.as_deref(), value.as_array()) {
                for v in items {
                    collect(spec, item, v, out);
                }
            }
        }
        MemberType::Structure => {
            if let (Some(shape), Some(obj)) = (spec.members_of(member), value.as_object()) {
                for (name, m) in &shape.members {
                    if let Some(v) = obj.get(name) {
                        collect(spec, m, v, out);
                    }
                }
            }
        }
        _ => {}
    }
}

/// Addresses in the To, Cc, Bcc and Reply-To headers of a MIME message.
fn mime_recipients(message: &str) -> Vec<String> {
    let headers = message.split("\r\n\r\n").next().unwrap_or(message);
    let mut out = Vec::new();
    for line in headers.lines() {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        if ["to", "cc", "bcc", "reply-to"].contains(&name.trim().to_ascii_lowercase().as_str()) {
            for part in value.split(',') {
                let address = part.trim();
                let address = address
                    .rsplit_once('<')
                    .map(|(_, a)| a.trim_end_matches('>'))
                    .unwrap_or(address);
                out.push(address.to_string());
            }
        }
    }
    out
}

/// `...@simulator.amazonses.com`; a non-ASCII look-alike under `.amazonses.com` (the
/// Punycode cases) is undeliverable as written and stays within Amazon's domain.
pub fn is_simulator_address(address: &str) -> bool {
    let Some((_, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let domain = domain.to_lowercase();
    domain == SIMULATOR_DOMAIN || (!domain.is_ascii() && domain.ends_with(".amazonses.com"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn simulator_addresses_pass_and_others_are_refused() {
        let spec = spec();
        let op = spec
            .operation("SendEmail")
            .unwrap_or_else(|| panic!("SendEmail"));
        let ok = json!({"Destination": {"ToAddresses": ["success+x@simulator.amazonses.com"]}, "ReplyToAddresses": ["bounce@simulator.amazonses.com"]});
        assert_eq!(refusal(&spec, op, &ok), None);
        let person = json!({"Destination": {"BccAddresses": ["someone@example.com"]}});
        assert!(refusal(&spec, op, &person).is_some_and(|r| r.contains("someone@example.com")));
    }

    #[test]
    fn raw_messages_are_read_for_their_recipients() {
        let spec = spec();
        let op = spec
            .operation("SendEmail")
            .unwrap_or_else(|| panic!("SendEmail"));
        let raw = |to: &str| {
            let msg = format!("From: a@b.example\r\nTo: Someone <{to}>\r\nSubject: s\r\n\r\nbody");
            json!({"Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(msg)}}})
        };
        assert_eq!(
            refusal(&spec, op, &raw("success@simulator.amazonses.com")),
            None
        );
        assert!(refusal(&spec, op, &raw("ceo@example.com")).is_some());
    }

    #[test]
    fn look_alike_domains_are_only_accepted_under_amazonses() {
        assert!(is_simulator_address("success@simulatör.amazonses.com"));
        assert!(!is_simulator_address(
            "success@simulator.amazonses.com.evil.example"
        ));
        assert!(!is_simulator_address("success@exämple.com"));
        assert!(!is_simulator_address("no-at-sign"));
    }
}
