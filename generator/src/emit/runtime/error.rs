//! The one error type of the client, and the API error it carries.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use std::time::Duration;

use crate::rate_limit::RateLimit;
use crate::types::ErrorBody;

/// Everything that can go wrong with a request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (base URL, header values, credentials).
    #[error("invalid client configuration: {0}")]
    Config(String),
    /// The request could not be built (for example, a body that is not JSON).
    #[error("the request could not be built: {0}")]
    Request(String),
    /// The request did not complete in time.
    #[error("the request timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// The server could not be reached, or the connection failed.
    #[error("the request failed before a response arrived: {0}")]
    Transport(#[source] reqwest::Error),
    /// The server answered with success, but the body is not what the spec says.
    #[error("the {status} response body does not match the spec at `{path}`: {message} (the body starts with {snippet:?})")]
    Decode {
        /// The HTTP status of the response.
        status: u16,
        /// Where in the body decoding failed, such as `data[3].date_created`.
        path: String,
        /// What was wrong there.
        message: String,
        /// The first bytes of the body, as text.
        snippet: String,
    },
    /// The server answered with an error status.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// Every allowed try failed; `last` is how the last one ended.
    #[error("gave up after {attempts} attempts; the last one failed: {last}")]
    RetriesExhausted {
        /// How many times the request was sent.
        attempts: u32,
        /// The error of the last try.
        last: Box<Error>,
    },
}

impl Error {
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        if error.is_timeout() {
            Error::Timeout(error)
        } else {
            Error::Transport(error)
        }
    }

    /// The HTTP status of an error response, if the server sent one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status()),
            Error::Decode { status, .. } => StatusCode::from_u16(*status).ok(),
            Error::RetriesExhausted { last, .. } => last.status(),
            _ => None,
        }
    }

    /// The error response, if the server sent one (after retries, the last).
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            Error::RetriesExhausted { last, .. } => last.api_error(),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: rate limiting (429), a
    /// gateway or availability error (502, 503, 504), a timeout or a failed
    /// connection. The client already retries these itself, within its
    /// policy, when doing so cannot repeat a non-idempotent request.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => matches!(api.status().as_u16(), 429 | 502..=504),
            Error::Timeout(_) | Error::Transport(_) => true,
            Error::RetriesExhausted { last, .. } => last.is_retryable(),
            Error::Config(_) | Error::Request(_) | Error::Decode { .. } => false,
        }
    }
}

/// An error response: its status, headers and body, and the body decoded as
/// the spec documents it for that status.
pub struct ApiError {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
    parsed: Option<ErrorBody>,
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
            500..=599 => Some("a server-side failure; it may pass if retried later".to_owned()),
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
}
