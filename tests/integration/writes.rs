//! Action writes: allowed, forbidden, invisible, invalid, stale; history and audit rows.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::{action_update, audit_log};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const UPDATE: &str = r#"mutation($input: UpdateActionProgressInput!) {
    updateActionProgress(input: $input) { version rag percentComplete latestUpdate { narrative period author { name } } }
}"#;

fn progress(action: uuid::Uuid, version: i32, percent: i32, narrative: &str) -> Value {
    json!({ "input": { "actionId": gid(Kind::Action, action), "expectedVersion": version, "rag": "AMBER",
                       "percentComplete": percent, "narrative": narrative, "period": "2025/26 Q3" } })
}

#[tokio::test]
async fn the_lead_updates_progress_and_history_and_audit_record_it() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let reply = app
        .gql(
            Some(LEAD),
            UPDATE,
            progress(w.public_action, 1, 60, "Draft out for consultation"),
        )
        .await;
    let action = &reply.data()["updateActionProgress"];
    assert_eq!(action["version"], 2);
    assert_eq!(action["percentComplete"], 60);
    assert_eq!(action["rag"], "AMBER");
    assert_eq!(
        action["latestUpdate"]["narrative"],
        "Draft out for consultation"
    );
    assert_eq!(
        action["latestUpdate"]["author"]["name"],
        format!("Person {LEAD}")
    );
    let history = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(w.public_action))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(history, 2, "appended, not overwritten");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(w.public_action))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].operation, "updateActionProgress");
    assert_eq!(audit[0].outcome, "allowed");
}

#[tokio::test]
async fn the_stated_purpose_is_audited() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let response = app
        .client
        .post(&app.url)
        .bearer_auth(app.token(LEAD))
        .header("X-Access-Purpose", "Quarterly delivery plan update")
        .json(&json!({ "query": UPDATE, "variables": progress(w.public_action, 1, 10, "Started") }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(w.public_action))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        audit.purpose.as_deref(),
        Some("Quarterly delivery plan update")
    );
}

#[tokio::test]
async fn someone_who_can_see_but_does_not_lead_is_forbidden_and_it_is_audited() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let reply = app
        .gql(
            Some(PARTNER),
            UPDATE,
            progress(w.public_action, 1, 60, "Not mine"),
        )
        .await;
    assert_eq!(reply.error_code(), "FORBIDDEN");
    let history = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(w.public_action))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(history, 1, "nothing written");
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::EntityId.eq(w.public_action))
        .all(app.db())
        .await
        .unwrap();
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0].outcome, "denied");
    // Anonymous callers cannot write either.
    let anon = app
        .gql(None, UPDATE, progress(w.public_action, 1, 60, "x"))
        .await;
    assert_eq!(anon.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn an_invisible_action_is_not_found_exactly_like_a_missing_one() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let hidden = app
        .gql(
            Some(LEAD),
            UPDATE,
            progress(w.restricted_action, 1, 60, "x"),
        )
        .await;
    let missing = app
        .gql(
            Some(LEAD),
            UPDATE,
            progress(uuid::Uuid::now_v7(), 1, 60, "x"),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
    assert_eq!(
        hidden.body["errors"][0]["message"],
        missing.body["errors"][0]["message"]
    );
    // The cleared lead may update it.
    let cleared = app
        .gql(
            Some(CLEARED),
            UPDATE,
            progress(w.restricted_action, 1, 70, "Safety plan agreed"),
        )
        .await;
    assert_eq!(cleared.data()["updateActionProgress"]["version"], 2);
}

#[tokio::test]
async fn invalid_progress_is_refused_with_the_field_named() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    for (percent, narrative, field) in [
        (101, "x", "percentComplete"),
        (-1, "x", "percentComplete"),
        (50, "   ", "narrative"),
    ] {
        let reply = app
            .gql(
                Some(LEAD),
                UPDATE,
                progress(w.public_action, 1, percent, narrative),
            )
            .await;
        assert_eq!(reply.error_code(), "BAD_USER_INPUT");
        assert_eq!(reply.body["errors"][0]["extensions"]["field"], field);
    }
    let long = "x".repeat(10_001);
    let reply = app
        .gql(Some(LEAD), UPDATE, progress(w.public_action, 1, 50, &long))
        .await;
    assert_eq!(reply.body["errors"][0]["extensions"]["field"], "narrative");
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_and_writes_nothing() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    app.gql(
        Some(LEAD),
        UPDATE,
        progress(w.public_action, 1, 20, "first"),
    )
    .await
    .data();
    let stale = app
        .gql(
            Some(LEAD),
            UPDATE,
            progress(w.public_action, 1, 30, "second, from an old screen"),
        )
        .await;
    assert_eq!(stale.error_code(), "CONFLICT");
    assert!(stale.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("current version is 2"));
    let history = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(w.public_action))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(history, 2);
}

