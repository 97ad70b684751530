//! What boards do, as plain functions over the request context: the board list's filter, the
//! attendance rates, and the changes partnership administrators make to boards and seats. Each
//! change loads through access (invisible is NOT_FOUND), checks the policy (FORBIDDEN, audited),
//! writes and audits in one transaction and returns the stored model.

use crate::core::access;
use crate::core::context::RequestContext;
use crate::core::db::begin_write;
use crate::core::error::{ApiError, ApiResult};
use crate::core::guard::{self, Target};
use crate::core::ids::{self, Kind};
use crate::core::policy::{self, PartnershipPermission};
use crate::domain::types::{BoardKind, MembershipRole, Visibility};
use async_graphql::{InputObject, ID};
use chrono::{NaiveDate, Utc};
use entity::enums::{AttendanceStatus, MeetingStatus};
use entity::{attendance, board, board_membership, meeting, organisation, person};
use sea_orm::{ActiveModelTrait, ColumnTrait, QueryFilter, Select, Set};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Filters for board lists.
#[derive(InputObject, Default)]
pub struct BoardFilter {
    pub partnership_id: Option<ID>,
    /// Only direct sub-groups of this board.
    pub parent_id: Option<ID>,
    pub kind: Option<BoardKind>,
}

/// A new board or sub-group.
#[derive(InputObject)]
pub struct CreateBoardInput {
    pub partnership_id: ID,
    pub name: String,
    pub kind: BoardKind,
    /// The board it reports to (same partnership).
    pub parent_id: Option<ID>,
    pub visibility: Visibility,
    pub meeting_frequency: Option<String>,
    pub terms_of_reference: Option<String>,
}

/// Changes to a board; fields left out stay as they are.
#[derive(InputObject)]
pub struct UpdateBoardInput {
    pub board_id: ID,
    /// The `version` you last saw; if someone changed it since, CONFLICT and nothing is written.
    pub expected_version: Option<i32>,
    pub name: Option<String>,
    pub kind: Option<BoardKind>,
    /// A new board it reports to (same partnership; never itself or one of its own sub-groups).
    pub parent_id: Option<ID>,
    pub visibility: Option<Visibility>,
    pub meeting_frequency: Option<String>,
    pub terms_of_reference: Option<String>,
}

/// A new seat on a board.
#[derive(InputObject)]
pub struct AddMembershipInput {
    pub board_id: ID,
    pub person_id: ID,
    pub role: MembershipRole,
    pub starts_on: Option<NaiveDate>,
    /// Also ask for the seat to be cleared: a pending request that takes effect only when a
    /// second, entitled person approves it (see `approveClearance`).
    #[graphql(default)]
    pub restricted_clearance: bool,
}

/// Most levels walked when checking a new parent for a cycle; structures are a few levels deep.
const MAX_BOARD_DEPTH: usize = 32;

/// The boards the caller may see, filtered.
pub fn boards(rc: &RequestContext, filter: &BoardFilter) -> ApiResult<Select<board::Entity>> {
    let mut select = access::visible::<board::Entity>(&rc.viewer);
    if let Some(p) = &filter.partnership_id {
        select = select.filter(board::Column::PartnershipId.eq(ids::decode(
            p,
            Kind::Partnership,
            "partnershipId",
        )?));
    }
    if let Some(p) = &filter.parent_id {
        select =
            select.filter(board::Column::ParentId.eq(ids::decode(p, Kind::Board, "parentId")?));
    }
    if let Some(kind) = filter.kind {
        select = select.filter(board::Column::Kind.eq(entity::enums::BoardKind::from(kind)));
    }
    Ok(select)
}

/// How an organisation was represented at a board's held meetings over a period, counted in
/// meetings (as partnerships report it): present when any of its people, or a substitute for one
/// of its members, attended; else apologies when any sent them; else absent.
pub struct AttendanceTally {
    pub organisation: organisation::Model,
    /// Held meetings in the period at which the organisation was expected.
    pub meetings: i32,
    /// Meetings at which it was represented.
    pub attended: i32,
    /// Meetings for which it sent apologies and nobody came.
    pub apologies: i32,
    /// Meetings it missed without apologies.
    pub absent: i32,
    /// attended / (attended + apologies + absent); `None` when nobody was expected.
    pub rate: Option<f64>,
}

