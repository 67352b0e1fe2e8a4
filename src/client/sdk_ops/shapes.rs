//! The structures and enums that operations' members hold, one row each; see `rows.rs` for the
//! grammar.

use super::rows::{answer_structures, enums, request_structures};

request_structures! {
    Destination {
        ToAddresses => set_to_addresses,
        CcAddresses => set_cc_addresses,
        BccAddresses => set_bcc_addresses,
    }
    Content { Data => set_data [required], Charset => set_charset }
    Body { Text => set_text, Html => set_html }
    Message { Subject => set_subject, Body => set_body }
    RawMessage { Data => set_data [required] }
    Template {
        TemplateName => set_template_name,
        TemplateArn => set_template_arn,
        TemplateData => set_template_data,
        TemplateContent => set_template_content,
    }
    EmailContent { Simple => set_simple, Raw => set_raw, Template => set_template }
    EmailTemplateContent { Subject => set_subject, Text => set_text, Html => set_html }
    MessageTag { Name => set_name [required], Value => set_value [required] }
    Tag { Key => set_key [required], Value => set_value [required] }
    BulkEmailContent { Template => set_template }
    BulkEmailEntry {
        Destination => set_destination,
        ReplacementTags => set_replacement_tags,
        ReplacementEmailContent => set_replacement_email_content,
    }
    ReplacementEmailContent { ReplacementTemplate => set_replacement_template }
    ReplacementTemplate { ReplacementTemplateData => set_replacement_template_data }
}

answer_structures! {
    EmailTemplateMetadata { TemplateName: template_name, CreatedTimestamp: created_timestamp }
    EmailTemplateContent { Subject: subject, Text: text, Html: html }
    Tag { Key: key, Value: value }
    CustomVerificationEmailTemplateMetadata {
        TemplateName: template_name,
        FromEmailAddress: from_email_address,
        TemplateSubject: template_subject,
        SuccessRedirectionURL: success_redirection_url,
        FailureRedirectionURL: failure_redirection_url,
    }
    DkimAttributes {
        SigningEnabled: signing_enabled,
        Status: status,
        Tokens: tokens,
        SigningHostedZone: signing_hosted_zone,
        SigningAttributesOrigin: signing_attributes_origin,
        NextSigningKeyLength: next_signing_key_length,
        CurrentSigningKeyLength: current_signing_key_length,
        LastKeyGenerationTimestamp: last_key_generation_timestamp,
    }
    MailFromAttributes {
        MailFromDomain: mail_from_domain,
        MailFromDomainStatus: mail_from_domain_status,
        BehaviorOnMxFailure: behavior_on_mx_failure,
    }
    VerificationInfo {
        LastCheckedTimestamp: last_checked_timestamp,
        LastSuccessTimestamp: last_success_timestamp,
        ErrorType: error_type,
        SOARecord: soa_record,
    }
    SoaRecord {
        PrimaryNameServer: primary_name_server,
        AdminEmail: admin_email,
        SerialNumber: serial_number,
    }
    SendQuota {
        Max24HourSend: max24_hour_send,
        MaxSendRate: max_send_rate,
        SentLast24Hours: sent_last24_hours,
    }
    SuppressionAttributes {
        SuppressedReasons: suppressed_reasons,
        ValidationAttributes: validation_attributes,
    }
    SuppressionValidationAttributes { ConditionThreshold: condition_threshold }
    SuppressionConditionThreshold {
        ConditionThresholdEnabled: condition_threshold_enabled,
        OverallConfidenceThreshold: overall_confidence_threshold,
    }
    SuppressionConfidenceThreshold { ConfidenceVerdictThreshold: confidence_verdict_threshold }
    AccountDetails {
        MailType: mail_type,
        WebsiteURL: website_url,
        ContactLanguage: contact_language,
        UseCaseDescription: use_case_description,
        AdditionalContactEmailAddresses: additional_contact_email_addresses,
        ReviewDetails: review_details,
    }
    ReviewDetails { Status: status, CaseId: case_id }
    VdmAttributes {
        VdmEnabled: vdm_enabled,
        DashboardAttributes: dashboard_attributes,
        GuardianAttributes: guardian_attributes,
    }
    DashboardAttributes { EngagementMetrics: engagement_metrics }
    GuardianAttributes { OptimizedSharedDelivery: optimized_shared_delivery }
    PricingAttributes { CurrentPlan: current_plan, NextPlan: next_plan }
    BulkEmailEntryResult { Status: status, Error: error, MessageId: message_id }
}

