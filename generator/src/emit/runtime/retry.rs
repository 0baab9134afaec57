//! Sending one request, and sending it again when that may help and cannot
//! apply it twice: the retry policy, `execute` (the one place a request goes
//! on the wire) and the [`Attempt`]s it records.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE, COOKIE};
use reqwest::{Method, StatusCode, Url};

use crate::client::{Chosen, Inner, Sent};
use crate::error::{ApiError, Error, TransportError};
use crate::rate_limit::{retry_after, RateLimit};
use crate::request::Request;

/// When and how often failed requests are tried again.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RetryPolicy {
    pub(crate) max_retries: u32,
    pub(crate) deadline: Option<Duration>,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) proactive_throttling: bool,
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

/// The longest URL the HTTP stack sends (`http::Uri` refuses longer ones).
const MAX_URL_LENGTH: usize = u16::MAX as usize - 1;

/// One try of a request: how it ended and what it cost. A call's attempts
/// are in [`Response::history`](crate::Response::history) and
/// [`Error::history`].
#[derive(Debug, Clone)]
pub struct Attempt {
    outcome: Outcome,
    rate_limit_wait: Duration,
    backoff: Duration,
    duration: Duration,
}

/// How an attempt ended.
#[derive(Debug, Clone)]
enum Outcome {
    /// The server answered with this status.
    Answered(StatusCode),
    /// No connection was made: nothing was sent. The root cause.
    NotSent(String),
    /// Sent, but no whole response came back. The root cause.
    NoAnswer(String),
}

impl Attempt {
    /// The status the server answered with; `None` when no whole response
    /// arrived.
    pub fn status(&self) -> Option<StatusCode> {
        match self.outcome {
            Outcome::Answered(status) => Some(status),
            Outcome::NotSent(_) | Outcome::NoAnswer(_) => None,
        }
    }

    /// Whether the request may have reached the server: `false` only when
    /// no connection was made.
    pub fn was_sent(&self) -> bool {
        !matches!(self.outcome, Outcome::NotSent(_))
    }

    /// Whether the server may have applied the request in this attempt: it
    /// answered with a success or a 5xx, or no whole answer came back after
    /// sending. A 4xx, or a connection never made, says it did not.
    pub fn may_have_been_applied(&self) -> bool {
        match &self.outcome {
            Outcome::Answered(status) => status.is_success() || status.is_server_error(),
            Outcome::NoAnswer(_) => true,
            Outcome::NotSent(_) => false,
        }
    }

    /// How long the attempt waited for the endpoint's rate limit before it
    /// was sent (pacing, or the wait a 429 asked for).
    pub fn rate_limit_wait(&self) -> Duration {
        self.rate_limit_wait
    }

    /// How long the attempt waited, after the one before failed, before it
    /// was sent (exponential backoff).
    pub fn backoff(&self) -> Duration {
        self.backoff
    }

    /// How long it took, from when it was cleared to go (building and
    /// sending the request) to the end of the response or the failure.
    pub fn duration(&self) -> Duration {
        self.duration
    }
}

impl fmt::Display for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Answered(status) => write!(f, "answered {status}"),
            Outcome::NotSent(cause) => write!(f, "not sent: {cause}"),
            Outcome::NoAnswer(cause) => write!(f, "no answer: {cause}"),
        }
    }
}

/// The attempts of one call, in order. One attempt is held inline, so a
/// call that succeeds at once allocates nothing for its history.
#[derive(Clone, Default)]
pub(crate) struct History(Attempts);

#[derive(Clone, Default)]
enum Attempts {
    #[default]
    None,
    One(Attempt),
    Many(Vec<Attempt>),
}

impl History {
    /// Adds the next attempt.
    fn push(&mut self, attempt: Attempt) {
        self.0 = match std::mem::take(&mut self.0) {
            Attempts::None => Attempts::One(attempt),
            Attempts::One(first) => Attempts::Many(vec![first, attempt]),
            Attempts::Many(mut all) => {
                all.push(attempt);
                Attempts::Many(all)
            }
        };
    }
}

impl std::ops::Deref for History {
    type Target = [Attempt];

    fn deref(&self) -> &[Attempt] {
        match &self.0 {
            Attempts::None => &[],
            Attempts::One(attempt) => std::slice::from_ref(attempt),
            Attempts::Many(all) => all,
        }
    }
}

impl fmt::Debug for History {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A response as it came off the wire, with the attempts it took.
pub(crate) struct Raw {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// As reqwest hands it over: decoding reads it in place, no copy.
    pub(crate) body: bytes::Bytes,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) history: History,
}

/// A body with its content type, checked once before the first attempt.
type Body = (HeaderValue, bytes::Bytes);

