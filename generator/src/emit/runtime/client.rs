//! The HTTP client: configuration, authentication, and the one place where
//! requests are sent, retried and sorted into values and errors.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::future::Future;
use std::hash::{BuildHasher, Hasher};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, Error};
use crate::rate_limit::{requested_wait, retry_after, RateLimit, Throttle};
use crate::types::ErrorBody;

/// The future returned by awaiting a request builder: it owns what it
/// needs, so it can be spawned (`tokio::spawn(client.get_x(id).send())`).
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A response on its way, before a request builder boxes it.
pub(crate) trait Pending<T>: Future<Output = Result<Response<T>, Error>> + Send + 'static {}

impl<T, F: Future<Output = Result<Response<T>, Error>> + Send + 'static> Pending<T> for F {}

/// The value of a response, without its status and headers.
pub(crate) async fn value<T>(response: impl Pending<T>) -> Result<T, Error> {
    response.await.map(Response::into_value)
}

/// Decodes the body of an error response into the type the spec documents
/// for its status.
pub(crate) type ErrorDecoder = fn(u16, &[u8]) -> Option<ErrorBody>;

/// The error decoder of an operation that documents no error body.
pub(crate) fn no_error_body(_status: u16, _body: &[u8]) -> Option<ErrorBody> {
    None
}

/// What every request builder has besides its fields, setters and
/// `request()`: `send`, `send_with_response` and `IntoFuture`, which hand
/// the builder's client and request to one of the runtime's send functions.
///
/// `request_builder!(GetX, Output, send_json, "On success: …")`; an output
/// of `T` (never a type of the spec, which are all `types::…`) makes the
/// builder generic over what it decodes into, as for an operation whose
/// fields can be selected.
macro_rules! request_builder {
    ($builder:ident, T, $send:ident, $returns:literal) => {
        $crate::client::request_builder!(
            @impl [T: ::serde::de::DeserializeOwned + ::core::marker::Send + 'static]
            $builder<T>, T, $send, $returns
        );
    };
    ($builder:ident, $output:ty, $send:ident, $returns:literal) => {
        $crate::client::request_builder!(@impl [] $builder, $output, $send, $returns);
    };
    (@impl [$($generics:tt)*] $builder:ty, $output:ty, $send:ident, $returns:literal) => {
        impl<$($generics)*> $builder {
            /// Sends the request and decodes the response.
            ///
            #[doc = $returns]
            ///
            /// # Errors
            ///
            /// [`Error::Api`](crate::Error::Api) for an error status (its body decoded as
            /// the spec documents it), and the other [`Error`](crate::Error) variants for
            /// transport, timeout and decoding failures.
            pub fn send(self) -> $crate::ResponseFuture<$output> {
                let request = self.request();
                ::std::boxed::Box::pin($crate::client::value($crate::client::$send(
                    self.client,
                    request,
                )))
            }

            /// Like [`send`](Self::send), but also returns the status, the headers and
            /// the rate-limit state of the response.
            ///
            /// # Errors
            ///
            /// As [`send`](Self::send).
            pub fn send_with_response(self) -> $crate::ResponseFuture<$crate::Response<$output>> {
                let request = self.request();
                ::std::boxed::Box::pin($crate::client::$send(self.client, request))
            }
        }

        impl<$($generics)*> ::core::future::IntoFuture for $builder {
            type Output = ::core::result::Result<$output, $crate::Error>;
            type IntoFuture = $crate::ResponseFuture<$output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}

pub(crate) use request_builder;

/// An API client. Cheap to clone: clones share one connection pool and one
/// rate-limit state, so one client can serve many tasks.
///
/// Build one with [`Client::new`] or, for more settings, [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// The credential header (`Authorization`, an API-key header or `Cookie`).
    authorization: Option<(HeaderName, HeaderValue)>,
    /// An API key sent in the query string.
    query_key: Option<(String, String)>,
    headers: HeaderMap,
    timeout: Option<Duration>,
    retry: RetryPolicy,
    throttle: Throttle,
}

/// When and how often failed requests are tried again.
#[derive(Debug, Clone, Copy)]
struct RetryPolicy {
    max_retries: u32,
    deadline: Option<Duration>,
    base_delay: Duration,
    max_delay: Duration,
    proactive_throttling: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            deadline: Some(Duration::from_secs(120)),
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            proactive_throttling: true,
        }
    }
}

