//! Operations sent to servers of their own (`servers` on an operation or a
//! path) against real HTTP servers on loopback: each request goes to its
//! operation's server, and the client builder can send each server's
//! operations elsewhere.

use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn each_operation_goes_to_its_server_and_each_server_can_be_moved() {
    let base = MockServer::start().await;
    let upload = MockServer::start().await;
    let download = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"id": "f1"}])))
        .expect(1)
        .mount(&base)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/files/f1/content"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&base)
        .await;
    // The upload server's path (`/api/2.0`) is part of its URL, which the
    // builder replaces whole.
    Mock::given(method("POST"))
        .and(path("/files/content"))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "f2"})))
        .expect(1)
        .mount(&upload)
        .await;
    Mock::given(method("PUT"))
        .and(path("/files/f2/content"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "f2"})))
        .expect(1)
        .mount(&upload)
        .await;
    Mock::given(method("GET"))
        .and(path("/files/f2/content"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(vec![1u8, 2], "application/octet-stream"),
        )
        .expect(1)
        .mount(&download)
        .await;
    let client = golden_servers::Client::builder()
        .base_url(base.uri())
        .server_url(golden_servers::Server::Upload, upload.uri())
        .server_url(golden_servers::Server::Dl, format!("{}/", download.uri()))
        .build()
        .unwrap();
    assert_eq!(client.list_files().await.unwrap().len(), 1);
    let stored = client.upload_file(vec![7u8]).await.unwrap();
    assert_eq!(stored.id.as_deref(), Some("f2"));
    client.replace_file("f2", vec![8u8]).await.unwrap();
    assert_eq!(client.download_file("f2").await.unwrap(), vec![1u8, 2]);
    client.delete_file("f1").await.unwrap();
    // Every mock saw exactly its requests (`expect(1)`, checked on drop).
}

#[tokio::test]
async fn a_server_defaults_to_the_url_the_spec_gives_it() {
    use golden_servers::Server;
    assert_eq!(
        Server::Upload.default_url(),
        Some("https://upload.example.com/api/2.0")
    );
    assert_eq!(Server::Dl.default_url(), Some("https://dl.example.com"));
    // A server URL the client may not use is refused when the client is
    // built, as the base URL is.
    let refused = golden_servers::Client::builder()
        .server_url(Server::Dl, "http://files.example.com")
        .build()
        .unwrap_err();
    assert!(
        refused
            .to_string()
            .contains("plain http to a host other than loopback"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_server_without_a_usable_url_is_an_error_before_sending() {
    use golden_servers::{Error, Server};
    let base = MockServer::start().await;
    let reports = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/reports"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("ok", "text/plain"))
        .expect(1)
        .mount(&reports)
        .await;
    assert_eq!(Server::ReportsHost.default_url(), None);
    let client = golden_servers::Client::builder()
        .base_url(base.uri())
        .build()
        .unwrap();
    let error = client.get_report().await.unwrap_err();
    assert!(
        matches!(&error, Error::Config(message) if message.contains("ReportsHost") && message.contains("server_url")),
        "{error:?}"
    );
    assert!(base.received_requests().await.unwrap().is_empty());
    let client = golden_servers::Client::builder()
        .base_url(base.uri())
        .server_url(Server::ReportsHost, reports.uri())
        .build()
        .unwrap();
    assert_eq!(client.get_report().await.unwrap(), "ok");
}