impl Inner {
    /// Sends `request`, retrying as the policy allows and only where a
    /// retry cannot apply the request twice:
    ///
    /// - 429: after the wait the server asked for (or a backoff), any
    ///   request: the server did not process it;
    /// - 502, 503, 504, timeouts and connections that broke after sending:
    ///   idempotent requests only (the method's, unless the spec or the body
    ///   says otherwise: `Request::idempotent`);
    /// - connection failures (nothing was sent): any request.
    ///
    /// A request that cannot be built is refused before anything is sent,
    /// and never retried.
    pub(crate) async fn execute(&self, mut request: Request) -> Result<Raw, Error> {
        let base = self.base_url.as_str();
        // @needs servers
        let base = match request.server {
            Some(server) => self.server_url(server)?,
            None => base,
        };
        // @end
        let credentials = Chosen {
            all: &self.credentials,
            // @needs security
            only: None,
            // @end
        };
        // @needs security
        let credentials = match request.security {
            Some(alternatives) => self.credentials_for(request.route, alternatives)?,
            None => credentials,
        };
        // @end
        let query_key = credentials.iter().any(|c| matches!(c, Sent::Query(..)));
        let body = match request.body.take() {
            Some((content_type, body)) => {
                let value = HeaderValue::from_str(&content_type).map_err(|_| {
                    Error::Request(format!(
                        "the content type `{content_type}` cannot be sent in a header"
                    ))
                })?;
                Some((value, bytes::Bytes::from(body)))
            }
            None => None,
        };
        let policy = self.retry;
        let deadline = policy.deadline.map(|d| Instant::now() + d);
        let mut history = History::default();
        let mut rate_limit_wait = Duration::ZERO;
        let mut backoff = Duration::ZERO;
        // Whether the coming wait for the throttle was traced as a retry's.
        let mut announced = false;
        loop {
            let (permit, started) = if policy.proactive_throttling {
                let (permit, waited, admitted) = self.throttle.acquire(request.route).await;
                // A wait after a 429 is the retry's, already announced.
                if !waited.is_zero() && !announced {
                    crate::trace::rate_limit_waited(waited);
                }
                rate_limit_wait += waited;
                (Some(permit), admitted)
            } else {
                (None, Instant::now())
            };
            // Built afresh for each attempt, which costs a retry little and
            // spares the first attempt a copy. It fails, if at all, before
            // the first attempt: the inputs do not change.
            let built = self.build(&request, base, credentials, body.as_ref())?;
            let tried = self.attempt(built).await;
            let finished = Instant::now();
            let duration = finished - started;
            let record = |outcome| Attempt {
                outcome,
                rate_limit_wait,
                backoff,
                duration,
            };
            let attempts = history.len() as u32 + 1;
            let (error, wait, rate_limited) = match tried {
                Ok(mut raw) => {
                    history.push(record(Outcome::Answered(raw.status)));
                    if let Some(permit) = permit {
                        permit.observe(raw.rate_limit.as_ref(), finished);
                    }
                    if raw.status.is_success() {
                        raw.history = history;
                        return Ok(raw);
                    }
                    let parsed = (request.decode_error)(raw.status.as_u16(), &raw.body);
                    let mut api =
                        ApiError::new(raw.status, raw.headers, Vec::from(raw.body), parsed);
                    api.replayable = request.idempotent;
                    let (wait, rate_limited) = match api.status().as_u16() {
                        429 => {
                            let wait = api
                                .retry_after()
                                .unwrap_or_else(|| policy.backoff(attempts));
                            self.throttle.block(request.route, wait);
                            (Some(wait), true)
                        }
                        502..=504 if request.idempotent => (
                            Some(
                                retry_after(api.headers())
                                    .unwrap_or_else(|| policy.backoff(attempts)),
                            ),
                            false,
                        ),
                        _ => (None, false),
                    };
                    let earlier = &history[..history.len() - 1];
                    let gone = matches!(api.status().as_u16(), 404 | 410);
                    let error = if request.method == Method::DELETE
                        && gone
                        && earlier.iter().any(Attempt::may_have_been_applied)
                    {
                        Error::AlreadyDeleted(Box::new(api))
                    } else {
                        Error::Api(Box::new(api))
                    };
                    match wait {
                        Some(wait) => (error, wait, rate_limited),
                        None => return Err(error.with_history(history)),
                    }
                }
                Err(source) => {
                    drop(permit);
                    // With a key in the query string the URL is a secret:
                    // keep it out of errors, whose `Debug` output shows it.
                    let source = if query_key {
                        source.without_url()
                    } else {
                        source
                    };
                    if source.is_builder() {
                        // reqwest refused to build it: nothing was sent, and
                        // sending it again would fail the same way.
                        return Err(Error::Request(format!(
                            "`{}` cannot be sent: {}",
                            request.route,
                            crate::error::root_cause(&source, None)
                        )));
                    }
                    let sent = !source.is_connect();
                    let timeout = if source.is_connect() {
                        self.connect_timeout
                    } else {
                        self.timeout
                    };
                    let cause = crate::error::root_cause(&source, timeout);
                    history.push(record(if sent {
                        Outcome::NoAnswer(cause)
                    } else {
                        Outcome::NotSent(cause)
                    }));
                    let error = TransportError {
                        source,
                        route: request.route,
                        sent,
                        replayable: request.idempotent,
                        timeout,
                        history: History::default(),
                    }
                    .into_error();
                    if sent && !request.idempotent {
                        return Err(error.with_history(history));
                    }
                    (error, policy.backoff(attempts), false)
                }
            };
            let past_deadline = deadline.is_some_and(|d| Instant::now() + wait > d);
            if attempts > policy.max_retries || past_deadline {
                let error = if attempts == 1 {
                    error
                } else {
                    Error::RetriesExhausted {
                        attempts,
                        last: Box::new(error),
                    }
                };
                return Err(error.with_history(history));
            }
            crate::trace::retrying(&error, attempts, wait);
            announced = rate_limited;
            rate_limit_wait = Duration::ZERO;
            backoff = Duration::ZERO;
            match (rate_limited, policy.proactive_throttling) {
                // The throttle holds the group for the wait; the next
                // attempt waits for it in line with the group's others.
                (true, true) => {}
                (true, false) => {
                    tokio::time::sleep(wait).await;
                    rate_limit_wait = wait;
                }
                (false, _) => {
                    tokio::time::sleep(wait).await;
                    backoff = wait;
                }
            }
        }
    }

