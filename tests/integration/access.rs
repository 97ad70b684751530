//! Who sees what: each caller the rules distinguish, through every read path.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use serde_json::json;

/// The callers (`Caller::ALL`): anonymous, a partner without a seat, a member without clearance,
/// a cleared member, and a person of another partnership. Expectations per caller are
/// [`ByCaller`] values, by name.

#[tokio::test]
async fn action_lists_counts_and_rag_summary_follow_visibility() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($p: ID!) {
        actions(filter: { partnershipId: $p }, first: 50) { totalCount edges { node { title } } }
        ragSummary(filter: { partnershipId: $p }) { counts { total red amber green } }
        searched: actions(filter: { search: "zebracase" }) { totalCount }
    }"#;
    let totals = ByCaller {
        anonymous: 1,
        partner: 2,
        uncleared: 2,
        cleared: 5,
        outsider: 1,
    };
    let reds = ByCaller {
        anonymous: 0,
        partner: 0,
        uncleared: 0,
        cleared: 3,
        outsider: 0,
    };
    let searched = ByCaller {
        anonymous: 0,
        partner: 0,
        uncleared: 0,
        cleared: 2,
        outsider: 0,
    };
    for caller in Caller::ALL {
        let label = caller.label();
        let reply = app
            .gql(
                caller.subject(),
                q,
                json!({ "p": gid(Kind::Partnership, w.partnership) }),
            )
            .await;
        let data = reply.data();
        let total = totals.of(caller);
        assert_eq!(data["actions"]["totalCount"], total, "{label}: totalCount");
        assert_eq!(
            data["actions"]["edges"].as_array().unwrap().len() as i64,
            total,
            "{label}: edges"
        );
        assert_eq!(
            data["ragSummary"]["counts"]["total"], total,
            "{label}: rag total"
        );
        assert_eq!(
            data["ragSummary"]["counts"]["red"],
            reds.of(caller),
            "{label}: red"
        );
        assert_eq!(
            data["searched"]["totalCount"],
            searched.of(caller),
            "{label}: search"
        );
        if caller != Caller::Cleared {
            assert!(
                !reply.body.to_string().contains(SECRET),
                "{label} saw restricted text: {}",
                reply.body
            );
        }
    }
}

#[tokio::test]
async fn node_returns_null_for_invisible_records_exactly_as_for_missing_ones() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let restricted = [
        gid(Kind::Action, w.restricted_action),
        gid(Kind::Action, w.stub_item_action),
        gid(Kind::Action, w.review_action),
        gid(Kind::DomesticHomicideReview, w.review),
        gid(Kind::Resolution, w.restricted_resolution),
        gid(Kind::AgendaItem, w.hidden_item),
    ];
    let missing = gid(Kind::Action, uuid::Uuid::now_v7());
    let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
    let visible_counts = ByCaller {
        anonymous: 0,
        partner: 0,
        uncleared: 0,
        cleared: restricted.len(),
        outsider: 0,
    };
    for caller in Caller::ALL {
        let label = caller.label();
        let mut ids = restricted.to_vec();
        ids.push(missing.clone());
        let reply = app.gql(caller.subject(), q, json!({ "ids": ids })).await;
        let nodes = reply.data()["nodes"].as_array().unwrap().clone();
        let visible = nodes[..restricted.len()]
            .iter()
            .filter(|n| !n.is_null())
            .count();
        assert_eq!(visible, visible_counts.of(caller), "{label}: {nodes:?}");
        assert!(nodes.last().unwrap().is_null());
        // And one at a time, through node(id): the same empty answer, no error.
        let one = app
            .gql(
                caller.subject(),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": restricted[0] }),
            )
            .await;
        let missing_one = app
            .gql(
                caller.subject(),
                "query($id: ID!) { node(id: $id) { id } }",
                json!({ "id": missing }),
            )
            .await;
        if caller != Caller::Cleared {
            assert_eq!(
                one.body, missing_one.body,
                "{label}: invisible and missing must look the same"
            );
        }
    }
}

