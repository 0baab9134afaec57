//! Tracing, through the `tracing` crate: a span per call (`request`, with
//! the operation id, the method, the path template, and once the call ends
//! the attempts it took, the status and how long it took) and an event for
//! each retry (why, and how long the client waits) and each wait for an
//! endpoint's rate limit.
//!
//! What is recorded leaves secrets out by construction: the path template,
//! never the URL (its query may hold an API key) or the values in the path;
//! an error's kind, never its message; no header and no body.
//!
//! Without a subscriber, or with the level filtered out, a span is
//! disabled when it is made (before its fields are computed), the call's
//! future is awaited as it is, and events are skipped before their fields
//! are computed: a few atomic loads per call.

use std::time::{Duration, Instant};

use tracing::field::Empty;

use crate::error::Error;
use crate::request::Request;
use crate::send::Response;

/// The tracing of one call: its span, and when it started when the span is
/// enabled.
pub(crate) struct Call {
    span: tracing::Span,
    started: Option<Instant>,
}

/// The span of a call of `request`, not entered yet. Its fields are
/// computed only when it is enabled.
pub(crate) fn call(request: &Request) -> Call {
    let route = request.route;
    // The field values are computed inside the macro, only when the span
    // is enabled: an untraced call pays for none of them.
    let span = tracing::info_span!(
        "request",
        operation = request.operation,
        method = route.split_once(' ').map_or("", |(method, _)| method),
        path = route.split_once(' ').map_or(route, |(_, path)| path),
        attempts = Empty,
        status = Empty,
        error = Empty,
        duration = Empty,
    );
    let started = (!span.is_disabled()).then(Instant::now);
    Call { span, started }
}

impl Call {
    /// The span to run the call in, when it is enabled. Without one the
    /// caller awaits the call as it is, so that the untraced call's future
    /// is neither wrapped nor moved.
    pub(crate) fn span(&self) -> Option<tracing::Span> {
        self.started.map(|_| self.span.clone())
    }

    /// Records how the call ended: the attempts it took (from its history),
    /// the last status, why it failed, and how long it took.
    pub(crate) fn finish<T>(self, result: &Result<Response<T>, Error>) {
        let Some(started) = self.started else {
            return;
        };
        let span = self.span;
        match result {
            Ok(response) => {
                span.record("attempts", response.attempts());
                span.record("status", response.status().as_u16());
            }
            Err(error) => {
                span.record("attempts", error.history().len() as u32);
                if let Some(status) = error.status() {
                    span.record("status", status.as_u16());
                }
                span.record("error", reason(error).as_str());
            }
        }
        span.record("duration", tracing::field::debug(started.elapsed()));
    }
}

/// Notes that the call in progress failed with `error` on attempt
/// `attempt` and is sent again after `wait`.
pub(crate) fn retrying(error: &Error, attempt: u32, wait: Duration) {
    tracing::info!(
        attempt,
        reason = reason(error).as_str(),
        wait = ?wait,
        "retrying"
    );
}

/// Notes that the call in progress waited `wait` before sending, because
/// its endpoint group's rate limit was spent.
pub(crate) fn rate_limit_waited(wait: Duration) {
    tracing::info!(wait = ?wait, "waited for the rate limit");
}

/// Why a call failed, in words that hold nothing secret: a status, or a
/// kind of failure, never a message (which may quote a URL or a body).
fn reason(error: &Error) -> String {
    match error {
        Error::Api(api) | Error::AlreadyDeleted(api) => {
            let status = api.status();
            let mut text = status.as_u16().to_string();
            if let Some(words) = status.canonical_reason() {
                text.push(' ');
                text.push_str(words);
            }
            if matches!(error, Error::AlreadyDeleted(_)) {
                text.push_str(" after an earlier attempt may have deleted it");
            }
            text
        }
        Error::Timeout(_) => "timeout".to_owned(),
        Error::Transport(transport) if !transport.may_have_reached_server() => {
            "connection failed".to_owned()
        }
        Error::Transport(_) => "connection lost".to_owned(),
        Error::RetriesExhausted { last, .. } => reason(last),
        Error::Decode(_) => "the body did not decode".to_owned(),
        Error::Config(_) => "invalid client configuration".to_owned(),
        Error::Request(_) => "refused before sending".to_owned(),
    }
}
