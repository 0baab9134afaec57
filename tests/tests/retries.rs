//! Retries and rate limits against a real HTTP server on loopback: what is
//! retried, how long the client waits, and when it gives up. Durations are
//! only ever checked as lower bounds (the client waited at least what the
//! server asked), never as upper bounds, which would be flaky.

use std::time::{Duration, Instant};

use close_api::types::LeadMerge;
use close_api::{Client, Error};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .basic_auth("k", "")
        .retry_backoff(Duration::from_millis(5), Duration::from_millis(20))
        .build()
        .unwrap()
}

fn page() -> serde_json::Value {
    json!({"data": [], "has_more": false})
}

async fn requests_to(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

/// Answers the first request to `route` with `first`, every later one with `then`.
async fn first_then(
    server: &MockServer,
    verb: &str,
    route: &str,
    first: ResponseTemplate,
    then: ResponseTemplate,
) {
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(first)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(then)
        .with_priority(2)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_429_waits_for_the_ratelimit_reset_then_retries() {
    let server = MockServer::start().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("RateLimit", "limit=100, remaining=0, reset=0.3")
        .insert_header("Retry-After", "1")
        .set_body_json(json!({"error": "Too many requests"}));
    first_then(
        &server,
        "GET",
        "/lead/",
        limited,
        ResponseTemplate::new(200).set_body_json(page()),
    )
    .await;
    let started = Instant::now();
    let response = client(&server)
        .list_leads()
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "waited {:?}, less than the reset",
        started.elapsed()
    );
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(requests_to(&server).await, 2, "exactly one retry");
}

#[tokio::test]
async fn a_429_with_only_retry_after_waits_that_long() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "GET",
        "/lead/",
        ResponseTemplate::new(429).insert_header("Retry-After", "1"),
        ResponseTemplate::new(200).set_body_json(page()),
    )
    .await;
    let started = Instant::now();
    client(&server)
        .list_leads()
        .await
        .expect("the retry succeeds");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(requests_to(&server).await, 2);
}

#[tokio::test]
async fn a_429_with_the_legacy_body_waits_its_rate_reset() {
    let server = MockServer::start().await;
    let legacy = ResponseTemplate::new(429)
        .set_body_json(json!({"error": {"rate_reset": 0.25, "message": "slow down"}}));
    first_then(
        &server,
        "GET",
        "/lead/",
        legacy,
        ResponseTemplate::new(200).set_body_json(page()),
    )
    .await;
    let started = Instant::now();
    client(&server)
        .list_leads()
        .await
        .expect("the retry succeeds");
    assert!(
        started.elapsed() >= Duration::from_millis(250),
        "waited only {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_503_is_retried_for_get_but_never_for_post() {
    let server = MockServer::start().await;
    first_then(
        &server,
        "GET",
        "/lead/",
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(page()),
    )
    .await;
    client(&server).list_leads().await.expect("GET is retried");
    assert_eq!(requests_to(&server).await, 2);

    let server = MockServer::start().await;
    first_then(
        &server,
        "POST",
        "/lead/merge/",
        ResponseTemplate::new(503),
        ResponseTemplate::new(200).set_body_json(json!({})),
    )
    .await;
    let body = LeadMerge::new("a", "b");
    let error = client(&server)
        .merge_leads(body.clone())
        .await
        .expect_err("POST is not replayed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(error.is_retryable(), "the caller may still decide to retry");
    assert_eq!(requests_to(&server).await, 1);
}

#[tokio::test]
async fn post_is_retried_when_nothing_was_sent() {
    // A port nobody listens on: the connection fails before the request leaves.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .base_url(url)
        .max_retries(2)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let body = LeadMerge::new("a", "b");
    match client.merge_leads(body.clone()).await {
        Err(Error::RetriesExhausted { attempts, last }) => {
            assert_eq!(attempts, 3);
            assert!(matches!(*last, Error::Transport(_)), "{last}");
        }
        other => panic!("expected the connection failures to be retried, got {other:?}"),
    }
}

#[tokio::test]
async fn giving_up_says_how_often_and_what_the_server_said() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_json(json!({"error": "Maintenance"})))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .max_retries(2)
        .retry_backoff(Duration::from_millis(1), Duration::from_millis(2))
        .build()
        .unwrap();
    let error = client.get_lead("lead_1").await.expect_err("always 503");
    assert!(
        matches!(error, Error::RetriesExhausted { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "gave up after 3 attempts; the last one failed: the server answered 503 Service Unavailable: \
         Maintenance (a server-side failure; it may pass if retried later)"
    );
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(requests_to(&server).await, 3);
}

#[tokio::test]
async fn retries_off_means_one_try() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.list_leads().await.expect_err("429");
    let api = error.api_error().expect("the 429 itself, not wrapped");
    assert_eq!(api.retry_after(), Some(Duration::ZERO));
    assert_eq!(requests_to(&server).await, 1);
}

#[tokio::test]
async fn a_timeout_is_reported_as_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page())
                .set_delay(Duration::from_secs(5)),
        )
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .build()
        .unwrap();
    let error = client
        .list_leads()
        .await
        .expect_err("the server is too slow");
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    assert!(error.is_retryable());
}

#[tokio::test]
async fn an_exhausted_group_waits_for_its_reset_and_other_groups_do_not() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/lead/lead_1/"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("RateLimit", "limit=2, remaining=0, reset=1")
                .set_body_json(
                    serde_json::from_str::<serde_json::Value>(include_str!(
                        "../data/seed-get-lead-response.json"
                    ))
                    .unwrap(),
                ),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page()))
        .mount(&server)
        .await;
    let client = client(&server);
    let first = client
        .get_lead("lead_1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(first.rate_limit().and_then(|r| r.remaining), Some(0));

    let started = Instant::now();
    let same_group = async {
        client.get_lead("lead_1").await.unwrap();
        Instant::now()
    };
    let other_group = async {
        client.list_leads().await.unwrap();
        Instant::now()
    };
    let (same_done, other_done) = tokio::join!(same_group, other_group);
    assert!(other_done < same_done, "the other group went first");
    assert!(
        same_done - started >= Duration::from_millis(800),
        "the same group waited only {:?}",
        same_done - started
    );
    assert_eq!(
        requests_to(&server).await,
        3,
        "throttling waits; it does not collect a 429"
    );
}

#[tokio::test]
async fn error_messages_say_what_to_do() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({"error": "Unauthorized"})))
        .mount(&server)
        .await;
    let error = client(&server).list_leads().await.expect_err("401");
    assert_eq!(
        error.to_string(),
        "the server answered 401 Unauthorized: Unauthorized (check the API key or token)"
    );
    assert!(!error.is_retryable());
}

#[tokio::test]
async fn only_a_spec_that_names_the_reset_body_reads_it() {
    // Close's spec says where its 429 bodies hold the reset
    // (`x-rate-limit-reset-body: /error/rate_reset`); the operations
    // fixture says nothing, so its client does not look into the body.
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(429).set_body_json(json!({"error": {"rate_reset": 6.5}})),
        )
        .mount(&server)
        .await;
    let close = Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let error = close.list_leads().await.unwrap_err();
    assert_eq!(
        error.api_error().and_then(|e| e.retry_after()),
        Some(Duration::from_millis(6500))
    );
    let other = golden_operations::Client::builder()
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let error = other.health().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(error.api_error().and_then(|e| e.retry_after()), None);
}
