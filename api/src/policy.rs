//! Who may change what: one exhaustive table from a caller's standing towards a record to the
//! operations that standing permits.
//!
//! Seeing a record is decided by `access` (a write starts by loading the record through it, so an
//! invisible record is NOT_FOUND exactly as a missing one). This module only answers "may this
//! caller, who can see the record, do this to it?" — a "no" is FORBIDDEN. The `match` has no
//! catch-all arm: a new permission or standing forces a decision for every pair.

use crate::auth::Viewer;
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
    /// Create actions from the board's resolutions.
    CreateActions,
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
        (S::Officer, P::CreateActions) => true,
        (S::Member, P::ManageMeetings) => false,
        (S::Member, P::CreateActions) => false,
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
    /// Create and change boards, add and end seats, grant and revoke clearance.
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
