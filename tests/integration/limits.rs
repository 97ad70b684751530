//! Limits checked before execution: each is refused one over and passes at the limit, with a
//! coded error naming it, and a refused request runs no SQL. Rate limits by cost, per caller.

use crate::common::TestApp;
use crate::fixtures::*;
use serde_json::{json, Value};

/// Sends a raw body and returns status, headers and JSON.
async fn post(app: &TestApp, body: Value) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app.client.post(&app.url).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

fn limit_of(body: &Value) -> (&str, &str) {
    let ext = &body["errors"][0]["extensions"];
    (
        ext["code"].as_str().unwrap_or_else(|| panic!("{body}")),
        ext["limit"].as_str().unwrap_or(""),
    )
}

/// Asserts the query is refused naming `limit`, without touching the database.
async fn refused(app: &TestApp, query: &str, limit: &str) {
    let before = app.statements();
    let reply = app.gql(None, query, json!({})).await;
    assert_eq!(
        limit_of(&reply.body),
        ("LIMIT_EXCEEDED", limit),
        "{query}: {}",
        reply.body
    );
    assert!(reply.body.get("data").is_none(), "{}", reply.body);
    assert_eq!(
        app.statements(),
        before,
        "{query}: SQL ran before the refusal"
    );
}

async fn passes(app: &TestApp, query: &str) {
    app.gql(None, query, json!({})).await.data();
}

#[tokio::test]
async fn depth_is_limited() {
    let app = TestApp::with_config(|c| c.limits.max_depth = 4).await;
    passes(&app, "{ partnerships { edges { node { slug } } } }").await;
    refused(
        &app,
        "{ partnerships { edges { node { boards { totalCount } } } } }",
        "maxDepth",
    )
    .await;
}

#[tokio::test]
async fn cost_is_page_size_times_what_each_row_selects() {
    let app = TestApp::with_config(|c| c.limits.max_cost = 100).await;
    // 1 + 33 rows × (edges + node + name) = 100.
    passes(&app, "{ boards(first: 33) { edges { node { name } } } }").await;
    refused(
        &app,
        "{ boards(first: 34) { edges { node { name } } } }",
        "maxCost",
    )
    .await;
    // Without `first` a page is 20 rows: nesting multiplies.
    refused(
        &app,
        "{ boards { edges { node { meetings { edges { node { venue } } } } } } }",
        "maxCost",
    )
    .await;
}

#[tokio::test]
async fn aliases_and_root_fields_are_limited() {
    let app = TestApp::with_config(|c| {
        c.limits.max_aliases = 2;
        c.limits.max_root_fields = 3;
    })
    .await;
    passes(
        &app,
        "{ a: partnerships { totalCount } b: partnerships { totalCount } }",
    )
    .await;
    refused(
        &app,
        "{ a: partnerships { totalCount } b: partnerships { totalCount } c: partnerships { totalCount } }",
        "maxAliases",
    )
    .await;
    // Aliases hidden in a fragment count too.
    refused(
        &app,
        "query { ...F } fragment F on QueryRoot { x: boards { totalCount } y: boards { totalCount } z: boards { totalCount } }",
        "maxAliases",
    )
    .await;
    passes(
        &app,
        "{ partnerships { totalCount } boards { totalCount } meetings { totalCount } }",
    )
    .await;
    refused(
        &app,
        "{ partnerships { totalCount } boards { totalCount } meetings { totalCount } strategies { totalCount } }",
        "maxRootFields",
    )
    .await;
}

#[tokio::test]
async fn document_and_body_sizes_are_limited_and_batches_refused() {
    let app = TestApp::with_config(|c| {
        c.limits.max_document_bytes = 100;
        c.limits.max_body_bytes = 1_000;
    })
    .await;
    let base = "{ partnerships { totalCount } }";
    let at_limit = format!("{base}{}", " ".repeat(100 - base.len()));
    passes(&app, &at_limit).await;
    refused(&app, &format!("{at_limit} "), "maxDocumentBytes").await;

    let (status, _, _) = post(
        &app,
        json!({ "query": base, "variables": { "pad": "x".repeat(1_000) } }),
    )
    .await;
    assert_eq!(status, 413, "a body over the limit");

    let (status, _, body) = post(&app, json!([{ "query": base }, { "query": base }])).await;
    assert_eq!(status, 400);
    assert_eq!(body["errors"][0]["extensions"]["code"], "BAD_REQUEST");
}

