//! The intermediate representation: an API with every Rust name chosen and
//! every `$ref` resolved.
//!
//! `lower` builds it from the OpenAPI document and `emit` reads only it, so a
//! new emitter is a sibling over the same IR and a new OpenAPI feature is a
//! change to `lower`.

use std::collections::BTreeSet;

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
    /// `required`: a struct with a required, non-nullable field.
    Required,
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
    pub const ALL: [RuntimeFeature; 34] = [
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
        RuntimeFeature::Required,
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
            RuntimeFeature::Required => "required",
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

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// The Rust type name (UpperCamelCase, unique in the crate).
    pub name: String,
    /// Where the schema is, as a JSON pointer.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
    /// The shape of the type.
    pub kind: TypeKind,
}

/// The shapes a named type can take.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// A struct with named fields.
    Struct(StructDef),
    /// A string enum that keeps values it does not know.
    Enum(EnumDef),
    /// A value that is one of several types, tried in order (`oneOf` / `anyOf`).
    Union(UnionDef),
    /// Another name for an existing type (`pub type X = Y;`).
    Alias(TypeRef),
    /// The fields of a struct that a field-selection parameter can name.
    FieldEnum(FieldEnumDef),
}

/// The field names a field-selection parameter accepts (`x-field-selection`).
#[derive(Debug, Clone, PartialEq)]
pub struct FieldEnumDef {
    /// The struct whose fields these are.
    pub of: String,
    /// One variant per property, then one per extra token, in that order.
    pub variants: Vec<EnumVariant>,
    /// The name of the variant holding a custom-field id, when the struct has
    /// custom fields; it is sent as the custom-field prefix and the id.
    pub custom_variant: Option<String>,
    /// The name of the variant that holds any other name, sent as is.
    pub other_variant: String,
}

/// A struct made from an object schema (and the members of an `allOf`).
#[derive(Debug, Clone, PartialEq)]
pub struct StructDef {
    /// Declared properties, in spec order.
    pub fields: Vec<Field>,
    /// What happens to properties the spec does not declare.
    pub extra: ExtraFields,
    /// The Rust name of the field that holds them (`extra`, unless a
    /// property took that name).
    pub extra_name: String,
    /// The Rust name of the field holding the custom fields (`custom`), when
    /// the schema has `x-custom-field-prefix`.
    pub custom_fields: Option<String>,
    /// Whether every field is optional, so the struct can derive `Default`.
    pub all_optional: bool,
    /// The names of the decoder's two locals besides one per field: the
    /// map being read and the current key, chosen not to clash with a field.
    pub decoder_locals: DecoderLocals,
}

/// The locals of a struct's written-out decoder that are not fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecoderLocals {
    /// The `MapAccess` being read (`map`).
    pub map: String,
    /// The current key (`key`).
    pub key: String,
}

/// Where a struct keeps the properties it does not declare.
#[derive(Debug, Clone, PartialEq)]
pub enum ExtraFields {
    /// Kept as JSON values, so a decode → encode round trip loses nothing.
    Any,
    /// Kept with values of one type (`additionalProperties: {schema}`).
    Typed(TypeRef),
}

/// One property of a struct.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The Rust field name (snake_case, keyword-escaped).
    pub rust_name: String,
    /// The JSON property name.
    pub wire_name: String,
    /// Documentation.
    pub docs: Docs,
    /// The value type, without the `Option`s that `presence` adds.
    pub ty: TypeRef,
    /// Whether the property must be there and whether it may be `null`.
    pub presence: Presence,
    /// Whether the value must be boxed to break a cycle of types.
    pub boxed: bool,
    /// `readOnly`: sent by the server only.
    pub read_only: bool,
    /// `writeOnly`: sent by the client only.
    pub write_only: bool,
    /// Where the property is, as a JSON pointer.
    pub pointer: String,
    /// The schema's `default`, as compact JSON: what the server assumes
    /// when the property is absent (the client never fills it in).
    pub default: Option<String>,
    /// The struct's method that sets the field (`with_name`); `None` for a
    /// required field, which `new` takes.
    pub setter: Option<String>,
    /// The struct's method that sets an optional nullable field to `null`
    /// (`clear_name`).
    pub clear: Option<String>,
}