#[tokio::test]
async fn completed_actions_are_read_only_and_cancelling_needs_an_officer_and_a_reason() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let close = |action: uuid::Uuid, version: i32, reason: Option<&str>| json!({ "input": { "actionId": gid(Kind::Action, action), "expectedVersion": version, "reason": reason } });
    let cancel = "mutation($input: CloseActionInput!) { cancelAction(input: $input) { status statusReason } }";
    let complete = "mutation($input: CloseActionInput!) { completeAction(input: $input) { status percentComplete version } }";
    // The lead may not cancel; nobody may cancel without a reason.
    assert_eq!(
        app.gql(
            Some(LEAD),
            cancel,
            close(w.public_action, 1, Some("superseded"))
        )
        .await
        .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(LEAD), cancel, close(w.public_action, 1, None))
            .await
            .error_code(),
        "BAD_USER_INPUT"
    );
    let done = app
        .gql(
            Some(LEAD),
            complete,
            close(w.public_action, 1, Some("Published in March")),
        )
        .await;
    assert_eq!(
        done.data()["completeAction"],
        json!({ "status": "COMPLETED", "percentComplete": 100, "version": 2 })
    );
    let again = app
        .gql(
            Some(LEAD),
            UPDATE,
            progress(w.public_action, 2, 100, "more"),
        )
        .await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn concurrent_updates_are_all_kept_or_refused_never_lost() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let writers = 12;
    let mut tasks = Vec::new();
    for i in 0..writers {
        let client = app.client.clone();
        let url = app.url.clone();
        let token = app.token(LEAD);
        let action = w.public_action;
        tasks.push(tokio::spawn(async move {
            // Each writer retries on CONFLICT with the version it then reads, as a client would.
            let mut version = 1;
            for _ in 0..100 {
                let body = json!({ "query": UPDATE, "variables": progress(action, version, i, &format!("writer {i}")) });
                let reply: Value = client.post(&url).bearer_auth(&token).json(&body).send().await.unwrap().json().await.unwrap();
                if reply.get("errors").is_none() {
                    return true;
                }
                assert_eq!(reply["errors"][0]["extensions"]["code"], "CONFLICT", "{reply}");
                let msg = reply["errors"][0]["message"].as_str().unwrap();
                version = msg.rsplit(' ').next().unwrap().parse().unwrap();
            }
            false
        }));
    }
    let mut accepted = 0;
    for t in tasks {
        if t.await.unwrap() {
            accepted += 1;
        }
    }
    assert_eq!(accepted, writers);
    let history = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(w.public_action))
        .all(app.db())
        .await
        .unwrap();
    for i in 0..writers {
        assert!(
            history.iter().any(|u| u.narrative == format!("writer {i}")),
            "writer {i} lost"
        );
    }
    assert_eq!(history.len() as i32, writers + 1);
    let q = "query($id: ID!) { node(id: $id) { ... on Action { version } } }";
    let reply = app
        .gql(None, q, json!({ "id": gid(Kind::Action, w.public_action) }))
        .await;
    assert_eq!(reply.data()["node"]["version"], writers + 1);
}

#[tokio::test]
async fn reads_of_restricted_content_are_audited_with_the_stated_purpose() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($id: ID!, $m: ID!) { node(id: $id) { ... on Action { title } }
        meeting: node(id: $m) { ... on Meeting { agendaItems { edges { node { title } } } } } }"#;
    let vars =
        json!({ "id": gid(Kind::Action, w.restricted_action), "m": gid(Kind::Meeting, w.meeting) });
    // Not cleared: sees nothing restricted (only a stub), so nothing is recorded.
    app.gql(Some(MEMBER), q, vars.clone()).await.data();
    assert_eq!(audit_log::Entity::find().count(app.db()).await.unwrap(), 0);
    // Cleared, with a purpose: the action and the two restricted items are recorded, once each.
    let response = app
        .client
        .post(&app.url)
        .bearer_auth(app.token(CLEARED))
        .header("X-Access-Purpose", "MARAC case preparation")
        .json(&json!({ "query": q, "variables": vars }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .all(app.db())
        .await
        .unwrap();
    let mut read: Vec<_> = rows
        .iter()
        .map(|r| (r.entity_type.as_str(), r.entity_id.unwrap()))
        .collect();
    read.sort();
    let mut expected = vec![
        ("action", w.restricted_action),
        ("agenda_item", w.stub_item),
        ("agenda_item", w.hidden_item),
    ];
    expected.sort();
    assert_eq!(read, expected);
    assert!(rows
        .iter()
        .all(|r| r.purpose.as_deref() == Some("MARAC case preparation")));
}

#[tokio::test]
async fn administrators_read_the_audit_log_but_not_restricted_content() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, "partnership-admin")
        .await;
    app.gql(
        Some(LEAD),
        UPDATE,
        progress(w.public_action, 1, 20, "first"),
    )
    .await
    .data();
    let q = "query($p: ID!) { auditLog(partnershipId: $p) { totalCount edges { node { operation outcome person { name } } } } }";
    let p = json!({ "p": gid(Kind::Partnership, w.partnership) });
    let log = app.gql(Some("partnership-admin"), q, p.clone()).await;
    assert_eq!(log.data()["auditLog"]["totalCount"], 1);
    assert_eq!(
        log.data()["auditLog"]["edges"][0]["node"]["operation"],
        "updateActionProgress"
    );
    assert_eq!(
        app.gql(Some(LEAD), q, p.clone()).await.error_code(),
        "FORBIDDEN"
    );
    assert_eq!(app.gql(None, q, p).await.error_code(), "FORBIDDEN");
    // Being an administrator grants no sight of restricted content.
    let hidden = app
        .gql(
            Some("partnership-admin"),
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": gid(Kind::Action, w.restricted_action) }),
        )
        .await;
    assert!(hidden.data()["node"].is_null());
}