impl RetryPolicy {
    /// Exponential backoff with full jitter: a random wait between zero and
    /// `base * 2^(attempt - 1)`, capped at `max_delay`.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(16));
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        // A fresh `RandomState` is randomly keyed, which is all the jitter needs.
        let random = RandomState::new().build_hasher().finish();
        cap.mul_f64((random >> 11) as f64 / (1u64 << 53) as f64)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The authorization header holds the secret: never print it.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field(
                "authorization",
                &self.inner.authorization.as_ref().map(|_| "<redacted>"),
            )
            .field(
                "query_key",
                &self.inner.query_key.as_ref().map(|_| "<redacted>"),
            )
            .field("timeout", &self.inner.timeout)
            .field("retry", &self.inner.retry)
            .finish_non_exhaustive()
    }
}

/// A decoded response with its status, headers and rate-limit state, from a
/// builder's `send_with_response`.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    rate_limit: Option<RateLimit>,
    value: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The rate-limit state the response reported, if any.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()
    }

    /// The decoded body.
    pub fn value(&self) -> &T {
        &self.value
    }

    /// The decoded body, by value.
    pub fn into_value(self) -> T {
        self.value
    }
}

/// A response as it came off the wire.
struct Raw {
    status: StatusCode,
    headers: HeaderMap,
    /// As reqwest hands it over: decoding reads it in place, no copy.
    body: bytes::Bytes,
    rate_limit: Option<RateLimit>,
}

impl Client {
    /// A builder to configure a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL requests are sent to, without a trailing `/`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

}

/// Sends `request` and turns the body of its success into a value.
///
/// Request builders build their `Request` synchronously and hand it here
/// with the client they own: the one asynchronous state machine is this
/// generic function, not one per operation, which keeps the generated
/// crate quick to compile. The future is boxed once, by the builder,
/// whether it yields the value or the whole response. These are free
/// functions, not methods of `Client`, so that no operation name can
/// collide with them.
fn send_and<T: Send + 'static>(
    client: Client,
    request: Result<Request, Error>,
    decode: impl FnOnce(StatusCode, bytes::Bytes) -> Result<T, Error> + Send + 'static,
) -> impl Pending<T> {
    async move {
        let raw = client.inner.execute(request?).await?;
        let value = decode(raw.status, raw.body)?;
        Ok(Response {
            status: raw.status,
            headers: raw.headers,
            rate_limit: raw.rate_limit,
            value,
        })
    }
}

/// Sends `request` and decodes a JSON success body.
pub(crate) fn send_json<T: DeserializeOwned + Send + 'static>(
    client: Client,
    request: Result<Request, Error>,
) -> impl Pending<T> {
    send_and(client, request, |status, body| {
        crate::wire::decode_json(status, &body)
    })
}

/// Like `send_json`, for operations where a success may have no body.
pub(crate) fn send_json_or_empty<T: DeserializeOwned + Send + 'static>(
    client: Client,
    request: Result<Request, Error>,
) -> impl Pending<Option<T>> {
    send_and(client, request, |status, body| {
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            crate::wire::decode_json(status, &body).map(Some)
        }
    })
}

/// Sends `request` and returns its success body as text.
pub(crate) fn send_text(client: Client, request: Result<Request, Error>) -> impl Pending<String> {
    send_and(client, request, |status, body| {
        String::from_utf8(Vec::from(body)).map_err(|e| Error::Decode {
            status: status.as_u16(),
            path: ".".to_owned(),
            message: format!("the body is not UTF-8 text: {e}"),
            snippet: String::new(),
        })
    })
}

/// Sends `request` and returns its success body as bytes.
pub(crate) fn send_bytes(client: Client, request: Result<Request, Error>) -> impl Pending<Vec<u8>> {
    send_and(client, request, |_, body| Ok(Vec::from(body)))
}

/// Sends `request` and ignores its success body.
pub(crate) fn send_empty(client: Client, request: Result<Request, Error>) -> impl Pending<()> {
    send_and(client, request, |_, _| Ok(()))
}

