//! The mailbox-simulator guard: every address SES could mail, reply to or send bounces to,
//! anywhere in a decoded request (raw MIME headers included), must be at the SES mailbox
//! simulator. Addresses are read the way a mail system reads them (RFC 5322 address lists,
//! folded header lines, encoded words) by `mailparse`; anything that cannot be read is refused.

use base64::Engine as _;
use mailparse::{MailAddr, MailHeader};
use serde_json::Value;

use super::Refusal;
use crate::case::SIMULATOR_DOMAIN;
use crate::spec::{Member, MemberType, Operation, Semantic, Spec};

/// The addresses of a request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recipients {
    /// Addresses SES delivers the message to: what counts against the sending quotas.
    pub deliveries: u64,
    /// Those addresses.
    pub delivered: Vec<String>,
    /// Every address seen (recipients, reply-to, feedback, raw headers), in request order.
    pub addresses: Vec<String>,
}

/// Headers whose addresses SES or a mail client writes to (recipients, replies, receipts,
/// bounces).
const RECIPIENT_HEADERS: &[&str] = &[
    "to",
    "cc",
    "bcc",
    "resent-to",
    "resent-cc",
    "resent-bcc",
    "reply-to",
    "resent-reply-to",
    "mail-reply-to",
    "mail-followup-to",
    "disposition-notification-to",
    "return-receipt-to",
    "x-confirm-reading-to",
    "errors-to",
    "return-path",
];

/// The headers among them that name who receives the message.
const DELIVERY_HEADERS: &[&str] = &["to", "cc", "bcc"];

/// Originator headers: SES checks them against verified identities and never writes to them, but
/// they must still parse.
const ORIGINATOR_HEADERS: &[&str] = &["from", "sender", "resent-from", "resent-sender"];

/// Headers that carry `@` in message ids, not in addresses.
const MESSAGE_ID_HEADERS: &[&str] = &[
    "message-id",
    "in-reply-to",
    "references",
    "content-id",
    "resent-message-id",
];

/// Check every address of a decoded request: each must be at the mailbox simulator.
pub fn check(spec: &Spec, op: &Operation, request: &Value) -> Result<Recipients, Refusal> {
    walk(spec, op, request, true)
}

/// Read every address of a decoded request, wherever it is (the embedded reference's sandbox
/// checks them against verified identities). Anything unreadable is still refused.
pub fn read(spec: &Spec, op: &Operation, request: &Value) -> Result<Recipients, Refusal> {
    walk(spec, op, request, false)
}

fn walk(
    spec: &Spec,
    op: &Operation,
    request: &Value,
    simulator_only: bool,
) -> Result<Recipients, Refusal> {
    let mut walk = Walk {
        spec,
        operation: &op.operation,
        simulator_only,
        found: Recipients::default(),
        raw_delivered: Vec::new(),
    };
    if let Some(obj) = request.as_object() {
        for (name, member) in &op.input {
            if let Some(v) = obj.get(name).filter(|v| !v.is_null()) {
                walk.member(member, v, name)?;
            }
        }
    }
    // A raw message's To/Cc/Bcc are its recipients only when no Destination names any.
    if walk.found.delivered.is_empty() {
        walk.found.delivered = std::mem::take(&mut walk.raw_delivered);
    }
    walk.found.deliveries = walk.found.delivered.len() as u64;
    Ok(walk.found)
}

struct Walk<'a> {
    spec: &'a Spec,
    operation: &'a str,
    simulator_only: bool,
    found: Recipients,
    raw_delivered: Vec<String>,
}

