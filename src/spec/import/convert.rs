//! One model operation to one spec file of the table's format, and the shapes it refers to.
//!
//! What the model states as traits becomes the table's constraints: `required`, `length` (a
//! string's `min`/`max`), `range` (a number's), `items` (a list's or map's), an enum's values (a
//! shape file). What it states in prose becomes a rule with the sentence as its source (see
//! `prose.rs`). A trait the table has no kind for yet (`pattern`) is returned as [`Unheld`], so the
//! importer can say what it left out instead of dropping it silently. The importer never writes a
//! safety class: that is a person's review (see `mod.rs`).

use indexmap::IndexMap;
use serde_json::{json, Map, Value};

use super::botocore::{ModelOperation, ModelShape, ServiceModel, ShapeRef};
use super::prose;
use super::ImportError;

/// A rule of the model the table cannot hold yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unheld {
    /// Where, as `Operation.Member` or `Shape.Member`.
    pub at: String,
    /// What, e.g. `pattern ^[\w\-_]+$`.
    pub rule: String,
}

/// Builds the table's JSON from one model, collecting the shapes operations refer to.
pub struct Converter<'m> {
    model: &'m ServiceModel,
    /// How sources name the model: `SES v2 model (botocore 1.44.18)`.
    origin: String,
    /// Structure and enum shapes referred to so far, by name.
    pub shapes: IndexMap<String, Value>,
    /// Error types referred to so far, with their HTTP status.
    pub errors: IndexMap<String, u16>,
    /// Model rules left out.
    pub unheld: Vec<Unheld>,
}

impl<'m> Converter<'m> {
    /// A converter for `model`, whose sources cite `origin`.
    pub fn new(model: &'m ServiceModel, origin: &str) -> Self {
        Converter {
            model,
            origin: origin.to_string(),
            shapes: IndexMap::new(),
            errors: IndexMap::new(),
            unheld: Vec::new(),
        }
    }

