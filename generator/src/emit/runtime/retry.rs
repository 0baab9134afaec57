//! Sending one request, and sending it again when that may help: the
//! retry policy and `execute`, the one place a request goes on the wire.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};

use crate::client::Inner;
use crate::error::{ApiError, Error};
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

/// A response as it came off the wire.
pub(crate) struct Raw {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    /// As reqwest hands it over: decoding reads it in place, no copy.
    pub(crate) body: bytes::Bytes,
    pub(crate) rate_limit: Option<RateLimit>,
}

impl Inner {
    /// Sends `request`, retrying as the policy allows:
    ///
    /// - 429: after the wait the server asked for (or a backoff), any method;
    /// - 502, 503, 504 and failures after the request may have reached the
    ///   server: idempotent methods only, so a POST is never replayed;
    /// - connection failures (nothing was sent): any method.
    pub(crate) async fn execute(&self, request: Request) -> Result<Raw, Error> {
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
            crate::trace::attempt(attempts);
            if policy.proactive_throttling {
                if let Some(wait) = inner.throttle.wait_for(request.route) {
                    crate::trace::throttled(wait);
                    tokio::time::sleep(wait).await;
                }
            }
            let (error, wait) = match self.attempt(&request, url.clone()).await {
                Ok(raw) if raw.status.is_success() => return Ok(raw),
                Ok(raw) => {
                    let parsed = (request.decode_error)(raw.status.as_u16(), &raw.body);
                    let api = ApiError::new(raw.status, raw.headers, Vec::from(raw.body), parsed);
                    let wait = match api.status().as_u16() {
                        429 => {
                            let wait = api
                                .retry_after()
                                .unwrap_or_else(|| policy.backoff(attempts));
                            inner.throttle.block(request.route, wait);
                            Some(wait)
                        }
                        502..=504 if idempotent => Some(
                            retry_after(api.headers()).unwrap_or_else(|| policy.backoff(attempts)),
                        ),
                        _ => None,
                    };
                    let error = Error::Api(Box::new(api));
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
            crate::trace::retrying(&error, attempts, wait);
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
