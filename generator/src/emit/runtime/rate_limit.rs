//! Rate-limit state: what the server says about its limits, parsed from the
//! `RateLimit` header (else the older `x-rate-limit-*` headers), and the
//! per-endpoint-group throttle that waits before a group is exhausted.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderName};

/// The rate-limit state a response reported.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RateLimit {
    /// Requests allowed in the current window.
    pub limit: Option<u64>,
    /// Requests left in the current window.
    pub remaining: Option<u64>,
    /// Time until the window resets.
    pub reset: Option<Duration>,
}

impl RateLimit {
    /// Reads `RateLimit: limit=100, remaining=50, reset=5` (reset in decimal
    /// seconds), or else the legacy `x-rate-limit-limit`, `-remaining` and
    /// `-reset` headers. `None` when the response carries neither.
    pub fn from_headers(headers: &HeaderMap) -> Option<RateLimit> {
        // Every response is read here, so the header is named once (not
        // parsed per lookup) and the value is read with byte-wise trims:
        // this was most of the client's overhead per request.
        static RATELIMIT: HeaderName = HeaderName::from_static("ratelimit");
        if let Some(value) = headers.get(&RATELIMIT).and_then(|v| v.to_str().ok()) {
            let mut parsed = RateLimit {
                limit: None,
                remaining: None,
                reset: None,
            };
            let mut rest = value;
            while !rest.is_empty() {
                // `,` and `;` are ASCII, so the split falls between chars.
                let end = rest
                    .bytes()
                    .position(|b| b == b',' || b == b';')
                    .unwrap_or(rest.len());
                let part = &rest[..end];
                rest = rest.get(end + 1..).unwrap_or("");
                let Some((key, value)) = part.split_once('=') else {
                    continue;
                };
                let value = unquoted(value);
                let key = key.trim_ascii();
                if key.eq_ignore_ascii_case("limit") {
                    parsed.limit = value.parse().ok();
                } else if key.eq_ignore_ascii_case("remaining") {
                    parsed.remaining = value.parse().ok();
                } else if key.eq_ignore_ascii_case("reset") {
                    parsed.reset = seconds(value);
                }
            }
            if parsed
                != (RateLimit {
                    limit: None,
                    remaining: None,
                    reset: None,
                })
            {
                return Some(parsed);
            }
        }
        let header = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let legacy = RateLimit {
            limit: header("x-rate-limit-limit").and_then(|v| v.parse().ok()),
            remaining: header("x-rate-limit-remaining").and_then(|v| v.parse().ok()),
            reset: header("x-rate-limit-reset").and_then(seconds),
        };
        (legacy
            != RateLimit {
                limit: None,
                remaining: None,
                reset: None,
            })
        .then_some(legacy)
    }
}

/// A parameter's value without the spaces and quotes around it.
fn unquoted(value: &str) -> &str {
    let value = value.trim_ascii();
    let start = value.bytes().take_while(|b| *b == b'"').count();
    let end = value.len() - value[start..].bytes().rev().take_while(|b| *b == b'"').count();
    &value[start..end]
}

/// Decimal seconds (`1.5`) as a duration; negative or absurd values are ignored.
fn seconds(text: &str) -> Option<Duration> {
    let text = text.trim();
    // Whole seconds, the usual case, without a float parse.
    if let Ok(whole) = text.parse::<u64>() {
        return (whole < 86_400).then(|| Duration::from_secs(whole));
    }
    let value: f64 = text.parse().ok()?;
    (0.0..86_400.0)
        .contains(&value)
        .then(|| Duration::from_secs_f64(value))
}

/// `Retry-After`: whole seconds, or an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Some(duration) = seconds(value) {
        return Some(duration);
    }
    let date = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let now = chrono::DateTime::<chrono::Utc>::from(std::time::SystemTime::now());
    let wait = date.signed_duration_since(now);
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}
// @needs rate_limit_reset_body

/// The wait a 429 body states, in decimal seconds, at the JSON pointer the
/// spec names in `x-rate-limit-reset-body`.
pub(crate) fn reset_from_body(body: &[u8]) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_slice(body).ok()?;
    seconds(&value.pointer(crate::RATE_LIMIT_RESET_BODY)?.to_string())
}
// @end