#[tokio::test]
async fn a_partnership_can_require_a_purpose_for_restricted_reads() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    entity::partnership::ActiveModel {
        id: Set(w.partnership),
        require_access_purpose: Set(true),
        ..Default::default()
    }
    .update(app.db())
    .await
    .unwrap();
    let q = "query($id: ID!) { node(id: $id) { ... on Action { title } } }";
    let vars = json!({ "id": gid(Kind::Action, w.restricted_action) });
    let refused = app.gql(Some(CLEARED), q, vars.clone()).await;
    assert_eq!(refused.status, 400);
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert!(!refused.body.to_string().contains(SECRET));
    // Public reads need no purpose.
    app.gql(
        Some(CLEARED),
        q,
        json!({ "id": gid(Kind::Action, w.public_action) }),
    )
    .await
    .data();
    let response = app
        .client
        .post(&app.url)
        .bearer_auth(app.token(CLEARED))
        .header("X-Access-Purpose", "MARAC case preparation")
        .json(&json!({ "query": q, "variables": vars }))
        .send()
        .await
        .unwrap();
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["data"]["node"]["title"],
        format!("Safety plan for {SECRET}")
    );

    // A change by a cleared member without a purpose is refused before it runs: nothing is
    // written, and the refusal is audited.
    let change = "mutation($a: ID!) { recordMissedReason(input: { actionId: $a, expectedVersion: 1, reason: CHANGE_IN_CIRCUMSTANCE }) { missedReason } }";
    let refused = app
        .gql(
            Some(CLEARED),
            change,
            json!({ "a": gid(Kind::Action, w.restricted_action) }),
        )
        .await;
    // A request error: nothing ran (200 with `application/json`, 400 when the client accepts
    // `application/graphql-response+json`).
    assert_eq!(refused.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        refused.body["errors"][0]["extensions"]["field"],
        "X-Access-Purpose"
    );
    assert!(!refused.body.to_string().contains(SECRET));
    let action = entity::action::Entity::find_by_id(w.restricted_action)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(action.missed_reason, None, "nothing was written");
    let denied = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq("mutation"))
        .filter(entity::audit_log::Column::Outcome.eq("denied"))
        .count(app.db())
        .await
        .unwrap();
    assert_eq!(denied, 1);
    // Someone without clearance changes public records as before.
    let lead = app
        .gql(
            Some(LEAD),
            "mutation($a: ID!) { recordMissedReason(input: { actionId: $a, expectedVersion: 1, reason: AGENCY_HAS_NOT_UNDERTAKEN }) { missedReason } }",
            json!({ "a": gid(Kind::Action, w.public_action) }),
        )
        .await;
    assert_eq!(
        lead.data()["recordMissedReason"]["missedReason"],
        "AGENCY_HAS_NOT_UNDERTAKEN"
    );
}