/// Required or optional, nullable or not: four cases kept apart on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence {
    /// Always present, never null: `T`.
    Required,
    /// Always present, may be null: `Option<T>`, `None` encodes as `null`.
    RequiredNullable,
    /// May be absent, never null: `Option<T>`, `None` is left out.
    Optional,
    /// May be absent or null: `Option<Option<T>>`, so "absent", "null" and a
    /// value stay three different things.
    OptionalNullable,
}

impl Presence {
    /// The presence of a property from its `required` and `nullable` flags.
    pub fn new(required: bool, nullable: bool) -> Self {
        match (required, nullable) {
            (true, false) => Presence::Required,
            (true, true) => Presence::RequiredNullable,
            (false, false) => Presence::Optional,
            (false, true) => Presence::OptionalNullable,
        }
    }

    /// Whether a missing value is allowed (the field has a default).
    pub fn is_optional(self) -> bool {
        !matches!(self, Presence::Required)
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumDef {
    /// Known values, in spec order.
    pub variants: Vec<EnumVariant>,
    /// The name of the catch-all variant that keeps an unknown value.
    pub other_variant: String,
}

/// One known value of a string enum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnumVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The value on the wire.
    pub wire_value: String,
    /// What the value means, when the spec says (a `oneOf` member's description).
    pub description: Option<String>,
}

/// A `oneOf` / `anyOf`, decoded by trying each variant in order.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionDef {
    /// The alternatives, in spec order.
    pub variants: Vec<UnionVariant>,
    /// With a `discriminator`: the property whose value picks the variant,
    /// and the variant that keeps objects with a value the client does not
    /// know. Without one, variants are tried in order.
    pub tag: Option<UnionTag>,
}

/// The discriminator of a union.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnionTag {
    /// The JSON property that holds the tag.
    pub property: String,
    /// The name of the variant holding an object with an unknown tag.
    pub unknown_variant: String,
    /// Each tag value with the variants it selects, in spec order. A value
    /// that several variants claim (an ambiguous spec) tries them in order.
    pub groups: Vec<TagGroup>,
}

/// One value of a discriminator and the variants it selects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagGroup {
    /// The tag value.
    pub value: String,
    /// Indexes into `UnionDef::variants`, tried in this order; never empty.
    pub variants: Vec<usize>,
}

/// One alternative of a union.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionVariant {
    /// The Rust variant name.
    pub rust_name: String,
    /// The type it holds.
    pub ty: TypeRef,
    /// Whether the value must be boxed to break a cycle of types.
    pub boxed: bool,
    /// The discriminator values that select this variant.
    pub tag_values: Vec<String>,
}

/// A reference to a Rust type, as used in a field, parameter or body.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TypeRef {
    /// A named type in the generated crate.
    Named(String),
    /// `String`.
    String,
    /// `bool`.
    Boolean,
    /// An integer type.
    Integer(IntegerKind),
    /// `f64` or `f32`.
    Number(NumberKind),
    /// A date and time with offset (`format: date-time`).
    DateTime,
    /// A calendar date (`format: date`).
    Date,
    /// Any JSON value.
    Any,
    /// A JSON object with any values (`serde_json::Map`).
    AnyObject,
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// A map from string keys to `T`.
    Map(Box<TypeRef>),
}

