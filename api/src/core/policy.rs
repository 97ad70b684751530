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
    /// Change what the action is: title, expected outcome, dates, resources, risks, marking.
    Edit,
    /// Carry it forward on its board's matters arising, take it off the list, or close it as
    /// superseded: the board's decisions, never its lead's.
    DecideMatterArising,
}

/// A caller's relation to an action; one caller may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionStanding {
    /// The action's lead person, or today's holder of its lead post.
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
        (S::Lead, P::Edit) => false,
        (S::Lead, P::DecideMatterArising) => false,
        (S::OrganisationEditor, P::UpdateProgress) => true,
        (S::OrganisationEditor, P::Complete) => true,
        (S::OrganisationEditor, P::Cancel) => false,
        (S::OrganisationEditor, P::RecordMissedReason) => true,
        (S::OrganisationEditor, P::Reassign) => false,
        (S::OrganisationEditor, P::Edit) => false,
        (S::OrganisationEditor, P::DecideMatterArising) => false,
        (S::BoardOfficer, P::UpdateProgress) => false,
        (S::BoardOfficer, P::Complete) => true,
        (S::BoardOfficer, P::Cancel) => true,
        (S::BoardOfficer, P::RecordMissedReason) => true,
        (S::BoardOfficer, P::Reassign) => true,
        (S::BoardOfficer, P::Edit) => true,
        (S::BoardOfficer, P::DecideMatterArising) => true,
    }
}

/// The caller's standings towards an action, from the database-derived viewer.
pub fn standings(viewer: &Viewer, action: &action::Model) -> Vec<ActionStanding> {
    let Some(person) = &viewer.person else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // The lead person, or today's holder of the lead post.
    if action.lead_person_id == Some(person.id)
        || action
            .lead_post_id
            .is_some_and(|p| viewer.posts.contains(&p))
    {
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
    let holds_post = priority
        .lead_post_id
        .is_some_and(|p| viewer.posts.contains(&p));
    if holds_post || (viewer.person_id().is_some() && priority.lead_person_id == viewer.person_id())
    {
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
    /// Change the partnership's name, area and settings (stated purpose, clearance validity).
    ManageSettings,
    /// Create and change the organisations that serve the partnership.
    ManageOrganisations,
    /// Create, change and deactivate the people of those organisations; create posts and
    /// appoint people to them.
    ManagePeople,
    /// Create strategies and their priorities, and performance indicators and their targets.
    ManagePlans,
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
        (PartnershipStanding::Administrator, PartnershipPermission::ManageSettings) => true,
        (PartnershipStanding::Other, PartnershipPermission::ManageSettings) => false,
        (PartnershipStanding::Administrator, PartnershipPermission::ManageOrganisations) => true,
        (PartnershipStanding::Other, PartnershipPermission::ManageOrganisations) => false,
        (PartnershipStanding::Administrator, PartnershipPermission::ManagePeople) => true,
        (PartnershipStanding::Other, PartnershipPermission::ManagePeople) => false,
        (PartnershipStanding::Administrator, PartnershipPermission::ManagePlans) => true,
        (PartnershipStanding::Other, PartnershipPermission::ManagePlans) => false,
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

/// Gives an enum of this module `ALL`, its variants in declaration order, and checks the list at
/// compile time: a variant left out makes the `match` below non-exhaustive, and a list out of
/// declaration order fails the assertion, so a new standing or permission cannot be missing from
/// [`markdown`].
macro_rules! all_variants {
    ($($name:ident { $($variant:ident),+ $(,)? })+) => {$(
        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [Self; [$(stringify!($variant)),+].len()] = [$(Self::$variant),+];
        }

        const _: () = {
            const fn listed(variant: $name) {
                match variant {
                    $($name::$variant => {})+
                }
            }
            let mut i = 0;
            while i < $name::ALL.len() {
                listed($name::ALL[i]);
                assert!(
                    $name::ALL[i] as usize == i,
                    concat!(stringify!($name), "::ALL is not in declaration order")
                );
                i += 1;
            }
        };
    )+};
}

all_variants! {
    ActionPermission { UpdateProgress, Complete, Cancel, RecordMissedReason, Reassign, Edit, DecideMatterArising }
    ActionStanding { Lead, OrganisationEditor, BoardOfficer }
    BoardPermission { ManageMeetings, RecordReadings }
    BoardStanding { Officer, Member }
    PriorityPermission { AddAction }
    PriorityStanding { Lead, BoardOfficer }
    ReviewPermission { Manage }
    ReviewStanding { Cleared, NotCleared }
    PartnershipPermission { ManageStructure, ReadAuditLog, ManageSettings, ManageOrganisations, ManagePeople, ManagePlans }
    PartnershipStanding { Administrator, Other }
    ClearancePermission { Request, Approve, Refuse, Renew, Revoke, ViewRegister }
    ClearanceStanding { Subject, Requester, Administrator, ClearedChair, Officer, Other }
}

/// Every table above as a Markdown document: per table, the standings' and permissions' doc
/// comments, a matrix (rows: standings, columns: permissions, both in declaration order; "yes"
/// where the standing permits, "—" where it does not) and a legend of the variants' doc comments.
///
/// Made from the tables themselves and this file's doc comments, so it cannot drift from the code;
/// the `policy` integration test keeps it as a snapshot, so a change to any cell shows in review.
pub fn markdown() -> String {
    let mut out = String::from("# Policy: who may change what\n\n");
    for paragraph in paragraphs(&module_docs()) {
        out.push_str(&paragraph);
        out.push_str("\n\n");
    }
    out.push_str(
        "Cells: **yes**, the standing permits the operation; **—**, it does not (FORBIDDEN).\n",
    );
    table(&mut out, "Actions", permits);
    table(&mut out, "Boards", board_permits);
    table(&mut out, "Priorities", priority_permits);
    table(&mut out, "Reviews", review_permits);
    table(&mut out, "Partnerships", partnership_permits);
    table(&mut out, "Clearances", clearance_permits);
    out
}

/// The enums `markdown` lists: `ALL` and a name for `Debug` output.
trait Listed: Copy + std::fmt::Debug + 'static {
    const ALL: &'static [Self];
    fn name() -> &'static str {
        let path = std::any::type_name::<Self>();
        path.rsplit("::").next().unwrap_or(path)
    }
}

