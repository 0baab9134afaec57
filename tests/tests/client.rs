//! The generated Close client against a real HTTP server on loopback: what
//! each method sends (method, path, query, body, `Authorization`) and what it
//! makes of the answer, errors included.

use close_api::types::{
    ErrorResponse, FieldErrorsValue, LeadCreate, LeadField, LeadMerge, LeadUpdate,
};
use close_api::{Client, CustomFieldId, Error, ErrorBody};
use serde_json::{json, Value};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// `Basic base64("KEY:")` for the key `test_key`.
const BASIC: &str = "Basic dGVzdF9rZXk6";

fn data(name: &str) -> Value {
    let text = std::fs::read_to_string(tests::workspace_root().join("tests/data").join(name))
        .expect("test data exists");
    serde_json::from_str(&text).expect("test data is JSON")
}

async fn setup() -> (MockServer, Client) {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .basic_auth("test_key", "")
        .build()
        .expect("a loopback URL is accepted");
    (server, client)
}

fn only_request(requests: &[Request]) -> &Request {
    assert_eq!(requests.len(), 1, "expected exactly one request");
    &requests[0]
}

#[tokio::test]
async fn list_leads_sends_paging_and_decodes_the_page() {
    let (server, client) = setup().await;
    let lead = data("seed-get-lead-response.json");
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .and(query_param("_limit", "50"))
        .and(query_param("_skip", "100"))
        .and(query_param("_fields", "id,name"))
        .and(header("authorization", BASIC))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [lead], "has_more": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let page = client
        .list_leads()
        .limit(50)
        .skip(100)
        .select([LeadField::Id, LeadField::Name])
        .await
        .expect("the page decodes");
    assert!(page.has_more);
    assert_eq!(page.data.len(), 1);
    assert_eq!(
        page.data[0].display_name.as_deref(),
        Some("Wayne Enterprises (Sample Lead)")
    );
    let requests = server.received_requests().await.expect("recording is on");
    let request = only_request(&requests);
    assert_eq!(
        request.url.query(),
        Some("_limit=50&_skip=100&_fields=id%2Cname")
    );
    assert!(request
        .headers
        .get("user-agent")
        .unwrap()
        .to_str()
        .unwrap()
        .starts_with("close-api/"));
}

