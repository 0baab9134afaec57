//! The part of OpenAPI 3.0's structure the walk (and the bundler) knows:
//! the kinds of objects, what each field of each holds, which are required.

use super::{LOCATIONS, METHODS};

/// The kinds of OpenAPI objects the walk knows.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Kind {
    Document,
    Info,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    MediaType,
    Response,
    Header,
    Components,
    Schema,
    SecurityScheme,
    Discriminator,
    ExternalDocs,
    /// A callback: runtime expressions → path items.
    Callback,
    /// A media type's `encoding` entry.
    Encoding,
    Server,
    ServerVariable,
    /// One entry of a `security` list: scheme name → scopes.
    SecurityRequirement,
    Link,
    Example,
    Contact,
    License,
    Tag,
    Xml,
    OAuthFlows,
    /// One flow of `flows`; which fields it needs depends on its name.
    OAuthFlow,
}

impl Kind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            Kind::Document => "the document",
            Kind::Info => "`info`",
            Kind::PathItem => "a path item",
            Kind::Operation => "an operation",
            Kind::Parameter => "a parameter",
            Kind::RequestBody => "a request body",
            Kind::MediaType => "a media type",
            Kind::Response => "a response",
            Kind::Header => "a header",
            Kind::Components => "`components`",
            Kind::Schema => "a schema",
            Kind::SecurityScheme => "a security scheme",
            Kind::Discriminator => "a discriminator",
            Kind::ExternalDocs => "`externalDocs`",
            Kind::Callback => "a callback",
            Kind::Encoding => "an encoding",
            Kind::Server => "a server",
            Kind::ServerVariable => "a server variable",
            Kind::SecurityRequirement => "a security requirement",
            Kind::Link => "a link",
            Kind::Example => "an example",
            Kind::Contact => "`contact`",
            Kind::License => "`license`",
            Kind::Tag => "a tag",
            Kind::Xml => "`xml`",
            Kind::OAuthFlows => "`flows`",
            Kind::OAuthFlow => "an OAuth flow",
        }
    }

    /// The value as the subject of a sentence about one of its fields.
    pub(super) fn this(self) -> &'static str {
        match self {
            Kind::Document => "the document",
            Kind::Info => "`info`",
            Kind::PathItem => "this path item",
            Kind::Operation => "this operation",
            Kind::Parameter => "this parameter",
            Kind::RequestBody => "this request body",
            Kind::MediaType => "this media type",
            Kind::Response => "this response",
            Kind::Header => "this header",
            Kind::Components => "`components`",
            Kind::Schema => "this schema",
            Kind::SecurityScheme => "this security scheme",
            Kind::Discriminator => "this discriminator",
            Kind::ExternalDocs => "`externalDocs`",
            Kind::Callback => "this callback",
            Kind::Encoding => "this encoding",
            Kind::Server => "this server",
            Kind::ServerVariable => "this server variable",
            Kind::SecurityRequirement => "this security requirement",
            Kind::Link => "this link",
            Kind::Example => "this example",
            Kind::Contact => "`contact`",
            Kind::License => "`license`",
            Kind::Tag => "this tag",
            Kind::Xml => "`xml`",
            Kind::OAuthFlows => "`flows`",
            Kind::OAuthFlow => "this OAuth flow",
        }
    }

    /// Whether a value of this kind may be a `$ref` instead.
    pub(crate) fn may_be_ref(self) -> bool {
        matches!(
            self,
            Kind::PathItem
                | Kind::Parameter
                | Kind::RequestBody
                | Kind::Response
                | Kind::Header
                | Kind::Schema
                | Kind::SecurityScheme
                | Kind::Callback
                | Kind::Link
                | Kind::Example
        )
    }

    /// Fields that must be present.
    pub(super) fn required(self) -> &'static [&'static str] {
        match self {
            Kind::Document => &["info", "paths"],
            Kind::Info => &["title", "version"],
            Kind::Operation => &["responses"],
            Kind::Tag | Kind::License => &["name"],
            Kind::Parameter => &["name", "in"],
            Kind::RequestBody => &["content"],
            Kind::Response => &["description"],
            Kind::SecurityScheme => &["type"],
            Kind::Discriminator => &["propertyName"],
            Kind::Server => &["url"],
            Kind::ServerVariable => &["default"],
            Kind::ExternalDocs => &["url"],
            _ => &[],
        }
    }
}

/// The shape a field must have.
pub(crate) enum Field {
    String,
    Bool,
    Number,
    /// A non-negative integer (`minLength`, `maxItems`…).
    Count,
    StringList,
    OneOf(&'static [&'static str]),
    Node(Kind),
    MapOf(Kind),
    ListOf(Kind),
    /// `additionalProperties`: a boolean or a schema.
    BoolOrSchema,
    /// `items`: one schema (3.0 has no tuple form).
    SingleSchema,
    /// A schema's `type`: one name, not a list.
    SchemaType,
    /// A list of anything.
    List,
    /// A mapping from names to strings.
    StringMap,
    /// Anything the walk does not check.
    Unchecked,
}

