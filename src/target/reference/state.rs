//! The reference target's state and one handler per operation: what the documentation says each
//! operation does, and nothing more. Requests reach a handler only after the validator found
//! nothing wrong with them.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::faults::{Fault, Faults};
use super::sandbox::{self, Sandbox};
use crate::case::{stable_hash, SIMULATOR_DOMAIN};

/// An error answer: its type (from the SES model) and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The error type, e.g. `NotFoundException`.
    pub error_type: String,
    /// The message.
    pub message: String,
}

impl ApiError {
    fn new(error_type: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            error_type: error_type.into(),
            message: message.into(),
        }
    }

    /// `BadRequestException`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        Self::new("BadRequestException", message)
    }

    fn not_found(message: impl Into<String>) -> ApiError {
        Self::new("NotFoundException", message)
    }

    fn already_exists(message: impl Into<String>) -> ApiError {
        Self::new("AlreadyExistsException", message)
    }
}

type Reply = Result<Value, ApiError>;

/// Most policies an identity may hold (and so the most GetEmailIdentityPolicies returns).
const MAX_POLICIES: usize = 20;

#[derive(Debug, Clone)]
struct EmailTemplate {
    content: Value,
    created: f64,
}

#[derive(Debug, Clone, Default)]
struct Identity {
    verified: bool,
    policies: BTreeMap<String, String>,
}

/// Everything the reference remembers.
#[derive(Debug)]
pub struct State {
    templates: BTreeMap<String, EmailTemplate>,
    custom_templates: BTreeMap<String, Map<String, Value>>,
    identities: BTreeMap<String, Identity>,
    account_details: Value,
    sent: u64,
    next_id: u64,
    clock: f64,
    faults: Faults,
    /// In the real-SES sandbox mode: the quota, and what was spent and done.
    pub sandbox: Option<Sandbox>,
}

fn text<'r>(request: &'r Map<String, Value>, name: &str) -> &'r str {
    request
        .get(name)
        .and_then(Value::as_str)
        .unwrap_or_default()
}

impl State {
    /// A fresh state: no templates, no identities, an account with production access requested.
    pub fn new(faults: Faults) -> State {
        Self::with_sandbox(faults, false)
    }

    /// A fresh state, in the real-SES sandbox mode when `sandbox`.
    pub fn with_sandbox(faults: Faults, sandbox: bool) -> State {
        State {
            templates: BTreeMap::new(),
            custom_templates: BTreeMap::new(),
            identities: BTreeMap::new(),
            account_details: json!({
                "MailType": "TRANSACTIONAL",
                "WebsiteURL": "https://example.com",
                "ContactLanguage": "EN",
                "UseCaseDescription": "ses-conformance reference account",
                "AdditionalContactEmailAddresses": [],
                "ReviewDetails": {"Status": "GRANTED", "CaseId": "reference-case"}
            }),
            sent: 0,
            next_id: 0,
            clock: 1_700_000_000.0,
            faults,
            sandbox: sandbox.then(Sandbox::default),
        }
    }

