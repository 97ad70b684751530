//! Tokens: a bad token is 401 UNAUTHENTICATED, never the public view.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::auth::Claims;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

fn sign(claims: &Claims, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

fn claims(sub: &str) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: sub.into(),
        iss: "csp-hub-dev".into(),
        aud: "csp-hub".into(),
        exp: now + 600,
        nbf: now,
        iat: now,
    }
}

#[tokio::test]
async fn bad_tokens_are_refused_with_401() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let secret = api::config::DEV_JWT_SECRET;
    let now = chrono::Utc::now().timestamp();
    let alg_none = {
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"JWT"}"#);
        let body = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&claims(CLEARED)).unwrap());
        format!("{header}.{body}.")
    };
    let cases = [
        ("garbage", "not-a-token".to_string()),
        ("alg none", alg_none),
        (
            "wrong secret",
            sign(
                &claims(CLEARED),
                "another-secret-that-is-long-enough-0123456789",
            ),
        ),
        (
            "expired",
            sign(
                &Claims {
                    exp: now - 3600,
                    ..claims(CLEARED)
                },
                secret,
            ),
        ),
        (
            "not yet valid",
            sign(
                &Claims {
                    nbf: now + 3600,
                    ..claims(CLEARED)
                },
                secret,
            ),
        ),
        (
            "wrong issuer",
            sign(
                &Claims {
                    iss: "someone-else".into(),
                    ..claims(CLEARED)
                },
                secret,
            ),
        ),
        (
            "wrong audience",
            sign(
                &Claims {
                    aud: "other-api".into(),
                    ..claims(CLEARED)
                },
                secret,
            ),
        ),
        (
            "unknown subject",
            sign(&claims("nobody-by-this-name"), secret),
        ),
    ];
    for (label, token) in cases {
        let reply = app
            .gql_with_token(Some(&token), "{ partnerships { totalCount } }", json!({}))
            .await;
        assert_eq!(reply.status, 401, "{label}: {}", reply.body);
        assert_eq!(reply.error_code(), "UNAUTHENTICATED", "{label}");
        assert!(
            reply.body["data"].is_null(),
            "{label}: no data, not even the public view"
        );
    }
}

#[tokio::test]
async fn a_valid_token_identifies_the_person_and_no_token_is_the_public_view() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let me = app
        .gql(
            Some(CLEARED),
            "{ viewer { signedIn person { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(me.status, 200);
    assert_eq!(
        me.data()["viewer"]["person"]["name"],
        format!("Person {CLEARED}")
    );
    let anon = app
        .gql(None, "{ viewer { signedIn person { name } } }", json!({}))
        .await;
    assert_eq!(
        anon.data()["viewer"],
        json!({ "signedIn": false, "person": null })
    );
}

/// A correctly signed development token for `sub`, padded with an extra claim of `pad` bytes.
fn padded_token(sub: &str, pad: usize) -> String {
    let mut claims = serde_json::to_value(claims(sub)).unwrap();
    claims["pad"] = json!("x".repeat(pad));
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(api::config::DEV_JWT_SECRET.as_bytes()),
    )
    .unwrap()
}

/// Status and body of a request with the given bearer token.
async fn send(request: reqwest::RequestBuilder, token: &str) -> (u16, serde_json::Value) {
    let response = request.bearer_auth(token).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_authorization_header_over_8_kib_is_refused_with_431_before_it_is_decoded() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let query = "{ viewer { person { name } } }";

    // A padded token under the limit is an ordinary token.
    let fits = padded_token(CLEARED, 4 * 1024);
    assert!(fits.len() < 8 * 1024);
    let reply = app.gql_with_token(Some(&fits), query, json!({})).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert_eq!(
        reply.data()["viewer"]["person"]["name"],
        "Person marac-member-cleared"
    );

    for pad in [9 * 1024, 100 * 1024, 500 * 1024] {
        let big = padded_token(CLEARED, pad);
        let post = app.client.post(&app.url).json(&json!({ "query": query }));
        let get = app.client.get(format!("{}?query={query}", app.url));
        let export = app.client.get(format!("{}/export/actions.csv", app.base()));
        for (route, request) in [("POST", post), ("GET", get), ("export", export)] {
            let (status, body) = send(request, &big).await;
            assert_eq!(status, 431, "{route} with a {pad}-byte pad: {body}");
            // Past about 400 KiB of headers hyper itself answers 431, with no body.
            if pad < 300 * 1024 {
                assert_eq!(
                    body["errors"][0]["extensions"]["code"], "REQUEST_HEADER_TOO_LARGE",
                    "{route}: {body}"
                );
            }
        }
    }

    // The WebSocket upgrade reads the header too.
    let big = padded_token(CLEARED, 20 * 1024);
    let url = format!("ws://{}/graphql/ws", app.app.addr);
    let mut request =
        tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(url)
            .unwrap();
    let headers = request.headers_mut();
    headers.insert(
        "Sec-WebSocket-Protocol",
        "graphql-transport-ws".parse().unwrap(),
    );
    headers.insert("Authorization", format!("Bearer {big}").parse().unwrap());
    match tokio_tungstenite::connect_async(request).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status().as_u16(), 431)
        }
        other => panic!("expected 431, got {:?}", other.map(|(_, r)| r.status())),
    }
}

#[tokio::test]
async fn an_oversized_token_in_the_websocket_connection_init_is_refused() {
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::{client::IntoClientRequest, Message};
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let connect = |token: String| {
        let url = format!("ws://{}/graphql/ws", app.app.addr);
        async move {
            let mut request = url.into_client_request().unwrap();
            request.headers_mut().insert(
                "Sec-WebSocket-Protocol",
                "graphql-transport-ws".parse().unwrap(),
            );
            let (mut socket, _) = tokio_tungstenite::connect_async(request).await.unwrap();
            let init = json!({ "type": "connection_init", "payload": { "Authorization": format!("Bearer {token}") } });
            socket.send(Message::text(init.to_string())).await.unwrap();
            let reply = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
                .await
                .unwrap();
            match reply {
                Some(Ok(Message::Text(text))) => Some(text.to_string()),
                _ => None,
            }
        }
    };
    let ack = connect(padded_token(CLEARED, 1024)).await;
    assert!(ack.unwrap_or_default().contains("connection_ack"));
    let refused = connect(padded_token(CLEARED, 20 * 1024)).await;
    assert!(
        refused.is_none(),
        "the connection is closed, not acknowledged: {refused:?}"
    );
}
