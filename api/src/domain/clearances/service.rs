//! Clearance governance as plain functions over the request context: the register's filter and
//! every step of a clearance's life (request, approve, refuse, renew, revoke, the former one-step
//! switch). Each loads through access (invisible is NOT_FOUND), checks the policy table
//! (FORBIDDEN, audited), writes and audits in one transaction and returns the stored model.

use crate::core::access;
use crate::core::audit;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, ClearancePermission, ClearanceSubject};
use async_graphql::{Enum, InputObject, ID};
use chrono::{DateTime, Duration, Months, Utc};
use entity::enums::ClearanceStatus;
use entity::{board, board_membership, clearance, partnership};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, Select,
    Set,
};
use uuid::Uuid;

/// Longest look-ahead for clearances due for review.
const MAX_REVIEW_DAYS: i32 = 366;

/// Where a clearance stands, as its reader needs it: an approval past its expiry is `EXPIRED`.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum ClearanceState {
    /// Requested; waits for a second, entitled person to approve or refuse it.
    Pending,
    /// Approved and in force until `expiresAt` (while the seat is held).
    Approved,
    /// Approved, but past its expiry: grants nothing until renewed.
    Expired,
    /// Turned down, or withdrawn.
    Refused,
    /// Ended before its expiry.
    Revoked,
    /// Replaced by a renewal.
    Renewed,
}

/// Where `model` stands at `now`.
pub fn state_of(model: &clearance::Model, now: DateTime<Utc>) -> ClearanceState {
    match model.status {
        ClearanceStatus::Pending => ClearanceState::Pending,
        ClearanceStatus::Approved if model.expires_at.is_some_and(|e| e > now) => {
            ClearanceState::Approved
        }
        ClearanceStatus::Approved => ClearanceState::Expired,
        ClearanceStatus::Refused => ClearanceState::Refused,
        ClearanceStatus::Revoked => ClearanceState::Revoked,
        ClearanceStatus::Renewed => ClearanceState::Renewed,
    }
}

/// Which clearances to list.
#[derive(InputObject, Default)]
pub struct ClearanceFilter {
    /// Only these states (default: all).
    pub states: Option<Vec<ClearanceState>>,
    /// Only approvals in force that lapse within this many days: the ones due for review.
    pub expiring_within_days: Option<i32>,
}

/// The visible clearances of a board or a partnership, filtered. Visibility (`access`) already
/// limits rows to the register's keepers, the person cleared and whoever asked.
pub fn list_select(
    rc: &RequestContext,
    board: Option<Uuid>,
    partnership: Option<Uuid>,
    filter: ClearanceFilter,
) -> ApiResult<Select<clearance::Entity>> {
    use clearance::Column as C;
    let now = Utc::now();
    let mut select = access::visible::<clearance::Entity>(&rc.viewer);
    if let Some(b) = board {
        select = select.filter(C::BoardId.eq(b));
    }
    if let Some(p) = partnership {
        select = select.filter(C::PartnershipId.eq(p));
    }
    if let Some(states) = filter.states {
        let mut any = Condition::any();
        for state in states {
            any = any.add(match state {
                ClearanceState::Pending => {
                    Condition::all().add(C::Status.eq(ClearanceStatus::Pending))
                }
                ClearanceState::Approved => Condition::all()
                    .add(C::Status.eq(ClearanceStatus::Approved))
                    .add(C::ExpiresAt.gt(now)),
                ClearanceState::Expired => Condition::all()
                    .add(C::Status.eq(ClearanceStatus::Approved))
                    .add(C::ExpiresAt.lte(now)),
                ClearanceState::Refused => {
                    Condition::all().add(C::Status.eq(ClearanceStatus::Refused))
                }
                ClearanceState::Revoked => {
                    Condition::all().add(C::Status.eq(ClearanceStatus::Revoked))
                }
                ClearanceState::Renewed => {
                    Condition::all().add(C::Status.eq(ClearanceStatus::Renewed))
                }
            });
        }
        select = select.filter(any);
    }
    if let Some(days) = filter.expiring_within_days {
        if !(0..=MAX_REVIEW_DAYS).contains(&days) {
            return Err(ApiError::bad_input(
                "expiringWithinDays",
                format!("expiringWithinDays must be 0 to {MAX_REVIEW_DAYS}"),
            ));
        }
        select = select
            .filter(C::Status.eq(ClearanceStatus::Approved))
            .filter(C::ExpiresAt.gt(now))
            .filter(C::ExpiresAt.lte(now + Duration::days(i64::from(days))));
    }
    Ok(select)
}

