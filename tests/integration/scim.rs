//! Joiners and leavers from the identity providers over SCIM 2.0 (`/scim/v2`): administrators
//! issue a token per provider and organisation; the provider creates, finds, changes,
//! deactivates and removes that organisation's people, and nobody else's; a deactivated person
//! loses access on their next request and their open subscription ends.
//!
//! The RFC compliance run (`scim2-tester`) is in `tests/scim/run.sh`, started by `.ci/run`.

use crate::common::TestApp;
use crate::fixtures::*;
use crate::live::{next_message, subscribe_with_token};
use api::config::Config;
use api::core::auth::Claims;
use api::core::ids::Kind;
use entity::{audit_log, person, provisioning_token};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use std::time::Duration;

const ADMIN: &str = "admin";
const HEALTH: &str = "https://idp.health.example";
const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

fn health_provider(c: &mut Config) {
    let pem = format!(
        "{}/tests/keys/health-public.pem",
        env!("CARGO_MANIFEST_DIR")
    );
    c.jwt.providers = vec![format!("issuer={HEALTH},pem={pem},alg=ES256")];
}

/// A sign-in token from the health trust's provider for `subject`.
fn health_token(subject: &str) -> String {
    let key = std::fs::read(format!(
        "{}/tests/keys/health-private.pem",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = Claims {
        sub: subject.into(),
        iss: HEALTH.into(),
        aud: "csp-hub".into(),
        exp: now + 600,
        nbf: now,
        iat: now,
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::ES256),
        &claims,
        &jsonwebtoken::EncodingKey::from_ec_pem(&key).unwrap(),
    )
    .unwrap()
}

const ISSUE: &str = "mutation($i: IssueProvisioningTokenInput!) {
    issueProvisioningToken(input: $i) { secret token { id label issuer revokedAt organisation { name } } } }";

async fn world_with_admin(app: &TestApp) -> World {
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, ADMIN)
        .await;
    w
}

