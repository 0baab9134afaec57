//! The intermediate representation: an API with every Rust name chosen and
//! every `$ref` resolved.
//!
//! `lower` builds it from the OpenAPI document and `emit` reads only it, so a
//! new emitter is a sibling over the same IR and a new OpenAPI feature is a
//! change to `lower`.

use std::collections::BTreeSet;

mod operations;
mod types;

pub use operations::*;
pub use types::*;

impl Api {
    /// Whether the crate needs `feature` of the runtime.
    pub fn needs(&self, feature: RuntimeFeature) -> bool {
        self.runtime.contains(&feature)
    }

    /// Whether some operation names a type of the `types` module: in a
    /// parameter, a JSON or form body, its success, its pages or selection,
    /// or through an error decoder (`ErrorBody`).
    pub fn operations_name_types(&self) -> bool {
        fn named(ty: &TypeRef) -> bool {
            match ty {
                TypeRef::Named(_) => true,
                TypeRef::Array(inner) | TypeRef::Map(inner) => named(inner),
                _ => false,
            }
        }
        !self.error_decoders.is_empty()
            || self.operations.iter().any(|op| {
                op.parameters.iter().any(|p| named(&p.ty))
                    || op.body.as_ref().is_some_and(|b| {
                        matches!(b.encoding, BodyEncoding::Json | BodyEncoding::Form { .. })
                            && named(&b.ty)
                    })
                    || op.success.ty.as_ref().is_some_and(named)
                    || op.selection.is_some()
                    || op.pagination.as_ref().is_some_and(|p| named(&p.item_type))
            })
    }
}

/// Everything the emitters need to know about one API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// The spec's `info.title`.
    pub title: String,
    /// The spec's `info.description`.
    pub description: Option<String>,
    /// The spec's `info.version`: the version of the API, not of the crate.
    pub api_version: String,
    /// Cargo package name of the generated crate (`close-api`).
    pub crate_name: String,
    /// Library name of the generated crate (`close_api`).
    pub lib_name: String,
    /// The spec file, as named in generated headers.
    pub spec_file: String,
    /// The generated crate's version (`Cargo.toml`): `0.1.0` from `lower`,
    /// then set from the previous crate's version and the change report
    /// (`history`).
    pub crate_version: String,
    /// The first server URL, the client's default base URL.
    pub base_url: Option<String>,
    /// How the client authenticates, in the spec's order of preference.
    pub auth: Vec<AuthScheme>,
    /// Named types, in spec order (components first, then inline schemas in
    /// the order they were met).
    pub types: Vec<TypeDef>,
    /// Operations, in spec order.
    pub operations: Vec<Operation>,
    /// The key prefix of custom fields (`custom.`), from `x-custom-field-prefix`;
    /// one per spec.
    pub custom_field_prefix: Option<String>,
    /// The variants of the crate's `ErrorBody` enum: one per distinct type of
    /// documented error response, in the order they were met.
    pub error_bodies: Vec<ErrorBodyVariant>,
    /// The error decoders, one per distinct table of error responses, in the
    /// order operations first use them.
    pub error_decoders: Vec<ErrorDecoder>,
    /// Where a 429 body holds the seconds until the rate limit resets, as a
    /// JSON pointer (`/error/rate_reset`), from `x-rate-limit-reset-body`;
    /// one per spec.
    pub rate_limit_reset_body: Option<String>,
    /// The servers some operations are sent to instead of the base URL
    /// (their own `servers`), in the order operations first name them; each
    /// is a variant of the generated `Server` enum.
    pub servers: Vec<Server>,
    /// The parts of the hand-written runtime this crate uses; emit copies
    /// only these.
    pub runtime: BTreeSet<RuntimeFeature>,
    /// The spec's examples that match their schemas, in spec order: each is
    /// a test of the generated crate.
    pub examples: Vec<Example>,
}

/// An example from the spec (a schema's `example`, a media type's or a
/// parameter's `example` or `examples` entry, a response header's), checked
/// against its type in `lower`. It becomes a test of the generated crate:
/// decode into the type, encode back, compare as JSON.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// The name of its test (snake_case, unique among the examples), from
    /// where it is (`get_lead_200_response`).
    pub test_name: String,
    /// Where the value is, as a JSON pointer.
    pub pointer: String,
    /// The type it is a value of.
    pub ty: TypeRef,
    /// Whether `null` is a value of it too (the schema is nullable), so
    /// the test decodes into `Option<ty>`.
    pub nullable: bool,
    /// The value.
    pub value: serde_json::Value,
    /// Whether it is the example the mock offers for its type
    /// (`mock::Example`): the first non-null example of a struct, enum or
    /// union.
    pub fixture: bool,
}

