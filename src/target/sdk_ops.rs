//! JSON requests to `aws-sdk-sesv2` calls and typed outputs back to JSON, one function per operation.
//!
//! A request is a JSON object keyed by the SES member names (`TemplateName`,
//! `Content.Simple.Subject.Data`, ...); blobs are base64 text, integers JSON numbers, absent and
//! `null` members are left unset. Enum strings go to the SDK as they are, members of the enum or
//! not, so that invalid values reach the server.
//!
//! Whatever the SDK cannot be handed is refused with [`SdkFailure::Construction`] naming the
//! member's path: a value of the wrong JSON type, an integer outside `i32`, base64 that does not
//! decode, a nested structure without a member its SDK builder requires, or a member the SDK has
//! no field for (the SDK would silently drop it). Such requests belong on the wire path.
//!
//! Outputs are printed with the SES wire names; `None` members are left out, timestamps are epoch
//! seconds, enums their wire strings, maps JSON objects with sorted keys.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_sesv2::error::{BuildError, ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::operation::create_deliverability_test_report::CreateDeliverabilityTestReportOutput;
use aws_sdk_sesv2::operation::create_email_identity::CreateEmailIdentityOutput;
use aws_sdk_sesv2::operation::get_account::GetAccountOutput;
use aws_sdk_sesv2::operation::get_custom_verification_email_template::GetCustomVerificationEmailTemplateOutput;
use aws_sdk_sesv2::operation::get_email_identity::GetEmailIdentityOutput;
use aws_sdk_sesv2::operation::get_email_identity_policies::GetEmailIdentityPoliciesOutput;
use aws_sdk_sesv2::operation::get_email_template::GetEmailTemplateOutput;
use aws_sdk_sesv2::operation::list_custom_verification_email_templates::ListCustomVerificationEmailTemplatesOutput;
use aws_sdk_sesv2::operation::list_email_templates::ListEmailTemplatesOutput;
use aws_sdk_sesv2::operation::send_bulk_email::SendBulkEmailOutput;
use aws_sdk_sesv2::operation::send_custom_verification_email::SendCustomVerificationEmailOutput;
use aws_sdk_sesv2::operation::send_email::SendEmailOutput;
use aws_sdk_sesv2::operation::test_render_email_template::TestRenderEmailTemplateOutput;
use aws_sdk_sesv2::types::{
    AccountDetails, Body, BulkEmailContent, BulkEmailEntry, BulkEmailEntryResult, ContactLanguage,
    Content, CustomVerificationEmailTemplateMetadata, DashboardAttributes, Destination,
    DkimAttributes, EmailContent, EmailTemplateContent, EmailTemplateMetadata, GuardianAttributes,
    MailFromAttributes, MailType, Message, MessageTag, PricingAttributes, RawMessage,
    ReplacementEmailContent, ReplacementTemplate, ReviewDetails, SendQuota, SoaRecord,
    SuppressionAttributes, SuppressionConditionThreshold, SuppressionConfidenceThreshold,
    SuppressionValidationAttributes, Tag, Template, VdmAttributes, VerificationInfo,
};
use aws_sdk_sesv2::Client;
use aws_smithy_types::{Blob, DateTime};
use base64::Engine as _;
use serde_json::{Map, Value};

use super::sdk::{summarize, Capture, SdkFailure, SdkResult};

/// Every operation [`call`] knows: the 22 under test and the two setup operations.
pub const OPERATIONS: [&str; 24] = [
    "ListEmailTemplates",
    "GetEmailTemplate",
    "CreateEmailTemplate",
    "UpdateEmailTemplate",
    "DeleteEmailTemplate",
    "TestRenderEmailTemplate",
    "ListCustomVerificationEmailTemplates",
    "GetCustomVerificationEmailTemplate",
    "CreateCustomVerificationEmailTemplate",
    "UpdateCustomVerificationEmailTemplate",
    "DeleteCustomVerificationEmailTemplate",
    "SendCustomVerificationEmail",
    "GetEmailIdentityPolicies",
    "CreateEmailIdentityPolicy",
    "UpdateEmailIdentityPolicy",
    "DeleteEmailIdentityPolicy",
    "GetEmailIdentity",
    "GetAccount",
    "PutAccountDetails",
    "SendEmail",
    "SendBulkEmail",
    "CreateDeliverabilityTestReport",
    "CreateEmailIdentity",
    "DeleteEmailIdentity",
];

/// Send `request` as `operation` through the SDK, with `capture` watching the exchange.
///
/// `Err` means the request never reached the SDK's send (an unknown operation, or JSON the SDK
/// cannot be given); `Ok(SdkResult::Failed)` is whatever the SDK itself reported.
pub async fn call(
    client: &Client,
    operation: &str,
    request: &Value,
    capture: &Capture,
) -> Result<SdkResult, SdkFailure> {
    if !OPERATIONS.contains(&operation) {
        return Err(SdkFailure::Construction(format!(
            "unknown operation {operation}"
        )));
    }
    let empty = Obj::new();
    let at = At::root(request, &empty)?;
    let at = &at;
    match operation {
        "ListEmailTemplates" => list_email_templates(client, at, capture).await,
        "GetEmailTemplate" => get_email_template(client, at, capture).await,
        "CreateEmailTemplate" => create_email_template(client, at, capture).await,
        "UpdateEmailTemplate" => update_email_template(client, at, capture).await,
        "DeleteEmailTemplate" => delete_email_template(client, at, capture).await,
        "TestRenderEmailTemplate" => test_render_email_template(client, at, capture).await,
        "ListCustomVerificationEmailTemplates" => {
            list_custom_verification_email_templates(client, at, capture).await
        }
        "GetCustomVerificationEmailTemplate" => {
            get_custom_verification_email_template(client, at, capture).await
        }
        "CreateCustomVerificationEmailTemplate" => {
            create_custom_verification_email_template(client, at, capture).await
        }
        "UpdateCustomVerificationEmailTemplate" => {
            update_custom_verification_email_template(client, at, capture).await
        }
        "DeleteCustomVerificationEmailTemplate" => {
            delete_custom_verification_email_template(client, at, capture).await
        }
        "SendCustomVerificationEmail" => send_custom_verification_email(client, at, capture).await,
        "GetEmailIdentityPolicies" => get_email_identity_policies(client, at, capture).await,
        "CreateEmailIdentityPolicy" => create_email_identity_policy(client, at, capture).await,
        "UpdateEmailIdentityPolicy" => update_email_identity_policy(client, at, capture).await,
        "DeleteEmailIdentityPolicy" => delete_email_identity_policy(client, at, capture).await,
        "GetEmailIdentity" => get_email_identity(client, at, capture).await,
        "GetAccount" => get_account(client, at, capture).await,
        "PutAccountDetails" => put_account_details(client, at, capture).await,
        "SendEmail" => send_email(client, at, capture).await,
        "SendBulkEmail" => send_bulk_email(client, at, capture).await,
        "CreateDeliverabilityTestReport" => {
            create_deliverability_test_report(client, at, capture).await
        }
        "CreateEmailIdentity" => create_email_identity(client, at, capture).await,
        "DeleteEmailIdentity" => delete_email_identity(client, at, capture).await,
        other => Err(SdkFailure::Construction(format!(
            "unknown operation {other}"
        ))),
    }
}

