//! A typed mock of the API for the tests of code that calls it (cargo
//! feature `mock`): a real HTTP server on loopback, built on `wiremock`,
//! that expects the requests the client's own builders describe and answers
//! with the types the client decodes. The crate's README ("Testing code
//! that uses the client") shows whole tests.
//!
//! An expectation is the request builder the code under test would send:
//! its path, its query parameters, its headers and its body are what the
//! mock expects (a query parameter or header the builder does not set is
//! not looked at; [`any_body`](Expectation::any_body) stops looking at the
//! body). Its answer is typed: [`respond`](Expectation::respond) takes
//! what awaiting the builder returns, [`respond_error`](Expectation::respond_error)
//! an error status and body, `respond_pages` the items of a paginated
//! operation, served as the pages its `items()` stream walks. Before
//! answering, [`rate_limited`](Expectation::rate_limited) makes the first
//! requests get 429 with the `RateLimit` and `Retry-After` headers.
//! [`expect`](Expectation::expect) says how many requests the expectation
//! answers, checked by [`MockServer::verify`] and when the server is
//! dropped; [`Hits`] counts them.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;
use serde::Serialize;

use crate::client::Client;
use crate::error::Error;
use crate::request::Request;

// What the spec says of each operation: the `Operation` impls of the
// request builders, and the spec's examples.
mod spec;

/// A mock of the API on loopback. Dropping it checks every expectation's
/// [`expect`](Expectation::expect)ed count, and panics when one is not met.
pub struct MockServer {
    server: wiremock::MockServer,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockServer")
            .field("uri", &self.server.uri())
            .finish_non_exhaustive()
    }
}

impl MockServer {
    /// Starts a server on a free loopback port.
    pub async fn start() -> MockServer {
        MockServer {
            server: wiremock::MockServer::start().await,
        }
    }

    /// The server's base URL (`http://127.0.0.1:<port>`), to give code that
    /// builds its own client. The API's paths are served at its root.
    pub fn uri(&self) -> String {
        self.server.uri()
    }

    /// A client of the server, set up as [`Client::new`] sets one up but
    /// without credentials (the server checks none: an operation that
    /// needs them is sent without them, where a client of the real API
    /// refuses it) and with retry backoffs of at most 10 ms, so that tests
    /// of retries stay fast (waits the server asks for, such as a 429's
    /// `RateLimit` reset, are kept).
    pub fn client(&self) -> Client {
        self.client_builder()
            .build()
            .expect("a loopback URL is a base URL the client accepts")
    }

    /// The builder behind [`client`](Self::client), for more settings.
    pub fn client_builder(&self) -> crate::ClientBuilder {
        Client::builder().for_mock(self.uri())
    }

    /// An expectation of `request`, a request builder of the client: the
    /// request it describes is what the server expects. Answer it with one
    /// of the `respond` methods.
    pub fn on<O: Operation>(&self, request: O) -> Expectation<'_, O> {
        Expectation {
            server: self,
            expected: Expected::of(&request.describe()),
            // @needs pagination
            request,
            // @end
            times: None,
            throttled: None,
            any_body: false,
            operation: PhantomData,
        }
    }

    /// Panics unless every expectation has answered as many requests as it
    /// [`expect`](Expectation::expect)s, listing those that did not and the
    /// requests the server received.
    pub async fn verify(&self) {
        self.server.verify().await;
    }
}

/// What a request builder of this crate is to the mock: the request it
/// describes and the type of its answer. Implemented for every builder.
pub trait Operation: Sized {
    /// What awaiting the builder returns, which the mock answers with.
    type Answer;

    /// The request, as the mock expects it.
    #[doc(hidden)]
    fn describe(&self) -> Described;

    /// The body of a success answering with `answer`.
    #[doc(hidden)]
    fn answer(answer: &Self::Answer) -> Body;
}

/// A request as a builder describes it; only this crate makes one.
#[doc(hidden)]
pub struct Described {
    request: Result<Request, Error>,
    status: u16,
}

impl Described {
    /// The request a builder would send, and its operation's success status.
    pub(crate) fn new(request: Result<Request, Error>, status: u16) -> Described {
        Described { request, status }
    }
}

/// The body of an answer; only this crate makes one.
#[doc(hidden)]
pub struct Body {
    content_type: Option<&'static str>,
    bytes: Vec<u8>,
}

