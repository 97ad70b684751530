//! Visibility: who may see which rows. Every read in the API starts here.
//!
//! [`visible`] returns a `Select` with the caller's conditions already in its `WHERE` clause, so
//! node(id), nested relations, connections, `totalCount`, aggregates and search all see the same
//! rows: a hidden record is simply absent, and cannot be counted, cursored or named in an error.
//!
//! The three levels, stored on each board, meeting, agenda item, action, indicator and review:
//! - `public`: anyone, including anonymous callers;
//! - `partnership`: signed-in people whose organisation serves the partnership, or who hold a seat
//!   on one of its boards;
//! - `restricted`: only people holding a *current cleared seat on the owning board*. Being an
//!   administrator, a chair of another board, or a member of the parent board grants nothing.
//!
//! A child is never more visible than its parent: a meeting needs its board, an agenda item its
//! meeting, a resolution its (fully visible) agenda item, an action its board, source resolution
//! and review; updates, attendance, readings and seats follow their parent.
//!
//! Domestic Homicide Reviews are restricted until published whatever their stored marking; once
//! published, their own marking decides (publishing sets it to public), even if the overseeing
//! panel itself is not public.
//!
//! The one deliberate exception: a restricted agenda item with a `stub_title` is listed to people
//! who can see its meeting, but [`redact_agenda_item`] replaces its content with the stub, and its
//! resolutions and actions stay hidden (they require the item to be *fully* visible).

use crate::auth::Viewer;
use entity::enums::{ReviewStatus, Visibility};
use entity::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// An entity whose reads go through this module.
pub trait Scoped: EntityTrait {
    /// The primary-key column.
    fn id_column() -> Self::Column;
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> Uuid;
    /// The rows of this entity the viewer may see.
    fn visible(viewer: &Viewer) -> Select<Self>;
    /// For content (anything that can carry a restricted marking, its own or one inherited from
    /// a parent): the name the audit log uses and the [`Classify`] that picks the restricted
    /// ones among rows read. `None` for reference data published in the papers.
    const CONTENT: Option<(&'static str, Classify)> = None;
    /// Whether the viewer sees this (visible) row's content rather than a stub.
    fn shows_content(_viewer: &Viewer, _model: &Self::Model) -> bool {
        true
    }
}

/// Given the ids of rows read, a statement selecting `id` and `partnership_id` of those that are
/// restricted content: marked restricted themselves or beneath something that is (a resolution
/// of a restricted item, an update of a restricted action, a reading of a restricted indicator).
pub type Classify = fn(Vec<Uuid>) -> SelectStatement;

/// One read of restricted content, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictedRead {
    pub entity_type: &'static str,
    pub id: Uuid,
    pub partnership_id: Uuid,
}

/// The content rows a request has read, classified and audited when it finishes.
///
/// Whether a row is restricted often depends on its ancestors (an action update is restricted
/// because its action is), which the row itself does not carry; so rows are collected here and
/// [`Candidates::classify`] asks the database once per type. Only a caller holding a clearance
/// in force can see restricted content at all (every restricted branch of `marking` requires
/// one), so nothing is collected for anyone else.
#[derive(Debug, Default)]
pub struct ReadLog(std::sync::Mutex<Candidates>);