type Obj = Map<String, Value>;
type Conv<T> = Result<T, SdkFailure>;

/// Turn what `send()` returned into an [`SdkResult`], printing a typed output with `output`.
fn finish<O, E, R>(result: Result<O, SdkError<E, R>>, output: fn(&O) -> Value) -> SdkResult
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match result {
        Ok(o) => SdkResult::Output(output(&o)),
        Err(e) => SdkResult::Failed(summarize(e)),
    }
}

// ---------------------------------------------------------------------------------------------
// Operations: email templates
// ---------------------------------------------------------------------------------------------

async fn list_email_templates(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["NextToken", "PageSize"])?;
    let op = client
        .list_email_templates()
        .set_next_token(str_at(at, "NextToken")?)
        .set_page_size(i32_at(at, "PageSize")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        list_email_templates_output,
    ))
}

async fn get_email_template(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["TemplateName"])?;
    let op = client
        .get_email_template()
        .set_template_name(str_at(at, "TemplateName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        get_email_template_output,
    ))
}

async fn create_email_template(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["TemplateName", "TemplateContent", "Tags"])?;
    let op = client
        .create_email_template()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_template_content(struct_at(at, "TemplateContent", email_template_content_in)?)
        .set_tags(structs_at(at, "Tags", tag_in)?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn update_email_template(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["TemplateName", "TemplateContent"])?;
    let op = client
        .update_email_template()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_template_content(struct_at(at, "TemplateContent", email_template_content_in)?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn delete_email_template(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["TemplateName"])?;
    let op = client
        .delete_email_template()
        .set_template_name(str_at(at, "TemplateName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn test_render_email_template(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["TemplateName", "TemplateData"])?;
    let op = client
        .test_render_email_template()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_template_data(str_at(at, "TemplateData")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        test_render_email_template_output,
    ))
}

// ---------------------------------------------------------------------------------------------
// Operations: custom verification email templates
// ---------------------------------------------------------------------------------------------

async fn list_custom_verification_email_templates(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["NextToken", "PageSize"])?;
    let op = client
        .list_custom_verification_email_templates()
        .set_next_token(str_at(at, "NextToken")?)
        .set_page_size(i32_at(at, "PageSize")?);
    let result = op.customize().interceptor(capture.clone()).send().await;
    Ok(finish(
        result,
        list_custom_verification_email_templates_output,
    ))
}

async fn get_custom_verification_email_template(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["TemplateName"])?;
    let op = client
        .get_custom_verification_email_template()
        .set_template_name(str_at(at, "TemplateName")?);
    let result = op.customize().interceptor(capture.clone()).send().await;
    Ok(finish(
        result,
        get_custom_verification_email_template_output,
    ))
}

const CUSTOM_VERIFICATION_MEMBERS: [&str; 6] = [
    "TemplateName",
    "FromEmailAddress",
    "TemplateSubject",
    "TemplateContent",
    "SuccessRedirectionURL",
    "FailureRedirectionURL",
];

async fn create_custom_verification_email_template(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only_with(&CUSTOM_VERIFICATION_MEMBERS, &["Tags"])?;
    let op = client
        .create_custom_verification_email_template()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_from_email_address(str_at(at, "FromEmailAddress")?)
        .set_template_subject(str_at(at, "TemplateSubject")?)
        .set_template_content(str_at(at, "TemplateContent")?)
        .set_success_redirection_url(str_at(at, "SuccessRedirectionURL")?)
        .set_failure_redirection_url(str_at(at, "FailureRedirectionURL")?)
        .set_tags(structs_at(at, "Tags", tag_in)?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn update_custom_verification_email_template(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&CUSTOM_VERIFICATION_MEMBERS)?;
    let op = client
        .update_custom_verification_email_template()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_from_email_address(str_at(at, "FromEmailAddress")?)
        .set_template_subject(str_at(at, "TemplateSubject")?)
        .set_template_content(str_at(at, "TemplateContent")?)
        .set_success_redirection_url(str_at(at, "SuccessRedirectionURL")?)
        .set_failure_redirection_url(str_at(at, "FailureRedirectionURL")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn delete_custom_verification_email_template(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["TemplateName"])?;
    let op = client
        .delete_custom_verification_email_template()
        .set_template_name(str_at(at, "TemplateName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn send_custom_verification_email(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["EmailAddress", "TemplateName", "ConfigurationSetName"])?;
    let op = client
        .send_custom_verification_email()
        .set_email_address(str_at(at, "EmailAddress")?)
        .set_template_name(str_at(at, "TemplateName")?)
        .set_configuration_set_name(str_at(at, "ConfigurationSetName")?);
    let result = op.customize().interceptor(capture.clone()).send().await;
    Ok(finish(result, send_custom_verification_email_output))
}

// ---------------------------------------------------------------------------------------------
// Operations: identities and their policies
// ---------------------------------------------------------------------------------------------

async fn get_email_identity_policies(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["EmailIdentity"])?;
    let op = client
        .get_email_identity_policies()
        .set_email_identity(str_at(at, "EmailIdentity")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        get_email_identity_policies_output,
    ))
}

async fn create_email_identity_policy(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["EmailIdentity", "PolicyName", "Policy"])?;
    let op = client
        .create_email_identity_policy()
        .set_email_identity(str_at(at, "EmailIdentity")?)
        .set_policy_name(str_at(at, "PolicyName")?)
        .set_policy(str_at(at, "Policy")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn update_email_identity_policy(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["EmailIdentity", "PolicyName", "Policy"])?;
    let op = client
        .update_email_identity_policy()
        .set_email_identity(str_at(at, "EmailIdentity")?)
        .set_policy_name(str_at(at, "PolicyName")?)
        .set_policy(str_at(at, "Policy")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn delete_email_identity_policy(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["EmailIdentity", "PolicyName"])?;
    let op = client
        .delete_email_identity_policy()
        .set_email_identity(str_at(at, "EmailIdentity")?)
        .set_policy_name(str_at(at, "PolicyName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

async fn get_email_identity(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["EmailIdentity"])?;
    let op = client
        .get_email_identity()
        .set_email_identity(str_at(at, "EmailIdentity")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        get_email_identity_output,
    ))
}

async fn create_email_identity(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["EmailIdentity", "Tags", "ConfigurationSetName"])?;
    let op = client
        .create_email_identity()
        .set_email_identity(str_at(at, "EmailIdentity")?)
        .set_tags(structs_at(at, "Tags", tag_in)?)
        .set_configuration_set_name(str_at(at, "ConfigurationSetName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        create_email_identity_output,
    ))
}

async fn delete_email_identity(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&["EmailIdentity"])?;
    let op = client
        .delete_email_identity()
        .set_email_identity(str_at(at, "EmailIdentity")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

// ---------------------------------------------------------------------------------------------
// Operations: account
// ---------------------------------------------------------------------------------------------

async fn get_account(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&[])?;
    let op = client.get_account();
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        get_account_output,
    ))
}

async fn put_account_details(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&[
        "MailType",
        "WebsiteURL",
        "ContactLanguage",
        "UseCaseDescription",
        "AdditionalContactEmailAddresses",
        "ProductionAccessEnabled",
    ])?;
    let op = client
        .put_account_details()
        .set_mail_type(enum_at::<MailType>(at, "MailType")?)
        .set_website_url(str_at(at, "WebsiteURL")?)
        .set_contact_language(enum_at::<ContactLanguage>(at, "ContactLanguage")?)
        .set_use_case_description(str_at(at, "UseCaseDescription")?)
        .set_additional_contact_email_addresses(list_of_str(at, "AdditionalContactEmailAddresses")?)
        .set_production_access_enabled(bool_at(at, "ProductionAccessEnabled")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        empty,
    ))
}

