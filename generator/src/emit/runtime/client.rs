//! The HTTP client: configuration, authentication, and the one place where
//! requests are sent and responses are sorted into values and errors.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, USER_AGENT,
};
use reqwest::{Method, StatusCode, Url};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::error::{ApiError, Error};
use crate::types::ErrorBody;

/// The future returned by awaiting a request builder.
pub type ResponseFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'a>>;

/// Decodes the body of an error response into the type the spec documents
/// for its status.
pub(crate) type ErrorDecoder = fn(u16, &[u8]) -> Option<ErrorBody>;

/// An API client. Cheap to clone: clones share one connection pool.
///
/// Build one with [`Client::new`] or, for more settings, [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    authorization: Option<HeaderValue>,
    headers: HeaderMap,
    timeout: Option<Duration>,
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
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
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

    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T, Error> {
        let (status, body) = self.execute(request).await?;
        crate::wire::decode_json(status, &body)
    }

    pub(crate) async fn send_empty(&self, request: Request) -> Result<(), Error> {
        self.execute(request).await.map(|_| ())
    }

    async fn execute(&self, request: Request) -> Result<(StatusCode, Vec<u8>), Error> {
        let inner = &*self.inner;
        let mut url = Url::parse(&format!("{}{}", inner.base_url, request.path)).map_err(|e| {
            Error::Request(format!("the URL for `{}` is invalid: {e}", request.path))
        })?;
        if !request.query.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
        }
        let mut builder = inner
            .http
            .request(request.method, url)
            .headers(inner.headers.clone());
        if let Some(authorization) = &inner.authorization {
            builder = builder.header(AUTHORIZATION, authorization.clone());
        }
        for (name, value) in request.headers {
            builder = builder.header(name, value);
        }
        if let Some((content_type, body)) = request.body {
            builder = builder.header(CONTENT_TYPE, content_type).body(body);
        }
        if let Some(timeout) = inner.timeout {
            builder = builder.timeout(timeout);
        }
        let response = builder.send().await.map_err(Error::from_reqwest)?;
        let status = response.status();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(Error::from_reqwest)?
            .to_vec();
        if status.is_success() {
            Ok((status, body))
        } else {
            let parsed = (request.decode_error)(status.as_u16(), &body);
            Err(Error::Api(Box::new(ApiError::new(
                status, headers, body, parsed,
            ))))
        }
    }
}

/// One request, as the generated methods describe it to the client.
pub(crate) struct Request {
    method: Method,
    path: String,
    query: Vec<(&'static str, String)>,
    headers: Vec<(&'static str, String)>,
    body: Option<(&'static str, Vec<u8>)>,
    decode_error: ErrorDecoder,
}

impl Request {
    /// A request for `path` (already percent-encoded, starting with `/`).
    pub(crate) fn new(method: Method, path: String, decode_error: ErrorDecoder) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            headers: Vec::new(),
            body: None,
            decode_error,
        }
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

    /// Sets a request header when the value is set.
    pub(crate) fn header<T: fmt::Display>(&mut self, name: &'static str, value: Option<&T>) {
        if let Some(value) = value {
            self.headers.push((name, value.to_string()));
        }
    }

    /// Sets a JSON body.
    pub(crate) fn json<T: Serialize + ?Sized>(
        &mut self,
        content_type: &'static str,
        body: &T,
    ) -> Result<(), Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::Request(format!("the body cannot be encoded as JSON: {e}")))?;
        self.body = Some((content_type, bytes));
        Ok(())
    }
}

/// Credentials, kept out of `Debug` output.
#[derive(Clone)]
enum Credentials {
    Basic { username: String, password: String },
    Bearer(String),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Basic { .. } => f.write_str("Basic(<redacted>)"),
            Credentials::Bearer(_) => f.write_str("Bearer(<redacted>)"),
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
}

impl ClientBuilder {
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
        let authorization = match self.credentials {
            None => None,
            Some(Credentials::Basic { username, password }) => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{password}"));
                Some(
                    HeaderValue::from_str(&format!("Basic {encoded}")).map_err(|_| {
                        Error::Config("the Basic credentials cannot be sent in a header".to_owned())
                    })?,
                )
            }
            Some(Credentials::Bearer(token)) => Some(
                HeaderValue::from_str(&format!("Bearer {token}")).map_err(|_| {
                    Error::Config(
                        "the bearer token holds characters a header cannot carry".to_owned(),
                    )
                })?,
            ),
        }
        .map(|mut value| {
            value.set_sensitive(true);
            value
        });
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
                headers,
                timeout: self.timeout,
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