    fn shape(&self, name: &str, at: &str) -> Result<&'m ModelShape, ImportError> {
        self.model.shapes.get(name).ok_or_else(|| {
            ImportError::model(
                at,
                format!("refers to shape `{name}`, which the model lacks"),
            )
        })
    }

    /// The spec file of operation `name`.
    pub fn operation(&mut self, name: &str, op: &ModelOperation) -> Result<Value, ImportError> {
        let at = format!("$.operations.{name}");
        let mut file = Map::new();
        file.insert("operation".into(), json!(name));
        file.insert(
            "summary".into(),
            json!(prose::first_sentence(&op.documentation)),
        );
        file.insert(
            "source".into(),
            json!(format!("{}: operation {name}", self.origin)),
        );
        file.insert(
            "http".into(),
            json!({"method": op.http.method, "uri": op.http.request_uri}),
        );
        if let Some((per_second, sentence)) = prose::rate_limit(&op.documentation) {
            file.insert(
                "rate_limit".into(),
                json!({"per_second": per_second, "source": format!("{} {name}: \"{sentence}\"", self.origin)}),
            );
        }
        let input = match &op.input {
            Some(r) => self.top_members(name, &r.shape, true, &format!("{at}.input"))?,
            None => Map::new(),
        };
        file.insert("input".into(), Value::Object(input));
        let output = match &op.output {
            Some(r) => self.top_members(name, &r.shape, false, &format!("{at}.output"))?,
            None => Map::new(),
        };
        file.insert("output".into(), Value::Object(output));
        let mut types = Vec::new();
        for (i, e) in op.errors.iter().enumerate() {
            let shape = self.shape(&e.shape, &format!("{at}.errors[{i}]"))?;
            let status = shape.error.as_ref().map_or(400, |t| t.http_status_code);
            self.errors.insert(e.shape.clone(), status);
            types.push(e.shape.clone());
        }
        types.sort();
        file.insert(
            "errors".into(),
            json!({"types": types, "source": format!("{}: {name} errors", self.origin)}),
        );
        Ok(Value::Object(file))
    }

    /// The members of an operation's request (`input`) or answer structure.
    fn top_members(
        &mut self,
        op: &str,
        shape_name: &str,
        input: bool,
        at: &str,
    ) -> Result<Map<String, Value>, ImportError> {
        let shape = self.shape(shape_name, at)?;
        let mut out = Map::new();
        for (name, r) in &shape.members {
            let required = input && shape.required.contains(name);
            let mut member = self.member(op, name, r, required, &format!("{at}.{name}"))?;
            if input {
                let (location, wire) = location(r, name, &format!("{at}.{name}"))?;
                // Each goes right after `type`: the last inserted comes first.
                insert_after_type(&mut member, "wire_name", json!(wire));
                insert_after_type(&mut member, "location", json!(location));
                if name == "PageSize" {
                    self.page_size_rule(op, r, &mut member);
                }
            }
            out.insert(name.clone(), member);
        }
        Ok(out)
    }

    /// A page size's bounds, where the documentation states them and the model does not.
    fn page_size_rule(&self, op: &str, r: &ShapeRef, member: &mut Value) {
        let Some((min, max, sentence)) = prose::page_size_bounds(&r.documentation) else {
            return;
        };
        let constraints = member.as_object_mut().and_then(|m| {
            m.entry("constraints")
                .or_insert_with(|| json!({}))
                .as_object_mut()
        });
        if let Some(constraints) = constraints {
            constraints.entry("range").or_insert_with(|| {
                json!({"min": min, "max": max, "source": format!("{} {op}, PageSize: \"{sentence}\"", self.origin)})
            });
        }
    }

    /// One member: its type, its doc, its constraints, and its shape, item, key or value.
    fn member(
        &mut self,
        owner: &str,
        name: &str,
        r: &ShapeRef,
        required: bool,
        at: &str,
    ) -> Result<Value, ImportError> {
        let shape = self.shape(&r.shape, at)?;
        let mut member = Map::new();
        member.insert("type".into(), json!(table_type(&shape.ty, at)?));
        let doc = prose::first_sentence(if r.documentation.is_empty() {
            &shape.documentation
        } else {
            &r.documentation
        });
        if !doc.is_empty() {
            member.insert("doc".into(), json!(doc));
        }
        let mut constraints = Map::new();
        if required {
            constraints.insert("required".into(), self.required(owner, name));
        }
        match shape.ty.as_str() {
            "structure" => {
                member.insert("shape".into(), json!(r.shape));
                self.structure(&r.shape)?;
            }
            "string" if !shape.values.is_empty() => {
                member.insert("shape".into(), json!(r.shape));
                self.enumeration(&r.shape, shape);
            }
            "list" => {
                let item = shape
                    .member
                    .as_ref()
                    .ok_or_else(|| ImportError::model(at, "a list without `member`"))?;
                let item = self.member(&r.shape, "member", item, false, &format!("{at}[]"))?;
                member.insert("member".into(), item);
            }
            "map" => {
                let (Some(key), Some(value)) = (&shape.key, &shape.value) else {
                    return Err(ImportError::model(at, "a map without `key` and `value`"));
                };
                let key = self.member(&r.shape, "key", key, false, &format!("{at}.key"))?;
                let value = self.member(&r.shape, "value", value, false, &format!("{at}.value"))?;
                member.insert("key".into(), key);
                member.insert("value".into(), value);
            }
            _ => {}
        }
        if let Some(kind) = bounds_kind(&shape.ty) {
            if shape.min.is_some() || shape.max.is_some() {
                constraints.insert(kind.into(), self.bounds(&r.shape, kind, shape));
            }
        }
        if let Some(pattern) = &shape.pattern {
            let unheld = Unheld {
                at: format!("{owner}.{name}"),
                rule: format!("pattern {pattern} (shape {})", r.shape),
            };
            // An operation's request and answer may both carry the member: say it once.
            if !self.unheld.contains(&unheld) {
                self.unheld.push(unheld);
            }
        }
        if !constraints.is_empty() {
            member.insert("constraints".into(), Value::Object(constraints));
        }
        Ok(Value::Object(member))
    }

    fn required(&self, owner: &str, name: &str) -> Value {
        json!({
            "source": format!("{}: {owner}.{name} is required", self.origin),
            "enforced": format!(
                "{}: {name} is required; SES rejects a request without it in validation, before acting on it (REAL-SES.md: a missing required member is named in a `validation error detected` answer, e.g. PutAccountDetails `{{}}` names mailType and websiteURL)",
                self.origin
            ),
        })
    }

    fn bounds(&self, shape_name: &str, kind: &str, shape: &ModelShape) -> Value {
        let mut row = Map::new();
        if let Some(min) = shape.min {
            row.insert("min".into(), json!(min as i64));
        }
        if let Some(max) = shape.max {
            row.insert("max".into(), json!(max as i64));
        }
        let stated = [("min", shape.min), ("max", shape.max)]
            .iter()
            .filter_map(|(k, v)| v.map(|v| format!("{k}: {}", v as i64)))
            .collect::<Vec<_>>()
            .join(", ");
        let trait_name = if kind == "range" { "@range" } else { "@length" };
        row.insert(
            "source".into(),
            json!(format!(
                "{}: shape {shape_name} {trait_name}({stated})",
                self.origin
            )),
        );
        Value::Object(row)
    }

    /// An enum shape's file.
    fn enumeration(&mut self, name: &str, shape: &ModelShape) {
        if self.shapes.contains_key(name) {
            return;
        }
        self.shapes.insert(
            name.to_string(),
            json!({
                "shape": name,
                "kind": "enum",
                "source": format!("{}: shape {name}", self.origin),
                "values": shape.values,
                "enforced": format!(
                    "{}: {name} is an enum of exactly these values; SES rejects any other value in validation, before acting on the request (`failed to satisfy constraint: Member must satisfy enum value set`)",
                    self.origin
                ),
            }),
        );
    }

    /// A structure shape's file, and those of the shapes it refers to.
    fn structure(&mut self, name: &str) -> Result<(), ImportError> {
        if self.shapes.contains_key(name) {
            return Ok(());
        }
        // Claimed before its members are read, so a shape that refers to itself terminates.
        self.shapes.insert(name.to_string(), Value::Null);
        let at = format!("$.shapes.{name}");
        let shape = self.shape(name, &at)?;
        let mut members = Map::new();
        for (member_name, r) in &shape.members {
            let required = shape.required.contains(member_name);
            let member = self.member(
                name,
                member_name,
                r,
                required,
                &format!("{at}.members.{member_name}"),
            )?;
            members.insert(member_name.clone(), member);
        }
        let mut file = Map::new();
        file.insert("shape".into(), json!(name));
        file.insert("kind".into(), json!("structure"));
        file.insert(
            "source".into(),
            json!(format!("{}: shape {name}", self.origin)),
        );
        file.insert("members".into(), Value::Object(members));
        if shape.union {
            file.insert(
                "rules".into(),
                json!({"exactly_one_of": {
                    "members": shape.members.keys().collect::<Vec<_>>(),
                    "source": format!("{}: shape {name} is a union (exactly one member is set)", self.origin),
                }}),
            );
        }
        self.shapes.insert(name.to_string(), Value::Object(file));
        Ok(())
    }
}

