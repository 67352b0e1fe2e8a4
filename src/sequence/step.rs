//! The transitions of a sequence: one per operation that reads or changes the run's templates,
//! custom verification templates and identity policies. Every step is defined in every state
//! (a Get of a slot that holds nothing expects NotFound), so any subsequence of a sequence is
//! itself a sequence, which is what lets proptest shrink by dropping steps.

use proptest::prelude::*;
use serde_json::{json, Value};

use crate::case::{IDENTITY_PLACEHOLDER, PREFIX_PLACEHOLDER, SENDER_PLACEHOLDER};

/// How many email templates, custom verification templates and policies one sequence names.
pub const TEMPLATE_SLOTS: u8 = 4;
/// See [`TEMPLATE_SLOTS`].
pub const VERIFICATION_SLOTS: u8 = 3;
/// See [`TEMPLATE_SLOTS`].
pub const POLICY_SLOTS: u8 = 4;
/// How many distinct contents a step can write.
pub const CONTENTS: u8 = 3;

/// One transition.
///
/// Fields: `slot` picks one of the execution's resources of that kind; `content`, `document` and
/// `data` pick one of the fixed versions written or supplied.
#[allow(missing_docs)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// CreateEmailTemplate.
    CreateTemplate { slot: u8, content: u8 },
    /// UpdateEmailTemplate.
    UpdateTemplate { slot: u8, content: u8 },
    /// GetEmailTemplate.
    GetTemplate { slot: u8 },
    /// DeleteEmailTemplate.
    DeleteTemplate { slot: u8 },
    /// TestRenderEmailTemplate with one of the data sets.
    RenderTemplate { slot: u8, data: u8 },
    /// ListEmailTemplates, every page, at this page size.
    ListTemplates { page_size: u8 },
    /// CreateCustomVerificationEmailTemplate.
    CreateVerification { slot: u8, content: u8 },
    /// UpdateCustomVerificationEmailTemplate.
    UpdateVerification { slot: u8, content: u8 },
    /// GetCustomVerificationEmailTemplate.
    GetVerification { slot: u8 },
    /// DeleteCustomVerificationEmailTemplate.
    DeleteVerification { slot: u8 },
    /// ListCustomVerificationEmailTemplates, every page, at this page size.
    ListVerifications { page_size: u8 },
    /// CreateEmailIdentityPolicy on the run's identity.
    CreatePolicy { slot: u8, document: u8 },
    /// UpdateEmailIdentityPolicy.
    UpdatePolicy { slot: u8, document: u8 },
    /// DeleteEmailIdentityPolicy.
    DeletePolicy { slot: u8 },
    /// GetEmailIdentityPolicies.
    GetPolicies,
    /// GetEmailIdentity (its Policies view).
    GetIdentity,
    /// Create policies until the identity holds the documented 20, then one more.
    FillPolicies,
    /// Create an email address identity, read it (IdentityType EMAIL_ADDRESS), delete it, and
    /// read it again (NotFound): the run's own identity is a domain, so both kinds are read.
    AddressIdentity,
}

/// The documented page-size bounds of the two listings.
pub const TEMPLATE_PAGE: (u8, u8) = (1, 10);
/// See [`TEMPLATE_PAGE`].
pub const VERIFICATION_PAGE: (u8, u8) = (1, 50);

