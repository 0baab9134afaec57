//! Rate-limit state: what the server says about its limits, parsed from the
//! `RateLimit` header (else the older `x-rate-limit-*` headers), and the
//! per-endpoint-group throttle that paces requests by it.

use std::collections::{HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Notify;

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

/// How far apart two answers' window ends may be and still be read as the
/// same window, at the least: the difference is the delay between the
/// server writing an answer and the client reading it, while a window lasts
/// seconds. Half the longest reset seen widens it for long windows.
const SAME_WINDOW: Duration = Duration::from_millis(100);

/// Paces requests per endpoint group (method and path template), shared by
/// every clone of a client: no more requests are sent in a rate-limit
/// window than the server's last `RateLimit` said remain, less those still
/// in flight, and the group's permits are refilled to its limit when the
/// window resets. Waiting requests are admitted first come, first served,
/// so a burst of concurrent calls spreads over windows instead of waking
/// together and collecting 429s.
///
/// Until the first answer of a group says whether it is limited, one
/// request goes alone; a group whose answers carry no limit is not paced.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    groups: Mutex<Groups>,
}

/// The endpoint groups a client has sent to.
#[derive(Debug, Default)]
struct Groups {
    /// Each group's place in `all`, by route.
    places: HashMap<&'static str, usize, BuildHasherDefault<RouteHasher>>,
    /// The groups. None is ever removed, so a permit keeps its group's
    /// place and reads the answer into it without looking the route up.
    all: Vec<Group>,
}

impl Groups {
    /// The place of `route`'s group, made on first use.
    fn place(&mut self, route: &'static str) -> usize {
        let all = &mut self.all;
        *self.places.entry(route).or_insert_with(|| {
            all.push(Group::new());
            all.len() - 1
        })
    }
}

/// FNV-1a: the keys are the spec's routes, fixed at compile time, so the
/// map needs no defence against chosen keys, and every request looks its
/// group up twice.
#[derive(Debug)]
struct RouteHasher(u64);