    /// Builds what an attempt sends: the URL, the headers (credentials,
    /// cookies, header parameters, content type) and the body. Refuses,
    /// naming the parameter, what the HTTP stack could not send.
    fn build(
        &self,
        request: &Request,
        base: &str,
        credentials: Chosen<'_>,
        body: Option<&Body>,
    ) -> Result<reqwest::Request, Error> {
        let mut url = Url::parse(&format!("{base}{}", request.path)).map_err(|e| {
            Error::Request(format!("the URL for `{}` is invalid: {e}", request.route))
        })?;
        let query_key = credentials.iter().any(|c| matches!(c, Sent::Query(..)));
        if !request.query.is_empty() || !request.deep_query.is_empty() || query_key {
            let mut pairs = url.query_pairs_mut();
            pairs.extend_pairs(request.query.iter().map(|(k, v)| (*k, v.as_str())));
            pairs.extend_pairs(
                request
                    .deep_query
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            );
            for credential in credentials.iter() {
                if let Sent::Query(name, key) = credential {
                    pairs.append_pair(name, key);
                }
            }
        }
        let length = url.as_str().len();
        if length > MAX_URL_LENGTH {
            return Err(Error::Request(too_long(request, length)));
        }
        let mut headers = self.headers.clone();
        // Cookie parameters share one `Cookie` header with API-key cookies,
        // which come first.
        let mut cookies: Vec<String> = Vec::new();
        for credential in credentials.iter() {
            match credential {
                Sent::Authorization(value) => {
                    headers.insert(reqwest::header::AUTHORIZATION, value.clone());
                }
                Sent::Header(name, value) => {
                    headers.insert(name.clone(), value.clone());
                }
                Sent::Cookie(_, cookie) => cookies.push(cookie.clone()),
                Sent::Query(..) => {}
            }
        }
        let keys = cookies.len();
        cookies.extend(
            request
                .cookies
                .iter()
                .map(|(name, value)| format!("{name}={value}")),
        );
        if !cookies.is_empty() {
            let mut cookie = HeaderValue::from_str(&cookies.join("; ")).map_err(|_| {
                Error::Request("a cookie value holds characters a header cannot carry".to_owned())
            })?;
            cookie.set_sensitive(keys > 0);
            headers.insert(COOKIE, cookie);
        }
        for (name, value) in &request.headers {
            let header = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| Error::Request(format!("`{name}` is not a valid header name")))?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                Error::Request(format!(
                    "the `{name}` header parameter holds characters a header cannot carry (line breaks or control characters)"
                ))
            })?;
            headers.append(header, value);
        }
        let mut built = reqwest::Request::new(request.method.clone(), url);
        if let Some((content_type, bytes)) = body {
            headers.insert(CONTENT_TYPE, content_type.clone());
            *built.body_mut() = Some(bytes.clone().into());
        }
        *built.headers_mut() = headers;
        if self.timeout.is_some() {
            // Setting it at all allocates the request's extensions.
            *built.timeout_mut() = self.timeout;
        }
        Ok(built)
    }

    /// One try: send, read the whole body.
    async fn attempt(&self, request: reqwest::Request) -> Result<Raw, reqwest::Error> {
        let mut response = self.http.execute(request).await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let body = response.bytes().await?;
        let rate_limit = RateLimit::from_headers(&headers);
        Ok(Raw {
            status,
            headers,
            body,
            rate_limit,
            history: History::default(),
        })
    }
}

/// Why a URL of `length` bytes is refused, naming the longest parameter.
fn too_long(request: &Request, length: usize) -> String {
    let query = request
        .query
        .iter()
        .map(|(name, value)| (*name, value.len(), "query parameter"));
    let path = request
        .longest_path_parameter
        .map(|(name, length)| (name, length, "path parameter"));
    let longest = query
        .chain(path)
        .max_by_key(|(_, length, _)| *length)
        .map(|(name, length, kind)| format!("; the `{name}` {kind} alone is {length} bytes"))
        .unwrap_or_default();
    format!(
        "the URL for `{}` would be {length} bytes long, more than the {MAX_URL_LENGTH} bytes the HTTP client can send{longest}",
        request.route
    )
}