/// One request an expectation matches.
#[derive(Debug, Clone)]
struct Expected {
    method: String,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    cookies: Vec<String>,
    body: Option<ExpectedBody>,
    status: u16,
}

/// The body an expectation matches.
#[derive(Debug, Clone)]
enum ExpectedBody {
    Json(serde_json::Value),
    Bytes(Vec<u8>),
    /// A multipart body, whose boundary is new for every request.
    Any,
}

impl Expected {
    fn of(described: &Described) -> Expected {
        let request = match &described.request {
            Ok(request) => request,
            Err(e) => panic!("the request cannot be expected, because the client could not build it: {e}"),
        };
        // The path as the server sees it, after the URL parser.
        let path = Url::parse(&format!("http://localhost{}", request.path))
            .map(|url| url.path().to_owned())
            .unwrap_or_else(|_| request.path.clone());
        let mut query: Vec<(String, String)> = request
            .query
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect();
        query.extend(request.deep_query.iter().cloned());
        let body = request.body.as_ref().map(|(content_type, bytes)| {
            let essence = content_type.split(';').next().unwrap_or("").trim();
            if essence.starts_with("multipart/") {
                ExpectedBody::Any
            } else if essence == "application/json" || essence.ends_with("+json") {
                match serde_json::from_slice(bytes) {
                    Ok(json) => ExpectedBody::Json(json),
                    Err(_) => ExpectedBody::Bytes(bytes.clone()),
                }
            } else {
                ExpectedBody::Bytes(bytes.clone())
            }
        });
        Expected {
            method: request.method.as_str().to_owned(),
            path,
            query,
            headers: request
                .headers
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect(),
            cookies: request
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect(),
            body,
            status: described.status,
        }
    }

    /// How well `request` matches: the number of query pairs it shares
    /// with this expectation, or `None` when it does not match.
    fn score(&self, request: &wiremock::Request, any_body: bool) -> Option<usize> {
        if request.method.as_str() != self.method || request.url.path() != self.path {
            return None;
        }
        let mut sent: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        for pair in &self.query {
            let at = sent.iter().position(|p| p == pair)?;
            sent.swap_remove(at);
        }
        for (name, value) in &self.headers {
            let found = request.headers.get_all(name.as_str()).iter().any(|v| v.as_bytes() == value.as_bytes());
            if !found {
                return None;
            }
        }
        if !self.cookies.is_empty() {
            let sent: Vec<String> = request
                .headers
                .get_all("cookie")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(';').map(|c| c.trim().to_owned()))
                .collect();
            if !self.cookies.iter().all(|c| sent.contains(c)) {
                return None;
            }
        }
        let body_matches = any_body
            || match &self.body {
                None | Some(ExpectedBody::Any) => true,
                Some(ExpectedBody::Json(json)) => {
                    serde_json::from_slice::<serde_json::Value>(&request.body).is_ok_and(|b| b == *json)
                }
                Some(ExpectedBody::Bytes(bytes)) => request.body == *bytes,
            };
        body_matches.then_some(self.query.len())
    }
}

/// The requests an expectation answers, each with its answer, and whether
/// it looks at bodies.
struct Matcher {
    requests: Vec<Expected>,
    any_body: bool,
}

impl Matcher {
    /// The request `request` matches best: the one sharing most query
    /// pairs with it, so the page `_skip=100` wins over the first page's
    /// request that does not name `_skip`.
    fn find(&self, request: &wiremock::Request) -> Option<usize> {
        self.requests
            .iter()
            .enumerate()
            .filter_map(|(index, expected)| Some((expected.score(request, self.any_body)?, index)))
            .max_by_key(|(score, index)| (*score, std::cmp::Reverse(*index)))
            .map(|(_, index)| index)
    }
}

impl wiremock::Match for Matcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        self.find(request).is_some()
    }
}

/// Answers the matched request: 429 while the rate-limit scenario lasts,
/// then the answer of the request it matched.
struct Responder {
    matcher: Arc<Matcher>,
    answers: Vec<wiremock::ResponseTemplate>,
    throttled: Option<(usize, Duration)>,
    hits: Arc<AtomicUsize>,
}

