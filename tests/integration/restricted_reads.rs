//! Every read of restricted content is audited with its purpose, whatever its type: rows whose
//! content inherits a restricted marking from their parent (a resolution of a restricted item,
//! an update of a restricted action, a correction of a restricted minute, an action on a
//! restricted board) count as restricted reads, and need a stated purpose where the partnership
//! requires one (finding 2).

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use entity::enums::{MembershipRole, Rag, Visibility};
use entity::{action_update, audit_log, minute_correction, partnership};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{json, Value};
use uuid::Uuid;

const PURPOSE: &str = "MARAC case preparation";

/// One read of restricted content, and the record whose audit row it must write.
struct Case {
    name: &'static str,
    query: String,
    vars: Value,
    /// The audited record.
    entity_type: &'static str,
    id: Uuid,
}

struct Fixture {
    app: TestApp,
    w: World,
    update: Uuid,
    correction: Uuid,
    /// A partnership-marked action on a board that is itself restricted.
    inherited_action: Uuid,
}

async fn fixture() -> Fixture {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b = Builder { db: app.db() };
    let update = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(w.restricted_action))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let correction = Uuid::now_v7();
    minute_correction::ActiveModel {
        id: Set(correction),
        agenda_item_id: Set(w.hidden_item),
        corrected_by_id: Set(None),
        previous_text: Set(Some(format!("{SECRET} first"))),
        corrected_text: Set(format!("{SECRET} corrected")),
        reason: Set("Name spelt wrongly".into()),
        created_at: Set(chrono::Utc::now()),
    }
    .insert(app.db())
    .await
    .unwrap();
    let closed = b
        .board(w.partnership, "Closed case panel", Visibility::Restricted)
        .await;
    let cleared = entity::person::Entity::find()
        .filter(entity::person::Column::Subject.eq(CLEARED))
        .one(app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    b.seat_as(closed, cleared, MembershipRole::Member, true, None)
        .await;
    let inherited_action = b
        .action(w.partnership, &format!("Panel follow-up {SECRET}"))
        .board(closed)
        .visibility(Visibility::Partnership)
        .rag(Rag::Red)
        .insert()
        .await;
    Fixture {
        app,
        w,
        update,
        correction,
        inherited_action,
    }
}

