//! Changing meetings after scheduling: move, cancel, reclassify and reorder the agenda,
//! declarations of interest, corrections of approved minutes, and written-update requests.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::{Duration, Utc};
use entity::enums::Visibility;
use entity::{agenda_item, audit_log};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

/// Schedules a meeting of the strategic board `days` from now, as its chair.
async fn schedule(app: &TestApp, w: &World, days: i64) -> String {
    let starts = (Utc::now() + Duration::days(days)).to_rfc3339();
    let reply = app
        .gql(
            Some(CHAIR),
            "mutation($b: ID!, $s: DateTime!) { scheduleMeeting(input: { boardId: $b, startsAt: $s }) { id } }",
            json!({ "b": gid(Kind::Board, w.strategic_board), "s": starts }),
        )
        .await;
    reply.data()["scheduleMeeting"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn add_item(app: &TestApp, meeting: &str, title: &str) -> String {
    let reply = app
        .gql(
            Some(CHAIR),
            "mutation($m: ID!, $t: String!) { addAgendaItem(input: { meetingId: $m, title: $t }) { id } }",
            json!({ "m": meeting, "t": title }),
        )
        .await;
    reply.data()["addAgendaItem"]["id"]
        .as_str()
        .unwrap()
        .to_string()
}

/// The node titles of a connection's edges, sorted.
fn edge_titles(connection: &serde_json::Value) -> Vec<String> {
    let mut titles: Vec<String> = connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_string())
        .collect();
    titles.sort();
    titles
}

const UPDATE_MEETING: &str =
    "mutation($m: ID!, $v: String) { updateMeeting(input: { meetingId: $m, venue: $v }) { venue status } }";
const CANCEL: &str = "mutation($m: ID!, $r: String!) { cancelMeeting(input: { meetingId: $m, reason: $r }) { status cancelledReason } }";

#[tokio::test]
async fn the_chair_moves_and_cancels_a_meeting_and_others_cannot() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let m = schedule(&app, &w, 30).await;

    let moved = app
        .gql(
            Some(CHAIR),
            UPDATE_MEETING,
            json!({ "m": m, "v": "Room 2" }),
        )
        .await;
    assert_eq!(moved.data()["updateMeeting"]["venue"], "Room 2");
    let into_the_past = app
        .gql(
            Some(CHAIR),
            "mutation($m: ID!) { updateMeeting(input: { meetingId: $m, startsAt: \"2020-01-01T10:00:00Z\" }) { id } }",
            json!({ "m": m }),
        )
        .await;
    assert_eq!(
        into_the_past.body["errors"][0]["extensions"]["field"],
        "startsAt"
    );
    let by_member = app
        .gql(Some(LEAD), UPDATE_MEETING, json!({ "m": m, "v": "Pub" }))
        .await;
    assert_eq!(by_member.error_code(), "FORBIDDEN");
    let no_reason = app
        .gql(Some(CHAIR), CANCEL, json!({ "m": m, "r": "  " }))
        .await;
    assert_eq!(no_reason.error_code(), "BAD_USER_INPUT");
    assert_eq!(no_reason.body["errors"][0]["extensions"]["field"], "reason");

    let cancelled = app
        .gql(Some(CHAIR), CANCEL, json!({ "m": m, "r": "Not quorate" }))
        .await;
    assert_eq!(
        cancelled.data()["cancelMeeting"],
        json!({ "status": "CANCELLED", "cancelledReason": "Not quorate" })
    );
    let again = app
        .gql(Some(CHAIR), CANCEL, json!({ "m": m, "r": "Twice" }))
        .await;
    assert_eq!(again.error_code(), "BAD_USER_INPUT");
    // A held meeting cannot be moved.
    let held = app
        .gql(
            Some(CHAIR),
            UPDATE_MEETING,
            json!({ "m": gid(Kind::Meeting, w.meeting), "v": "Elsewhere" }),
        )
        .await;
    assert_eq!(held.error_code(), "BAD_USER_INPUT");
    // Someone who cannot see a meeting gets the same NOT_FOUND as for no meeting at all.
    let hidden = app
        .gql(
            Some(OUTSIDER),
            CANCEL,
            json!({ "m": gid(Kind::Meeting, uuid::Uuid::now_v7()), "r": "x" }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");
}

#[tokio::test]
async fn the_agenda_is_reordered_and_items_the_chair_cannot_see_keep_their_place() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let m = schedule(&app, &w, 30).await;
    let a = add_item(&app, &m, "Apologies").await;
    let meeting_id = api::core::ids::decode(&m.clone().into(), Kind::Meeting, "m").unwrap();
    // A restricted item of the MARAC without a stub: the chair cannot see it at all.
    let hidden = Builder { db: app.db() }
        .agenda_item(
            w.partnership,
            w.marac,
            meeting_id,
            2,
            &format!("Case {SECRET}"),
            Visibility::Restricted,
            None,
        )
        .await;
    let b = add_item(&app, &m, "Serious violence duty").await;

    const REORDER: &str = "mutation($m: ID!, $ids: [ID!]!) { reorderAgendaItems(input: { meetingId: $m, agendaItemIds: $ids }) { title ordinal } }";
    let reply = app
        .gql(Some(CHAIR), REORDER, json!({ "m": m, "ids": [b, a] }))
        .await;
    assert_eq!(
        reply.data()["reorderAgendaItems"],
        json!([{ "title": "Serious violence duty", "ordinal": 1 }, { "title": "Apologies", "ordinal": 3 }])
    );
    let hidden_row = agenda_item::Entity::find_by_id(hidden)
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(hidden_row.ordinal, 2, "the hidden item keeps its place");

    // Naming an item twice, leaving one out, or naming the hidden one: the same error.
    for ids in [
        json!([b, b]),
        json!([b]),
        json!([b, a, gid(Kind::AgendaItem, hidden)]),
    ] {
        let bad = app
            .gql(Some(CHAIR), REORDER, json!({ "m": m, "ids": ids }))
            .await;
        assert_eq!(bad.error_code(), "BAD_USER_INPUT", "{ids}");
        assert!(!bad.body.to_string().contains(SECRET));
    }
    let by_member = app
        .gql(Some(LEAD), REORDER, json!({ "m": m, "ids": [a, b] }))
        .await;
    assert_eq!(by_member.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn an_item_is_reclassified_and_a_restricted_one_shows_only_its_stub() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let m = schedule(&app, &w, 30).await;
    let item = add_item(&app, &m, "Performance").await;
    const UPDATE: &str = "mutation($input: UpdateAgendaItemInput!) { updateAgendaItem(input: $input) { title itemType visibility redacted } }";
    let typed = app
        .gql(
            Some(CHAIR),
            UPDATE,
            json!({ "i": item, "input": { "agendaItemId": item, "itemType": "INFORMATION", "title": "Performance report" } }),
        )
        .await;
    assert_eq!(
        typed.data()["updateAgendaItem"],
        json!({ "title": "Performance report", "itemType": "INFORMATION", "visibility": "PUBLIC", "redacted": false })
    );
    let stub_on_public = app
        .gql(
            Some(CHAIR),
            UPDATE,
            json!({ "i": item, "input": { "agendaItemId": item, "stubTitle": "Restricted" } }),
        )
        .await;
    assert_eq!(stub_on_public.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        stub_on_public.body["errors"][0]["extensions"]["field"],
        "stubTitle"
    );
    // The chair is not cleared on the strategic board: once restricted, only the stub shows,
    // and the item can no longer be changed by them.
    let restricted = app
        .gql(
            Some(CHAIR),
            UPDATE,
            json!({ "i": item, "input": { "agendaItemId": item, "visibility": "RESTRICTED", "stubTitle": "Part Two item" } }),
        )
        .await;
    assert_eq!(
        restricted.data()["updateAgendaItem"],
        json!({ "title": "Part Two item", "itemType": null, "visibility": "RESTRICTED", "redacted": true })
    );
    let after = app
        .gql(
            Some(CHAIR),
            UPDATE,
            json!({ "i": item, "input": { "agendaItemId": item, "title": "Back" } }),
        )
        .await;
    assert_eq!(after.error_code(), "NOT_FOUND");
    let public = app
        .gql(
            None,
            "query($m: ID!) { node(id: $m) { ... on Meeting { agendaItems { edges { node { title } } } } } }",
            json!({ "m": m }),
        )
        .await;
    assert!(
        !public.body.to_string().contains("Performance report"),
        "{}",
        public.body
    );
}

#[tokio::test]
async fn declarations_of_interest_are_recorded_by_officers() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let m = schedule(&app, &w, 30).await;
    const DECLARE: &str = "mutation($m: ID!, $p: ID!, $i: String!) { recordDeclarationOfInterest(input: { meetingId: $m, personId: $p, interest: $i }) { interest person { name } } }";
    let lead = gid(Kind::Person, w.lead);
    let ok = app
        .gql(
            Some(CHAIR),
            DECLARE,
            json!({ "m": m, "p": lead, "i": "Trustee of a commissioned charity" }),
        )
        .await;
    assert_eq!(
        ok.data()["recordDeclarationOfInterest"]["interest"],
        "Trustee of a commissioned charity"
    );
    let listed = app
        .gql(
            None,
            "query($m: ID!) { node(id: $m) { ... on Meeting { declarationsOfInterest { interest } } } }",
            json!({ "m": m }),
        )
        .await;
    assert_eq!(
        listed.data()["node"]["declarationsOfInterest"],
        json!([{ "interest": "Trustee of a commissioned charity" }])
    );
    let empty = app
        .gql(Some(CHAIR), DECLARE, json!({ "m": m, "p": lead, "i": "" }))
        .await;
    assert_eq!(empty.body["errors"][0]["extensions"]["field"], "interest");
    let unknown = app
        .gql(
            Some(CHAIR),
            DECLARE,
            json!({ "m": m, "p": gid(Kind::Person, uuid::Uuid::now_v7()), "i": "x" }),
        )
        .await;
    assert_eq!(unknown.body["errors"][0]["extensions"]["field"], "personId");
    let by_member = app
        .gql(Some(LEAD), DECLARE, json!({ "m": m, "p": lead, "i": "x" }))
        .await;
    assert_eq!(by_member.error_code(), "FORBIDDEN");
}

#[tokio::test]
async fn approved_minutes_change_only_by_an_audited_correction_that_keeps_both_texts() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let public_item = agenda_item::Entity::find()
        .filter(agenda_item::Column::MeetingId.eq(w.meeting))
        .filter(agenda_item::Column::Ordinal.eq(1))
        .one(app.db())
        .await
        .unwrap()
        .unwrap();
    let item = gid(Kind::AgendaItem, public_item.id);
    const CORRECT: &str = "mutation($i: ID!, $t: String!, $r: String!) { correctMinute(input: { agendaItemId: $i, text: $t, reason: $r }) { minuteText corrections { previousText correctedText reason correctedBy { name } } } }";

    let by_member = app
        .gql(
            Some(LEAD),
            CORRECT,
            json!({ "i": item, "t": "x", "r": "y" }),
        )
        .await;
    assert_eq!(by_member.error_code(), "FORBIDDEN");
    let no_reason = app
        .gql(
            Some(CHAIR),
            CORRECT,
            json!({ "i": item, "t": "x", "r": "" }),
        )
        .await;
    assert_eq!(no_reason.body["errors"][0]["extensions"]["field"], "reason");
    let stub = app
        .gql(
            Some(CHAIR),
            CORRECT,
            json!({ "i": gid(Kind::AgendaItem, w.stub_item), "t": "x", "r": "y" }),
        )
        .await;
    assert_eq!(stub.error_code(), "NOT_FOUND");

    let fixed = app
        .gql(
            Some(CHAIR),
            CORRECT,
            json!({ "i": item, "t": "The board noted the update.", "r": "Agreed as a correction at minute 90" }),
        )
        .await;
    let out = &fixed.data()["correctMinute"];
    assert_eq!(out["minuteText"], "The board noted the update.");
    assert_eq!(
        out["corrections"][0]["previousText"],
        public_item
            .minute_text
            .clone()
            .map(Into::into)
            .unwrap_or(json!(null))
    );
    assert_eq!(
        out["corrections"][0]["reason"],
        "Agreed as a correction at minute 90"
    );
    assert_eq!(
        out["corrections"][0]["correctedBy"]["name"],
        format!("Person {CHAIR}")
    );

    let audit = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("correctMinute"))
        .filter(audit_log::Column::Outcome.eq("allowed"))
        .one(app.db())
        .await
        .unwrap()
        .expect("the correction is audited");
    assert!(audit
        .detail
        .unwrap()
        .contains("Agreed as a correction at minute 90"));

    // Draft minutes are not "corrected": they are rewritten with writeMinute.
    let m = schedule(&app, &w, 30).await;
    let draft_item = add_item(&app, &m, "Draft").await;
    let draft = app
        .gql(
            Some(CHAIR),
            CORRECT,
            json!({ "i": draft_item, "t": "x", "r": "y" }),
        )
        .await;
    assert_eq!(draft.error_code(), "BAD_USER_INPUT");
}