impl wiremock::Respond for Responder {
    fn respond(&self, request: &wiremock::Request) -> wiremock::ResponseTemplate {
        let served = self.hits.fetch_add(1, Ordering::SeqCst);
        if let Some((times, reset)) = self.throttled {
            if served < times {
                let seconds = reset.as_secs_f64();
                return wiremock::ResponseTemplate::new(429)
                    .insert_header(
                        "RateLimit",
                        format!("limit={times}, remaining=0, reset={seconds}").as_str(),
                    )
                    .insert_header("Retry-After", reset.as_secs_f64().ceil().to_string().as_str());
            }
        }
        let index = self.matcher.find(request).unwrap_or(0);
        self.answers[index].clone()
    }
}

/// An expected request, before it is answered: set how often it is
/// expected and what comes before the answer, then answer it.
#[must_use = "an expectation does nothing until one of its `respond` methods is awaited"]
pub struct Expectation<'s, O: Operation> {
    server: &'s MockServer,
    expected: Expected,
    // @needs pagination
    /// The builder, whose next pages `respond_pages` asks for.
    request: O,
    // @end
    times: Option<u64>,
    throttled: Option<(usize, Duration)>,
    any_body: bool,
    /// What the answer is typed by, in a crate without pagination too.
    operation: PhantomData<fn() -> O>,
}

impl<O: Operation> fmt::Debug for Expectation<'_, O> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Expectation")
            .field("method", &self.expected.method)
            .field("path", &self.expected.path)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'s, O: Operation> Expectation<'s, O> {
    /// Expects exactly `times` requests, 429s of [`rate_limited`](Self::rate_limited)
    /// included; checked by [`MockServer::verify`] and when the server is
    /// dropped.
    pub fn expect(mut self, times: u64) -> Self {
        self.times = Some(times);
        self
    }

    /// Matches whatever body the request has.
    pub fn any_body(mut self) -> Self {
        self.any_body = true;
        self
    }

    /// Answers the first `times` requests with 429, `RateLimit: limit=…,
    /// remaining=0, reset=<reset>` and `Retry-After` (whole seconds), as
    /// the API does when a rate limit is hit; the requests after them get
    /// the answer.
    pub fn rate_limited(mut self, times: usize, reset: Duration) -> Self {
        self.throttled = Some((times, reset));
        self
    }

    /// Answers with `answer`, what awaiting the builder returns, under the
    /// operation's success status.
    pub async fn respond(self, answer: &O::Answer) -> Hits {
        let body = O::answer(answer);
        let answer = template(self.expected.status, body);
        let requests = vec![self.expected.clone()];
        self.mount(requests, vec![answer]).await
    }

    /// Answers with an error: `status` and `body` as JSON, which the client
    /// decodes into its `ErrorBody` as it does the API's.
    pub async fn respond_error<B: Serialize + ?Sized>(self, status: u16, body: &B) -> Hits {
        let body = Body {
            content_type: Some("application/json"),
            bytes: serde_json::to_vec(body).expect("an error body encodes as JSON"),
        };
        let answer = template(status, body);
        let requests = vec![self.expected.clone()];
        self.mount(requests, vec![answer]).await
    }
    // @needs pagination

    /// Answers the pages of a paginated operation: `items`, `per_page` to
    /// a page, each page served for the request the builder's `pages()`
    /// and `items()` streams send for it (the first page for this request,
    /// the next one for the request the first page leads to, and so on).
    ///
    /// # Panics
    ///
    /// When `per_page` is 0, or when the page type needs more than its
    /// items and whether more follow.
    pub async fn respond_pages(self, items: Vec<O::Item>, per_page: usize) -> Hits
    where
        O: Paged,
        O::Answer: serde::de::DeserializeOwned,
    {
        assert!(per_page > 0, "a page holds at least one item");
        let mut chunks: Vec<Vec<O::Item>> = Vec::new();
        let mut items = items.into_iter().peekable();
        while items.peek().is_some() {
            chunks.push(items.by_ref().take(per_page).collect());
        }
        if chunks.is_empty() {
            chunks.push(Vec::new());
        }
        let count = chunks.len();
        let mut requests = Vec::new();
        let mut answers = Vec::new();
        let mut current = Some(self.request.clone());
        for (index, chunk) in chunks.iter().enumerate() {
            let request = current
                .take()
                .expect("every page but the last leads to the next request");
            let next = (index + 1 < count).then(|| format!("page-{}", index + 2));
            let json = O::page(chunk, next);
            let page: O::Answer = serde_json::from_value(json.clone()).unwrap_or_else(|e| {
                panic!("a page of this operation needs more than its items: {e}; answer each page with `respond`")
            });
            if index + 1 < count {
                current = Some(
                    request
                        .next(&page)
                        .expect("a page that says more follow leads to the next request"),
                );
            }
            let described = request.describe();
            let expected = Expected::of(&described);
            let body = Body {
                content_type: Some("application/json"),
                bytes: serde_json::to_vec(&json).expect("a JSON value encodes"),
            };
            answers.push(template(expected.status, body));
            requests.push(expected);
        }
        self.mount(requests, answers).await
    }
    // @end

    async fn mount(self, requests: Vec<Expected>, answers: Vec<wiremock::ResponseTemplate>) -> Hits {
        let name = format!("{} {}", self.expected.method, self.expected.path);
        let matcher = Arc::new(Matcher {
            requests,
            any_body: self.any_body,
        });
        let hits = Hits(Arc::new(AtomicUsize::new(0)));
        let responder = Responder {
            matcher: Arc::clone(&matcher),
            answers,
            throttled: self.throttled,
            hits: Arc::clone(&hits.0),
        };
        let mut mock = wiremock::Mock::given(SharedMatcher(matcher))
            .respond_with(responder)
            .named(name);
        if let Some(times) = self.times {
            mock = mock.expect(times);
        }
        self.server.server.register(mock).await;
        hits
    }
}

