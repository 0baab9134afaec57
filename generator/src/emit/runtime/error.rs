//! The one error type of the client, and the API error it carries.

use std::borrow::Cow;
use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

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
            _ => None,
        }
    }

    /// The error response, if the server sent one.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
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
        let text = self.text();
        let text = text.trim();
        if text.is_empty() {
            return f.write_str(" with an empty body");
        }
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
        write!(f, ": {snippet}{ellipsis}")
    }
}

impl std::error::Error for ApiError {}