/// Attendance per organisation at `board_id`'s held meetings between `from` and `to`
/// (inclusive; default: the last twelve months), by organisation name.
pub async fn attendance_rates(
    rc: &RequestContext,
    board_id: Uuid,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> ApiResult<Vec<AttendanceTally>> {
    let to = to.unwrap_or_else(|| Utc::now().date_naive());
    let from = match from {
        Some(from) => from,
        None => crate::core::dates::days_before(to, 365, "to")?,
    };
    if from > to {
        return Err(ApiError::bad_input("from", "`from` must not be after `to`"));
    }
    let start = crate::core::dates::start_of(from);
    let end = crate::core::dates::end_of(to, "to")?;
    let meetings: Vec<Uuid> = access::visible::<meeting::Entity>(&rc.viewer)
        .filter(meeting::Column::BoardId.eq(board_id))
        .filter(meeting::Column::Status.eq(MeetingStatus::Held))
        .filter(meeting::Column::StartsAt.gte(start))
        .filter(meeting::Column::StartsAt.lt(end))
        .all(&rc.db)
        .await?
        .into_iter()
        .map(|m| m.id)
        .collect();
    if meetings.is_empty() {
        return Ok(Vec::new());
    }
    let rows = access::visible::<attendance::Entity>(&rc.viewer)
        .filter(attendance::Column::MeetingId.is_in(meetings))
        .all(&rc.db)
        .await?;
    // A substitute represents the organisation of the member whose seat they hold.
    let people: BTreeMap<Uuid, Uuid> = access::visible::<person::Entity>(&rc.viewer)
        .filter(
            person::Column::Id.is_in(
                rows.iter()
                    .flat_map(|r| [Some(r.person_id), r.substitute_for_id])
                    .flatten(),
            ),
        )
        .all(&rc.db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.organisation_id))
        .collect();

    /// How an organisation stood at one meeting: present beats apologies beats absent, so an
    /// organisation whose member sent apologies but whose substitute came was present.
    #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    enum Stood {
        Absent,
        Apologies,
        Present,
    }
    let mut stood: BTreeMap<(Uuid, Uuid), Stood> = BTreeMap::new();
    for row in rows {
        let represents = match row.status {
            AttendanceStatus::Substitute => row.substitute_for_id.unwrap_or(row.person_id),
            _ => row.person_id,
        };
        let Some(org) = people.get(&represents) else {
            continue;
        };
        let now = match row.status {
            AttendanceStatus::Present | AttendanceStatus::Substitute => Stood::Present,
            AttendanceStatus::Apologies => Stood::Apologies,
            AttendanceStatus::Absent => Stood::Absent,
            // "Also present" guests are not members and do not count towards a rate.
            AttendanceStatus::AlsoPresent => continue,
        };
        let entry = stood.entry((*org, row.meeting_id)).or_insert(now);
        *entry = (*entry).max(now);
    }
    #[derive(Default)]
    struct Tally {
        meetings: i32,
        attended: i32,
        apologies: i32,
        absent: i32,
    }
    let mut tallies: BTreeMap<Uuid, Tally> = BTreeMap::new();
    for ((org, _meeting), how) in stood {
        let t = tallies.entry(org).or_default();
        t.meetings += 1;
        match how {
            Stood::Present => t.attended += 1,
            Stood::Apologies => t.apologies += 1,
            Stood::Absent => t.absent += 1,
        }
    }
    let orgs: BTreeMap<Uuid, organisation::Model> =
        access::visible::<organisation::Entity>(&rc.viewer)
            .filter(organisation::Column::Id.is_in(tallies.keys().copied()))
            .all(&rc.db)
            .await?
            .into_iter()
            .map(|o| (o.id, o))
            .collect();
    let mut out: Vec<AttendanceTally> = tallies
        .into_iter()
        .filter_map(|(org, t)| {
            let expected = t.attended + t.apologies + t.absent;
            Some(AttendanceTally {
                organisation: orgs.get(&org)?.clone(),
                meetings: t.meetings,
                attended: t.attended,
                apologies: t.apologies,
                absent: t.absent,
                rate: (expected > 0).then(|| t.attended as f64 / expected as f64),
            })
        })
        .collect();
    out.sort_by(|a, b| a.organisation.name.cmp(&b.organisation.name));
    Ok(out)
}

/// A board the caller may see and administers (NOT_FOUND, then FORBIDDEN, audited against the
/// board under `operation`).
async fn board_for_admin(
    rc: &RequestContext,
    board_id: Uuid,
    operation: &str,
) -> ApiResult<board::Model> {
    let board = guard::load_for_write::<board::Entity>(rc, board_id, "board").await?;
    guard::require(
        rc,
        policy::may_in_partnership(
            &rc.viewer,
            PartnershipPermission::ManageStructure,
            board.partnership_id,
        ),
        Target::new(operation, "board", board.id, board.partnership_id),
        "only the partnership's administrators may do this",
    )
    .await?;
    Ok(board)
}

