//! Tokens: a bad token is 401 UNAUTHENTICATED, never the public view.

use crate::common::TestApp;
use crate::fixtures::*;
use api::auth::Claims;
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
