//! Sending: the functions a request builder hands its client and request
//! to, one per way a success body becomes a value, the response they
//! return, and `request_builder!`, which gives every builder `send`,
//! `send_with_response` and `IntoFuture`.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use crate::client::Client;
use crate::error::Error;
use crate::rate_limit::RateLimit;
use crate::request::Request;
use crate::retry::{Attempt, History};

/// The future returned by awaiting a request builder: it owns what it
/// needs, so it can be spawned (`tokio::spawn(client.get_x(id).send())`).
pub type ResponseFuture<T> = Pin<Box<dyn Future<Output = Result<T, Error>> + Send + 'static>>;

/// A response on its way, before a request builder boxes it.
pub(crate) trait Pending<T>:
    Future<Output = Result<Response<T>, Error>> + Send + 'static
{
}

impl<T, F: Future<Output = Result<Response<T>, Error>> + Send + 'static> Pending<T> for F {}

/// The value of a response, without its status and headers.
pub(crate) async fn value<T>(response: impl Pending<T>) -> Result<T, Error> {
    response.await.map(Response::into_value)
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
        $crate::send::request_builder!(
            @impl [T: ::serde::de::DeserializeOwned + ::core::marker::Send + 'static]
            $builder<T>, T, $send, $returns
        );
    };
    ($builder:ident, $output:ty, $send:ident, $returns:literal) => {
        $crate::send::request_builder!(@impl [] $builder, $output, $send, $returns);
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
                ::std::boxed::Box::pin($crate::send::value($crate::send::$send(
                    self.client,
                    request,
                )))
            }

            /// Like [`send`](Self::send), but also returns the status, the headers, the
            /// rate-limit state of the response, and the attempts the call took.
            ///
            /// # Errors
            ///
            /// As [`send`](Self::send).
            pub fn send_with_response(self) -> $crate::ResponseFuture<$crate::Response<$output>> {
                let request = self.request();
                ::std::boxed::Box::pin($crate::send::$send(self.client, request))
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

/// A decoded response with its status, headers and rate-limit state, and
/// the attempts the call took, from a builder's `send_with_response`.
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    rate_limit: Option<RateLimit>,
    history: History,
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

    /// How many times the request was sent: 1 unless it was retried.
    pub fn attempts(&self) -> u32 {
        self.history.len() as u32
    }

    /// How long the call waited for the endpoint's rate limit, over all its
    /// attempts: pacing before sending, and the waits 429s asked for.
    pub fn rate_limit_wait(&self) -> Duration {
        self.history.iter().map(Attempt::rate_limit_wait).sum()
    }

    /// Every attempt, in order: how each ended and how long it waited. The
    /// last is this response.
    pub fn history(&self) -> &[Attempt] {
        &self.history
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
    decode: impl FnOnce(StatusCode, &bytes::Bytes) -> Result<T, Error> + Send + 'static,
) -> impl Pending<T> {
    async move {
        let request = request?;
        let call = crate::trace::call(&request);
        let raw = match call.span() {
            None => client.inner.execute(request).await,
            // Boxed, so that the untraced call's future stays the size it was.
            Some(span) => {
                tracing::Instrument::instrument(Box::pin(client.inner.execute(request)), span)
                    .await
            }
        };
        let result = raw.and_then(|raw| match decode(raw.status, &raw.body) {
            Ok(value) => Ok(Response {
                status: raw.status,
                headers: raw.headers,
                rate_limit: raw.rate_limit,
                history: raw.history,
                value,
            }),
            // The request was applied: keep the whole response in the error.
            Err(Error::Decode(mut decode)) => {
                decode.headers = raw.headers;
                decode.history = raw.history;
                Err(Error::Decode(decode))
            }
            Err(other) => Err(other.with_history(raw.history)),
        });
        call.finish(&result);
        result
    }
}
// @needs send_json

/// Sends `request` and decodes a JSON success body.
pub(crate) fn send_json<T: serde::de::DeserializeOwned + Send + 'static>(
    client: Client,
    request: Result<Request, Error>,
) -> impl Pending<T> {
    send_and(client, request, |status, body| {
        crate::wire::decode_json(status, body)
    })
}
// @end
// @needs send_json_or_empty

/// Like `send_json`, for operations where a success may have no body.
pub(crate) fn send_json_or_empty<T: serde::de::DeserializeOwned + Send + 'static>(
    client: Client,
    request: Result<Request, Error>,
) -> impl Pending<Option<T>> {
    send_and(client, request, |status, body| {
        if body.iter().all(u8::is_ascii_whitespace) {
            Ok(None)
        } else {
            crate::wire::decode_json(status, body).map(Some)
        }
    })
}
// @end
// @needs send_text

/// Sends `request` and returns its success body as text.
pub(crate) fn send_text(client: Client, request: Result<Request, Error>) -> impl Pending<String> {
    send_and(client, request, |status, body| {
        String::from_utf8(body.to_vec()).map_err(|e| {
            Error::Decode(Box::new(crate::error::DecodeError::new(
                status,
                body.clone(),
                ".".to_owned(),
                format!("the body is not UTF-8 text: {e}"),
                Some(Box::new(e.utf8_error())),
            )))
        })
    })
}
// @end
// @needs send_bytes

/// Sends `request` and returns its success body as bytes.
pub(crate) fn send_bytes(client: Client, request: Result<Request, Error>) -> impl Pending<Vec<u8>> {
    send_and(client, request, |_, body| Ok(body.to_vec()))
}
// @end
// @needs send_empty

/// Sends `request` and ignores its success body.
pub(crate) fn send_empty(client: Client, request: Result<Request, Error>) -> impl Pending<()> {
    send_and(client, request, |_, _| Ok(()))
}
// @end
