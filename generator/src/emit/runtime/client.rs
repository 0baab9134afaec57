//! The client and its configuration: `Client`, `ClientBuilder` and the
//! credentials it sends. Sending is in `send` and `retry`; what one request
//! holds is in `request`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, USER_AGENT};
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
    /// Every credential the builder was given, ready to send.
    pub(crate) credentials: Vec<Sent>,
    pub(crate) headers: HeaderMap,
    pub(crate) timeout: Option<Duration>,
    /// The connect timeout this builder set, which errors name.
    pub(crate) connect_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) throttle: Throttle,
    // @needs servers
    /// The URLs set for the servers of operations sent elsewhere than the
    /// base URL.
    pub(crate) servers: Vec<(crate::Server, String)>,
    // @end
    // @needs security
    /// Whether an operation whose credentials the client lacks is sent
    /// without them rather than refused: only the mock's clients, as the
    /// mock server checks no credentials.
    pub(crate) credentials_optional: bool,
    // @end
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `Sent` prints where each credential goes, never its secret.
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &self.inner.credentials)
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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyLocation {
    Header,
    Query,
    Cookie,
}

impl Credentials {
    /// Whether `other` takes this one's place: Basic and Bearer share the
    /// `Authorization` header, and an API key is replaced by another for
    /// the same header, query parameter or cookie.
    fn same_place(&self, other: &Credentials) -> bool {
        match (self, other) {
            (
                Credentials::Basic { .. } | Credentials::Bearer(_),
                Credentials::Basic { .. } | Credentials::Bearer(_),
            ) => true,
            (
                Credentials::ApiKey { location, name, .. },
                Credentials::ApiKey {
                    location: other_location,
                    name: other_name,
                    ..
                },
            ) => location == other_location && name.eq_ignore_ascii_case(other_name),
            _ => false,
        }
    }
}

/// A credential as it is sent: where it goes, and its value.
#[derive(Clone)]
pub(crate) enum Sent {
    /// The `Authorization` header (`Basic …`, `Bearer …`).
    Authorization(HeaderValue),
    /// An API key in a header of its own.
    Header(HeaderName, HeaderValue),
    /// An API key in the query string: its name and value.
    Query(String, String),
    /// An API key cookie: its name and `name=key`.
    Cookie(String, String),
}

impl fmt::Debug for Sent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Sent::Authorization(_) => f.write_str("Authorization(<redacted>)"),
            Sent::Header(name, _) => write!(f, "Header({name}: <redacted>)"),
            Sent::Query(name, _) => write!(f, "Query({name}=<redacted>)"),
            Sent::Cookie(name, _) => write!(f, "Cookie({name}=<redacted>)"),
        }
    }
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

/// The credentials one request sends: every one the client was given, or
/// (with the operation's `security`) those of the alternative it picked.
/// Chosen once per call, without an allocation: a request reads them
/// through [`iter`](Chosen::iter).
#[derive(Clone, Copy)]
pub(crate) struct Chosen<'a> {
    pub(crate) all: &'a [Sent],
    // @needs security
    /// The schemes of the alternative picked; `None`: all of them.
    pub(crate) only: Option<&'static [Scheme]>,
    // @end
}

impl<'a> Chosen<'a> {
    /// The credentials to send.
    pub(crate) fn iter(self) -> impl Iterator<Item = &'a Sent> {
        // `_sent` is read only when operations pick their credentials.
        self.all.iter().filter(move |_sent| {
            // @needs security
            if let Some(schemes) = self.only {
                return schemes.iter().any(|scheme| scheme.is(_sent));
            }
            // @end
            true
        })
    }
}

/// Configures a [`Client`].
#[derive(Debug, Default)]
pub struct ClientBuilder {
    base_url: Option<String>,
    /// Every credential given, at most one per place it is sent.
    credentials: Vec<Credentials>,
    timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    headers: Vec<(String, String)>,
    http: Option<reqwest::Client>,
    allow_insecure_http: bool,
    retry: RetryPolicy,
    // @needs servers
    servers: Vec<(crate::Server, String)>,
    // @end
    // @needs security
    credentials_optional: bool,
    // @end
}

impl ClientBuilder {
    /// The settings of the mock server's clients: its URL, backoffs of at
    /// most 10 ms, and operations whose credentials the client lacks sent
    /// without them, as the mock checks none.
    #[cfg(feature = "mock")]
    pub(crate) fn for_mock(mut self, base_url: String) -> Self {
        self.base_url = Some(base_url);
        self.retry.base_delay = Duration::from_millis(1);
        self.retry.max_delay = Duration::from_millis(10);
        // @needs security
        self.credentials_optional = true;
        // @end
        self
    }

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

    // @needs servers

    /// Sends the operations that go to `server` (rather than to the base
    /// URL) to `url` instead of the URL the spec gives it.
    pub fn server_url(mut self, server: crate::Server, url: impl Into<String>) -> Self {
        self.servers.retain(|(s, _)| *s != server);
        self.servers.push((server, url.into()));
        self
    }
    // @end