    /// Run one validated request.
    pub fn handle(&mut self, operation: &str, request: &Map<String, Value>) -> Reply {
        match operation {
            "ListEmailTemplates" => self.list_templates(request),
            "GetEmailTemplate" => self.get_template(request),
            "CreateEmailTemplate" => self.create_template(request),
            "UpdateEmailTemplate" => self.update_template(request),
            "DeleteEmailTemplate" => self.delete_template(request),
            "TestRenderEmailTemplate" => self.render_template(request),
            "ListCustomVerificationEmailTemplates" => self.list_custom(request),
            "GetCustomVerificationEmailTemplate" => self.get_custom(request),
            "CreateCustomVerificationEmailTemplate" => self.create_custom(request),
            "UpdateCustomVerificationEmailTemplate" => self.update_custom(request),
            "DeleteCustomVerificationEmailTemplate" => self.delete_custom(request),
            "SendCustomVerificationEmail" => self.send_custom(request),
            "GetEmailIdentityPolicies" => self.get_policies(request),
            "CreateEmailIdentityPolicy" => self.create_policy(request),
            "UpdateEmailIdentityPolicy" => self.update_policy(request),
            "DeleteEmailIdentityPolicy" => self.delete_policy(request),
            "GetEmailIdentity" => self.get_identity(request),
            "CreateEmailIdentity" => self.create_identity(request),
            "DeleteEmailIdentity" => self.delete_identity(request),
            "GetAccount" => Ok(self.account()),
            "PutAccountDetails" => self.put_account_details(request),
            "SendEmail" => self.send_email(request),
            "SendBulkEmail" => self.send_bulk_email(request),
            "CreateDeliverabilityTestReport" => self.create_report(request),
            other => Err(ApiError::new(
                "UnknownOperationException",
                format!("{other} is not implemented"),
            )),
        }
    }

    fn tick(&mut self) -> f64 {
        self.clock += 1.0;
        self.clock
    }

    /// A new id in the shape SES gives MessageIds (`0100...-uuid-000000`).
    fn message_id(&mut self) -> String {
        self.next_id += 1;
        let h = stable_hash(&format!("message-{}", self.next_id));
        format!(
            "010001{:010x}-{:08x}-{:04x}-{:04x}-{:04x}-{:012x}-000000",
            h >> 24,
            (h >> 32) as u32,
            (h >> 16) as u16,
            h as u16,
            (h >> 48) as u16,
            h & 0xffff_ffff_ffff
        )
    }

    // ---- email templates -------------------------------------------------------------------

    fn list_templates(&mut self, request: &Map<String, Value>) -> Reply {
        let names: Vec<String> = self.templates.keys().cloned().collect();
        let (page, next) = page(&names, request, 10)?;
        let items: Vec<Value> = page
            .iter()
            .filter_map(|name| self.templates.get(name).map(|t| (name, t)))
            .map(|(name, t)| json!({"TemplateName": name, "CreatedTimestamp": t.created}))
            .collect();
        Ok(with_next_token(json!({"TemplatesMetadata": items}), next))
    }

    fn template(&self, name: &str) -> Result<&EmailTemplate, ApiError> {
        self.templates
            .get(name)
            .ok_or_else(|| ApiError::not_found(format!("Template {name} does not exist.")))
    }

