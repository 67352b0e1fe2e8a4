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
}

impl Fault {
    /// Every fault.
    pub const ALL: [Fault; 13] = [
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
}