// ---------------------------------------------------------------------------------------------
// Operations: sending
// ---------------------------------------------------------------------------------------------

async fn send_email(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&[
        "FromEmailAddress",
        "FromEmailAddressIdentityArn",
        "Destination",
        "ReplyToAddresses",
        "FeedbackForwardingEmailAddress",
        "FeedbackForwardingEmailAddressIdentityArn",
        "Content",
        "EmailTags",
        "ConfigurationSetName",
    ])?;
    let op = client
        .send_email()
        .set_from_email_address(str_at(at, "FromEmailAddress")?)
        .set_from_email_address_identity_arn(str_at(at, "FromEmailAddressIdentityArn")?)
        .set_destination(struct_at(at, "Destination", destination_in)?)
        .set_reply_to_addresses(list_of_str(at, "ReplyToAddresses")?)
        .set_feedback_forwarding_email_address(str_at(at, "FeedbackForwardingEmailAddress")?)
        .set_feedback_forwarding_email_address_identity_arn(str_at(
            at,
            "FeedbackForwardingEmailAddressIdentityArn",
        )?)
        .set_content(struct_at(at, "Content", email_content_in)?)
        .set_email_tags(structs_at(at, "EmailTags", message_tag_in)?)
        .set_configuration_set_name(str_at(at, "ConfigurationSetName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        send_email_output,
    ))
}

async fn send_bulk_email(client: &Client, at: &At<'_>, capture: &Capture) -> Conv<SdkResult> {
    at.only(&[
        "FromEmailAddress",
        "FromEmailAddressIdentityArn",
        "ReplyToAddresses",
        "FeedbackForwardingEmailAddress",
        "FeedbackForwardingEmailAddressIdentityArn",
        "DefaultEmailTags",
        "DefaultContent",
        "BulkEmailEntries",
        "ConfigurationSetName",
    ])?;
    let op = client
        .send_bulk_email()
        .set_from_email_address(str_at(at, "FromEmailAddress")?)
        .set_from_email_address_identity_arn(str_at(at, "FromEmailAddressIdentityArn")?)
        .set_reply_to_addresses(list_of_str(at, "ReplyToAddresses")?)
        .set_feedback_forwarding_email_address(str_at(at, "FeedbackForwardingEmailAddress")?)
        .set_feedback_forwarding_email_address_identity_arn(str_at(
            at,
            "FeedbackForwardingEmailAddressIdentityArn",
        )?)
        .set_default_email_tags(structs_at(at, "DefaultEmailTags", message_tag_in)?)
        .set_default_content(struct_at(at, "DefaultContent", bulk_email_content_in)?)
        .set_bulk_email_entries(structs_at(at, "BulkEmailEntries", bulk_email_entry_in)?)
        .set_configuration_set_name(str_at(at, "ConfigurationSetName")?);
    Ok(finish(
        op.customize().interceptor(capture.clone()).send().await,
        send_bulk_email_output,
    ))
}

async fn create_deliverability_test_report(
    client: &Client,
    at: &At<'_>,
    capture: &Capture,
) -> Conv<SdkResult> {
    at.only(&["ReportName", "FromEmailAddress", "Content", "Tags"])?;
    let op = client
        .create_deliverability_test_report()
        .set_report_name(str_at(at, "ReportName")?)
        .set_from_email_address(str_at(at, "FromEmailAddress")?)
        .set_content(struct_at(at, "Content", email_content_in)?)
        .set_tags(structs_at(at, "Tags", tag_in)?);
    let result = op.customize().interceptor(capture.clone()).send().await;
    Ok(finish(result, create_deliverability_test_report_output))
}

// ---------------------------------------------------------------------------------------------
// Reading the request JSON
// ---------------------------------------------------------------------------------------------

/// A JSON object of the request, with its path from the request's root for error messages.
struct At<'a> {
    obj: &'a Obj,
    path: String,
}

impl<'a> At<'a> {
    /// The request itself: an object, or `null` read as no members.
    fn root(request: &'a Value, empty: &'a Obj) -> Conv<Self> {
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

    /// The path of member `name` of this object.
    fn path_of(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_string()
        } else {
            format!("{}.{name}", self.path)
        }
    }

    /// Member `name`, `None` when absent or `null`.
    fn get(&self, name: &str) -> Option<&'a Value> {
        self.obj.get(name).filter(|v| !v.is_null())
    }

    /// Refuse members the SDK has no field for: it would drop them without a word.
    fn only(&self, known: &[&str]) -> Conv<()> {
        self.only_with(known, &[])
    }

    /// [`At::only`] over two lists of names.
    fn only_with(&self, known: &[&str], more: &[&str]) -> Conv<()> {
        match self
            .obj
            .keys()
            .find(|k| !known.contains(&k.as_str()) && !more.contains(&k.as_str()))
        {
            Some(unknown) => Err(fail(
                &self.path_of(unknown),
                "unknown member (the SDK has no field for it)",
            )),
            None => Ok(()),
        }
    }
}