/// Content rows read, by audit name, awaiting classification.
#[derive(Debug, Default)]
pub struct Candidates(BTreeMap<&'static str, (Classify, BTreeSet<Uuid>)>);

impl Candidates {
    /// The content rows among `rows` that the viewer may have read as restricted.
    pub fn of<E: Scoped>(viewer: &Viewer, rows: &[E::Model]) -> Candidates {
        let mut out = Candidates::default();
        out.add::<E>(viewer, rows);
        out
    }

    fn add<E: Scoped>(&mut self, viewer: &Viewer, rows: &[E::Model]) {
        let Some((name, classify)) = E::CONTENT else {
            return;
        };
        if viewer.cleared_boards.is_empty() {
            return;
        }
        let ids: Vec<Uuid> = rows
            .iter()
            .filter(|m| E::shows_content(viewer, m))
            .map(E::id_of)
            .collect();
        if !ids.is_empty() {
            self.0
                .entry(name)
                .or_insert_with(|| (classify, BTreeSet::new()))
                .1
                .extend(ids);
        }
    }

    /// Whether nothing was read that could be restricted.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The restricted reads among the candidates, once each, in a stable order.
    pub async fn classify<C: sea_orm::ConnectionTrait>(
        self,
        db: &C,
    ) -> Result<Vec<RestrictedRead>, sea_orm::DbErr> {
        /// Ids per statement: well under SQLite's and PostgreSQL's parameter limits.
        const CHUNK: usize = 500;
        let mut out = Vec::new();
        for (name, (classify, ids)) in self.0 {
            let ids: Vec<Uuid> = ids.into_iter().collect();
            for chunk in ids.chunks(CHUNK) {
                for row in db.query_all(&classify(chunk.to_vec())).await? {
                    out.push(RestrictedRead {
                        entity_type: name,
                        id: row.try_get("", "id")?,
                        partnership_id: row.try_get("", "partnership_id")?,
                    });
                }
            }
        }
        out.sort_by_key(|r| (r.entity_type, r.id));
        out.dedup();
        Ok(out)
    }
}

impl ReadLog {
    /// Notes the content rows among `rows`.
    pub fn note<E: Scoped>(&self, viewer: &Viewer, rows: &[E::Model]) {
        if let Ok(mut log) = self.0.lock() {
            log.add::<E>(viewer, rows);
        }
    }

    /// Takes the rows noted so far.
    pub fn drain(&self) -> Candidates {
        self.0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default()
    }
}

/// The rows of `E` the viewer may see: the starting point of every read.
pub fn visible<E: Scoped>(viewer: &Viewer) -> Select<E> {
    E::visible(viewer)
}

/// `col IN (ids)`, or a condition that is always false for an empty set (never `IN ()`).
fn in_set<C: ColumnTrait>(col: C, ids: &BTreeSet<Uuid>) -> SimpleExpr {
    if ids.is_empty() {
        Expr::cust("1 = 0")
    } else {
        col.is_in(ids.iter().copied())
    }
}

/// The three-level rule for a row with a marking, a partnership and an owning board.
fn marking<C: ColumnTrait>(viewer: &Viewer, visibility: C, partnership: C, board: C) -> Condition {
    Condition::any()
        .add(visibility.eq(Visibility::Public))
        .add(
            Condition::all()
                .add(visibility.eq(Visibility::Partnership))
                .add(in_set(partnership, &viewer.partnerships)),
        )
        .add(
            Condition::all()
                .add(visibility.eq(Visibility::Restricted))
                .add(in_set(board, &viewer.cleared_boards)),
        )
}

/// `col IN (SELECT id FROM <visible E>)`.
fn within<E: Scoped, C: ColumnTrait>(col: C, viewer: &Viewer) -> SimpleExpr {
    let ids = E::visible(viewer)
        .select_only()
        .column(E::id_column())
        .into_query();
    col.in_subquery(ids)
}

/// Nullable parent: absent, or visible.
fn within_if_set<E: Scoped, C: ColumnTrait>(col: C, viewer: &Viewer) -> Condition {
    Condition::any()
        .add(col.is_null())
        .add(within::<E, C>(col, viewer))
}

/// Agenda items whose *content* the viewer may see (not just a stub).
fn fully_visible_agenda_items(viewer: &Viewer) -> Select<agenda_item::Entity> {
    use agenda_item::Column as C;
    agenda_item::Entity::find()
        .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
        .filter(within::<meeting::Entity, _>(C::MeetingId, viewer))
}

/// Whether the viewer sees only the stub of this (visible) agenda item.
pub fn is_redacted(viewer: &Viewer, item: &agenda_item::Model) -> bool {
    item.visibility == Visibility::Restricted && !viewer.is_cleared_on(item.board_id)
}

/// What a viewer who is not cleared sees of a restricted item: its number (agenda number and
/// running minute number, as printed in the public minutes), the stub title and that it is
/// restricted. Everything else is blanked here, before any resolver sees the row; the item type
/// is hidden by the GraphQL type, which asks [`is_redacted`].
pub fn redact_agenda_item(viewer: &Viewer, item: agenda_item::Model) -> agenda_item::Model {
    if !is_redacted(viewer, &item) {
        return item;
    }
    agenda_item::Model {
        title: item
            .stub_title
            .clone()
            .unwrap_or_else(|| "Restricted item".into()),
        presenter: None,
        time_allowed_minutes: None,
        minute_text: None,
        ..item
    }
}

macro_rules! scoped {
    ($module:ident, |$viewer:ident| $body:expr) => {
        impl Scoped for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
            fn visible($viewer: &Viewer) -> Select<Self> {
                $body
            }
        }
    };
    ($module:ident, |$viewer:ident| $body:expr, content = $classify:expr) => {
        scoped!(
            $module,
            |$viewer| $body,
            content = $classify,
            shows = |_v, _m| true
        );
    };
    ($module:ident, |$viewer:ident| $body:expr, content = $classify:expr, shows = |$sv:ident, $sm:ident| $shows:expr) => {
        impl Scoped for $module::Entity {
            fn id_column() -> Self::Column {
                $module::Column::Id
            }
            fn id_of(model: &Self::Model) -> Uuid {
                model.id
            }
            fn visible($viewer: &Viewer) -> Select<Self> {
                $body
            }
            const CONTENT: Option<(&'static str, Classify)> =
                Some((stringify!($module), $classify));
            fn shows_content($sv: &Viewer, $sm: &Self::Model) -> bool {
                $shows
            }
        }
    };
}

// What is restricted content, as SQL: a row's own marking, or one inherited from the chain of
// parents that its visibility follows. Each `restricted_*` selects the ids of one table's
// restricted rows; a `Classify` narrows them to the rows a request read and adds the partnership.

/// `SELECT id FROM <table> WHERE <cond>`.
fn ids_where<E: EntityTrait>(id: E::Column, cond: Condition) -> SelectStatement {
    Query::select()
        .column(id)
        .from(E::default())
        .cond_where(cond)
        .to_owned()
}

/// Boards marked restricted, or beneath one (one level, as the board scope checks parents).
fn restricted_boards() -> SelectStatement {
    use board::Column as C;
    let marked = ids_where::<board::Entity>(
        C::Id,
        Condition::all().add(C::Visibility.eq(Visibility::Restricted)),
    );
    ids_where::<board::Entity>(
        C::Id,
        Condition::any()
            .add(C::Visibility.eq(Visibility::Restricted))
            .add(C::ParentId.in_subquery(marked)),
    )
}

fn restricted_meetings() -> SelectStatement {
    use meeting::Column as C;
    ids_where::<meeting::Entity>(
        C::Id,
        Condition::any()
            .add(C::Visibility.eq(Visibility::Restricted))
            .add(C::BoardId.in_subquery(restricted_boards())),
    )
}

fn restricted_agenda_items() -> SelectStatement {
    use agenda_item::Column as C;
    ids_where::<agenda_item::Entity>(
        C::Id,
        Condition::any()
            .add(C::Visibility.eq(Visibility::Restricted))
            .add(C::MeetingId.in_subquery(restricted_meetings())),
    )
}

fn restricted_resolutions() -> SelectStatement {
    use resolution::Column as C;
    ids_where::<resolution::Entity>(
        C::Id,
        Condition::all().add(C::AgendaItemId.in_subquery(restricted_agenda_items())),
    )
}

/// Reviews are restricted until published, and after it when their own marking says so.
fn restricted_reviews() -> SelectStatement {
    use domestic_homicide_review::Column as C;
    ids_where::<domestic_homicide_review::Entity>(
        C::Id,
        Condition::any()
            .add(C::Status.is_not_in([ReviewStatus::Published, ReviewStatus::CommissionerCopySent]))
            .add(C::Visibility.eq(Visibility::Restricted)),
    )
}

fn restricted_actions() -> SelectStatement {
    use action::Column as C;
    ids_where::<action::Entity>(
        C::Id,
        Condition::any()
            .add(C::Visibility.eq(Visibility::Restricted))
            .add(C::BoardId.in_subquery(restricted_boards()))
            .add(C::ResolutionId.in_subquery(restricted_resolutions()))
            .add(C::ReviewId.in_subquery(restricted_reviews())),
    )
}

fn restricted_indicators() -> SelectStatement {
    use indicator::Column as C;
    ids_where::<indicator::Entity>(
        C::Id,
        Condition::any()
            .add(C::Visibility.eq(Visibility::Restricted))
            .add(C::BoardId.in_subquery(restricted_boards())),
    )
}

/// A [`Classify`] for a table that carries its own `partnership_id`.
macro_rules! classify_own {
    ($module:ident, $restricted:expr) => {
        |ids: Vec<Uuid>| -> SelectStatement {
            use $module::Column as C;
            Query::select()
                .expr_as(Expr::col(C::Id), Alias::new("id"))
                .expr_as(Expr::col(C::PartnershipId), Alias::new("partnership_id"))
                .from($module::Entity)
                .and_where(C::Id.is_in(ids))
                .and_where(C::Id.in_subquery($restricted))
                .to_owned()
        }
    };
}

/// A [`Classify`] for a child table, restricted when its parent is; the audit row takes the
/// parent's `partnership_id`.
macro_rules! classify_child {
    ($module:ident . $parent_col:ident, $parent:ident, $restricted_parents:expr) => {
        |ids: Vec<Uuid>| -> SelectStatement {
            Query::select()
                .expr_as(
                    Expr::col(($module::Entity, $module::Column::Id)),
                    Alias::new("id"),
                )
                .expr_as(
                    Expr::col(($parent::Entity, $parent::Column::PartnershipId)),
                    Alias::new("partnership_id"),
                )
                .from($module::Entity)
                .inner_join(
                    $parent::Entity,
                    Expr::col(($parent::Entity, $parent::Column::Id))
                        .equals(($module::Entity, $module::Column::$parent_col)),
                )
                .and_where(Expr::col(($module::Entity, $module::Column::Id)).is_in(ids))
                .and_where(
                    Expr::col(($module::Entity, $module::Column::$parent_col))
                        .in_subquery($restricted_parents),
                )
                .to_owned()
        }
    };
}

// Reference data published in the papers: visible to everyone.
scoped!(partnership, |_viewer| partnership::Entity::find());
scoped!(organisation, |_viewer| organisation::Entity::find());
scoped!(person, |_viewer| person::Entity::find());
scoped!(strategy, |_viewer| strategy::Entity::find());
scoped!(priority, |_viewer| priority::Entity::find());

scoped!(
    board,
    |viewer| {
        use board::Column as C;
        // One level up is enough to keep a hidden parent from being confirmed through its children;
        // a full ancestor walk would make this scope recursive.
        let parents = board::Entity::find()
            .select_only()
            .column(C::Id)
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::Id))
            .into_query();
        board::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::Id))
            .filter(
                Condition::any()
                    .add(C::ParentId.is_null())
                    .add(C::ParentId.in_subquery(parents)),
            )
    },
    content = classify_own!(board, restricted_boards())
);