/// Issues a token for the police organisation, for the health provider; returns its secret.
async fn issue(app: &TestApp, w: &World) -> String {
    let reply = app
        .gql(
            Some(ADMIN),
            ISSUE,
            json!({ "i": {
                "partnershipId": gid(Kind::Partnership, w.partnership),
                "organisationId": gid(Kind::Organisation, w.police),
                "issuer": HEALTH,
                "label": "Health Entra ID",
            }}),
        )
        .await;
    reply.data()["issueProvisioningToken"]["secret"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A SCIM request; the answer's status and body (null when empty).
async fn scim(
    app: &TestApp,
    secret: Option<&str>,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = reqwest::Client::new();
    let mut request = client.request(method, format!("{}/scim/v2{path}", app.base()));
    if let Some(secret) = secret {
        request = request.bearer_auth(secret);
    }
    if let Some(body) = body {
        request = request
            .header("content-type", "application/scim+json")
            .body(body.to_string());
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn is_error(body: &Value, status: u16) -> bool {
    body["schemas"] == json!([ERROR]) && body["status"] == json!(status.to_string())
}

async fn who(app: &TestApp, token: &str) -> crate::common::Reply {
    app.gql_with_token(
        Some(token),
        "{ viewer { signedIn person { name } } }",
        json!({}),
    )
    .await
}

#[tokio::test]
async fn administrators_issue_and_revoke_tokens_that_are_stored_only_as_digests() {
    let app = TestApp::spawn().await;
    let w = world_with_admin(&app).await;
    let secret = issue(&app, &w).await;
    assert!(secret.starts_with("csph_scim_"), "{secret}");

    // Only the digest is kept.
    let row = provisioning_token::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_ne!(row.secret_digest, secret);
    assert!(!row.secret_digest.contains(&secret[10..]));
    assert_eq!(row.secret_digest.len(), 64);

    // Anyone but the partnership's administrators: refused (and audited), and sees no tokens.
    let input = json!({ "i": {
        "partnershipId": gid(Kind::Partnership, w.partnership),
        "organisationId": gid(Kind::Organisation, w.police),
        "issuer": HEALTH,
        "label": "mine",
    }});
    let refused = app.gql(Some(CHAIR), ISSUE, input.clone()).await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let denied = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("issueProvisioningToken"))
        .filter(audit_log::Column::Outcome.eq("denied"))
        .count_rows(&app)
        .await;
    assert_eq!(denied, 1);
    const LIST: &str = "query($p: ID!) { provisioningTokens(partnershipId: $p) { id label } }";
    let p = json!({ "p": gid(Kind::Partnership, w.partnership) });
    for caller in [Some(CHAIR), Some(LEAD), Some(OUTSIDER), None] {
        let seen = app.gql(caller, LIST, p.clone()).await;
        assert_eq!(seen.data()["provisioningTokens"], json!([]), "{caller:?}");
    }
    let listed = app.gql(Some(ADMIN), LIST, p.clone()).await;
    assert_eq!(
        listed.data()["provisioningTokens"][0]["label"],
        "Health Entra ID"
    );
    let token_id = listed.data()["provisioningTokens"][0]["id"].clone();

    // Invalid input writes nothing.
    let mut bad = input.clone();
    bad["i"]["issuer"] = json!("not a url");
    let reply = app.gql(Some(ADMIN), ISSUE, bad).await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    let elsewhere = entity::organisation::Entity::find()
        .filter(entity::organisation::Column::Name.eq("Elsewhere Council"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let mut foreign = input.clone();
    foreign["i"]["organisationId"] = json!(gid(Kind::Organisation, elsewhere));
    let reply = app.gql(Some(ADMIN), ISSUE, foreign).await;
    assert_eq!(reply.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        provisioning_token::Entity::find()
            .all(app.db())
            .await
            .unwrap()
            .len(),
        1
    );

    // The secret works until it is revoked; then the provider's next request is refused.
    let (status, _) = scim(&app, Some(&secret), reqwest::Method::GET, "/Users", None).await;
    assert_eq!(status, 200);
    const REVOKE: &str = "mutation($t: ID!) { revokeProvisioningToken(tokenId: $t) { revokedAt } }";
    let t = json!({ "t": token_id });
    assert_eq!(
        app.gql(Some(CHAIR), REVOKE, t.clone()).await.error_code(),
        "NOT_FOUND"
    );
    let revoked = app.gql(Some(ADMIN), REVOKE, t).await;
    assert!(revoked.data()["revokeProvisioningToken"]["revokedAt"].is_string());
    let (status, body) = scim(&app, Some(&secret), reqwest::Method::GET, "/Users", None).await;
    assert_eq!(status, 401);
    assert!(is_error(&body, 401), "{body}");
}

#[tokio::test]
async fn a_provider_provisions_a_joiner_and_a_deactivated_leaver_loses_access_at_once() {
    let app = TestApp::with_config(health_provider).await;
    let w = world_with_admin(&app).await;
    let secret = issue(&app, &w).await;
    let secret = Some(secret.as_str());

    // A joiner: created, and able to sign in with their provider's token straight away.
    let joiner = json!({
        "schemas": [USER],
        "userName": "dr.jones@nhs.example",
        "displayName": "Dr Alys Jones",
        "title": "Named GP for Safeguarding",
        "externalId": "entra-0001",
        "emails": [{ "value": "alys.jones@nhs.example", "type": "work", "primary": true }],
        "active": true,
        "name": { "givenName": "Alys", "familyName": "Jones" },
        "phoneNumbers": [{ "value": "0208 000 0000" }],
    });
    let (status, created) = scim(
        &app,
        secret,
        reqwest::Method::POST,
        "/Users",
        Some(joiner.clone()),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["userName"], "dr.jones@nhs.example");
    assert_eq!(
        created["emails"],
        json!([{ "value": "alys.jones@nhs.example" }])
    );
    assert!(
        created.get("phoneNumbers").is_none(),
        "attributes not kept are not echoed"
    );
    let id = created["id"].as_str().unwrap().to_string();
    let token = health_token("dr.jones@nhs.example");
    assert_eq!(
        who(&app, &token).await.data()["viewer"]["person"]["name"],
        "Dr Alys Jones"
    );
    // The same user name again is a uniqueness conflict, and writes nothing.
    let (status, body) = scim(&app, secret, reqwest::Method::POST, "/Users", Some(joiner)).await;
    assert_eq!(status, 409);
    assert_eq!(body["scimType"], "uniqueness");

    // Found by user name, case aside; a filter on an attribute not published is refused.
    let (status, found) = scim(
        &app,
        secret,
        reqwest::Method::GET,
        "/Users?filter=userName%20eq%20%22DR.JONES@nhs.example%22",
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(found["totalResults"], 1);
    assert_eq!(found["Resources"][0]["id"], id.as_str());
    let (status, none) = scim(
        &app,
        secret,
        reqwest::Method::GET,
        "/Users?filter=userName%20eq%20%22nobody%22",
        None,
    )
    .await;
    assert_eq!((status, none["totalResults"].clone()), (200, json!(0)));
    for bad in ["userName%20eq", "password%20eq%20%22x%22"] {
        let (status, body) = scim(
            &app,
            secret,
            reqwest::Method::GET,
            &format!("/Users?filter={bad}"),
            None,
        )
        .await;
        assert_eq!(status, 400, "{bad}");
        assert_eq!(body["scimType"], "invalidFilter", "{bad}");
    }

    // A PATCH that fails part-way changes nothing.
    let half_bad = json!({ "schemas": [PATCH], "Operations": [
        { "op": "replace", "path": "title", "value": "Changed" },
        { "op": "replace", "path": "active", "value": "perhaps" },
    ]});
    let (status, _) = scim(
        &app,
        secret,
        reqwest::Method::PATCH,
        &format!("/Users/{id}"),
        Some(half_bad),
    )
    .await;
    assert_eq!(status, 400);
    let (_, unchanged) = scim(
        &app,
        secret,
        reqwest::Method::GET,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(unchanged["title"], "Named GP for Safeguarding");

    // The leaver: deactivated as Entra ID sends it; their next request and their open
    // subscription end.
    let mut socket =
        subscribe_with_token(&app, Some(&token), &gid(Kind::Board, w.strategic_board)).await;
    let leave = json!({ "schemas": [PATCH], "Operations": [
        { "op": "Replace", "path": "active", "value": "False" },
    ]});
    let (status, left) = scim(
        &app,
        secret,
        reqwest::Method::PATCH,
        &format!("/Users/{id}"),
        Some(leave),
    )
    .await;
    assert_eq!(status, 200, "{left}");
    assert_eq!(left["active"], false);
    assert_eq!(who(&app, &token).await.error_code(), "UNAUTHENTICATED");
    let mut ended = false;
    while let Some(message) = next_message(&mut socket, Duration::from_secs(5)).await {
        if message["type"] == "complete" || message["type"] == "error" {
            ended = true;
            break;
        }
    }
    assert!(ended, "the leaver's subscription ends");
    // Audited, with the values before and after, naming the token that did it.
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("scimReplaceUser"))
        .order_by_desc(audit_log::Column::OccurredAt)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let detail: Value = serde_json::from_str(row.detail.as_deref().unwrap()).unwrap();
    let token_id = provisioning_token::Entity::find()
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    assert_eq!(
        detail,
        json!({ "before": { "active": true }, "after": { "active": false }, "provisioningTokenId": token_id })
    );
    assert!(row.purpose.unwrap().contains("Health Entra ID"));
    // A routine resend (PUT without `active`) keeps the leaver deactivated.
    let (status, resent) = scim(
        &app,
        secret,
        reqwest::Method::PUT,
        &format!("/Users/{id}"),
        Some(json!({ "schemas": [USER], "userName": "dr.jones@nhs.example", "displayName": "Dr Alys Jones" })),
    )
    .await;
    assert_eq!((status, resent["active"].clone()), (200, json!(false)));
    assert_eq!(who(&app, &token).await.error_code(), "UNAUTHENTICATED");
    assert_eq!(row.partnership_id, Some(w.partnership));

    // Deleted: gone for the provider, kept (inactive) as the author of their history.
    let (status, _) = scim(
        &app,
        secret,
        reqwest::Method::DELETE,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, body) = scim(
        &app,
        secret,
        reqwest::Method::GET,
        &format!("/Users/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(is_error(&body, 404), "{body}");
    let (_, listed) = scim(&app, secret, reqwest::Method::GET, "/Users", None).await;
    assert_eq!(listed["totalResults"], 0);
    let kept = person::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
        .one(app.db())
        .await
        .unwrap()
        .expect("the person stays");
    assert!(!kept.active && kept.removed_at.is_some());
    assert_eq!(kept.name, "Dr Alys Jones");
}

#[tokio::test]
async fn a_token_reaches_only_its_own_organisations_people_through_its_own_provider() {
    let app = TestApp::with_config(health_provider).await;
    let w = world_with_admin(&app).await;
    let secret = issue(&app, &w).await;
    let secret = Some(secret.as_str());
    // The lead is in the police organisation but signs in through the server's own issuer:
    // not this provider's to see or change. The outsider is in another organisation.
    let outsider = person::Entity::find()
        .filter(person::Column::Subject.eq(OUTSIDER))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let deactivate = json!({ "schemas": [PATCH], "Operations": [
        { "op": "replace", "path": "active", "value": false },
    ]});
    for other in [w.lead, outsider] {
        let path = format!("/Users/{other}");
        let (status, _) = scim(&app, secret, reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 404);
        let (status, _) = scim(
            &app,
            secret,
            reqwest::Method::PATCH,
            &path,
            Some(deactivate.clone()),
        )
        .await;
        assert_eq!(status, 404);
        let (status, _) = scim(&app, secret, reqwest::Method::DELETE, &path, None).await;
        assert_eq!(status, 404);
    }
    let (_, listed) = scim(&app, secret, reqwest::Method::GET, "/Users", None).await;
    assert_eq!(listed["totalResults"], 0);
    for subject in [LEAD, OUTSIDER] {
        assert_eq!(
            app.gql(Some(subject), "{ viewer { signedIn } }", json!({}))
                .await
                .data()["viewer"]["signedIn"],
            true
        );
    }
    // A user name taken by someone the token cannot see is still taken (and not revealed).
    let (status, body) = scim(
        &app,
        secret,
        reqwest::Method::POST,
        "/Users",
        Some(json!({ "schemas": [USER], "userName": LEAD, "displayName": "Impostor" })),
    )
    .await;
    assert_eq!(status, 409);
    assert!(!body.to_string().contains(&w.lead.to_string()));

    // A very long filter is refused before it reaches the database.
    let long = format!("/Users?filter=userName%20eq%20%22{}%22", "a".repeat(5_000));
    let (status, body) = scim(&app, secret, reqwest::Method::GET, &long, None).await;
    assert_eq!(
        (status, body["scimType"].clone()),
        (400, json!("invalidFilter"))
    );

    // Never a person's sign-in token; no token; an unknown path: SCIM errors, not HTML.
    let sign_in = app.token(ADMIN);
    let (status, body) = scim(&app, Some(&sign_in), reqwest::Method::GET, "/Users", None).await;
    assert_eq!(status, 401);
    assert!(is_error(&body, 401), "{body}");
    let (status, body) = scim(&app, None, reqwest::Method::GET, "/Users", None).await;
    assert!(status == 401 && is_error(&body, 401), "{body}");
    let (status, body) = scim(&app, secret, reqwest::Method::GET, "/Groups", None).await;
    assert!(status == 404 && is_error(&body, 404), "{body}");
}

/// Counts rows of a query (a small helper so the assertions read as sentences).
trait CountRows {
    async fn count_rows(self, app: &TestApp) -> u64;
}

impl CountRows for sea_orm::Select<audit_log::Entity> {
    async fn count_rows(self, app: &TestApp) -> u64 {
        use sea_orm::PaginatorTrait;
        self.count(app.db()).await.unwrap()
    }
}

#[tokio::test]
async fn a_token_cannot_take_over_an_administrator_by_renaming_them() {
    let app = TestApp::with_config(health_provider).await;
    let w = world_with_admin(&app).await;
    let secret = issue(&app, &w).await;
    let secret = Some(secret.as_str());
    let (_, created) = scim(
        &app,
        secret,
        reqwest::Method::POST,
        "/Users",
        Some(json!({ "schemas": [USER], "userName": "analyst@nhs.example", "displayName": "An Analyst" })),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    // Made an administrator by a partnership administrator...
    Builder { db: app.db() }
        .administrator_of(w.partnership, uuid::Uuid::parse_str(&id).unwrap())
        .await;
    // ...their sign-in identity can no longer be changed by the provider's token.
    let rename = json!({ "schemas": [PATCH], "Operations": [
        { "op": "replace", "path": "userName", "value": "attacker@nhs.example" },
    ]});
    let (status, body) = scim(
        &app,
        secret,
        reqwest::Method::PATCH,
        &format!("/Users/{id}"),
        Some(rename),
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert!(is_error(&body, 403), "{body}");
    let kept = person::Entity::find_by_id(uuid::Uuid::parse_str(&id).unwrap())
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(kept.subject.as_deref(), Some("analyst@nhs.example"));
    // Other changes still go through.
    let retitle = json!({ "schemas": [PATCH], "Operations": [
        { "op": "replace", "path": "title", "value": "Senior Analyst" },
    ]});
    let (status, _) = scim(
        &app,
        secret,
        reqwest::Method::PATCH,
        &format!("/Users/{id}"),
        Some(retitle),
    )
    .await;
    assert_eq!(status, 200);
}
