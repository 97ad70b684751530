//! Nested connections are batched: one statement per nesting level whatever the number of
//! parents, with exactly the pages, cursors, page info and counts a top-level list gives, and no
//! row a top-level list would hide.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use chrono::NaiveDate;
use entity::audit_log;
use entity::enums::Visibility;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{json, Value};
use uuid::Uuid;

struct Fixture {
    app: TestApp,
    /// The board with many meetings.
    board: Uuid,
    /// Its meetings, oldest first, with their visibility and agenda.
    meetings: Vec<(Uuid, Visibility, Vec<Item>)>,
}

#[derive(Clone)]
struct Item {
    id: Uuid,
    ordinal: i32,
    title: String,
    visibility: Visibility,
    stub: Option<String>,
}

/// Twelve boards of the same partnership, each with its own number of meetings and actions; the
/// first has twelve meetings whose agendas have 0 to 4 items, some restricted (with and without
/// a stub) and two sharing an ordinal. Meeting 6 is restricted. `MEMBER` holds an uncleared seat
/// on every board, `CLEARED` a cleared one.
async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let b = Builder { db: app.db() };
    let p = b.partnership("nested").await;
    let org = b.organisation("Org", &[p]).await;
    let member = b.person(org, MEMBER).await;
    let cleared = b.person(org, CLEARED).await;
    let mut boards = Vec::new();
    for i in 0..12 {
        let board = b
            .board(p, &format!("Board {i:02}"), Visibility::Partnership)
            .await;
        b.seat(board, member, false, None).await;
        b.seat(board, cleared, true, None).await;
        boards.push(board);
    }
    let board = boards[0];
    let mut meetings = Vec::new();
    for day in 1..=12u32 {
        let visibility = if day == 6 {
            Visibility::Restricted
        } else {
            Visibility::Partnership
        };
        let m = b.meeting(p, board, day, visibility).await;
        let mut items = Vec::new();
        for k in 0..(day % 5) as i32 {
            let (visibility, stub) = match k {
                1 => (Visibility::Restricted, Some(format!("Stub {day}.{k}"))),
                2 => (Visibility::Restricted, None),
                _ => (Visibility::Partnership, None),
            };
            // Items 0 and 3 share an ordinal: the id breaks the tie.
            let ordinal = if k == 3 { 1 } else { k + 1 };
            let title = format!("Item {day}.{k}");
            let id = b
                .agenda_item(p, board, m, ordinal, &title, visibility, stub.as_deref())
                .await;
            items.push(Item {
                id,
                ordinal,
                title,
                visibility,
                stub,
            });
        }
        meetings.push((m, visibility, items));
    }
    // Other boards: (i % 4) meetings and (i % 3) + 1 actions each.
    for (i, other) in boards.iter().enumerate().skip(1) {
        for day in 0..(i % 4) as u32 {
            b.meeting(p, *other, 1 + day, Visibility::Partnership).await;
        }
        for a in 0..=(i % 3) {
            let visibility = if a == 1 {
                Visibility::Restricted
            } else {
                Visibility::Partnership
            };
            b.action(p, &format!("Action {i}.{a}"))
                .board(*other)
                .visibility(visibility)
                .due(NaiveDate::from_ymd_opt(2026, 2, 1 + a as u32).unwrap())
                .insert()
                .await;
        }
    }
    Fixture {
        app,
        board,
        meetings,
    }
}

/// Runs `query` and returns its data, failing on any error.
async fn data(app: &TestApp, who: &str, query: &str, vars: Value) -> Value {
    let reply = app.gql(Some(who), query, vars).await;
    assert!(
        reply.body["errors"].is_null(),
        "{query}: {:?}",
        reply.body["errors"]
    );
    reply.data().clone()
}

/// Statements for `query` with `$n` = 3 and with `$n` = 10, best of three tries (see
/// `performance.rs` for why a batch can occasionally split).
async fn statements_for(app: &TestApp, query: &str, vars: Value) -> (u64, u64) {
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let mut counts = Vec::new();
        for n in [3, 10] {
            let mut vars = vars.clone();
            vars["n"] = json!(n);
            let before = app.statements();
            data(app, MEMBER, query, vars).await;
            counts.push(app.statements() - before);
        }
        let pair = (counts[0], counts[1]);
        if pair.0 >= pair.1 {
            return pair;
        }
        attempts.push(pair);
    }
    attempts
        .into_iter()
        .min_by_key(|(few, many)| many - few)
        .unwrap()
}

const MEETINGS_WITH_AGENDAS: &str = r#"query($board: ID!, $n: Int!) { node(id: $board) { ... on Board {
    meetings(first: $n) { totalCount edges { cursor node { id
        agendaItems(first: 20) { totalCount pageInfo { hasNextPage endCursor }
            edges { cursor node { id title minuteText } } }
    } } }
} } }"#;

