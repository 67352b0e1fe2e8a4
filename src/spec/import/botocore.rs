//! The parts of botocore's `service-2.json` the importer reads. Keys it does not read are
//! ignored (the model carries endpoint and documentation metadata the table has no use for),
//! but every key it does read is typed, so a model that changed shape fails with its JSON path.

use indexmap::IndexMap;
use serde::Deserialize;

/// A botocore service model.
#[derive(Debug, Clone, Deserialize)]
pub struct ServiceModel {
    /// `apiVersion`, `protocol`, ...
    pub metadata: Metadata,
    /// Operations by name.
    pub operations: IndexMap<String, ModelOperation>,
    /// Shapes by name.
    pub shapes: IndexMap<String, ModelShape>,
}

/// The model's metadata.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// `2019-09-27` for SES v2.
    pub api_version: String,
    /// `rest-json` for SES v2.
    pub protocol: String,
}

/// One operation.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelOperation {
    /// The HTTP binding.
    pub http: ModelHttp,
    /// The request structure.
    #[serde(default)]
    pub input: Option<ShapeRef>,
    /// The answer structure.
    #[serde(default)]
    pub output: Option<ShapeRef>,
    /// The error structures it may raise.
    #[serde(default)]
    pub errors: Vec<ShapeRef>,
    /// HTML documentation.
    #[serde(default)]
    pub documentation: String,
}

/// Method and URI.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModelHttp {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The URI template, labels in braces.
    pub request_uri: String,
}

/// A reference to a shape from an operation or a member.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShapeRef {
    /// The shape's name.
    pub shape: String,
    /// `uri`, `querystring` or `header`; absent for the JSON body.
    #[serde(default)]
    pub location: Option<String>,
    /// The name on the wire, for `uri` and `querystring` members.
    #[serde(default)]
    pub location_name: Option<String>,
    /// HTML documentation of the member.
    #[serde(default)]
    pub documentation: String,
}

/// A shape: a structure, a list, a map or a scalar with its constraints.
#[derive(Debug, Clone, Deserialize)]
pub struct ModelShape {
    /// `structure`, `string`, `integer`, `long`, `boolean`, `double`, `timestamp`, `blob`,
    /// `list` or `map`.
    #[serde(rename = "type")]
    pub ty: String,
    /// Structure members.
    #[serde(default)]
    pub members: IndexMap<String, ShapeRef>,
    /// Required members of a structure.
    #[serde(default)]
    pub required: Vec<String>,
    /// The values of an enum string.
    #[serde(default, rename = "enum")]
    pub values: Vec<String>,
    /// Smallest length, value or count.
    #[serde(default)]
    pub min: Option<f64>,
    /// Largest length, value or count.
    #[serde(default)]
    pub max: Option<f64>,
    /// A regular expression a string must match.
    #[serde(default)]
    pub pattern: Option<String>,
    /// A list's item.
    #[serde(default)]
    pub member: Option<ShapeRef>,
    /// A map's key.
    #[serde(default)]
    pub key: Option<ShapeRef>,
    /// A map's value.
    #[serde(default)]
    pub value: Option<ShapeRef>,
    /// A structure of which exactly one member is set.
    #[serde(default)]
    pub union: bool,
    /// An error structure: its HTTP status.
    #[serde(default)]
    pub error: Option<ErrorTrait>,
    /// HTML documentation.
    #[serde(default)]
    pub documentation: String,
}

/// The `error` trait of an error structure.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorTrait {
    /// The HTTP status it comes with.
    pub http_status_code: u16,
}