/// The standing-relevant facts of a clearance.
fn subject_of(c: &clearance::Model) -> ClearanceSubject {
    ClearanceSubject {
        board: c.board_id,
        partnership: c.partnership_id,
        person: Some(c.person_id),
        requester: (c.status == ClearanceStatus::Pending)
            .then_some(c.requested_by_id)
            .flatten(),
    }
}

/// Refuses (FORBIDDEN, audited against `entity` under `operation`) unless the policy table
/// permits `permission`.
async fn require(
    rc: &RequestContext,
    permission: ClearancePermission,
    subject: &ClearanceSubject,
    operation: &str,
    entity: (&str, Uuid),
) -> ApiResult<()> {
    let message = match permission {
        ClearancePermission::Approve | ClearancePermission::Renew => {
            "a clearance is approved by a second person: a cleared chair, joint chair or vice-chair of the board, or an administrator of the partnership, never the person it clears or whoever asked for it"
        }
        _ => "you may not do this to this clearance",
    };
    guard::require(
        rc,
        policy::may_on_clearance(&rc.viewer, permission, subject),
        Target::new(operation, entity.0, entity.1, subject.partnership),
        message,
    )
    .await
}

/// A clearance the caller may see and may do `permission` to: invisible is NOT_FOUND (as
/// missing), no standing is FORBIDDEN (audited).
async fn clearance_for_write(
    rc: &RequestContext,
    id: &ID,
    permission: ClearancePermission,
    operation: &str,
) -> ApiResult<clearance::Model> {
    let id = ids::decode(id, Kind::Clearance, "clearanceId")?;
    let c = guard::load_for_write::<clearance::Entity>(rc, id, "clearance").await?;
    require(
        rc,
        permission,
        &subject_of(&c),
        operation,
        ("clearance", c.id),
    )
    .await?;
    Ok(c)
}

/// A seat the caller may see, with its board. Who may do what to its clearance is checked by
/// the caller, which knows the operation.
async fn seat_for_write(
    rc: &RequestContext,
    id: &ID,
) -> ApiResult<(board_membership::Model, board::Model)> {
    let id = ids::decode(id, Kind::BoardMembership, "membershipId")?;
    let seat = guard::load_for_write::<board_membership::Entity>(rc, id, "membership").await?;
    let board = rc
        .load::<board::Entity>(seat.board_id)
        .await?
        .ok_or(ApiError::NotFound("membership"))?;
    Ok((seat, board))
}

fn ended(seat: &board_membership::Model) -> bool {
    seat.ends_on.is_some_and(|d| d < Utc::now().date_naive())
}

fn conflict_on_open(e: sea_orm::DbErr) -> ApiError {
    match e.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            ApiError::Conflict("this seat already has a clearance pending or in force".into())
        }
        _ => e.into(),
    }
}

/// Checks that the caller may ask for `seat` to be cleared (FORBIDDEN, audited).
pub async fn check_request(
    rc: &RequestContext,
    seat: &board_membership::Model,
    board: &board::Model,
    operation: &str,
) -> ApiResult<()> {
    let subject = ClearanceSubject {
        board: board.id,
        partnership: board.partnership_id,
        person: Some(seat.person_id),
        requester: None,
    };
    require(
        rc,
        ClearancePermission::Request,
        &subject,
        operation,
        ("board_membership", seat.id),
    )
    .await?;
    if ended(seat) {
        return Err(ApiError::bad_input(
            "membershipId",
            "the seat has ended: it cannot be cleared",
        ));
    }
    Ok(())
}