const BOARDS_WITH_LISTS: &str = r#"query($n: Int!) { boards(first: $n) { edges { node { id
    meetings(first: 3) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { id startsAt } } }
    actions(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } }
    memberships(first: 5) { edges { node { id } } }
    subBoards(first: 2) { edges { node { id } } }
} } } }"#;

#[tokio::test]
async fn statements_per_request_do_not_grow_with_the_number_of_parents() {
    let f = fixture().await;
    let board = gid(Kind::Board, f.board);
    let (few, many) =
        statements_for(&f.app, MEETINGS_WITH_AGENDAS, json!({ "board": board })).await;
    // One statement per level and one per totalCount; a batch split by a slow poll may add one.
    assert!(
        many <= few + 2,
        "meetings × agendaItems: {few} statements for 3 meetings, {many} for 10"
    );
    let (few, many) = statements_for(&f.app, BOARDS_WITH_LISTS, json!({})).await;
    assert!(
        many <= few + 2,
        "boards × (meetings, actions, memberships, subBoards): {few} statements for 3 boards, {many} for 10"
    );
}

#[tokio::test]
async fn nested_pages_equal_top_level_pages_forwards_and_backwards() {
    let f = fixture().await;
    let app = &f.app;
    // Each board's meetings and actions under `boards`, against the top-level list of the same
    // board (not batched), page by page: first, then after, then last before, and last.
    for (field, node) in [("meetings", "id startsAt"), ("actions", "id title")] {
        let conn = format!(
            "totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
             edges {{ cursor node {{ {node} }} }}"
        );
        let nested = format!(
            "query($first: Int, $after: String, $last: Int, $before: String) {{
                boards(first: 20) {{ edges {{ node {{ id
                    {field}(first: $first, after: $after, last: $last, before: $before) {{ {conn} }}
                }} }} }} }}"
        );
        let top = format!(
            "query($board: ID!, $first: Int, $after: String, $last: Int, $before: String) {{
                {field}(filter: {{ boardId: $board }}, first: $first, after: $after, last: $last,
                    before: $before) {{ {conn} }} }}"
        );
        let of_board = |data: &Value, board: &Value| -> Value {
            data["boards"]["edges"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| &e["node"]["id"] == board)
                .unwrap()["node"][field]
                .clone()
        };
        for who in [MEMBER, CLEARED] {
            for (first, last) in [(Some(2), None), (None, Some(2))] {
                let vars = json!({ "first": first, "last": last });
                let page = data(app, who, &nested, vars).await;
                let boards = page["boards"]["edges"].as_array().unwrap();
                assert_eq!(boards.len(), 12);
                for b in boards {
                    let board = b["node"]["id"].clone();
                    let mine = &b["node"][field];
                    // Restricted actions ("Action i.1") are for cleared seats only.
                    let restricted = mine["edges"].as_array().unwrap().iter().any(|e| {
                        e["node"]["title"]
                            .as_str()
                            .is_some_and(|t| t.ends_with(".1"))
                    });
                    if who == MEMBER {
                        assert!(!restricted, "{who} sees a restricted action: {mine}");
                    }
                    let vars = json!({ "board": board, "first": first, "last": last });
                    let alone = data(app, who, &top, vars).await;
                    assert_eq!(mine, &alone[field], "{who}: {field} {first:?}/{last:?}");
                    // Onwards from the end of this page, and back from its end.
                    let end = &mine["pageInfo"]["endCursor"];
                    if end.is_null() {
                        continue;
                    }
                    for vars in [
                        json!({ "first": 2, "after": end }),
                        json!({ "last": 1, "before": end }),
                    ] {
                        let nested_page = data(app, who, &nested, vars.clone()).await;
                        let mut vars = vars;
                        vars["board"] = board.clone();
                        let alone = data(app, who, &top, vars.clone()).await;
                        assert_eq!(
                            of_board(&nested_page, &board),
                            alone[field],
                            "{who}: {field} {vars}"
                        );
                    }
                }
            }
        }
    }
}

/// What `who` should see of a meeting's agenda, in order.
fn expected_agenda(items: &[Item], cleared: bool) -> Vec<(String, String, bool)> {
    let mut visible: Vec<&Item> = items
        .iter()
        .filter(|i| cleared || i.visibility != Visibility::Restricted || i.stub.is_some())
        .collect();
    visible.sort_by_key(|i| (i.ordinal, i.id));
    visible
        .into_iter()
        .map(|i| {
            let redacted = !cleared && i.visibility == Visibility::Restricted;
            let title = if redacted {
                i.stub.clone().unwrap()
            } else {
                i.title.clone()
            };
            (gid(Kind::AgendaItem, i.id), title, redacted)
        })
        .collect()
}