/// A construction failure at `path`.
fn fail(path: &str, what: impl std::fmt::Display) -> SdkFailure {
    SdkFailure::Construction(format!("{path}: {what}"))
}

fn as_string(value: &Value, path: &str) -> Conv<String> {
    value
        .as_str()
        .map(str::to_string)
        .ok_or_else(|| fail(path, "expected a string"))
}

fn as_i32(value: &Value, path: &str) -> Conv<i32> {
    value
        .as_i64()
        .and_then(|n| i32::try_from(n).ok())
        .ok_or_else(|| fail(path, "expected an integer within the 32-bit signed range"))
}

fn as_bool(value: &Value, path: &str) -> Conv<bool> {
    value
        .as_bool()
        .ok_or_else(|| fail(path, "expected a boolean"))
}

fn as_blob(value: &Value, path: &str) -> Conv<Blob> {
    let text = as_string(value, path)?;
    base64::engine::general_purpose::STANDARD
        .decode(text.as_bytes())
        .map(Blob::new)
        .map_err(|e| fail(path, format!("not valid base64 ({e})")))
}

fn as_object<'a>(value: &'a Value, path: &str) -> Conv<At<'a>> {
    match value {
        Value::Object(obj) => Ok(At {
            obj,
            path: path.to_string(),
        }),
        _ => Err(fail(path, "expected a JSON object")),
    }
}

/// Member `name` read by `read`, `None` when absent or `null`.
fn member_at<T>(
    at: &At<'_>,
    name: &str,
    read: impl FnOnce(&Value, &str) -> Conv<T>,
) -> Conv<Option<T>> {
    at.get(name).map(|v| read(v, &at.path_of(name))).transpose()
}

fn str_at(at: &At<'_>, name: &str) -> Conv<Option<String>> {
    member_at(at, name, as_string)
}

fn i32_at(at: &At<'_>, name: &str) -> Conv<Option<i32>> {
    member_at(at, name, as_i32)
}

fn bool_at(at: &At<'_>, name: &str) -> Conv<Option<bool>> {
    member_at(at, name, as_bool)
}

fn blob_at(at: &At<'_>, name: &str) -> Conv<Option<Blob>> {
    member_at(at, name, as_blob)
}

/// An enum member, kept as written whether or not the enum has that value.
fn enum_at<E: for<'s> From<&'s str>>(at: &At<'_>, name: &str) -> Conv<Option<E>> {
    Ok(str_at(at, name)?.map(|s| E::from(s.as_str())))
}

/// A list member whose items are read by `item`; item paths are `Name[i]`.
fn list_at<T>(
    at: &At<'_>,
    name: &str,
    item: impl Fn(&Value, &str) -> Conv<T>,
) -> Conv<Option<Vec<T>>> {
    member_at(at, name, |value, path| {
        let items = value
            .as_array()
            .ok_or_else(|| fail(path, "expected a list"))?;
        items
            .iter()
            .enumerate()
            .map(|(i, v)| item(v, &format!("{path}[{i}]")))
            .collect()
    })
}

fn list_of_str(at: &At<'_>, name: &str) -> Conv<Option<Vec<String>>> {
    list_at(at, name, as_string)
}

/// A structure member built by `build`.
fn struct_at<T>(at: &At<'_>, name: &str, build: fn(&At<'_>) -> Conv<T>) -> Conv<Option<T>> {
    member_at(at, name, |value, path| build(&as_object(value, path)?))
}

/// A list of structures, each built by `build`.
fn structs_at<T>(at: &At<'_>, name: &str, build: fn(&At<'_>) -> Conv<T>) -> Conv<Option<Vec<T>>> {
    list_at(at, name, |value, path| build(&as_object(value, path)?))
}

/// A member the SDK's builder requires: without it the structure cannot be built.
fn required<T>(at: &At<'_>, name: &str, value: Option<T>) -> Conv<T> {
    value.ok_or_else(|| {
        fail(
            &at.path_of(name),
            "missing, and the SDK cannot build the structure without it",
        )
    })
}

/// A builder's result, its error placed at this structure's path.
fn built<T>(at: &At<'_>, result: Result<T, BuildError>) -> Conv<T> {
    let path = if at.path.is_empty() {
        "request"
    } else {
        at.path.as_str()
    };
    result.map_err(|e| fail(path, format!("the SDK cannot build it ({e})")))
}

// ---------------------------------------------------------------------------------------------
// Request structures
// ---------------------------------------------------------------------------------------------

fn destination_in(at: &At<'_>) -> Conv<Destination> {
    at.only(&["ToAddresses", "CcAddresses", "BccAddresses"])?;
    Ok(Destination::builder()
        .set_to_addresses(list_of_str(at, "ToAddresses")?)
        .set_cc_addresses(list_of_str(at, "CcAddresses")?)
        .set_bcc_addresses(list_of_str(at, "BccAddresses")?)
        .build())
}

fn content_in(at: &At<'_>) -> Conv<Content> {
    at.only(&["Data", "Charset"])?;
    let data = required(at, "Data", str_at(at, "Data")?)?;
    built(
        at,
        Content::builder()
            .data(data)
            .set_charset(str_at(at, "Charset")?)
            .build(),
    )
}

fn body_in(at: &At<'_>) -> Conv<Body> {
    at.only(&["Text", "Html"])?;
    Ok(Body::builder()
        .set_text(struct_at(at, "Text", content_in)?)
        .set_html(struct_at(at, "Html", content_in)?)
        .build())
}

fn message_in(at: &At<'_>) -> Conv<Message> {
    at.only(&["Subject", "Body"])?;
    Ok(Message::builder()
        .set_subject(struct_at(at, "Subject", content_in)?)
        .set_body(struct_at(at, "Body", body_in)?)
        .build())
}

fn raw_message_in(at: &At<'_>) -> Conv<RawMessage> {
    at.only(&["Data"])?;
    let data = required(at, "Data", blob_at(at, "Data")?)?;
    built(at, RawMessage::builder().data(data).build())
}

fn template_in(at: &At<'_>) -> Conv<Template> {
    at.only(&[
        "TemplateName",
        "TemplateArn",
        "TemplateData",
        "TemplateContent",
    ])?;
    Ok(Template::builder()
        .set_template_name(str_at(at, "TemplateName")?)
        .set_template_arn(str_at(at, "TemplateArn")?)
        .set_template_data(str_at(at, "TemplateData")?)
        .set_template_content(struct_at(at, "TemplateContent", email_template_content_in)?)
        .build())
}