/// A part of the hand-written runtime that only some specs use, named after
/// the runtime item it brings in. `lower` decides which a spec needs
/// ([`Api::runtime`]); emit copies a runtime file, and keeps the items fenced
/// by `// @needs <name>` in it, only for a crate that needs them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RuntimeFeature {
    /// `Client`, `Request`, sending and retrying, `Error`, rate limits: the
    /// spec has operations. Without it the crate holds only types.
    Client,
    /// `send_json`: a success decoded from JSON ([`Decoding::Json`]).
    SendJson,
    /// `send_json_or_empty` ([`Decoding::JsonOrEmpty`]).
    SendJsonOrEmpty,
    /// `send_text` ([`Decoding::Text`]).
    SendText,
    /// `send_bytes` ([`Decoding::Bytes`]).
    SendBytes,
    /// `send_empty` ([`Decoding::Empty`]).
    SendEmpty,
    /// `Request::query`: a scalar query parameter.
    Query,
    /// `Request::query_each`: an array query parameter repeating its key.
    QueryEach,
    /// `Request::query_joined`: an array query parameter joined into one value.
    QueryJoined,
    /// `Request::query_deep`: a `deepObject` query parameter.
    QueryDeep,
    /// `Request::header`: a header parameter.
    Header,
    /// `Request::cookie`: a cookie parameter.
    Cookie,
    /// `Request::json`: a JSON body.
    Json,
    /// `Request::form`: an `application/x-www-form-urlencoded` body.
    Form,
    /// `Request::raw`: a text or bytes body.
    Raw,
    /// `Multipart` and `Request::multipart`: a `multipart/form-data` body.
    Multipart,
    /// `no_error_body`: an operation that documents no error body.
    NoErrorBody,
    /// `Paginate` and its streams: an operation with `x-pagination`.
    Pagination,
    /// Reading the rate-limit reset from a 429 body (`x-rate-limit-reset-body`).
    RateLimitResetBody,
    /// The `Server` enum, `ClientBuilder::server_url` and `Request::server`:
    /// an operation sent to a server of its own.
    Servers,
    /// `Scheme`, `Request::security` and choosing credentials per
    /// operation: operations that differ in the credentials they need.
    Security,
    /// `Scheme::Basic`: an operation picking credentials names HTTP Basic.
    SchemeBasic,
    /// `Scheme::Bearer`: … a bearer token (HTTP Bearer, OAuth 2, OpenID).
    SchemeBearer,
    /// `Scheme::Header`: … an API key in a header.
    SchemeHeader,
    /// `Scheme::Query`: … an API key in the query string.
    SchemeQuery,
    /// `Scheme::Cookie`: … an API key in a cookie.
    SchemeCookie,
    /// The `Object` trait and `object!`: a struct.
    Object,
    /// `field`: a struct with a declared property.
    Field,
    /// `ObjectWriter::entry`: a struct with a property that is always sent.
    Entry,
    /// `ObjectWriter::optional_entry`: a struct with an optional property.
    OptionalEntry,
    /// `missing`: a struct with two or more required, non-nullable fields.
    Missing,
    /// `absent_or_null`: a struct with a field that is required and
    /// nullable, or optional and not nullable.
    AbsentOrNull,
    /// `extra`: a struct that keeps unknown properties without custom fields.
    Extra,
    /// `string_enum!`: a string enum.
    StringEnum,
    /// `Timestamp`: a `date-time` (or custom fields, which read them).
    Timestamp,
    /// `CustomFields`: a schema with `x-custom-field-prefix`.
    CustomFields,
    /// The mock's `Example` trait and `example`: a struct, enum or union
    /// with an example in the spec ([`Example::fixture`]).
    Example,
}

