//! Who may change what: one exhaustive table from a caller's standing towards a record to the
//! operations that standing permits.
//!
//! Seeing a record is decided by `access` (a write starts by loading the record through it, so an
//! invisible record is NOT_FOUND exactly as a missing one). This module only answers "may this
//! caller, who can see the record, do this to it?" — a "no" is FORBIDDEN. The `match` has no
//! catch-all arm: a new permission or standing forces a decision for every pair.

use crate::core::auth::Viewer;
use entity::action;

/// What a caller wants to do to an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionPermission {
    /// Append a progress update (RAG, percent, narrative).
    UpdateProgress,
    /// Mark the action completed.
    Complete,
    /// Cancel the action with a reason.
    Cancel,
    /// Record why a due date was missed.
    RecordMissedReason,
    /// Give the action a new lead.
    Reassign,
}

/// A caller's relation to an action; one caller may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStanding {
    /// The action's lead person.
    Lead,
    /// An editor of the action's lead organisation.
    OrganisationEditor,
    /// Chair, joint chair, vice-chair or secretary of the owning board.
    BoardOfficer,
}

/// The policy table.
fn permits(standing: ActionStanding, permission: ActionPermission) -> bool {
    use ActionPermission as P;
    use ActionStanding as S;
    match (standing, permission) {
        (S::Lead, P::UpdateProgress) => true,
        (S::Lead, P::Complete) => true,
        (S::Lead, P::Cancel) => false,
        (S::Lead, P::RecordMissedReason) => true,
        (S::Lead, P::Reassign) => false,
        (S::OrganisationEditor, P::UpdateProgress) => true,
        (S::OrganisationEditor, P::Complete) => true,
        (S::OrganisationEditor, P::Cancel) => false,
        (S::OrganisationEditor, P::RecordMissedReason) => true,
        (S::OrganisationEditor, P::Reassign) => false,
        (S::BoardOfficer, P::UpdateProgress) => false,
        (S::BoardOfficer, P::Complete) => true,
        (S::BoardOfficer, P::Cancel) => true,
        (S::BoardOfficer, P::RecordMissedReason) => true,
        (S::BoardOfficer, P::Reassign) => true,
    }
}

/// The caller's standings towards an action, from the database-derived viewer.
pub fn standings(viewer: &Viewer, action: &action::Model) -> Vec<ActionStanding> {
    let Some(person) = &viewer.person else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if action.lead_person_id == Some(person.id) {
        out.push(ActionStanding::Lead);
    }
    if person.organisation_editor && action.lead_organisation_id == Some(person.organisation_id) {
        out.push(ActionStanding::OrganisationEditor);
    }
    if action
        .board_id
        .is_some_and(|b| viewer.officer_boards.contains(&b))
    {
        out.push(ActionStanding::BoardOfficer);
    }
    out
}

/// Whether the caller may do `permission` to `action`.
pub fn may(viewer: &Viewer, permission: ActionPermission, action: &action::Model) -> bool {
    standings(viewer, action)
        .into_iter()
        .any(|s| permits(s, permission))
}

/// What a caller wants to do to a board's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardPermission {
    /// Schedule meetings, set the agenda, record attendance, write and approve minutes.
    ManageMeetings,
    /// Record readings of the board's performance indicators.
    RecordReadings,
}

/// A caller's relation to a board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BoardStanding {
    /// Chair, joint chair, vice-chair or secretary.
    Officer,
    /// Any other current seat.
    Member,
}

fn board_permits(standing: BoardStanding, permission: BoardPermission) -> bool {
    use BoardPermission as P;
    use BoardStanding as S;
    match (standing, permission) {
        (S::Officer, P::ManageMeetings) => true,
        (S::Member, P::ManageMeetings) => false,
        (S::Officer, P::RecordReadings) => true,
        (S::Member, P::RecordReadings) => false,
    }
}

/// Whether the caller may do `permission` on `board`'s business.
pub fn may_on_board(viewer: &Viewer, permission: BoardPermission, board: uuid::Uuid) -> bool {
    let standing = if viewer.officer_boards.contains(&board) {
        BoardStanding::Officer
    } else if viewer.seats.contains(&board) {
        BoardStanding::Member
    } else {
        return false;
    };
    board_permits(standing, permission)
}