/// Any step. Creates come first in each group so that shrinking (toward the first alternative
/// and toward slot 0) leads to simple sequences; the limit step is rare, it costs 21 calls.
pub fn any_step() -> impl Strategy<Value = Step> {
    let t = slot(TEMPLATE_SLOTS);
    let v = slot(VERIFICATION_SLOTS);
    let p = slot(POLICY_SLOTS);
    let c = 0..CONTENTS;
    prop_oneof![
        4 => (t.clone(), c.clone()).prop_map(|(slot, content)| Step::CreateTemplate { slot, content }),
        2 => (t.clone(), c.clone()).prop_map(|(slot, content)| Step::UpdateTemplate { slot, content }),
        2 => t.clone().prop_map(|slot| Step::GetTemplate { slot }),
        2 => t.clone().prop_map(|slot| Step::DeleteTemplate { slot }),
        2 => (t, c.clone()).prop_map(|(slot, data)| Step::RenderTemplate { slot, data }),
        3 => page_size(TEMPLATE_PAGE).prop_map(|page_size| Step::ListTemplates { page_size }),
        3 => (v.clone(), c.clone()).prop_map(|(slot, content)| Step::CreateVerification { slot, content }),
        1 => (v.clone(), c.clone()).prop_map(|(slot, content)| Step::UpdateVerification { slot, content }),
        1 => v.clone().prop_map(|slot| Step::GetVerification { slot }),
        1 => v.prop_map(|slot| Step::DeleteVerification { slot }),
        1 => page_size(VERIFICATION_PAGE).prop_map(|page_size| Step::ListVerifications { page_size }),
        3 => (p.clone(), c.clone()).prop_map(|(slot, document)| Step::CreatePolicy { slot, document }),
        1 => (p.clone(), c).prop_map(|(slot, document)| Step::UpdatePolicy { slot, document }),
        1 => p.prop_map(|slot| Step::DeletePolicy { slot }),
        1 => Just(Step::GetPolicies),
        1 => Just(Step::GetIdentity),
        1 => Just(Step::FillPolicies),
        1 => Just(Step::AddressIdentity),
    ]
}

/// A slot below `n`, the first two most often: steps that meet on the same resource are what
/// read-your-writes needs.
fn slot(n: u8) -> impl Strategy<Value = u8> + Clone {
    prop_oneof![2 => Just(0u8), 2 => Just(1u8), 1 => 0..n]
}

/// A page size within `bounds`, small ones most often: a listing only pages, and so only shows
/// paging faults, when it holds more items than a page.
fn page_size(bounds: (u8, u8)) -> impl Strategy<Value = u8> {
    prop_oneof![3 => Just(bounds.0), 1 => bounds.0..=bounds.1]
}

/// A sequence of 1 to `max_len` steps.
pub fn any_sequence(max_len: usize) -> impl Strategy<Value = Vec<Step>> {
    proptest::collection::vec(any_step(), 1..=max_len.max(1))
}

/// The names one execution of a sequence uses: every name carries the run prefix and a token
/// of its own, so executions (and shrink attempts) never see each other's resources.
#[derive(Debug, Clone)]
pub struct Names {
    prefix: String,
}

impl Names {
    /// Names under `sc000000000000-q<token>-` (placeholder form; the target binds the run's prefix).
    pub fn new(token: &str) -> Names {
        Names {
            prefix: format!("{PREFIX_PLACEHOLDER}q{token}-"),
        }
    }

    /// The prefix every name of this execution starts with.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Email template `slot`.
    pub fn template(&self, slot: u8) -> String {
        format!("{}t{slot}", self.prefix)
    }

    /// Custom verification template `slot`.
    pub fn verification(&self, slot: u8) -> String {
        format!("{}v{slot}", self.prefix)
    }

    /// The email address identity of the identity step.
    pub fn address_identity(&self) -> String {
        format!("{}addr@example.com", self.prefix)
    }

    /// Policy `slot` (the limit step uses slots past [`POLICY_SLOTS`]).
    pub fn policy(&self, slot: u8) -> String {
        format!("{}p{slot}", self.prefix)
    }
}

/// The content of email template version `content`.
pub fn template_content(content: u8) -> Value {
    json!({
        "Subject": format!("Subject {content} for {{{{name}}}}"),
        "Text": format!("Hello {{{{name}}}}, variant {content}, code {{{{code}}}}."),
        "Html": format!("<p>Hello {{{{name}}}}, variant {content}</p>"),
    })
}

/// Rendering data set `data`: values no template text contains by chance.
pub fn render_data(data: u8) -> (String, String) {
    (format!("Nadia{data}x"), format!("K{data}Q9"))
}

/// The text part template `content` renders to with data set `data`.
pub fn rendered_text(content: u8, data: u8) -> String {
    let (name, code) = render_data(data);
    format!("Hello {name}, variant {content}, code {code}.")
}