scoped!(
    board_membership,
    |viewer| {
        board_membership::Entity::find().filter(within::<board::Entity, _>(
            board_membership::Column::BoardId,
            viewer,
        ))
    },
    content = classify_child!(board_membership.BoardId, board, restricted_boards())
);

scoped!(
    meeting,
    |viewer| {
        use meeting::Column as C;
        meeting::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within::<board::Entity, _>(C::BoardId, viewer))
    },
    content = classify_own!(meeting, restricted_meetings())
);

scoped!(
    agenda_item,
    |viewer| {
        use agenda_item::Column as C;
        agenda_item::Entity::find()
            .filter(
                Condition::any()
                    .add(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
                    .add(
                        Condition::all()
                            .add(C::Visibility.eq(Visibility::Restricted))
                            .add(C::StubTitle.is_not_null()),
                    ),
            )
            .filter(within::<meeting::Entity, _>(C::MeetingId, viewer))
    },
    content = classify_own!(agenda_item, restricted_agenda_items()),
    // A stub is not content: the uncleared see only what the public minutes print.
    shows = |v, m| !is_redacted(v, m)
);

scoped!(
    resolution,
    |viewer| {
        let items = fully_visible_agenda_items(viewer)
            .select_only()
            .column(agenda_item::Column::Id)
            .into_query();
        resolution::Entity::find().filter(resolution::Column::AgendaItemId.in_subquery(items))
    },
    content = classify_child!(
        resolution.AgendaItemId,
        agenda_item,
        restricted_agenda_items()
    )
);

// Corrections of a minute are as visible as the minute itself: never through a stub.
scoped!(
    minute_correction,
    |viewer| {
        let items = fully_visible_agenda_items(viewer)
            .select_only()
            .column(agenda_item::Column::Id)
            .into_query();
        minute_correction::Entity::find()
            .filter(minute_correction::Column::AgendaItemId.in_subquery(items))
    },
    content = classify_child!(
        minute_correction.AgendaItemId,
        agenda_item,
        restricted_agenda_items()
    )
);

// A request for written updates is as visible as the meeting it is for.
scoped!(
    written_update_request,
    |viewer| {
        written_update_request::Entity::find().filter(within::<meeting::Entity, _>(
            written_update_request::Column::MeetingId,
            viewer,
        ))
    },
    content = classify_child!(
        written_update_request.MeetingId,
        meeting,
        restricted_meetings()
    )
);

scoped!(
    domestic_homicide_review,
    |viewer| {
        use domestic_homicide_review::Column as C;
        domestic_homicide_review::Entity::find().filter(
            Condition::any()
                .add(in_set(C::BoardId, &viewer.cleared_boards))
                .add(
                    // Published: then, and only then, the stored marking decides.
                    Condition::all()
                        .add(
                            C::Status.is_in([
                                ReviewStatus::Published,
                                ReviewStatus::CommissionerCopySent,
                            ]),
                        )
                        .add(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId)),
                ),
        )
    },
    content = classify_own!(domestic_homicide_review, restricted_reviews())
);

