//! The client and its configuration: `Client`, `ClientBuilder` and the
//! credentials it sends. Sending is in `send` and `retry`; what one request
//! holds is in `request`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, USER_AGENT};
use reqwest::Url;

use crate::error::Error;
use crate::rate_limit::Throttle;
use crate::retry::RetryPolicy;

/// An API client. Cheap to clone: clones share one connection pool and one
/// rate-limit state, so one client can serve many tasks.
///
/// Build one with [`Client::new`] or, for more settings, [`Client::builder`].
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

/// What every clone of a client shares.
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: String,
    /// The credential header (`Authorization`, an API-key header or `Cookie`).
    pub(crate) authorization: Option<(HeaderName, HeaderValue)>,
    /// An API key sent in the query string.
    pub(crate) query_key: Option<(String, String)>,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    /// The connect timeout this builder set, which errors name.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) throttle: Throttle,
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

    /// Whether to pace requests per endpoint group (method and path
    /// template) by the server's `RateLimit` headers (default on): no more
    /// requests are sent in a window than the last answer said remain, less
    /// those still on their way, and waiting requests go first come, first
    /// served when the window resets, so concurrent calls spread over
    /// windows instead of collecting 429s. Off, requests go at once and a
    /// 429 is retried after the wait it asked for.
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
        let own_http = self.http.is_some();
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
                connect_timeout: self.connect_timeout.filter(|_| !own_http),
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