/// The fields of custom verification template version `content`, as Get answers them.
pub fn verification_content(name: &str, content: u8) -> Value {
    json!({
        "TemplateName": name,
        "FromEmailAddress": SENDER_PLACEHOLDER,
        "TemplateSubject": format!("Verify {content}"),
        "TemplateContent": format!("<p>Verify variant {content}</p>"),
        "SuccessRedirectionURL": format!("https://example.com/ok/{content}"),
        "FailureRedirectionURL": format!("https://example.com/fail/{content}"),
    })
}

/// Policy document version `document`.
pub fn policy_document(document: u8) -> String {
    crate::generate::text::policy_document(IDENTITY_PLACEHOLDER, &format!("Seq{document}"))
}

/// The one request a single-call step sends (listings and the limit step send several, built by
/// the runner from [`list_request`] and [`create_policy`]).
pub fn request(step: Step, names: &Names) -> Option<(&'static str, Value)> {
    let call = match step {
        Step::CreateTemplate { slot, content } => (
            "CreateEmailTemplate",
            json!({"TemplateName": names.template(slot), "TemplateContent": template_content(content)}),
        ),
        Step::UpdateTemplate { slot, content } => (
            "UpdateEmailTemplate",
            json!({"TemplateName": names.template(slot), "TemplateContent": template_content(content)}),
        ),
        Step::GetTemplate { slot } => (
            "GetEmailTemplate",
            json!({"TemplateName": names.template(slot)}),
        ),
        Step::DeleteTemplate { slot } => (
            "DeleteEmailTemplate",
            json!({"TemplateName": names.template(slot)}),
        ),
        Step::RenderTemplate { slot, data } => {
            let (name, code) = render_data(data);
            (
                "TestRenderEmailTemplate",
                json!({
                    "TemplateName": names.template(slot),
                    "TemplateData": json!({"name": name, "code": code}).to_string(),
                }),
            )
        }
        Step::CreateVerification { slot, content } | Step::UpdateVerification { slot, content } => {
            let operation = if matches!(step, Step::CreateVerification { .. }) {
                "CreateCustomVerificationEmailTemplate"
            } else {
                "UpdateCustomVerificationEmailTemplate"
            };
            (
                operation,
                verification_content(&names.verification(slot), content),
            )
        }
        Step::GetVerification { slot } => (
            "GetCustomVerificationEmailTemplate",
            json!({"TemplateName": names.verification(slot)}),
        ),
        Step::DeleteVerification { slot } => (
            "DeleteCustomVerificationEmailTemplate",
            json!({"TemplateName": names.verification(slot)}),
        ),
        Step::CreatePolicy { slot, document } => create_policy(names, slot, document),
        Step::UpdatePolicy { slot, document } => (
            "UpdateEmailIdentityPolicy",
            json!({
                "EmailIdentity": IDENTITY_PLACEHOLDER,
                "PolicyName": names.policy(slot),
                "Policy": policy_document(document),
            }),
        ),
        Step::DeletePolicy { slot } => (
            "DeleteEmailIdentityPolicy",
            json!({"EmailIdentity": IDENTITY_PLACEHOLDER, "PolicyName": names.policy(slot)}),
        ),
        Step::GetPolicies => (
            "GetEmailIdentityPolicies",
            json!({"EmailIdentity": IDENTITY_PLACEHOLDER}),
        ),
        Step::GetIdentity => (
            "GetEmailIdentity",
            json!({"EmailIdentity": IDENTITY_PLACEHOLDER}),
        ),
        Step::ListTemplates { .. }
        | Step::ListVerifications { .. }
        | Step::FillPolicies
        | Step::AddressIdentity => return None,
    };
    Some(call)
}

/// CreateEmailIdentityPolicy of policy `slot` with document version `document`.
pub fn create_policy(names: &Names, slot: u8, document: u8) -> (&'static str, Value) {
    (
        "CreateEmailIdentityPolicy",
        json!({
            "EmailIdentity": IDENTITY_PLACEHOLDER,
            "PolicyName": names.policy(slot),
            "Policy": policy_document(document),
        }),
    )
}