scoped!(
    action,
    |viewer| {
        use action::Column as C;
        action::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within_if_set::<board::Entity, _>(C::BoardId, viewer))
            .filter(within_if_set::<resolution::Entity, _>(
                C::ResolutionId,
                viewer,
            ))
            .filter(within_if_set::<domestic_homicide_review::Entity, _>(
                C::ReviewId,
                viewer,
            ))
    },
    content = classify_own!(action, restricted_actions())
);

scoped!(
    action_update,
    |viewer| {
        action_update::Entity::find().filter(within::<action::Entity, _>(
            action_update::Column::ActionId,
            viewer,
        ))
    },
    content = classify_child!(action_update.ActionId, action, restricted_actions())
);

scoped!(
    action_supporter,
    |viewer| {
        action_supporter::Entity::find().filter(within::<action::Entity, _>(
            action_supporter::Column::ActionId,
            viewer,
        ))
    },
    content = classify_child!(action_supporter.ActionId, action, restricted_actions())
);

scoped!(
    attendance,
    |viewer| {
        attendance::Entity::find().filter(within::<meeting::Entity, _>(
            attendance::Column::MeetingId,
            viewer,
        ))
    },
    content = classify_child!(attendance.MeetingId, meeting, restricted_meetings())
);

scoped!(
    declaration_of_interest,
    |viewer| {
        declaration_of_interest::Entity::find().filter(within::<meeting::Entity, _>(
            declaration_of_interest::Column::MeetingId,
            viewer,
        ))
    },
    content = classify_child!(
        declaration_of_interest.MeetingId,
        meeting,
        restricted_meetings()
    )
);