impl Walk<'_> {
    fn refuse(&self, at: &str, reason: impl Into<String>) -> Refusal {
        Refusal::Recipient {
            operation: self.operation.to_string(),
            at: at.to_string(),
            reason: reason.into(),
        }
    }

    fn member(&mut self, member: &Member, value: &Value, at: &str) -> Result<(), Refusal> {
        match member.ty {
            MemberType::String => match member.semantic {
                Some(Semantic::RecipientAddress) => {
                    let addresses = self.address_value(value, at)?;
                    self.found.delivered.extend(addresses);
                    Ok(())
                }
                Some(Semantic::EmailAddress) => self.address_value(value, at).map(|_| ()),
                _ => Ok(()),
            },
            MemberType::Blob if member.semantic == Some(Semantic::MimeMessage) => {
                self.mime(value, at)
            }
            MemberType::List => {
                let Some(item) = member.member.as_deref() else {
                    return Ok(());
                };
                if !self.spec.can_mail(item) {
                    return Ok(());
                }
                let Some(items) = value.as_array() else {
                    return Err(
                        self.refuse(at, "not a list, so whom SES would mail cannot be read")
                    );
                };
                for (i, v) in items.iter().enumerate() {
                    self.member(item, v, &format!("{at}[{i}]"))?;
                }
                Ok(())
            }
            MemberType::Structure => {
                let Some(shape) = self.spec.members_of(member) else {
                    return Ok(());
                };
                if !self.spec.can_mail(member) {
                    return Ok(());
                }
                let Some(obj) = value.as_object() else {
                    return Err(
                        self.refuse(at, "not an object, so whom SES would mail cannot be read")
                    );
                };
                for (name, m) in &shape.members {
                    if let Some(v) = obj.get(name).filter(|v| !v.is_null()) {
                        self.member(m, v, &format!("{at}.{name}"))?;
                    }
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// One JSON address value: a string holding simulator addresses only. Returns them.
    fn address_value(&mut self, value: &Value, at: &str) -> Result<Vec<String>, Refusal> {
        let Some(text) = value.as_str() else {
            return Err(self.refuse(at, "not a string, so whom SES would mail cannot be read"));
        };
        if text.chars().any(char::is_control) {
            return Err(self.refuse(
                at,
                format!("{text:?} holds a control character (a header could be injected)"),
            ));
        }
        let list = mailparse::addrparse(text)
            .map_err(|e| self.refuse(at, format!("{text:?} is not an address list: {e}")))?;
        let addresses = self.simulator_only(&list, at)?;
        self.no_stray_at_sign(text, &addresses, at)?;
        Ok(addresses)
    }

    /// An `@` outside the addresses themselves (in a display name, a comment, a group name) is
    /// refused: another mail parser might read it as a recipient, and nothing the harness sends
    /// needs one.
    fn no_stray_at_sign(&self, text: &str, addresses: &[String], at: &str) -> Result<(), Refusal> {
        if text.matches('@').count() > addresses.len() {
            return Err(self.refuse(
                at,
                format!("{text:?} holds an @ outside its addresses (a display name or comment another parser might read as one)"),
            ));
        }
        Ok(())
    }

    /// Every mailbox of a parsed address list (at the simulator, when the walk checks that).
    fn simulator_only(&mut self, list: &[MailAddr], at: &str) -> Result<Vec<String>, Refusal> {
        let mut out = Vec::new();
        for addr in list {
            let mailboxes = match addr {
                MailAddr::Single(single) => vec![single.addr.clone()],
                MailAddr::Group(group) => group.addrs.iter().map(|a| a.addr.clone()).collect(),
            };
            for mailbox in mailboxes {
                if self.simulator_only {
                    if let Err(why) = at_simulator(&mailbox) {
                        return Err(self.refuse(at, why.to_string()));
                    }
                }
                self.found.addresses.push(mailbox.clone());
                out.push(mailbox);
            }
        }
        Ok(out)
    }

    /// A raw MIME message: base64 that decodes, headers that parse, and simulator addresses in
    /// every header SES or a mail client would write to.
    fn mime(&mut self, value: &Value, at: &str) -> Result<(), Refusal> {
        let Some(b64) = value.as_str() else {
            return Err(self.refuse(at, "a raw message that is not a base64 string"));
        };
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(b64)
            .map_err(|e| {
                self.refuse(
                    at,
                    format!(
                        "a raw message that is not base64 ({e}), so its recipients cannot be read"
                    ),
                )
            })?;
        let (headers, _) = mailparse::parse_headers(&bytes).map_err(|e| {
            self.refuse(
                at,
                format!("a raw message whose headers do not parse ({e})"),
            )
        })?;
        for header in &headers {
            self.mime_header(header, at)?;
        }
        Ok(())
    }

    fn mime_header(&mut self, header: &MailHeader<'_>, at: &str) -> Result<(), Refusal> {
        let name = header.get_key().trim().to_ascii_lowercase();
        let here = format!("{at} header {}", header.get_key().trim());
        if MESSAGE_ID_HEADERS.contains(&name.as_str()) {
            return Ok(());
        }
        let value = header.get_value();
        let addresses = RECIPIENT_HEADERS.contains(&name.as_str())
            || ORIGINATOR_HEADERS.contains(&name.as_str());
        if !addresses {
            if value.contains('@') {
                return Err(self.refuse(
                    &here,
                    "an address in a header the guard does not know how SES treats",
                ));
            }
            return Ok(());
        }
        let list = mailparse::addrparse_header(header)
            .map_err(|e| self.refuse(&here, format!("{value:?} is not an address list: {e}")))?;
        if ORIGINATOR_HEADERS.contains(&name.as_str()) {
            return Ok(());
        }
        let addresses = self.simulator_only(&list, &here)?;
        self.no_stray_at_sign(&value, &addresses, &here)?;
        if DELIVERY_HEADERS.contains(&name.as_str()) {
            self.raw_delivered.extend(addresses);
        }
        Ok(())
    }
}

/// Why an address is not a mailbox-simulator address.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NotAtSimulator {
    /// No `@`, or more than one: which part is the domain is a guess.
    #[error("{address:?} does not hold exactly one @, so its domain is ambiguous")]
    AmbiguousDomain {
        /// The address.
        address: String,
    },
    /// Nothing before the `@`.
    #[error("{address:?} has no local part")]
    NoLocalPart {
        /// The address.
        address: String,
    },
    /// A domain other than the simulator's.
    #[error("recipient {address:?} is not at the SES mailbox simulator ({SIMULATOR_DOMAIN})")]
    OtherDomain {
        /// The address.
        address: String,
    },
}

/// `local@simulator.amazonses.com`, the domain compared exactly in ASCII, one `@` only.
pub fn at_simulator(address: &str) -> Result<(), NotAtSimulator> {
    let mut parts = address.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NotAtSimulator::AmbiguousDomain {
            address: address.to_string(),
        });
    };
    if local.is_empty() {
        return Err(NotAtSimulator::NoLocalPart {
            address: address.to_string(),
        });
    }
    if !domain.is_ascii() || !domain.eq_ignore_ascii_case(SIMULATOR_DOMAIN) {
        return Err(NotAtSimulator::OtherDomain {
            address: address.to_string(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec() -> Spec {
        Spec::load_default().unwrap_or_else(|e| panic!("{e}"))
    }

    fn send_email(request: Value) -> Result<Recipients, Refusal> {
        let spec = spec();
        let op = spec
            .operation("SendEmail")
            .unwrap_or_else(|| panic!("SendEmail"));
        check(&spec, op, &request)
    }

    fn raw(message: &str) -> Value {
        json!({"Content": {"Raw": {"Data": base64::engine::general_purpose::STANDARD.encode(message)}}})
    }

    #[test]
    fn simulator_addresses_pass_and_are_counted() {
        let r = send_email(json!({
            "Destination": {"ToAddresses": ["success+x@simulator.amazonses.com"], "CcAddresses": ["Bounce <bounce@SIMULATOR.amazonses.com>"]},
            "ReplyToAddresses": ["ooto@simulator.amazonses.com"]
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.deliveries, 2, "reply-to is checked but not a delivery");
        assert_eq!(r.addresses.len(), 3);
    }

    #[test]
    fn a_person_anywhere_is_refused() {
        for request in [
            json!({"Destination": {"BccAddresses": ["someone@example.com"]}}),
            json!({"ReplyToAddresses": ["someone@example.com"]}),
            json!({"FeedbackForwardingEmailAddress": "someone@example.com"}),
            json!({"Destination": {"ToAddresses": ["<ceo@example.com>, x@simulator.amazonses.com"]}}),
            json!({"Destination": {"ToAddresses": ["x@simulator.amazonses.com, <ceo@example.com>"]}}),
            json!({"Destination": {"ToAddresses": ["team: ceo@example.com, x@simulator.amazonses.com;"]}}),
            json!({"Destination": {"ToAddresses": ["x@simulator.amazonses.com.evil.example"]}}),
            json!({"Destination": {"ToAddresses": ["x@simulatör.amazonses.com"]}}),
            json!({"Destination": {"ToAddresses": ["ceo@example.com@simulator.amazonses.com"]}}),
        ] {
            assert!(send_email(request.clone()).is_err(), "{request}");
        }
    }

    #[test]
    fn what_cannot_be_read_is_refused() {
        for request in [
            json!({"Destination": {"ToAddresses": [12345]}}),
            json!({"Destination": {"ToAddresses": "x@simulator.amazonses.com"}}),
            json!({"Destination": "not a container"}),
            json!({"Destination": {"ToAddresses": ["x@simulator.amazonses.com\r\nBcc: ceo@example.com"]}}),
            json!({"Content": {"Raw": {"Data": "this is not base64!"}}}),
            json!({"Content": {"Raw": {"Data": 5}}}),
        ] {
            assert!(send_email(request.clone()).is_err(), "{request}");
        }
    }

    #[test]
    fn raw_headers_are_unfolded_and_read() {
        let ok = "From: me@example.org\r\nTo: Someone <success@simulator.amazonses.com>\r\nSubject: s\r\n\r\nbody";
        assert_eq!(send_email(raw(ok)).map(|r| r.deliveries), Ok(1));
        let folded = "From: me@example.org\r\nTo: success@simulator.amazonses.com,\r\n ceo@example.com\r\nSubject: s\r\n\r\nbody";
        assert!(send_email(raw(folded)).is_err(), "a folded To line");
        for header in [
            "Cc",
            "Bcc",
            "Resent-To",
            "Reply-To",
            "Disposition-Notification-To",
            "Return-Path",
        ] {
            let msg = format!("From: me@example.org\r\nTo: success@simulator.amazonses.com\r\n{header}: ceo@example.com\r\n\r\nbody");
            assert!(send_email(raw(&msg)).is_err(), "{header}");
        }
        let unknown = "From: me@example.org\r\nTo: success@simulator.amazonses.com\r\nX-Forward-To: ceo@example.com\r\n\r\nbody";
        assert!(
            send_email(raw(unknown)).is_err(),
            "an address in an unknown header"
        );
        let ids = "From: me@example.org\r\nTo: success@simulator.amazonses.com\r\nMessage-ID: <1@example.com>\r\n\r\nbody";
        assert!(send_email(raw(ids)).is_ok(), "message ids carry @ too");
    }

    #[test]
    fn raw_recipients_count_only_without_a_destination() {
        let msg = "From: me@example.org\r\nTo: success@simulator.amazonses.com, bounce@simulator.amazonses.com\r\n\r\nbody";
        let mut request = raw(msg);
        assert_eq!(send_email(request.clone()).map(|r| r.deliveries), Ok(2));
        request["Destination"] = json!({"ToAddresses": ["success@simulator.amazonses.com"]});
        assert_eq!(send_email(request).map(|r| r.deliveries), Ok(1));
    }

    #[test]
    fn the_domain_is_compared_exactly() {
        assert!(at_simulator("success@simulator.amazonses.com").is_ok());
        assert!(at_simulator("success+label@Simulator.AmazonSES.com").is_ok());
        assert!(at_simulator("süccess@simulator.amazonses.com").is_ok());
        assert!(at_simulator("success@simulatör.amazonses.com").is_err());
        assert!(at_simulator("success@simulator.amazonses.com.").is_err());
        assert!(at_simulator("@simulator.amazonses.com").is_err());
        assert!(at_simulator("no-at-sign").is_err());
    }
}
