//! Domestic Homicide Reviews through the statutory path, by cleared members only.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use serde_json::json;

const ADVANCE: &str = r#"mutation($r: ID!, $to: ReviewStatus!, $on: NaiveDate!, $s: String) {
    advanceDomesticHomicideReview(input: { reviewId: $r, to: $to, on: $on, summary: $s }) { status classification } }"#;

#[tokio::test]
async fn a_review_moves_in_order_and_publishing_makes_only_the_summary_public() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let created = app
        .gql(Some(CLEARED), r#"mutation($b: ID!) { createDomesticHomicideReview(input: { boardId: $b, pseudonym: "Alex", notifiedOn: "2025-01-10" }) { id status } }"#, json!({ "b": gid(Kind::Board, w.marac) }))
        .await;
    let id = created.data()["createDomesticHomicideReview"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    // Out of order, and dated before the previous milestone: refused.
    let skip = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "PUBLISHED", "on": "2025-02-01" }),
        )
        .await;
    assert_eq!(skip.body["errors"][0]["extensions"]["field"], "to");
    let early = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "COMMISSIONED", "on": "2024-12-01" }),
        )
        .await;
    assert_eq!(early.body["errors"][0]["extensions"]["field"], "on");
    // Not cleared: the review does not exist for them.
    assert_eq!(
        app.gql(
            Some(MEMBER),
            ADVANCE,
            json!({ "r": id, "to": "COMMISSIONED", "on": "2025-02-01" })
        )
        .await
        .error_code(),
        "NOT_FOUND"
    );
    let plan = app
        .gql(Some(CLEARED), r#"mutation($r: ID!) { addReviewAction(input: { reviewId: $r, title: "Refresh GP training on coercive control" }) { classification } }"#, json!({ "r": id }))
        .await;
    assert_eq!(
        plan.data()["addReviewAction"]["classification"],
        "OFFICIAL_SENSITIVE"
    );
    for (to, on) in [
        ("COMMISSIONED", "2025-02-01"),
        ("PANEL_AND_IMRS", "2025-03-01"),
        ("REPORT_SUBMITTED", "2025-09-01"),
        ("HOME_OFFICE_QA", "2025-11-01"),
    ] {
        let step = app
            .gql(
                Some(CLEARED),
                ADVANCE,
                json!({ "r": id, "to": to, "on": on }),
            )
            .await;
        assert_eq!(step.data()["advanceDomesticHomicideReview"]["status"], to);
    }
    let no_summary = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "PUBLISHED", "on": "2026-01-15" }),
        )
        .await;
    assert_eq!(
        no_summary.body["errors"][0]["extensions"]["field"],
        "summary"
    );
    let published = app.gql(Some(CLEARED), ADVANCE, json!({ "r": id, "to": "PUBLISHED", "on": "2026-01-15", "s": "Alex was killed by a former partner; seven recommendations." })).await;
    assert_eq!(
        published.data()["advanceDomesticHomicideReview"],
        json!({ "status": "PUBLISHED", "classification": "OFFICIAL" })
    );
    let public = app.gql(None, "query($r: ID!) { node(id: $r) { ... on DomesticHomicideReview { pseudonym summary actions { totalCount } } } }", json!({ "r": id })).await;
    assert_eq!(public.data()["node"]["pseudonym"], "Alex");
    assert_eq!(
        public.data()["node"]["actions"]["totalCount"],
        0,
        "the action plan stays restricted"
    );

    // The last step: a copy to the Domestic Abuse Commissioner. The review stays public, and
    // nothing follows it.
    let early = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "COMMISSIONER_COPY_SENT", "on": "2026-01-01" }),
        )
        .await;
    assert_eq!(early.body["errors"][0]["extensions"]["field"], "on");
    let sent = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "COMMISSIONER_COPY_SENT", "on": "2026-01-20" }),
        )
        .await;
    assert_eq!(
        sent.data()["advanceDomesticHomicideReview"],
        json!({ "status": "COMMISSIONER_COPY_SENT", "classification": "OFFICIAL" })
    );
    let after = app.gql(None, "query($r: ID!) { node(id: $r) { ... on DomesticHomicideReview { summary commissionerCopySentOn actions { totalCount } } } }", json!({ "r": id })).await;
    assert_eq!(after.data()["node"]["commissionerCopySentOn"], "2026-01-20");
    assert_eq!(after.data()["node"]["actions"]["totalCount"], 0);
    let beyond = app
        .gql(
            Some(CLEARED),
            ADVANCE,
            json!({ "r": id, "to": "PUBLISHED", "on": "2026-02-01" }),
        )
        .await;
    assert_eq!(beyond.error_code(), "BAD_USER_INPUT");
}

#[tokio::test]
async fn only_cleared_members_open_reviews() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = r#"mutation($b: ID!) { createDomesticHomicideReview(input: { boardId: $b, pseudonym: "Sam", notifiedOn: "2025-01-10" }) { id } }"#;
    assert_eq!(
        app.gql(Some(MEMBER), q, json!({ "b": gid(Kind::Board, w.marac) }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(None, q, json!({ "b": gid(Kind::Board, w.marac) }))
            .await
            .error_code(),
        "NOT_FOUND"
    );
}