/// The table's type for a model type (`long` is a JSON number like `integer`).
fn table_type(ty: &str, at: &str) -> Result<&'static str, ImportError> {
    Ok(match ty {
        "string" => "string",
        "integer" | "long" => "integer",
        "boolean" => "boolean",
        "double" | "float" => "double",
        "blob" => "blob",
        "timestamp" => "timestamp",
        "list" => "list",
        "map" => "map",
        "structure" => "structure",
        other => {
            return Err(ImportError::model(
                at,
                format!("type `{other}` has no table type"),
            ))
        }
    })
}

/// The constraint kind a type's `min`/`max` become.
fn bounds_kind(ty: &str) -> Option<&'static str> {
    match ty {
        "string" => Some("length"),
        "integer" | "long" => Some("range"),
        "list" | "map" => Some("items"),
        _ => None,
    }
}

/// Where a top-level request member travels, and its name there.
fn location(r: &ShapeRef, name: &str, at: &str) -> Result<(&'static str, String), ImportError> {
    let wire = r.location_name.clone().unwrap_or_else(|| name.to_string());
    match r.location.as_deref() {
        None => Ok(("body", name.to_string())),
        Some("uri") => Ok(("uri", wire)),
        Some("querystring") => Ok(("query", wire)),
        Some(other) => Err(ImportError::model(
            at,
            format!("location `{other}` has no table location"),
        )),
    }
}

