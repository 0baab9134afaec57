//! The golden fixtures' clients against a real HTTP server on loopback: the
//! encodings and security schemes the Close spec does not use (forms, text
//! and bytes, multipart, cookies, query styles, API keys), each checked on
//! the wire.

use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn form_bodies_go_out_as_forms() {
    use golden_operations::types::{CreateChargeBody, CreateChargeBodyItemsItem};
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/charges"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "ch_1"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let body = CreateChargeBody::new(2000)
        .with_description("Tea & cake")
        .with_status_callback_event(vec!["initiated".into(), "ringing".into()])
        .with_metadata(
            [("order".to_owned(), "6735".to_owned())]
                .into_iter()
                .collect(),
        )
        .with_items(vec![CreateChargeBodyItemsItem::new()
            .with_price("price_1")
            .with_quantity(2)]);
    let charge = client
        .create_charge(body.clone())
        .await
        .expect("the charge decodes");
    assert_eq!(charge.id.as_deref(), Some("ch_1"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        String::from_utf8_lossy(&requests[0].body),
        "amount=2000&description=Tea+%26+cake&items%5B0%5D%5Bprice%5D=price_1&items%5B0%5D%5Bquantity%5D=2\
         &metadata%5Border%5D=6735&status_callback_event=initiated&status_callback_event=ringing"
    );
}

#[tokio::test]
async fn text_and_binary_bodies_pass_as_they_are() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/health"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("all good", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/files/a%20b.bin"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(vec![0u8, 159, 255], "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let text: String = client.health().await.unwrap();
    assert_eq!(text, "all good");
    let bytes: Vec<u8> = client.upload_file("a b.bin", [1, 2, 3]).await.unwrap();
    assert_eq!(bytes, [0, 159, 255]);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.last().unwrap().body, [1, 2, 3]);
}

#[tokio::test]
async fn api_keys_go_where_the_spec_says_and_never_into_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/me"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "ada"})))
        .mount(&server)
        .await;
    // `Client::new` uses the spec's first scheme: a key in the query string.
    let in_query = golden_security::Client::builder()
        .base_url(server.uri())
        .api_key_query("api_key", "s3cret")
        .build()
        .unwrap();
    in_query.whoami().await.unwrap();
    let in_header = golden_security::Client::builder()
        .base_url(server.uri())
        .api_key_header("X-Api-Key", "h3ader")
        .build()
        .unwrap();
    in_header.whoami().await.unwrap();
    let in_cookie = golden_security::Client::builder()
        .base_url(server.uri())
        .api_key_cookie("session", "c00kie")
        .build()
        .unwrap();
    in_cookie.whoami().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.query(), Some("api_key=s3cret"));
    assert_eq!(requests[1].headers.get("x-api-key").unwrap(), "h3ader");
    assert_eq!(requests[2].headers.get("cookie").unwrap(), "session=c00kie");
    for client in [&in_query, &in_header, &in_cookie] {
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("s3cret") && !shown.contains("h3ader") && !shown.contains("c00kie"),
            "{shown}"
        );
    }
    assert!(
        golden_security::Client::new("k").is_ok(),
        "the first scheme builds a client"
    );

    // A failed connection reports no URL, which would hold the key.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = golden_security::Client::builder()
        .base_url(url)
        .api_key_query("api_key", "s3cret")
        .max_retries(0)
        .build()
        .unwrap();
    let error = client.whoami().await.expect_err("nobody listens");
    assert!(
        !error.to_string().contains("s3cret") && !format!("{error:?}").contains("s3cret"),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_success_without_a_body_is_none_and_different_successes_stay_json() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/collaborators/ada"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": 7})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/collaborators/bob"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/jobs"))
        .respond_with(ResponseTemplate::new(202).set_body_json(json!({"queue_position": 3})))
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let invited = client.add_collaborator("ada").await.unwrap();
    assert_eq!(invited.map(|item| item.id), Some(7));
    assert!(
        client.add_collaborator("bob").await.unwrap().is_none(),
        "204 has no body"
    );
    let queued: serde_json::Value = client.start_job().await.unwrap();
    assert_eq!(queued["queue_position"], 3);
}

#[tokio::test]
async fn cookie_parameters_are_sent_as_cookies() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/"))
        .and(header("cookie", "theme=dark"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    client.list_items(false).theme("dark").await.unwrap();
}

#[tokio::test]
async fn multipart_bodies_carry_text_and_files_and_survive_a_retry() {
    use golden_operations::Multipart;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/uploads"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 9})))
        .with_priority(2)
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    let body = Multipart::new().text("purpose", "fine-tune").file(
        "file",
        "train.jsonl",
        b"{\"a\":1}\n".to_vec(),
    );
    let item = client.create_upload(body.clone()).await.unwrap();
    assert_eq!(item.id, 9);
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2, "the 429 was retried");
    assert_eq!(
        requests[0].body, requests[1].body,
        "the retry sent the same body"
    );
    let content_type = requests[1]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .expect("a multipart content type");
    let text = String::from_utf8(requests[1].body.clone()).unwrap();
    assert!(
        text.contains("name=\"purpose\"\r\n\r\nfine-tune\r\n"),
        "{text}"
    );
    assert!(text.contains("name=\"file\"; filename=\"train.jsonl\"\r\nContent-Type: application/octet-stream\r\n\r\n{\"a\":1}\n\r\n"), "{text}");
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn query_styles_join_arrays_and_nest_objects() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items/"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": []})))
        .mount(&server)
        .await;
    let client = golden_operations::Client::builder()
        .base_url(server.uri())
        .bearer_token("t")
        .build()
        .unwrap();
    client
        .list_items(true)
        .ids(vec![1, 2, 3])
        .tag(vec!["a".into(), "b".into()])
        .filter(
            [
                ("status".to_owned(), "open".to_owned()),
                ("owner".to_owned(), "ada".to_owned()),
            ]
            .into_iter()
            .collect(),
        )
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("tag=a&tag=b&include_archived=true&ids=1%2C2%2C3&filter%5Bowner%5D=ada&filter%5Bstatus%5D=open")
    );
}