fn email_content_in(at: &At<'_>) -> Conv<EmailContent> {
    at.only(&["Simple", "Raw", "Template"])?;
    Ok(EmailContent::builder()
        .set_simple(struct_at(at, "Simple", message_in)?)
        .set_raw(struct_at(at, "Raw", raw_message_in)?)
        .set_template(struct_at(at, "Template", template_in)?)
        .build())
}

fn email_template_content_in(at: &At<'_>) -> Conv<EmailTemplateContent> {
    at.only(&["Subject", "Text", "Html"])?;
    Ok(EmailTemplateContent::builder()
        .set_subject(str_at(at, "Subject")?)
        .set_text(str_at(at, "Text")?)
        .set_html(str_at(at, "Html")?)
        .build())
}

fn message_tag_in(at: &At<'_>) -> Conv<MessageTag> {
    at.only(&["Name", "Value"])?;
    let name = required(at, "Name", str_at(at, "Name")?)?;
    let value = required(at, "Value", str_at(at, "Value")?)?;
    built(at, MessageTag::builder().name(name).value(value).build())
}

fn tag_in(at: &At<'_>) -> Conv<Tag> {
    at.only(&["Key", "Value"])?;
    let key = required(at, "Key", str_at(at, "Key")?)?;
    let value = required(at, "Value", str_at(at, "Value")?)?;
    built(at, Tag::builder().key(key).value(value).build())
}

fn bulk_email_content_in(at: &At<'_>) -> Conv<BulkEmailContent> {
    at.only(&["Template"])?;
    Ok(BulkEmailContent::builder()
        .set_template(struct_at(at, "Template", template_in)?)
        .build())
}

fn bulk_email_entry_in(at: &At<'_>) -> Conv<BulkEmailEntry> {
    at.only(&["Destination", "ReplacementTags", "ReplacementEmailContent"])?;
    Ok(BulkEmailEntry::builder()
        .set_destination(struct_at(at, "Destination", destination_in)?)
        .set_replacement_tags(structs_at(at, "ReplacementTags", message_tag_in)?)
        .set_replacement_email_content(struct_at(
            at,
            "ReplacementEmailContent",
            replacement_email_content_in,
        )?)
        .build())
}

fn replacement_email_content_in(at: &At<'_>) -> Conv<ReplacementEmailContent> {
    at.only(&["ReplacementTemplate"])?;
    Ok(ReplacementEmailContent::builder()
        .set_replacement_template(struct_at(
            at,
            "ReplacementTemplate",
            replacement_template_in,
        )?)
        .build())
}

fn replacement_template_in(at: &At<'_>) -> Conv<ReplacementTemplate> {
    at.only(&["ReplacementTemplateData"])?;
    Ok(ReplacementTemplate::builder()
        .set_replacement_template_data(str_at(at, "ReplacementTemplateData")?)
        .build())
}

// ---------------------------------------------------------------------------------------------
// Writing outputs as JSON
// ---------------------------------------------------------------------------------------------

/// An object of the members that are present, in the order given.
fn object<const N: usize>(members: [(&str, Option<Value>); N]) -> Value {
    Value::Object(
        members
            .into_iter()
            .filter_map(|(name, value)| value.map(|v| (name.to_string(), v)))
            .collect(),
    )
}

/// The output of an operation that returns nothing.
fn empty<O>(_: &O) -> Value {
    Value::Object(Obj::new())
}

fn text(s: &str) -> Option<Value> {
    Some(Value::from(s))
}

fn opt_text(s: &Option<String>) -> Option<Value> {
    s.as_deref().and_then(text)
}

fn flag(b: bool) -> Option<Value> {
    Some(Value::Bool(b))
}

/// A double; non-finite values (which JSON cannot hold) print as `null`.
fn number(f: f64) -> Option<Value> {
    Some(Value::from(f))
}

fn enum_name<E: AsRef<str>>(e: &E) -> Option<Value> {
    text(e.as_ref())
}

fn opt_enum<E: AsRef<str>>(e: &Option<E>) -> Option<Value> {
    e.as_ref().and_then(enum_name)
}

fn time(t: &Option<DateTime>) -> Option<Value> {
    t.as_ref().map(|t| Value::from(t.as_secs_f64()))
}

fn texts(v: &Option<Vec<String>>) -> Option<Value> {
    v.as_ref()
        .map(|v| v.iter().map(|s| Value::from(s.as_str())).collect())
}

fn list<T>(v: &Option<Vec<T>>, item: fn(&T) -> Value) -> Option<Value> {
    v.as_ref().map(|v| v.iter().map(item).collect())
}

fn opt_struct<T>(v: &Option<T>, item: fn(&T) -> Value) -> Option<Value> {
    v.as_ref().map(item)
}

/// A string map, keys sorted so that printed outputs are stable.
fn string_map(m: &Option<HashMap<String, String>>) -> Option<Value> {
    m.as_ref().map(|m| {
        let sorted: BTreeMap<&String, &String> = m.iter().collect();
        Value::Object(
            sorted
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect(),
        )
    })
}

// Operation outputs.

fn list_email_templates_output(o: &ListEmailTemplatesOutput) -> Value {
    object([
        (
            "TemplatesMetadata",
            list(&o.templates_metadata, email_template_metadata),
        ),
        ("NextToken", opt_text(&o.next_token)),
    ])
}

fn get_email_template_output(o: &GetEmailTemplateOutput) -> Value {
    object([
        ("TemplateName", text(&o.template_name)),
        (
            "TemplateContent",
            opt_struct(&o.template_content, email_template_content),
        ),
        ("Tags", list(&o.tags, tag)),
    ])
}

fn test_render_email_template_output(o: &TestRenderEmailTemplateOutput) -> Value {
    object([("RenderedTemplate", text(&o.rendered_template))])
}

fn list_custom_verification_email_templates_output(
    o: &ListCustomVerificationEmailTemplatesOutput,
) -> Value {
    object([
        (
            "CustomVerificationEmailTemplates",
            list(
                &o.custom_verification_email_templates,
                custom_verification_email_template_metadata,
            ),
        ),
        ("NextToken", opt_text(&o.next_token)),
    ])
}

