//! Deliberate faults for the reference target, so the harness can be tested against broken
//! servers: each fault breaks one documented rule on one operation, and the harness must report
//! it with the right divergence class on the right operation.

use serde_json::{json, Value};

/// One way to break the reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Fault {
    /// ListEmailTemplates accepts a PageSize from 11 to 100 (the later documented bound).
    PageBoundNotEnforced,
    /// CreateEmailTemplate accepts a request without TemplateContent.
    RequiredNotChecked,
    /// NotFoundException comes with status 400.
    NotFoundAs400,
    /// Errors carry neither `x-amzn-ErrorType` nor `__type`.
    NoErrorType,
    /// GetEmailTemplate answers without TemplateName.
    DropsTemplateName,
    /// GetEmailIdentity answers a DKIM status outside the documented set.
    DkimStatusOutOfSet,
    /// CreateEmailTemplate overwrites a template that already exists.
    DuplicateCreateAccepted,
    /// Missing resources are answered as `ResourceNotFoundException`.
    WrongNotFoundType,
    /// Policy names over 64 characters are accepted.
    PolicyNameLengthNotChecked,
    /// DeleteEmailIdentityPolicy of a missing policy answers NotFoundException.
    DeleteMissingPolicyFails,
    /// ListCustomVerificationEmailTemplates ignores PageSize and never pages.
    PagingIgnored,
    /// ListEmailTemplates answers CreatedTimestamp as text.
    TimestampAsText,
    /// SendEmail rejects a request that declares a Charset.
    CharsetRejected,
    /// UpdateEmailTemplate answers 200 and changes nothing.
    UpdateTemplateIgnored,
    /// DeleteEmailTemplate answers 200 and the template stays.
    DeleteTemplateIgnored,
    /// CreateCustomVerificationEmailTemplate answers 200 and stores nothing.
    CustomTemplateNotStored,
    /// ListEmailTemplates repeats a page's first item at its end (when the page has room).
    ListingRepeatsItem,
    /// ListEmailTemplates never answers a NextToken: items past the first page are lost.
    ListingStopsEarly,
    /// ListCustomVerificationEmailTemplates always answers a NextToken.
    NextTokenNeverEnds,
    /// GetEmailIdentity answers without the identity's Policies.
    IdentityPoliciesMissing,
    /// ListCustomVerificationEmailTemplates entries show a FromEmailAddress Get does not.
    VerificationListingDisagrees,
    /// TestRenderEmailTemplate answers the template with its tags not replaced.
    RenderNotSubstituted,
    /// Create operations answer 201 instead of the documented 200.
    CreatedAs201,
    /// SendEmail answers 200 without the MessageId.
    SendWithoutMessageId,
    /// SendBulkEmail entries with Status SUCCESS come without a MessageId.
    BulkSuccessWithoutMessageId,
    /// Error bodies are plain text (x-amzn-ErrorType still names the type).
    ErrorBodyNotJson,
    /// An identity takes a 21st policy.
    PolicyLimitNotEnforced,
    /// CreateEmailTemplate rejects valid names longer than 40 characters (BadRequestException):
    /// a fault only some values show, for exploration to find and shrink.
    TemplateNameLongRejected,
}

impl Fault {
    /// The kebab-case name `serve --fault` takes (`UpdateTemplateIgnored`:
    /// `update-template-ignored`).
    pub fn name(self) -> String {
        let mut out = String::new();
        for (i, c) in format!("{self:?}").chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        }
        out
    }

    /// The fault named `name` (see [`Fault::name`]).
    pub fn parse(name: &str) -> Option<Fault> {
        Fault::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Every fault.
    pub const ALL: [Fault; 28] = [
        Fault::PageBoundNotEnforced,
        Fault::RequiredNotChecked,
        Fault::NotFoundAs400,
        Fault::NoErrorType,
        Fault::DropsTemplateName,
        Fault::DkimStatusOutOfSet,
        Fault::DuplicateCreateAccepted,
        Fault::WrongNotFoundType,
        Fault::PolicyNameLengthNotChecked,
        Fault::DeleteMissingPolicyFails,
        Fault::PagingIgnored,
        Fault::TimestampAsText,
        Fault::CharsetRejected,
        Fault::UpdateTemplateIgnored,
        Fault::DeleteTemplateIgnored,
        Fault::CustomTemplateNotStored,
        Fault::ListingRepeatsItem,
        Fault::ListingStopsEarly,
        Fault::NextTokenNeverEnds,
        Fault::IdentityPoliciesMissing,
        Fault::VerificationListingDisagrees,
        Fault::RenderNotSubstituted,
        Fault::CreatedAs201,
        Fault::SendWithoutMessageId,
        Fault::BulkSuccessWithoutMessageId,
        Fault::ErrorBodyNotJson,
        Fault::PolicyLimitNotEnforced,
        Fault::TemplateNameLongRejected,
    ];
}