    /// Keeps `credentials`, in the place of any given before for the same
    /// place: a client holds one credential per scheme the spec defines.
    fn credential(mut self, credentials: Credentials) -> Self {
        self.credentials.retain(|c| !c.same_place(&credentials));
        self.credentials.push(credentials);
        self
    }

    /// Authenticates with HTTP Basic (in the place of a bearer token).
    pub fn basic_auth(self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.credential(Credentials::Basic {
            username: username.into(),
            password: password.into(),
        })
    }

    /// Authenticates with `Authorization: Bearer <token>` (in the place of
    /// HTTP Basic): an HTTP bearer token, or an OAuth 2 or OpenID Connect
    /// access token.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.credential(Credentials::Bearer(token.into()))
    }

    /// Sends an API key in the header `name`.
    pub fn api_key_header(self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credential(Credentials::ApiKey {
            location: KeyLocation::Header,
            name: name.into(),
            key: key.into(),
        })
    }

    /// Sends an API key as the query parameter `name`. The URL then holds a
    /// secret, so errors leave it out.
    pub fn api_key_query(self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credential(Credentials::ApiKey {
            location: KeyLocation::Query,
            name: name.into(),
            key: key.into(),
        })
    }

    /// Sends an API key as the cookie `name`.
    pub fn api_key_cookie(self, name: impl Into<String>, key: impl Into<String>) -> Self {
        self.credential(Credentials::ApiKey {
            location: KeyLocation::Cookie,
            name: name.into(),
            key: key.into(),
        })
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
        check_url("base URL", &base_url, self.allow_insecure_http)?;
        // @needs servers
        for (server, url) in &self.servers {
            check_url(&format!("URL of {server:?}"), url, self.allow_insecure_http)?;
        }
        let servers = self
            .servers
            .into_iter()
            .map(|(server, url)| (server, url.trim_end_matches('/').to_owned()))
            .collect();
        // @end
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
        let mut credentials = Vec::with_capacity(self.credentials.len());
        for given in self.credentials {
            credentials.push(match given {
                Credentials::Basic { username, password } => {
                    let encoded = base64::engine::general_purpose::STANDARD
                        .encode(format!("{username}:{password}"));
                    Sent::Authorization(secret(format!("Basic {encoded}"), "Basic credentials")?)
                }
                Credentials::Bearer(token) => {
                    Sent::Authorization(secret(format!("Bearer {token}"), "bearer token")?)
                }
                Credentials::ApiKey {
                    location: KeyLocation::Header,
                    name,
                    key,
                } => {
                    let header = HeaderName::from_bytes(name.as_bytes())
                        .map_err(|_| Error::Config(format!("`{name}` is not a valid header name")))?;
                    Sent::Header(header, secret(key, "API key")?)
                }
                Credentials::ApiKey {
                    location: KeyLocation::Cookie,
                    name,
                    key,
                } => {
                    // Checked here, sent with the request's other cookies.
                    let cookie = format!("{name}={key}");
                    secret(cookie.clone(), "API key cookie")?;
                    Sent::Cookie(name, cookie)
                }
                Credentials::ApiKey {
                    location: KeyLocation::Query,
                    name,
                    key,
                } => Sent::Query(name, key),
            });
        }
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
                credentials,
                headers,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout.filter(|_| !own_http),
                retry: self.retry,
                throttle: Throttle::default(),
                // @needs servers
                servers,
                // @end
                // @needs security
                credentials_optional: self.credentials_optional,
                // @end
            }),
        })
    }
}