/// Insert `key` right after `type`, where the table's files keep a member's location.
fn insert_after_type(member: &mut Value, key: &str, value: Value) {
    let Some(object) = member.as_object_mut() else {
        return;
    };
    let old = std::mem::take(object);
    for (k, v) in old {
        let after_type = k == "type";
        object.insert(k, v);
        if after_type {
            object.insert(key.to_string(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(shapes: Value) -> ServiceModel {
        serde_json::from_value(json!({
            "metadata": {"apiVersion": "2019-09-27", "protocol": "rest-json"},
            "operations": {
                "PutThing": {
                    "http": {"method": "PUT", "requestUri": "/v2/email/things/{ThingName}"},
                    "input": {"shape": "PutThingRequest"},
                    "output": {"shape": "PutThingResponse"},
                    "errors": [{"shape": "NotFoundException"}],
                    "documentation": "<p>Puts a thing. You can execute this operation no more than once per second.</p>"
                }
            },
            "shapes": shapes,
        }))
        .unwrap()
    }

    fn shapes() -> Value {
        json!({
            "PutThingRequest": {"type": "structure", "required": ["ThingName"], "members": {
                "ThingName": {"shape": "ThingName", "location": "uri", "locationName": "ThingName"},
                "PageSize": {"shape": "Size", "location": "querystring", "locationName": "PageSize",
                    "documentation": "<p>The value you specify has to be at least 1, and can be no more than 20.</p>"},
                "Scheme": {"shape": "Scheme"},
                "Delay": {"shape": "Delay"},
                "Kind": {"shape": "Kind"},
                "Tags": {"shape": "TagList"}
            }},
            "PutThingResponse": {"type": "structure", "members": {}},
            "ThingName": {"type": "string", "min": 1, "max": 64, "pattern": "^[\\w-]+$"},
            "Size": {"type": "integer"},
            "Delay": {"type": "long", "min": 300, "max": 50400},
            "Kind": {"type": "string", "enum": ["A", "B"]},
            "Scheme": {"type": "structure", "union": true, "members": {
                "Default": {"shape": "Kind"}, "Custom": {"shape": "ThingName"}
            }},
            "TagList": {"type": "list", "member": {"shape": "Kind"}, "max": 50},
            "NotFoundException": {"type": "structure", "members": {}, "error": {"httpStatusCode": 404}, "exception": true}
        })
    }

    fn convert() -> (Value, Converter<'static>) {
        let model: &'static ServiceModel = Box::leak(Box::new(model(shapes())));
        let mut converter = Converter::new(model, "test model");
        let op = converter
            .operation("PutThing", &model.operations["PutThing"])
            .unwrap();
        (op, converter)
    }

    #[test]
    fn traits_become_the_tables_constraints() {
        let (op, _) = convert();
        let name = &op["input"]["ThingName"];
        assert_eq!(name["location"], "uri");
        assert_eq!(name["wire_name"], "ThingName");
        assert_eq!(name["constraints"]["length"]["min"], 1);
        assert_eq!(name["constraints"]["length"]["max"], 64);
        assert!(name["constraints"]["required"]["enforced"].is_string());
        assert_eq!(op["input"]["Delay"]["type"], "integer");
        assert_eq!(op["input"]["Delay"]["constraints"]["range"]["max"], 50400);
        assert_eq!(op["input"]["Tags"]["constraints"]["items"]["max"], 50);
        assert_eq!(op["input"]["Kind"]["shape"], "Kind");
        assert_eq!(op["errors"]["types"], json!(["NotFoundException"]));
        assert!(
            op.get("safety").is_none(),
            "the importer never writes a class"
        );
    }

    #[test]
    fn prose_rules_quote_their_sentence() {
        let (op, _) = convert();
        assert_eq!(op["rate_limit"]["per_second"], 1.0);
        let range = &op["input"]["PageSize"]["constraints"]["range"];
        assert_eq!(
            (range["min"].as_i64(), range["max"].as_i64()),
            (Some(1), Some(20))
        );
        assert!(range["source"]
            .as_str()
            .unwrap()
            .contains("at least 1, and can be no more than 20"));
    }

    #[test]
    fn shapes_enums_unions_and_errors_are_collected() {
        let (_, converter) = convert();
        assert_eq!(converter.shapes["Kind"]["values"], json!(["A", "B"]));
        assert_eq!(
            converter.shapes["Scheme"]["rules"]["exactly_one_of"]["members"],
            json!(["Default", "Custom"])
        );
        assert_eq!(converter.errors["NotFoundException"], 404);
    }

    #[test]
    fn a_pattern_is_reported_not_dropped() {
        let (_, converter) = convert();
        assert!(converter
            .unheld
            .iter()
            .any(|u| u.at == "PutThingRequest.ThingName" || u.at == "PutThing.ThingName"));
    }

    #[test]
    fn a_shape_the_model_lacks_is_named_with_its_path() {
        let mut broken = shapes();
        broken.as_object_mut().unwrap().remove("Size");
        let model = model(broken);
        let mut converter = Converter::new(&model, "test model");
        let err = converter
            .operation("PutThing", &model.operations["PutThing"])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("$.operations.PutThing.input.PageSize"),
            "{err}"
        );
        assert!(err.contains("`Size`"), "{err}");
    }
}