impl Inner {
    /// Sends `request`, retrying as the policy allows:
    ///
    /// - 429: after the wait the server asked for (or a backoff), any method;
    /// - 502, 503, 504 and failures after the request may have reached the
    ///   server: idempotent methods only, so a POST is never replayed;
    /// - connection failures (nothing was sent): any method.
    async fn execute(&self, request: Request) -> Result<Raw, Error> {
        let inner = self;
        let mut url = Url::parse(&format!("{}{}", inner.base_url, request.path)).map_err(|e| {
            Error::Request(format!("the URL for `{}` is invalid: {e}", request.path))
        })?;
        if !request.query.is_empty() || !request.deep_query.is_empty() || inner.query_key.is_some()
        {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
            pairs.extend_pairs(
                request
                    .deep_query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            );
            if let Some((name, key)) = &inner.query_key {
                pairs.append_pair(name, key);
            }
        }
        let idempotent = matches!(
            request.method,
            Method::GET
                | Method::HEAD
                | Method::PUT
                | Method::DELETE
                | Method::OPTIONS
                | Method::TRACE
        );
        let policy = inner.retry;
        let deadline = policy.deadline.map(|d| Instant::now() + d);
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            if policy.proactive_throttling {
                if let Some(wait) = inner.throttle.wait_for(request.route) {
                    tokio::time::sleep(wait).await;
                }
            }
            let (error, wait) = match self.attempt(&request, url.clone()).await {
                Ok(raw) if raw.status.is_success() => return Ok(raw),
                Ok(raw) => {
                    let wait = match raw.status.as_u16() {
                        429 => {
                            let wait = requested_wait(&raw.headers, &raw.body)
                                .unwrap_or_else(|| policy.backoff(attempts));
                            inner.throttle.block(request.route, wait);
                            Some(wait)
                        }
                        502..=504 if idempotent => Some(
                            retry_after(&raw.headers).unwrap_or_else(|| policy.backoff(attempts)),
                        ),
                        _ => None,
                    };
                    let parsed = (request.decode_error)(raw.status.as_u16(), &raw.body);
                    let error = Error::Api(Box::new(ApiError::new(
                        raw.status,
                        raw.headers,
                        Vec::from(raw.body),
                        parsed,
                    )));
                    match wait {
                        Some(wait) => (error, wait),
                        None => return Err(error),
                    }
                }
                Err(error) => {
                    let retry = match &error {
                        Error::Transport(e) => idempotent || e.is_connect(),
                        Error::Timeout(_) => idempotent,
                        _ => false,
                    };
                    if !retry {
                        return Err(error);
                    }
                    (error, policy.backoff(attempts))
                }
            };
            let past_deadline = deadline.is_some_and(|d| Instant::now() + wait > d);
            if attempts > policy.max_retries || past_deadline {
                return Err(if attempts == 1 {
                    error
                } else {
                    Error::RetriesExhausted {
                        attempts,
                        last: Box::new(error),
                    }
                });
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// One try: send, read the whole body, note the rate-limit state.
    async fn attempt(&self, request: &Request, url: Url) -> Result<Raw, Error> {
        let inner = self;
        let mut builder = inner
            .http
            .request(request.method.clone(), url)
            .headers(inner.headers.clone());
        // Cookie parameters share one `Cookie` header with an API-key cookie.
        let mut cookies: Vec<String> = request
            .cookies
            .iter()
            .map(|(name, value)| format!("{name}={value}"))
            .collect();
        match &inner.authorization {
            Some((name, value)) if *name == reqwest::header::COOKIE && !cookies.is_empty() => {
                cookies.insert(0, String::from_utf8_lossy(value.as_bytes()).into_owned());
                let mut header = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                    Error::Request("a cookie value cannot be sent in a header".to_owned())
                })?;
                header.set_sensitive(true);
                builder = builder.header(reqwest::header::COOKIE, header);
            }
            Some((name, value)) => {
                builder = builder.header(name.clone(), value.clone());
                if !cookies.is_empty() {
                    builder = builder.header(reqwest::header::COOKIE, cookies.join("; "));
                }
            }
            None if !cookies.is_empty() => {
                builder = builder.header(reqwest::header::COOKIE, cookies.join("; "));
            }
            None => {}
        }
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
        }
        if let Some((content_type, body)) = &request.body {
            builder = builder
                .header(CONTENT_TYPE, content_type.as_str())
                .body(body.clone());
        }
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }
        // With a key in the query string the URL is a secret: keep it out of
        // errors, whose messages and `Debug` output would show it.
        let redact = |error: reqwest::Error| {
            if inner.query_key.is_some() {
                Error::from_reqwest(error.without_url())
            } else {
                Error::from_reqwest(error)
            }
        };
        let mut response = builder.send().await.map_err(redact)?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await.map_err(redact)?;
        let rate_limit = RateLimit::from_headers(&headers);
        inner.throttle.observe(request.route, rate_limit.as_ref());
        Ok(Raw {
            status,
            headers,
            body,
            rate_limit,
        })
    }
}

