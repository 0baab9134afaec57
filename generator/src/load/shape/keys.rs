//! The fields OpenAPI 3.0 and 3.1 define for each object, and what the walk
//! says about a key that is none of them.
//!
//! `openapiv3` (and so the generator) skips a key it does not know, so a
//! misspelt `requried:` quietly made a field optional. Every key that is
//! neither a field of its object nor an extension (`x-…`) is reported at
//! the key, with the field it was probably meant to be and what the
//! generator does: it ignores it.

use super::{Kind, Walk, METHODS};
use crate::diagnostics::{closest, Diagnostic};

/// The fields of a schema in OpenAPI 3.0.
const SCHEMA_30: &[&str] = &[
    "title",
    "multipleOf",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "maxProperties",
    "minProperties",
    "required",
    "enum",
    "type",
    "allOf",
    "oneOf",
    "anyOf",
    "not",
    "items",
    "properties",
    "additionalProperties",
    "description",
    "format",
    "default",
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// The JSON Schema 2020-12 keywords an OpenAPI 3.1 schema may use beyond
/// those of 3.0 (the 3.1 rewrite has already turned some into 3.0's
/// spelling); the generator reads none of them, as it reads no validation
/// keyword.
const SCHEMA_31: &[&str] = &[
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$defs",
    "$comment",
    "$vocabulary",
    "const",
    "examples",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "dependentRequired",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "patternProperties",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
];

const PARAMETER: &[&str] = &[
    "name",
    "in",
    "description",
    "required",
    "deprecated",
    "allowEmptyValue",
    "style",
    "explode",
    "allowReserved",
    "schema",
    "example",
    "examples",
    "content",
];

/// The fields of `kind` in OpenAPI 3.0, then those 3.1 adds.
fn fields(kind: Kind) -> (&'static [&'static str], &'static [&'static str]) {
    match kind {
        Kind::Document => (
            &[
                "openapi",
                "info",
                "servers",
                "paths",
                "components",
                "security",
                "tags",
                "externalDocs",
            ],
            &["webhooks", "jsonSchemaDialect"],
        ),
        Kind::Info => (
            &[
                "title",
                "description",
                "termsOfService",
                "contact",
                "license",
                "version",
            ],
            &["summary"],
        ),
        Kind::Contact => (&["name", "url", "email"], &[]),
        Kind::License => (&["name", "url"], &["identifier"]),
        Kind::Server => (&["url", "description", "variables"], &[]),
        Kind::ServerVariable => (&["enum", "default", "description"], &[]),
        Kind::Components => (
            &[
                "schemas",
                "responses",
                "parameters",
                "examples",
                "requestBodies",
                "headers",
                "securitySchemes",
                "links",
                "callbacks",
            ],
            &["pathItems"],
        ),
        Kind::PathItem => (
            &[
                "$ref",
                "summary",
                "description",
                "get",
                "put",
                "post",
                "delete",
                "options",
                "head",
                "patch",
                "trace",
                "servers",
                "parameters",
            ],
            &[],
        ),
        Kind::Operation => (
            &[
                "tags",
                "summary",
                "description",
                "externalDocs",
                "operationId",
                "parameters",
                "requestBody",
                "responses",
                "callbacks",
                "deprecated",
                "security",
                "servers",
            ],
            &[],
        ),
        Kind::ExternalDocs => (&["description", "url"], &[]),
        Kind::Parameter => (PARAMETER, &[]),
        // A header is a parameter without a name and a place.
        Kind::Header => (&PARAMETER[2..], &[]),
        Kind::RequestBody => (&["description", "content", "required"], &[]),
        Kind::MediaType => (&["schema", "example", "examples", "encoding"], &[]),
        Kind::Encoding => (
            &[
                "contentType",
                "headers",
                "style",
                "explode",
                "allowReserved",
            ],
            &[],
        ),
        Kind::Response => (&["description", "headers", "content", "links"], &[]),
        Kind::Example => (&["summary", "description", "value", "externalValue"], &[]),
        Kind::Link => (
            &[
                "operationRef",
                "operationId",
                "parameters",
                "requestBody",
                "description",
                "server",
            ],
            &[],
        ),
        Kind::Tag => (&["name", "description", "externalDocs"], &[]),
        Kind::Schema => (SCHEMA_30, SCHEMA_31),
        Kind::Discriminator => (&["propertyName", "mapping"], &[]),
        Kind::Xml => (
            &["name", "namespace", "prefix", "attribute", "wrapped"],
            &[],
        ),
        Kind::SecurityScheme => (
            &[
                "type",
                "description",
                "name",
                "in",
                "scheme",
                "bearerFormat",
                "flows",
                "openIdConnectUrl",
            ],
            &[],
        ),
        Kind::OAuthFlows => (
            &[
                "implicit",
                "password",
                "clientCredentials",
                "authorizationCode",
            ],
            &[],
        ),
        Kind::OAuthFlow => (
            &["authorizationUrl", "tokenUrl", "refreshUrl", "scopes"],
            &[],
        ),
        // Their keys are names (runtime expressions, security schemes).
        Kind::Callback | Kind::SecurityRequirement => (&[], &[]),
    }
}