#[tokio::test]
async fn callers_spend_a_budget_by_cost_and_see_what_is_left() {
    let app = TestApp::with_config(|c| {
        c.limits.rate_per_minute = 50;
        c.limits.anonymous_rate_per_minute = 20;
    })
    .await;
    World::build(app.db()).await;
    // Costs 1 + 4 × 3 = 13.
    let q = json!({ "query": "{ boards(first: 4) { edges { node { name } } } }" });
    let send = |subject: Option<&str>| {
        let mut request = app.client.post(&app.url).json(&q);
        if let Some(s) = subject {
            request = request.bearer_auth(app.token(s));
        }
        request.send()
    };
    let mut remaining = Vec::new();
    for _ in 0..3 {
        let r = send(Some(MEMBER)).await.unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["ratelimit-limit"], "50");
        remaining.push(
            r.headers()["ratelimit-remaining"]
                .to_str()
                .unwrap()
                .parse::<u32>()
                .unwrap(),
        );
    }
    assert!(remaining.windows(2).all(|w| w[1] < w[0]), "{remaining:?}");
    let over = send(Some(MEMBER)).await.unwrap();
    assert_eq!(over.status(), 429);
    let wait: u64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&wait), "{wait}");
    let body: Value = over.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "RATE_LIMITED");
    // Another person has a budget of their own; anonymous callers share their address's.
    assert_eq!(send(Some(CLEARED)).await.unwrap().status(), 200);
    assert_eq!(send(None).await.unwrap().status(), 200);
    assert_eq!(send(None).await.unwrap().status(), 429);

    let metrics = app
        .client
        .get(format!("{}/metrics", app.base()))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("csp_rate_limited_total"), "{metrics}");
}

/// Sends a document asking for `application/graphql-response+json`, where a request that cannot
/// run is 400.
async fn post_graphql_response(app: &TestApp, body: Value) -> (u16, Value) {
    let response = app
        .client
        .post(&app.url)
        .header("Accept", "application/graphql-response+json")
        .json(&body)
        .send()
        .await
        .unwrap();
    (
        response.status().as_u16(),
        response.json().await.unwrap_or(Value::Null),
    )
}

#[tokio::test]
async fn a_directive_is_used_at_most_once_per_location() {
    let app = TestApp::spawn().await;
    let fifty = " @skip(if: false)".repeat(50);
    let twice = "@skip(if: false) @skip(if: false)";
    let refused = [
        format!("{{ __typename{fifty} }}"),
        "{ partnerships { __typename @include(if: true) @include(if: true) } }".to_string(),
        format!("{{ partnerships {twice} {{ totalCount }} }}"),
        format!("query {{ ...F {twice} }} fragment F on QueryRoot {{ __typename }}"),
        format!("query {{ ... {twice} {{ __typename }} }}"),
        format!("query {{ ... on QueryRoot {twice} {{ __typename }} }}"),
        format!("query Q {twice} {{ __typename }}"),
        format!("query {{ ...F }} fragment F on QueryRoot {twice} {{ __typename }}"),
    ];
    for query in &refused {
        let (status, body) = post_graphql_response(&app, json!({ "query": query })).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
            "{query}: {body}"
        );
        assert!(body.get("data").is_none(), "{body}");
        let message = body["errors"][0]["message"].as_str().unwrap_or("");
        assert!(message.contains("only be used once"), "{query}: {body}");
    }
    // In an operation other than the one run, too: the rule is about the whole document.
    let (status, body) = post_graphql_response(
        &app,
        json!({ "query": format!("query A {{ __typename }} query B {{ __typename{fifty} }}"), "operationName": "A" }),
    )
    .await;
    assert_eq!(status, 400, "{body}");
    // Different directives on one field are fine.
    for query in [
        "{ __typename @skip(if: false) @include(if: true) }",
        "{ partnerships @skip(if: false) @include(if: true) { totalCount } }",
    ] {
        let (status, body) = post_graphql_response(&app, json!({ "query": query })).await;
        assert_eq!(status, 200, "{query}: {body}");
        assert!(body["data"].is_object(), "{query}: {body}");
    }
}
