//! Pagination streams against a real HTTP server on loopback: pages are
//! fetched lazily, the walk stops where the server says, errors surface in
//! the stream, and a page that does not decode loses nothing and does not
//! end the walk. Offset style through the Close client, cursor style
//! through the `operations` golden crate.

use close_api::{Client, StreamExt, TryStreamExt};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn lead(id: &str) -> Value {
    let text = std::fs::read_to_string(
        tests::workspace_root().join("tests/data/seed-get-lead-response.json"),
    )
    .unwrap();
    let mut lead: Value = serde_json::from_str(&text).unwrap();
    lead["id"] = json!(id);
    lead
}

fn page_of(ids: &[&str], has_more: bool) -> ResponseTemplate {
    let data: Vec<Value> = ids.iter().map(|id| lead(id)).collect();
    ResponseTemplate::new(200).set_body_json(json!({"data": data, "has_more": has_more}))
}

async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let pages: [(&str, &[&str], bool); 3] = [
        ("0", &["a", "b"], true),
        ("2", &["c", "d"], true),
        ("4", &["e"], false),
    ];
    for (skip, ids, more) in pages {
        Mock::given(method("GET"))
            .and(path("/lead/"))
            .and(query_param("_limit", "2"))
            .and(query_param("_skip", skip))
            .respond_with(page_of(ids, more))
            .mount(&server)
            .await;
    }
    // A first request without `_skip` gets the first page too.
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .and(query_param_is_missing("_skip"))
        .respond_with(page_of(&["a", "b"], true))
        .mount(&server)
        .await;
    server
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .basic_auth("k", "")
        .max_retries(0)
        .build()
        .unwrap()
}

async fn requests(server: &MockServer) -> Vec<String> {
    let received = server.received_requests().await.unwrap();
    received
        .iter()
        .map(|r| r.url.query().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn items_walk_every_page_in_order() {
    let server = three_pages().await;
    let ids: Vec<String> = client(&server)
        .list_leads()
        .limit(2)
        .skip(0)
        .items()
        .map_ok(|lead| lead.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["a", "b", "c", "d", "e"]);
    assert_eq!(
        requests(&server).await,
        ["_limit=2&_skip=0", "_limit=2&_skip=2", "_limit=2&_skip=4"]
    );
}

#[tokio::test]
async fn pages_come_one_at_a_time() {
    let server = three_pages().await;
    let client = client(&server);
    let mut pages = client.list_leads().limit(2).pages();
    let first = pages.try_next().await.unwrap().unwrap();
    assert_eq!(first.data.len(), 2);
    assert_eq!(
        requests(&server).await.len(),
        1,
        "the second page is not fetched before it is read"
    );
    let rest: Vec<_> = pages.try_collect().await.unwrap();
    assert_eq!(rest.len(), 2);
    assert!(!rest[1].has_more);
}

#[tokio::test]
async fn take_stops_fetching() {
    let server = three_pages().await;
    let ids: Vec<String> = client(&server)
        .list_leads()
        .limit(2)
        .items()
        .take(3)
        .map(|lead| lead.unwrap().id)
        .collect()
        .await;
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(
        requests(&server).await.len(),
        2,
        "the third page is never fetched"
    );
}

#[tokio::test]
async fn an_empty_list_is_one_request_and_no_items() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .respond_with(page_of(&[], false))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .list_leads()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_empty_page_ends_the_walk_even_if_the_server_claims_more() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .respond_with(page_of(&[], true))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .list_leads()
        .items()
        .try_collect()
        .await
        .unwrap();
    assert!(items.is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn an_error_surfaces_in_the_stream_and_ends_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(query_param("_skip", "2")).respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "The limit you set is larger than the maximum limit for this resource (max_limit = 100)."}))).mount(&server).await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("_skip"))
        .respond_with(page_of(&["a", "b"], true))
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).list_leads().items().collect().await;
    assert_eq!(results.len(), 3, "two items, then the error");
    let error = results[2].as_ref().expect_err("the second page failed");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(400));
}

