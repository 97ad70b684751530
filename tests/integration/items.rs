//! `GET /items/{id}`, the link in reminder emails: it knows only the ID it is given. A valid
//! item link is a static page (or 303 to the partnership's front-end when
//! `CSP_ITEM_LINK_TEMPLATE` is set) that never reads the record, so not even a cleared member
//! learns its title there; anything else is a 404 page; a bad template stops the start.

use crate::common::TestApp;
use crate::fixtures::*;
use api::core::ids::Kind;
use base64::Engine;
use reqwest::header::{HeaderMap, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use reqwest::Response;

const TEMPLATE: &str = "https://intranet.example.gov.uk/csp/items/{id}?from=email";

/// A client that shows redirects instead of following them.
fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// `GET /items/<path>`, optionally as `subject`.
async fn open(app: &TestApp, path: &str, subject: Option<&str>) -> Response {
    let mut request = client().get(format!("{}/items/{path}", app.base()));
    if let Some(subject) = subject {
        request = request.header(AUTHORIZATION, format!("Bearer {}", app.token(subject)));
    }
    request.send().await.expect("send request")
}

/// The headers every answer of the route carries.
fn assert_private(headers: &HeaderMap, what: &str) {
    assert_eq!(headers["cache-control"], "no-store", "{what}");
    assert_eq!(headers["referrer-policy"], "no-referrer", "{what}");
    assert_eq!(headers["x-content-type-options"], "nosniff", "{what}");
}

/// An HTML page with the route's policy: nothing loads, nothing runs.
fn assert_static_page(headers: &HeaderMap, body: &str, what: &str) {
    assert_private(headers, what);
    assert_eq!(headers[CONTENT_TYPE], "text/html; charset=utf-8", "{what}");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(csp.starts_with("default-src 'none';"), "{what}: {csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(!csp.contains("unsafe"), "{what}: {csp}");
    assert!(!body.contains("<script"), "{what}: {body}");
}

#[tokio::test]
async fn an_item_link_is_a_static_page_that_never_reads_the_record() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let items = [
        ("restricted action", gid(Kind::Action, w.restricted_action)),
        ("public action", gid(Kind::Action, w.public_action)),
        ("review", gid(Kind::DomesticHomicideReview, w.review)),
        ("missing action", gid(Kind::Action, uuid::Uuid::now_v7())),
    ];
    for (what, id) in &items {
        // Anonymous, and cleared for the record: the page is the same and carries no title.
        for subject in [None, Some(CLEARED)] {
            let before = app.statements();
            let response = open(&app, id, subject).await;
            assert_eq!(response.status(), 200, "{what}");
            let headers = response.headers().clone();
            let body = response.text().await.unwrap();
            assert_eq!(
                app.statements(),
                before,
                "{what}: the page read the database"
            );
            assert_static_page(&headers, &body, what);
            assert!(
                body.contains(&format!("CSP Hub item <code>{id}</code>")),
                "{what}: {body}"
            );
            assert!(body.contains("sign in to your partnership"), "{what}");
            assert!(!body.contains(SECRET), "{what}: the page names the record");
            assert!(!body.contains("Publish the strategy"), "{what}: {body}");
            // GraphiQL, with the query that reads the item and its variables.
            assert!(body.contains("<a href=\"../graphql\">"), "{what}: {body}");
            assert!(
                body.contains(
                    "query($id: ID!) { node(id: $id) { id ... on Action { title } ... on \
                     DomesticHomicideReview { pseudonym } } }"
                ),
                "{what}: {body}"
            );
            assert!(
                body.contains(&format!("{{&quot;id&quot;:&quot;{id}&quot;}}")),
                "{what}: {body}"
            );
        }
    }
    // The link leads to GraphiQL's page, resolved and asked for as a browser does.
    let page = reqwest::Url::parse(&format!("{}/items/{}", app.base(), items[0].1)).unwrap();
    let explorer = page.join("../graphql").unwrap();
    assert_eq!(explorer.path(), "/graphql");
    let graphiql = client()
        .get(explorer)
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(graphiql.status(), 200);
    assert!(graphiql.text().await.unwrap().contains("GraphiQL"));
}

#[tokio::test]
async fn in_production_the_page_does_not_link_to_graphiql() {
    let app = TestApp::with_config(|c| {
        c.production = true;
        c.jwt.secret = Some("a production secret of more than thirty-two bytes".into());
    })
    .await;
    let id = gid(Kind::Action, uuid::Uuid::now_v7());
    let response = open(&app, &id, None).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let body = response.text().await.unwrap();
    assert_static_page(&headers, &body, "production");
    assert!(body.contains(&id));
    assert!(!body.contains("<a "), "{body}");
}

#[tokio::test]
async fn anything_but_an_item_id_is_a_404_page_that_does_not_repeat_it() {
    let app = TestApp::spawn().await;
    let w = World::build(app.db()).await;
    let b64 = |text: String| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text);
    let cases = [
        ("not base64", "nonsense!".to_string()),
        ("a board's ID", gid(Kind::Board, w.marac)),
        ("a person's ID", gid(Kind::Person, w.lead)),
        (
            "an unknown kind",
            b64(format!("Secret:{}", w.restricted_action)),
        ),
        ("no UUID", b64("Action:Zebracase".to_string())),
        (
            "a braced UUID",
            b64(format!("Action:{{{}}}", w.restricted_action)),
        ),
        (
            "cut short",
            gid(Kind::Action, w.restricted_action)[..20].to_string(),
        ),
        ("markup", "%3Cscript%3Ealert(1)%3C%2Fscript%3E".to_string()),
        ("not UTF-8", "%FF%FE".to_string()),
        (
            "a deeper path",
            format!("{}/x", gid(Kind::Action, w.public_action)),
        ),
        ("too long", "A".repeat(4000)),
    ];
    for (what, path) in &cases {
        let before = app.statements();
        let response = open(&app, path, None).await;
        assert_eq!(response.status(), 404, "{what}");
        let headers = response.headers().clone();
        let body = response.text().await.unwrap();
        assert_eq!(
            app.statements(),
            before,
            "{what}: the page read the database"
        );
        assert_static_page(&headers, &body, what);
        assert!(body.contains("not a CSP Hub item link"), "{what}: {body}");
        assert!(!body.contains("script>"), "{what}: {body}");
        assert!(!body.contains("alert"), "{what}: {body}");
        assert!(
            !body.contains(&path[..path.len().min(12)]),
            "{what}: {body}"
        );
    }
    // None of it hurt the server.
    let health = client()
        .get(format!("{}/healthz", app.base()))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
}

