//! GraphQL over HTTP: methods, media types and status codes as the specification says; CORS,
//! persisted queries, health, readiness and metrics.

use crate::common::TestApp;
use reqwest::header::{ACCEPT, CONTENT_TYPE};
use serde_json::{json, Value};

const GQL_RESPONSE: &str = "application/graphql-response+json";

#[tokio::test]
async fn posts_must_be_json_and_mutations_need_post() {
    let app = TestApp::spawn().await;
    let form = app
        .client
        .post(&app.url)
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("query=%7B__typename%7D")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 415, "a cross-site form post is refused");
    let text = app
        .client
        .post(&app.url)
        .header(CONTENT_TYPE, "text/plain")
        .body(r#"{"query":"{ __typename }"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);

    let get_mutation = app
        .client
        .get(&app.url)
        .query(&[(
            "query",
            "mutation { approveMinutes(meetingId: \"x\") { id } }",
        )])
        .send()
        .await
        .unwrap();
    assert_eq!(get_mutation.status(), 405);
    assert_eq!(get_mutation.headers()["allow"], "POST");
    let body: Value = get_mutation.json().await.unwrap();
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "METHOD_NOT_ALLOWED"
    );

    let get_query = app
        .client
        .get(&app.url)
        .query(&[("query", "{ partnerships { totalCount } }")])
        .send()
        .await
        .unwrap();
    assert_eq!(get_query.status(), 200);
    // Answers depend on who asks: never cached.
    assert_eq!(get_query.headers()["cache-control"], "no-store, private");
    assert!(get_query.headers()["vary"]
        .to_str()
        .unwrap()
        .contains("Authorization"));

    let put = app.client.put(&app.url).send().await.unwrap();
    assert_eq!(put.status(), 405);
    assert!(put.headers()["allow"].to_str().unwrap().contains("POST"));
}

