//! The IR's operations: servers, security, and each operation with its
//! parameters, body, success and error responses, paging and selection.

use super::{Docs, Presence, RuntimeFeature, TypeRef};

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
        self.per_operation && self.needs_client_credentials()
    }

    /// Whether every alternative needs a credential the client sends (none
    /// is empty or made only of schemes the client does not support).
    pub fn needs_client_credentials(&self) -> bool {
        !self.alternatives.is_empty()
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
