//! The one error type of the client, and what its variants carry: the
//! error response ([`ApiError`]), the success body that did not decode
//! ([`DecodeError`]), the connection that failed ([`TransportError`]), and
//! in each the attempts that were made.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::rate_limit::RateLimit;
use crate::retry::{Attempt, History};
use crate::types::ErrorBody;

/// Everything that can go wrong with a request.
///
/// Each variant that comes from sending carries the attempts that were made
/// ([`history`](Error::history)), and [`may_have_been_applied`](Error::may_have_been_applied)
/// says whether the server may have acted on the request although the call
/// failed: check its state before trying a non-idempotent request again.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (base URL, header values, credentials).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request was refused before it was sent, naming what is wrong: an
    /// empty path parameter, a URL longer than HTTP clients send, a header
    /// value a header cannot carry, a body that cannot be encoded. Nothing
    /// reached the server, and sending it again cannot help.
    #[error("the request was not sent: {0}")]
    Request(String),
    /// No whole response arrived in time (the client's
    /// [`timeout`](crate::ClientBuilder::timeout) or
    /// [`connect_timeout`](crate::ClientBuilder::connect_timeout)).
    #[error(transparent)]
    Timeout(Box<TransportError>),
    /// The server could not be reached, or the connection failed before a
    /// whole response arrived.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The server answered with success, but the body is not what the spec
    /// says. The request was applied: the error keeps the whole response,
    /// so nothing the server sent is lost.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The server answered with an error status.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A `DELETE` whose earlier attempt may have reached the server (it timed
    /// out, the connection broke, or a 5xx came back) was sent again, and the
    /// server answered 404 or 410: most likely the earlier attempt deleted
    /// it. Treat it as deleted unless the resource may never have existed.
    /// The error response is the last one.
    #[error(
        "an earlier attempt of this DELETE may have deleted it: the retry found it gone ({0})"
    )]
    AlreadyDeleted(Box<ApiError>),
    /// Every allowed try failed; `last` is how the last one ended, and its
    /// [`history`](Error::history) lists them all.
    #[error("gave up after {attempts} attempts; the last one failed: {last}")]
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// The error of the last try.
        #[source]
        last: Box<Error>,
    },
}

impl Error {
    /// The HTTP status of an error response, if the server sent one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) | Error::AlreadyDeleted(api) => Some(api.status()),
            Error::Decode(decode) => Some(decode.status()),
            Error::RetriesExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The error response, if the server sent one (after retries, the last).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) | Error::AlreadyDeleted(api) => Some(api),
            Error::RetriesExhausted { last, .. } => last.api_error(),
            _ => None,
        }
    }

    /// Every attempt made, in order, each with how it ended and how long it
    /// waited; empty when nothing was sent because the request could not
    /// be built.
    pub fn history(&self) -> &[Attempt] {
        match self {
            Error::Api(api) | Error::AlreadyDeleted(api) => &api.history,
            Error::Timeout(transport) | Error::Transport(transport) => &transport.history,
            Error::Decode(decode) => &decode.history,
            Error::RetriesExhausted { last, .. } => last.history(),
            Error::Config(_) | Error::Request(_) => &[],
        }
    }

    /// Whether the server may have applied the request although the call
    /// failed: an attempt timed out or lost its connection after sending,
    /// or was answered with a success (whose body did not decode) or a 5xx.
    /// When `false`, the server did not act on it (nothing was sent, or
    /// every answer was a 4xx).
    pub fn may_have_been_applied(&self) -> bool {
        match self {
            Error::AlreadyDeleted(_) | Error::Decode(_) => true,
            _ => self.history().iter().any(Attempt::may_have_been_applied),
        }
    }

    /// Whether sending the request again later may succeed and cannot apply
    /// it twice: a 429 (the server did not process it), and for idempotent
    /// requests a 502, 503 or 504, a timeout or a broken connection; for any
    /// request, a connection that was never made. `false` for a request
    /// that is not idempotent (a `POST`, a custom-field `.add`) and may have
    /// reached the server: check the server's state first. The client
    /// already retries these itself, within its policy.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => match api.status().as_u16() {
                429 => true,
                502..=504 => api.replayable,
                _ => false,
            },
            Error::Timeout(transport) | Error::Transport(transport) => {
                !transport.sent || transport.replayable
            }
            Error::RetriesExhausted { last, .. } => last.is_retryable(),
            Error::Config(_) | Error::Request(_) | Error::Decode(_) | Error::AlreadyDeleted(_) => {
                false
            }
        }
    }

    /// The error of an attempt, with the history so far.
    pub(crate) fn with_history(mut self, history: History) -> Self {
        match &mut self {
            Error::Api(api) | Error::AlreadyDeleted(api) => api.history = history,
            Error::Timeout(transport) | Error::Transport(transport) => {
                transport.history = history;
            }
            Error::Decode(decode) => decode.history = history,
            Error::RetriesExhausted { last, .. } => {
                let inner = std::mem::replace(last.as_mut(), Error::Config(String::new()));
                **last = inner.with_history(history);
            }
            Error::Config(_) | Error::Request(_) => {}
        }
        self
    }
}