macro_rules! listed {
    ($($name:ident)+) => {$(
        impl Listed for $name {
            const ALL: &'static [Self] = &$name::ALL;
        }
    )+};
}

listed! {
    ActionPermission ActionStanding BoardPermission BoardStanding PriorityPermission
    PriorityStanding ReviewPermission ReviewStanding PartnershipPermission PartnershipStanding
    ClearancePermission ClearanceStanding
}

fn table<S: Listed, P: Listed>(out: &mut String, title: &str, permits: fn(S, P) -> bool) {
    use std::fmt::Write;
    let _ = write!(out, "\n## {title}\n\n");
    for (role, name) in [("Rows", S::name()), ("Columns", P::name())] {
        let _ = writeln!(
            out,
            "{role}, `{name}`: {}\n",
            paragraphs(&enum_docs(name)).join(" ")
        );
    }
    let _ = write!(out, "| `{}` |", S::name());
    for p in P::ALL {
        let _ = write!(out, " {p:?} |");
    }
    out.push_str("\n| --- |");
    for _ in P::ALL {
        out.push_str(" :---: |");
    }
    out.push('\n');
    for &s in S::ALL {
        let _ = write!(out, "| {s:?} |");
        for &p in P::ALL {
            out.push_str(if permits(s, p) { " yes |" } else { " — |" });
        }
        out.push('\n');
    }
    for (heading, name, variants) in [
        (
            "Standings",
            S::name(),
            S::ALL.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>(),
        ),
        (
            "Permissions",
            P::name(),
            P::ALL.iter().map(|p| format!("{p:?}")).collect(),
        ),
    ] {
        let _ = write!(out, "\n{heading}:\n\n");
        for variant in variants {
            let doc = paragraphs(&variant_docs(name, &variant)).join(" ");
            if doc.is_empty() {
                let _ = writeln!(out, "- {variant}");
            } else {
                let _ = writeln!(out, "- {variant}: {doc}");
            }
        }
    }
}

/// This file, for its doc comments.
const SOURCE: &str = include_str!("policy.rs");

/// The lines of this module's `//!` comment.
fn module_docs() -> Vec<&'static str> {
    SOURCE
        .lines()
        .map_while(|line| line.strip_prefix("//!"))
        .map(|text| text.strip_prefix(' ').unwrap_or(text))
        .collect()
}

/// The `///` lines just above `end` (skipping attributes), in order.
fn docs_above(lines: &[&'static str], end: usize) -> Vec<&'static str> {
    let mut docs = Vec::new();
    for line in lines[..end].iter().rev().map(|l| l.trim()) {
        if let Some(text) = line.strip_prefix("///") {
            docs.push(text.strip_prefix(' ').unwrap_or(text));
        } else if !line.starts_with("#[") {
            break;
        }
    }
    docs.reverse();
    docs
}

/// Where `pub enum name {` starts in this file.
fn enum_start(lines: &[&str], name: &str) -> usize {
    let header = format!("pub enum {name} {{");
    lines
        .iter()
        .position(|l| l.trim() == header)
        .unwrap_or_else(|| panic!("policy.rs declares `{header}`"))
}

/// The doc comment of the enum `name`.
fn enum_docs(name: &str) -> Vec<&'static str> {
    let lines: Vec<&'static str> = SOURCE.lines().collect();
    docs_above(&lines, enum_start(&lines, name))
}

/// The doc comment of the variant `variant` of the enum `name`.
fn variant_docs(name: &str, variant: &str) -> Vec<&'static str> {
    let lines: Vec<&'static str> = SOURCE.lines().collect();
    let start = enum_start(&lines, name);
    let line = format!("{variant},");
    let at = lines[start..]
        .iter()
        .take_while(|l| l.trim() != "}")
        .position(|l| l.trim() == line)
        .unwrap_or_else(|| panic!("`{name}` declares `{variant}`"));
    docs_above(&lines, start + at)
}

/// Doc lines joined into paragraphs (a blank line separates them).
fn paragraphs(lines: &[&str]) -> Vec<String> {
    lines
        .split(|l| l.trim().is_empty())
        .filter(|p| !p.is_empty())
        .map(|p| p.join(" "))
        .collect()
}