scoped!(
    indicator,
    |viewer| {
        use indicator::Column as C;
        indicator::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within_if_set::<board::Entity, _>(C::BoardId, viewer))
    },
    content = classify_own!(indicator, restricted_indicators())
);

scoped!(
    indicator_reading,
    |viewer| {
        indicator_reading::Entity::find().filter(within::<indicator::Entity, _>(
            indicator_reading::Column::IndicatorId,
            viewer,
        ))
    },
    content = classify_child!(
        indicator_reading.IndicatorId,
        indicator,
        restricted_indicators()
    )
);

// The audit log: administrators of the partnership only. Not content, so reading it is not a
// restricted read; nobody can change it through the API.
scoped!(audit_log, |viewer| {
    audit_log::Entity::find().filter(in_set(
        audit_log::Column::PartnershipId,
        &viewer.admin_partnerships,
    ))
});

// A clearance says who may see a board's restricted items: itself sensitive. Its register is
// for the partnership's administrators and the board's officers; a person sees their own, and
// whoever asked sees the request they made. The board must be visible too.
scoped!(clearance, |viewer| {
    use clearance::Column as C;
    let mut who = Condition::any()
        .add(in_set(C::PartnershipId, &viewer.admin_partnerships))
        .add(in_set(C::BoardId, &viewer.officer_boards));
    if let Some(me) = viewer.person_id() {
        who = who.add(C::PersonId.eq(me)).add(C::RequestedById.eq(me));
    }
    clearance::Entity::find()
        .filter(who)
        .filter(within::<board::Entity, _>(C::BoardId, viewer))
});

/// Whether the viewer may see whether a seat on `board` carries clearance: fellow seat holders
/// only (the register, with its detail, is the `clearance` scope above). Who is cleared for
/// MARAC is itself sensitive.
pub fn sees_clearance_flag(viewer: &Viewer, board: Uuid) -> bool {
    viewer.seats.contains(&board)
}