#[tokio::test]
async fn the_response_type_and_status_follow_accept() {
    let app = TestApp::spawn().await;
    let send = |accept: Option<&'static str>, query: &'static str| {
        let mut request = app.client.post(&app.url).json(&json!({ "query": query }));
        if let Some(a) = accept {
            request = request.header(ACCEPT, a);
        }
        request.send()
    };
    // Legacy clients: application/json and 200, even for a request error.
    for accept in [None, Some("application/json"), Some("*/*")] {
        let ok = send(accept, "{ __typename }").await.unwrap();
        assert_eq!(ok.status(), 200);
        assert!(ok.headers()[CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("application/json"));
        let bad = send(accept, "{").await.unwrap();
        assert_eq!(bad.status(), 200, "{accept:?}");
    }
    // graphql-response+json: 400 and no `data` for a request error.
    let ok = send(Some(GQL_RESPONSE), "{ __typename }").await.unwrap();
    assert_eq!(ok.status(), 200);
    assert!(ok.headers()[CONTENT_TYPE]
        .to_str()
        .unwrap()
        .starts_with(GQL_RESPONSE));
    for query in ["{", "{ noSuchField }"] {
        let bad = send(Some(GQL_RESPONSE), query).await.unwrap();
        assert_eq!(bad.status(), 400, "{query}");
        let body: Value = bad.json().await.unwrap();
        assert!(body.get("data").is_none(), "{body}");
        assert!(body["errors"][0]["message"].is_string());
    }
    // A field error is not a request error: execution started.
    let field_error = send(Some(GQL_RESPONSE), r#"{ node(id: "not-an-id") { id } }"#)
        .await
        .unwrap();
    let status = field_error.status().as_u16();
    let body: Value = field_error.json().await.unwrap();
    assert!(
        status == 200 || body.get("data").is_none(),
        "{status} {body}"
    );

    let html_only = send(Some("text/html"), "{ __typename }").await.unwrap();
    assert_eq!(html_only.status(), 406);

    let no_query = app
        .client
        .post(&app.url)
        .json(&json!({ "qeury": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(no_query.status(), 400);
}

#[tokio::test]
async fn persisted_queries_are_sent_by_hash_and_cannot_smuggle_a_mutation_over_get() {
    let app = TestApp::spawn().await;
    let query = "{ partnerships { totalCount } }";
    let hash = "9f46aeb0cf3a9f0f69b8aa5226392f187d2ee12ab9b473e116901b448a0b3166";
    let ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let unknown: Value = app
        .client
        .post(&app.url)
        .json(&json!({ "extensions": ext }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(unknown["errors"][0]["message"], "PersistedQueryNotFound");
    let registered: Value = app
        .client
        .post(&app.url)
        .json(&json!({ "query": query, "extensions": ext }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(registered["data"]["partnerships"]["totalCount"], 0);
    let by_hash = app
        .client
        .get(&app.url)
        .query(&[("extensions", ext.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(by_hash.status(), 200);
    let body: Value = by_hash.json().await.unwrap();
    assert_eq!(body["data"]["partnerships"]["totalCount"], 0, "{body}");

    // A mutation registered by POST and replayed by hash over GET is still refused: the
    // method check runs on the document the hash stands for.
    let mutation = "mutation { approveMinutes(meetingId: \"TWVldGluZzowMTk\") { id } }";
    let mutation_ext = json!({ "persistedQuery": { "version": 1, "sha256Hash": "dbc2b6ae596af440ee7f320a6ef6d51d0be778c4ec1aa1b14fa973d412ace606" } });
    app.client
        .post(&app.url)
        .json(&json!({ "query": mutation, "extensions": mutation_ext }))
        .send()
        .await
        .unwrap();
    let smuggled = app
        .client
        .get(&app.url)
        .query(&[("extensions", mutation_ext.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(smuggled.status(), 405);
    assert_eq!(smuggled.headers()["allow"], "POST");
}

#[tokio::test]
async fn cors_allows_only_configured_origins_without_credentials() {
    let app = TestApp::with_config(|c| {
        c.cors_origins = vec!["https://intranet.example.gov.uk".into()];
    })
    .await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, &app.url)
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header(
                "Access-Control-Request-Headers",
                "authorization, content-type",
            )
            .send()
    };
    let allowed = preflight("https://intranet.example.gov.uk").await.unwrap();
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://intranet.example.gov.uk"
    );
    assert!(allowed
        .headers()
        .get("access-control-allow-credentials")
        .is_none());
    let other = preflight("https://evil.example.com").await.unwrap();
    assert!(other.headers().get("access-control-allow-origin").is_none());
}

#[tokio::test]
async fn health_readiness_metrics_and_request_ids() {
    let app = TestApp::spawn().await;
    let get = |path: &str| app.client.get(format!("{}{path}", app.base())).send();
    assert_eq!(get("/healthz").await.unwrap().status(), 200);
    let ready = get("/readyz").await.unwrap();
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.text().await.unwrap(), "ready");

    let reply = app
        .client
        .post(&app.url)
        .json(&json!({ "query": "query Dashboard { partnerships { totalCount } }", "operationName": "Dashboard" }))
        .send()
        .await
        .unwrap();
    assert!(reply.headers().get("x-request-id").is_some());
    app.gql(None, "{ nope }", json!({})).await;
    let metrics = get("/metrics").await.unwrap().text().await.unwrap();
    for expected in [
        "csp_graphql_requests_total{operation=\"Dashboard\"}",
        "csp_graphql_request_duration_seconds_bucket{operation=\"Dashboard\"",
        "csp_graphql_errors_total{code=\"GRAPHQL_VALIDATION_FAILED\"}",
        "csp_db_pool_connections{state=\"in_use\"}",
        "csp_db_pool_max_connections",
    ] {
        assert!(
            metrics.contains(expected),
            "{expected} missing from\n{metrics}"
        );
    }
}
