//! Administrators set up a strategy and its priorities through the API; a priority can be led by
//! a post; every change is audited.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use sea_orm::EntityTrait;
use serde_json::{json, Value};

#[tokio::test]
async fn administrators_create_a_strategy_and_its_priorities() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    Builder { db: app.db() }
        .administrator(w.partnership, w.police, "admin")
        .await;
    let p = gid(Kind::Partnership, w.partnership);
    let create = "mutation($i: CreateStrategyInput!) { createStrategy(input: $i) { id title } }";
    let input = |start: &str, end: &str| json!({ "i": { "partnershipId": p, "title": "Safer Testshire Strategy 2024-27", "periodStart": start, "periodEnd": end } });
    assert_eq!(
        app.gql(Some(CHAIR), create, input("2024-04-01", "2027-03-31"))
            .await
            .error_code(),
        "FORBIDDEN"
    );
    let backwards = app
        .gql(Some("admin"), create, input("2027-04-01", "2024-03-31"))
        .await;
    assert_eq!(
        backwards.body["errors"][0]["extensions"]["field"],
        "periodEnd"
    );
    let strategy = app
        .gql(Some("admin"), create, input("2024-04-01", "2027-03-31"))
        .await;
    let s = strategy.data()["createStrategy"]["id"].clone();

    let post = app
        .gql(Some("admin"), "mutation($p: ID!, $o: ID!) { createPost(input: { partnershipId: $p, organisationId: $o, title: \"Borough Commander\" }) { id } }", json!({ "p": p, "o": gid(Kind::Organisation, w.police) }))
        .await
        .data()["createPost"]["id"]
        .clone();
    let priority = "mutation($i: CreatePriorityInput!) { createPriority(input: $i) { number title aim leadPerson { name } leadPost { title } leadOrganisation { name } } }";
    let made = app
        .gql(Some("admin"), priority, json!({ "i": { "strategyId": s, "number": 1, "title": "Protecting People", "aim": "Deliver targeted early intervention.", "leadPostId": post } }))
        .await;
    assert_eq!(
        made.data()["createPriority"],
        json!({ "number": 1, "title": "Protecting People", "aim": "Deliver targeted early intervention.", "leadPerson": null, "leadPost": { "title": "Borough Commander" }, "leadOrganisation": { "name": "Test Police" } })
    );
    let again = app
        .gql(
            Some("admin"),
            priority,
            json!({ "i": { "strategyId": s, "number": 1, "title": "Resilient Communities" } }),
        )
        .await;
    assert_eq!(again.error_code(), "CONFLICT");
    let id = app
        .gql(
            None,
            "query($s: ID!) { node(id: $s) { ... on Strategy { priorities { id } } } }",
            json!({ "s": s }),
        )
        .await
        .data()["node"]["priorities"][0]["id"]
        .clone();
    let updated = app
        .gql(Some("admin"), "mutation($p: ID!, $l: ID!) { updatePriority(input: { priorityId: $p, aim: \"\", leadPersonId: $l }) { aim leadPerson { name } } }", json!({ "p": id, "l": gid(Kind::Person, w.lead) }))
        .await;
    assert_eq!(
        updated.data()["updatePriority"],
        json!({ "aim": null, "leadPerson": { "name": format!("Person {LEAD}") } })
    );
    let audit = entity::audit_log::Entity::find()
        .all(app.db())
        .await
        .unwrap()
        .into_iter()
        .filter(|a| a.operation == "updatePriority" && a.outcome == "allowed")
        .collect::<Vec<_>>();
    let detail: Value = serde_json::from_str(audit[0].detail.as_deref().unwrap()).unwrap();
    assert_eq!(
        detail["before"]["aim"],
        "Deliver targeted early intervention."
    );
    assert_eq!(detail["after"]["aim"], Value::Null);
}