#[tokio::test]
async fn with_a_template_an_item_link_is_a_303_to_the_partnerships_front_end() {
    let app = TestApp::with_config(|c| c.item_link_template = Some(TEMPLATE.into())).await;
    let w = World::build(app.db()).await;
    for id in [
        gid(Kind::Action, w.restricted_action),
        gid(Kind::DomesticHomicideReview, w.review),
    ] {
        let before = app.statements();
        let response = open(&app, &id, Some(CLEARED)).await;
        assert_eq!(response.status(), 303);
        assert_eq!(app.statements(), before, "the redirect read the database");
        assert_private(response.headers(), "redirect");
        // Global IDs are base64url: percent-encoding leaves them as they are.
        let encoded: String = id
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        assert_eq!(
            response.headers()[LOCATION],
            format!("https://intranet.example.gov.uk/csp/items/{encoded}?from=email").as_str()
        );
        assert!(!response.text().await.unwrap().contains(SECRET));
    }
    // Not an item: no redirect, the same 404 page.
    let response = open(&app, &gid(Kind::Board, w.marac), None).await;
    assert_eq!(response.status(), 404);
    assert!(response.headers().get(LOCATION).is_none());
}

#[tokio::test]
async fn a_template_without_id_or_not_http_stops_the_start() {
    for (template, says) in [
        (
            "https://intranet.example.gov.uk/csp/items/",
            "must contain `{id}`",
        ),
        ("intranet.example.gov.uk/csp/items/{id}", "is not a URL"),
        ("javascript:alert('{id}')", "http or https"),
        ("ftp://files.example.gov.uk/{id}", "http or https"),
        ("https://{id}.example.gov.uk/", "scheme, host and port"),
    ] {
        let refused = TestApp::try_with_config(|c| c.item_link_template = Some(template.into()))
            .await
            .err()
            .unwrap_or_else(|| panic!("{template} was accepted"));
        assert!(refused.contains("CSP_ITEM_LINK_TEMPLATE"), "{refused}");
        assert!(refused.contains(says), "{template}: {refused}");
    }
    // Empty (an unset variable passed through) is unset.
    let empty = TestApp::try_with_config(|c| c.item_link_template = Some(String::new())).await;
    assert!(empty.is_ok(), "{:?}", empty.err());
}
