//! `GET /items/{id}`: where the link in a reminder email lands (`<CSP_PUBLIC_URL>/items/<global
//! ID>`, `domain::reminders`).
//!
//! Deny by default: this route knows nothing but the ID in its path. It reads no database, no
//! token and no record, so it cannot tell whether the item exists or who may see it, and it
//! shows nothing the email did not already carry. It accepts only the canonical global ID of a
//! kind that reminders link to (an action or a Domestic Homicide Review); anything else is a 404
//! page saying the link is not a CSP Hub item link, which does not repeat what was asked for.
//!
//! - With `CSP_ITEM_LINK_TEMPLATE` set ([`ItemLinkTemplate`], checked at start-up), the answer
//!   is 303 See Other to the partnership's own front-end, which opens the item after its own
//!   sign-in.
//! - Otherwise a static page: the ID, how to open it (sign in to the partnership's front-end),
//!   and the GraphQL query that reads it, with a link to GraphiQL outside production. The page
//!   has no script and no style, and its Content-Security-Policy allows nothing to load.
//!
//! Every answer is `Cache-Control: no-store` with `Referrer-Policy: no-referrer` (the ID never
//! travels on as a referrer) and `X-Content-Type-Options: nosniff`.

use crate::config::ItemLinkTemplate;
use crate::core::ids::{self, Kind};
use crate::http::AppState;
use async_graphql::ID;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The kinds a reminder links to; any other ID is not an item link.
const ITEM_KINDS: &[Kind] = &[Kind::Action, Kind::DomesticHomicideReview];

/// Longer than any global ID: refused before it is decoded.
const MAX_ID_LEN: usize = 128;

/// Reads one action or review by its global ID, as far as the caller may see it.
const NODE_QUERY: &str = "query($id: ID!) { node(id: $id) { id ... on Action { title } ... on DomesticHomicideReview { pseudonym } } }";

/// GraphiQL's page, relative to `/items/<id>` (relative, so it also works behind a proxy that
/// mounts the API under a prefix).
const GRAPHIQL_PAGE: &str = "../graphql";

/// The pages' policy: nothing loads, nothing runs, no form posts, no framing.
const PAGE_CSP: &str = "default-src 'none'; img-src data:; base-uri 'none'; \
                        form-action 'none'; frame-ancestors 'none'";

/// What the route needs, fixed at start-up.
struct ItemLinks {
    /// Where to send people, when the partnership has a front-end for items.
    template: Option<ItemLinkTemplate>,
    /// GraphiQL is served (outside production), so the page may link to it.
    graphiql: bool,
}

/// The route, with the checked template (`Config::item_link_template`).
pub fn routes(production: bool, template: Option<ItemLinkTemplate>) -> Router<AppState> {
    let links = Arc::new(ItemLinks {
        template,
        graphiql: !production,
    });
    Router::new()
        .route("/items/{*id}", get(item))
        .with_state(links)
}

/// `GET /items/{id}`. A path that cannot be read (not UTF-8 once decoded) is not an item link.
async fn item(
    State(links): State<Arc<ItemLinks>>,
    id: Result<Path<String>, PathRejection>,
) -> Response {
    let Some(id) = id.ok().and_then(|Path(id)| item_id(&id)) else {
        return not_an_item();
    };
    match &links.template {
        Some(template) => redirect(&template.expand(&id)),
        None => html(StatusCode::OK, page(&id, links.graphiql)),
    }
}

/// The ID when `given` is the canonical global ID of an item kind. What is printed or sent on is
/// then our own encoding: base64url characters only.
fn item_id(given: &str) -> Option<String> {
    if given.is_empty() || given.len() > MAX_ID_LEN {
        return None;
    }
    let (kind, uuid) = ids::decode_any(&ID(given.to_string()), "id").ok()?;
    if !ITEM_KINDS.contains(&kind) {
        return None;
    }
    // `Uuid::parse_str` also reads braced, URN and undashed forms: only the form we issue.
    let canonical = ids::encode(kind, uuid).0;
    (canonical == given).then_some(canonical)
}

/// The headers of every answer of this route.
fn private_headers() -> [(HeaderName, HeaderValue); 3] {
    [
        (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        (
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ),
        (
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ),
    ]
}

/// An HTML page with the route's headers and policy.
fn html(status: StatusCode, body: String) -> Response {
    (
        status,
        private_headers(),
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static(PAGE_CSP),
            ),
        ],
        body,
    )
        .into_response()
}