/// One request, as the generated methods describe it to the client.
pub(crate) struct Request {
    /// The endpoint group for rate limits: method and path template.
    route: &'static str,
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    /// `deepObject` query pairs, whose keys are built at run time.
    deep_query: Vec<(String, String)>,
    headers: Vec<(&'static str, String)>,
    cookies: Vec<(&'static str, String)>,
    body: Option<(String, Vec<u8>)>,
    decode_error: ErrorDecoder,
}

impl Request {
    /// A request for `path` (already percent-encoded, starting with `/`) of
    /// the endpoint group `route` (`GET /lead/{id}/`).
    pub(crate) fn new(
        route: &'static str,
        method: Method,
        path_values: &[&dyn fmt::Display],
        decode_error: ErrorDecoder,
    ) -> Result<Self, Error> {
        let template = route.split_once(' ').map_or(route, |(_, path)| path);
        Ok(Request {
            route,
            method,
            path: crate::wire::fill_path(template, path_values)?,
            query: Vec::new(),
            deep_query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            body: None,
            decode_error,
        })
    }

    /// Adds `name=value` to the query string when the value is set.
    pub(crate) fn query<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.query.push((name, value.to_string()));
        }
    }

    /// Adds `name=v` once per value (OpenAPI `form` style, `explode: true`).
    pub(crate) fn query_each<T: fmt::Display>(
        &mut self,
        name: &'static str,
        values: Option<&Vec<T>>,
    ) {
        for value in values.into_iter().flatten() {
            self.query.push((name, value.to_string()));
        }
    }

    /// Adds `name=v1,v2,...` (the values joined by `separator`) when set.
    pub(crate) fn query_joined<T: fmt::Display>(
        &mut self,
        name: &'static str,
        values: Option<&Vec<T>>,
        separator: &str,
    ) {
        if let Some(values) = values {
            let joined: Vec<String> = values.iter().map(ToString::to_string).collect();
            self.query.push((name, joined.join(separator)));
        }
    }

    /// Adds an object as `name[property]=value` pairs (`deepObject`) when set.
    pub(crate) fn query_deep<T: Serialize>(
        &mut self,
        name: &'static str,
        value: Option<&T>,
    ) -> Result<(), Error> {
        let Some(value) = value else { return Ok(()) };
        let value = serde_json::to_value(value).map_err(|e| {
            Error::Request(format!("the `{name}` parameter cannot be encoded: {e}"))
        })?;
        let mut pairs = Vec::new();
        crate::wire::deep_object_pairs(name.to_owned(), value, &mut pairs);
        for (key, value) in pairs {
            self.deep_query.push((key, value));
        }
        Ok(())
    }

