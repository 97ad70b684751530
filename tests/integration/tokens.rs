//! Production token set-ups: several identity providers (JWKS and PEM), keys pinned to their
//! algorithm and issuer, `kid` only as a lookup, and production mode's refusals and defaults.

use crate::common::TestApp;
use crate::fixtures::*;
use api::config::Config;
use api::core::auth::Claims;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{json, Value};

const POLICE: &str = "https://login.police.example";
const HEALTH: &str = "https://idp.health.example";

fn keys(file: &str) -> String {
    format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"))
}

fn providers(c: &mut Config) {
    c.jwt.providers = vec![
        format!("issuer={POLICE},jwks={}", keys("police-jwks.json")),
        format!(
            "issuer={HEALTH},pem={},alg=ES256",
            keys("health-public.pem")
        ),
    ];
}

fn claims(sub: &str, iss: &str) -> Claims {
    let now = chrono::Utc::now().timestamp();
    Claims {
        sub: sub.into(),
        iss: iss.into(),
        aud: "csp-hub".into(),
        exp: now + 600,
        nbf: now,
        iat: now,
    }
}

fn sign(header: Header, claims: &Claims, key: &EncodingKey) -> String {
    jsonwebtoken::encode(&header, claims, key).unwrap()
}

fn rsa(file: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(&std::fs::read(keys(file)).unwrap()).unwrap()
}

fn ec(file: &str) -> EncodingKey {
    EncodingKey::from_ec_pem(&std::fs::read(keys(file)).unwrap()).unwrap()
}

fn with_kid(alg: Algorithm, kid: &str) -> Header {
    let mut h = Header::new(alg);
    h.kid = Some(kid.into());
    h
}

/// Sets the identity provider a test person signs in through.
async fn bind(app: &TestApp, subject: &str, issuer: &str) {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    entity::person::Entity::update_many()
        .col_expr(
            entity::person::Column::IdentityIssuer,
            sea_orm::sea_query::Expr::value(issuer),
        )
        .filter(entity::person::Column::Subject.eq(subject))
        .exec(app.db())
        .await
        .unwrap();
}

async fn viewer(app: &TestApp, token: &str) -> (u16, Value) {
    let reply = app
        .gql_with_token(Some(token), "{ viewer { person { name } } }", json!({}))
        .await;
    (reply.status, reply.body)
}

#[tokio::test]
async fn each_provider_signs_for_its_own_issuer_with_its_own_algorithm() {
    let app = TestApp::with_config(providers).await;
    World::build(app.db()).await;
    // MEMBER signs in through the police provider, CLEARED through health.
    bind(&app, MEMBER, POLICE).await;
    bind(&app, CLEARED, HEALTH).await;

    let police = sign(
        with_kid(Algorithm::RS256, "police-1"),
        &claims(MEMBER, POLICE),
        &rsa("police-private.pem"),
    );
    let (status, body) = viewer(&app, &police).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["data"]["viewer"]["person"]["name"],
        format!("Person {MEMBER}")
    );

    let health = sign(
        Header::new(Algorithm::ES256),
        &claims(CLEARED, HEALTH),
        &ec("health-private.pem"),
    );
    let (status, body) = viewer(&app, &health).await;
    assert_eq!(status, 200, "{body}");

    let refused = [
        // The police key signing for the health issuer.
        (
            "issuer of another key",
            sign(
                with_kid(Algorithm::RS256, "police-1"),
                &claims(MEMBER, HEALTH),
                &rsa("police-private.pem"),
            ),
        ),
        // A kid that names no configured key.
        (
            "unknown kid",
            sign(
                with_kid(Algorithm::RS256, "police-2"),
                &claims(MEMBER, POLICE),
                &rsa("police-private.pem"),
            ),
        ),
        // The right kid, a key nobody configured.
        (
            "forged with a known kid",
            sign(
                with_kid(Algorithm::RS256, "police-1"),
                &claims(MEMBER, POLICE),
                &rsa("attacker-private.pem"),
            ),
        ),
        // A header pointing at the attacker's own key set is not followed.
        ("jku", {
            let mut h = Header::new(Algorithm::RS256);
            h.jku = Some("https://attacker.example/jwks.json".into());
            sign(h, &claims(MEMBER, POLICE), &rsa("attacker-private.pem"))
        }),
        // Key confusion: the police public key used as an HS256 secret.
        (
            "public key as HMAC secret",
            sign(
                Header::new(Algorithm::HS256),
                &claims(MEMBER, POLICE),
                &EncodingKey::from_secret(&std::fs::read(keys("police-public.pem")).unwrap()),
            ),
        ),
        // The health key is ES256 only.
        (
            "wrong algorithm for the key",
            sign(
                Header::new(Algorithm::RS256),
                &claims(CLEARED, HEALTH),
                &rsa("attacker-private.pem"),
            ),
        ),
    ];
    let more = [
        // Each provider vouches only for its own people: health cannot sign in a police officer
        // by putting their subject in a token, nor can the server's own issuer.
        (
            "another provider's person",
            sign(
                Header::new(Algorithm::ES256),
                &claims(MEMBER, HEALTH),
                &ec("health-private.pem"),
            ),
        ),
        ("the server's own issuer", app.token(MEMBER)),
    ];
    for (case, token) in refused.into_iter().chain(more) {
        let (status, body) = viewer(&app, &token).await;
        assert_eq!(status, 401, "{case}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{case}"
        );
        assert!(body.get("data").is_none_or(Value::is_null), "{case}");
    }
}