/// The connection failed: no connection was made, the client's timeout
/// passed, or the connection broke before a whole response arrived.
///
/// Its `Display` names the root cause (`connection refused`, `DNS lookup
/// failed`, `no response within 30 s`); `source()` leads to reqwest's error
/// and down to the operating system's.
pub struct TransportError {
    pub(crate) source: reqwest::Error,
    /// The endpoint group, `GET /lead/{id}/`: what was being sent.
    pub(crate) route: &'static str,
    /// Whether the request may have reached the server.
    pub(crate) sent: bool,
    /// Whether it may be sent again: idempotent.
    pub(crate) replayable: bool,
    /// The timeout that passed, when the client knows it.
    pub(crate) timeout: Option<Duration>,
    pub(crate) history: History,
}

impl TransportError {
    /// The failure as an [`Error`]: `Timeout` or `Transport`.
    pub(crate) fn into_error(self) -> Error {
        if self.source.is_timeout() {
            Error::Timeout(Box::new(self))
        } else {
            Error::Transport(Box::new(self))
        }
    }

    /// Whether the request may have reached the server: `false` only when
    /// the connection was never made.
    pub fn may_have_reached_server(&self) -> bool {
        self.sent
    }

    /// Every attempt made, in order; the last is this failure.
    pub fn history(&self) -> &[Attempt] {
        &self.history
    }

    /// The root cause in a few words: `connection refused`, `DNS lookup
    /// failed: …`, `timed out after 30 s`.
    pub fn cause(&self) -> String {
        root_cause(&self.source, self.timeout)
    }
}

