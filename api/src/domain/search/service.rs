//! Full-text search of minutes, agenda titles, resolutions and action updates ("what did we
//! decide about knife bins?"), ranked, through the access layer.
//!
//! Each kind is searched with its database's own engine (PostgreSQL's English text search on the
//! index migration 038 built; SQLite's FTS5 tables) *inside* `access::visible`, so a record the
//! caller may not see is never matched, never counted and never ranked. An agenda item that the
//! caller sees only as a stub (restricted, not cleared) is dropped too: its minute must not be
//! findable through its title's visibility. What is returned is noted for the audit of
//! restricted reads, like any other read.

use crate::core::access::{self, Scoped};
use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ApiResult};
use crate::core::ids::{self, Kind};
use entity::{action_update, agenda_item, resolution};
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{
    ColumnTrait, DatabaseBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
    Select, Value,
};
use std::collections::HashMap;
use uuid::Uuid;

/// Longest search text.
const MAX_QUERY_LEN: usize = 200;
/// Most matches of each kind considered (the best-ranked ones): a search answers with the top of
/// the list, not an export.
const MAX_PER_KIND: u64 = 200;
/// Characters of text shown around the first match.
const EXCERPT_CHARS: usize = 160;

/// What a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitKind {
    AgendaItem,
    Resolution,
    ActionUpdate,
}

/// One match.
#[derive(Debug, Clone)]
pub struct Hit {
    pub kind: HitKind,
    /// The record's global ID (fetch it with `node`).
    pub id: String,
    /// A window of its text around the first word searched for.
    pub excerpt: String,
    /// Higher is better; comparable within one search.
    pub score: f64,
}

/// The best `first` matches and how many there were in all (each kind counted up to
/// [`MAX_PER_KIND`]).
pub struct Found {
    pub total: usize,
    pub hits: Vec<Hit>,
}

/// Searches what the caller may see, optionally in one partnership.
pub async fn search(
    rc: &RequestContext,
    text: &str,
    partnership: Option<async_graphql::ID>,
    first: usize,
) -> ApiResult<Found> {
    let words = words(text)?;
    let partnership = partnership
        .map(|p| ids::decode(&p, Kind::Partnership, "partnershipId"))
        .transpose()?;
    let backend = rc.db.get_database_backend();
    let mut hits = Vec::new();

    let items = matching::<agenda_item::Entity>(
        rc,
        backend,
        &words,
        "agenda_item",
        &["title", "minute_text"],
        |s| match partnership {
            Some(p) => s.filter(agenda_item::Column::PartnershipId.eq(p)),
            None => s,
        },
    )
    .await?;
    let items: Vec<_> = items
        .into_iter()
        .filter(|(m, _)| agenda_item::Entity::shows_content(&rc.viewer, m))
        .collect();
    rc.reads.note::<agenda_item::Entity>(
        &rc.viewer,
        &items.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(),
    );
    hits.extend(items.into_iter().map(|(m, score)| Hit {
        kind: HitKind::AgendaItem,
        id: ids::encode(Kind::AgendaItem, m.id).to_string(),
        excerpt: excerpt(
            &format!("{} — {}", m.title, m.minute_text.as_deref().unwrap_or("")),
            &words,
        ),
        score,
    }));

    let resolutions =
        matching::<resolution::Entity>(rc, backend, &words, "resolution", &["text"], |s| {
            match partnership {
                Some(p) => s.filter(
                    resolution::Column::AgendaItemId.in_subquery(
                        agenda_item::Entity::find()
                            .select_only()
                            .column(agenda_item::Column::Id)
                            .filter(agenda_item::Column::PartnershipId.eq(p))
                            .into_query(),
                    ),
                ),
                None => s,
            }
        })
        .await?;
    rc.reads.note::<resolution::Entity>(
        &rc.viewer,
        &resolutions
            .iter()
            .map(|(m, _)| m.clone())
            .collect::<Vec<_>>(),
    );
    hits.extend(resolutions.into_iter().map(|(m, score)| Hit {
        kind: HitKind::Resolution,
        id: ids::encode(Kind::Resolution, m.id).to_string(),
        excerpt: excerpt(&m.text, &words),
        score,
    }));

    let updates = matching::<action_update::Entity>(
        rc,
        backend,
        &words,
        "action_update",
        &["narrative"],
        |s| match partnership {
            Some(p) => s.filter(
                action_update::Column::ActionId.in_subquery(
                    entity::action::Entity::find()
                        .select_only()
                        .column(entity::action::Column::Id)
                        .filter(entity::action::Column::PartnershipId.eq(p))
                        .into_query(),
                ),
            ),
            None => s,
        },
    )
    .await?;
    rc.reads.note::<action_update::Entity>(
        &rc.viewer,
        &updates.iter().map(|(m, _)| m.clone()).collect::<Vec<_>>(),
    );
    hits.extend(updates.into_iter().map(|(m, score)| Hit {
        kind: HitKind::ActionUpdate,
        id: ids::encode(Kind::ActionUpdate, m.id).to_string(),
        excerpt: excerpt(&m.narrative, &words),
        score,
    }));

    let total = hits.len();
    hits.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    hits.truncate(first);
    Ok(Found { total, hits })
}