/// Whether the client may send requests to `url`, the `what` it is: https,
/// or plain http to loopback or when allowed.
fn check_url(what: &str, url: &str, allow_insecure_http: bool) -> Result<(), Error> {
    let parsed =
        Url::parse(url).map_err(|e| Error::Config(format!("the {what} `{url}` is invalid: {e}")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(&parsed) => Ok(()),
        "http" => Err(Error::Config(format!(
            "the {what} `{url}` is plain http to a host other than loopback; use https, or call `allow_insecure_http(true)`"
        ))),
        other => Err(Error::Config(format!(
            "the {what} scheme `{other}` is not supported; use https"
        ))),
    }
}
// @needs servers

impl Inner {
    /// Where the operations sent to `server` go: the URL set on the
    /// builder, else the one the spec gives it.
    pub(crate) fn server_url(&self, server: crate::Server) -> Result<&str, Error> {
        if let Some((_, url)) = self.servers.iter().find(|(s, _)| *s == server) {
            return Ok(url);
        }
        server.default_url().ok_or_else(|| {
            Error::Config(format!(
                "the spec gives the server `{server:?}` no URL the client can use; set one with `ClientBuilder::server_url`"
            ))
        })
    }
}
// @end

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
// @needs security

/// A credential an operation's `security` names, by where it is sent. Each
/// variant is in a crate whose operations name such a scheme.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Scheme {
    // @needs scheme_basic
    /// HTTP Basic.
    Basic,
    // @end
    // @needs scheme_bearer
    /// A bearer token (HTTP Bearer, OAuth 2, OpenID Connect).
    Bearer,
    // @end
    // @needs scheme_header
    /// An API key in this header.
    Header(&'static str),
    // @end
    // @needs scheme_query
    /// An API key in this query parameter.
    Query(&'static str),
    // @end
    // @needs scheme_cookie
    /// An API key in this cookie.
    Cookie(&'static str),
    // @end
}

impl Scheme {
    /// Whether `sent` is this credential.
    fn is(self, sent: &Sent) -> bool {
        match (self, sent) {
            // @needs scheme_basic
            (Scheme::Basic, Sent::Authorization(value)) => value.as_bytes().starts_with(b"Basic "),
            // @end
            // @needs scheme_bearer
            (Scheme::Bearer, Sent::Authorization(value)) => value.as_bytes().starts_with(b"Bearer "),
            // @end
            // @needs scheme_header
            (Scheme::Header(name), Sent::Header(header, _)) => header.as_str().eq_ignore_ascii_case(name),
            // @end
            // @needs scheme_query
            (Scheme::Query(name), Sent::Query(given, _)) => given == name,
            // @end
            // @needs scheme_cookie
            (Scheme::Cookie(name), Sent::Cookie(given, _)) => given == name,
            // @end
            _ => false,
        }
    }

    /// Whether the client's default headers carry this credential (an
    /// `Authorization` or API-key header the caller set themselves).
    fn in_headers(self, headers: &HeaderMap) -> bool {
        match self {
            // @needs scheme_basic
            Scheme::Basic => headers
                .get(reqwest::header::AUTHORIZATION)
                .is_some_and(|v| v.as_bytes().get(..6).is_some_and(|p| p.eq_ignore_ascii_case(b"basic "))),
            // @end
            // @needs scheme_bearer
            Scheme::Bearer => headers
                .get(reqwest::header::AUTHORIZATION)
                .is_some_and(|v| v.as_bytes().get(..7).is_some_and(|p| p.eq_ignore_ascii_case(b"bearer "))),
            // @end
            // @needs scheme_header
            Scheme::Header(name) => headers.contains_key(name),
            // @end
            // @needs scheme_query
            Scheme::Query(_) => false,
            // @end
            // @needs scheme_cookie
            Scheme::Cookie(name) => headers
                .get_all(reqwest::header::COOKIE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';'))
                .any(|pair| pair.trim_start().split_once('=').is_some_and(|(n, _)| n == name)),
            // @end
        }
    }

    /// How a caller gives this credential.
    fn describe(self) -> String {
        match self {
            // @needs scheme_basic
            Scheme::Basic => "HTTP Basic (`basic_auth`)".to_owned(),
            // @end
            // @needs scheme_bearer
            Scheme::Bearer => "a bearer token (`bearer_token`)".to_owned(),
            // @end
            // @needs scheme_header
            Scheme::Header(name) => format!("the API key header `{name}` (`api_key_header`)"),
            // @end
            // @needs scheme_query
            Scheme::Query(name) => format!("the API key query parameter `{name}` (`api_key_query`)"),
            // @end
            // @needs scheme_cookie
            Scheme::Cookie(name) => format!("the API key cookie `{name}` (`api_key_cookie`)"),
            // @end
        }
    }
}

impl Inner {
    /// What an operation whose `security` is `alternatives` sends: every
    /// credential of the first alternative the client has them all for,
    /// nothing when it needs none.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when the client has no alternative's credentials,
    /// before anything is sent.
    pub(crate) fn credentials_for(
        &self,
        route: &str,
        alternatives: &'static [&'static [Scheme]],
    ) -> Result<Chosen<'_>, Error> {
        let only = |schemes| Chosen {
            all: &self.credentials,
            only: Some(schemes),
        };
        if alternatives.is_empty() {
            return Ok(only(&[]));
        }
        for alternative in alternatives {
            let given = alternative.iter().all(|scheme| {
                self.credentials.iter().any(|sent| scheme.is(sent))
                    // Sent anyway, with every request's default headers.
                    || scheme.in_headers(&self.headers)
            });
            if given {
                return Ok(only(alternative));
            }
        }
        if self.credentials_optional {
            return Ok(only(&[]));
        }
        let needs: Vec<String> = alternatives
            .iter()
            .map(|alternative| {
                let schemes: Vec<String> = alternative.iter().map(|s| s.describe()).collect();
                schemes.join(" and ")
            })
            .collect();
        Err(Error::Config(format!(
            "`{route}` needs {}, which the client was not given; set it on the `ClientBuilder`",
            needs.join(", or ")
        )))
    }
}
// @end
