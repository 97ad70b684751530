//! What browsers load from the API itself: GraphiQL's page and assets (served from the binary, so
//! it works on networks that block CDNs) and the embeddable intranet widgets (`/widgets/...`).
//!
//! Everything here is compiled in with `include_bytes!`: the vendored production builds of React,
//! ReactDOM and GraphiQL (`api/assets/graphiql/`, see its README for versions and refreshing),
//! GraphiQL's page and boot script, and the widgets (`widgets/`). Nothing here reads the database
//! or makes a visibility decision: the page and the widgets call `/graphql` like any client.
//!
//! - GraphiQL's page (`GET /graphql` from a browser, outside production) carries a
//!   Content-Security-Policy that allows nothing from another origin and no inline script; its
//!   assets are under `/graphiql/assets/`, each linked with `?v=` and a digest of its content so
//!   it can be cached for a year (a link with another digest, or none, is not cached). In
//!   production the page and its assets are not served.
//! - Widgets keep a stable address (councils paste it into their intranets), so they are cached
//!   briefly and revalidated by `ETag`.

use crate::http::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use sha2::{Digest, Sha256};
use std::sync::LazyLock;

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";
const TEXT: &str = "text/plain; charset=utf-8";
const MARKDOWN: &str = "text/markdown; charset=utf-8";

/// A file compiled into the binary.
struct Asset {
    /// Path below `/graphiql/assets/` (or the widget's name below `/widgets/`).
    path: &'static str,
    content_type: &'static str,
    bytes: &'static [u8],
}

/// Includes a file of `api/assets/graphiql/` under its path there.
macro_rules! graphiql_asset {
    ($path:literal, $type:expr) => {
        Asset {
            path: $path,
            content_type: $type,
            bytes: include_bytes!(concat!("../../assets/graphiql/", $path)),
        }
    };
}

/// GraphiQL's assets: the vendored builds unchanged, with their licences, and our own page files.
const GRAPHIQL_ASSETS: &[Asset] = &[
    graphiql_asset!("react-18.3.1/react.production.min.js", JS),
    graphiql_asset!("react-18.3.1/LICENSE", TEXT),
    graphiql_asset!("react-dom-18.3.1/react-dom.production.min.js", JS),
    graphiql_asset!("react-dom-18.3.1/LICENSE", TEXT),
    graphiql_asset!("graphiql-3.9.0/graphiql.min.js", JS),
    graphiql_asset!("graphiql-3.9.0/graphiql.min.css", CSS),
    graphiql_asset!("graphiql-3.9.0/LICENSE", TEXT),
    graphiql_asset!("graphiql-3.9.0/DEPENDENCIES.txt", TEXT),
    graphiql_asset!("README.md", MARKDOWN),
    graphiql_asset!("boot.js", JS),
    graphiql_asset!("page.css", CSS),
];

/// The embeddable widgets, at `/widgets/<path>`.
const WIDGETS: &[Asset] = &[Asset {
    path: "rag-panel.js",
    content_type: JS,
    bytes: include_bytes!("../../../widgets/rag-panel.js"),
}];

/// GraphiQL's page; `{{path}}` stands for the versioned address of that asset.
const GRAPHIQL_PAGE: &str = include_str!("../../assets/graphiql/index.html");

/// Where GraphiQL's assets are served, relative to the page at `/graphql` (relative, so the API
/// also works behind a proxy that mounts it under a prefix).
const ASSET_PREFIX: &str = "graphiql/assets/";

/// A year: the longest lifetime caches honour, for content addressed by its digest.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Widgets: their address never changes, so browsers check back after five minutes.
const WIDGET_CACHE: &str = "public, max-age=300, must-revalidate";

/// The first 16 hex digits of the SHA-256 of `bytes`: the `?v=` of an asset, the ETag of a widget.
fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Each GraphiQL asset's digest, computed once.
static GRAPHIQL_DIGESTS: LazyLock<Vec<String>> =
    LazyLock::new(|| GRAPHIQL_ASSETS.iter().map(|a| digest(a.bytes)).collect());

/// Each widget's ETag, computed once.
static WIDGET_ETAGS: LazyLock<Vec<String>> = LazyLock::new(|| {
    WIDGETS
        .iter()
        .map(|a| format!("\"{}\"", digest(a.bytes)))
        .collect()
});

/// GraphiQL's page with every `{{path}}` replaced by the asset's versioned address.
static RENDERED_PAGE: LazyLock<String> = LazyLock::new(|| {
    GRAPHIQL_ASSETS.iter().zip(GRAPHIQL_DIGESTS.iter()).fold(
        GRAPHIQL_PAGE.to_string(),
        |page, (asset, digest)| {
            page.replace(
                &format!("{{{{{}}}}}", asset.path),
                &format!("{ASSET_PREFIX}{}?v={digest}", asset.path),
            )
        },
    )
});

/// The front-end routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/graphiql/assets/{*path}", get(graphiql_asset))
        .route("/widgets/{name}", get(widget))
}

/// The Content-Security-Policy of GraphiQL's page: its own origin only. `host` (the request's
/// `Host`, when it is a plain host name or address with a port) adds WebSocket connections to
/// the same host, which older browsers do not count as `'self'`. GraphiQL sets styles through
/// the DOM (allowed), and its fonts and icons are `data:` URLs inside its stylesheet.
fn graphiql_csp(host: Option<&str>) -> String {
    let sockets = host
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-:[]".contains(&b))
        })
        .map(|h| format!(" ws://{h} wss://{h}"))
        .unwrap_or_default();
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self' data:; connect-src 'self'{sockets}; object-src 'none'; \
         base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

