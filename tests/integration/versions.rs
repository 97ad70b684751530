//! Optimistic concurrency on the records a board's officers edit at the same time: boards,
//! meetings, agenda items (and their minutes) and indicators. A change sent with a stale
//! `expectedVersion` is a CONFLICT and writes nothing; every change moves the version on.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use serde_json::json;

#[tokio::test]
async fn stale_versions_are_conflicts_on_every_record_a_board_edits() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, "admin")
        .await;

    // A board renamed by one administrator, then by another from the same stale copy.
    let board = gid(Kind::Board, w.strategic_board);
    const BOARD: &str = "mutation($b: ID!, $n: String!, $v: Int) { updateBoard(input: { boardId: $b, name: $n, expectedVersion: $v }) { name version } }";
    let first = app
        .gql(
            Some("admin"),
            BOARD,
            json!({ "b": board, "n": "Safer Testshire Board", "v": 1 }),
        )
        .await;
    assert_eq!(first.data()["updateBoard"]["version"], 2);
    let second = app
        .gql(
            Some("admin"),
            BOARD,
            json!({ "b": board, "n": "Testshire Board", "v": 1 }),
        )
        .await;
    assert_eq!(second.error_code(), "CONFLICT");
    assert!(second.body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("current version is 2"));
    // Without a version the change goes through, and still moves it on.
    let blind = app
        .gql(
            Some("admin"),
            BOARD,
            json!({ "b": board, "n": "Safer Testshire Board", "v": null }),
        )
        .await;
    assert_eq!(blind.data()["updateBoard"]["version"], 3);

    // A draft meeting and its item, edited by two secretaries.
    let starts = (chrono::Utc::now() + chrono::Duration::days(30)).to_rfc3339();
    let meeting = app
        .gql(Some(CHAIR), "mutation($b: ID!, $s: DateTime!) { scheduleMeeting(input: { boardId: $b, startsAt: $s }) { id version } }", json!({ "b": board, "s": starts }))
        .await;
    let meeting_id = meeting.data()["scheduleMeeting"]["id"].clone();
    assert_eq!(meeting.data()["scheduleMeeting"]["version"], 1);
    const MOVE: &str = "mutation($m: ID!, $v: Int) { updateMeeting(input: { meetingId: $m, venue: \"Civic Centre\", expectedVersion: $v }) { version } }";
    assert_eq!(
        app.gql(Some(CHAIR), MOVE, json!({ "m": meeting_id, "v": 1 }))
            .await
            .data()["updateMeeting"]["version"],
        2
    );
    assert_eq!(
        app.gql(Some(CHAIR), MOVE, json!({ "m": meeting_id, "v": 1 }))
            .await
            .error_code(),
        "CONFLICT"
    );
    let item = app
        .gql(Some(CHAIR), r#"mutation($m: ID!) { addAgendaItem(input: { meetingId: $m, title: "Knife crime" }) { id version } }"#, json!({ "m": meeting_id }))
        .await;
    let item_id = item.data()["addAgendaItem"]["id"].clone();
    const RETITLE: &str = "mutation($i: ID!, $t: String!, $v: Int) { updateAgendaItem(input: { agendaItemId: $i, title: $t, expectedVersion: $v }) { title version } }";
    assert_eq!(
        app.gql(
            Some(CHAIR),
            RETITLE,
            json!({ "i": item_id, "t": "Knife crime update", "v": 1 })
        )
        .await
        .data()["updateAgendaItem"]["version"],
        2
    );
    let lost = app
        .gql(
            Some(CHAIR),
            RETITLE,
            json!({ "i": item_id, "t": "Knives", "v": 1 }),
        )
        .await;
    assert_eq!(lost.error_code(), "CONFLICT");
    const MINUTE: &str = "mutation($i: ID!, $t: String!, $v: Int) { writeMinute(input: { agendaItemId: $i, text: $t, expectedVersion: $v }) { minuteText version } }";
    assert_eq!(
        app.gql(
            Some(CHAIR),
            MINUTE,
            json!({ "i": item_id, "t": "Noted.", "v": 1 })
        )
        .await
        .error_code(),
        "CONFLICT"
    );
    let minuted = app
        .gql(
            Some(CHAIR),
            MINUTE,
            json!({ "i": item_id, "t": "Noted.", "v": 2 }),
        )
        .await;
    assert_eq!(minuted.data()["writeMinute"]["version"], 3);
    let title = app
        .gql(
            Some(CHAIR),
            "query($i: ID!) { node(id: $i) { ... on AgendaItem { title } } }",
            json!({ "i": item_id }),
        )
        .await;
    assert_eq!(
        title.data()["node"]["title"],
        "Knife crime update",
        "the stale rename wrote nothing"
    );
}