#[tokio::test]
async fn create_lead_posts_the_body() {
    let (server, client) = setup().await;
    let request_body = data("create-lead-request.json");
    Mock::given(method("POST"))
        .and(path("/lead/"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/json"))
        .and(body_json(&request_body))
        .respond_with(ResponseTemplate::new(200).set_body_json(data("create-lead-response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let body: LeadCreate = serde_json::from_value(request_body).unwrap();
    let lead = client
        .create_lead(body.clone())
        .await
        .expect("the lead decodes");
    assert_eq!(lead.id, "lead_70jZ5hiVt5X31MZ3vJ0R0GJMqJEihkoF7TtSVFbN2ty");
    assert_eq!(
        lead.custom
            .get_str("cf_FSYEbxYJFsnY9tN1OTAPIF33j7Sw5Lb7Eawll7JzoNh"),
        Some("Segway")
    );
}

#[tokio::test]
async fn merge_leads_posts_source_and_destination() {
    let (server, client) = setup().await;
    Mock::given(method("POST"))
        .and(path("/lead/merge/"))
        .and(header("authorization", BASIC))
        .and(body_json(
            json!({"source": "lead_a", "destination": "lead_b"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let body = LeadMerge::new("lead_a", "lead_b");
    let empty = client.merge_leads(body).await.expect("`{}` decodes");
    assert!(empty.is_empty());
}

#[tokio::test]
async fn get_lead_selects_fields() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path(
            "/lead/lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O/",
        ))
        .and(query_param("_fields", "_all"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(data("seed-get-lead-response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let lead = client
        .get_lead("lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O")
        .select([LeadField::All])
        .await
        .expect("the lead decodes");
    assert_eq!(lead.status_label.as_deref(), Some("Potential"));
    assert_eq!(
        serde_json::to_value(&lead).unwrap(),
        data("seed-get-lead-response.json")
    );
}

#[tokio::test]
async fn update_lead_sends_only_what_was_set_and_null_to_clear() {
    let (server, client) = setup().await;
    Mock::given(method("PUT"))
        .and(path("/lead/lead_1/"))
        .and(header("authorization", BASIC))
        .and(body_json(json!({
            "name": "New name",
            "description": null,
            "custom.cf_abc": null,
            "custom.cf_text": "Segway",
            "custom.cf_multi.add": "Choice 3",
            "custom.cf_multi.remove": "Choice 1",
            "custom.cf_list": ["a", "b"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(data("seed-get-lead-response.json")))
        .expect(1)
        .mount(&server)
        .await;
    // Set, cleared (`null`) and left out, without `Some(Some(..))`.
    let mut update = LeadUpdate::new().with_name("New name").clear_description();
    let id = |text: &str| CustomFieldId::new(text).expect("a valid id");
    update
        .custom
        .clear(&id("cf_abc"))
        .set(&id("cf_text"), "Segway")
        .add(&id("cf_multi"), "Choice 3")
        .remove_value(&id("cf_multi"), "Choice 1")
        .set(&id("cf_list"), json!(["a", "b"]))
        .set(&id("cf_dropped"), 1);
    assert_eq!(
        update.custom.remove("cf_dropped"),
        Some(json!(1)),
        "taken out: left unchanged"
    );
    assert!(
        CustomFieldId::new("cf_x.add").is_err(),
        "an id cannot smuggle a suffix"
    );
    client
        .update_lead("lead_1", update.clone())
        .await
        .expect("the lead decodes");
}

#[tokio::test]
async fn delete_lead_deletes() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .and(path("/lead/lead_1/"))
        .and(header("authorization", BASIC))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client.delete_lead("lead_1").await.expect("`{}` decodes");
}

#[tokio::test]
async fn not_found_is_a_typed_error() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/lead/lead_missing/"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"error": "Lead not found."})))
        .mount(&server)
        .await;
    let error = client
        .get_lead("lead_missing")
        .await
        .expect_err("404 is an error");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    match api.body_typed() {
        Some(ErrorBody::ErrorResponse(ErrorResponse {
            error: Some(message),
            ..
        })) => assert_eq!(message, "Lead not found."),
        other => panic!("expected the 404 body decoded as ErrorResponse, got {other:?}"),
    }
    assert_eq!(
        error.to_string(),
        "the server answered 404 Not Found: Lead not found. (check the id in the path)"
    );
}

#[tokio::test]
async fn bad_request_carries_field_errors() {
    let (server, client) = setup().await;
    let body = json!({
        "errors": [],
        "field-errors": {
            "status_id": "Invalid status.",
            "addresses": {"errors": ["Invalid address."], "field-errors": {"zipcode": "Not a valid zip code."}}
        }
    });
    Mock::given(method("POST"))
        .and(path("/lead/"))
        .respond_with(ResponseTemplate::new(400).set_body_json(body.clone()))
        .mount(&server)
        .await;
    let error = client
        .create_lead(LeadCreate::default())
        .await
        .expect_err("400 is an error");
    let api = error.api_error().expect("an API error");
    let Some(ErrorBody::ValidationErrorResponse(validation)) = api.body_typed() else {
        panic!(
            "expected a ValidationErrorResponse, got {:?}",
            api.body_typed()
        )
    };
    let field_errors = validation
        .field_errors
        .as_ref()
        .expect("field errors are there");
    assert_eq!(
        serde_json::to_value(field_errors).unwrap(),
        body["field-errors"],
        "nested field errors are kept as sent"
    );
    // A nested object's errors have the shape of the whole error body.
    let Some(FieldErrorsValue::ValidationErrorResponse(nested)) = field_errors.get("addresses")
    else {
        panic!("nested field errors are an error body: {field_errors:?}")
    };
    let zipcode = nested.field_errors.as_ref().and_then(|f| f.get("zipcode"));
    assert_eq!(
        zipcode,
        Some(&FieldErrorsValue::String("Not a valid zip code.".into()))
    );
    assert_eq!(api.json::<Value>().unwrap(), body);
}

#[tokio::test]
async fn bearer_tokens_are_sent() {
    let server = MockServer::start().await;
    let client = Client::builder()
        .base_url(server.uri())
        .bearer_token("tok_123")
        .build()
        .unwrap();
    Mock::given(method("DELETE"))
        .and(header("authorization", "Bearer tok_123"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    client.delete_lead("x").await.unwrap();
}

#[tokio::test]
async fn path_parameters_stay_one_segment() {
    let (server, client) = setup().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .mount(&server)
        .await;
    client.delete_lead("a/b?c=d#e f").await.unwrap();
    client.delete_lead("..x").await.unwrap();
    for id in ["..", "."] {
        let error = client
            .delete_lead(id)
            .await
            .expect_err("dot segments would climb the path");
        assert!(matches!(error, Error::Request(_)), "{error}");
    }
    // An empty id would send `DELETE /lead//`, another resource.
    let error = client.delete_lead("").await.expect_err("an empty id");
    assert!(matches!(error, Error::Request(_)), "{error}");
    assert_eq!(
        error.to_string(),
        "the request was not sent: the path parameter `id` is empty: the path would have an empty segment, which names another resource"
    );
    assert!(!error.is_retryable());
    assert!(!error.may_have_been_applied());
    assert!(error.history().is_empty());
    let requests = server.received_requests().await.unwrap();
    let paths: Vec<&str> = requests.iter().map(|r| r.url.path()).collect();
    assert_eq!(
        paths,
        ["/lead/a%2Fb%3Fc%3Dd%23e%20f/", "/lead/..x/"],
        "refused ids send nothing"
    );
    assert!(requests.iter().all(|r| r.url.query().is_none()));
}

#[tokio::test]
async fn an_invalid_body_is_a_decode_error_with_a_path() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"data": [{"id": 5}], "has_more": false}"#,
            "application/json",
        ))
        .mount(&server)
        .await;
    let error = client
        .list_leads()
        .await
        .expect_err("a number is not a lead id");
    match &error {
        Error::Decode(decode) => {
            assert_eq!(decode.status().as_u16(), 200);
            assert_eq!(decode.path(), "data[0].id");
            assert_eq!(
                decode.text(),
                r#"{"data": [{"id": 5}], "has_more": false}"#,
                "the whole body"
            );
            assert_eq!(
                decode.headers().get("content-type").unwrap(),
                "application/json"
            );
            assert_eq!(decode.history().len(), 1);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(error.may_have_been_applied());
    assert!(!error.is_retryable());
    assert!(
        std::error::Error::source(&error).is_some(),
        "the JSON error is the source"
    );
    let truncated = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(r#"{"data": ["#, "application/json"))
        .mount(&truncated)
        .await;
    let client = Client::builder()
        .basic_auth("api_key", "")
        .base_url(truncated.uri())
        .build()
        .unwrap();
    assert!(matches!(client.list_leads().await, Err(Error::Decode(_))));
}

#[test]
fn debug_output_never_shows_credentials() {
    let client = Client::new("super_secret_key").expect("the spec's server is usable");
    let shown = format!("{client:?}");
    assert!(!shown.contains("super_secret_key"), "{shown}");
    assert!(
        !shown.contains("c3VwZXJfc2VjcmV0X2tleT"),
        "the base64 form leaks too: {shown}"
    );
    let builder = Client::builder().bearer_token("tok_secret");
    assert!(!format!("{builder:?}").contains("tok_secret"));
}

#[test]
fn plain_http_is_refused_off_loopback() {
    let error = Client::builder()
        .base_url("http://api.close.com/api/v1")
        .build()
        .expect_err("plain http to a remote host");
    assert!(matches!(error, Error::Config(_)), "{error}");
    Client::builder()
        .base_url("http://api.close.com/api/v1")
        .allow_insecure_http(true)
        .build()
        .expect("opted in");
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .build()
        .expect("loopback is fine");
    Client::builder()
        .base_url("http://[::1]:9")
        .build()
        .expect("loopback is fine");
    assert_eq!(
        Client::new("k").unwrap().base_url(),
        "https://api.close.com/api/v1"
    );
}

#[test]
fn client_new_without_a_usable_server_is_an_error_not_a_panic() {
    // The collections fixture names no server: the client needs a base URL.
    let error = golden_collections::Client::new().expect_err("no base URL");
    assert!(
        matches!(&error, golden_collections::Error::Config(message) if message.contains("base_url")),
        "{error}"
    );
    golden_collections::Client::builder()
        .base_url("https://collections.example.com")
        .build()
        .expect("with a base URL it builds");
}

/// Compiles only if `T` can move into a spawned task.
fn spawnable<T: Send + 'static>(value: T) -> T {
    value
}

#[tokio::test]
async fn requests_and_streams_can_be_spawned() {
    let (server, client) = setup().await;
    let lead = data("seed-get-lead-response.json");
    Mock::given(method("GET"))
        .and(path("/lead/lead_1/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&lead))
        .expect(8)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [lead], "has_more": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/lead/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&lead))
        .expect(1)
        .mount(&server)
        .await;
    // The builders own a clone of the client and their arguments, so
    // neither the request nor the client has to outlive this scope.
    let tasks: Vec<_> = (0..8)
        .map(|_| tokio::spawn(spawnable(client.get_lead("lead_1").send())))
        .collect();
    let body = LeadCreate::default();
    let created = tokio::spawn(spawnable(std::future::IntoFuture::into_future(
        client.create_lead(body),
    )));
    let items = tokio::spawn(async move {
        use close_api::TryStreamExt;
        spawnable(client.list_leads().items())
            .try_collect::<Vec<_>>()
            .await
    });
    for task in tasks {
        let lead = task.await.expect("the task ran").expect("the lead decodes");
        assert_eq!(lead.id, "lead_IIDHIStmFcFQZZP0BRe99V1MCoXWz2PGCm6EDmR9v2O");
    }
    let items = items
        .await
        .expect("the task ran")
        .expect("the page decodes");
    assert_eq!(items.len(), 1);
    created
        .await
        .expect("the task ran")
        .expect("the created lead decodes");
}

#[tokio::test]
async fn a_selection_decodes_a_partial_lead() {
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/lead/lead_1/"))
        .and(query_param(
            "_fields",
            "id,display_name,custom.cf_abc,custom",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "lead_1",
            "display_name": "Wayne Enterprises",
            "custom.cf_abc": "Gotham"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let id = CustomFieldId::new("cf_abc").unwrap();
    let lead = client
        .get_lead("lead_1")
        .select([
            LeadField::Id,
            LeadField::DisplayName,
            LeadField::Custom(id),
            LeadField::AllCustom,
        ])
        .await
        .expect("a lead without its required fields still decodes when they were not selected");
    assert_eq!(lead.id.as_deref(), Some("lead_1"));
    assert_eq!(lead.display_name.as_deref(), Some("Wayne Enterprises"));
    assert_eq!(lead.date_created, None);
    assert_eq!(lead.custom.get_str("cf_abc"), Some("Gotham"));

    // Without a selection the full type is expected, so the same body fails
    // to decode, and says where.
    Mock::given(method("GET"))
        .and(path("/lead/lead_2/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "lead_2"})))
        .mount(&server)
        .await;
    match client.get_lead("lead_2").await {
        Err(Error::Decode(decode)) => {
            assert!(decode.message().contains("missing field"), "{decode}")
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_selection_applies_to_every_page() {
    use close_api::TryStreamExt;
    let (server, client) = setup().await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .and(query_param("_fields", "id"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"data": [{"id": "a"}, {"id": "b"}], "has_more": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let ids: Vec<Option<String>> = client
        .list_leads()
        .select([LeadField::Id])
        .items()
        .map_ok(|lead| lead.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, [Some("a".to_owned()), Some("b".to_owned())]);
}

#[tokio::test]
async fn every_documented_error_status_is_typed_or_explained() {
    let (server, _) = setup().await;
    let cases: [(&str, ResponseTemplate); 4] = [
        (
            "lead_402",
            ResponseTemplate::new(402).set_body_json(json!({"error": "Plan limit reached."})),
        ),
        (
            "lead_403",
            ResponseTemplate::new(403).set_body_raw("Forbidden", "text/plain"),
        ),
        (
            "lead_500",
            ResponseTemplate::new(500).set_body_json(json!({"error": "Oops."})),
        ),
        (
            "lead_429",
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "7")
                .set_body_json(json!({"error": {"rate_reset": 6.5, "message": "slow down"}})),
        ),
    ];
    for (id, response) in cases {
        Mock::given(method("DELETE"))
            .and(path(format!("/lead/{id}/")))
            .respond_with(response)
            .mount(&server)
            .await;
    }
    let client = Client::builder()
        .basic_auth("api_key", "")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .unwrap();
    let error = |id: &'static str| {
        let client = client.clone();
        async move { client.delete_lead(id).await.expect_err("an error status") }
    };

    let e = error("lead_402").await;
    assert!(matches!(
        e.api_error().unwrap().body_typed(),
        Some(ErrorBody::ErrorResponse(_))
    ));
    assert_eq!(e.to_string(), "the server answered 402 Payment Required: Plan limit reached. (a limit of the account's plan was reached)");

    let e = error("lead_403").await;
    assert_eq!(
        e.api_error().unwrap().body_typed(),
        None,
        "plain text has no typed body"
    );
    assert_eq!(e.api_error().unwrap().text(), "Forbidden");
    assert_eq!(
        e.to_string(),
        "the server answered 403 Forbidden: Forbidden (the credentials are not allowed to do this)"
    );

    let e = error("lead_500").await;
    assert!(matches!(
        e.api_error().unwrap().body_typed(),
        Some(ErrorBody::ErrorResponse(_))
    ));
    assert!(
        !e.is_retryable(),
        "500 is not one of the statuses worth retrying"
    );

    let e = error("lead_429").await;
    let api = e.api_error().unwrap();
    let Some(ErrorBody::RateLimitErrorResponse(body)) = api.body_typed() else {
        panic!(
            "expected the legacy 429 body typed, got {:?}",
            api.body_typed()
        )
    };
    assert!(body.error.is_some());
    assert_eq!(
        api.retry_after(),
        Some(std::time::Duration::from_secs(7)),
        "Retry-After comes before the legacy body"
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn configuration_reaches_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/lead/"))
        .and(header("x-tz-offset", "-4"))
        .and(header("user-agent", "my-app/1.0"))
        .and(header("authorization", "Bearer tok"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"data": [], "has_more": false})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let own_client = reqwest::Client::builder().build().unwrap();
    let client = Client::builder()
        .base_url(format!("{}/", server.uri()))
        .bearer_token("tok")
        .default_header("x-tz-offset", "-4")
        .user_agent("my-app/1.0")
        .http_client(own_client)
        .timeout(std::time::Duration::from_secs(10))
        .connect_timeout(std::time::Duration::from_secs(5))
        .build()
        .unwrap();
    client
        .list_leads()
        .await
        .expect("a trailing slash on the base URL is fine");
    assert!(matches!(
        Client::builder().default_header("bad header", "x").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder().bearer_token("line\nbreak").build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        Client::builder().base_url("ftp://example.com").build(),
        Err(Error::Config(_))
    ));
    let shown = format!(
        "{:?}",
        Client::builder().basic_auth("alice_login", "hunter2")
    );
    assert!(
        !shown.contains("hunter2") && !shown.contains("alice_login"),
        "{shown}"
    );
}

#[tokio::test]
async fn a_client_without_credentials_refuses_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(data("seed-get-lead-response.json")))
        .mount(&server)
        .await;
    // Every operation of the Close spec needs HTTP Basic or a bearer token:
    // without either, a call fails before anything is sent, naming both.
    let bare = Client::builder().base_url(server.uri()).build().unwrap();
    let error = bare.get_lead("lead_1").await.expect_err("no credentials");
    assert!(matches!(error, Error::Config(_)), "{error:?}");
    let shown = error.to_string();
    assert!(
        shown.contains("GET /lead/{id}/")
            && shown.contains("basic_auth")
            && shown.contains("bearer_token"),
        "{shown}"
    );
    assert!(error.history().is_empty() && !error.may_have_been_applied());
    assert!(server.received_requests().await.unwrap().is_empty());

    // Credentials the caller put in a default header count: they are sent.
    let by_header = Client::builder()
        .base_url(server.uri())
        .default_header("authorization", BASIC)
        .build()
        .unwrap();
    by_header
        .get_lead("lead_1")
        .await
        .expect("sent with the default header");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(only_request(&requests).headers["authorization"], BASIC);

    // The other alternative will do as well.
    let bearer = Client::builder()
        .base_url(server.uri())
        .bearer_token("tok")
        .build()
        .unwrap();
    bearer
        .get_lead("lead_1")
        .await
        .expect("a bearer token will do");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[1].headers["authorization"], "Bearer tok");
}