/// GraphiQL's page, for `GET /graphql` from a browser outside production.
pub fn graphiql_page(headers: &HeaderMap) -> Response {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let csp = HeaderValue::from_str(&graphiql_csp(host))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'"));
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::CONTENT_SECURITY_POLICY, csp),
            (
                header::REFERRER_POLICY,
                HeaderValue::from_static("no-referrer"),
            ),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
        ],
        RENDERED_PAGE.as_str(),
    )
        .into_response();
    response
        .headers_mut()
        .insert(header::VARY, HeaderValue::from_static("Accept"));
    response
}

/// `GET /graphiql/assets/{path}`: not found in production, where GraphiQL is off.
async fn graphiql_asset(
    State(state): State<AppState>,
    Path(path): Path<String>,
    uri: Uri,
) -> Response {
    if state.production {
        return StatusCode::NOT_FOUND.into_response();
    }
    let version = uri
        .query()
        .unwrap_or("")
        .split('&')
        .find_map(|pair| pair.strip_prefix("v="));
    graphiql_asset_response(&path, version)
}

/// The asset at `path`, cached for a year when `version` is its current digest.
fn graphiql_asset_response(path: &str, version: Option<&str>) -> Response {
    let Some(index) = GRAPHIQL_ASSETS.iter().position(|a| a.path == path) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let asset = &GRAPHIQL_ASSETS[index];
    let cache = if version == Some(GRAPHIQL_DIGESTS[index].as_str()) {
        IMMUTABLE
    } else {
        "no-cache"
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        asset.bytes,
    )
        .into_response()
}

/// `GET /widgets/{name}`: served in production too; `If-None-Match` with the current ETag is
/// 304. Scripts are loaded cross-origin by intranet pages (`Cross-Origin-Resource-Policy`).
async fn widget(Path(name): Path<String>, headers: HeaderMap) -> Response {
    widget_response(
        &name,
        headers
            .get(header::IF_NONE_MATCH)
            .and_then(|v| v.to_str().ok()),
    )
}

fn widget_response(name: &str, if_none_match: Option<&str>) -> Response {
    let Some(index) = WIDGETS.iter().position(|a| a.path == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let asset = &WIDGETS[index];
    let etag = WIDGET_ETAGS[index].as_str();
    let headers = [
        (header::CONTENT_TYPE, asset.content_type),
        (header::CACHE_CONTROL, WIDGET_CACHE),
        (header::ETAG, etag),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "cross-origin",
        ),
    ];
    let matches = if_none_match.is_some_and(|given| {
        given
            .split(',')
            .any(|t| t.trim() == etag || t.trim() == "*")
    });
    if matches {
        return (StatusCode::NOT_MODIFIED, headers).into_response();
    }
    (headers, asset.bytes).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_links_every_script_and_stylesheet_by_digest_and_has_no_inline_script() {
        let page = RENDERED_PAGE.as_str();
        assert!(
            !page.contains("{{"),
            "an asset placeholder was not replaced: {page}"
        );
        // Every <script> has a src (no inline code), and none points elsewhere.
        for script in page.split("<script").skip(1) {
            let tag = &script[..script.find('>').unwrap()];
            assert!(tag.contains(" src=\""), "inline script: <script{tag}>");
        }
        assert!(
            !page.contains("//"),
            "an absolute or external address: {page}"
        );
        for (asset, digest) in GRAPHIQL_ASSETS.iter().zip(GRAPHIQL_DIGESTS.iter()) {
            if asset.path.ends_with(".js") || asset.path.ends_with(".css") {
                let link = format!("{ASSET_PREFIX}{}?v={digest}", asset.path);
                assert!(page.contains(&link), "{link} is not linked from the page");
            }
        }
    }

    #[test]
    fn the_page_policy_allows_nothing_from_elsewhere() {
        let csp = graphiql_csp(Some("127.0.0.1:8080"));
        assert!(csp.starts_with("default-src 'self';"), "{csp}");
        assert!(csp.contains("script-src 'self';"), "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        assert!(
            csp.contains("connect-src 'self' ws://127.0.0.1:8080 wss://127.0.0.1:8080;"),
            "{csp}"
        );
        // A Host header that could break out of the policy adds nothing.
        let odd = graphiql_csp(Some("evil.example; script-src *"));
        assert!(odd.contains("connect-src 'self';"), "{odd}");
        assert!(!odd.contains('*'), "{odd}");
    }

    #[test]
    fn assets_are_cached_for_a_year_only_at_their_current_digest() {
        let index = GRAPHIQL_ASSETS
            .iter()
            .position(|a| a.path == "boot.js")
            .unwrap();
        let current = graphiql_asset_response("boot.js", Some(&GRAPHIQL_DIGESTS[index]));
        assert_eq!(current.status(), StatusCode::OK);
        assert_eq!(current.headers()[header::CACHE_CONTROL], IMMUTABLE);
        assert_eq!(current.headers()[header::CONTENT_TYPE], JS);
        let stale = graphiql_asset_response("boot.js", Some("0000000000000000"));
        assert_eq!(stale.headers()[header::CACHE_CONTROL], "no-cache");
        let css = graphiql_asset_response("graphiql-3.9.0/graphiql.min.css", None);
        assert_eq!(css.headers()[header::CONTENT_TYPE], CSS);
        assert_eq!(
            graphiql_asset_response("../Cargo.toml", None).status(),
            StatusCode::NOT_FOUND
        );
    }

    #[test]
    fn widgets_revalidate_by_etag() {
        let first = widget_response("rag-panel.js", None);
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(first.headers()[header::CONTENT_TYPE], JS);
        let etag = first.headers()[header::ETAG].to_str().unwrap().to_string();
        let again = widget_response("rag-panel.js", Some(&etag));
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
        assert_eq!(
            widget_response("nope.js", None).status(),
            StatusCode::NOT_FOUND
        );
    }
}
