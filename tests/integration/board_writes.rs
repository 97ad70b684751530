//! Partnership administrators manage boards and seats; clearance is a governed grant (see
//! `clearances.rs`).

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::{board_membership, person};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// The detail of the latest allowed audit row of `operation`, parsed.
async fn last_change(app: &TestApp, operation: &str) -> serde_json::Value {
    use sea_orm::QueryOrder;
    let row = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Operation.eq(operation))
        .filter(entity::audit_log::Column::Outcome.eq("allowed"))
        .order_by_desc(entity::audit_log::Column::OccurredAt)
        .one(app.db())
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("no audit row of {operation}"));
    serde_json::from_str(row.detail.as_deref().unwrap_or("null")).unwrap()
}

async fn make_admin(app: &TestApp, w: &World) {
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, "admin")
        .await;
}

#[tokio::test]
async fn the_one_step_clearance_switch_only_asks_and_withdraws() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    make_admin(&app, &w).await;
    let member = person::Entity::find()
        .filter(person::Column::Subject.eq(MEMBER))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let seat = board_membership::Entity::find()
        .filter(board_membership::Column::PersonId.eq(member.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let set = "mutation($m: ID!, $c: Boolean!) { setRestrictedClearance(membershipId: $m, cleared: $c) { restrictedClearance } }";
    let vars = |c: bool| json!({ "m": gid(Kind::BoardMembership, seat.id), "c": c });
    let see = "query($id: ID!) { node(id: $id) { id } }";
    let action = json!({ "id": gid(Kind::Action, w.restricted_action) });
    assert!(app.gql(Some(MEMBER), see, action.clone()).await.data()["node"].is_null());
    // The chair of another board is not an administrator.
    assert_eq!(
        app.gql(Some(CHAIR), set, vars(true)).await.error_code(),
        "FORBIDDEN"
    );
    // `true` is now a request: nothing is visible until a second person approves it (see
    // `clearances.rs` for the approval taking effect on the next request).
    app.gql(Some("admin"), set, vars(true)).await.data();
    assert!(app.gql(Some(MEMBER), see, action.clone()).await.data()["node"].is_null());
    let pending = entity::clearance::Entity::find()
        .filter(entity::clearance::Column::MembershipId.eq(seat.id))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(pending.status, entity::enums::ClearanceStatus::Pending);
    // `false` withdraws it.
    app.gql(Some("admin"), set, vars(false)).await.data();
    let withdrawn = entity::clearance::Entity::find_by_id(pending.id)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(withdrawn.status, entity::enums::ClearanceStatus::Refused);
    assert!(app.gql(Some(MEMBER), see, action.clone()).await.data()["node"].is_null());
    // The administrator still sees nothing restricted.
    assert!(app.gql(Some("admin"), see, action).await.data()["node"].is_null());
}

#[tokio::test]
async fn administrators_create_boards_and_seats() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    make_admin(&app, &w).await;
    let create = r#"mutation($p: ID!, $parent: ID) { createBoard(input: { partnershipId: $p, parentId: $parent, name: "Serious Violence Task and Finish Group", kind: TASK_AND_FINISH_GROUP, visibility: PARTNERSHIP }) { id parent { name } } }"#;
    let vars = json!({ "p": gid(Kind::Partnership, w.partnership), "parent": gid(Kind::Board, w.strategic_board) });
    assert_eq!(
        app.gql(Some(CHAIR), create, vars.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let board = app.gql(Some("admin"), create, vars).await;
    assert_eq!(
        board.data()["createBoard"]["parent"]["name"],
        "Strategic Board"
    );
    let board_id = board.data()["createBoard"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let seat = app
        .gql(Some("admin"), "mutation($b: ID!, $p: ID!) { addMembership(input: { boardId: $b, personId: $p, role: CHAIR }) { role current } }", json!({ "b": board_id, "p": gid(Kind::Person, w.lead) }))
        .await;
    assert_eq!(
        seat.data()["addMembership"],
        json!({ "role": "CHAIR", "current": true })
    );
    assert_eq!(
        last_change(&app, "createBoard").await["after"]["name"],
        "Serious Violence Task and Finish Group"
    );
    let added = last_change(&app, "addMembership").await;
    assert_eq!(added["after"]["personId"], json!(w.lead));
    assert_eq!(added["after"]["role"], "Chair");
    let blank = app.gql(Some("admin"), r#"mutation($p: ID!) { createBoard(input: { partnershipId: $p, name: " ", kind: FORUM, visibility: PUBLIC }) { id } }"#, json!({ "p": gid(Kind::Partnership, w.partnership) })).await;
    assert_eq!(blank.body["errors"][0]["extensions"]["field"], "name");
}

#[tokio::test]
async fn administrators_rename_and_move_boards_but_never_into_a_cycle() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    make_admin(&app, &w).await;
    const UPDATE: &str = "mutation($input: UpdateBoardInput!) { updateBoard(input: $input) { name kind parent { name } } }";
    let marac = gid(Kind::Board, w.marac);
    let strategic = gid(Kind::Board, w.strategic_board);

    let by_chair = app
        .gql(
            Some(CHAIR),
            UPDATE,
            json!({ "input": { "boardId": strategic, "name": "Renamed" } }),
        )
        .await;
    assert_eq!(by_chair.error_code(), "FORBIDDEN");
    let hidden = app
        .gql(
            Some(OUTSIDER),
            UPDATE,
            json!({ "input": { "boardId": marac, "name": "Renamed" } }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    let moved = app
        .gql(
            Some("admin"),
            UPDATE,
            json!({ "input": { "boardId": marac, "parentId": strategic, "kind": "OPERATIONAL_PANEL", "name": "MARAC Steering Group" } }),
        )
        .await;
    assert_eq!(
        moved.data()["updateBoard"],
        json!({ "name": "MARAC Steering Group", "kind": "OPERATIONAL_PANEL", "parent": { "name": "Strategic Board" } })
    );
    // Audited with what changed, before and after.
    let change = last_change(&app, "updateBoard").await;
    assert_eq!(change["before"]["name"], "MARAC");
    assert_eq!(change["after"]["name"], "MARAC Steering Group");
    assert_eq!(change["before"]["parentId"], json!(null));
    assert_eq!(change["after"]["parentId"], json!(w.strategic_board));
    assert!(
        change["after"].get("visibility").is_none(),
        "unchanged fields are left out"
    );
    // The strategic board cannot now report to its own sub-group, nor to itself.
    for parent in [&marac, &strategic] {
        let cycle = app
            .gql(
                Some("admin"),
                UPDATE,
                json!({ "input": { "boardId": strategic, "parentId": parent } }),
            )
            .await;
        assert_eq!(cycle.error_code(), "BAD_USER_INPUT");
        assert_eq!(cycle.body["errors"][0]["extensions"]["field"], "parentId");
    }
    let blank = app
        .gql(
            Some("admin"),
            UPDATE,
            json!({ "input": { "boardId": marac, "name": "" } }),
        )
        .await;
    assert_eq!(blank.body["errors"][0]["extensions"]["field"], "name");
}