    /// Adds the cookie `name=value` when the value is set.
    pub(crate) fn cookie<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.cookies.push((name, value.to_string()));
        }
    }

    /// Sets a request header when the value is set.
    pub(crate) fn header<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.headers.push((name, value.to_string()));
        }
    }

    /// Sets an `application/x-www-form-urlencoded` body: each property a
    /// `key=value` pair and arrays repeating the key (OpenAPI's `form` style),
    /// except the properties in `deep_object`, which nest as `key[sub]=value`
    /// and `key[0]=value` (`deepObject` style). A `null` property is left out,
    /// and a `null` inside a `deepObject` property is sent empty, which is how
    /// form APIs clear a value.
    pub(crate) fn form<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
        deep_object: &[&str],
    ) -> Result<(), Error> {
        let value = serde_json::to_value(body)
            .map_err(|e| Error::Request(format!("the body cannot be encoded: {e}")))?;
        let serde_json::Value::Object(properties) = value else {
            return Err(Error::Request("a form body must be an object".to_owned()));
        };
        let mut pairs = Vec::new();
        for (key, value) in properties {
            if deep_object.contains(&key.as_str()) {
                crate::wire::deep_object_pairs(key, value, &mut pairs);
            } else {
                crate::wire::form_pairs(&key, value, &mut pairs);
            }
        }
        self.body = Some((
            content_type.to_owned(),
            crate::wire::encode_form(&pairs).into_bytes(),
        ));
        Ok(())
    }

    /// Sets a `multipart/form-data` body.
    pub(crate) fn multipart(&mut self, body: &crate::multipart::Multipart) {
        let (content_type, bytes) = body.encode();
        self.body = Some((content_type, bytes));
    }

    /// Sets a body sent as it is.
    pub(crate) fn raw(&mut self, content_type: &'static str, body: impl Into<Vec<u8>>) {
        self.body = Some((content_type.to_owned(), body.into()));
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Request(format!("the body cannot be encoded as JSON: {e}")))?;
        self.body = Some((content_type.to_owned(), bytes));
        Ok(())
    }
}

/// Credentials, kept out of `Debug` output.
#[derive(Clone)]
enum Credentials {
    Basic {
        username: String,
        password: String,
    },
    Bearer(String),
    ApiKey {
        location: KeyLocation,
        name: String,
        key: String,
    },
}

/// Where an API key goes.
#[derive(Debug, Clone, Copy)]
enum KeyLocation {
    Header,
    Query,
    Cookie,
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { .. } => f.write_str("Basic(<redacted>)"),
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
            Credentials::ApiKey { location, name, .. } => {
                write!(f, "ApiKey({location:?} {name}: <redacted>)")
            }
        }
    }
}

/// Configures a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    credentials: Option<Credentials>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    retry: RetryPolicy,
}