#[tokio::test]
async fn priority_leads_and_officers_add_delivery_plan_actions_and_officers_reassign() {
    use sea_orm::{ActiveModelTrait, Set};
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let now = chrono::Utc::now();
    let strategy = entity::strategy::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        partnership_id: Set(w.partnership),
        title: Set("Strategy 2024-27".into()),
        period_start: Set(chrono::NaiveDate::from_ymd_opt(2024, 4, 1).unwrap()),
        period_end: Set(chrono::NaiveDate::from_ymd_opt(2027, 3, 31).unwrap()),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await
    .unwrap();
    let priority = entity::priority::ActiveModel {
        id: Set(uuid::Uuid::now_v7()),
        strategy_id: Set(strategy.id),
        partnership_id: Set(w.partnership),
        number: Set(2),
        title: Set("Violence Against Women and Girls".into()),
        aim: Set(None),
        lead_person_id: Set(Some(w.lead)),
        lead_organisation_id: Set(Some(w.police)),
        lead_post_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(app.db())
    .await
    .unwrap();
    let create = r#"mutation($p: ID!, $b: ID!, $start: NaiveDate, $due: NaiveDate) { createPriorityAction(input: {
        priorityId: $p, boardId: $b, title: "Train licensed premises staff", startDate: $start, dueDate: $due }) { id version priority { number } } }"#;
    let vars = |start: &str, due: &str| json!({ "p": gid(Kind::Priority, priority.id), "b": gid(Kind::Board, w.strategic_board), "start": start, "due": due });
    let created = app
        .gql(Some(LEAD), create, vars("2024-04-01", "2025-03-31"))
        .await;
    assert_eq!(
        created.data()["createPriorityAction"]["priority"]["number"],
        2
    );
    assert_eq!(
        app.gql(Some(PARTNER), create, vars("2024-04-01", "2025-03-31"))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let backwards = app
        .gql(Some(LEAD), create, vars("2025-04-01", "2025-03-31"))
        .await;
    assert_eq!(
        backwards.body["errors"][0]["extensions"]["field"],
        "dueDate"
    );

    let reassign = "mutation($a: ID!, $p: ID!) { reassignAction(input: { actionId: $a, expectedVersion: 1, leadPersonId: $p }) { version leadPerson { name } latestUpdate { narrative } } }";
    let rv = json!({ "a": gid(Kind::Action, w.public_action), "p": gid(Kind::Person, w.lead) });
    assert_eq!(
        app.gql(Some(LEAD), reassign, rv.clone()).await.error_code(),
        "FORBIDDEN"
    );
    let moved = app.gql(Some(CHAIR), reassign, rv).await;
    assert_eq!(moved.data()["reassignAction"]["version"], 2);
    assert_eq!(
        moved.data()["reassignAction"]["latestUpdate"]["narrative"],
        format!("Reassigned to Person {LEAD}.")
    );
}

const EDIT: &str = r#"mutation($input: UpdateActionInput!) {
    updateAction(input: $input) { version title dueDate resourcesRequired risks visibility latestUpdate { narrative } }
}"#;

#[tokio::test]
async fn board_officers_edit_an_action_and_history_and_audit_say_what_changed() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let action = gid(Kind::Action, w.public_action);
    let edit = |version: i32, extra: Value| {
        let mut input = json!({ "actionId": action, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        json!({ "input": input })
    };
    let change = json!({ "dueDate": "2027-03-31", "resourcesRequired": "Two analysts for six weeks", "visibility": "PARTNERSHIP" });
    // The lead reports progress but does not rewrite the plan.
    assert_eq!(
        app.gql(Some(LEAD), EDIT, edit(1, change.clone()))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let bad = app
        .gql(
            Some(CHAIR),
            EDIT,
            edit(
                1,
                json!({ "startDate": "2027-04-01", "dueDate": "2027-03-31" }),
            ),
        )
        .await;
    assert_eq!(bad.body["errors"][0]["extensions"]["field"], "dueDate");
    let edited = app.gql(Some(CHAIR), EDIT, edit(1, change.clone())).await;
    let a = &edited.data()["updateAction"];
    assert_eq!(a["version"], 2);
    assert_eq!(a["dueDate"], "2027-03-31");
    assert_eq!(a["resourcesRequired"], "Two analysts for six weeks");
    assert_eq!(a["visibility"], "PARTNERSHIP");
    let history = a["latestUpdate"]["narrative"].as_str().unwrap();
    assert!(history.contains("due date"), "{history}");
    assert!(history.contains("→ 2027-03-31"), "{history}");
    assert!(
        history.contains("marking: PUBLIC → PARTNERSHIP"),
        "{history}"
    );
    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("updateAction"))
        .filter(audit_log::Column::Outcome.eq("allowed"))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let detail: Value = serde_json::from_str(audit.detail.as_deref().unwrap()).unwrap();
    assert_eq!(detail["after"]["due date"], "2027-03-31");
    assert_eq!(detail["before"]["resources required"], Value::Null);
    assert!(detail["before"].get("title").is_none(), "{detail}");
    // Re-marked: the public no longer sees it, at once.
    let see = "query($a: ID!) { node(id: $a) { id } }";
    assert!(app.gql(None, see, json!({ "a": action })).await.data()["node"].is_null());
    assert!(!app
        .gql(Some(MEMBER), see, json!({ "a": action }))
        .await
        .data()["node"]
        .is_null());
    // The version moved on: the same edit again is a conflict.
    assert_eq!(
        app.gql(Some(CHAIR), EDIT, edit(1, change))
            .await
            .error_code(),
        "CONFLICT"
    );
}