fn get_custom_verification_email_template_output(
    o: &GetCustomVerificationEmailTemplateOutput,
) -> Value {
    object([
        ("TemplateName", opt_text(&o.template_name)),
        ("FromEmailAddress", opt_text(&o.from_email_address)),
        ("TemplateSubject", opt_text(&o.template_subject)),
        ("TemplateContent", opt_text(&o.template_content)),
        ("Tags", list(&o.tags, tag)),
        (
            "SuccessRedirectionURL",
            opt_text(&o.success_redirection_url),
        ),
        (
            "FailureRedirectionURL",
            opt_text(&o.failure_redirection_url),
        ),
    ])
}

fn send_custom_verification_email_output(o: &SendCustomVerificationEmailOutput) -> Value {
    object([("MessageId", opt_text(&o.message_id))])
}

fn get_email_identity_policies_output(o: &GetEmailIdentityPoliciesOutput) -> Value {
    object([("Policies", string_map(&o.policies))])
}

fn get_email_identity_output(o: &GetEmailIdentityOutput) -> Value {
    object([
        ("IdentityType", opt_enum(&o.identity_type)),
        (
            "FeedbackForwardingStatus",
            flag(o.feedback_forwarding_status),
        ),
        (
            "VerifiedForSendingStatus",
            flag(o.verified_for_sending_status),
        ),
        (
            "DkimAttributes",
            opt_struct(&o.dkim_attributes, dkim_attributes),
        ),
        (
            "MailFromAttributes",
            opt_struct(&o.mail_from_attributes, mail_from_attributes),
        ),
        ("Policies", string_map(&o.policies)),
        ("Tags", list(&o.tags, tag)),
        ("ConfigurationSetName", opt_text(&o.configuration_set_name)),
        ("VerificationStatus", opt_enum(&o.verification_status)),
        (
            "VerificationInfo",
            opt_struct(&o.verification_info, verification_info),
        ),
    ])
}

fn create_email_identity_output(o: &CreateEmailIdentityOutput) -> Value {
    object([
        ("IdentityType", opt_enum(&o.identity_type)),
        (
            "VerifiedForSendingStatus",
            flag(o.verified_for_sending_status),
        ),
        (
            "DkimAttributes",
            opt_struct(&o.dkim_attributes, dkim_attributes),
        ),
    ])
}

fn get_account_output(o: &GetAccountOutput) -> Value {
    object([
        (
            "DedicatedIpAutoWarmupEnabled",
            flag(o.dedicated_ip_auto_warmup_enabled),
        ),
        ("EnforcementStatus", opt_text(&o.enforcement_status)),
        ("ProductionAccessEnabled", flag(o.production_access_enabled)),
        ("SendQuota", opt_struct(&o.send_quota, send_quota)),
        ("SendingEnabled", flag(o.sending_enabled)),
        (
            "SuppressionAttributes",
            opt_struct(&o.suppression_attributes, suppression_attributes),
        ),
        ("Details", opt_struct(&o.details, account_details)),
        (
            "VdmAttributes",
            opt_struct(&o.vdm_attributes, vdm_attributes),
        ),
        (
            "PricingAttributes",
            opt_struct(&o.pricing_attributes, pricing_attributes),
        ),
    ])
}

fn send_email_output(o: &SendEmailOutput) -> Value {
    object([("MessageId", opt_text(&o.message_id))])
}

fn send_bulk_email_output(o: &SendBulkEmailOutput) -> Value {
    object([(
        "BulkEmailEntryResults",
        Some(
            o.bulk_email_entry_results
                .iter()
                .map(bulk_email_entry_result)
                .collect(),
        ),
    )])
}

fn create_deliverability_test_report_output(o: &CreateDeliverabilityTestReportOutput) -> Value {
    object([
        ("ReportId", text(&o.report_id)),
        (
            "DeliverabilityTestStatus",
            enum_name(&o.deliverability_test_status),
        ),
    ])
}

// Output structures.

fn email_template_metadata(m: &EmailTemplateMetadata) -> Value {
    object([
        ("TemplateName", opt_text(&m.template_name)),
        ("CreatedTimestamp", time(&m.created_timestamp)),
    ])
}

fn email_template_content(c: &EmailTemplateContent) -> Value {
    object([
        ("Subject", opt_text(&c.subject)),
        ("Text", opt_text(&c.text)),
        ("Html", opt_text(&c.html)),
    ])
}

fn tag(t: &Tag) -> Value {
    object([("Key", text(&t.key)), ("Value", text(&t.value))])
}

fn custom_verification_email_template_metadata(
    m: &CustomVerificationEmailTemplateMetadata,
) -> Value {
    object([
        ("TemplateName", opt_text(&m.template_name)),
        ("FromEmailAddress", opt_text(&m.from_email_address)),
        ("TemplateSubject", opt_text(&m.template_subject)),
        (
            "SuccessRedirectionURL",
            opt_text(&m.success_redirection_url),
        ),
        (
            "FailureRedirectionURL",
            opt_text(&m.failure_redirection_url),
        ),
    ])
}

fn dkim_attributes(d: &DkimAttributes) -> Value {
    object([
        ("SigningEnabled", flag(d.signing_enabled)),
        ("Status", opt_enum(&d.status)),
        ("Tokens", texts(&d.tokens)),
        ("SigningHostedZone", opt_text(&d.signing_hosted_zone)),
        (
            "SigningAttributesOrigin",
            opt_enum(&d.signing_attributes_origin),
        ),
        ("NextSigningKeyLength", opt_enum(&d.next_signing_key_length)),
        (
            "CurrentSigningKeyLength",
            opt_enum(&d.current_signing_key_length),
        ),
        (
            "LastKeyGenerationTimestamp",
            time(&d.last_key_generation_timestamp),
        ),
    ])
}

fn mail_from_attributes(m: &MailFromAttributes) -> Value {
    object([
        ("MailFromDomain", text(&m.mail_from_domain)),
        (
            "MailFromDomainStatus",
            enum_name(&m.mail_from_domain_status),
        ),
        ("BehaviorOnMxFailure", enum_name(&m.behavior_on_mx_failure)),
    ])
}

fn verification_info(v: &VerificationInfo) -> Value {
    object([
        ("LastCheckedTimestamp", time(&v.last_checked_timestamp)),
        ("LastSuccessTimestamp", time(&v.last_success_timestamp)),
        ("ErrorType", opt_enum(&v.error_type)),
        ("SOARecord", opt_struct(&v.soa_record, soa_record)),
    ])
}

fn soa_record(s: &SoaRecord) -> Value {
    object([
        ("PrimaryNameServer", opt_text(&s.primary_name_server)),
        ("AdminEmail", opt_text(&s.admin_email)),
        ("SerialNumber", Some(Value::from(s.serial_number))),
    ])
}