enums! {
    BehaviorOnMxFailure,
    BulkEmailStatus,
    ContactLanguage,
    DeliverabilityTestStatus,
    DkimSigningAttributesOrigin,
    DkimSigningKeyLength,
    DkimStatus,
    FeatureStatus,
    IdentityType,
    MailFromDomainStatus,
    MailType,
    PricingPlan,
    ReviewStatus,
    SuppressionConfidenceVerdictThreshold,
    SuppressionListReason,
    VerificationError,
    VerificationStatus,
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::rows::{loaded, row_problems, setter, Members, Row};
    use super::*;
    use crate::sdk_model::{SdkModel, SdkSource};
    use crate::spec::{snake_case, ShapeKind, Spec};

    /// The spec file and members of a structure shape.
    fn shape_set<'s>(spec: &'s Spec, name: &str) -> Option<(String, &'s Members)> {
        let shape = spec.structure(name)?;
        Some((format!("shapes/{name}.json"), &shape.members))
    }

    #[test]
    fn every_request_structure_sets_the_shapes_members_and_only_those_or_known_sdk_extras() {
        let (spec, baseline) = loaded();
        let set = |n: &str| shape_set(&spec, n);
        let problems = row_problems(REQUEST_STRUCTURES, set, "$.members", setter, &baseline);
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    #[test]
    fn every_answer_structure_prints_the_shapes_members_and_only_those_or_known_sdk_extras() {
        let (spec, baseline) = loaded();
        // Structures only the later SDK has (VerificationInfo, VdmAttributes, ...) have no spec
        // row: their fields must still be their members' names.
        let (in_spec, sdk_only): (Vec<&Row>, Vec<&Row>) = ANSWER_STRUCTURES
            .iter()
            .partition(|r| spec.structure(r.name).is_some());
        let mut problems = Vec::new();
        for row in in_spec {
            let set = |n: &str| shape_set(&spec, n);
            let one = std::slice::from_ref(row);
            problems.extend(row_problems(one, set, "$.members", snake_case, &baseline));
        }
        for row in sdk_only {
            for m in row.members.iter().filter(|m| m.sdk != snake_case(m.name)) {
                problems.push(format!("{}.{}: comes from `{}`", row.name, m.name, m.sdk));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The model of the SDK this crate compiles against, read from its source.
    fn compiled_sdk_model(spec: &Spec) -> SdkModel {
        let source = SdkSource::locate(env!("CARGO_MANIFEST_DIR").as_ref())
            .unwrap_or_else(|e| panic!("{e}"));
        SdkModel::read(spec, &source).unwrap_or_else(|e| panic!("{e}"))
    }

    /// `[required]` marks exactly the members whose absence the SDK builder's `build()` refuses.
    #[test]
    fn required_marks_are_the_sdk_builders() {
        let (spec, _) = loaded();
        let sdk = compiled_sdk_model(&spec);
        for row in REQUEST_STRUCTURES {
            let builder = &sdk.structs[&format!("shapes/{}.json $.members", row.name)];
            let marked: BTreeSet<String> = row
                .members
                .iter()
                .filter(|m| m.builder_requires)
                .map(|m| snake_case(m.name))
                .collect();
            let sdk_requires: BTreeSet<String> = builder
                .fields
                .iter()
                .filter(|f| f.builder_requires)
                .map(|f| f.name.clone())
                .collect();
            assert_eq!(
                marked, sdk_requires,
                "{}: [required] against {}",
                row.name, builder.origin
            );
        }
    }

    /// Every spec enum has a row, and the values the SDK model reads from the SDK's source are
    /// the compiled enum's `values()`.
    #[test]
    fn every_spec_enum_has_a_row_and_the_sdk_models_values_are_the_compiled_ones() {
        let (spec, _) = loaded();
        let sdk = compiled_sdk_model(&spec);
        for shape in spec.shapes.values().filter(|s| s.kind == ShapeKind::Enum) {
            let Some((_, values)) = ENUM_VALUES.iter().find(|(n, _)| *n == shape.shape) else {
                panic!("enum shape {} has no row in enums!", shape.shape);
            };
            assert_eq!(sdk.enums[&shape.shape], values(), "{}", shape.shape);
        }
    }
}