/// 303 See Other to the partnership's front-end.
fn redirect(location: &str) -> Response {
    // The template is visible ASCII (checked at start-up) and the ID base64url, so this holds.
    let Ok(location) = HeaderValue::from_str(location) else {
        tracing::error!("the item link is not a valid Location header");
        return (StatusCode::INTERNAL_SERVER_ERROR, private_headers()).into_response();
    };
    (
        StatusCode::SEE_OTHER,
        private_headers(),
        [(header::LOCATION, location)],
    )
        .into_response()
}

/// The start of every page, up to and including `<body>`.
fn head(title: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<link rel=\"icon\" href=\"data:,\">\n\
         <title>{}</title>\n</head>\n<body>\n",
        html_escape::encode_safe(title)
    )
}

/// The page for an item link when no front-end is configured.
fn page(id: &str, graphiql: bool) -> String {
    let text = |s: &str| html_escape::encode_safe(s).into_owned();
    let variables = serde_json::json!({ "id": id }).to_string();
    let explorer = if graphiql {
        format!(
            "<p>With a CSP Hub token you can also read it in the <a href=\"{}\">GraphiQL \
             explorer</a>: put <code>{}</code> in its Headers tab, then run this query with \
             these variables.</p>\n",
            html_escape::encode_double_quoted_attribute(GRAPHIQL_PAGE),
            text(r#"{"Authorization": "Bearer <token>"}"#),
        )
    } else {
        "<p>With a CSP Hub token your partnership's tools can read it through the API with this \
         query and these variables.</p>\n"
            .to_string()
    };
    format!(
        "{head}<main>\n<h1>CSP Hub item <code>{id}</code></h1>\n\
         <p>This is a link to a record in CSP Hub. This page does not show the record, or whether \
         you may see it.</p>\n\
         <p>To open it, sign in to your partnership's CSP Hub front-end and look up the item \
         <code>{id}</code>. You will see it there if your seats and clearances allow.</p>\n\
         {explorer}<h2>Query</h2>\n<pre>{query}</pre>\n<h2>Variables</h2>\n<pre>{variables}</pre>\n\
         </main>\n</body>\n</html>\n",
        head = head(&format!("CSP Hub item {id}")),
        id = text(id),
        query = text(NODE_QUERY),
        variables = text(&variables),
    )
}

/// The 404 page: the link was not made by CSP Hub (or was cut short). It does not repeat what
/// was asked for.
fn not_an_item() -> Response {
    html(StatusCode::NOT_FOUND, not_an_item_page())
}

fn not_an_item_page() -> String {
    format!(
        "{}<main>\n<h1>Not a CSP Hub item link</h1>\n\
         <p>This address is not a CSP Hub item link. Check that the whole link from the email \
         was opened (some mail programs break long links), or ask the partnership's CSP Hub \
         administrator.</p>\n</main>\n</body>\n</html>\n",
        head("Not a CSP Hub item link")
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn only_canonical_ids_of_item_kinds_are_items() {
        let uuid = Uuid::now_v7();
        let action = ids::encode(Kind::Action, uuid).0;
        assert_eq!(item_id(&action), Some(action.clone()));
        let review = ids::encode(Kind::DomesticHomicideReview, uuid).0;
        assert_eq!(item_id(&review), Some(review));
        assert_eq!(item_id(&ids::encode(Kind::Board, uuid).0), None);
        assert_eq!(item_id(""), None);
        assert_eq!(item_id("not an id"), None);
        assert_eq!(item_id(&"A".repeat(MAX_ID_LEN + 1)), None);
        // The same UUID in a form we never issue.
        use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
        let braced = URL_SAFE_NO_PAD.encode(format!("Action:{{{uuid}}}"));
        let upper = URL_SAFE_NO_PAD.encode(format!("Action:{}", uuid.to_string().to_uppercase()));
        assert_eq!(item_id(&braced), None);
        assert_eq!(item_id(&upper), None);
    }

    #[test]
    fn pages_have_no_script_no_style_and_nothing_from_elsewhere() {
        let id = ids::encode(Kind::Action, Uuid::now_v7()).0;
        let with_explorer = page(&id, true);
        assert!(with_explorer.contains(&format!("<h1>CSP Hub item <code>{id}</code></h1>")));
        assert!(with_explorer.contains("<a href=\"../graphql\">"));
        assert!(with_explorer.contains("node(id: $id)"));
        assert!(with_explorer.contains(&format!("{{&quot;id&quot;:&quot;{id}&quot;}}")));
        let production = page(&id, false);
        assert!(!production.contains("<a "), "{production}");
        for text in [with_explorer, production, not_an_item_page()] {
            assert!(!text.contains("<script"), "{text}");
            assert!(!text.contains("style"), "{text}");
            assert!(!text.contains("//"), "{text}");
        }
        assert!(!PAGE_CSP.contains("unsafe"));
        assert!(PAGE_CSP.starts_with("default-src 'none';"));
    }
}