const REQUEST: &str = "mutation($b: ID!, $d: Int) { requestWrittenUpdates(input: { boardId: $b, daysBefore: $d }) { id dueOn meeting { id } outstandingActions { totalCount edges { node { title leadPerson { name } } } } } }";

#[tokio::test]
async fn a_board_requests_written_updates_and_sees_who_still_owes_one() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let board = gid(Kind::Board, w.strategic_board);

    let nothing_ahead = app
        .gql(Some(CHAIR), REQUEST, json!({ "b": board, "d": 7 }))
        .await;
    assert_eq!(nothing_ahead.error_code(), "BAD_USER_INPUT");
    assert_eq!(
        nothing_ahead.body["errors"][0]["extensions"]["field"],
        "boardId"
    );

    let m = schedule(&app, &w, 30).await;
    let too_long = app
        .gql(Some(CHAIR), REQUEST, json!({ "b": board, "d": 45 }))
        .await;
    assert_eq!(
        too_long.body["errors"][0]["extensions"]["field"],
        "daysBefore"
    );
    let by_member = app
        .gql(Some(LEAD), REQUEST, json!({ "b": board, "d": 7 }))
        .await;
    assert_eq!(by_member.error_code(), "FORBIDDEN");
    let hidden = app
        .gql(
            None,
            REQUEST,
            json!({ "b": gid(Kind::Board, w.marac), "d": 7 }),
        )
        .await;
    assert_eq!(hidden.error_code(), "NOT_FOUND");

    let made = app
        .gql(Some(CHAIR), REQUEST, json!({ "b": board, "d": 7 }))
        .await;
    let request = &made.data()["requestWrittenUpdates"];
    assert_eq!(request["meeting"]["id"], m.as_str());
    let due = (Utc::now() + Duration::days(30)).date_naive() - Duration::days(7);
    assert_eq!(request["dueOn"], due.to_string());
    // The chair sees two open actions of the board; the one from a restricted minute is hidden.
    assert_eq!(
        edge_titles(&request["outstandingActions"]),
        ["Publish the strategy", "Share the problem profile"]
    );
    assert_eq!(request["outstandingActions"]["totalCount"], 2);
    let request_id = request["id"].as_str().unwrap().to_string();

    let twice = app
        .gql(Some(CHAIR), REQUEST, json!({ "b": board, "d": 3 }))
        .await;
    assert_eq!(twice.error_code(), "CONFLICT");

    // The lead sends their update: they no longer owe one.
    let action = gid(Kind::Action, w.public_action);
    let version = app
        .gql(
            Some(LEAD),
            "query($a: ID!) { node(id: $a) { ... on Action { version } } }",
            json!({ "a": action }),
        )
        .await
        .data()["node"]["version"]
        .as_i64()
        .unwrap();
    let updated = app
        .gql(
            Some(LEAD),
            "mutation($a: ID!, $v: Int!) { updateActionProgress(input: { actionId: $a, expectedVersion: $v, percentComplete: 50, narrative: \"Published in draft\" }) { version } }",
            json!({ "a": action, "v": version }),
        )
        .await;
    assert!(updated.body["errors"].is_null(), "{}", updated.body);
    let now_owed = app
        .gql(
            Some(CHAIR),
            "query($m: ID!) { node(id: $m) { ... on Meeting { writtenUpdateRequest { id outstandingActions { totalCount edges { node { title } } } } } } }",
            json!({ "m": m }),
        )
        .await;
    let req = &now_owed.data()["node"]["writtenUpdateRequest"];
    assert_eq!(req["id"], request_id.as_str());
    assert_eq!(req["outstandingActions"]["totalCount"], 1);
    assert_eq!(
        req["outstandingActions"]["edges"][0]["node"]["title"],
        "Share the problem profile"
    );
    // An anonymous caller sees the public request but not the partnership-only action.
    let anon = app
        .gql(
            None,
            "query($m: ID!) { node(id: $m) { ... on Meeting { writtenUpdateRequest { outstandingActions { totalCount } } } } }",
            json!({ "m": m }),
        )
        .await;
    assert_eq!(
        anon.data()["node"]["writtenUpdateRequest"]["outstandingActions"]["totalCount"],
        0
    );
}
