//! The generated crates' typed mock (`mock` feature) as users' tests use
//! it: real HTTP on loopback, expectations made from the client's own
//! request builders, typed answers, pages that `items()` walks, error and
//! rate-limit answers, and counts that are checked.

use close_api::mock::{Example, MockServer};
use close_api::types::{Lead, LeadCreate, LeadField, LeadPartial, ValidationErrorResponse};
use close_api::{Error, ErrorBody, TryStreamExt};
use serde_json::json;
use std::time::Duration;

fn lead(id: &str) -> Lead {
    let mut lead = Lead::example();
    lead.id = id.to_owned();
    lead
}

#[tokio::test]
async fn a_call_gets_the_typed_answer_and_is_counted() {
    let server = MockServer::start().await;
    let client = server.client();
    let hits = server
        .on(client.get_lead("lead_1"))
        .expect(1)
        .respond(&lead("lead_1"))
        .await;
    let got = client.get_lead("lead_1").await.unwrap();
    assert_eq!(got, lead("lead_1"));
    assert_eq!(hits.count(), 1);
    server.verify().await;
}

#[tokio::test]
async fn a_request_no_expectation_matches_gets_404() {
    let server = MockServer::start().await;
    let client = server.client();
    let hits = server
        .on(client.get_lead("lead_1"))
        .respond(&lead("lead_1"))
        .await;
    let error = client.get_lead("lead_2").await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert_eq!(hits.count(), 0);
}

#[tokio::test]
async fn the_query_and_headers_the_builder_sets_are_expected() {
    let server = MockServer::start().await;
    let client = server.client();
    let page: close_api::types::LeadList =
        serde_json::from_value(json!({"data": [], "has_more": false})).unwrap();
    let hits = server
        .on(client.list_leads().limit(5).x_tz_offset("-4"))
        .respond(&page)
        .await;
    // A parameter the expectation does not name is not looked at.
    client
        .list_leads()
        .limit(5)
        .skip(0)
        .x_tz_offset("-4")
        .await
        .unwrap();
    assert_eq!(hits.count(), 1);
    for other in [
        client.list_leads().limit(6).x_tz_offset("-4"),
        client.list_leads().limit(5).x_tz_offset("-5"),
        client.list_leads().limit(5),
    ] {
        let error = other.await.unwrap_err();
        assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    }
    assert_eq!(hits.count(), 1);
}