/// The set of faults a reference server has (empty: the conforming reference).
#[derive(Debug, Clone, Default)]
pub struct Faults(pub Vec<Fault>);

impl Faults {
    /// Whether `fault` is on.
    pub fn has(&self, fault: Fault) -> bool {
        self.0.contains(&fault)
    }

    /// Whether a violation of `constraint` on `operation` goes unnoticed.
    pub fn ignores_violation(&self, operation: &str, constraint: &str, request: &Value) -> bool {
        let page_size = request.get("PageSize").and_then(Value::as_i64).unwrap_or(0);
        (self.has(Fault::PageBoundNotEnforced)
            && operation == "ListEmailTemplates"
            && constraint == "PageSize.range"
            && (11..=100).contains(&page_size))
            || (self.has(Fault::RequiredNotChecked)
                && operation == "CreateEmailTemplate"
                && constraint == "TemplateContent.required")
            || (self.has(Fault::PolicyNameLengthNotChecked)
                && operation.ends_with("EmailIdentityPolicy")
                && constraint == "PolicyName.length")
    }

    /// An error the fault makes the server answer before doing anything else.
    pub fn rejects(&self, operation: &str, request: &Value) -> Option<(String, String)> {
        if let Some(rejected) = self.rejects_long_template_name(operation, request) {
            return Some(rejected);
        }
        let declares_charset = request.to_string().contains("\"Charset\"");
        (self.has(Fault::CharsetRejected) && operation == "SendEmail" && declares_charset).then(
            || {
                (
                    "BadRequestException".into(),
                    "Charset is not supported".into(),
                )
            },
        )
    }

    /// Names past 40 characters refused, although the documentation sets no such limit.
    fn rejects_long_template_name(
        &self,
        operation: &str,
        request: &Value,
    ) -> Option<(String, String)> {
        let name = request.get("TemplateName").and_then(Value::as_str)?;
        let long = name.chars().count() > 40;
        (self.has(Fault::TemplateNameLongRejected) && operation == "CreateEmailTemplate" && long)
            .then(|| {
                (
                    "BadRequestException".into(),
                    "Template name is too long".into(),
                )
            })
    }

    /// The error type and status to answer with, after faults.
    pub fn error(&self, error_type: &str, status: u16) -> (String, u16) {
        let mut error_type = error_type.to_string();
        let mut status = status;
        if error_type == "NotFoundException" && self.has(Fault::NotFoundAs400) {
            status = 400;
        }
        if error_type == "NotFoundException" && self.has(Fault::WrongNotFoundType) {
            error_type = "ResourceNotFoundException".into();
        }
        (error_type, status)
    }

    /// Whether error answers carry their type.
    pub fn error_type_visible(&self) -> bool {
        !self.has(Fault::NoErrorType)
    }

    /// Change a successful answer's body.
    pub fn rewrite_output(&self, operation: &str, body: &mut Value) {
        if self.has(Fault::DropsTemplateName) && operation == "GetEmailTemplate" {
            if let Some(obj) = body.as_object_mut() {
                obj.shift_remove("TemplateName");
            }
        }
        if self.has(Fault::DkimStatusOutOfSet) && operation == "GetEmailIdentity" {
            if let Some(status) = body.pointer_mut("/DkimAttributes/Status") {
                *status = json!("VERIFIED");
            }
        }
        if self.has(Fault::TimestampAsText) && operation == "ListEmailTemplates" {
            if let Some(items) = body
                .get_mut("TemplatesMetadata")
                .and_then(Value::as_array_mut)
            {
                for item in items {
                    if let Some(ts) = item.get_mut("CreatedTimestamp") {
                        *ts = json!(ts.to_string());
                    }
                }
            }
        }
    }

    /// Whether the server answers `operation` with 200 {} without doing anything.
    pub fn skips_action(&self, operation: &str) -> bool {
        (self.has(Fault::UpdateTemplateIgnored) && operation == "UpdateEmailTemplate")
            || (self.has(Fault::DeleteTemplateIgnored) && operation == "DeleteEmailTemplate")
            || (self.has(Fault::CustomTemplateNotStored)
                && operation == "CreateCustomVerificationEmailTemplate")
    }