/// The words searched for: letters and digits, lower-cased; BAD_USER_INPUT when there are none.
fn words(text: &str) -> ApiResult<Vec<String>> {
    if text.chars().count() > MAX_QUERY_LEN {
        return Err(ApiError::bad_input(
            "text",
            format!("search text must be at most {MAX_QUERY_LEN} characters"),
        ));
    }
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .take(20)
        .collect();
    if words.is_empty() {
        return Err(ApiError::bad_input("text", "search for at least one word"));
    }
    Ok(words)
}

/// The rows of `E` the caller may see whose text matches every word, with their score, best
/// first. The match is a condition on the visible select, so invisible rows never take part.
async fn matching<E>(
    rc: &RequestContext,
    backend: DatabaseBackend,
    words: &[String],
    table: &str,
    columns: &[&str],
    narrow: impl FnOnce(Select<E>) -> Select<E>,
) -> ApiResult<Vec<(E::Model, f64)>>
where
    E: Scoped,
    E::Model: Clone + Send + Sync,
{
    let (matches, score) = match backend {
        DatabaseBackend::Postgres => {
            let document = migration::search_document(table, columns);
            let query = words.join(" ");
            (
                Expr::cust_with_values(
                    format!("{document} @@ plainto_tsquery('english', $1)"),
                    [Value::from(query.clone())],
                ),
                Expr::cust_with_values(
                    format!("ts_rank({document}, plainto_tsquery('english', $1))::float8"),
                    [Value::from(query)],
                ),
            )
        }
        _ => {
            // Every word, each quoted: the user's text is never FTS5 syntax.
            let query = words
                .iter()
                .map(|w| format!("\"{w}\""))
                .collect::<Vec<_>>()
                .join(" ");
            let fts = format!("{table}_fts");
            (
                Expr::cust_with_values(
                    format!("\"{table}\".rowid IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"),
                    [Value::from(query.clone())],
                ),
                // bm25 is lower for better matches.
                Expr::cust_with_values(
                    format!(
                        "(SELECT -bm25({fts}) FROM {fts} WHERE {fts} MATCH ? AND {fts}.rowid = \"{table}\".rowid)"
                    ),
                    [Value::from(query)],
                ),
            )
        }
    };
    let visible = narrow(access::visible::<E>(&rc.viewer)).filter(SimpleExpr::from(matches));
    let ranked: Vec<(Uuid, f64)> = visible
        .clone()
        .select_only()
        .column(E::id_column())
        .expr_as(score, "score")
        .order_by_desc(Expr::cust("score"))
        .limit(MAX_PER_KIND)
        .into_tuple()
        .all(&rc.db)
        .await?;
    let scores: HashMap<Uuid, f64> = ranked.iter().copied().collect();
    let models = E::find()
        .filter(E::id_column().is_in(ranked.iter().map(|(id, _)| *id)))
        .all(&rc.db)
        .await?;
    let mut out: Vec<(E::Model, f64)> = models
        .into_iter()
        .filter_map(|m| scores.get(&E::id_of(&m)).map(|s| (m, *s)))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1));
    Ok(out)
}

/// About [`EXCERPT_CHARS`] characters of `text` around the first word searched for (or its
/// start), on character boundaries, with "…" where it was cut.
fn excerpt(text: &str, words: &[String]) -> String {
    let lower = text.to_lowercase();
    let at = words
        .iter()
        .filter_map(|w| lower.find(w.as_str()))
        .min()
        .unwrap_or(0);
    // `lower` may differ in byte length from `text`; count characters instead.
    let at_chars = lower[..at.min(lower.len())].chars().count();
    let start = at_chars.saturating_sub(EXCERPT_CHARS / 3);
    let chars: Vec<char> = text.chars().collect();
    let end = (start + EXCERPT_CHARS).min(chars.len());
    let mut out: String = chars[start.min(chars.len())..end].iter().collect();
    if start > 0 {
        out.insert(0, '…');
    }
    if end < chars.len() {
        out.push('…');
    }
    out
}