/// What a caller wants to do under a strategy priority.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityPermission {
    /// Add a delivery-plan action under the priority, owned by a board.
    AddAction,
}

/// A caller's relation to a priority and to the board that would own the new action; one caller
/// may hold both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PriorityStanding {
    /// The priority's lead person.
    Lead,
    /// Chair, joint chair, vice-chair or secretary of the owning board.
    BoardOfficer,
}

fn priority_permits(standing: PriorityStanding, permission: PriorityPermission) -> bool {
    match (standing, permission) {
        (PriorityStanding::Lead, PriorityPermission::AddAction) => true,
        (PriorityStanding::BoardOfficer, PriorityPermission::AddAction) => true,
    }
}

/// Whether the caller may do `permission` under `priority`, for the board `board`.
pub fn may_on_priority(
    viewer: &Viewer,
    permission: PriorityPermission,
    priority: &entity::priority::Model,
    board: uuid::Uuid,
) -> bool {
    let mut standings = Vec::new();
    if viewer.person_id().is_some() && priority.lead_person_id == viewer.person_id() {
        standings.push(PriorityStanding::Lead);
    }
    if viewer.officer_boards.contains(&board) {
        standings.push(PriorityStanding::BoardOfficer);
    }
    standings
        .into_iter()
        .any(|s| priority_permits(s, permission))
}

/// What a caller wants to do to a Domestic Homicide Review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewPermission {
    /// Open a review, move it along the statutory path, maintain its action plan.
    Manage,
}

/// A caller's relation to a review's overseeing board.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewStanding {
    /// A current seat with restricted clearance.
    Cleared,
    /// Anyone else (including administrators).
    NotCleared,
}

fn review_permits(standing: ReviewStanding, permission: ReviewPermission) -> bool {
    match (standing, permission) {
        (ReviewStanding::Cleared, ReviewPermission::Manage) => true,
        (ReviewStanding::NotCleared, ReviewPermission::Manage) => false,
    }
}

/// Whether the caller may do `permission` to reviews overseen by `board`.
pub fn may_on_review(viewer: &Viewer, permission: ReviewPermission, board: uuid::Uuid) -> bool {
    let standing = if viewer.is_cleared_on(board) {
        ReviewStanding::Cleared
    } else {
        ReviewStanding::NotCleared
    };
    review_permits(standing, permission)
}

/// What a caller wants to do to a partnership's structure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnershipPermission {
    /// Create and change boards, add and end seats. (Clearance has its own table below.)
    ManageStructure,
    /// Read the partnership's audit log.
    ReadAuditLog,
}

/// Whether the caller administers the partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartnershipStanding {
    Administrator,
    Other,
}

fn partnership_permits(standing: PartnershipStanding, permission: PartnershipPermission) -> bool {
    match (standing, permission) {
        (PartnershipStanding::Administrator, PartnershipPermission::ManageStructure) => true,
        (PartnershipStanding::Other, PartnershipPermission::ManageStructure) => false,
        (PartnershipStanding::Administrator, PartnershipPermission::ReadAuditLog) => true,
        (PartnershipStanding::Other, PartnershipPermission::ReadAuditLog) => false,
    }
}

/// Whether the caller may do `permission` in `partnership`.
pub fn may_in_partnership(
    viewer: &Viewer,
    permission: PartnershipPermission,
    partnership: uuid::Uuid,
) -> bool {
    let standing = if viewer.admin_partnerships.contains(&partnership) {
        PartnershipStanding::Administrator
    } else {
        PartnershipStanding::Other
    };
    partnership_permits(standing, permission)
}

/// What a caller wants to do with a clearance for a board's restricted items.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearancePermission {
    /// Ask for a seat to be cleared (the request grants nothing by itself).
    Request,
    /// Approve a pending request: the second person whose approval makes it take effect.
    Approve,
    /// Turn a pending request down (or withdraw one's own).
    Refuse,
    /// Renew an approval before it lapses: a new approval, with a new expiry.
    Renew,
    /// End an approval at once.
    Revoke,
    /// See the board's register: who holds clearance, granted by whom, when, until when.
    ViewRegister,
}