impl Default for RouteHasher {
    fn default() -> Self {
        RouteHasher(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for RouteHasher {
    fn write(&mut self, bytes: &[u8]) {
        for byte in bytes {
            self.0 = (self.0 ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What the client knows of one endpoint group's rate limit.
#[derive(Debug)]
struct Group {
    pacing: Pacing,
    /// The requests allowed per window, from the last `limit=`.
    limit: Option<u64>,
    /// Requests that may still be sent before `window_end`.
    permits: u64,
    /// When the current window ends; `None` when the server has not said
    /// since the last one ended.
    window_end: Option<Instant>,
    /// The lowest `remaining` reported in the current window: within a
    /// window it only falls, so a higher one is an older answer that
    /// arrived late, and is not believed.
    lowest: Option<u64>,
    /// The longest reset an answer gave: about the window's length.
    longest_reset: Duration,
    /// Requests admitted whose answers have not been read.
    in_flight: u64,
    /// Tickets of the requests waiting, first come first.
    queue: VecDeque<u64>,
    next_ticket: u64,
    /// Wakes the waiting requests when something changed.
    notify: Arc<Notify>,
}

/// Whether a group is paced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pacing {
    /// No answer has said yet: one request at a time.
    Unknown,
    /// Answers carry no limit: not paced.
    Unlimited,
    /// Paced by the permits.
    Paced,
}

impl Group {
    fn new() -> Self {
        Group {
            pacing: Pacing::Unknown,
            limit: None,
            permits: 0,
            window_end: None,
            lowest: None,
            longest_reset: Duration::ZERO,
            in_flight: 0,
            queue: VecDeque::new(),
            next_ticket: 0,
            notify: Arc::new(Notify::new()),
        }
    }

    /// Admits one request if the group allows it at `now`.
    fn admit(&mut self, now: Instant) -> bool {
        if self.window_end.is_some_and(|end| end <= now) {
            // A new window: as many as the limit allows, less those still
            // on their way, which may count in it.
            self.window_end = None;
            self.lowest = None;
            self.permits = self.limit.map_or(0, |l| l.saturating_sub(self.in_flight));
        }
        let admitted = match self.pacing {
            Pacing::Unlimited => true,
            Pacing::Unknown => self.in_flight == 0,
            Pacing::Paced if self.permits > 0 => {
                self.permits -= 1;
                true
            }
            // Nothing says when the window ends or how many it allows: one
            // request goes to find out.
            Pacing::Paced => self.window_end.is_none() && self.in_flight == 0,
        };
        if admitted {
            self.in_flight += 1;
        }
        admitted
    }

    /// Reads what an answer, read at `now`, said about the limit.
    fn observe(&mut self, rate_limit: Option<&RateLimit>, now: Instant) {
        let (Some(remaining), Some(reset)) = (
            rate_limit.and_then(|r| r.remaining),
            rate_limit.and_then(|r| r.reset),
        ) else {
            // No limit said: a new group is not paced, nor one whose only
            // pacing was the wait of a 429 without a limit, once it is over.
            if self.pacing == Pacing::Unknown || (self.limit.is_none() && self.window_end.is_none())
            {
                self.pacing = Pacing::Unlimited;
            }
            return;
        };
        if let Some(limit) = rate_limit.and_then(|r| r.limit) {
            self.limit = Some(limit);
        }
        self.pacing = Pacing::Paced;
        self.longest_reset = self.longest_reset.max(reset);
        let slack = SAME_WINDOW.max(self.longest_reset / 2);
        let end = now + reset;
        match self.window_end {
            // From a window that has ended: its numbers say nothing now.
            Some(current) if end + slack < current => {}
            Some(current) if end <= current + slack => {
                if self.lowest.is_none_or(|lowest| remaining <= lowest) {
                    self.lowest = Some(remaining);
                    self.permits = remaining.saturating_sub(self.in_flight);
                }
                self.window_end = Some(current.max(end));
            }
            _ => {
                self.lowest = Some(remaining);
                self.permits = remaining.saturating_sub(self.in_flight);
                self.window_end = Some(end);
            }
        }
    }

    /// Wakes the waiting requests, if any.
    fn wake(&self) {
        if !self.queue.is_empty() {
            self.notify.notify_waiters();
        }
    }
}

impl Throttle {
    fn groups(&self) -> std::sync::MutexGuard<'_, Groups> {
        // The map stays consistent even if a thread panicked holding it:
        // every change is one assignment or queue operation.
        self.groups
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Waits until `group` admits one more request, in line with the
    /// others waiting; returns the permit, how long it waited and when it
    /// was admitted.
    pub(crate) async fn acquire(&self, group: &'static str) -> (Permit<'_>, Duration, Instant) {
        let now = Instant::now();
        let (place, notify) = {
            let mut groups = self.groups();
            let place = groups.place(group);
            let state = &mut groups.all[place];
            if state.queue.is_empty() && state.admit(now) {
                return (Permit::new(self, place), Duration::ZERO, now);
            }
            (place, state.notify.clone())
        };
        let mut waiting = Waiting {
            throttle: self,
            place,
            ticket: None,
            since: now,
        };
        loop {
            // Made before the state is read, so a change after the read
            // wakes it.
            let notified = notify.notified();
            let until = {
                let mut groups = self.groups();
                let state = &mut groups.all[place];
                let ticket = *waiting.ticket.get_or_insert_with(|| {
                    state.next_ticket += 1;
                    state.queue.push_back(state.next_ticket);
                    state.next_ticket
                });
                let now = Instant::now();
                if state.queue.front() == Some(&ticket) && state.admit(now) {
                    state.queue.pop_front();
                    waiting.ticket = None;
                    // The next in line may go too.
                    state.wake();
                    return (Permit::new(self, place), now - waiting.since, now);
                }
                state.window_end
            };
            match until {
                Some(end) => {
                    let end = tokio::time::Instant::from_std(end);
                    // Either way the state is read again.
                    let _ = tokio::time::timeout_at(end, notified).await;
                }
                None => notified.await,
            }
        }
    }

    /// Holds `group` back for `wait`: a 429 said no requests remain.
    pub(crate) fn block(&self, group: &'static str, wait: Duration) {
        let end = Instant::now() + wait;
        let mut groups = self.groups();
        let place = groups.place(group);
        let state = &mut groups.all[place];
        state.pacing = Pacing::Paced;
        state.permits = 0;
        state.lowest = Some(0);
        state.window_end = Some(state.window_end.map_or(end, |current| current.max(end)));
        state.wake();
    }
}

/// A request admitted by the throttle, counted as in flight until its
/// answer is read ([`observe`](Permit::observe)) or it fails (dropped).
pub(crate) struct Permit<'a> {
    throttle: &'a Throttle,
    /// The group's place in `Groups::all`.
    place: usize,
    observed: bool,
}

impl<'a> Permit<'a> {
    fn new(throttle: &'a Throttle, place: usize) -> Self {
        Permit {
            throttle,
            place,
            observed: false,
        }
    }

    /// The answer arrived at `now`, with what it said about the limit.
    pub(crate) fn observe(mut self, rate_limit: Option<&RateLimit>, now: Instant) {
        self.observed = true;
        let mut groups = self.throttle.groups();
        if let Some(state) = groups.all.get_mut(self.place) {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.observe(rate_limit, now);
            state.wake();
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.observed {
            // No answer: nothing learnt, but the request is no longer on
            // its way. An unknown group stays unknown, and the next request
            // goes alone.
            let mut groups = self.throttle.groups();
            if let Some(state) = groups.all.get_mut(self.place) {
                state.in_flight = state.in_flight.saturating_sub(1);
                state.wake();
            }
        }
    }
}

/// A request's place in its group's line; leaving the line (the request
/// was dropped while it waited) lets the next one go.
struct Waiting<'a> {
    throttle: &'a Throttle,
    place: usize,
    ticket: Option<u64>,
    since: Instant,
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        if let Some(ticket) = self.ticket {
            let mut groups = self.throttle.groups();
            if let Some(state) = groups.all.get_mut(self.place) {
                state.queue.retain(|t| *t != ticket);
                state.wake();
            }
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

    /// What a response says: `remaining` left, the window ends in `reset`.
    fn said(limit: u64, remaining: u64, reset: Duration) -> RateLimit {
        RateLimit {
            limit: Some(limit),
            remaining: Some(remaining),
            reset: Some(reset),
        }
    }

    /// Longer than any test runs, so no window ends while it does.
    const LONG: Duration = Duration::from_secs(3600);

    #[test]
    fn a_burst_is_admitted_only_as_the_window_allows() {
        let mut group = Group::new();
        assert!(group.admit(Instant::now()), "the first request goes alone");
        assert!(
            !group.admit(Instant::now()),
            "the rest wait to learn the limit"
        );
        group.in_flight -= 1;
        group.observe(Some(&said(5, 4, LONG)), Instant::now());
        let admitted = (0..10).filter(|_| group.admit(Instant::now())).count();
        assert_eq!(admitted, 4, "as many as remain");
        // Answers of the same window say fewer remain: nothing more goes.
        for remaining in (0..4).rev() {
            group.in_flight -= 1;
            group.observe(Some(&said(5, remaining, LONG)), Instant::now());
            assert!(!group.admit(Instant::now()));
        }
    }

    #[test]
    fn requests_in_flight_count_against_what_remains() {
        let mut group = Group::new();
        group.in_flight = 3;
        group.observe(Some(&said(5, 4, LONG)), Instant::now());
        assert_eq!(group.permits, 1, "three may still arrive in this window");
    }

    #[test]
    fn a_late_answer_with_more_remaining_is_not_believed() {
        let mut group = Group::new();
        group.observe(Some(&said(5, 1, LONG)), Instant::now());
        group.observe(Some(&said(5, 3, LONG)), Instant::now());
        assert_eq!(group.permits, 1);
        // An answer from a window that has ended says nothing either.
        group.observe(Some(&said(5, 4, Duration::ZERO)), Instant::now());
        assert_eq!(group.permits, 1);
    }

    #[test]
    fn an_answer_read_late_is_not_taken_for_a_new_window() {
        let mut group = Group::new();
        let now = Instant::now();
        group.observe(Some(&said(5, 1, Duration::from_secs(1))), now);
        // An older answer (more remaining) read 300 ms later, its window
        // end seemingly later: still the same window, and not believed.
        let late = now + Duration::from_millis(300);
        group.observe(Some(&said(5, 3, Duration::from_millis(990))), late);
        assert_eq!(group.permits, 1);
        // The next window's first answer is a window later.
        let next = now + Duration::from_millis(1050);
        group.observe(Some(&said(5, 4, Duration::from_millis(950))), next);
        assert_eq!(group.permits, 4);
    }

    #[test]
    fn a_new_window_refills_to_the_limit_less_those_in_flight() {
        let mut group = Group::new();
        group.observe(Some(&said(5, 0, LONG)), Instant::now());
        assert!(!group.admit(Instant::now()));
        group.window_end = Instant::now().checked_sub(Duration::from_millis(1));
        group.in_flight = 2;
        let admitted = (0..10).filter(|_| group.admit(Instant::now())).count();
        assert_eq!(admitted, 3);
    }

    #[test]
    fn a_429_without_limits_holds_the_group_only_for_its_wait() {
        let throttle = Throttle::default();
        throttle.block("GET /x", LONG);
        let mut groups = throttle.groups();
        let place = groups.place("GET /x");
        let group = &mut groups.all[place];
        assert!(!group.admit(Instant::now()), "held for the wait");
        group.window_end = Instant::now().checked_sub(Duration::from_millis(1));
        assert!(group.admit(Instant::now()), "then one goes");
        assert!(!group.admit(Instant::now()), "alone");
        group.in_flight -= 1;
        group.observe(None, Instant::now());
        assert!(
            (0..100).all(|_| group.admit(Instant::now())),
            "and, no limit said, all do"
        );
    }

    #[test]
    fn a_group_without_limits_is_not_paced() {
        let mut group = Group::new();
        assert!(group.admit(Instant::now()));
        group.in_flight -= 1;
        group.observe(None, Instant::now());
        assert!((0..100).all(|_| group.admit(Instant::now())));
    }

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