#[tokio::test]
async fn agenda_items_under_many_meetings_page_like_one_meeting_and_hide_what_they_must() {
    let f = fixture().await;
    let app = &f.app;
    let board = gid(Kind::Board, f.board);
    let nested = r#"query($board: ID!, $first: Int, $after: String, $last: Int, $before: String) {
        node(id: $board) { ... on Board { meetings(first: 20, oldestFirst: true) { edges { node { id
            agendaItems(first: $first, after: $after, last: $last, before: $before) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { id title minuteText } } }
        } } } } } }"#;
    let single = r#"query($meeting: ID!, $first: Int, $after: String, $last: Int, $before: String) {
        node(id: $meeting) { ... on Meeting {
            agendaItems(first: $first, after: $after, last: $last, before: $before) {
                totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
                edges { cursor node { id title minuteText } } }
        } } }"#;
    for (who, cleared) in [(MEMBER, false), (CLEARED, true)] {
        let all = data(app, who, nested, json!({ "board": board, "first": 20 })).await;
        let meetings = all["node"]["meetings"]["edges"].as_array().unwrap().clone();
        let shown: Vec<&(Uuid, Visibility, Vec<Item>)> = f
            .meetings
            .iter()
            .filter(|(_, v, _)| cleared || *v != Visibility::Restricted)
            .collect();
        // The restricted meeting is absent for the uncleared, and so are its items.
        assert_eq!(meetings.len(), shown.len(), "{who}: meetings");
        for (edge, (id, _, items)) in meetings.iter().zip(&shown) {
            assert_eq!(edge["node"]["id"], json!(gid(Kind::Meeting, *id)));
            let conn = &edge["node"]["agendaItems"];
            let want = expected_agenda(items, cleared);
            let got: Vec<(String, String, bool)> = conn["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| {
                    (
                        e["node"]["id"].as_str().unwrap().to_string(),
                        e["node"]["title"].as_str().unwrap().to_string(),
                        e["node"]["minuteText"].is_null(),
                    )
                })
                .collect();
            assert_eq!(got, want, "{who}: agenda of meeting {id}");
            assert_eq!(conn["totalCount"], json!(want.len()));
            let meeting = gid(Kind::Meeting, *id);
            let alone = data(app, who, single, json!({ "meeting": meeting, "first": 20 })).await;
            assert_eq!(
                conn, &alone["node"]["agendaItems"],
                "{who}: alone vs nested"
            );
        }
        // Pages of two, forwards and backwards, under all meetings at once.
        for (first, last) in [(Some(2), None), (None, Some(2))] {
            let vars = json!({ "board": board, "first": first, "last": last });
            let page = data(app, who, nested, vars).await;
            for edge in page["node"]["meetings"]["edges"].as_array().unwrap() {
                let meeting = edge["node"]["id"].clone();
                let conn = &edge["node"]["agendaItems"];
                let vars = json!({ "meeting": meeting, "first": first, "last": last });
                let alone = data(app, who, single, vars).await;
                assert_eq!(
                    conn, &alone["node"]["agendaItems"],
                    "{who}: {first:?}/{last:?}"
                );
                // The following (or preceding) page from this one's cursor.
                let (cursor, key) = if first.is_some() {
                    (&conn["pageInfo"]["endCursor"], "after")
                } else {
                    (&conn["pageInfo"]["startCursor"], "before")
                };
                if cursor.is_null() {
                    continue;
                }
                let mut vars = json!({ "board": board, "first": first, "last": last });
                vars[key] = cursor.clone();
                let nested_next = data(app, who, nested, vars.clone()).await;
                vars["meeting"] = meeting.clone();
                let alone_next = data(app, who, single, vars).await;
                let ours = nested_next["node"]["meetings"]["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|e| e["node"]["id"] == meeting)
                    .unwrap();
                assert_eq!(
                    ours["node"]["agendaItems"], alone_next["node"]["agendaItems"],
                    "{who}: {key} {cursor}"
                );
            }
        }
    }

    // Restricted items read through the nested list are audited for the cleared reader; a stub
    // shown to the uncleared is not content and is not.
    let restricted: Vec<Uuid> = f
        .meetings
        .iter()
        .flat_map(|(_, _, items)| items)
        .filter(|i| i.visibility == Visibility::Restricted)
        .map(|i| i.id)
        .collect();
    assert!(!restricted.is_empty());
    let reads = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .filter(audit_log::Column::EntityType.eq("agenda_item"))
        .filter(audit_log::Column::EntityId.is_in(restricted.clone()))
        .all(app.db())
        .await
        .unwrap();
    let read: std::collections::BTreeSet<Uuid> = reads.iter().filter_map(|r| r.entity_id).collect();
    assert!(
        restricted.iter().all(|i| read.contains(i)),
        "every restricted item read is audited"
    );
    let member = entity::person::Entity::find()
        .filter(entity::person::Column::Subject.eq(MEMBER))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    assert!(
        reads.iter().all(|r| r.person_id != Some(member)),
        "an uncleared caller's stubs are not restricted reads"
    );
}