#[tokio::test]
async fn bodies_are_expected_as_json_unless_any_body() {
    let server = MockServer::start().await;
    let client = server.client();
    let body = LeadCreate::example();
    let created = Lead::example();
    let exact = server
        .on(client.create_lead(body.clone()))
        .respond(&created)
        .await;
    assert_eq!(client.create_lead(body.clone()).await.unwrap(), created);
    let mut other = body.clone();
    other.name = Some("Another".to_owned());
    let error = client.create_lead(other.clone()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let any = server
        .on(client.create_lead(body))
        .any_body()
        .respond(&created)
        .await;
    client.create_lead(other).await.unwrap();
    assert_eq!((exact.count(), any.count()), (1, 1));
}

#[tokio::test]
async fn items_walks_the_pages_the_mock_serves() {
    let server = MockServer::start().await;
    let client = server.client();
    let ids = ["a", "b", "c", "d", "e"];
    let hits = server
        .on(client.list_leads().limit(2))
        .expect(3)
        .respond_pages(ids.iter().map(|id| lead(id)).collect(), 2)
        .await;
    let walked: Vec<String> = client
        .list_leads()
        .limit(2)
        .items()
        .map_ok(|lead| lead.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(walked, ids);
    assert_eq!(hits.count(), 3);
    server.verify().await;
}

#[tokio::test]
async fn cursor_pages_are_served_too() {
    let server = golden_operations::mock::MockServer::start().await;
    let client = server.client();
    let items = (1..=3)
        .map(|i| serde_json::from_value(json!({"id": i.to_string()})).unwrap())
        .collect();
    let hits = server
        .on(client.list_events())
        .respond_pages(items, 2)
        .await;
    let ids: Vec<String> = client
        .list_events()
        .items()
        .map_ok(|event| event.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["1", "2", "3"]);
    assert_eq!(hits.count(), 2);
}

#[tokio::test]
async fn a_selection_is_answered_with_the_partial_type() {
    let server = MockServer::start().await;
    let client = server.client();
    let partial: LeadPartial = serde_json::from_value(json!({"id": "lead_1"})).unwrap();
    let selected = client.get_lead("lead_1").select([LeadField::Id]);
    server.on(selected.clone()).respond(&partial).await;
    assert_eq!(selected.await.unwrap(), partial);
}

#[tokio::test]
async fn an_error_answer_is_decoded_as_the_spec_says() {
    let server = MockServer::start().await;
    let client = server.client();
    let body = ValidationErrorResponse::example();
    server
        .on(client.create_lead(LeadCreate::example()))
        .respond_error(400, &body)
        .await;
    let Error::Api(error) = client.create_lead(LeadCreate::example()).await.unwrap_err() else {
        panic!("a 400 is an API error");
    };
    assert_eq!(error.status().as_u16(), 400);
    let Some(ErrorBody::ValidationErrorResponse(decoded)) = error.body_typed() else {
        panic!("a 400 decodes as a ValidationErrorResponse: {error:?}");
    };
    assert_eq!(decoded, &body);
    let fields = decoded
        .field_errors
        .as_ref()
        .expect("the example has field errors");
    assert!(fields.contains_key("name"), "{fields:?}");
}

#[tokio::test]
async fn a_rate_limit_is_waited_out_and_then_answered() {
    let server = MockServer::start().await;
    let client = server.client();
    let hits = server
        .on(client.get_lead("lead_1"))
        .rate_limited(2, Duration::from_millis(20))
        .expect(3)
        .respond(&lead("lead_1"))
        .await;
    let response = client
        .get_lead("lead_1")
        .send_with_response()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(response.value().id, "lead_1");
    assert_eq!(hits.count(), 3, "two 429s, then the answer");
    server.verify().await;
}

#[tokio::test]
async fn without_retries_the_rate_limit_is_the_error() {
    let server = MockServer::start().await;
    let client = server.client_builder().max_retries(0).build().unwrap();
    server
        .on(client.get_lead("lead_1"))
        .rate_limited(1, Duration::from_millis(1500))
        .respond(&lead("lead_1"))
        .await;
    let Error::Api(error) = client.get_lead("lead_1").await.unwrap_err() else {
        panic!("a 429 is an API error");
    };
    assert_eq!(error.status().as_u16(), 429);
    assert_eq!(
        error.headers()["RateLimit"],
        "limit=1, remaining=0, reset=1.5"
    );
    assert_eq!(error.headers()["Retry-After"], "2");
}

#[tokio::test]
#[should_panic(expected = "Verifications failed")]
async fn an_expectation_not_met_fails_verify() {
    let server = MockServer::start().await;
    let client = server.client();
    server
        .on(client.get_lead("lead_1"))
        .expect(2)
        .respond(&lead("lead_1"))
        .await;
    client.get_lead("lead_1").await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn delete_answers_the_empty_object() {
    let server = MockServer::start().await;
    let client = server.client();
    server
        .on(client.delete_lead("lead_1"))
        .expect(1)
        .respond(&serde_json::Map::new())
        .await;
    client.delete_lead("lead_1").await.unwrap();
}

/// The mock's dependencies are optional: built without the feature, the
/// crate does not depend on wiremock.
#[test]
fn without_the_feature_the_crate_does_not_pull_the_mock_in() {
    let tree = |features: &[&str]| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
        let output = std::process::Command::new(cargo)
            .args(["tree", "--offline", "--locked", "-p", "close-api"])
            .args(["-e", "normal", "--prefix", "none"])
            .args(features)
            .current_dir(tests::workspace_root())
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "cargo tree failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).expect("cargo tree prints UTF-8")
    };
    assert!(!tree(&[]).contains("wiremock"));
    assert!(tree(&["--features", "mock"]).contains("wiremock"));
}