#[tokio::test]
async fn restricted_agenda_items_show_only_their_stub_to_people_not_cleared() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($id: ID!) { node(id: $id) { ... on Meeting {
        agendaItems { totalCount edges { node { number title restricted redacted minuteText presenter classification
            resolutions { text actions { title } } } } }
    } } }"#;
    for caller in Caller::ALL {
        let label = caller.label();
        let reply = app
            .gql(
                caller.subject(),
                q,
                json!({ "id": gid(Kind::Meeting, w.meeting) }),
            )
            .await;
        let items = &reply.data()["node"]["agendaItems"];
        let edges = items["edges"].as_array().unwrap();
        if caller == Caller::Cleared {
            assert_eq!(items["totalCount"], 3);
            assert_eq!(edges[1]["node"]["title"], format!("DHR {SECRET} briefing"));
            assert_eq!(edges[1]["node"]["redacted"], false);
            assert_eq!(
                edges[1]["node"]["resolutions"][0]["actions"][0]["title"],
                format!("Escalate {SECRET}")
            );
            assert_eq!(edges[2]["node"]["classification"], "OFFICIAL_SENSITIVE");
        } else {
            assert_eq!(
                items["totalCount"], 2,
                "{label}: the item without a stub is hidden entirely"
            );
            let stub = &edges[1]["node"];
            assert_eq!(stub["number"], "2");
            assert_eq!(stub["title"], "Domestic Homicide Review – RESTRICTED");
            assert_eq!(stub["restricted"], true);
            assert_eq!(stub["redacted"], true);
            assert!(stub["minuteText"].is_null() && stub["presenter"].is_null());
            assert_eq!(stub["resolutions"], json!([]));
            assert!(
                !reply.body.to_string().contains(SECRET),
                "{label}: {}",
                reply.body
            );
        }
    }
    // The stub item through node(id) is redacted the same way.
    let reply = app
        .gql(
            Some(MEMBER),
            "query($id: ID!) { node(id: $id) { ... on AgendaItem { title minuteText } } }",
            json!({ "id": gid(Kind::AgendaItem, w.stub_item) }),
        )
        .await;
    assert_eq!(
        reply.data()["node"]["title"],
        "Domestic Homicide Review – RESTRICTED"
    );
    assert!(reply.data()["node"]["minuteText"].is_null());
}

#[tokio::test]
async fn reviews_and_nested_relations_follow_visibility() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"query($board: ID!, $p: ID!) {
        domesticHomicideReviews(partnershipId: $p) { totalCount edges { node { pseudonym classification actions { totalCount } } } }
        node(id: $board) { ... on Board { name actions { totalCount } reviews { totalCount } meetings { totalCount } } }
        boards(filter: { partnershipId: $p }) { totalCount }
    }"#;
    let reviews = ByCaller {
        anonymous: 0,
        partner: 0,
        uncleared: 0,
        cleared: 1,
        outsider: 0,
    };
    let boards = ByCaller {
        anonymous: 1,
        partner: 2,
        uncleared: 2,
        cleared: 2,
        outsider: 1,
    };
    // Of the MARAC board, for those who see it (not anonymous callers, not outsiders).
    let board_actions = ByCaller {
        anonymous: 0,
        partner: 0,
        uncleared: 0,
        cleared: 2,
        outsider: 0,
    };
    for caller in Caller::ALL {
        let label = caller.label();
        let reply = app.gql(caller.subject(), q, json!({ "board": gid(Kind::Board, w.marac), "p": gid(Kind::Partnership, w.partnership) })).await;
        let data = reply.data();
        assert_eq!(
            data["domesticHomicideReviews"]["totalCount"],
            reviews.of(caller),
            "{label}"
        );
        assert_eq!(
            data["boards"]["totalCount"],
            boards.of(caller),
            "{label}: boards"
        );
        match caller {
            Caller::Anonymous | Caller::Outsider => {
                assert!(data["node"].is_null(), "{label}: a partnership board")
            }
            _ => {
                let board = &data["node"];
                assert_eq!(
                    board["actions"]["totalCount"],
                    board_actions.of(caller),
                    "{label}: board actions"
                );
                assert_eq!(
                    board["reviews"]["totalCount"],
                    reviews.of(caller),
                    "{label}: board reviews"
                );
                assert_eq!(
                    board["meetings"]["totalCount"], 1,
                    "{label}: board meetings"
                );
            }
        }
        if caller == Caller::Cleared {
            let review = &data["domesticHomicideReviews"]["edges"][0]["node"];
            assert_eq!(review["classification"], "OFFICIAL_SENSITIVE");
            assert_eq!(review["actions"]["totalCount"], 1);
        }
    }
}

#[tokio::test]
async fn an_ended_seat_no_longer_grants_clearance() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let former = b.person(w.police, "former-member").await;
    b.seat(
        w.marac,
        former,
        true,
        Some(chrono::NaiveDate::from_ymd_opt(2024, 1, 1).unwrap()),
    )
    .await;
    let reply = app
        .gql(
            Some("former-member"),
            "query($id: ID!) { node(id: $id) { id } viewer { clearedBoards { name } } }",
            json!({ "id": gid(Kind::Action, w.restricted_action) }),
        )
        .await;
    assert!(reply.data()["node"].is_null());
    assert_eq!(reply.data()["viewer"]["clearedBoards"], json!([]));
}

#[tokio::test]
async fn email_addresses_are_for_signed_in_callers_only() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = "query($id: ID!) { node(id: $id) { ... on Person { name email } } }";
    let anon = app
        .gql(None, q, json!({ "id": gid(Kind::Person, w.lead) }))
        .await;
    assert!(anon.data()["node"]["email"].is_null());
    let partner = app
        .gql(Some(PARTNER), q, json!({ "id": gid(Kind::Person, w.lead) }))
        .await;
    assert_eq!(
        partner.data()["node"]["email"],
        format!("{LEAD}@example.org")
    );
}

