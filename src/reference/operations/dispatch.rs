//! Which handler runs an operation.

use serde_json::{Map, Value};

use crate::reference::error::ApiError;
use crate::reference::state::{Reply, State};

impl State {
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
}