impl Fixture {
    async fn ask(&self, query: &str, vars: Value, purpose: Option<&str>) -> (u16, Value) {
        let mut request = self
            .app
            .client
            .post(&self.app.url)
            .bearer_auth(self.app.token(CLEARED))
            .json(&json!({ "query": query, "variables": vars }));
        if let Some(p) = purpose {
            request = request.header("X-Access-Purpose", p);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        (status, response.json().await.unwrap())
    }

    async fn reads_of(&self, entity_type: &str, id: Uuid) -> Vec<audit_log::Model> {
        audit_log::Entity::find()
            .filter(audit_log::Column::Operation.eq("read"))
            .filter(audit_log::Column::EntityType.eq(entity_type))
            .filter(audit_log::Column::EntityId.eq(id))
            .all(self.app.db())
            .await
            .unwrap()
    }

    async fn require_purpose(&self) {
        partnership::ActiveModel {
            id: Set(self.w.partnership),
            require_access_purpose: Set(true),
            ..Default::default()
        }
        .update(self.app.db())
        .await
        .unwrap();
    }

    /// The reads the finding names, each with the record it must audit.
    fn cases(&self) -> Vec<Case> {
        vec![
            Case {
                name: "resolution by node",
                query: "query($id: ID!) { node(id: $id) { ... on Resolution { text } } }".into(),
                vars: json!({ "id": gid(Kind::Resolution, self.w.restricted_resolution) }),
                entity_type: "resolution",
                id: self.w.restricted_resolution,
            },
            Case {
                name: "action update by node",
                query: "query($id: ID!) { node(id: $id) { ... on ActionUpdate { narrative } } }".into(),
                vars: json!({ "id": gid(Kind::ActionUpdate, self.update) }),
                entity_type: "action_update",
                id: self.update,
            },
            Case {
                name: "resolution and update by nodes",
                query: "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Resolution { text } ... on ActionUpdate { narrative } } }".into(),
                vars: json!({ "ids": [gid(Kind::Resolution, self.w.restricted_resolution), gid(Kind::ActionUpdate, self.update)] }),
                entity_type: "action_update",
                id: self.update,
            },
            Case {
                name: "minute correction",
                query: "query($id: ID!) { node(id: $id) { ... on AgendaItem { corrections { correctedText } } } }".into(),
                vars: json!({ "id": gid(Kind::AgendaItem, self.w.hidden_item) }),
                entity_type: "minute_correction",
                id: self.correction,
            },
            Case {
                name: "action on a restricted board",
                query: "query($id: ID!) { node(id: $id) { ... on Action { title } } }".into(),
                vars: json!({ "id": gid(Kind::Action, self.inherited_action) }),
                entity_type: "action",
                id: self.inherited_action,
            },
        ]
    }
}

#[tokio::test]
async fn inherited_restricted_reads_are_audited_with_their_purpose() {
    let f = fixture().await;
    for Case {
        name,
        query,
        vars,
        entity_type,
        id,
    } in f.cases()
    {
        let before = f.reads_of(entity_type, id).await.len();
        let (status, body) = f.ask(&query, vars, Some(PURPOSE)).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert!(body["errors"].is_null(), "{name}: {body}");
        assert!(
            body.to_string().contains(SECRET),
            "{name} returns the content: {body}"
        );
        let reads = f.reads_of(entity_type, id).await;
        assert_eq!(
            reads.len(),
            before + 1,
            "{name}: one audit row for the read"
        );
        let last = reads.last().unwrap();
        assert_eq!(last.purpose.as_deref(), Some(PURPOSE), "{name}");
        assert_eq!(last.partnership_id, Some(f.w.partnership), "{name}");
    }
}

#[tokio::test]
async fn inherited_restricted_reads_need_a_purpose_where_the_partnership_requires_one() {
    let f = fixture().await;
    f.require_purpose().await;
    for Case {
        name,
        query,
        vars,
        entity_type,
        id,
    } in f.cases()
    {
        let before = f.reads_of(entity_type, id).await.len();
        let (status, body) = f.ask(&query, vars.clone(), None).await;
        assert_eq!(status, 400, "{name}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
            "{name}: {body}"
        );
        assert!(!body.to_string().contains(SECRET), "{name} leaked: {body}");
        assert_eq!(f.reads_of(entity_type, id).await.len(), before, "{name}");
        // With a purpose it is served, and audited.
        let (status, body) = f.ask(&query, vars, Some(PURPOSE)).await;
        assert_eq!(status, 200, "{name}: {body}");
        assert_eq!(
            f.reads_of(entity_type, id).await.len(),
            before + 1,
            "{name}"
        );
    }
}

#[tokio::test]
async fn public_and_partnership_children_are_not_restricted_reads() {
    let f = fixture().await;
    f.require_purpose().await;
    // A public action's update needs no purpose and writes no read row.
    let update = action_update::Entity::find()
        .filter(action_update::Column::ActionId.eq(f.w.public_action))
        .one(f.app.db())
        .await
        .unwrap()
        .unwrap()
        .id;
    let (status, body) = f
        .ask(
            "query($id: ID!) { node(id: $id) { ... on ActionUpdate { narrative } } }",
            json!({ "id": gid(Kind::ActionUpdate, update) }),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["data"]["node"]["narrative"], "On track");
    assert!(f.reads_of("action_update", update).await.is_empty());
}

/// An action marked public by mistake under a restricted minute, or a public action of a DHR, is
/// restricted by its ancestors: a cleared reader sees it labelled OFFICIAL-SENSITIVE (as the
/// exports and reports label it), never OFFICIAL.
#[tokio::test]
async fn an_action_restricted_by_its_ancestors_is_labelled_official_sensitive() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let q = "query($a: ID!) { node(id: $a) { ... on Action { visibility classification } } }";
    for action in [w.stub_item_action, w.review_action, w.restricted_action] {
        let reply = app
            .gql(
                Some(CLEARED),
                q,
                serde_json::json!({ "a": gid(Kind::Action, action) }),
            )
            .await;
        assert_eq!(
            reply.data()["node"]["classification"],
            "OFFICIAL_SENSITIVE",
            "{}",
            reply.body
        );
    }
    let public = app
        .gql(
            None,
            q,
            serde_json::json!({ "a": gid(Kind::Action, w.public_action) }),
        )
        .await;
    assert_eq!(public.data()["node"]["classification"], "OFFICIAL");
}
