//! Custom verification email templates beyond plain CRUD (which `crud.rs` answers from the
//! spec): the verification mail sent with one.

use serde_json::{json, Map, Value};

use crate::reference::error::ApiError;
use crate::reference::state::{text, Reply, State};

/// The family custom verification templates are stored under (`specs/resources.json`).
const CUSTOM_TEMPLATE: &str = "custom_verification_template";

impl State {
    fn custom(&self, name: &str) -> Result<(), ApiError> {
        match self.store.has(CUSTOM_TEMPLATE, name) {
            true => Ok(()),
            false => Err(ApiError::not_found(format!(
                "Custom verification email template {name} does not exist."
            ))),
        }
    }

    pub(super) fn send_custom(&mut self, request: &Map<String, Value>) -> Reply {
        self.custom(text(request, "TemplateName"))?;
        // "Adds an email address to the list of identities ... and attempts to verify it."
        let address = text(request, "EmailAddress").to_string();
        self.sandbox_send(std::slice::from_ref(&address))?;
        if let Some(sandbox) = &mut self.sandbox {
            sandbox.record(format!(
                "SendCustomVerificationEmail mailed {address} and added it as an identity"
            ));
        }
        self.add_identity(&address, false);
        Ok(json!({"MessageId": self.message_id()}))
    }
}