/// The matcher, shared with the responder that finds the answer.
struct SharedMatcher(Arc<Matcher>);

impl wiremock::Match for SharedMatcher {
    fn matches(&self, request: &wiremock::Request) -> bool {
        wiremock::Match::matches(&*self.0, request)
    }
}

fn template(status: u16, body: Body) -> wiremock::ResponseTemplate {
    let template = wiremock::ResponseTemplate::new(status);
    match body.content_type {
        Some(content_type) => template.set_body_raw(body.bytes, content_type),
        None => template,
    }
}

/// How many requests an expectation has answered so far. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Hits(Arc<AtomicUsize>);

impl Hits {
    /// The number of requests answered, 429s of a rate-limit scenario
    /// included.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}
// @needs pagination

/// A paginated operation's builder: the mock can serve its pages.
pub trait Paged: Operation + Clone {
    /// One item of a page.
    type Item: Serialize;

    /// A page of `items`, with `next` the cursor of the page after it
    /// (or, for offset pages, whether one follows).
    #[doc(hidden)]
    fn page(items: &[Self::Item], next: Option<String>) -> serde_json::Value;

    /// The request for the page after `page`.
    #[doc(hidden)]
    fn next(&self, page: &Self::Answer) -> Option<Self>;
}
// @end

// @needs example

/// A type with an example in the spec, which tests can start from
/// (`Lead::example()`) rather than build every field.
pub trait Example: Sized {
    /// The spec's example of the type.
    fn example() -> Self;
}

/// A value from the spec's example text; the crate's example tests check
/// that every one decodes.
pub(crate) fn example<T: serde::de::DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).expect("the spec's example decodes (the crate's example tests say so)")
}
// @end
// @needs send_json

/// A JSON answer.
pub(crate) fn send_json<T: Serialize>(answer: &T) -> Body {
    Body {
        content_type: Some("application/json"),
        bytes: serde_json::to_vec(answer).expect("an answer encodes as JSON"),
    }
}
// @end
// @needs send_json_or_empty

/// A JSON answer, or none.
pub(crate) fn send_json_or_empty<T: Serialize>(answer: &Option<T>) -> Body {
    match answer {
        Some(answer) => Body {
            content_type: Some("application/json"),
            bytes: serde_json::to_vec(answer).expect("an answer encodes as JSON"),
        },
        None => Body {
            content_type: None,
            bytes: Vec::new(),
        },
    }
}
// @end
// @needs send_text

/// A text answer.
pub(crate) fn send_text(answer: &str) -> Body {
    Body {
        content_type: Some("text/plain; charset=utf-8"),
        bytes: answer.as_bytes().to_vec(),
    }
}
// @end
// @needs send_bytes

/// A bytes answer.
pub(crate) fn send_bytes(answer: &[u8]) -> Body {
    Body {
        content_type: Some("application/octet-stream"),
        bytes: answer.to_vec(),
    }
}
// @end
// @needs send_empty

/// An answer without a body.
pub(crate) fn send_empty(_answer: &()) -> Body {
    Body {
        content_type: None,
        bytes: Vec::new(),
    }
}
// @end
