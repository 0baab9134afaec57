//! The client's tracing, captured by a subscriber of the test's own: one
//! `request` span per call with the operation, method, path template,
//! attempts, status and duration; an event per retry and per wait for a
//! rate limit; and nothing secret in any of it.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use close_api::mock::{Example, MockServer};
use close_api::types::Lead;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};
use tracing_core::span::Current;
use wiremock::matchers::{method, path};
use wiremock::{Mock, ResponseTemplate};

/// A span or an event as the subscriber saw it: its name and fields, every
/// value as text.
#[derive(Debug, Clone)]
struct Seen {
    metadata: &'static Metadata<'static>,
    fields: BTreeMap<String, String>,
}

thread_local! {
    /// The spans entered on this thread, innermost last: what
    /// `Span::current()` asks the subscriber for.
    static ENTERED: RefCell<Vec<Id>> = const { RefCell::new(Vec::new()) };
}

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Fields<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

/// Keeps every span with the fields recorded on it, and every event.
#[derive(Clone, Default)]
struct Capture {
    spans: Arc<Mutex<Vec<Seen>>>,
    events: Arc<Mutex<Vec<Seen>>>,
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut seen = Seen {
            metadata: span.metadata(),
            fields: BTreeMap::new(),
        };
        span.record(&mut Fields(&mut seen.fields));
        let mut spans = self.spans.lock().unwrap();
        spans.push(seen);
        Id::from_u64(spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut spans = self.spans.lock().unwrap();
        let seen = &mut spans[span.into_u64() as usize - 1];
        values.record(&mut Fields(&mut seen.fields));
    }

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut seen = Seen {
            metadata: event.metadata(),
            fields: BTreeMap::new(),
        };
        event.record(&mut Fields(&mut seen.fields));
        self.events.lock().unwrap().push(seen);
    }

    fn enter(&self, span: &Id) {
        ENTERED.with(|entered| entered.borrow_mut().push(span.clone()));
    }

    fn exit(&self, span: &Id) {
        ENTERED.with(|entered| {
            let mut entered = entered.borrow_mut();
            if let Some(at) = entered.iter().rposition(|id| id == span) {
                entered.remove(at);
            }
        });
    }

    fn current_span(&self) -> Current {
        match ENTERED.with(|entered| entered.borrow().last().cloned()) {
            Some(id) => {
                let metadata = self.spans.lock().unwrap()[id.into_u64() as usize - 1].metadata;
                Current::new(id, metadata)
            }
            None => Current::none(),
        }
    }
}

impl Capture {
    /// The client's spans and events (wiremock, hyper and reqwest trace
    /// too).
    fn ours(&self) -> (Vec<Seen>, Vec<Seen>) {
        let ours = |seen: &&Seen| seen.metadata.target().starts_with("close_api");
        let spans = self.spans.lock().unwrap();
        let events = self.events.lock().unwrap();
        (
            spans.iter().filter(ours).cloned().collect(),
            events.iter().filter(ours).cloned().collect(),
        )
    }
}

const KEY: &str = "secret-key-7";

fn assert_no_secret(seen: &[Seen], lead: &Lead) {
    // `Basic base64("secret-key-7:")`, and a value only the body holds.
    let encoded = "c2VjcmV0LWtleS03Og==";
    for item in seen {
        for value in item.fields.values() {
            assert!(
                !value.contains(KEY) && !value.contains(encoded) && !value.contains(&lead.html_url),
                "a secret or a body reached tracing: {item:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_call_is_one_span_and_its_retry_an_event() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start().await;
    let client = server.client_builder().basic_auth(KEY, "").build().unwrap();
    let lead = Lead::example();
    server
        .on(client.get_lead("lead_1"))
        .rate_limited(1, Duration::from_millis(20))
        .expect(2)
        .respond(&lead)
        .await;

    client.get_lead("lead_1").await.unwrap();

    let (spans, events) = capture.ours();
    assert_eq!(spans.len(), 1, "{spans:?}");
    assert_eq!(spans[0].metadata.name(), "request");
    let span = &spans[0].fields;
    assert_eq!(span["operation"], "get_lead");
    assert_eq!(span["method"], "GET");
    assert_eq!(span["path"], "/lead/{id}/");
    assert_eq!(span["attempts"], "2");
    assert_eq!(span["status"], "200");
    assert!(span.contains_key("duration"), "{span:?}");
    assert!(!span.contains_key("error"), "{span:?}");
    assert_eq!(events.len(), 1, "{events:?}");
    let retry = &events[0].fields;
    assert_eq!(retry["message"], "retrying");
    assert_eq!(retry["attempt"], "1");
    assert_eq!(retry["reason"], "429 Too Many Requests");
    assert_eq!(retry["wait"], "20ms");
    assert_no_secret(&spans, &lead);
    assert_no_secret(&events, &lead);
}

#[tokio::test]
async fn a_failed_call_records_its_status_and_why() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = MockServer::start().await;
    let client = server.client();
    server
        .on(client.delete_lead("lead_1"))
        .respond_error(404, &serde_json::json!({"error": "Not found"}))
        .await;

    client.delete_lead("lead_1").await.unwrap_err();

    let (spans, events) = capture.ours();
    assert_eq!(spans.len(), 1, "{spans:?}");
    let span = &spans[0].fields;
    assert_eq!(span["operation"], "delete_lead");
    assert_eq!(span["method"], "DELETE");
    assert_eq!(span["attempts"], "1");
    assert_eq!(span["status"], "404");
    assert_eq!(span["error"], "404 Not Found");
    assert!(events.is_empty(), "a 404 is not retried: {events:?}");
}

#[tokio::test]
async fn a_wait_for_an_exhausted_rate_limit_is_an_event() {
    let capture = Capture::default();
    let _guard = tracing::subscriber::set_default(capture.clone());
    let server = wiremock::MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/lead/lead_1/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit", "limit=1, remaining=0, reset=1")
                .set_body_json(Lead::example()),
        )
        .mount(&server)
        .await;
    let client = close_api::Client::builder()
        .basic_auth(KEY, "")
        .base_url(server.uri())
        .build()
        .unwrap();

    // The first answer says no requests remain for a second; the second
    // call, made right after it, waits.
    client.get_lead("lead_1").await.unwrap();
    client.get_lead("lead_1").await.unwrap();

    let (spans, events) = capture.ours();
    assert_eq!(spans.len(), 2, "{spans:?}");
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0].fields["message"], "waited for the rate limit");
    assert!(events[0].fields.contains_key("wait"), "{events:?}");
}