/// Records a pending request inside `txn` (the caller has passed [`check_request`]); audited.
pub async fn insert_request<C: ConnectionTrait>(
    txn: &C,
    rc: &RequestContext,
    seat: &board_membership::Model,
    board: &board::Model,
    reason: Option<String>,
    operation: &str,
) -> ApiResult<clearance::Model> {
    let now = Utc::now();
    let row = clearance::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(board.partnership_id),
        board_id: Set(board.id),
        membership_id: Set(seat.id),
        person_id: Set(seat.person_id),
        status: Set(ClearanceStatus::Pending),
        requested_by_id: Set(rc.viewer.person_id()),
        requested_at: Set(now),
        request_reason: Set(reason.clone()),
        decided_by_id: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        expires_at: Set(None),
        ended_by_id: Set(None),
        ended_at: Set(None),
        end_reason: Set(None),
        renewed_from_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(txn)
    .await
    .map_err(conflict_on_open)?;
    audit::allowed_with_detail(
        txn,
        rc,
        operation,
        ("clearance", row.id, board.partnership_id),
        reason.unwrap_or_default(),
    )
    .await?;
    Ok(row)
}

/// Asks for a seat to be cleared: a pending request, granting nothing until approved.
pub async fn request(
    rc: &RequestContext,
    membership: &ID,
    reason: Option<String>,
) -> ApiResult<clearance::Model> {
    let reason = crate::core::validate::optional_text("reason", reason.as_deref(), 2_000)?;
    let (seat, board) = seat_for_write(rc, membership).await?;
    check_request(rc, &seat, &board, "requestClearance").await?;
    let txn = begin_write(&rc.db).await?;
    let row = insert_request(&txn, rc, &seat, &board, reason, "requestClearance").await?;
    txn.commit().await?;
    Ok(row)
}

/// When an approval made now in `partnership` lapses: its `clearance_validity_months` on.
async fn expiry_from_now(rc: &RequestContext, partnership: Uuid) -> ApiResult<DateTime<Utc>> {
    let months = rc
        .load::<partnership::Entity>(partnership)
        .await?
        .map(|p| p.clearance_validity_months)
        .unwrap_or(12);
    Utc::now()
        .checked_add_months(Months::new(months.clamp(1, 36) as u32))
        .ok_or(ApiError::Internal)
}

/// The seat a clearance is for, which must still be held (or not yet started) to be approved.
async fn open_seat(rc: &RequestContext, c: &clearance::Model) -> ApiResult<()> {
    let seat = rc.load::<board_membership::Entity>(c.membership_id).await?;
    match seat {
        Some(seat) if !ended(&seat) => Ok(()),
        _ => Err(ApiError::Conflict(
            "the seat has ended: the clearance cannot take effect".into(),
        )),
    }
}

/// Moves `c` from `from` to the state `changes` sets, only if it is still in `from` (one
/// statement decides, so two officers acting at once cannot both succeed); audited.
async fn transition<C: ConnectionTrait>(
    txn: &C,
    c: &clearance::Model,
    from: ClearanceStatus,
    mut changes: clearance::ActiveModel,
) -> ApiResult<clearance::Model> {
    changes.updated_at = Set(Utc::now());
    let result = clearance::Entity::update_many()
        .set(changes)
        .filter(clearance::Column::Id.eq(c.id))
        .filter(clearance::Column::Status.eq(from))
        .exec(txn)
        .await?;
    if result.rows_affected != 1 {
        return Err(ApiError::Conflict(
            "the clearance changed a moment ago: reload it".into(),
        ));
    }
    clearance::Entity::find_by_id(c.id)
        .one(txn)
        .await?
        .ok_or(ApiError::NotFound("clearance"))
}

fn require_status(c: &clearance::Model, wanted: ClearanceStatus, doing: &str) -> ApiResult<()> {
    if c.status == wanted {
        Ok(())
    } else {
        Err(ApiError::Conflict(format!(
            "only a {} clearance can be {doing}",
            match wanted {
                ClearanceStatus::Pending => "pending",
                _ => "approved",
            }
        )))
    }
}