/// The Rust integer types the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum IntegerKind {
    /// `i32` (`format: int32`).
    I32,
    /// `i64` (`format: int64` or no format).
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64` or `uint`).
    U64,
}

/// The Rust floating-point types the generator uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NumberKind {
    /// `f32` (`format: float`).
    F32,
    /// `f64` (`format: double` or no format).
    F64,
}

/// A server some operations are sent to instead of the client's base URL:
/// their own `servers` (on the operation or its path) name another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The variant of the generated `Server` enum that names it (`Upload`).
    pub variant: String,
    /// Its URL with the variables at their defaults, when the client can
    /// use it (absolute, https unless loopback); otherwise the caller sets
    /// one with `ClientBuilder::server_url`.
    pub url: Option<String>,
    /// Its URL as the spec writes it.
    pub template: String,
    /// Its URL with the variables it defines at their defaults: what tells
    /// two servers apart.
    pub expanded: String,
    /// Its description.
    pub description: Option<String>,
}

/// How a request authenticates, from `components.securitySchemes`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthScheme {
    /// HTTP Basic (`type: http, scheme: basic`).
    Basic {
        /// The scheme's name in the spec.
        name: String,
        /// Its description.
        description: Option<String>,
    },
    /// HTTP Bearer (`type: http, scheme: bearer`), and the access tokens of
    /// OAuth 2 and OpenID Connect, which are sent the same way.
    Bearer {
        /// The scheme's name in the spec.
        name: String,
        /// Its description.
        description: Option<String>,
    },
    /// An API key in a header, the query string or a cookie (`type: apiKey`).
    ApiKey {
        /// The scheme's name in the spec.
        name: String,
        /// Where the key goes.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        parameter: String,
        /// Its description.
        description: Option<String>,
    },
}

impl AuthScheme {
    /// The scheme's name in the spec.
    pub fn name(&self) -> &str {
        match self {
            AuthScheme::Basic { name, .. }
            | AuthScheme::Bearer { name, .. }
            | AuthScheme::ApiKey { name, .. } => name,
        }
    }
}

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// A request header.
    Header,
    /// A query parameter.
    Query,
    /// A cookie.
    Cookie,
}

/// The HTTP methods an operation can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// GET
    Get,
    /// PUT
    Put,
    /// POST
    Post,
    /// DELETE
    Delete,
    /// OPTIONS
    Options,
    /// HEAD
    Head,
    /// PATCH
    Patch,
    /// TRACE
    Trace,
}

impl Method {
    /// Whether HTTP defines the method as idempotent (RFC 9110, 9.2.2).
    pub fn is_idempotent(self) -> bool {
        match self {
            Method::Get
            | Method::Put
            | Method::Delete
            | Method::Options
            | Method::Head
            | Method::Trace => true,
            Method::Post | Method::Patch => false,
        }
    }

    /// The method as written on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Put => "PUT",
            Method::Post => "POST",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
            Method::Head => "HEAD",
            Method::Patch => "PATCH",
            Method::Trace => "TRACE",
        }
    }
}

/// One API operation: one client method and its request builder.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// The method name on the client (snake_case).
    pub method_name: String,
    /// The request builder type name (UpperCamelCase).
    pub builder_name: String,
    /// The `operationId` as written in the spec.
    pub operation_id: String,
    /// Where the operation is, as a JSON pointer.
    pub pointer: String,
    /// Documentation.
    pub docs: Docs,
    /// The HTTP method.
    pub method: Method,
    /// The path template as written, such as `/lead/{id}/`.
    pub path: String,
    /// The path template split into literal text and parameters.
    pub path_parts: Vec<PathPart>,
    /// Parameters: path parameters in template order, then the others in spec order.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub body: Option<RequestBody>,
    /// The response the method returns on success.
    pub success: SuccessResponse,
    /// Every documented error response, in spec order.
    pub errors: Vec<ErrorResponse>,
    /// How to walk the pages, from `x-pagination`.
    pub pagination: Option<Pagination>,
    /// The parameter that selects the response's fields, from `x-field-selection`.
    pub selection: Option<Selection>,
    /// The index into `Api::error_decoders` of the decoder of its error
    /// bodies; `None` when it documents no error body.
    pub error_decoder: Option<usize>,
    /// Whether sending it twice has the effect of sending it once, so the
    /// client may send it again after it may have reached the server: the
    /// method's (RFC 9110: GET, HEAD, PUT, DELETE, OPTIONS, TRACE), unless
    /// `x-idempotent` says otherwise.
    pub idempotent: bool,
    /// The index into `Api::servers` of the server it is sent to; `None`
    /// for the client's base URL.
    pub server: Option<usize>,
    /// The credentials it sends.
    pub security: Security,
}

/// The credentials an operation sends: its `security`, else the
/// document's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Security {
    /// The alternatives, any one of which will do, in the spec's order,
    /// each the schemes sent together (an empty one: none needed). No
    /// alternative at all: the operation needs no credentials.
    pub alternatives: Vec<Vec<SchemeUse>>,
    /// Whether the client picks the credentials per operation (the spec's
    /// operations differ in what they need, or some need credentials the
    /// client sends): the request names its alternatives, sends the first
    /// the client has, and fails before sending without one. Otherwise (no
    /// operation needs any) the client sends every credential it was given
    /// to every operation.
    pub per_operation: bool,
    /// Whether the method's docs say what it needs: when that is per
    /// operation, or names OAuth 2 or OpenID Connect scopes.
    pub documented: bool,
}

impl Security {
    /// Whether a client without the credentials refuses to send the
    /// request: it picks them per operation, and every alternative needs
    /// one the client sends (an empty alternative, or one of schemes it does
    /// not support, needs nothing from it).
    pub fn refuses_without_credentials(&self) -> bool {
        self.per_operation
            && !self.alternatives.is_empty()
            && self
                .alternatives
                .iter()
                .all(|alternative| alternative.iter().any(|u| u.scheme.is_some()))
    }
}

/// A security scheme as an operation's requirement names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemeUse {
    /// The scheme's name in the spec.
    pub name: String,
    /// The index into `Api::auth` of the scheme; `None` for one the client
    /// does not support (which it leaves to the caller's default headers).
    pub scheme: Option<usize>,
    /// The OAuth 2 or OpenID Connect scopes it needs.
    pub scopes: Vec<String>,
}

/// A parameter that selects which fields a response carries
/// (`x-field-selection`). With a selection, the response decodes into a
/// partial type in which every field is optional.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    /// The index into `Operation::parameters` of the selection parameter.
    pub parameter: usize,
    /// The field enum type.
    pub field_enum: String,
    /// The success type with the selected schema made partial.
    pub partial_success: TypeRef,
    /// The page item type with the selected schema made partial, for
    /// paginated operations.
    pub partial_item: Option<TypeRef>,
}

/// How a list operation pages through its results (`x-pagination`).
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// Offset or cursor paging.
    pub style: PaginationStyle,
    /// The field of the success type that holds a page's items.
    pub items: PageField,
    /// The type of one item.
    pub item_type: TypeRef,
}

/// A field of the page type the paginator reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageField {
    /// The property's name in the JSON body (the mock writes pages with
    /// it; a page that fails to decode is read by it).
    pub wire_name: String,
    /// The Rust field name.
    pub rust_name: String,
    /// Whether it may be absent or null (read as "none").
    pub presence: Presence,
}

/// The two ways APIs page.
#[derive(Debug, Clone, PartialEq)]
pub enum PaginationStyle {
    /// `skip` / `limit` query parameters and a boolean "has more" field.
    Offset {
        /// The index into `Operation::parameters` of the skip parameter.
        skip: usize,
        /// The type of the skip parameter (an integer).
        skip_type: TypeRef,
        /// The boolean field that says another page follows.
        has_more: PageField,
    },
    /// A cursor query parameter and a "next cursor" field.
    Cursor {
        /// The index into `Operation::parameters` of the cursor parameter.
        cursor: usize,
        /// The field with the next page's cursor; absent, null or empty at the end.
        next_cursor: PageField,
    },
}

/// A piece of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathPart {
    /// Text copied as is.
    Literal(String),
    /// The path parameter with this index into `Operation::parameters`.
    Parameter(usize),
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A path segment.
    Path,
    /// The query string.
    Query,
    /// A request header.
    Header,
    /// A cookie.
    Cookie,
}

/// One parameter of an operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// The Rust name of the argument or setter (snake_case).
    pub rust_name: String,
    /// The name on the wire.
    pub wire_name: String,
    /// Path, query or header.
    pub location: ParameterLocation,
    /// The value type. Arrays in a query repeat the key (`form`, `explode`).
    pub ty: TypeRef,
    /// How a query parameter that is not a plain value is written.
    pub style: QueryStyle,
    /// Required parameters are method arguments; the others are setters.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
    /// Where the parameter is, as a JSON pointer.
    pub pointer: String,
    /// The schema's `default`, as compact JSON: what the server assumes when
    /// the parameter is not sent (the client never fills it in).
    pub default: Option<String>,
}

impl Parameter {
    /// The `Request` method that puts the parameter into a request; `None`
    /// for a path parameter, which `Request::new` fills in.
    pub fn filler(&self) -> Option<RuntimeFeature> {
        Some(match (self.location, &self.ty) {
            (ParameterLocation::Path, _) => return None,
            (ParameterLocation::Query, _) if self.style == QueryStyle::DeepObject => {
                RuntimeFeature::QueryDeep
            }
            (ParameterLocation::Query, TypeRef::Array(_)) => match self.style {
                QueryStyle::Joined(_) => RuntimeFeature::QueryJoined,
                _ => RuntimeFeature::QueryEach,
            },
            (ParameterLocation::Query, _) => RuntimeFeature::Query,
            (ParameterLocation::Header, _) => RuntimeFeature::Header,
            (ParameterLocation::Cookie, _) => RuntimeFeature::Cookie,
        })
    }
}

/// How a query parameter is written (OpenAPI `style` and `explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryStyle {
    /// `key=value`; an array repeats the key (`form`, `explode: true`).
    Form,
    /// An array joined into one value with this separator (`form` or
    /// `spaceDelimited` or `pipeDelimited` with `explode: false`).
    Joined(char),
    /// An object as `key[property]=value` (`deepObject`).
    DeepObject,
}