impl ClientBuilder {
    /// Retries a failed request up to `retries` more times (default 3; 0
    /// turns retries off). See [`Error::is_retryable`] for what is retried.
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.retry.max_retries = retries;
        self
    }

    /// Stops retrying once `deadline` has passed since the first try, or
    /// when the next wait would pass it (default two minutes; `None`: no
    /// limit besides [`max_retries`](Self::max_retries)).
    pub fn retry_deadline(mut self, deadline: Option<Duration>) -> Self {
        self.retry.deadline = deadline;
        self
    }

    /// The backoff between retries when the server does not say how long to
    /// wait: a random wait up to `base * 2^(attempt - 1)`, never more than
    /// `max` (defaults 500 ms and 30 s).
    pub fn retry_backoff(mut self, base: Duration, max: Duration) -> Self {
        self.retry.base_delay = base;
        self.retry.max_delay = max;
        self
    }

    /// Whether to hold back requests to an endpoint group whose last response
    /// said no requests remain, until its window resets (default on).
    pub fn proactive_throttling(mut self, enabled: bool) -> Self {
        self.retry.proactive_throttling = enabled;
        self
    }

    /// Sends requests to `url` instead of the spec's server URL.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Authenticates with HTTP Basic.
    pub fn basic_auth(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Basic {
            username: username.into(),
            password: password.into(),
        });
        self
    }

    /// Authenticates with `Authorization: Bearer <token>`.
    pub fn bearer_token(mut self, token: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::Bearer(token.into()));
        self
    }

    /// Sends an API key in the header `name` with every request.
    pub fn api_key_header(mut self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey {
            location: KeyLocation::Header,
            name: name.into(),
            key: key.into(),
        });
        self
    }

    /// Sends an API key as the query parameter `name` of every request. The
    /// URL then holds a secret, so errors leave it out.
    pub fn api_key_query(mut self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey {
            location: KeyLocation::Query,
            name: name.into(),
            key: key.into(),
        });
        self
    }

    /// Sends an API key as the cookie `name` with every request.
    pub fn api_key_cookie(mut self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credentials = Some(Credentials::ApiKey {
            location: KeyLocation::Cookie,
            name: name.into(),
            key: key.into(),
        });
        self
    }

    /// Gives up on a request after `timeout` (connecting, sending and reading).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Gives up connecting after `timeout`. Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// Replaces the `User-Agent` header (default: `<crate name>/<crate version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Sends a header with every request.
    pub fn default_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Uses your own `reqwest::Client` (proxies, TLS settings, connection pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Allows a plain `http://` base URL that is not on loopback. Credentials
    /// then cross the network unencrypted.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the base URL is missing or invalid, when it is
    /// plain `http://` to a host other than loopback without
    /// [`allow_insecure_http`](Self::allow_insecure_http), when a header or
    /// credential holds characters a header cannot carry, or when the HTTP
    /// client cannot be set up.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = self
            .base_url
            .or_else(|| crate::DEFAULT_BASE_URL.map(str::to_owned))
            .ok_or_else(|| Error::Config("no base URL: the spec names no server, so set one with `ClientBuilder::base_url`".to_owned()))?;
        let parsed = Url::parse(&base_url)
            .map_err(|e| Error::Config(format!("the base URL `{base_url}` is invalid: {e}")))?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&parsed) => {}
            "http" => {
                return Err(Error::Config(format!(
                    "the base URL `{base_url}` is plain http to a host other than loopback; use https, or call `allow_insecure_http(true)`"
                )))
            }
            other => return Err(Error::Config(format!("the base URL scheme `{other}` is not supported; use https"))),
        }
        let secret = |value: String, what: &str| {
            HeaderValue::from_str(&value)
                .map(|mut value| {
                    value.set_sensitive(true);
                    value
                })
                .map_err(|_| {
                    Error::Config(format!("the {what} holds characters a header cannot carry"))
                })
        };
        let mut query_key = None;
        let authorization = match self.credentials {
            None => None,
            Some(Credentials::Basic { username, password }) => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                Some((
                    AUTHORIZATION,
                    secret(format!("Basic {encoded}"), "Basic credentials")?,
                ))
            }
            Some(Credentials::Bearer(token)) => Some((
                AUTHORIZATION,
                secret(format!("Bearer {token}"), "bearer token")?,
            )),
            Some(Credentials::ApiKey {
                location: KeyLocation::Header,
                name,
                key,
            }) => {
                let header = HeaderName::from_bytes(name.as_bytes())
                    .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
                Some((header, secret(key, "API key")?))
            }
            Some(Credentials::ApiKey {
                location: KeyLocation::Cookie,
                name,
                key,
            }) => Some((
                reqwest::header::COOKIE,
                secret(format!("{name}={key}"), "API key cookie")?,
            )),
            Some(Credentials::ApiKey {
                location: KeyLocation::Query,
                name,
                key,
            }) => {
                query_key = Some((name, key));
                None
            }
        };
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        headers.insert(
            USER_AGENT,
            HeaderValue::from_str(&user_agent).map_err(|_| {
                Error::Config(format!(
                    "the user agent `{user_agent}` cannot be sent in a header"
                ))
            })?,
        );
        for (name, value) in self.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(&value).map_err(|_| {
                Error::Config(format!(
                    "the value of header `{name}` cannot be sent in a header"
                ))
            })?;
            headers.insert(header, value);
        }
        let http = match self.http {
            Some(http) => http,
            None => {
                let mut builder = reqwest::Client::builder();
                if let Some(timeout) = self.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder
                    .build()
                    .map_err(|e| Error::Config(format!("the HTTP client cannot be set up: {e}")))?
            }
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url: base_url.trim_end_matches('/').to_owned(),
                authorization,
                query_key,
                headers,
                timeout: self.timeout,
                retry: self.retry,
                throttle: Throttle::default(),
            }),
        })
    }
}

fn is_loopback(url: &Url) -> bool {
    match url.host_str() {
        Some("localhost") => true,
        Some(host) => host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback()),
        None => false,
    }
}
