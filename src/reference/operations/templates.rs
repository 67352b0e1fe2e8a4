//! Email templates beyond plain CRUD (which `crud.rs` answers from the spec): test-render.

use serde_json::{json, Map, Value};

use crate::reference::error::ApiError;
use crate::reference::state::{text, Reply, State};
use crate::reference::store::Item;

/// The family email templates are stored under (`specs/resources.json`).
const EMAIL_TEMPLATE: &str = "email_template";

impl State {
    /// A stored email template, or the not-found answer TestRenderEmailTemplate and a templated
    /// send give.
    pub(super) fn template(&self, name: &str) -> Result<&Item, ApiError> {
        self.store
            .item(EMAIL_TEMPLATE, name)
            .ok_or_else(|| ApiError::not_found(format!("Template {name} does not exist.")))
    }

    pub(super) fn render_template(&mut self, request: &Map<String, Value>) -> Reply {
        let name = text(request, "TemplateName");
        let content = self
            .template(name)?
            .get("TemplateContent")
            .cloned()
            .unwrap_or_default();
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