/// One page request of a listing.
pub fn list_request(step: Step, next_token: Option<&str>) -> Option<(&'static str, Value)> {
    let (operation, page_size) = match step {
        Step::ListTemplates { page_size } => ("ListEmailTemplates", page_size),
        Step::ListVerifications { page_size } => {
            ("ListCustomVerificationEmailTemplates", page_size)
        }
        _ => return None,
    };
    let mut request = json!({ "PageSize": page_size });
    if let Some(token) = next_token {
        request["NextToken"] = json!(token);
    }
    Some((operation, request))
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::CreateTemplate { slot, content } => {
                write!(f, "CreateEmailTemplate t{slot} (content {content})")
            }
            Step::UpdateTemplate { slot, content } => {
                write!(f, "UpdateEmailTemplate t{slot} (content {content})")
            }
            Step::GetTemplate { slot } => write!(f, "GetEmailTemplate t{slot}"),
            Step::DeleteTemplate { slot } => write!(f, "DeleteEmailTemplate t{slot}"),
            Step::RenderTemplate { slot, data } => {
                write!(f, "TestRenderEmailTemplate t{slot} (data {data})")
            }
            Step::ListTemplates { page_size } => {
                write!(f, "ListEmailTemplates, every page of {page_size}")
            }
            Step::CreateVerification { slot, content } => write!(
                f,
                "CreateCustomVerificationEmailTemplate v{slot} (content {content})"
            ),
            Step::UpdateVerification { slot, content } => write!(
                f,
                "UpdateCustomVerificationEmailTemplate v{slot} (content {content})"
            ),
            Step::GetVerification { slot } => {
                write!(f, "GetCustomVerificationEmailTemplate v{slot}")
            }
            Step::DeleteVerification { slot } => {
                write!(f, "DeleteCustomVerificationEmailTemplate v{slot}")
            }
            Step::ListVerifications { page_size } => write!(
                f,
                "ListCustomVerificationEmailTemplates, every page of {page_size}"
            ),
            Step::CreatePolicy { slot, document } => {
                write!(f, "CreateEmailIdentityPolicy p{slot} (document {document})")
            }
            Step::UpdatePolicy { slot, document } => {
                write!(f, "UpdateEmailIdentityPolicy p{slot} (document {document})")
            }
            Step::DeletePolicy { slot } => write!(f, "DeleteEmailIdentityPolicy p{slot}"),
            Step::GetPolicies => write!(f, "GetEmailIdentityPolicies"),
            Step::GetIdentity => write!(f, "GetEmailIdentity (Policies)"),
            Step::FillPolicies => write!(
                f,
                "CreateEmailIdentityPolicy until 20 policies, then one more"
            ),
            Step::AddressIdentity => {
                write!(f, "an email address identity: create, read, delete, read")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_single_call_step_names_only_run_prefixed_resources() {
        let names = Names::new("abcde");
        for step in [
            Step::CreateTemplate {
                slot: 1,
                content: 2,
            },
            Step::CreateVerification {
                slot: 0,
                content: 0,
            },
            Step::DeletePolicy { slot: 3 },
        ] {
            let (_, request) = request(step, &names).unwrap();
            let name = request
                .get("TemplateName")
                .or(request.get("PolicyName"))
                .and_then(Value::as_str)
                .unwrap();
            assert!(name.starts_with(PREFIX_PLACEHOLDER), "{name}");
        }
    }

    #[test]
    fn listings_and_the_limit_step_have_no_single_request() {
        let names = Names::new("abcde");
        assert!(request(Step::ListTemplates { page_size: 3 }, &names).is_none());
        assert!(request(Step::FillPolicies, &names).is_none());
        let (_, page) = list_request(Step::ListTemplates { page_size: 3 }, Some("t")).unwrap();
        assert_eq!(page, json!({"PageSize": 3, "NextToken": "t"}));
    }

    #[test]
    fn rendered_text_is_the_template_text_with_the_data_substituted() {
        let text = template_content(1)["Text"].as_str().unwrap().to_string();
        let (name, code) = render_data(2);
        let substituted = text.replace("{{name}}", &name).replace("{{code}}", &code);
        assert_eq!(substituted, rendered_text(1, 2));
    }
}
