//! The access summary on actions (`core::access_summary`) decides exactly what the full rule
//! decides, for every caller, before and after each kind of write that changes a chain; a stored
//! summary always equals one recomputed from scratch; and a change made behind the API's back
//! leaves the summaries it touches stale (read with the full rule), never wrong.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::enums::Visibility;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set, Statement};
use serde_json::json;
use std::collections::BTreeSet;
use uuid::Uuid;

/// The ids of the actions `caller` sees, and their count as `ragSummary` gives it.
async fn seen(app: &TestApp, caller: Caller) -> (BTreeSet<String>, i64) {
    let reply = app
        .gql(
            caller.subject(),
            "{ actions(first: 100) { totalCount edges { node { id } } } ragSummary { counts { total } } }",
            json!({}),
        )
        .await;
    let ids = reply.data()["actions"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["id"].as_str().unwrap().to_string())
        .collect::<BTreeSet<_>>();
    assert_eq!(
        reply.data()["actions"]["totalCount"],
        ids.len(),
        "{}",
        caller.label()
    );
    (
        ids,
        reply.data()["ragSummary"]["counts"]["total"]
            .as_i64()
            .unwrap(),
    )
}

async fn execute(db: &DatabaseConnection, sql: &str) {
    db.execute_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap();
}

/// Every stored summary: (id, state, partnership, board).
async fn summaries(db: &DatabaseConnection) -> Vec<(Uuid, i16, Option<Uuid>, Option<Uuid>)> {
    let mut rows: Vec<_> = entity::action::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| {
            (
                a.id,
                a.access_state,
                a.access_partnership_id,
                a.access_board_id,
            )
        })
        .collect();
    rows.sort();
    rows
}

/// The fast path and the full rule agree for every caller, and what is stored is what a
/// summary from scratch gives.
async fn assert_summaries_hold(app: &TestApp, after: &str) {
    let db = app.db();
    // Whatever the last write left stale is summarised first, as the server would.
    api::core::access_summary::summarise(db).await.unwrap();
    let stored = summaries(db).await;
    assert!(
        stored.iter().all(|s| s.1 != 0),
        "{after}: a write left actions stale: {stored:?}"
    );
    let mut fast = Vec::new();
    for caller in Caller::ALL {
        fast.push(seen(app, caller).await);
    }
    execute(db, "UPDATE action SET access_state = 2").await;
    for (caller, fast) in Caller::ALL.into_iter().zip(&fast) {
        assert_eq!(
            &seen(app, caller).await,
            fast,
            "{after}: {}",
            caller.label()
        );
    }
    execute(db, "UPDATE action SET access_state = 0").await;
    api::core::access_summary::summarise(db).await.unwrap();
    assert_eq!(
        summaries(db).await,
        stored,
        "{after}: stored summaries differ from scratch"
    );
}