/// The body an operation sends.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestBody {
    /// The type of the body value.
    pub ty: TypeRef,
    /// The media type sent in `Content-Type`.
    pub media_type: String,
    /// How the body value is written.
    pub encoding: BodyEncoding,
    /// Whether the spec requires a body; an optional one is a setter.
    pub required: bool,
    /// Documentation.
    pub docs: Docs,
}

/// How a request body is written on the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyEncoding {
    /// JSON.
    Json,
    /// `application/x-www-form-urlencoded`: each property a `key=value`
    /// pair, arrays repeating the key; the properties named here use
    /// `deepObject` style (`key[sub]=value`, `key[0]=value`).
    Form {
        /// Wire names of the properties written in `deepObject` style.
        deep_object: Vec<String>,
    },
    /// Sent as it is: text (`&str`) or bytes (`&[u8]`).
    Raw(RawBody),
    /// `multipart/form-data`, built by the caller with the runtime's
    /// `Multipart`; the spec's fields are listed in the method's docs.
    Multipart {
        /// The fields the schema declares.
        fields: Vec<MultipartField>,
    },
}

impl BodyEncoding {
    /// The `Request` method that sets a body of this encoding.
    pub fn filler(&self) -> RuntimeFeature {
        match self {
            BodyEncoding::Json => RuntimeFeature::Json,
            BodyEncoding::Form { .. } => RuntimeFeature::Form,
            BodyEncoding::Raw(_) => RuntimeFeature::Raw,
            BodyEncoding::Multipart { .. } => RuntimeFeature::Multipart,
        }
    }
}

