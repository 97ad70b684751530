//! Posts: delivery plans name a post as often as a person. A post's current holder acts as lead
//! of what it leads ("my actions", progress updates); a vacant post shows as vacant and lets
//! nobody act as its lead.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

const ADMIN: &str = "admin";

async fn field(reply: &crate::common::Reply, name: &str) -> Value {
    reply.data()[name].clone()
}

#[tokio::test]
async fn a_posts_holder_leads_what_it_leads_and_a_vacant_post_leads_for_nobody() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    b.administrator(w.partnership, w.police, ADMIN).await;
    let partner = entity::person::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.subject.as_deref() == Some(PARTNER))
        .unwrap();
    let create = "mutation($p: ID!, $o: ID!) { createPost(input: { partnershipId: $p, organisationId: $o, title: \"Head of Community Safety\" }) { id title vacant holder { name } organisation { name } } }";
    let vars = json!({ "p": gid(Kind::Partnership, w.partnership), "o": gid(Kind::Organisation, w.police) });
    assert_eq!(
        app.gql(Some(CHAIR), create, vars.clone())
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let post = field(
        &app.gql(Some(ADMIN), create, vars.clone()).await,
        "createPost",
    )
    .await;
    assert_eq!(post["vacant"], true);
    assert_eq!(post["holder"], Value::Null);
    assert_eq!(
        app.gql(Some(ADMIN), create, vars).await.error_code(),
        "CONFLICT",
        "one post of a title per organisation and partnership"
    );
    let post_id = post["id"].as_str().unwrap().to_string();

    // A board officer makes the post lead an action.
    let action = gid(Kind::Action, w.public_action);
    let led = app
        .gql(Some(CHAIR), "mutation($a: ID!, $p: ID!) { updateAction(input: { actionId: $a, expectedVersion: 1, leadPostId: $p }) { leadPost { title vacant } leadOrganisation { name } latestUpdate { narrative } } }", json!({ "a": action, "p": post_id }))
        .await;
    let led = &led.data()["updateAction"];
    assert_eq!(
        led["leadPost"],
        json!({ "title": "Head of Community Safety", "vacant": true })
    );
    assert!(led["latestUpdate"]["narrative"]
        .as_str()
        .unwrap()
        .contains("lead post: Head of Community Safety"));

    const PROGRESS: &str = r#"mutation($a: ID!, $v: Int!) { updateActionProgress(input: { actionId: $a, expectedVersion: $v, rag: GREEN, percentComplete: 50, narrative: "Half way" }) { version } }"#;
    const MINE: &str = "{ viewer { myActions(first: 10) { edges { node { title } } } } }";
    // Vacant: nobody acts as its lead.
    assert_eq!(
        app.gql(Some(PARTNER), PROGRESS, json!({ "a": action, "v": 2 }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(PARTNER), MINE, json!({})).await.data()["viewer"]["myActions"]["edges"],
        json!([])
    );

    // Appointed: the holder updates progress and sees it among their actions.
    let appoint = "mutation($p: ID!, $who: ID!) { appointToPost(input: { postId: $p, personId: $who, startsOn: \"2025-01-01\" }) { vacant holder { name } } }";
    let appointed = app
        .gql(
            Some(ADMIN),
            appoint,
            json!({ "p": post_id, "who": gid(Kind::Person, partner.id) }),
        )
        .await;
    assert_eq!(
        appointed.data()["appointToPost"],
        json!({ "vacant": false, "holder": { "name": format!("Person {PARTNER}") } })
    );
    let progress = app
        .gql(Some(PARTNER), PROGRESS, json!({ "a": action, "v": 2 }))
        .await;
    assert_eq!(progress.data()["updateActionProgress"]["version"], 3);
    let mine = app.gql(Some(PARTNER), MINE, json!({})).await;
    assert_eq!(
        mine.data()["viewer"]["myActions"]["edges"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Someone of another organisation cannot hold a police post.
    let outsider = entity::person::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.subject.as_deref() == Some(OUTSIDER))
        .unwrap();
    let wrong = app
        .gql(
            Some(ADMIN),
            appoint,
            json!({ "p": post_id, "who": gid(Kind::Person, outsider.id) }),
        )
        .await;
    assert_eq!(wrong.body["errors"][0]["extensions"]["field"], "personId");

    // Vacated: the former holder no longer acts as lead; the history keeps their time.
    let vacate = "mutation($p: ID!) { vacatePost(input: { postId: $p, endsOn: \"2025-06-30\" }) { vacant holders { person { name } startsOn endsOn } } }";
    let vacated = app.gql(Some(ADMIN), vacate, json!({ "p": post_id })).await;
    assert_eq!(
        vacated.data()["vacatePost"],
        json!({ "vacant": true, "holders": [{ "person": { "name": format!("Person {PARTNER}") }, "startsOn": "2025-01-01", "endsOn": "2025-06-30" }] })
    );
    assert_eq!(
        app.gql(Some(PARTNER), PROGRESS, json!({ "a": action, "v": 3 }))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    assert_eq!(
        app.gql(Some(ADMIN), vacate, json!({ "p": post_id }))
            .await
            .body["errors"][0]["extensions"]["field"],
        "postId"
    );
}
