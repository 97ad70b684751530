//! Calendar feeds: the meetings a person may see, for calendar clients that subscribe to a URL
//! and cannot send a token. A public board's feed needs nothing; anything else is read through a
//! person's private feed URL, whose secret stands for them: it is audited when created and
//! revoked, only its SHA-256 is kept, and it shows meeting dates, venues and status only.

use crate::core::access;
use crate::core::audit;
use crate::core::auth::Viewer;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard;
use crate::core::ids::{self, Kind};
use crate::core::secrets;
use crate::core::validate;
use async_graphql::ID;
use chrono::Utc;
use entity::{board, calendar_feed, meeting, person};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};
use serde_json::{json, Value};
use std::collections::HashMap;
use uuid::Uuid;

/// What every feed secret starts with, so a leaked one is recognisable.
const SECRET_PREFIX: &str = "csph_cal_";
/// Most meetings one feed lists (the latest): years of a board's meetings.
const MAX_FEED_MEETINGS: u64 = 1_000;

/// A feed just created, with its secret: shown this once, never stored.
pub struct Issued {
    pub feed: calendar_feed::Model,
    pub secret: String,
}

/// The path of a feed's URL (under the API's address).
pub fn feed_path(secret: &str) -> String {
    format!("/calendar/feeds/{secret}.ics")
}

/// Creates a private feed URL for the caller (anyone signed in, for themselves). Audited.
pub async fn create_calendar_feed(rc: &RequestContext, label: String) -> ApiResult<Issued> {
    let owner = rc
        .viewer
        .person_id()
        .ok_or_else(|| ApiError::Unauthenticated("sign in to make a calendar feed".into()))?;
    let label = validate::text("label", &label, 200)?;
    let owner_model = person::Entity::find_by_id(owner)
        .one(&rc.db)
        .await?
        .ok_or_else(|| ApiError::Unauthenticated("unknown account".into()))?;
    let secret = secrets::issue(SECRET_PREFIX);
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let feed = calendar_feed::ActiveModel {
        id: Set(Uuid::now_v7()),
        person_id: Set(owner),
        label: Set(label),
        secret_digest: Set(secrets::digest(&secret)),
        revoked_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await?;
    audit::record(
        &txn,
        &rc.viewer,
        rc.purpose.as_deref(),
        audit::Entry {
            operation: "createCalendarFeed",
            entity_type: "calendar_feed",
            entity_id: Some(feed.id),
            partnership_id: None,
            outcome: audit::Outcome::Allowed,
            detail: Some(audit::changes(
                &Value::Null,
                &json!({ "label": feed.label, "personId": owner_model.id }),
            )),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Issued { feed, secret })
}

/// Revokes one of the caller's feeds at once (someone else's is NOT_FOUND). Audited.
pub async fn revoke_calendar_feed(
    rc: &RequestContext,
    feed_id: ID,
) -> ApiResult<calendar_feed::Model> {
    let id = ids::decode(&feed_id, Kind::CalendarFeed, "feedId")?;
    let before = guard::load_for_write::<calendar_feed::Entity>(rc, id, "calendar feed").await?;
    if before.revoked_at.is_some() {
        return Ok(before);
    }
    let now = Utc::now();
    let txn = begin_write(&rc.db).await?;
    let after = calendar_feed::ActiveModel {
        id: Set(id),
        revoked_at: Set(Some(now)),
        updated_at: Set(now),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    audit::record(
        &txn,
        &rc.viewer,
        rc.purpose.as_deref(),
        audit::Entry {
            operation: "revokeCalendarFeed",
            entity_type: "calendar_feed",
            entity_id: Some(id),
            partnership_id: None,
            outcome: audit::Outcome::Allowed,
            detail: Some(audit::changes(
                &json!({ "revokedAt": null }),
                &json!({ "revokedAt": now }),
            )),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// The caller's feeds, newest first.
pub async fn calendar_feeds(rc: &RequestContext) -> ApiResult<Vec<calendar_feed::Model>> {
    Ok(access::visible::<calendar_feed::Entity>(&rc.viewer)
        .order_by_desc(calendar_feed::Column::CreatedAt)
        .all(&rc.db)
        .await?)
}

/// The feed of a secret and its owner as a viewer; `None` for an unknown or revoked secret, or
/// an owner who has left (all three are the same 404 to a calendar client).
pub async fn feed_of(
    db: &DatabaseConnection,
    secret: &str,
) -> ApiResult<Option<(calendar_feed::Model, Viewer)>> {
    if !secret.starts_with(SECRET_PREFIX) {
        return Ok(None);
    }
    let Some(feed) = calendar_feed::Entity::find()
        .filter(calendar_feed::Column::SecretDigest.eq(secrets::digest(secret)))
        .filter(calendar_feed::Column::RevokedAt.is_null())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    match Viewer::of_person(db, feed.person_id).await {
        Ok(viewer) => Ok(Some((feed, viewer))),
        Err(ApiError::Unauthenticated(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// A meeting as a calendar shows it.
pub struct Entry {
    pub meeting: meeting::Model,
    pub board_name: String,
}

/// A feed's meetings, and its board when it is one board's.
pub struct Listing {
    pub board: Option<board::Model>,
    pub entries: Vec<Entry>,
}

/// What a feed lists: the meetings `viewer` may see (of one board, when given), the latest
/// [`MAX_FEED_MEETINGS`], oldest first. `None` when the board is not one they may see. Restricted
/// meetings read are audited as any read is, under `purpose`.
pub async fn meetings(
    db: &DatabaseConnection,
    viewer: &Viewer,
    board_id: Option<Uuid>,
    purpose: &str,
) -> ApiResult<Option<Listing>> {
    let board = match board_id {
        Some(id) => match access::visible::<board::Entity>(viewer)
            .filter(board::Column::Id.eq(id))
            .one(db)
            .await?
        {
            Some(b) => Some(b),
            None => return Ok(None),
        },
        None => None,
    };
    let mut select = access::visible::<meeting::Entity>(viewer);
    if let Some(b) = &board {
        select = select.filter(meeting::Column::BoardId.eq(b.id));
    }
    let mut found = select
        .order_by_desc(meeting::Column::StartsAt)
        .order_by_desc(meeting::Column::Id)
        .limit(MAX_FEED_MEETINGS)
        .all(db)
        .await?;
    found.reverse();
    let candidates = access::Candidates::of::<meeting::Entity>(viewer, &found);
    audit::settle(db, viewer, Some(purpose), candidates).await?;
    let names: HashMap<Uuid, String> = access::visible::<board::Entity>(viewer)
        .filter(board::Column::Id.is_in(found.iter().map(|m| m.board_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|b| (b.id, b.name))
        .collect();
    let entries = found
        .into_iter()
        .map(|m| Entry {
            board_name: names.get(&m.board_id).cloned().unwrap_or_default(),
            meeting: m,
        })
        .collect();
    Ok(Some(Listing { board, entries }))
}
