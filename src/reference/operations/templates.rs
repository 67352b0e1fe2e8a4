//! Email templates: list, get, create, update, delete and test-render.

use serde_json::{json, Map, Value};

use super::paging::{page, with_next_token};
use crate::reference::error::ApiError;
use crate::reference::faults::Fault;
use crate::reference::state::{text, EmailTemplate, Reply, State};

impl State {
    pub(super) fn list_templates(&mut self, request: &Map<String, Value>) -> Reply {
        let names: Vec<String> = self.templates.keys().cloned().collect();
        let (page, next) = page(&names, request, 10)?;
        let items: Vec<Value> = page
            .iter()
            .filter_map(|name| self.templates.get(name).map(|t| (name, t)))
            .map(|(name, t)| json!({"TemplateName": name, "CreatedTimestamp": t.created}))
            .collect();
        Ok(with_next_token(json!({"TemplatesMetadata": items}), next))
    }

    pub(super) fn template(&self, name: &str) -> Result<&EmailTemplate, ApiError> {
        self.templates
            .get(name)
            .ok_or_else(|| ApiError::not_found(format!("Template {name} does not exist.")))
    }

    pub(super) fn get_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        let t = self.template(name)?;
        Ok(json!({"TemplateName": name, "TemplateContent": t.content}))
    }

    pub(super) fn create_template(&mut self, request: &Map<String, Value>) -> Reply {
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

    pub(super) fn update_template(&mut self, request: &Map<String, Value>) -> Reply {
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

    pub(super) fn delete_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        match self.templates.remove(name) {
            Some(_) => Ok(json!({})),
            None => Err(ApiError::not_found(format!(
                "Template {name} does not exist."
            ))),
        }
    }

    pub(super) fn render_template(&mut self, request: &Map<String, Value>) -> Reply {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn req(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn rendering_replaces_tags() {
        let data = req(json!({"name": "World"}));
        assert_eq!(render("Hello {{name}}!", &data), "Hello World!");
    }
}