fn send_quota(q: &SendQuota) -> Value {
    object([
        ("Max24HourSend", number(q.max24_hour_send)),
        ("MaxSendRate", number(q.max_send_rate)),
        ("SentLast24Hours", number(q.sent_last24_hours)),
    ])
}

fn suppression_attributes(s: &SuppressionAttributes) -> Value {
    let reasons = s
        .suppressed_reasons
        .as_ref()
        .map(|r| r.iter().filter_map(enum_name).collect());
    object([
        ("SuppressedReasons", reasons),
        (
            "ValidationAttributes",
            opt_struct(&s.validation_attributes, suppression_validation_attributes),
        ),
    ])
}

fn suppression_validation_attributes(v: &SuppressionValidationAttributes) -> Value {
    object([(
        "ConditionThreshold",
        opt_struct(&v.condition_threshold, suppression_condition_threshold),
    )])
}

fn suppression_condition_threshold(c: &SuppressionConditionThreshold) -> Value {
    object([
        (
            "ConditionThresholdEnabled",
            enum_name(&c.condition_threshold_enabled),
        ),
        (
            "OverallConfidenceThreshold",
            opt_struct(
                &c.overall_confidence_threshold,
                suppression_confidence_threshold,
            ),
        ),
    ])
}

fn suppression_confidence_threshold(c: &SuppressionConfidenceThreshold) -> Value {
    object([(
        "ConfidenceVerdictThreshold",
        enum_name(&c.confidence_verdict_threshold),
    )])
}

fn account_details(d: &AccountDetails) -> Value {
    object([
        ("MailType", opt_enum(&d.mail_type)),
        ("WebsiteURL", opt_text(&d.website_url)),
        ("ContactLanguage", opt_enum(&d.contact_language)),
        ("UseCaseDescription", opt_text(&d.use_case_description)),
        (
            "AdditionalContactEmailAddresses",
            texts(&d.additional_contact_email_addresses),
        ),
        (
            "ReviewDetails",
            opt_struct(&d.review_details, review_details),
        ),
    ])
}

fn review_details(r: &ReviewDetails) -> Value {
    object([
        ("Status", opt_enum(&r.status)),
        ("CaseId", opt_text(&r.case_id)),
    ])
}

fn vdm_attributes(v: &VdmAttributes) -> Value {
    object([
        ("VdmEnabled", enum_name(&v.vdm_enabled)),
        (
            "DashboardAttributes",
            opt_struct(&v.dashboard_attributes, dashboard_attributes),
        ),
        (
            "GuardianAttributes",
            opt_struct(&v.guardian_attributes, guardian_attributes),
        ),
    ])
}

fn dashboard_attributes(d: &DashboardAttributes) -> Value {
    object([("EngagementMetrics", opt_enum(&d.engagement_metrics))])
}

fn guardian_attributes(g: &GuardianAttributes) -> Value {
    object([(
        "OptimizedSharedDelivery",
        opt_enum(&g.optimized_shared_delivery),
    )])
}

fn pricing_attributes(p: &PricingAttributes) -> Value {
    object([
        ("CurrentPlan", opt_enum(&p.current_plan)),
        ("NextPlan", opt_enum(&p.next_plan)),
    ])
}