    fn get_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        let t = self.template(name)?;
        Ok(json!({"TemplateName": name, "TemplateContent": t.content}))
    }

    fn create_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName").to_string();
        if self.templates.contains_key(&name) && !self.faults.has(Fault::DuplicateCreateAccepted) {
            return Err(ApiError::already_exists(format!(
                "Template {name} already exists."
            )));
        }
        let created = self.tick();
        let content = request
            .get("TemplateContent")
            .cloned()
            .unwrap_or_else(|| json!({}));
        self.templates
            .insert(name, EmailTemplate { content, created });
        Ok(json!({}))
    }

    fn update_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        let content = request
            .get("TemplateContent")
            .cloned()
            .unwrap_or_else(|| json!({}));
        match self.templates.get_mut(name) {
            Some(t) => {
                t.content = content;
                Ok(json!({}))
            }
            None => Err(ApiError::not_found(format!(
                "Template {name} does not exist."
            ))),
        }
    }

    fn delete_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        match self.templates.remove(name) {
            Some(_) => Ok(json!({})),
            None => Err(ApiError::not_found(format!(
                "Template {name} does not exist."
            ))),
        }
    }

    fn render_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        let content = self.template(name)?.content.clone();
        let data: Map<String, Value> =
            serde_json::from_str(text(request, "TemplateData")).unwrap_or_default();
        let part = |key: &str| {
            render(
                content.get(key).and_then(Value::as_str).unwrap_or_default(),
                &data,
            )
        };
        let rendered = format!(
            "Subject: {}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=\"ses-conformance\"\r\n\r\n--ses-conformance\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n{}\r\n--ses-conformance\r\nContent-Type: text/html; charset=UTF-8\r\n\r\n{}\r\n--ses-conformance--\r\n",
            part("Subject"),
            part("Text"),
            part("Html")
        );
        Ok(json!({"RenderedTemplate": rendered}))
    }

    // ---- custom verification email templates ----------------------------------------------

    fn list_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let names: Vec<String> = self.custom_templates.keys().cloned().collect();
        let (page, next) = if self.faults.has(Fault::PagingIgnored) {
            (names.clone(), None)
        } else {
            page(&names, request, 50)?
        };
        let items: Vec<Value> = page
            .iter()
            .filter_map(|name| self.custom_templates.get(name))
            .map(|t| {
                let mut item = t.clone();
                item.shift_remove("TemplateContent");
                Value::Object(item)
            })
            .collect();
        Ok(with_next_token(
            json!({"CustomVerificationEmailTemplates": items}),
            next,
        ))
    }

    fn custom(&self, name: &str) -> Result<&Map<String, Value>, ApiError> {
        self.custom_templates.get(name).ok_or_else(|| {
            ApiError::not_found(format!(
                "Custom verification email template {name} does not exist."
            ))
        })
    }

    fn get_custom(&mut self, request: &Map<String, Value>) -> Reply {
        Ok(Value::Object(
            self.custom(text(request, "TemplateName"))?.clone(),
        ))
    }

    fn create_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName").to_string();
        if self.custom_templates.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Custom verification email template {name} already exists."
            )));
        }
        self.custom_templates.insert(name, request.clone());
        Ok(json!({}))
    }

    fn update_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName").to_string();
        self.custom(&name)?;
        self.custom_templates.insert(name, request.clone());
        Ok(json!({}))
    }

    fn delete_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        self.custom(name)?;
        self.custom_templates.remove(name);
        Ok(json!({}))
    }

    fn send_custom(&mut self, request: &Map<String, Value>) -> Reply {
        self.custom(text(request, "TemplateName"))?;
        // "Adds an email address to the list of identities ... and attempts to verify it."
        let address = text(request, "EmailAddress").to_string();
        self.sandbox_send(std::slice::from_ref(&address))?;
        if let Some(sandbox) = &mut self.sandbox {
            sandbox.record(format!(
                "SendCustomVerificationEmail mailed {address} and added it as an identity"
            ));
        }
        self.identities.entry(address).or_default();
        Ok(json!({"MessageId": self.message_id()}))
    }

    /// In the sandbox: mail goes only to verified identities and the simulator, within the
    /// sending rate and the daily quota.
    fn sandbox_send(&mut self, recipients: &[String]) -> Result<(), ApiError> {
        if self.sandbox.is_none() {
            return Ok(());
        }
        for address in recipients {
            let at_simulator = address
                .rsplit_once('@')
                .is_some_and(|(_, d)| d.eq_ignore_ascii_case(SIMULATOR_DOMAIN));
            let verified = self.identities.get(address).is_some_and(|i| i.verified);
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
    fn send_bulk_in_sandbox(
        &mut self,
        request: &Map<String, Value>,
        bad_entries: &BTreeMap<usize, String>,
    ) -> Reply {
        self.check_sender(request)?;
        self.check_template_content(
            request
                .get("DefaultContent")
                .and_then(|c| c.get("Template")),
        )?;
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

    // ---- identities and their policies -----------------------------------------------------

    fn verified_identity(&mut self, name: &str) -> Result<&mut Identity, ApiError> {
        match self.identities.get_mut(name) {
            Some(identity) if identity.verified => Ok(identity),
            _ => Err(ApiError::not_found(format!(
                "Identity {name} does not exist or is not verified."
            ))),
        }
    }

    fn get_policies(&mut self, request: &Map<String, Value>) -> Reply {
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        let policies: Map<String, Value> = identity
            .policies
            .iter()
            .take(MAX_POLICIES)
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        Ok(json!({"Policies": policies}))
    }

    fn create_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        if identity.policies.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Policy {name} already exists."
            )));
        }
        if identity.policies.len() >= MAX_POLICIES {
            return Err(ApiError::new(
                "LimitExceededException",
                "An identity can have at most 20 policies.",
            ));
        }
        identity.policies.insert(name, policy);
        Ok(json!({}))
    }

    fn update_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let policy = text(request, "Policy").to_string();
        let sandbox = self.sandbox.is_some();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        // Real SES answers 404 for a policy that does not exist (REAL-SES.md), although the text
        // says it succeeds.
        if sandbox && !identity.policies.contains_key(&name) {
            return Err(ApiError::not_found(format!("Policy {name} does not exist")));
        }
        // "This API returns successfully even if a policy with the specified name does not exist."
        identity.policies.insert(name, policy);
        Ok(json!({}))
    }

    fn delete_policy(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "PolicyName").to_string();
        let fails_when_missing =
            self.faults.has(Fault::DeleteMissingPolicyFails) || self.sandbox.is_some();
        let identity = self.verified_identity(text(request, "EmailIdentity"))?;
        if identity.policies.remove(&name).is_none() && fails_when_missing {
            return Err(ApiError::not_found(format!(
                "Policy {name} does not exist."
            )));
        }
        Ok(json!({}))
    }

    fn get_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        let identity = self
            .identities
            .get(&name)
            .ok_or_else(|| ApiError::not_found(format!("Identity {name} does not exist.")))?;
        let policies: Map<String, Value> = identity
            .policies
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let is_address = name.contains('@');
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        if self.sandbox.is_some() {
            // An identity without a custom MAIL FROM domain, as real SES shows it (REAL-SES.md).
            return Ok(json!({
                "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
                "FeedbackForwardingStatus": true,
                "VerifiedForSendingStatus": identity.verified,
                "DkimAttributes": dkim(&domain, identity.verified),
                "MailFromAttributes": {"BehaviorOnMxFailure": "USE_DEFAULT_VALUE"},
                "Policies": policies,
                "Tags": []
            }));
        }
        Ok(json!({
            "IdentityType": if is_address { "EMAIL_ADDRESS" } else { "DOMAIN" },
            "FeedbackForwardingStatus": true,
            "VerifiedForSendingStatus": identity.verified,
            "DkimAttributes": dkim(&domain, identity.verified),
            "MailFromAttributes": {
                "MailFromDomain": format!("mail.{domain}"),
                "MailFromDomainStatus": if identity.verified { "SUCCESS" } else { "PENDING" },
                "BehaviorOnMxFailure": "USE_DEFAULT_VALUE"
            },
            "Policies": policies,
            "Tags": []
        }))
    }

    fn create_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity").to_string();
        if self.identities.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Identity {name} already exists."
            )));
        }
        // The reference has no DNS or mailbox to check: identities it creates are verified, as
        // an identity the user passes to `--identity` on real SES is.
        self.identities.insert(
            name.clone(),
            Identity {
                verified: true,
                policies: BTreeMap::new(),
            },
        );
        let domain = name.rsplit('@').next().unwrap_or(&name).to_string();
        Ok(json!({
            "IdentityType": if name.contains('@') { "EMAIL_ADDRESS" } else { "DOMAIN" },
            "VerifiedForSendingStatus": true,
            "DkimAttributes": dkim(&domain, true)
        }))
    }

    fn delete_identity(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "EmailIdentity");
        match self.identities.remove(name) {
            Some(_) => Ok(json!({})),
            None => Err(ApiError::not_found(format!(
                "Identity {name} does not exist."
            ))),
        }
    }

    // ---- account -----------------------------------------------------------------------------

    fn account(&self) -> Value {
        let (max, rate, sent) = match &self.sandbox {
            Some(s) => (s.max_24_hour_send as f64, s.max_send_rate, s.sent as f64),
            None => (200.0, 1.0, self.sent as f64),
        };
        json!({
            "DedicatedIpAutoWarmupEnabled": false,
            "EnforcementStatus": "HEALTHY",
            "ProductionAccessEnabled": false,
            "SendQuota": {"Max24HourSend": max, "MaxSendRate": rate, "SentLast24Hours": sent},
            "SendingEnabled": true,
            "SuppressionAttributes": {"SuppressedReasons": ["BOUNCE", "COMPLAINT"]},
            "Details": self.account_details
        })
    }

    fn put_account_details(&mut self, request: &Map<String, Value>) -> Reply {
        if let Some(sandbox) = &mut self.sandbox {
            // A second request while the review is open conflicts, with no message.
            if sandbox.review_open {
                return Err(ApiError::new("ConflictException", ""));
            }
            sandbox.review_open = true;
            sandbox.record("PutAccountDetails filed a production-access request".into());
        }
        let mut details = request.clone();
        details.shift_remove("ProductionAccessEnabled");
        details.insert(
            "ReviewDetails".into(),
            json!({"Status": "PENDING", "CaseId": "reference-case"}),
        );
        self.account_details = Value::Object(details);
        Ok(json!({}))
    }

    // ---- sending -----------------------------------------------------------------------------

    /// "The address that you specify has to be verified": the address itself or its domain.
    fn check_sender(&self, request: &Map<String, Value>) -> Result<(), ApiError> {
        let Some(from) = request.get("FromEmailAddress").and_then(Value::as_str) else {
            return Ok(());
        };
        let domain = from.rsplit('@').next().unwrap_or(from);
        let verified = |name: &str| self.identities.get(name).is_some_and(|i| i.verified);
        if verified(from) || verified(domain) {
            Ok(())
        } else {
            Err(ApiError::new(
                "MessageRejected",
                format!("Email address is not verified: {from}"),
            ))
        }
    }

    fn check_template_content(&self, template: Option<&Value>) -> Result<(), ApiError> {
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

    fn send_email(&mut self, request: &Map<String, Value>) -> Reply {
        self.check_sender(request)?;
        self.check_template_content(request.get("Content").and_then(|c| c.get("Template")))?;
        self.sent += 1;
        Ok(json!({"MessageId": self.message_id()}))
    }

    fn send_bulk_email(&mut self, request: &Map<String, Value>) -> Reply {
        self.check_sender(request)?;
        self.check_template_content(
            request
                .get("DefaultContent")
                .and_then(|c| c.get("Template")),
        )?;
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

    fn create_report(&mut self, request: &Map<String, Value>) -> Reply {
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

/// One page of `names` (sorted) after the request's NextToken, and the token of the next page.
fn page(
    names: &[String],
    request: &Map<String, Value>,
    default_size: usize,
) -> Result<(Vec<String>, Option<String>), ApiError> {
    let size = request
        .get("PageSize")
        .and_then(Value::as_u64)
        .map(|n| n as usize)
        .unwrap_or(default_size);
    let start = match request.get("NextToken").and_then(Value::as_str) {
        None => 0,
        Some(token) => {
            let after =
                decode_token(token).ok_or_else(|| ApiError::bad_request("Invalid NextToken."))?;
            names
                .iter()
                .position(|n| n.as_str() > after.as_str())
                .unwrap_or(names.len())
        }
    };
    let page: Vec<String> = names.iter().skip(start).take(size).cloned().collect();
    let next = (start + page.len() < names.len())
        .then(|| page.last().map(|last| encode_token(last)))
        .flatten();
    Ok((page, next))
}

fn with_next_token(mut body: Value, next: Option<String>) -> Value {
    if let (Some(token), Some(obj)) = (next, body.as_object_mut()) {
        obj.insert("NextToken".into(), json!(token));
    }
    body
}

fn encode_token(last: &str) -> String {
    last.bytes().map(|b| format!("{b:02x}")).collect()
}

fn decode_token(token: &str) -> Option<String> {
    if token.len() % 2 != 0 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..token.len())
        .step_by(2)
        .map(|i| {
            token
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    String::from_utf8(bytes?).ok()
}

/// `{{name}}` replaced by the data's values.
fn render(template: &str, data: &Map<String, Value>) -> String {
    let mut out = template.to_string();
    for (k, v) in data {
        let value = v
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string());
        out = out.replace(&format!("{{{{{k}}}}}"), &value);
    }
    out
}

fn dkim(domain: &str, verified: bool) -> Value {
    let tokens: Vec<String> = (0..3)
        .map(|i| format!("{:032x}", stable_hash(&format!("{domain}-{i}")) as u128))
        .collect();
    json!({
        "SigningEnabled": verified,
        "Status": if verified { "SUCCESS" } else { "PENDING" },
        "Tokens": tokens,
        "SigningAttributesOrigin": "AWS_SES"
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn pages_follow_next_tokens_to_the_end() {
        let mut s = State::new(Faults::default());
        for n in ["a", "b", "c"] {
            assert!(s
                .handle(
                    "CreateEmailTemplate",
                    &req(json!({"TemplateName": n, "TemplateContent": {}}))
                )
                .is_ok());
        }
        let first = s
            .handle("ListEmailTemplates", &req(json!({"PageSize": 2})))
            .unwrap_or_default();
        assert_eq!(first["TemplatesMetadata"].as_array().map(Vec::len), Some(2));
        let token = first["NextToken"].as_str().unwrap_or_default().to_string();
        let second = s
            .handle(
                "ListEmailTemplates",
                &req(json!({"PageSize": 2, "NextToken": token})),
            )
            .unwrap_or_default();
        assert_eq!(second["TemplatesMetadata"][0]["TemplateName"], "c");
        assert!(second.get("NextToken").is_none());
        let bad = s.handle("ListEmailTemplates", &req(json!({"NextToken": "zz"})));
        assert_eq!(
            bad.map_err(|e| e.error_type),
            Err("BadRequestException".to_string())
        );
    }

    #[test]
    fn policy_operations_need_a_verified_identity_and_delete_is_idempotent() {
        let mut s = State::new(Faults::default());
        let policy = json!({"EmailIdentity": "x.com", "PolicyName": "p", "Policy": "{}"});
        assert_eq!(
            s.handle("CreateEmailIdentityPolicy", &req(policy.clone()))
                .map_err(|e| e.error_type),
            Err("NotFoundException".to_string())
        );
        assert!(s
            .handle(
                "CreateEmailIdentity",
                &req(json!({"EmailIdentity": "x.com"}))
            )
            .is_ok());
        assert!(s
            .handle("CreateEmailIdentityPolicy", &req(policy.clone()))
            .is_ok());
        assert_eq!(
            s.handle("CreateEmailIdentityPolicy", &req(policy.clone()))
                .map_err(|e| e.error_type),
            Err("AlreadyExistsException".to_string())
        );
        assert!(s
            .handle("DeleteEmailIdentityPolicy", &req(policy.clone()))
            .is_ok());
        assert!(s.handle("DeleteEmailIdentityPolicy", &req(policy)).is_ok());
    }

    #[test]
    fn message_ids_look_like_ses_ones() {
        let mut s = State::new(Faults::default());
        let id = s.message_id();
        assert!(id.starts_with("010001") && id.ends_with("-000000"), "{id}");
        assert_ne!(id, s.message_id());
    }

    #[test]
    fn rendering_replaces_tags() {
        let data = req(json!({"name": "World"}));
        assert_eq!(render("Hello {{name}}!", &data), "Hello World!");
    }
}