#[tokio::test]
async fn viewer_lists_own_and_organisation_actions() {
    let app = TestApp::spawn().await;
    let _w = World::build(app.db()).await;
    let q = "{ viewer { signedIn person { name } myActions { totalCount } organisationActions { totalCount } seats { role } } }";
    let lead = app.gql(Some(LEAD), q, json!({})).await;
    assert_eq!(lead.data()["viewer"]["myActions"]["totalCount"], 1);
    // The organisation leads the public action and the restricted one; the lead is not cleared.
    assert_eq!(
        lead.data()["viewer"]["organisationActions"]["totalCount"],
        1
    );
    let cleared = app.gql(Some(CLEARED), q, json!({})).await;
    assert_eq!(
        cleared.data()["viewer"]["organisationActions"]["totalCount"],
        2
    );
    assert_eq!(
        cleared.data()["viewer"]["seats"].as_array().unwrap().len(),
        1
    );
    let anon = app.gql(None, q, json!({})).await;
    assert_eq!(anon.data()["viewer"]["signedIn"], false);
    assert_eq!(anon.data()["viewer"]["myActions"]["totalCount"], 0);
}

#[tokio::test]
async fn a_published_review_is_public_only_when_its_marking_and_board_allow() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    use entity::enums::{ReviewStatus, Visibility};
    use sea_orm::{ActiveModelTrait, Set};
    // Published but still marked restricted: stays with cleared seats.
    b.review(
        w.partnership,
        w.strategic_board,
        "Kept",
        ReviewStatus::Published,
    )
    .await;
    // Published and marked public on a public board: everyone may read it.
    let open = b
        .review(
            w.partnership,
            w.strategic_board,
            "Opened",
            ReviewStatus::Published,
        )
        .await;
    entity::domestic_homicide_review::ActiveModel {
        id: Set(open),
        visibility: Set(Visibility::Public),
        ..Default::default()
    }
    .update(app.db())
    .await
    .unwrap();
    let q =
        "{ domesticHomicideReviews { totalCount edges { node { pseudonym classification } } } }";
    let anon = app.gql(None, q, json!({})).await;
    assert_eq!(anon.data()["domesticHomicideReviews"]["totalCount"], 1);
    assert_eq!(
        anon.data()["domesticHomicideReviews"]["edges"][0]["node"]["pseudonym"],
        "Opened"
    );
    assert_eq!(
        anon.data()["domesticHomicideReviews"]["edges"][0]["node"]["classification"],
        "OFFICIAL"
    );
}

#[tokio::test]
async fn redacted_items_hide_their_type_and_clearances_are_for_fellow_members() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let item = app
        .gql(
            None,
            "query($id: ID!) { node(id: $id) { ... on AgendaItem { itemType minuteNumber } } }",
            json!({ "id": gid(Kind::AgendaItem, w.stub_item) }),
        )
        .await;
    assert!(item.data()["node"]["itemType"].is_null());
    let q = "query($id: ID!) { node(id: $id) { ... on Board { memberships { edges { node { restrictedClearance } } } } } }";
    let partner = app
        .gql(Some(PARTNER), q, json!({ "id": gid(Kind::Board, w.marac) }))
        .await;
    let edges = partner.data()["node"]["memberships"]["edges"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        !edges.is_empty()
            && edges
                .iter()
                .all(|e| e["node"]["restrictedClearance"].is_null())
    );
    let member = app
        .gql(Some(MEMBER), q, json!({ "id": gid(Kind::Board, w.marac) }))
        .await;
    assert!(member.data()["node"]["memberships"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["node"]["restrictedClearance"] == true));
}

/// A cleared member reading a review's actions gets each one's OFFICIAL-SENSITIVE marking from
/// one classification statement for the page, not one per action.
#[tokio::test]
async fn classifying_a_pages_review_actions_is_one_statement_however_many() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    for i in 0..14 {
        b.action(w.partnership, &format!("Review recommendation {i}"))
            .board(w.marac)
            .visibility(entity::enums::Visibility::Public)
            .review(w.review)
            .insert()
            .await;
    }
    let q = r#"query($r: ID!, $n: Int!) { actions(filter: { reviewId: $r }, first: $n) { nodes { classification } } }"#;
    let mut best: Option<(u64, u64)> = None;
    for _ in 0..3 {
        let mut counts = Vec::new();
        for n in [2, 12] {
            let before = app.statements();
            let reply = app
                .gql(
                    Some(CLEARED),
                    q,
                    json!({ "r": gid(Kind::DomesticHomicideReview, w.review), "n": n }),
                )
                .await;
            let nodes = reply.data()["actions"]["nodes"].as_array().unwrap().clone();
            assert_eq!(nodes.len(), n as usize);
            assert!(
                nodes
                    .iter()
                    .all(|a| a["classification"] == "OFFICIAL_SENSITIVE"),
                "{nodes:?}"
            );
            counts.push(app.statements() - before);
        }
        let pair = (counts[0], counts[1]);
        if best.is_none_or(|(few, many)| pair.1.saturating_sub(pair.0) < many.saturating_sub(few)) {
            best = Some(pair);
        }
    }
    let (few, many) = best.unwrap();
    assert_eq!(few, many, "statements for 2 actions: {few}, for 12: {many}");
}
