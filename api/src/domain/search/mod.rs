//! Full-text search of what boards wrote (minutes, agenda titles, resolutions, action updates).
//! The resolver is one call to [`service`].

pub mod service;

use crate::core::context::CtxExt;
use crate::core::error::{ApiError, ApiResult};
use async_graphql::{Context, Enum, Object, SimpleObject, ID};

/// Most hits one search returns.
const MAX_HITS: i32 = 50;

/// Queries of this area.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Searches minutes, agenda item titles, resolutions and action updates for every word of
    /// `text` (English stemming: "bins" finds "bin"), best match first. Only what you may see
    /// takes part: a restricted minute is never matched, counted or ranked unless you are
    /// cleared for it. Fetch a hit's record with `node(id:)`.
    #[graphql(complexity = "5 + first.unwrap_or(10).clamp(0, 50) as usize * child_complexity")]
    async fn search_records(
        &self,
        ctx: &Context<'_>,
        text: String,
        partnership_id: Option<ID>,
        #[graphql(default = 10)] first: Option<i32>,
    ) -> ApiResult<SearchResults> {
        let first = first.unwrap_or(10);
        if !(0..=MAX_HITS).contains(&first) {
            return Err(ApiError::bad_input(
                "first",
                format!("`first` must be between 0 and {MAX_HITS}"),
            ));
        }
        let found = service::search(ctx.req()?, &text, partnership_id, first as usize).await?;
        Ok(SearchResults {
            total_count: found.total as i32,
            hits: found
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    kind: h.kind.into(),
                    id: ID(h.id),
                    excerpt: h.excerpt,
                    score: h.score,
                })
                .collect(),
        })
    }
}

/// What a search found.
#[derive(SimpleObject)]
pub struct SearchResults {
    /// Matches in all (up to 200 of each kind).
    pub total_count: i32,
    /// The best `first`, best first.
    pub hits: Vec<SearchHit>,
}

/// One match.
#[derive(SimpleObject)]
pub struct SearchHit {
    pub kind: SearchHitKind,
    /// The record's global ID.
    pub id: ID,
    /// Its text around the first word searched for.
    pub excerpt: String,
    /// Relevance; higher is better, comparable within one search.
    pub score: f64,
}

/// The kinds of record a search finds.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SearchHitKind {
    /// An agenda item: its title and minute.
    AgendaItem,
    Resolution,
    ActionUpdate,
}

impl From<service::HitKind> for SearchHitKind {
    fn from(k: service::HitKind) -> Self {
        match k {
            service::HitKind::AgendaItem => SearchHitKind::AgendaItem,
            service::HitKind::Resolution => SearchHitKind::Resolution,
            service::HitKind::ActionUpdate => SearchHitKind::ActionUpdate,
        }
    }
}
