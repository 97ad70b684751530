//! Full-text search of minutes, agenda titles, resolutions and action updates: ranked, stemmed,
//! kept in step with every write, and never matching what the caller may not see.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::audit_log;
use entity::enums::Visibility;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};

const SEARCH: &str = "query($t: String!) { searchRecords(text: $t, first: 20) { totalCount hits { kind id excerpt score } } }";

async fn search(app: &TestApp, who: Option<&str>, text: &str) -> Value {
    let reply = app.gql(who, SEARCH, json!({ "t": text })).await;
    reply.data()["searchRecords"].clone()
}

fn ids(found: &Value) -> Vec<String> {
    found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn what_we_decided_about_knife_bins_is_found_ranked_and_in_step_with_the_minutes() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    // A meeting whose minutes are still a draft.
    let meeting = b
        .meeting(w.partnership, w.strategic_board, 24, Visibility::Public)
        .await;
    entity::meeting::Entity::update_many()
        .col_expr(
            entity::meeting::Column::MinutesStatus,
            sea_orm::sea_query::Expr::value(entity::enums::MinutesStatus::Draft),
        )
        .filter(entity::meeting::Column::Id.eq(meeting))
        .exec(app.db())
        .await
        .unwrap();
    let item = b
        .agenda_item(
            w.partnership,
            w.strategic_board,
            meeting,
            5,
            "Knife crime",
            Visibility::Public,
            None,
        )
        .await;
    let resolution = b
        .resolution(
            item,
            "RESOLVED that two more knife bins be installed in the High Street",
        )
        .await;
    let update = b
        .update(
            w.public_action,
            None,
            chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
            "The knife bin at Bromley South was emptied; 14 blades surrendered",
        )
        .await;

    // Stemmed ("bins" finds "bin"), across kinds, best first.
    let found = search(&app, None, "knife bins").await;
    let hit_ids = ids(&found);
    assert!(
        hit_ids.contains(&gid(Kind::Resolution, resolution)),
        "{found}"
    );
    assert!(
        hit_ids.contains(&gid(Kind::ActionUpdate, update)),
        "{found}"
    );
    assert_eq!(found["totalCount"], 2, "every word must match: {found}");
    let scores: Vec<f64> = found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["score"].as_f64().unwrap())
        .collect();
    assert!(scores.windows(2).all(|p| p[0] >= p[1]), "{scores:?}");
    let resolution_hit = &found["hits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "RESOLUTION")
        .unwrap()["excerpt"];
    assert!(resolution_hit.as_str().unwrap().contains("knife bins"));

    // A minute written through the API is searchable at once, and its old words no longer are.
    const WRITE: &str = "mutation($i: ID!, $t: String!) { writeMinute(input: { agendaItemId: $i, text: $t }) { id } }";
    let item_id = gid(Kind::AgendaItem, item);
    app.gql(
        Some(CHAIR),
        WRITE,
        json!({ "i": item_id, "t": "Agreed a weapons sweep of Priory Gardens with the Safer Neighbourhood team" }),
    )
    .await
    .data();
    let swept = search(&app, None, "sweep priory").await;
    assert_eq!(ids(&swept), vec![item_id.clone()], "{swept}");
    assert!(swept["hits"][0]["excerpt"]
        .as_str()
        .unwrap()
        .contains("Priory Gardens"));
    app.gql(
        Some(CHAIR),
        WRITE,
        json!({ "i": item_id, "t": "Agreed a patrol plan" }),
    )
    .await
    .data();
    assert_eq!(search(&app, None, "priory").await["totalCount"], 0);

    // Nonsense and FTS syntax are plain words, never an error or an injection.
    let odd = search(&app, None, "knife\"*(").await;
    assert!(odd["totalCount"].as_i64().unwrap() >= 1, "{odd}");
    let empty = app.gql(None, SEARCH, json!({ "t": "  ***  " })).await;
    assert_eq!(empty.error_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn a_restricted_minute_is_found_only_by_those_cleared_for_it_and_the_read_is_audited() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    // The restricted item's title and minute carry the secret word; the member sees the item
    // only as its stub, the partner and the outsider not at all.
    for who in [
        None,
        Some(PARTNER),
        Some(MEMBER),
        Some(OUTSIDER),
        Some(LEAD),
    ] {
        let found = search(&app, who, SECRET).await;
        assert_eq!(found["totalCount"], 0, "{who:?}: {found}");
        assert!(!found.to_string().contains(SECRET), "{who:?}");
    }
    let before = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .count(app.db())
        .await
        .unwrap();
    let found = search(&app, Some(CLEARED), SECRET).await;
    assert!(
        ids(&found).contains(&gid(Kind::AgendaItem, w.stub_item)),
        "{found}"
    );
    let after = audit_log::Entity::find()
        .filter(audit_log::Column::Operation.eq("read"))
        .count(app.db())
        .await
        .unwrap();
    assert!(
        after > before,
        "the cleared member's read of restricted minutes is audited"
    );
}