impl RuntimeFeature {
    /// Every feature, in declaration order.
    pub const ALL: [RuntimeFeature; 37] = [
        RuntimeFeature::Client,
        RuntimeFeature::SendJson,
        RuntimeFeature::SendJsonOrEmpty,
        RuntimeFeature::SendText,
        RuntimeFeature::SendBytes,
        RuntimeFeature::SendEmpty,
        RuntimeFeature::Query,
        RuntimeFeature::QueryEach,
        RuntimeFeature::QueryJoined,
        RuntimeFeature::QueryDeep,
        RuntimeFeature::Header,
        RuntimeFeature::Cookie,
        RuntimeFeature::Json,
        RuntimeFeature::Form,
        RuntimeFeature::Raw,
        RuntimeFeature::Multipart,
        RuntimeFeature::NoErrorBody,
        RuntimeFeature::Pagination,
        RuntimeFeature::RateLimitResetBody,
        RuntimeFeature::Servers,
        RuntimeFeature::Security,
        RuntimeFeature::SchemeBasic,
        RuntimeFeature::SchemeBearer,
        RuntimeFeature::SchemeHeader,
        RuntimeFeature::SchemeQuery,
        RuntimeFeature::SchemeCookie,
        RuntimeFeature::Object,
        RuntimeFeature::Field,
        RuntimeFeature::Entry,
        RuntimeFeature::OptionalEntry,
        RuntimeFeature::Missing,
        RuntimeFeature::AbsentOrNull,
        RuntimeFeature::Extra,
        RuntimeFeature::StringEnum,
        RuntimeFeature::Timestamp,
        RuntimeFeature::CustomFields,
        RuntimeFeature::Example,
    ];

    /// The name markers in the runtime use, which is also the name of the
    /// runtime item the feature brings in (`send_json`, `query_each`).
    pub fn name(self) -> &'static str {
        match self {
            RuntimeFeature::Client => "client",
            RuntimeFeature::SendJson => "send_json",
            RuntimeFeature::SendJsonOrEmpty => "send_json_or_empty",
            RuntimeFeature::SendText => "send_text",
            RuntimeFeature::SendBytes => "send_bytes",
            RuntimeFeature::SendEmpty => "send_empty",
            RuntimeFeature::Query => "query",
            RuntimeFeature::QueryEach => "query_each",
            RuntimeFeature::QueryJoined => "query_joined",
            RuntimeFeature::QueryDeep => "query_deep",
            RuntimeFeature::Header => "header",
            RuntimeFeature::Cookie => "cookie",
            RuntimeFeature::Json => "json",
            RuntimeFeature::Form => "form",
            RuntimeFeature::Raw => "raw",
            RuntimeFeature::Multipart => "multipart",
            RuntimeFeature::NoErrorBody => "no_error_body",
            RuntimeFeature::Pagination => "pagination",
            RuntimeFeature::RateLimitResetBody => "rate_limit_reset_body",
            RuntimeFeature::Servers => "servers",
            RuntimeFeature::Security => "security",
            RuntimeFeature::SchemeBasic => "scheme_basic",
            RuntimeFeature::SchemeBearer => "scheme_bearer",
            RuntimeFeature::SchemeHeader => "scheme_header",
            RuntimeFeature::SchemeQuery => "scheme_query",
            RuntimeFeature::SchemeCookie => "scheme_cookie",
            RuntimeFeature::Object => "object",
            RuntimeFeature::Field => "field",
            RuntimeFeature::Entry => "entry",
            RuntimeFeature::OptionalEntry => "optional_entry",
            RuntimeFeature::Missing => "missing",
            RuntimeFeature::AbsentOrNull => "absent_or_null",
            RuntimeFeature::Extra => "extra",
            RuntimeFeature::StringEnum => "string_enum",
            RuntimeFeature::Timestamp => "timestamp",
            RuntimeFeature::CustomFields => "custom_fields",
            RuntimeFeature::Example => "example",
        }
    }

    /// The feature a marker names.
    pub fn from_name(name: &str) -> Option<RuntimeFeature> {
        RuntimeFeature::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A function that decodes an error response's body into the `ErrorBody`
/// variant its status documents.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorDecoder {
    /// The function's name, after the types it decodes
    /// (`decode_validation_error_response_or_error_response`).
    pub name: String,
    /// The statuses with their variant, in the order they are matched:
    /// exact codes first, then classes (OpenAPI's precedence); each arm
    /// holds every status that decodes into one variant.
    pub arms: Vec<ErrorArm>,
    /// The variant of `default`: every status no arm matches.
    pub fallback: Option<usize>,
}

/// Statuses that decode into one `ErrorBody` variant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorArm {
    /// The statuses, as inclusive ranges (a code is a range of one).
    pub statuses: Vec<(u16, u16)>,
    /// The index into `Api::error_bodies`.
    pub variant: usize,
}

/// One variant of the `ErrorBody` enum.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorBodyVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The body type it holds.
    pub ty: TypeRef,
}

/// Documentation carried over from the spec.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Docs {
    /// A one-line summary (operation `summary` or schema `title`).
    pub summary: Option<String>,
    /// The longer description.
    pub description: Option<String>,
    /// Whether the spec marks the item deprecated.
    pub deprecated: bool,
}
