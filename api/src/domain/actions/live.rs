//! Live action progress: a subscription per board or organisation.
//!
//! Each event is checked for this subscriber: the caller's seats and clearances are loaded again
//! and the action is read through `access` with them, so a non-cleared subscriber never receives a
//! restricted action. Losing access mid-connection (a clearance revoked or lapsed, a seat ended)
//! ends the stream with a FORBIDDEN error saying so; a revocation publishes an access event, so
//! this happens at once rather than at the next action change.

use super::Action;
use crate::core::access;
use crate::core::context::CtxExt;
use crate::core::error::{ApiError, ApiResult};
use crate::core::events::Event;
use crate::core::ids::{self, Kind};
use async_graphql::ErrorExtensions;
use async_graphql::{Context, Subscription, ID};
use entity::action;
use futures_util::Stream;
use sea_orm::{ColumnTrait, QueryFilter};
use tokio::sync::broadcast::error::RecvError;

/// Why a live stream ended when the subscriber's access changed.
const ACCESS_CHANGED: &str =
    "your access changed (a clearance or seat ended): subscribe again to see what you may now see";

/// Subscription root fields of this area.
#[derive(Default)]
pub struct ActionsSubscription;

#[Subscription]
impl ActionsSubscription {
    /// Actions whose progress, RAG or status changes, for one board or one lead organisation
    /// (at least one filter is required). Only actions the subscriber may see are delivered.
    async fn action_changed(
        &self,
        ctx: &Context<'_>,
        board_id: Option<ID>,
        organisation_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = async_graphql::Result<Action>>> {
        // Subscription errors bypass the request extension, so they carry their code here.
        subscribe(ctx, board_id, organisation_id).map_err(|e| e.extend())
    }
}

fn subscribe(
    ctx: &Context<'_>,
    board_id: Option<ID>,
    organisation_id: Option<ID>,
) -> ApiResult<impl Stream<Item = async_graphql::Result<Action>> + use<>> {
    let rc = ctx.req()?;
    let board = board_id
        .map(|b| ids::decode(&b, Kind::Board, "boardId"))
        .transpose()?;
    let organisation = organisation_id
        .map(|o| ids::decode(&o, Kind::Organisation, "organisationId"))
        .transpose()?;
    if board.is_none() && organisation.is_none() {
        return Err(ApiError::bad_input(
            "boardId",
            "give `boardId` or `organisationId`",
        ));
    }
    let db = rc.db.clone();
    let purpose = rc.purpose.clone();
    let first_viewer = (*rc.viewer).clone();
    let me = first_viewer.person_id();
    let mut events = rc.events.subscribe();
    Ok(async_stream::stream! {
        loop {
            let id = match events.recv().await {
                Ok(Event::Action(id)) => Some(id),
                // Someone else's access changed: nothing for this subscriber.
                Ok(Event::Access(person)) if Some(person) != me => continue,
                Ok(Event::Access(_)) => None,
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => break,
            };
            // Fresh seats and clearances for every event. A subscriber who lost any of the
            // access the stream started with (a clearance revoked or lapsed, a seat ended, the
            // account deactivated) is told why before the stream ends; the client resubscribes
            // and gets what it may now see.
            let viewer = match first_viewer.reload(&db).await {
                Ok(v) => v,
                Err(err @ ApiError::Unauthenticated(_)) => {
                    yield Err(err.extend());
                    break;
                }
                Err(_) => break,
            };
            if !first_viewer.cleared_boards.is_subset(&viewer.cleared_boards)
                || !first_viewer.partnerships.is_subset(&viewer.partnerships)
            {
                yield Err(ApiError::Forbidden(ACCESS_CHANGED.into()).extend());
                break;
            }
            let Some(id) = id else { continue };
            let mut select = access::visible::<action::Entity>(&viewer).filter(action::Column::Id.eq(id));
            if let Some(b) = board {
                select = select.filter(action::Column::BoardId.eq(b));
            }
            if let Some(o) = organisation {
                select = select.filter(action::Column::LeadOrganisationId.eq(o));
            }
            match select.one(&db).await {
                Ok(Some(model)) => {
                    let reads = access::Candidates::of::<action::Entity>(&viewer, std::slice::from_ref(&model));
                    // As over HTTP: where the partnership requires a purpose, a restricted event
                    // is not delivered without one (stated in `connection_init`); not audited,
                    // not delivered.
                    match crate::core::audit::settle_reads(&db, &viewer, purpose.as_deref(), reads).await {
                        Ok(()) => {}
                        Err(ApiError::BadInput { .. }) => continue,
                        Err(_) => break,
                    }
                    yield Ok(Action(model))
                }
                Ok(None) => continue,
                Err(err) => {
                    tracing::error!(error = %err, "subscription read failed");
                    break;
                }
            }
        }
    })
}