#[tokio::test]
async fn production_refuses_to_start_with_the_development_secret_or_no_keys() {
    let dev_secret = TestApp::try_with_config(|c| {
        c.production = true;
        c.jwt.secret = Some(api::config::DEV_JWT_SECRET.into());
    })
    .await;
    assert!(
        dev_secret
            .err()
            .unwrap_or_default()
            .contains("development JWT secret"),
        "the development secret is refused"
    );
    let no_keys = TestApp::try_with_config(|c| c.production = true).await;
    assert!(no_keys.err().unwrap_or_default().contains("no token keys"));
    // An empty variable (compose passing an unset one through) is "not set", not a short secret.
    let empty = TestApp::try_with_config(|c| {
        c.jwt.secret = Some(String::new());
        c.jwt.providers = vec![String::new()];
    })
    .await;
    assert!(empty.is_ok(), "{:?}", empty.err());
    let short = TestApp::try_with_config(|c| c.jwt.secret = Some("short".into())).await;
    assert!(short.err().unwrap_or_default().contains("256 bits"));
}

#[tokio::test]
async fn production_hides_graphiql_introspection_and_suggestions_from_anonymous_callers() {
    let app = TestApp::with_config(|c| {
        c.production = true;
        providers(c);
    })
    .await;
    World::build(app.db()).await;
    bind(&app, MEMBER, POLICE).await;
    let page = app
        .client
        .get(&app.url)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    let text = page.text().await.unwrap();
    assert!(!text.to_lowercase().contains("graphiql"), "{text}");

    let anon = app
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert!(anon.body["data"]["__schema"].is_null(), "{}", anon.body);
    assert!(!anon.body.to_string().contains("QueryRoot"));
    let typo = app
        .gql(None, "{ partnershipz { totalCount } }", json!({}))
        .await;
    assert!(
        !typo.body.to_string().contains("Did you mean"),
        "{}",
        typo.body
    );

    // Signed-in partners' tools may introspect.
    let token = sign(
        with_kid(Algorithm::RS256, "police-1"),
        &claims(MEMBER, POLICE),
        &rsa("police-private.pem"),
    );
    let signed_in = app
        .gql_with_token(
            Some(&token),
            "{ __schema { queryType { name } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        signed_in.data()["__schema"]["queryType"]["name"],
        "QueryRoot"
    );
}

#[tokio::test]
async fn development_mode_keeps_graphiql_and_suggestions() {
    let app = TestApp::spawn().await;
    let page = app
        .client
        .get(&app.url)
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert!(page
        .text()
        .await
        .unwrap()
        .to_lowercase()
        .contains("graphiql"));
    let typo = app
        .gql(None, "{ partnershipz { totalCount } }", json!({}))
        .await;
    assert!(
        typo.body.to_string().contains("Did you mean"),
        "{}",
        typo.body
    );
}