/// Approves a pending request: it takes effect on the next request, until the expiry.
pub async fn approve(
    rc: &RequestContext,
    id: &ID,
    note: Option<String>,
) -> ApiResult<clearance::Model> {
    let note = crate::core::validate::optional_text("note", note.as_deref(), 2_000)?;
    let c = clearance_for_write(rc, id, ClearancePermission::Approve, "approveClearance").await?;
    require_status(&c, ClearanceStatus::Pending, "approved")?;
    open_seat(rc, &c).await?;
    let now = Utc::now();
    let expires = expiry_from_now(rc, c.partnership_id).await?;
    let txn = begin_write(&rc.db).await?;
    let updated = transition(
        &txn,
        &c,
        ClearanceStatus::Pending,
        clearance::ActiveModel {
            status: Set(ClearanceStatus::Approved),
            decided_by_id: Set(rc.viewer.person_id()),
            decided_at: Set(Some(now)),
            decision_note: Set(note.clone()),
            expires_at: Set(Some(expires)),
            ..Default::default()
        },
    )
    .await?;
    audit::allowed_with_detail(
        &txn,
        rc,
        "approveClearance",
        ("clearance", c.id, c.partnership_id),
        format!("until {}", expires.to_rfc3339()),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Refuses a pending request (or withdraws one's own).
pub async fn refuse(rc: &RequestContext, id: &ID, reason: String) -> ApiResult<clearance::Model> {
    let reason = crate::core::validate::text("reason", &reason, 2_000)?;
    let c = clearance_for_write(rc, id, ClearancePermission::Refuse, "refuseClearance").await?;
    require_status(&c, ClearanceStatus::Pending, "refused")?;
    let txn = begin_write(&rc.db).await?;
    let updated = transition(
        &txn,
        &c,
        ClearanceStatus::Pending,
        clearance::ActiveModel {
            status: Set(ClearanceStatus::Refused),
            decided_by_id: Set(rc.viewer.person_id()),
            decided_at: Set(Some(Utc::now())),
            decision_note: Set(Some(reason.clone())),
            ..Default::default()
        },
    )
    .await?;
    audit::allowed_with_detail(
        &txn,
        rc,
        "refuseClearance",
        ("clearance", c.id, c.partnership_id),
        reason,
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Revokes an approval at once; the person's open subscriptions that relied on it end.
pub async fn revoke(rc: &RequestContext, id: &ID, reason: String) -> ApiResult<clearance::Model> {
    let reason = crate::core::validate::text("reason", &reason, 2_000)?;
    let c = clearance_for_write(rc, id, ClearancePermission::Revoke, "revokeClearance").await?;
    revoke_loaded(rc, &c, reason, "revokeClearance").await
}

/// Revokes `c`, which the caller may revoke (checked by whoever loaded it).
async fn revoke_loaded(
    rc: &RequestContext,
    c: &clearance::Model,
    reason: String,
    operation: &str,
) -> ApiResult<clearance::Model> {
    require_status(c, ClearanceStatus::Approved, "revoked")?;
    let txn = begin_write(&rc.db).await?;
    let updated = transition(
        &txn,
        c,
        ClearanceStatus::Approved,
        clearance::ActiveModel {
            status: Set(ClearanceStatus::Revoked),
            ended_by_id: Set(rc.viewer.person_id()),
            ended_at: Set(Some(Utc::now())),
            end_reason: Set(Some(reason.clone())),
            ..Default::default()
        },
    )
    .await?;
    audit::allowed_with_detail(
        &txn,
        rc,
        operation,
        ("clearance", c.id, c.partnership_id),
        reason,
    )
    .await?;
    rc.events.publish_access_in(&txn, c.person_id).await?;
    txn.commit().await?;
    rc.events.access_changed(c.person_id);
    Ok(updated)
}

/// Renews an approval (in force or lapsed): a new approval by the caller, with a new expiry;
/// the old one is kept as `RENEWED`.
pub async fn renew(
    rc: &RequestContext,
    id: &ID,
    note: Option<String>,
) -> ApiResult<clearance::Model> {
    let note = crate::core::validate::optional_text("note", note.as_deref(), 2_000)?;
    let c = clearance_for_write(rc, id, ClearancePermission::Renew, "renewClearance").await?;
    require_status(&c, ClearanceStatus::Approved, "renewed")?;
    open_seat(rc, &c).await?;
    let now = Utc::now();
    let expires = expiry_from_now(rc, c.partnership_id).await?;
    let txn = begin_write(&rc.db).await?;
    transition(
        &txn,
        &c,
        ClearanceStatus::Approved,
        clearance::ActiveModel {
            status: Set(ClearanceStatus::Renewed),
            ended_by_id: Set(rc.viewer.person_id()),
            ended_at: Set(Some(now)),
            end_reason: Set(Some("renewed".into())),
            ..Default::default()
        },
    )
    .await?;
    let renewed = clearance::ActiveModel {
        id: Set(Uuid::now_v7()),
        status: Set(ClearanceStatus::Approved),
        decided_by_id: Set(rc.viewer.person_id()),
        decided_at: Set(Some(now)),
        decision_note: Set(note),
        expires_at: Set(Some(expires)),
        ended_by_id: Set(None),
        ended_at: Set(None),
        end_reason: Set(None),
        renewed_from_id: Set(Some(c.id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..clearance::ActiveModel::from(c.clone())
    }
    .insert(&txn)
    .await
    .map_err(conflict_on_open)?;
    audit::allowed_with_detail(
        &txn,
        rc,
        "renewClearance",
        ("clearance", renewed.id, c.partnership_id),
        format!("renews {}; until {}", c.id, expires.to_rfc3339()),
    )
    .await?;
    txn.commit().await?;
    Ok(renewed)
}

/// The open (pending or approved) clearance of a seat, if any, as the caller may see it.
async fn open_clearance_of(rc: &RequestContext, seat: Uuid) -> ApiResult<Option<clearance::Model>> {
    Ok(access::visible::<clearance::Entity>(&rc.viewer)
        .filter(clearance::Column::MembershipId.eq(seat))
        .filter(
            clearance::Column::Status.is_in([ClearanceStatus::Pending, ClearanceStatus::Approved]),
        )
        .one(&rc.db)
        .await?)
}

/// The former one-step switch, kept for existing clients: `true` asks for clearance (a pending
/// request, as [`request`]); `false` withdraws a pending request or revokes an approval.
pub async fn set_flag(
    rc: &RequestContext,
    membership: &ID,
    cleared: bool,
) -> ApiResult<board_membership::Model> {
    let (seat, board) = seat_for_write(rc, membership).await?;
    let open = open_clearance_of(rc, seat.id).await?;
    match (cleared, open) {
        (true, Some(_)) => {
            // Already asked for or in force; still only someone who may ask learns that.
            check_request(rc, &seat, &board, "setRestrictedClearance").await?;
        }
        (true, None) => {
            check_request(rc, &seat, &board, "setRestrictedClearance").await?;
            let txn = begin_write(&rc.db).await?;
            insert_request(&txn, rc, &seat, &board, None, "setRestrictedClearance").await?;
            txn.commit().await?;
        }
        (false, None) => {
            // Nothing to end, but only someone who could have ended it learns that.
            let subject = ClearanceSubject {
                board: board.id,
                partnership: board.partnership_id,
                person: Some(seat.person_id),
                requester: None,
            };
            require(
                rc,
                ClearancePermission::Revoke,
                &subject,
                "setRestrictedClearance",
                ("board_membership", seat.id),
            )
            .await?;
        }
        (false, Some(c)) if c.status == ClearanceStatus::Pending => {
            refuse(rc, &ids::encode(Kind::Clearance, c.id), "withdrawn".into()).await?;
        }
        (false, Some(c)) => {
            let operation = "setRestrictedClearance";
            require(
                rc,
                ClearancePermission::Revoke,
                &subject_of(&c),
                operation,
                ("clearance", c.id),
            )
            .await?;
            revoke_loaded(rc, &c, "revoked".into(), operation).await?;
        }
    }
    Ok(seat)
}