pub(crate) fn field(kind: Kind, key: &str) -> Field {
    use Field::*;
    match (kind, key) {
        (Kind::Document, "openapi") => String,
        (Kind::Document, "info") => Node(Kind::Info),
        (Kind::Document, "paths") => MapOf(Kind::PathItem),
        (Kind::Document, "components") => Node(Kind::Components),
        (Kind::Document, "tags") => ListOf(Kind::Tag),
        (Kind::Info, "contact") => Node(Kind::Contact),
        (Kind::Info, "license") => Node(Kind::License),
        (Kind::Contact, "name" | "url" | "email") => String,
        (Kind::License, "name" | "url") => String,
        (Kind::Tag, "name" | "description") => String,
        (Kind::Info, "title" | "version" | "description" | "termsOfService") => String,
        (Kind::PathItem, "summary" | "description") => String,
        (Kind::PathItem, "parameters") => ListOf(Kind::Parameter),
        (Kind::PathItem, method) if METHODS.contains(&method) => Node(Kind::Operation),
        (Kind::Operation, "summary" | "description" | "operationId") => String,
        (Kind::Operation, "tags") => StringList,
        (Kind::Operation, "deprecated") => Bool,
        (Kind::Operation, "parameters") => ListOf(Kind::Parameter),
        (Kind::Operation, "requestBody") => Node(Kind::RequestBody),
        (Kind::Operation, "responses") => MapOf(Kind::Response),
        (Kind::Operation | Kind::Components, "callbacks") => MapOf(Kind::Callback),
        (Kind::MediaType, "encoding") => MapOf(Kind::Encoding),
        (Kind::Encoding, "headers") => MapOf(Kind::Header),
        (Kind::Encoding, "contentType" | "style") => String,
        (Kind::Encoding, "explode" | "allowReserved") => Bool,
        (Kind::Document | Kind::PathItem | Kind::Operation, "servers") => ListOf(Kind::Server),
        (Kind::Link, "server") => Node(Kind::Server),
        (Kind::Server, "url" | "description") => String,
        (Kind::Server, "variables") => MapOf(Kind::ServerVariable),
        (Kind::ServerVariable, "default" | "description") => String,
        (Kind::ServerVariable, "enum") => StringList,
        (Kind::Document | Kind::Operation, "security") => ListOf(Kind::SecurityRequirement),
        (Kind::Response, "links") | (Kind::Components, "links") => MapOf(Kind::Link),
        (Kind::Link, "operationId" | "operationRef" | "description") => String,
        (Kind::Parameter | Kind::Header | Kind::MediaType | Kind::Components, "examples") => {
            MapOf(Kind::Example)
        }
        (Kind::Example, "summary" | "description" | "externalValue") => String,
        (Kind::Parameter, "name" | "description" | "style") => String,
        (Kind::Parameter, "in") => OneOf(LOCATIONS),
        (Kind::Parameter | Kind::Header, "required" | "deprecated" | "explode") => Bool,
        (Kind::Parameter, "allowEmptyValue" | "allowReserved") => Bool,
        (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => Node(Kind::Schema),
        (Kind::Parameter | Kind::Header, "content") => MapOf(Kind::MediaType),
        (Kind::Header, "description" | "style") => String,
        (Kind::RequestBody, "description") => String,
        (Kind::RequestBody, "required") => Bool,
        (Kind::RequestBody | Kind::Response, "content") => MapOf(Kind::MediaType),
        (Kind::Response, "description") => String,
        (Kind::Response, "headers") => MapOf(Kind::Header),
        (Kind::Components, "schemas") => MapOf(Kind::Schema),
        (Kind::Components, "responses") => MapOf(Kind::Response),
        (Kind::Components, "parameters") => MapOf(Kind::Parameter),
        (Kind::Components, "requestBodies") => MapOf(Kind::RequestBody),
        (Kind::Components, "headers") => MapOf(Kind::Header),
        (Kind::Components, "securitySchemes") => MapOf(Kind::SecurityScheme),
        (Kind::SecurityScheme, "type") => OneOf(&["apiKey", "http", "oauth2", "openIdConnect"]),
        (Kind::SecurityScheme, "scheme" | "description" | "name" | "bearerFormat") => String,
        (Kind::Schema, "type") => SchemaType,
        (Kind::Schema, "enum") => List,
        (Kind::Schema, "discriminator") => Node(Kind::Discriminator),
        (Kind::Discriminator, "propertyName") => String,
        (Kind::Discriminator, "mapping") => StringMap,
        (Kind::Schema | Kind::Operation | Kind::Document | Kind::Tag, "externalDocs") => {
            Node(Kind::ExternalDocs)
        }
        // `openapiv3` does not read `xml`; its fields are only named.
        (Kind::Schema, "xml") => Node(Kind::Xml),
        (Kind::SecurityScheme, "in") => OneOf(&["query", "header", "cookie"]),
        (Kind::SecurityScheme, "openIdConnectUrl") => String,
        (Kind::SecurityScheme, "flows") => Node(Kind::OAuthFlows),
        (Kind::OAuthFlows, "implicit" | "password" | "clientCredentials" | "authorizationCode") => {
            Node(Kind::OAuthFlow)
        }
        (Kind::OAuthFlow, "authorizationUrl" | "tokenUrl" | "refreshUrl") => String,
        (Kind::OAuthFlow, "scopes") => StringMap,
        (Kind::ExternalDocs, "url" | "description") => String,
        (Kind::Schema, "format" | "title" | "description" | "pattern") => String,
        (
            Kind::Schema,
            "nullable" | "readOnly" | "writeOnly" | "deprecated" | "uniqueItems"
            | "exclusiveMinimum" | "exclusiveMaximum",
        ) => Bool,
        (Kind::Schema, "minimum" | "maximum" | "multipleOf") => Number,
        (
            Kind::Schema,
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties",
        ) => Count,
        (Kind::Schema, "required") => StringList,
        (Kind::Schema, "properties") => MapOf(Kind::Schema),
        (Kind::Schema, "additionalProperties") => BoolOrSchema,
        (Kind::Schema, "items") => SingleSchema,
        (Kind::Schema, "not") => Node(Kind::Schema),
        (Kind::Schema, "allOf" | "oneOf" | "anyOf") => ListOf(Kind::Schema),
        _ => Unchecked,
    }
}