/// What an anonymous caller in production is told about any document that is not valid.
const GENERIC_INVALID: &str = "The query is not valid for this API.";

#[tokio::test]
async fn production_tells_anonymous_callers_no_names_in_validation_errors() {
    let app = TestApp::with_config(|c| {
        c.production = true;
        providers(c);
    })
    .await;
    World::build(app.db()).await;
    bind(&app, MEMBER, POLICE).await;
    let probes: Vec<(&str, Value)> = vec![
        ("{ actions }", json!({})),
        ("{ nosuch }", json!({})),
        ("{ partnershipz { totalCount } }", json!({})),
        ("{ actions { edges { node { nosuch } } } }", json!({})),
        ("{ actions(nosuch: 1) { totalCount } }", json!({})),
        (
            "{ node(id: \"x\") { ... on NoSuchType { id } } }",
            json!({}),
        ),
        (
            "{ actions(filter: { rag: PURPLE }) { totalCount } }",
            json!({}),
        ),
        (
            "query($r: [Rag!]) { actions(filter: { rag: $r }) { totalCount } }",
            json!({ "r": ["PURPLE"] }),
        ),
        ("query($x: NoSuchInput) { __typename }", json!({})),
        (
            "{ __typename @skip(if: false) @skip(if: false) }",
            json!({}),
        ),
        ("{ unclosed", json!({})),
    ];
    for (query, variables) in &probes {
        let reply = app.gql(None, query, variables.clone()).await;
        let errors = reply.body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{query}: {}", reply.body));
        for error in errors {
            let mut error = error.clone();
            if let Some(map) = error.as_object_mut() {
                map.remove("locations");
            }
            let code = error["extensions"]["code"]
                .as_str()
                .unwrap_or("")
                .to_string();
            assert!(
                code == "GRAPHQL_VALIDATION_FAILED" || code == "BAD_USER_INPUT",
                "{query}: {error}"
            );
            let message = if code == "BAD_USER_INPUT" {
                "A value in the query is not valid for this API."
            } else {
                GENERIC_INVALID
            };
            assert_eq!(
                error,
                json!({ "message": message, "extensions": { "code": code } }),
                "{query}"
            );
        }
    }

    // Signed-in callers keep the detailed messages.
    let token = sign(
        with_kid(Algorithm::RS256, "police-1"),
        &claims(MEMBER, POLICE),
        &rsa("police-private.pem"),
    );
    let signed_in = app
        .gql_with_token(Some(&token), "{ actions }", json!({}))
        .await;
    assert_eq!(signed_in.error_code(), "GRAPHQL_VALIDATION_FAILED");
    assert!(
        signed_in.body.to_string().contains("ActionConnection"),
        "{}",
        signed_in.body
    );
}

#[tokio::test]
async fn rejected_documents_spend_from_the_rate_budget() {
    for (subject, query) in [
        (None, "{ nosuch }"),
        (None, "{ unclosed"),
        (Some(MEMBER), "{ actions }"),
        (
            Some(CLEARED),
            "{ __typename @skip(if: false) @skip(if: false) }",
        ),
    ] {
        // A fresh budget for each case (anonymous callers share their address's).
        let app = TestApp::with_config(|c| {
            c.limits.anonymous_rate_per_minute = 100;
            c.limits.rate_per_minute = 100;
        })
        .await;
        World::build(app.db()).await;
        let mut statuses = Vec::new();
        for _ in 0..30 {
            let reply = app.gql(subject, query, json!({})).await;
            statuses.push(reply.status);
            if reply.status == 429 {
                assert_eq!(reply.error_code(), "RATE_LIMITED", "{}", reply.body);
                break;
            }
            assert_eq!(reply.error_code(), "GRAPHQL_VALIDATION_FAILED");
        }
        assert_eq!(statuses.last(), Some(&429), "{query}: {statuses:?}");
        assert!(statuses.len() > 3, "{query}: {statuses:?}");
        // The budget is the one valid queries spend from.
        let valid = app.gql(subject, "{ __typename }", json!({})).await;
        assert_eq!(valid.status, 429, "{query}");
    }
}
