//! A partnership's administrators run its reference data through the API: settings,
//! organisations and people, each change audited with its values before and after, and a leaver
//! losing access on their next request.

use crate::common::TestApp;
use crate::fixtures::*;
use crate::live::{next_message, subscribe};
use api::core::ids::Kind;
use entity::{audit_log, partnership};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{json, Value};
use std::time::Duration;

const ADMIN: &str = "admin";

async fn world_with_admin(app: &TestApp) -> World {
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, ADMIN)
        .await;
    w
}

/// The detail of the latest allowed audit row of `operation`, parsed.
async fn last_change(app: &TestApp, operation: &str) -> Value {
    let row = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq(operation))
        .filter(audit_log::Column::Outcome.eq("allowed"))
        .order_by_desc(audit_log::Column::OccurredAt)
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no audit row of {operation}"));
    serde_json::from_str(row.detail.as_deref().unwrap_or("null")).unwrap()
}

fn field(reply: &crate::common::Reply) -> &Value {
    &reply.body["errors"][0]["extensions"]["field"]
}

const UPDATE_PARTNERSHIP: &str =
    "mutation($i: UpdatePartnershipInput!) { updatePartnership(input: $i) { name area } }";

#[tokio::test]
async fn administrators_change_settings_with_the_old_and_new_values_audited() {
    let app = TestApp::spawn().await;
    let w = world_with_admin(&app).await;
    let p = gid(Kind::Partnership, w.partnership);
    let input = |extra: Value| {
        let mut i = json!({ "partnershipId": p });
        i.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "i": i })
    };
    let change = input(
        json!({ "area": "Testshire County", "requireAccessPurpose": true, "clearanceValidityMonths": 6 }),
    );
    // A board chair is not an administrator; nothing changes and the refusal is audited.
    let refused = app
        .gql(Some(CHAIR), UPDATE_PARTNERSHIP, change.clone())
        .await;
    assert_eq!(refused.error_code(), "FORBIDDEN");
    let denied = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("updatePartnership"))
        .filter(audit_log::Column::Outcome.eq("denied"))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(denied.len(), 1);

    let reply = app.gql(Some(ADMIN), UPDATE_PARTNERSHIP, change).await;
    assert_eq!(
        reply.data()["updatePartnership"]["area"],
        "Testshire County"
    );
    let stored = partnership::Entity::find_by_id(w.partnership)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert!(stored.require_access_purpose);
    assert_eq!(stored.clearance_validity_months, 6);
    assert_eq!(
        last_change(&app, "updatePartnership").await,
        json!({
            "before": { "area": null, "requireAccessPurpose": false, "clearanceValidityMonths": 12 },
            "after": { "area": "Testshire County", "requireAccessPurpose": true, "clearanceValidityMonths": 6 },
        })
    );

    // Out of range and blank values are refused with the field named, and change nothing.
    for (bad, name) in [
        (
            json!({ "clearanceValidityMonths": 0 }),
            "clearanceValidityMonths",
        ),
        (
            json!({ "clearanceValidityMonths": 37 }),
            "clearanceValidityMonths",
        ),
        (json!({ "name": "  " }), "name"),
    ] {
        let reply = app.gql(Some(ADMIN), UPDATE_PARTNERSHIP, input(bad)).await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
        assert_eq!(field(&reply), name);
    }
    let unchanged = partnership::Entity::find_by_id(w.partnership)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.clearance_validity_months, 6);
}

const CREATE_ORGANISATION: &str = "mutation($i: CreateOrganisationInput!) { createOrganisation(input: $i) { id name shortName kind responsibleAuthority } }";
const CREATE_PERSON: &str = "mutation($i: CreatePersonInput!) { createPerson(input: $i) { id name postTitle initials active organisation { name } } }";
const UPDATE_PERSON: &str =
    "mutation($i: UpdatePersonInput!) { updatePerson(input: $i) { id active postTitle } }";