/// Remembers, per endpoint group (method and path template), until when the
/// group is exhausted, so the next request waits for the reset instead of
/// collecting a 429. Shared by every clone of a client.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    blocked_until: Mutex<HashMap<&'static str, Instant>>,
}

impl Throttle {
    /// How long a request to `group` should wait before it is sent.
    pub(crate) fn wait_for(&self, group: &'static str) -> Option<Duration> {
        let map = self
            .blocked_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let until = *map.get(group)?;
        until
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
    }

    /// Records what a response of `group` said about the limits.
    pub(crate) fn observe(&self, group: &'static str, rate_limit: Option<&RateLimit>) {
        let Some(RateLimit {
            remaining: Some(0),
            reset: Some(reset),
            ..
        }) = rate_limit
        else {
            return;
        };
        self.block(group, *reset);
    }

    /// Holds `group` back for `wait`.
    pub(crate) fn block(&self, group: &'static str, wait: Duration) {
        let until = Instant::now() + wait;
        let mut map = self
            .blocked_until
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = map.entry(group).or_insert(until);
        if *entry < until {
            *entry = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn parses_the_ratelimit_header() {
        let parsed = RateLimit::from_headers(&headers(&[(
            "ratelimit",
            "limit=100, remaining=50, reset=1.5",
        )]))
        .unwrap();
        assert_eq!(parsed.limit, Some(100));
        assert_eq!(parsed.remaining, Some(50));
        assert_eq!(parsed.reset, Some(Duration::from_millis(1500)));
    }

    #[test]
    fn reads_quoted_spaced_and_any_case_parameters() {
        let parsed = RateLimit::from_headers(&headers(&[(
            "ratelimit",
            "Limit=\"100\"; REMAINING = 0 ;reset=\"2\"",
        )]))
        .unwrap();
        assert_eq!(
            (parsed.limit, parsed.remaining, parsed.reset),
            (Some(100), Some(0), Some(Duration::from_secs(2)))
        );
        // A reset of more than a day is not a wait in seconds.
        let parsed =
            RateLimit::from_headers(&headers(&[("ratelimit", "remaining=0, reset=90000")]))
                .unwrap();
        assert_eq!((parsed.remaining, parsed.reset), (Some(0), None));
    }

    #[test]
    fn parses_legacy_headers() {
        let legacy = headers(&[
            ("x-rate-limit-limit", "40"),
            ("x-rate-limit-remaining", "0"),
            ("x-rate-limit-reset", "2"),
        ]);
        let parsed = RateLimit::from_headers(&legacy).unwrap();
        assert_eq!(
            (parsed.limit, parsed.remaining, parsed.reset),
            (Some(40), Some(0), Some(Duration::from_secs(2)))
        );
        assert_eq!(RateLimit::from_headers(&HeaderMap::new()), None);
    }
    // @needs rate_limit_reset_body

    #[test]
    fn reads_the_reset_where_the_spec_says() {
        // The body the spec describes, with the reset where it says.
        let mut body = serde_json::json!(0.25);
        let keys: Vec<&str> = crate::RATE_LIMIT_RESET_BODY.split('/').skip(1).collect();
        for key in keys.into_iter().rev() {
            let mut object = serde_json::Map::new();
            object.insert(key.replace("~1", "/").replace("~0", "~"), body);
            body = serde_json::Value::Object(object);
        }
        let body = serde_json::to_vec(&body).unwrap();
        assert_eq!(reset_from_body(&body), Some(Duration::from_millis(250)));
        assert_eq!(reset_from_body(br#"{"error": "x"}"#), None);
        assert_eq!(reset_from_body(b"not json"), None);
    }
    // @end

    #[test]
    fn parses_retry_after() {
        assert_eq!(
            retry_after(&headers(&[("retry-after", "3")])),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers(&[(
                "retry-after",
                "Wed, 21 Oct 2015 07:28:00 GMT"
            )])),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers(&[("retry-after", "soon")])), None);
    }
}