/// A seat the caller may see, on a board they administer (see [`board_for_admin`]).
async fn membership_for_admin(
    rc: &RequestContext,
    id: &ID,
    operation: &str,
) -> ApiResult<(board_membership::Model, board::Model)> {
    let id = ids::decode(id, Kind::BoardMembership, "membershipId")?;
    let seat = guard::load_for_write::<board_membership::Entity>(rc, id, "membership").await?;
    let board = board_for_admin(rc, seat.board_id, operation).await?;
    Ok((seat, board))
}

/// Creates a board or sub-group (partnership administrators).
pub async fn create_board(rc: &RequestContext, input: CreateBoardInput) -> ApiResult<board::Model> {
    let partnership_id = ids::decode(&input.partnership_id, Kind::Partnership, "partnershipId")?;
    let name = crate::core::validate::text("name", &input.name, 200)?;
    guard::require(
        rc,
        policy::may_in_partnership(
            &rc.viewer,
            PartnershipPermission::ManageStructure,
            partnership_id,
        ),
        Target::new("createBoard", "partnership", partnership_id, partnership_id),
        "only the partnership's administrators may create boards",
    )
    .await?;
    let parent = match &input.parent_id {
        Some(p) => {
            let parent =
                board_for_admin(rc, ids::decode(p, Kind::Board, "parentId")?, "createBoard")
                    .await?;
            if parent.partnership_id != partnership_id {
                return Err(ApiError::bad_input(
                    "parentId",
                    "the parent board belongs to another partnership",
                ));
            }
            Some(parent.id)
        }
        None => None,
    };
    let txn = begin_write(&rc.db).await?;
    let now = Utc::now();
    let created = board::ActiveModel {
        id: Set(Uuid::now_v7()),
        partnership_id: Set(partnership_id),
        parent_id: Set(parent),
        name: Set(name),
        kind: Set(input.kind.into()),
        visibility: Set(input.visibility.into()),
        meeting_frequency: Set(input
            .meeting_frequency
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())),
        terms_of_reference: Set(input
            .terms_of_reference
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(&txn)
    .await
    .map_err(|e| match e.sql_err() {
        Some(sea_orm::SqlErr::ForeignKeyConstraintViolation(_)) => {
            ApiError::bad_input("partnershipId", "no such partnership")
        }
        _ => e.into(),
    })?;
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "createBoard",
        ("board", created.id, partnership_id),
        crate::core::audit::changes(&serde_json::Value::Null, &board_values(&created)),
    )
    .await?;
    txn.commit().await?;
    Ok(created)
}

/// Renames, reclassifies or moves a board (partnership administrators).
pub async fn update_board(rc: &RequestContext, input: UpdateBoardInput) -> ApiResult<board::Model> {
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let name = crate::core::validate::optional_text("name", input.name.as_deref(), 200)?;
    let frequency = crate::core::validate::optional_text(
        "meetingFrequency",
        input.meeting_frequency.as_deref(),
        200,
    )?;
    let terms = crate::core::validate::optional_text(
        "termsOfReference",
        input.terms_of_reference.as_deref(),
        20_000,
    )?;
    let board = board_for_admin(rc, board_id, "updateBoard").await?;
    crate::core::versioned::check(input.expected_version, board.version, "board")?;
    let mut changes = board::ActiveModel {
        id: Set(board.id),
        updated_at: Set(Utc::now()),
        ..Default::default()
    };
    if let Some(p) = &input.parent_id {
        let parent =
            board_for_admin(rc, ids::decode(p, Kind::Board, "parentId")?, "updateBoard").await?;
        if parent.partnership_id != board.partnership_id {
            return Err(ApiError::bad_input(
                "parentId",
                "the parent board belongs to another partnership",
            ));
        }
        // Walk up from the new parent: meeting the board itself would make a cycle.
        let mut cursor = Some(parent.clone());
        for _ in 0..MAX_BOARD_DEPTH {
            let Some(current) = cursor else { break };
            if current.id == board.id {
                return Err(ApiError::bad_input(
                    "parentId",
                    "a board cannot report to itself or to one of its own sub-groups",
                ));
            }
            cursor = rc.load_opt::<board::Entity>(current.parent_id).await?;
        }
        changes.parent_id = Set(Some(parent.id));
    }
    if let Some(name) = name {
        changes.name = Set(name);
    }
    if let Some(kind) = input.kind {
        changes.kind = Set(kind.into());
    }
    if let Some(visibility) = input.visibility {
        changes.visibility = Set(visibility.into());
    }
    if let Some(frequency) = frequency {
        changes.meeting_frequency = Set(Some(frequency));
    }
    if let Some(terms) = terms {
        changes.terms_of_reference = Set(Some(terms));
    }
    let txn = begin_write(&rc.db).await?;
    crate::core::versioned::bump::<board::Entity, _>(
        &txn,
        board::Column::Id,
        board::Column::Version,
        board.id,
        board.version,
        "board",
    )
    .await?;
    let updated = changes.update(&txn).await?;
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "updateBoard",
        ("board", board.id, board.partnership_id),
        crate::core::audit::changes(&board_values(&board), &board_values(&updated)),
    )
    .await?;
    // A re-marked or moved board made its actions' access summaries stale (the database's
    // trigger did); summarise them again before anyone reads.
    crate::core::access_summary::summarise(&txn).await?;
    txn.commit().await?;
    Ok(updated)
}

