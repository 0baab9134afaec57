//! Operations sent to servers of their own (`servers` on an operation or a
//! path) and operations that need different credentials (`security` of
//! their own), against real HTTP servers on loopback: each request goes to
//! its operation's server with the credentials its operation names, and
//! nothing is sent when the client was not given them.

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

/// The requests a mock received: path, `Authorization`, `X-Api-Key`,
/// `Cookie` and query string.
async fn seen(server: &MockServer) -> Vec<[String; 5]> {
    let header = |r: &wiremock::Request, name: &str| {
        r.headers
            .get(name)
            .map(|v| v.to_str().unwrap_or("?").to_owned())
            .unwrap_or_default()
    };
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| {
            [
                r.url.path().to_owned(),
                header(r, "authorization"),
                header(r, "x-api-key"),
                header(r, "cookie"),
                r.url.query().unwrap_or("").to_owned(),
            ]
        })
        .collect()
}

fn row(path: &str, authorization: &str, key: &str, cookie: &str, query: &str) -> [String; 5] {
    [path, authorization, key, cookie, query].map(str::to_owned)
}

#[tokio::test]
async fn each_operation_sends_the_credentials_its_security_names() {
    use golden_operation_security::{Client, Error};
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/projects"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["p"])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/admin/report"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("report", "text/plain"))
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // Every scheme the spec defines, at once.
    let everything = Client::builder()
        .base_url(server.uri())
        .bearer_token("tok")
        .api_key_header("X-Api-Key", "h3ader")
        .api_key_query("partner", "p4rtner")
        .api_key_cookie("session", "s3ssion")
        .basic_auth("ada", "pw")
        .build()
        .unwrap();
    // Basic took the bearer token's place: both are `Authorization`.
    everything.list_projects().await.unwrap_err();
    let everything = Client::builder()
        .base_url(server.uri())
        .basic_auth("ada", "pw")
        .bearer_token("tok")
        .api_key_header("X-Api-Key", "h3ader")
        .api_key_query("partner", "p4rtner")
        .api_key_cookie("session", "s3ssion")
        .build()
        .unwrap();
    assert_eq!(everything.list_projects().await.unwrap(), ["p"]);
    everything.get_status().await.unwrap();
    everything.create_webhook().await.unwrap();
    everything.get_profile().await.unwrap();
    everything.get_session().theme("dark").await.unwrap();
    everything.legacy().await.unwrap();
    assert!(
        seen(&server).await.iter().all(|r| r[0] != "/admin/report"),
        "nothing was sent for the report yet"
    );
    assert_eq!(
        seen(&server).await,
        [
            row("/projects", "Bearer tok", "", "", ""),
            row("/status", "", "", "", ""),
            row("/webhooks", "", "h3ader", "", ""),
            row("/profile", "Bearer tok", "", "", ""),
            row("/session", "", "", "session=s3ssion; theme=dark", ""),
            row("/legacy", "", "", "", ""),
        ]
    );
    // Basic and the partner key go together; the bearer token is replaced.
    let admin = Client::builder()
        .base_url(server.uri())
        .bearer_token("tok")
        .basic_auth("ada", "pw")
        .api_key_query("partner", "p4rtner")
        .build()
        .unwrap();
    assert_eq!(admin.admin_report().await.unwrap(), "report");
    let last = seen(&server).await.pop().unwrap();
    assert_eq!(
        last,
        row("/admin/report", "Basic YWRhOnB3", "", "", "partner=p4rtner")
    );

    // Without what an operation needs, nothing is sent.
    let sent = seen(&server).await.len();
    let bare = Client::builder().base_url(server.uri()).build().unwrap();
    for error in [
        bare.list_projects().await.unwrap_err(),
        bare.create_webhook().await.unwrap_err(),
        admin.create_webhook().await.unwrap_err(),
    ] {
        assert!(
            matches!(&error, Error::Config(message) if message.contains("which the client was not given")),
            "{error:?}"
        );
    }
    let half = Client::builder()
        .base_url(server.uri())
        .basic_auth("ada", "pw")
        .build()
        .unwrap();
    let error = half.admin_report().await.unwrap_err();
    assert!(
        error.to_string().contains(
            "HTTP Basic (`basic_auth`) and the API key query parameter `partner` (`api_key_query`)"
        ),
        "{error}"
    );
    assert_eq!(
        seen(&server).await.len(),
        sent,
        "a refused request reached the server"
    );
    // Optional credentials, and none: sent without any.
    bare.get_profile().await.unwrap();
    bare.get_status().await.unwrap();
    let rows = seen(&server).await;
    assert_eq!(
        rows[sent..],
        [
            row("/profile", "", "", "", ""),
            row("/status", "", "", "", "")
        ]
    );

    let shown = format!("{everything:?}");
    for secret in ["tok", "h3ader", "p4rtner", "s3ssion", "YWRh"] {
        assert!(!shown.contains(secret), "{shown}");
    }
}