fn bulk_email_entry_result(r: &BulkEmailEntryResult) -> Value {
    object([
        ("Status", opt_enum(&r.status)),
        ("Error", opt_text(&r.error)),
        ("MessageId", opt_text(&r.message_id)),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sesv2::types::{DkimStatus, IdentityType};
    use serde_json::json;

    /// The message of a construction failure, or a description of what came instead.
    fn refusal<T>(result: Conv<T>) -> String {
        match result {
            Err(SdkFailure::Construction(m)) => m,
            Err(_) => "another failure".into(),
            Ok(_) => "accepted".into(),
        }
    }

    fn describe(result: &Conv<SdkResult>) -> String {
        let failure = |f: &SdkFailure| match f {
            SdkFailure::Service { code, message } => format!("service {code:?} {message:?}"),
            SdkFailure::Response(d) => format!("response {d}"),
            SdkFailure::Timeout(d) => format!("timeout {d}"),
            SdkFailure::Dispatch(d) => format!("dispatch {d}"),
            SdkFailure::Construction(d) => format!("construction {d}"),
        };
        match result {
            Ok(SdkResult::Output(o)) => format!("output {o}"),
            Ok(SdkResult::Failed(f)) => format!("failed: {}", failure(f)),
            Err(f) => format!("refused: {}", failure(f)),
        }
    }

    fn read<T>(request: &Value, build: fn(&At<'_>) -> Conv<T>) -> Conv<T> {
        let empty = Obj::new();
        build(&At::root(request, &empty)?)
    }

    fn local_client() -> Client {
        let config = aws_sdk_sesv2::Config::builder()
            .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
            .region(aws_sdk_sesv2::config::Region::new("us-east-1"))
            .build();
        Client::from_conf(config)
    }

    #[test]
    fn wrong_typed_member_names_its_path() {
        let request = json!({"Simple": {"Subject": {"Data": 5}}});
        let message = refusal(read(&request, email_content_in));
        assert_eq!(message, "Simple.Subject.Data: expected a string");
    }

    #[test]
    fn wrong_typed_list_item_names_its_index() {
        let request = json!({"ToAddresses": ["a@example.com", true]});
        assert_eq!(
            refusal(read(&request, destination_in)),
            "ToAddresses[1]: expected a string"
        );
        let request = json!({"ToAddresses": "a@example.com"});
        assert_eq!(
            refusal(read(&request, destination_in)),
            "ToAddresses: expected a list"
        );
    }

    #[test]
    fn integers_must_fit_i32() {
        let empty = Obj::new();
        let request = json!({"PageSize": 2_147_483_648_i64});
        let at = At::root(&request, &empty);
        assert!(refusal(at.and_then(|at| i32_at(&at, "PageSize")))
            .starts_with("PageSize: expected an integer"));
        let request = json!({"PageSize": 1.5});
        let at = At::root(&request, &empty);
        assert!(refusal(at.and_then(|at| i32_at(&at, "PageSize")))
            .starts_with("PageSize: expected an integer"));
        let request = json!({"PageSize": -2_147_483_648_i64});
        let at = At::root(&request, &empty);
        assert!(matches!(
            at.and_then(|at| i32_at(&at, "PageSize")),
            Ok(Some(i32::MIN))
        ));
    }

    #[test]
    fn non_base64_blob_is_refused() {
        let request = json!({"Raw": {"Data": "this is not base64!"}});
        let message = refusal(read(&request, email_content_in));
        assert!(
            message.starts_with("Raw.Data: not valid base64"),
            "{message}"
        );
    }

    #[test]
    fn base64_blob_is_decoded() {
        let request = json!({"Data": "aGVsbG8="});
        let raw = read(&request, raw_message_in);
        assert!(matches!(raw, Ok(r) if r.data.as_ref() == b"hello"));
    }

    #[test]
    fn missing_builder_required_member_names_its_path() {
        let request = json!({"Simple": {"Subject": {"Charset": "UTF-8"}}});
        let message = refusal(read(&request, email_content_in));
        assert!(
            message.starts_with("Simple.Subject.Data: missing"),
            "{message}"
        );
        let request = json!({"BulkEmailEntries": [{"ReplacementTags": [{"Name": "n"}]}]});
        let empty = Obj::new();
        let at = At::root(&request, &empty);
        let message =
            refusal(at.and_then(|at| structs_at(&at, "BulkEmailEntries", bulk_email_entry_in)));
        assert!(
            message.starts_with("BulkEmailEntries[0].ReplacementTags[0].Value: missing"),
            "{message}"
        );
    }

    #[test]
    fn unknown_member_is_refused() {
        let request = json!({"Subject": "s", "Bogus": 1});
        assert!(
            refusal(read(&request, email_template_content_in)).starts_with("Bogus: unknown member")
        );
    }

    #[test]
    fn null_member_is_unset() {
        let request = json!({"Subject": null, "Text": "t"});
        let content = read(&request, email_template_content_in);
        assert!(matches!(content, Ok(c) if c.subject.is_none() && c.text.as_deref() == Some("t")));
    }

    #[test]
    fn enum_values_outside_the_enum_are_kept() {
        assert_eq!(MailType::from("marketing").as_str(), "marketing");
        let request = json!({"MailType": "SOMETHING_ELSE"});
        let empty = Obj::new();
        let at = At::root(&request, &empty);
        let mail_type = at.and_then(|at| enum_at::<MailType>(&at, "MailType"));
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

    #[tokio::test]
    async fn call_refuses_unknown_operations_and_bad_json_before_sending() {
        let client = local_client();
        let capture = Capture::default();
        let unknown = call(&client, "NoSuchOperation", &json!({}), &capture).await;
        assert_eq!(refusal(unknown), "unknown operation NoSuchOperation");
        let request = json!({"TemplateName": "t", "TemplateContent": {"Subject": 1}});
        let wrong = call(&client, "CreateEmailTemplate", &request, &capture).await;
        assert_eq!(refusal(wrong), "TemplateContent.Subject: expected a string");
    }

    #[test]
    fn outputs_use_wire_names_and_omit_absent_members() {
        let dkim = DkimAttributes::builder()
            .signing_enabled(true)
            .status(DkimStatus::Pending)
            .tokens("t1")
            .last_key_generation_timestamp(DateTime::from_secs(1_700_000_000))
            .build();
        assert_eq!(
            dkim_attributes(&dkim),
            json!({"SigningEnabled": true, "Status": "PENDING", "Tokens": ["t1"], "LastKeyGenerationTimestamp": 1_700_000_000.0})
        );
        let output = CreateEmailIdentityOutput::builder()
            .identity_type(IdentityType::Domain)
            .verified_for_sending_status(false)
            .build();
        assert_eq!(
            create_email_identity_output(&output),
            json!({"IdentityType": "DOMAIN", "VerifiedForSendingStatus": false})
        );
    }

    fn client_for(url: &str) -> Client {
        super::super::sdk::local_client(&super::super::sdk::Endpoint {
            url: Some(url.to_string()),
            region: "us-east-1".into(),
            timeout: std::time::Duration::from_secs(5),
        })
    }

    #[test]
    fn call_is_send() {
        fn assert_send<T: Send>(_: &T) {}
        let client = local_client();
        let capture = Capture::default();
        let request = json!({});
        assert_send(&call(&client, "GetAccount", &request, &capture));
    }

    #[tokio::test]
    async fn send_email_goes_through_the_sdk_and_back() {
        use wiremock::matchers::{body_partial_json, method, path};
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v2/email/outbound-emails"))
            .and(body_partial_json(json!({
                "Content": {"Raw": {"Data": "aGVsbG8="}},
                "Destination": {"ToAddresses": ["to@example.com"]},
                "EmailTags": [{"Name": "n", "Value": "v"}],
            })))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"MessageId": "m-1"})))
            .mount(&server)
            .await;
        let request = json!({
            "FromEmailAddress": "from@example.com",
            "Destination": {"ToAddresses": ["to@example.com"]},
            "Content": {"Raw": {"Data": "aGVsbG8="}},
            "EmailTags": [{"Name": "n", "Value": "v"}],
            "ConfigurationSetName": null,
        });
        let capture = Capture::default();
        let result = call(&client_for(&server.uri()), "SendEmail", &request, &capture).await;
        let seen = describe(&result);
        assert!(
            matches!(result, Ok(SdkResult::Output(o)) if o == json!({"MessageId": "m-1"})),
            "{seen}"
        );
        // Through the SDK path's `send`, the capture interceptor keeps the request and the answer.
        let exchange = super::super::sdk::send(
            &client_for(&server.uri()),
            "SendEmail",
            &request,
            Default::default(),
        )
        .await;
        assert!(
            matches!(&exchange.request, Some(r) if r.method == "POST" && r.uri.ends_with("/v2/email/outbound-emails"))
        );
        assert!(matches!(&exchange.response, Some(r) if r.status == 200 && !r.body.is_empty()));
    }

    #[tokio::test]
    async fn service_errors_are_summarized() {
        use wiremock::{Mock, MockServer, ResponseTemplate};
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(
                ResponseTemplate::new(404)
                    .insert_header("x-amzn-ErrorType", "NotFoundException")
                    .set_body_json(json!({"message": "no such template"})),
            )
            .mount(&server)
            .await;
        let request = json!({"TemplateName": "missing"});
        let capture = Capture::default();
        let result = call(
            &client_for(&server.uri()),
            "GetEmailTemplate",
            &request,
            &capture,
        )
        .await;
        let seen = describe(&result);
        assert!(
            matches!(result, Ok(SdkResult::Failed(SdkFailure::Service { code: Some(c), .. })) if c == "NotFoundException"),
            "{seen}"
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
        let printed = string_map(&Some(policies)).map(|v| v.to_string());
        assert_eq!(printed.as_deref(), Some(r#"{"a":"1","b":"2"}"#));
    }
}