/// What, deepest in `error`'s `source()` chain, made it fail, in words a
/// person can act on.
pub(crate) fn root_cause(error: &reqwest::Error, timeout: Option<Duration>) -> String {
    let mut chain: Vec<&(dyn std::error::Error + 'static)> = Vec::new();
    let mut next: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = next {
        chain.push(current);
        next = current.source();
    }
    let deepest = chain.last().map(ToString::to_string).unwrap_or_default();
    if error.is_timeout() {
        return match timeout {
            Some(timeout) => format!("timed out after {}", seconds(timeout)),
            None => "timed out".to_owned(),
        };
    }
    if error.is_body() || error.is_decode() {
        return format!("the response was cut off: {deepest}");
    }
    let io = chain
        .iter()
        .find_map(|e| e.downcast_ref::<std::io::Error>());
    if let Some(io) = io {
        use std::io::ErrorKind;
        let words = match io.kind() {
            ErrorKind::ConnectionRefused => Some("connection refused"),
            ErrorKind::ConnectionReset => Some("connection reset by the server"),
            ErrorKind::ConnectionAborted => Some("connection aborted"),
            ErrorKind::AddrNotAvailable => Some("the address is not available"),
            _ => None,
        };
        if let Some(words) = words {
            return words.to_owned();
        }
    }
    if chain.iter().any(|e| e.to_string().starts_with("dns error")) {
        return format!("DNS lookup failed: {deepest}");
    }
    deepest
}

/// `30 s`, `0.25 s`.
fn seconds(duration: Duration) -> String {
    let secs = duration.as_secs_f64();
    if duration.subsec_nanos() == 0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs} s")
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cause = self.cause();
        let route = self.route;
        if !self.sent {
            return write!(
                f,
                "`{route}` could not connect to the server: {cause}; nothing was sent"
            );
        }
        if self.source.is_timeout() {
            write!(f, "`{route}` got no whole response: {cause}")?;
        } else {
            write!(f, "`{route}` failed after the request was sent: {cause}")?;
        }
        if self.replayable {
            f.write_str("; the server may have received it")
        } else {
            f.write_str(
                "; the server may have applied it, so it was not sent again (it is not idempotent)",
            )
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("route", &self.route)
            .field("cause", &self.cause())
            .field("sent", &self.sent)
            .field("replayable", &self.replayable)
            .field("source", &self.source)
            .field("history", &self.history)
            .finish()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A success whose body is not what the spec says, with the whole response:
/// the request was applied, so what the server sent (the id of a created
/// item, say) can still be read from [`body`](Self::body) or
/// [`json`](Self::json).
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: bytes::Bytes,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
    pub(crate) history: History,
}

impl DecodeError {
    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The whole body, as it arrived.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// Where in the body decoding failed, such as `data[3].date_created`
    /// (`.` for the body as a whole).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What was wrong there.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Decodes the body as any type, such as `serde_json::Value`, to read
    /// what the spec's type could not.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    /// Every attempt made, in order; the last is the one that succeeded.
    pub fn history(&self) -> &[Attempt] {
        &self.history
    }
    // @needs send_json send_json_or_empty send_text

    /// A body of a `status` response that failed at `path` (`.` for the
    /// whole body) with `message`.
    pub(crate) fn new(
        status: StatusCode,
        body: bytes::Bytes,
        path: String,
        message: String,
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Self {
        DecodeError {
            status,
            headers: HeaderMap::new(),
            body,
            path,
            message,
            source,
            history: History::default(),
        }
    }
    // @end
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the {} response body does not match the spec at `{}`: {} (the server did what was asked; the whole body, {} bytes, is in the error)",
            self.status.as_u16(),
            self.path,
            self.message,
            self.body.len()
        )
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Headers can hold cookies: left out, as in `ApiError`.
        f.debug_struct("DecodeError")
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &self.message)
            .field("body", &self.text())
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// An error response: its status, headers and body, and the body decoded as
/// the spec documents it for that status.
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    parsed: Option<ErrorBody>,
    /// Whether the request may be sent again: idempotent.
    pub(crate) replayable: bool,
    pub(crate) history: History,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        headers: HeaderMap,
        body: Vec<u8>,
        parsed: Option<ErrorBody>,
    ) -> Self {
        ApiError {
            status,
            headers,
            body,
            parsed,
            replayable: false,
            history: History::default(),
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The raw body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body decoded as the type the spec documents for this status, or
    /// `None` when the spec documents none or the body does not match it.
    pub fn body_typed(&self) -> Option<&ErrorBody> {
        self.parsed.as_ref()
    }

    /// The rate-limit state the response reported, if any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::from_headers(&self.headers)
    }

    /// Every attempt made, in order; the last is this response.
    pub fn history(&self) -> &[Attempt] {
        &self.history
    }

    /// How long the server asked the client to wait before trying again:
    /// the `RateLimit` reset (preferred over `Retry-After`, which is rounded
    /// to whole seconds), else `Retry-After`.
    // @needs rate_limit_reset_body
    ///
    /// Else the reset the body holds at the place the spec names for 429
    /// bodies (`x-rate-limit-reset-body`).
    // @end
    pub fn retry_after(&self) -> Option<Duration> {
        RateLimit::from_headers(&self.headers)
            .and_then(|r| r.reset)
            .or_else(|| crate::rate_limit::retry_after(&self.headers))
            // @needs rate_limit_reset_body
            .or_else(|| crate::rate_limit::reset_from_body(&self.body))
        // @end
    }

    /// The server's own words, from a JSON body's `error` or `message`
    /// string, when it has one.
    pub fn message(&self) -> Option<String> {
        let value: serde_json::Value = serde_json::from_slice(&self.body).ok()?;
        ["error", "message", "detail"]
            .iter()
            .find_map(|key| value.get(*key)?.as_str().map(str::to_owned))
    }

    /// Decodes the body as any type.
    ///
    /// # Errors
    ///
    /// When the body is not JSON of that shape.
    pub fn json<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("body", &self.text())
            .field("parsed", &self.parsed)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the server answered {}", self.status)?;
        match self.message() {
            Some(message) => write!(f, ": {message}")?,
            None => {
                let text = self.text();
                let text = text.trim();
                if text.is_empty() {
                    f.write_str(" with an empty body")?;
                } else {
                    let snippet: String = text
                        .chars()
                        .take(300)
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    let ellipsis = if text.chars().count() > 300 {
                        "…"
                    } else {
                        ""
                    };
                    write!(f, ": {snippet}{ellipsis}")?;
                }
            }
        }
        let hint = match self.status.as_u16() {
            401 => Some("check the API key or token".to_owned()),
            402 => Some("a limit of the account's plan was reached".to_owned()),
            403 => Some("the credentials are not allowed to do this".to_owned()),
            404 => Some("check the id in the path".to_owned()),
            429 => Some(match self.retry_after() {
                Some(wait) => format!(
                    "rate limited; the server asked to wait {:.1} s",
                    wait.as_secs_f64()
                ),
                None => "rate limited".to_owned(),
            }),
            500..=599 if self.replayable => {
                Some("a server-side failure; it may pass if retried later".to_owned())
            }
            500..=599 => Some(
                "a server-side failure; the server may have applied the request, so check before sending it again"
                    .to_owned(),
            ),
            _ => None,
        };
        if let Some(hint) = hint {
            write!(f, " ({hint})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn the_wait_prefers_the_ratelimit_reset() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "ratelimit",
            HeaderValue::from_static("limit=1, remaining=0, reset=0.5"),
        );
        headers.insert("retry-after", HeaderValue::from_static("1"));
        let error = ApiError::new(StatusCode::TOO_MANY_REQUESTS, headers, Vec::new(), None);
        assert_eq!(error.retry_after(), Some(Duration::from_millis(500)));
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(Duration::from_secs(30)), "30 s");
        assert_eq!(seconds(Duration::from_millis(250)), "0.25 s");
    }
}