/// Three pages of two, two and one leads; lead `d` on the second page has a
/// `date_created` that is not a date.
async fn three_pages_one_bad_lead() -> MockServer {
    let server = MockServer::start().await;
    let mut bad = lead("d");
    bad["date_created"] = json!("yesterday");
    let pages = [
        ("0", vec![lead("a"), lead("b")], true),
        ("2", vec![lead("c"), bad], true),
        ("4", vec![lead("e")], false),
    ];
    for (skip, data, more) in pages {
        Mock::given(method("GET"))
            .and(path("/lead/"))
            .and(query_param("_skip", skip))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(json!({"data": data, "has_more": more})),
            )
            .mount(&server)
            .await;
    }
    server
}

#[tokio::test]
async fn a_lead_that_does_not_decode_is_an_error_item_and_the_walk_goes_on() {
    let server = three_pages_one_bad_lead().await;
    let results: Vec<_> = client(&server)
        .list_leads()
        .limit(2)
        .skip(0)
        .items()
        .collect()
        .await;
    let shown: Vec<String> = results
        .iter()
        .map(|r| match r {
            Ok(lead) => lead.id.clone(),
            Err(close_api::Error::Decode(e)) => format!("error at {}", e.path()),
            Err(other) => format!("unexpected {other}"),
        })
        .collect();
    assert_eq!(
        shown,
        ["a", "b", "c", "error at data[1].date_created", "e"],
        "the good lead of the bad page and the page after it are kept"
    );
    // The error holds the whole page, so the bad lead can still be read.
    let Err(close_api::Error::Decode(error)) = &results[3] else {
        unreachable!("checked above")
    };
    let page: Value = error.json().unwrap();
    assert_eq!(page["data"][1]["id"], "d");
    assert_eq!(
        requests(&server).await,
        ["_limit=2&_skip=0", "_limit=2&_skip=2", "_limit=2&_skip=4"]
    );
}

#[tokio::test]
async fn a_page_that_does_not_decode_is_an_error_and_the_next_page_follows() {
    let server = three_pages_one_bad_lead().await;
    let pages: Vec<_> = client(&server)
        .list_leads()
        .limit(2)
        .skip(0)
        .pages()
        .collect()
        .await;
    assert_eq!(pages.len(), 3);
    assert!(pages[0].is_ok() && pages[2].is_ok());
    match &pages[1] {
        Err(close_api::Error::Decode(error)) => {
            assert_eq!(error.path(), "data[1].date_created");
            assert_eq!(error.status().as_u16(), 200);
        }
        other => panic!("expected the second page's decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn cursor_pages_follow_the_next_cursor() {
    let server = MockServer::start().await;
    let page = |ids: &[&str], next: Value| {
        let data: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        ResponseTemplate::new(200).set_body_json(json!({"data": data, "cursor_next": next}))
    };
    Mock::given(method("GET"))
        .and(path("/events/"))
        .and(query_param_is_missing("_cursor"))
        .respond_with(page(&["1", "2"], json!("c2")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/events/"))
        .and(query_param("_cursor", "c2"))
        .respond_with(page(&["3"], json!("c3")))
        .mount(&server)
        .await;
    // The last page repeats no cursor: null ends the walk.
    Mock::given(method("GET"))
        .and(path("/events/"))
        .and(query_param("_cursor", "c3"))
        .respond_with(page(&["4"], Value::Null))
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let ids: Vec<String> = client
        .list_events()
        .items()
        .map_ok(|e| e.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, ["1", "2", "3", "4"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_repeated_cursor_ends_the_walk() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/events/"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": "1"}], "cursor_next": "same"})),
        )
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let items: Vec<_> = client.list_events().items().try_collect().await.unwrap();
    assert_eq!(
        items.len(),
        2,
        "the first page, then the page at `same`, which names itself next"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}