/// A field of a multipart body, for documentation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartField {
    /// The part name.
    pub name: String,
    /// Whether it is a file (`format: binary`) rather than text.
    pub binary: bool,
    /// Whether the schema requires it.
    pub required: bool,
    /// Its description.
    pub description: Option<String>,
}

/// What the method returns when the server succeeds.
#[derive(Debug, Clone, PartialEq)]
pub struct SuccessResponse {
    /// The status code documented for success (the first 2xx), if any.
    pub status: Option<u16>,
    /// The decoded body type; `None` when the success has no JSON body.
    pub ty: Option<TypeRef>,
    /// A body that is not JSON, returned as it came.
    pub raw: Option<RawBody>,
    /// Whether another 2xx response has no body, so the method returns
    /// `Option<T>` (`None` for an empty body).
    pub may_be_empty: bool,
    /// The response's description.
    pub description: Option<String>,
    /// How the client turns the body into the method's value.
    pub decoding: Decoding,
}

/// How a success body becomes the method's value: which runtime function
/// sends the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoding {
    /// JSON into the success type.
    Json,
    /// JSON into the success type, or `None` for an empty body.
    JsonOrEmpty,
    /// The body as text.
    Text,
    /// The body as bytes.
    Bytes,
    /// No body: `()`.
    Empty,
}