const WHO_AM_I: &str = "{ viewer { signedIn person { name organisation { name } } } }";

#[tokio::test]
async fn a_new_organisation_and_its_analyst_are_onboarded_and_can_sign_in() {
    let app = TestApp::spawn().await;
    let w = world_with_admin(&app).await;
    let p = gid(Kind::Partnership, w.partnership);
    let org = json!({ "i": { "partnershipId": p, "name": "Testshire Probation Delivery Unit", "shortName": "PDU", "kind": "PROBATION", "responsibleAuthority": true } });
    assert_eq!(
        app.gql(Some(CHAIR), CREATE_ORGANISATION, org.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let created = app.gql(Some(ADMIN), CREATE_ORGANISATION, org).await;
    let org_id = created.data()["createOrganisation"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(created.data()["createOrganisation"]["kind"], "PROBATION");
    // It now serves the partnership.
    let serves = app
        .gql(None, "query($s: String!) { partnership(slug: $s) { organisations(first: 50) { edges { node { name } } } } }", json!({ "s": "testshire" }))
        .await;
    assert!(serves
        .body
        .to_string()
        .contains("Testshire Probation Delivery Unit"));
    assert_eq!(
        last_change(&app, "createOrganisation").await["after"]["name"],
        "Testshire Probation Delivery Unit"
    );

    // Before they exist, the analyst's token is refused.
    assert_eq!(
        app.gql(Some("pdu-analyst"), WHO_AM_I, json!({}))
            .await
            .error_code(),
        "UNAUTHENTICATED"
    );
    let person = |extra: Value| {
        let mut i = json!({ "organisationId": org_id, "name": "Priya Shah", "postTitle": "Performance Analyst", "initials": "PS", "email": "priya.shah@example.org", "subject": "pdu-analyst" });
        i.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "i": i })
    };
    for (bad, name) in [
        (json!({ "email": "not an address" }), "email"),
        (json!({ "name": "" }), "name"),
        (json!({ "subject": LEAD }), "subject"),
        (json!({ "identityIssuer": "police-idp" }), "identityIssuer"),
    ] {
        let reply = app.gql(Some(ADMIN), CREATE_PERSON, person(bad)).await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT", "{}", reply.body);
        assert_eq!(field(&reply), name);
    }
    let created = app.gql(Some(ADMIN), CREATE_PERSON, person(json!({}))).await;
    assert_eq!(
        created.data()["createPerson"]["organisation"]["name"],
        "Testshire Probation Delivery Unit"
    );
    assert_eq!(created.data()["createPerson"]["active"], true);
    let audited = last_change(&app, "createPerson").await;
    assert_eq!(audited["before"]["subject"], Value::Null);
    assert_eq!(audited["after"]["subject"], "pdu-analyst");

    let me = app.gql(Some("pdu-analyst"), WHO_AM_I, json!({})).await;
    assert_eq!(
        me.data()["viewer"]["person"],
        json!({ "name": "Priya Shah", "organisation": { "name": "Testshire Probation Delivery Unit" } })
    );
}

#[tokio::test]
async fn a_leaver_loses_access_on_the_next_request_and_their_subscription_ends() {
    let app = TestApp::spawn().await;
    let w = world_with_admin(&app).await;
    let lead = gid(Kind::Person, w.lead);
    let mut socket = subscribe(&app, Some(LEAD), &gid(Kind::Board, w.strategic_board)).await;
    assert_eq!(
        app.gql(Some(LEAD), WHO_AM_I, json!({})).await.data()["viewer"]["signedIn"],
        true
    );
    // Only an administrator may; and an administrator cannot lock themselves out.
    let leave = json!({ "i": { "personId": lead, "active": false } });
    assert_eq!(
        app.gql(Some(CHAIR), UPDATE_PERSON, leave.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let admin = entity::person::Entity::find()
        .filter(entity::person::Column::Subject.eq(ADMIN))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let myself = app
        .gql(
            Some(ADMIN),
            UPDATE_PERSON,
            json!({ "i": { "personId": gid(Kind::Person, admin), "active": false } }),
        )
        .await;
    assert_eq!(field(&myself), "active");

    let left = app.gql(Some(ADMIN), UPDATE_PERSON, leave).await;
    assert_eq!(left.data()["updatePerson"]["active"], false);
    assert_eq!(
        last_change(&app, "updatePerson").await,
        json!({ "before": { "active": true }, "after": { "active": false } })
    );
    // The very next request is refused, and the open subscription is told and completes.
    assert_eq!(
        app.gql(Some(LEAD), WHO_AM_I, json!({})).await.error_code(),
        "UNAUTHENTICATED"
    );
    let mut ended = false;
    while let Some(message) = next_message(&mut socket, Duration::from_secs(5)).await {
        if message["type"] == "complete" || message["type"] == "error" {
            ended = true;
            break;
        }
    }
    assert!(ended, "the leaver's subscription ends");
    // Their history stays theirs: the action they led still names them.
    let action = app
        .gql(
            Some(CHAIR),
            "query($a: ID!) { node(id: $a) { ... on Action { leadPerson { name active } } } }",
            json!({ "a": gid(Kind::Action, w.public_action) }),
        )
        .await;
    assert_eq!(action.data()["node"]["leadPerson"]["active"], false);

    // Coming back restores access.
    app.gql(
        Some(ADMIN),
        UPDATE_PERSON,
        json!({ "i": { "personId": lead, "active": true } }),
    )
    .await
    .data();
    assert_eq!(
        app.gql(Some(LEAD), WHO_AM_I, json!({})).await.data()["viewer"]["signedIn"],
        true
    );
}

/// Runs the `csp-hub` binary against the test's database.
fn csp_hub(app: &TestApp, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_csp-hub"))
        .args(args)
        .env("DATABASE_URL", app.database_url())
        .env("RUST_LOG", "warn")
        .output()
        .expect("run csp-hub")
}

#[tokio::test]
async fn an_operator_creates_a_partnership_whose_administrator_carries_on_through_the_api() {
    let app = TestApp::spawn().await;
    let create = [
        "create-partnership",
        "--slug",
        "newtown",
        "--name",
        "Safer Newtown Partnership",
        "--area",
        "Newtown Borough",
        "--organisation",
        "Newtown Borough Council",
        "--admin-name",
        "Sam Admin",
        "--admin-subject",
        "sam-admin",
    ];
    let out = csp_hub(&app, &create);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The same slug again is refused with a clear message, and nothing is made twice.
    let again = csp_hub(&app, &create);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let bad = csp_hub(
        &app,
        &[
            "create-partnership",
            "--slug",
            "New Town",
            "--name",
            "x",
            "--organisation",
            "x",
            "--admin-name",
            "x",
            "--admin-subject",
            "x",
        ],
    );
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--slug"));

    let me = app
        .gql(
            Some("sam-admin"),
            "{ viewer { person { name organisation { name } } partnerships { slug area } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        me.data()["viewer"]["person"],
        json!({ "name": "Sam Admin", "organisation": { "name": "Newtown Borough Council" } })
    );
    assert_eq!(
        me.data()["viewer"]["partnerships"],
        json!([{ "slug": "newtown", "area": "Newtown Borough" }])
    );
    // The first administrator administers it: they add the police.
    let p = app
        .gql(None, "{ partnership(slug: \"newtown\") { id } }", json!({}))
        .await
        .data()["partnership"]["id"]
        .clone();
    let police = app
        .gql(Some("sam-admin"), CREATE_ORGANISATION, json!({ "i": { "partnershipId": p, "name": "Newtown Police", "kind": "POLICE", "responsibleAuthority": true } }))
        .await;
    assert_eq!(
        police.data()["createOrganisation"]["name"],
        "Newtown Police"
    );
}