#[tokio::test]
async fn the_summary_decides_what_the_full_rule_decides_after_every_kind_of_change() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    // More chains than the world has: an action on a sub-group of the restricted board, one from
    // a resolution of a partnership meeting of that board, and one whose chain needs two boards'
    // clearances (read with the full rule).
    let subgroup = b
        .board(w.partnership, "MARAC sub-group", Visibility::Partnership)
        .await;
    entity::board::ActiveModel {
        id: Set(subgroup),
        parent_id: Set(Some(w.marac)),
        ..Default::default()
    }
    .update(app.db())
    .await
    .unwrap();
    b.action(w.partnership, "Sub-group action")
        .board(subgroup)
        .visibility(Visibility::Partnership)
        .insert()
        .await;
    let marac_meeting = b
        .meeting(w.partnership, w.marac, 20, Visibility::Partnership)
        .await;
    let item = b
        .agenda_item(
            w.partnership,
            w.marac,
            marac_meeting,
            1,
            "Case review",
            Visibility::Partnership,
            None,
        )
        .await;
    let resolution = b.resolution(item, "RESOLVED that partners act").await;
    b.action(w.partnership, "From a MARAC resolution")
        .board(w.strategic_board)
        .resolution(resolution)
        .visibility(Visibility::Public)
        .insert()
        .await;
    let public_item = b
        .agenda_item(
            w.partnership,
            w.strategic_board,
            w.meeting,
            9,
            "Public item",
            Visibility::Public,
            None,
        )
        .await;
    let public_resolution = b
        .resolution(public_item, "RESOLVED that the plan be noted")
        .await;
    let from_public = b
        .action(w.partnership, "From a public resolution")
        .board(w.strategic_board)
        .resolution(public_resolution)
        .visibility(Visibility::Public)
        .insert()
        .await;
    b.action(
        w.partnership,
        "Restricted on MARAC, from a restricted item elsewhere",
    )
    .board(w.marac)
    .resolution(w.restricted_resolution)
    .visibility(Visibility::Restricted)
    .insert()
    .await;
    let states: Vec<i16> = summaries(app.db()).await.iter().map(|s| s.1).collect();
    assert!(
        states.contains(&1) && states.iter().all(|s| *s != 0),
        "{states:?}"
    );
    assert_summaries_hold(&app, "the world as built").await;

    // An administrator re-marks and moves boards; a chair re-marks an agenda item.
    let admin = b.administrator(w.partnership, w.police, "admin").await;
    const BOARD: &str =
        "mutation($input: UpdateBoardInput!) { updateBoard(input: $input) { name } }";
    // The administrator holds a clearance on MARAC, so can see (and change) it.
    b.seat(w.marac, admin, true, None).await;
    let changes = [
        (
            "the sub-group moved under the strategic board",
            json!({ "boardId": gid(Kind::Board, subgroup), "parentId": gid(Kind::Board, w.strategic_board) }),
        ),
        (
            "MARAC made partnership-level",
            json!({ "boardId": gid(Kind::Board, w.marac), "visibility": "PARTNERSHIP" }),
        ),
        (
            "MARAC restricted again",
            json!({ "boardId": gid(Kind::Board, w.marac), "visibility": "RESTRICTED" }),
        ),
        (
            "the strategic board restricted",
            json!({ "boardId": gid(Kind::Board, w.strategic_board), "visibility": "RESTRICTED" }),
        ),
    ];
    for (what, input) in changes {
        let reply = app
            .gql(Some("admin"), BOARD, json!({ "input": input }))
            .await;
        assert!(reply.body["errors"].is_null(), "{what}: {}", reply.body);
        assert_summaries_hold(&app, what).await;
    }
    const ITEM: &str = "mutation($input: UpdateAgendaItemInput!) { updateAgendaItem(input: $input) { visibility } }";
    for (what, visibility) in [
        ("the MARAC item restricted", "RESTRICTED"),
        ("the MARAC item public", "PUBLIC"),
    ] {
        let input = json!({ "agendaItemId": gid(Kind::AgendaItem, item), "visibility": visibility, "stubTitle": "Item" });
        let reply = app.gql(Some(CHAIR), ITEM, json!({ "input": input })).await;
        if reply.body["errors"].is_null() {
            assert_summaries_hold(&app, what).await;
        } else {
            // The strategic chair does not chair MARAC: the change is refused and nothing moves.
            assert_eq!(reply.error_code(), "NOT_FOUND", "{what}: {}", reply.body);
        }
    }

    // Behind the API's back: the database marks the touched summaries stale by itself.
    entity::agenda_item::ActiveModel {
        id: Set(public_item),
        visibility: Set(Visibility::Restricted),
        ..Default::default()
    }
    .update(app.db())
    .await
    .unwrap();
    let stale = entity::action::Entity::find_by_id(from_public)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stale.access_state, 0,
        "a re-marked item leaves its actions stale"
    );
    // Stale rows are read with the full rule: the partner no longer sees the action.
    let (partner_sees, _) = seen(&app, Caller::Partner).await;
    assert!(!partner_sees.contains(&gid(Kind::Action, from_public)));
    assert_summaries_hold(&app, "an item re-marked by hand").await;
}