impl Decoding {
    /// The runtime function that sends the request and decodes the success.
    pub fn send_function(self) -> RuntimeFeature {
        match self {
            Decoding::Json => RuntimeFeature::SendJson,
            Decoding::JsonOrEmpty => RuntimeFeature::SendJsonOrEmpty,
            Decoding::Text => RuntimeFeature::SendText,
            Decoding::Bytes => RuntimeFeature::SendBytes,
            Decoding::Empty => RuntimeFeature::SendEmpty,
        }
    }
}

/// A body kept as it is on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawBody {
    /// Text (`text/*`): a `String`.
    Text,
    /// Anything else (`application/octet-stream`, images, …): bytes.
    Bytes,
}

/// Which statuses a documented error response covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusMatch {
    /// One status, such as 404.
    Code(u16),
    /// A class, such as `4XX` (holds the first digit).
    Class(u16),
    /// `default`: every status not documented otherwise.
    Default,
}

/// A documented error response.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorResponse {
    /// The statuses it covers.
    pub status: StatusMatch,
    /// Its JSON body type, if it declares one.
    pub ty: Option<TypeRef>,
    /// The index of its `ErrorBody` variant, when it has a body type.
    pub variant: Option<usize>,
    /// The response's description.
    pub description: Option<String>,
}

/// Whether values of `ty` print as one plain value (text, a number, an enum
/// value), so they can go in a path, a query string or a header.
pub fn is_scalar(ty: &TypeRef, types: &[TypeDef]) -> bool {
    is_scalar_at(ty, types, 0)
}

/// Whether every variant of a union is scalar, so the union is too.
pub fn is_scalar_union(union: &UnionDef, types: &[TypeDef]) -> bool {
    is_scalar_union_at(union, types, 1)
}

fn is_scalar_union_at(union: &UnionDef, types: &[TypeDef], depth: usize) -> bool {
    union
        .variants
        .iter()
        .all(|v| !v.boxed && is_scalar_at(&v.ty, types, depth))
}

fn is_scalar_at(ty: &TypeRef, types: &[TypeDef], depth: usize) -> bool {
    match ty {
        TypeRef::String
        | TypeRef::Boolean
        | TypeRef::Integer(_)
        | TypeRef::Number(_)
        | TypeRef::DateTime
        | TypeRef::Date => true,
        TypeRef::Any | TypeRef::AnyObject | TypeRef::Array(_) | TypeRef::Map(_) => false,
        // Named types nest; a cycle of aliases and unions is not scalar.
        TypeRef::Named(_) if depth > 16 => false,
        TypeRef::Named(name) => match types.iter().find(|t| &t.name == name).map(|t| &t.kind) {
            Some(TypeKind::Enum(_)) => true,
            Some(TypeKind::Alias(inner)) => is_scalar_at(inner, types, depth + 1),
            Some(TypeKind::Union(u)) => is_scalar_union_at(u, types, depth + 1),
            _ => false,
        },
    }
}