    /// The status of a successful answer to `operation`.
    pub fn success_status(&self, operation: &str) -> u16 {
        if self.has(Fault::CreatedAs201) && operation.starts_with("Create") {
            201
        } else {
            200
        }
    }

    /// Whether error bodies are plain text instead of a JSON object.
    pub fn error_body_as_text(&self) -> bool {
        self.has(Fault::ErrorBodyNotJson)
    }

    /// Whether a create of `operation` overwrites what already exists.
    pub fn accepts_duplicate_create(&self, operation: &str) -> bool {
        self.has(Fault::DuplicateCreateAccepted) && operation == "CreateEmailTemplate"
    }

    /// Whether a list of `operation` ignores PageSize and never pages.
    pub fn ignores_paging(&self, operation: &str) -> bool {
        self.has(Fault::PagingIgnored) && operation == "ListCustomVerificationEmailTemplates"
    }

    /// Whether an identity takes policies past the documented 20.
    pub fn allows_policies_past_limit(&self) -> bool {
        self.has(Fault::PolicyLimitNotEnforced)
    }

    /// Change a successful answer's body, knowing the request.
    pub fn rewrite_answer(&self, operation: &str, request: &Value, body: &mut Value) {
        match operation {
            "ListEmailTemplates" => self.rewrite_template_listing(request, body),
            "ListCustomVerificationEmailTemplates" => self.rewrite_custom_listing(request, body),
            "GetEmailIdentity" if self.has(Fault::IdentityPoliciesMissing) => {
                if let Some(obj) = body.as_object_mut() {
                    obj.shift_remove("Policies");
                }
            }
            "TestRenderEmailTemplate" if self.has(Fault::RenderNotSubstituted) => {
                unrender(request, body)
            }
            "SendEmail" if self.has(Fault::SendWithoutMessageId) => {
                if let Some(obj) = body.as_object_mut() {
                    obj.shift_remove("MessageId");
                }
            }
            "SendBulkEmail" if self.has(Fault::BulkSuccessWithoutMessageId) => {
                let results = body
                    .get_mut("BulkEmailEntryResults")
                    .and_then(Value::as_array_mut);
                for result in results.into_iter().flatten() {
                    if let Some(obj) = result.as_object_mut() {
                        obj.shift_remove("MessageId");
                    }
                }
            }
            _ => {}
        }
    }

    fn rewrite_template_listing(&self, request: &Value, body: &mut Value) {
        if self.has(Fault::ListingStopsEarly) {
            if let Some(obj) = body.as_object_mut() {
                obj.shift_remove("NextToken");
            }
        }
        if self.has(Fault::ListingRepeatsItem) {
            let page_size = request
                .get("PageSize")
                .and_then(Value::as_u64)
                .unwrap_or(10);
            let items = body
                .get_mut("TemplatesMetadata")
                .and_then(Value::as_array_mut);
            if let Some(items) = items {
                if let Some(first) = items.first().cloned() {
                    if (items.len() as u64) < page_size {
                        items.push(first);
                    }
                }
            }
        }
    }

    fn rewrite_custom_listing(&self, request: &Value, body: &mut Value) {
        if self.has(Fault::NextTokenNeverEnds) && body.get("NextToken").is_none() {
            // The token the walk sent comes back: a listing that never ends.
            let token = request
                .get("NextToken")
                .cloned()
                .unwrap_or(json!("Zm9yZXZlcg"));
            body["NextToken"] = token;
        }
        if self.has(Fault::VerificationListingDisagrees) {
            let items = body
                .get_mut("CustomVerificationEmailTemplates")
                .and_then(Value::as_array_mut);
            for item in items.into_iter().flatten() {
                if item.get("FromEmailAddress").is_some() {
                    item["FromEmailAddress"] = json!("stale@example.com");
                }
            }
        }
    }
}

/// Put the tags back where TemplateData's values were substituted.
fn unrender(request: &Value, body: &mut Value) {
    let data = request
        .get("TemplateData")
        .and_then(Value::as_str)
        .and_then(|d| serde_json::from_str::<serde_json::Map<String, Value>>(d).ok())
        .unwrap_or_default();
    let Some(Value::String(rendered)) = body.get_mut("RenderedTemplate") else {
        return;
    };
    for (tag, value) in data {
        if let Value::String(value) = value {
            if !value.is_empty() {
                *rendered = rendered.replace(&value, &format!("{{{{{tag}}}}}"));
            }
        }
    }
}