/// Whether `key` is a field of `kind` (in 3.1 documents, also a field 3.1
/// adds). Extensions are not asked about.
pub(super) fn is_field(kind: Kind, key: &str, is_31: bool) -> bool {
    let (v30, v31) = fields(kind);
    v30.contains(&key)
        || (is_31 && v31.contains(&key))
        || (kind == Kind::PathItem && METHODS.contains(&key))
}

/// Keys Swagger 2.0 had where OpenAPI 3 has something else, and what that is.
fn swagger2_hint(kind: Kind, key: &str) -> Option<&'static str> {
    Some(match (kind, key) {
        (Kind::Document | Kind::Operation, "produces" | "consumes") => {
            "this is Swagger 2.0; OpenAPI 3 names media types as the keys of `content`: `content: {application/json: {schema: ...}}`"
        }
        (Kind::Document, "host" | "basePath" | "schemes") => {
            "this is Swagger 2.0; OpenAPI 3 names the base URL in `servers: [{url: https://api.example.com/v1}]`"
        }
        (Kind::Document, "definitions") => {
            "this is Swagger 2.0; OpenAPI 3 keeps schemas under `components/schemas`"
        }
        (Kind::Document, "securityDefinitions") => {
            "this is Swagger 2.0; OpenAPI 3 keeps them under `components/securitySchemes`"
        }
        (Kind::Document, "parameters" | "responses") => {
            "shared ones go under `components` in OpenAPI 3 (`components/parameters`, `components/responses`)"
        }
        (Kind::Parameter | Kind::Header, "collectionFormat") => {
            "this is Swagger 2.0; OpenAPI 3 says how lists are sent with `style` and `explode`"
        }
        (Kind::Parameter | Kind::Header, key) if SCHEMA_30.contains(&key) => {
            "Swagger 2.0 put the value's schema on the parameter; in OpenAPI 3 this goes in its `schema`"
        }
        (Kind::RequestBody, "schema") => {
            "Swagger 2.0 had body parameters with a `schema`; in OpenAPI 3 it goes under a media type: `content: {application/json: {schema: ...}}`"
        }
        _ => return None,
    })
}

impl Walk {
    /// Reports `key`, which is not a field of `kind`, at `at`; `cause` is
    /// the problem it follows from, if any.
    pub(super) fn unknown_key(&mut self, kind: Kind, key: &str, at: &str, cause: Option<&str>) {
        if kind == Kind::Response && key == "schema" {
            // Not a key to skip: the body it describes would be lost, and
            // the method would return nothing.
            let message =
                "a response has no `schema` in OpenAPI 3, so this response would have no body"
                    .to_owned();
            self.shape(at, message).hint = Some(
                "Swagger 2.0 put `schema` on the response; OpenAPI 3 puts it under a media type: `content: {application/json: {schema: ...}}`"
                    .to_owned(),
            );
            return;
        }
        let (v30, v31) = fields(kind);
        let valid = v30
            .iter()
            .chain(if self.is_31 { v31 } else { &[] })
            .copied();
        let message = format!(
            "`{key}` is not a field of {}; the generator ignores it",
            kind.describe()
        );
        let hint = match (swagger2_hint(kind, key), closest(key, valid)) {
            (Some(hint), _) => hint.to_owned(),
            (None, Some(meant)) => format!("did you mean `{meant}`?"),
            (None, None) => {
                "remove it, or, if it is a vendor extension, start its name with `x-`".to_owned()
            }
        };
        let mut warning = Diagnostic::warning(at, message).with_hint(hint);
        if let Some(cause) = cause {
            warning = warning.caused_by(cause);
        }
        self.warnings.push(warning);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_known_by_version() {
        assert!(is_field(Kind::Schema, "required", false));
        assert!(!is_field(Kind::Schema, "requried", false));
        assert!(!is_field(Kind::Schema, "const", false));
        assert!(is_field(Kind::Schema, "const", true));
        assert!(is_field(Kind::PathItem, "get", false));
        assert!(is_field(Kind::Header, "schema", false));
        assert!(!is_field(Kind::Header, "name", false));
        assert!(!is_field(Kind::Header, "in", false));
        assert!(is_field(Kind::Info, "summary", true));
        assert!(!is_field(Kind::Info, "summary", false));
    }
}