/// A caller's relation to a clearance (or, for a request and the register, to its board).
///
/// Exactly one applies, by precedence from the top: separation of duties comes first, so the
/// person a clearance is for, and whoever asked for it, never count as the approver whatever
/// other standing they hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearanceStanding {
    /// The person the clearance is for.
    Subject,
    /// The person who asked for this pending request.
    Requester,
    /// An administrator of the board's partnership.
    Administrator,
    /// Chair, joint chair or vice-chair of the board, holding a clearance in force on it.
    ClearedChair,
    /// Another officer of the board (an uncleared chair, a secretary).
    Officer,
    /// Anyone else, including members of the board.
    Other,
}

fn clearance_permits(standing: ClearanceStanding, permission: ClearancePermission) -> bool {
    use ClearancePermission as P;
    use ClearanceStanding as S;
    match (standing, permission) {
        // A person may ask to be cleared, withdraw the request and give clearance up; never
        // approve or renew it.
        (S::Subject, P::Request) => true,
        (S::Subject, P::Approve) => false,
        (S::Subject, P::Refuse) => true,
        (S::Subject, P::Renew) => false,
        (S::Subject, P::Revoke) => true,
        (S::Subject, P::ViewRegister) => false,
        // Whoever asked may withdraw, but the approval must come from a second person.
        (S::Requester, P::Request) => false,
        (S::Requester, P::Approve) => false,
        (S::Requester, P::Refuse) => true,
        (S::Requester, P::Renew) => false,
        (S::Requester, P::Revoke) => false,
        (S::Requester, P::ViewRegister) => false,
        (S::Administrator, P::Request) => true,
        (S::Administrator, P::Approve) => true,
        (S::Administrator, P::Refuse) => true,
        (S::Administrator, P::Renew) => true,
        (S::Administrator, P::Revoke) => true,
        (S::Administrator, P::ViewRegister) => true,
        (S::ClearedChair, P::Request) => true,
        (S::ClearedChair, P::Approve) => true,
        (S::ClearedChair, P::Refuse) => true,
        (S::ClearedChair, P::Renew) => true,
        (S::ClearedChair, P::Revoke) => true,
        (S::ClearedChair, P::ViewRegister) => true,
        // An officer without clearance may ask and may see the register, never grant.
        (S::Officer, P::Request) => true,
        (S::Officer, P::Approve) => false,
        (S::Officer, P::Refuse) => false,
        (S::Officer, P::Renew) => false,
        (S::Officer, P::Revoke) => false,
        (S::Officer, P::ViewRegister) => true,
        (S::Other, P::Request) => false,
        (S::Other, P::Approve) => false,
        (S::Other, P::Refuse) => false,
        (S::Other, P::Renew) => false,
        (S::Other, P::Revoke) => false,
        (S::Other, P::ViewRegister) => false,
    }
}

/// Whose clearance, on which board, asked for by whom: what a clearance standing depends on.
#[derive(Debug, Clone, Copy)]
pub struct ClearanceSubject {
    pub board: uuid::Uuid,
    pub partnership: uuid::Uuid,
    /// The person to be cleared; `None` for board-level questions (the register).
    pub person: Option<uuid::Uuid>,
    /// Who asked, while the request is pending.
    pub requester: Option<uuid::Uuid>,
}

/// The caller's one standing towards a clearance (see [`ClearanceStanding`] for precedence).
pub fn clearance_standing(viewer: &Viewer, subject: &ClearanceSubject) -> ClearanceStanding {
    let Some(me) = viewer.person_id() else {
        return ClearanceStanding::Other;
    };
    if subject.person == Some(me) {
        ClearanceStanding::Subject
    } else if subject.requester == Some(me) {
        ClearanceStanding::Requester
    } else if viewer.admin_partnerships.contains(&subject.partnership) {
        ClearanceStanding::Administrator
    } else if viewer.chair_boards.contains(&subject.board) && viewer.is_cleared_on(subject.board) {
        ClearanceStanding::ClearedChair
    } else if viewer.officer_boards.contains(&subject.board) {
        ClearanceStanding::Officer
    } else {
        ClearanceStanding::Other
    }
}

/// Whether the caller may do `permission` to the clearance described by `subject`.
pub fn may_on_clearance(
    viewer: &Viewer,
    permission: ClearancePermission,
    subject: &ClearanceSubject,
) -> bool {
    clearance_permits(clearance_standing(viewer, subject), permission)
}
