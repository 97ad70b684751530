//! CSV export: same token, same visibility as GraphQL.

use crate::common::TestApp;
use crate::fixtures::*;
use api::ids::Kind;

async fn export(app: &TestApp, subject: Option<&str>, query: &str) -> (u16, String) {
    let url = format!("http://{}/export/actions.csv?{query}", app.app.addr);
    let mut request = app.client.get(url);
    if let Some(s) = subject {
        request = request.bearer_auth(app.token(s));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test]
async fn exports_only_what_the_caller_may_see() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let p = format!("partnershipId={}", gid(Kind::Partnership, w.partnership));
    let (status, anon) = export(&app, None, &p).await;
    assert_eq!(status, 200);
    let lines: Vec<_> = anon.lines().collect();
    assert_eq!(lines.len(), 2, "header and the one public action: {anon}");
    assert!(
        lines[1].contains("Publish the strategy")
            && lines[1].contains("On track")
            && lines[1].contains("Person strategic-lead")
    );
    assert!(!anon.contains(SECRET));
    let (_, cleared) = export(&app, Some(CLEARED), &p).await;
    assert_eq!(cleared.lines().count(), 6);
    assert!(cleared.contains("OFFICIAL-SENSITIVE"));
    let (_, red) = export(&app, Some(CLEARED), &format!("{p}&rag=RED&status=OPEN")).await;
    assert_eq!(red.lines().count(), 4);
}

#[tokio::test]
async fn bad_export_parameters_and_tokens_are_refused() {
    let app = TestApp::spawn().await;
    World::build(app.db()).await;
    let (status, body) = export(&app, None, "rag=PURPLE").await;
    assert_eq!(status, 400);
    assert!(body.contains("BAD_USER_INPUT"));
    let (status, _) = export(&app, None, "boardId=not-an-id").await;
    assert_eq!(status, 400);
    let response = app
        .client
        .get(format!("http://{}/export/actions.csv", app.app.addr))
        .bearer_auth("nonsense")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}