/// Gives a person a seat on a board (partnership administrators), optionally with a pending
/// clearance request in the same transaction.
pub async fn add_membership(
    rc: &RequestContext,
    input: AddMembershipInput,
) -> ApiResult<board_membership::Model> {
    let board_id = ids::decode(&input.board_id, Kind::Board, "boardId")?;
    let person_id = ids::decode(&input.person_id, Kind::Person, "personId")?;
    let board = board_for_admin(rc, board_id, "addMembership").await?;
    crate::core::validate::person(rc, person_id, "personId").await?;
    let now = Utc::now();
    let seat = board_membership::Model {
        id: Uuid::now_v7(),
        board_id: board.id,
        person_id,
        role: input.role.into(),
        starts_on: input.starts_on,
        ends_on: None,
        created_at: now,
        updated_at: now,
    };
    if input.restricted_clearance {
        crate::domain::clearances::service::check_request(rc, &seat, &board, "addMembership")
            .await?;
    }
    let txn = begin_write(&rc.db).await?;
    let seat = board_membership::ActiveModel::from(seat)
        .insert(&txn)
        .await?;
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "addMembership",
        ("board_membership", seat.id, board.partnership_id),
        crate::core::audit::changes(&serde_json::Value::Null, &seat_values(&seat)),
    )
    .await?;
    if input.restricted_clearance {
        crate::domain::clearances::service::insert_request(
            &txn,
            rc,
            &seat,
            &board,
            None,
            "requestClearance",
        )
        .await?;
    }
    txn.commit().await?;
    Ok(seat)
}

/// Ends a seat on `ends_on`, its last day (partnership administrators); the person's live
/// updates that relied on the seat are re-checked.
pub async fn end_membership(
    rc: &RequestContext,
    membership_id: &ID,
    ends_on: NaiveDate,
) -> ApiResult<board_membership::Model> {
    let (seat, board) = membership_for_admin(rc, membership_id, "endMembership").await?;
    if seat.starts_on.is_some_and(|s| ends_on < s) {
        return Err(ApiError::bad_input(
            "endsOn",
            "a seat cannot end before it starts",
        ));
    }
    let txn = begin_write(&rc.db).await?;
    let updated = board_membership::ActiveModel {
        id: Set(seat.id),
        ends_on: Set(Some(ends_on)),
        updated_at: Set(Utc::now()),
        ..Default::default()
    }
    .update(&txn)
    .await?;
    crate::core::audit::allowed_with_detail(
        &txn,
        rc,
        "endMembership",
        ("board_membership", seat.id, board.partnership_id),
        crate::core::audit::changes(&seat_values(&seat), &seat_values(&updated)),
    )
    .await?;
    rc.events.publish_access_in(&txn, seat.person_id).await?;
    txn.commit().await?;
    rc.events.access_changed(seat.person_id);
    Ok(updated)
}

/// A board's administered fields, for the audit log's before and after.
fn board_values(b: &board::Model) -> serde_json::Value {
    serde_json::json!({
        "name": b.name,
        "parentId": b.parent_id,
        "kind": format!("{:?}", b.kind),
        "visibility": format!("{:?}", b.visibility),
        "meetingFrequency": b.meeting_frequency,
        "termsOfReference": b.terms_of_reference,
    })
}

/// A seat's fields, for the audit log's before and after.
fn seat_values(s: &board_membership::Model) -> serde_json::Value {
    serde_json::json!({
        "boardId": s.board_id,
        "personId": s.person_id,
        "role": format!("{:?}", s.role),
        "startsOn": s.starts_on,
        "endsOn": s.ends_on,
    })
}
