//! Sending: SendEmail, SendBulkEmail and a deliverability test, each from a verified sender,
//! and in the sandbox mode only to verified identities and the simulator, within the quota.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::case::{stable_hash, SIMULATOR_DOMAIN};
use crate::reference::error::ApiError;
use crate::reference::sandbox;
use crate::reference::state::{Reply, State};

impl State {
    /// In the sandbox: mail goes only to verified identities and the simulator, within the
    /// sending rate and the daily quota.
    pub(super) fn sandbox_send(&mut self, recipients: &[String]) -> Result<(), ApiError> {
        if self.sandbox.is_none() {
            return Ok(());
        }
        for address in recipients {
            let at_simulator = address
                .rsplit_once('@')
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(SIMULATOR_DOMAIN));
            let verified = self.is_verified(address);
            if !at_simulator && !verified {
                return Err(sandbox::not_verified(address));
            }
        }
        match &mut self.sandbox {
            Some(s) => s.send(recipients.len() as u64),
            None => Ok(()),
        }
    }

    /// A send in the sandbox mode: the recipients of the request, read by the responder.
    pub fn send_in_sandbox(
        &mut self,
        operation: &str,
        request: &Map<String, Value>,
        recipients: &[String],
        bad_entries: &BTreeMap<usize, String>,
    ) -> Reply {
        match operation {
            "SendEmail" => {
                self.check_sender(request)?;
                self.check_template_content(
                    request.get("Content").and_then(|c| c.get("Template")),
                )?;
                self.sandbox_send(recipients)?;
                self.sent += 1;
                Ok(json!({"MessageId": self.message_id()}))
            }
            "SendBulkEmail" => self.send_bulk_in_sandbox(request, bad_entries),
            _ => self.handle(operation, request),
        }
    }

    /// SendBulkEmail as real SES does it: recipients are checked per entry, and an entry with a
    /// malformed one gets `INVALID_PARAMETER` and no MessageId while the others go.
    pub(super) fn send_bulk_in_sandbox(
        &mut self,
        request: &Map<String, Value>,
        bad_entries: &BTreeMap<usize, String>,
    ) -> Reply {
        self.check_bulk_request(request)?;
        let entries = request
            .get("BulkEmailEntries")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let mut results = Vec::new();
        for (i, entry) in entries.iter().enumerate() {
            if let Some(error) = bad_entries.get(&i) {
                results.push(json!({"Status": "INVALID_PARAMETER", "Error": error}));
                continue;
            }
            let recipients = entry_recipients(entry);
            match self.sandbox_send(&recipients) {
                Ok(()) => {
                    self.sent += 1;
                    results.push(json!({"Status": "SUCCESS", "MessageId": self.message_id()}));
                }
                Err(e) if e.error_type == "MessageRejected" => {
                    results.push(json!({"Status": "MESSAGE_REJECTED", "Error": e.message}))
                }
                Err(e) => return Err(e),
            }
        }
        Ok(json!({"BulkEmailEntryResults": results}))
    }

    /// "The address that you specify has to be verified": the address itself or its domain.
    pub(super) fn check_sender(&self, request: &Map<String, Value>) -> Result<(), ApiError> {
        let Some(from) = request.get("FromEmailAddress").and_then(Value::as_str) else {
            return Ok(());
        };
        let domain = from.rsplit('@').next().unwrap_or(from);
        let verified = |name: &str| self.is_verified(name);
        if verified(from) || verified(domain) {
            Ok(())
        } else {
            Err(ApiError::new(
                "MessageRejected",
                format!("Email address is not verified: {from}"),
            ))
        }
    }

    pub(super) fn check_template_content(&self, template: Option<&Value>) -> Result<(), ApiError> {
        let Some(template) = template else {
            return Ok(());
        };
        match template.get("TemplateName").and_then(Value::as_str) {
            Some(name) => self.template(name).map(|_| ()),
            None if template.get("TemplateArn").is_some() => Ok(()),
            None => Err(ApiError::bad_request(
                "A template needs TemplateName or TemplateArn.",
            )),
        }
    }

    pub(super) fn send_email(&mut self, request: &Map<String, Value>) -> Reply {
        self.check_sender(request)?;
        self.check_template_content(request.get("Content").and_then(|c| c.get("Template")))?;
        self.sent += 1;
        Ok(json!({"MessageId": self.message_id()}))
    }

    /// What a bulk send checks before its entries: the sender, and the default template.
    fn check_bulk_request(&self, request: &Map<String, Value>) -> Result<(), ApiError> {
        self.check_sender(request)?;
        self.check_template_content(
            request
                .get("DefaultContent")
                .and_then(|c| c.get("Template")),
        )
    }

    pub(super) fn send_bulk_email(&mut self, request: &Map<String, Value>) -> Reply {
        self.check_bulk_request(request)?;
        let entries = request
            .get("BulkEmailEntries")
            .and_then(Value::as_array)
            .map(Vec::len)
            .unwrap_or(0);
        let mut results = Vec::new();
        for _ in 0..entries {
            self.sent += 1;
            results.push(json!({"Status": "SUCCESS", "MessageId": self.message_id()}));
        }
        Ok(json!({"BulkEmailEntryResults": results}))
    }

    pub(super) fn create_report(&mut self, request: &Map<String, Value>) -> Reply {
        self.check_sender(request)?;
        self.check_template_content(request.get("Content").and_then(|c| c.get("Template")))?;
        if let Some(sandbox) = &mut self.sandbox {
            sandbox.record(
                "CreateDeliverabilityTestReport started a billed inbox placement test".into(),
            );
        }
        self.next_id += 1;
        Ok(json!({
            "ReportId": format!("{:032x}", stable_hash(&format!("report-{}", self.next_id)) as u128),
            "DeliverabilityTestStatus": "IN_PROGRESS"
        }))
    }
}

/// The To, Cc and Bcc addresses of a bulk entry.
fn entry_recipients(entry: &Value) -> Vec<String> {
    ["ToAddresses", "CcAddresses", "BccAddresses"]
        .iter()
        .filter_map(|k| entry.pointer(&format!("/Destination/{k}")))
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_string)
        .collect()
}
