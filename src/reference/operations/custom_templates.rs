//! Custom verification email templates, and the verification mail sent with one.

use serde_json::{json, Map, Value};

use super::paging::{page, with_next_token};
use crate::reference::error::ApiError;
use crate::reference::faults::Fault;
use crate::reference::state::{text, Reply, State};

impl State {
    pub(super) fn list_custom(&mut self, request: &Map<String, Value>) -> Reply {
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

    pub(super) fn custom(&self, name: &str) -> Result<&Map<String, Value>, ApiError> {
        self.custom_templates.get(name).ok_or_else(|| {
            ApiError::not_found(format!(
                "Custom verification email template {name} does not exist."
            ))
        })
    }

    pub(super) fn get_custom(&mut self, request: &Map<String, Value>) -> Reply {
        Ok(Value::Object(
            self.custom(text(request, "TemplateName"))?.clone(),
        ))
    }

    pub(super) fn create_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName").to_string();
        if self.custom_templates.contains_key(&name) {
            return Err(ApiError::already_exists(format!(
                "Custom verification email template {name} already exists."
            )));
        }
        self.custom_templates.insert(name, request.clone());
        Ok(json!({}))
    }

    pub(super) fn update_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName").to_string();
        self.custom(&name)?;
        self.custom_templates.insert(name, request.clone());
        Ok(json!({}))
    }

    pub(super) fn delete_custom(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        self.custom(name)?;
        self.custom_templates.remove(name);
        Ok(json!({}))
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
        self.identities.entry(address).or_default();
        Ok(json!({"MessageId": self.message_id()}))
    }
}
