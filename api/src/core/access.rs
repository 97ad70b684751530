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

use crate::core::auth::Viewer;
use entity::enums::{ReviewStatus, Visibility};
use entity::*;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ActiveEnum, ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select,
};
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

    /// The rows `ids` of `E`, whatever the caller was shown of them: to ask whether they are
    /// restricted (a record's classification), not to note what was read.
    pub fn of_ids<E: Scoped>(ids: impl IntoIterator<Item = Uuid>) -> Candidates {
        let mut out = Candidates::default();
        if let Some((name, classify)) = E::CONTENT {
            let ids: BTreeSet<Uuid> = ids.into_iter().collect();
            if !ids.is_empty() {
                out.0.insert(name, (classify, ids));
            }
        }
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

/// Ids of the agenda items whose *content* the viewer may see (not just a stub).
fn fully_visible_agenda_items(viewer: &Viewer) -> SelectStatement {
    use agenda_item::Column as C;
    agenda_item::Entity::find()
        .select_only()
        .column(C::Id)
        .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
        .filter(within::<meeting::Entity, _>(C::MeetingId, viewer))
        .into_query()
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
    // Content with its own marking and `partnership_id`; `$restricted` is its `restricted_row`.
    ($module:ident, |$viewer:ident| $body:expr, restricted = $restricted:expr) => {
        scoped!($module, |$viewer| $body, restricted = $restricted, shows = |_v, _m| true);
    };
    ($module:ident, |$viewer:ident| $body:expr, restricted = $restricted:expr, shows = |$sv:ident, $sm:ident| $shows:expr) => {
        scoped!(@content $module, |$viewer| $body, classify_own!($module), shows = |$sv, $sm| $shows);
        impl Restricted for $module::Entity {
            fn restricted_row() -> Condition {
                $restricted
            }
        }
    };
    // A child that follows its parent: visible with it, restricted with it.
    (child $module:ident . $col:ident of $parent:ident) => {
        scoped!(child $module.$col of $parent, |viewer| {
            $module::Entity::find()
                .filter(within::<$parent::Entity, _>($module::Column::$col, viewer))
        });
    };
    (child $module:ident . $col:ident of $parent:ident, |$viewer:ident| $body:expr) => {
        scoped!(@content $module, |$viewer| $body, classify_child!($module.$col, $parent), shows = |_v, _m| true);
        impl Restricted for $module::Entity {
            fn restricted_row() -> Condition {
                Condition::all().add(parent_restricted::<$parent::Entity>(Expr::col((
                    $module::Entity,
                    $module::Column::$col,
                ))))
            }
        }
    };
    (@content $module:ident, |$viewer:ident| $body:expr, $classify:expr, shows = |$sv:ident, $sm:ident| $shows:expr) => {
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

/// Content: rows that can be restricted, by their own marking or one inherited from the chain
/// of parents their visibility follows.
trait Restricted: Scoped {
    /// A condition on one row of this table (columns qualified by the table's name) that holds
    /// when the row is restricted content. Parents are reached by correlated `EXISTS`, so
    /// classifying a page of rows reads only those rows' own chains, never a whole table.
    fn restricted_row() -> Condition;
}

// What is restricted content, as SQL. Each `restricted_*` is one table's own rule; children
// declared with `scoped!(child …)` inherit theirs from the parent. A `Classify` applies the rule
// to the rows a request read and adds their partnership.

/// `EXISTS (SELECT 1 FROM <parent> WHERE <parent>.id = <link> AND <parent is restricted>)`.
fn parent_restricted<P: Restricted>(link: Expr) -> SimpleExpr {
    Expr::exists(
        Query::select()
            .expr(Expr::val(1))
            .from(P::default())
            .and_where(Expr::col((P::default(), P::id_column())).eq(link))
            .cond_where(P::restricted_row())
            .to_owned(),
    )
}

/// `<table>.visibility = 'restricted'`.
fn marked<E: EntityTrait>(visibility: E::Column) -> SimpleExpr {
    Expr::col((E::default(), visibility)).eq(Visibility::Restricted.to_value())
}

/// Boards marked restricted, or beneath one (one level, as the board scope checks parents).
fn restricted_boards() -> Condition {
    use board::Column as C;
    let parent = Alias::new("parent_board");
    Condition::any()
        .add(marked::<board::Entity>(C::Visibility))
        .add(Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as(board::Entity, parent.clone())
                .and_where(Expr::col((parent.clone(), C::Id)).equals((board::Entity, C::ParentId)))
                .and_where(Expr::col((parent, C::Visibility)).eq(Visibility::Restricted.to_value()))
                .to_owned(),
        ))
}

fn restricted_meetings() -> Condition {
    use meeting::Column as C;
    Condition::any()
        .add(marked::<meeting::Entity>(C::Visibility))
        .add(parent_restricted::<board::Entity>(Expr::col((
            meeting::Entity,
            C::BoardId,
        ))))
}

fn restricted_agenda_items() -> Condition {
    use agenda_item::Column as C;
    Condition::any()
        .add(marked::<agenda_item::Entity>(C::Visibility))
        .add(parent_restricted::<meeting::Entity>(Expr::col((
            agenda_item::Entity,
            C::MeetingId,
        ))))
}

/// Reviews are restricted until published, and after it when their own marking says so.
fn restricted_reviews() -> Condition {
    use domestic_homicide_review::Column as C;
    Condition::any()
        .add(
            Expr::col((domestic_homicide_review::Entity, C::Status)).is_not_in([
                ReviewStatus::Published.to_value(),
                ReviewStatus::CommissionerCopySent.to_value(),
            ]),
        )
        .add(marked::<domestic_homicide_review::Entity>(C::Visibility))
}

fn restricted_actions() -> Condition {
    use action::Column as C;
    let link = |col: C| Expr::col((action::Entity, col));
    Condition::any()
        .add(marked::<action::Entity>(C::Visibility))
        .add(parent_restricted::<board::Entity>(link(C::BoardId)))
        .add(parent_restricted::<resolution::Entity>(link(
            C::ResolutionId,
        )))
        .add(parent_restricted::<domestic_homicide_review::Entity>(link(
            C::ReviewId,
        )))
}

fn restricted_indicators() -> Condition {
    use indicator::Column as C;
    Condition::any()
        .add(marked::<indicator::Entity>(C::Visibility))
        .add(parent_restricted::<board::Entity>(Expr::col((
            indicator::Entity,
            C::BoardId,
        ))))
}

/// A [`Classify`] for a table that carries its own `partnership_id`.
macro_rules! classify_own {
    ($module:ident) => {
        |ids: Vec<Uuid>| -> SelectStatement {
            let col = |c: $module::Column| Expr::col(($module::Entity, c));
            Query::select()
                .expr_as(col($module::Column::Id), Alias::new("id"))
                .expr_as(
                    col($module::Column::PartnershipId),
                    Alias::new("partnership_id"),
                )
                .from($module::Entity)
                .and_where(col($module::Column::Id).is_in(ids))
                .cond_where(<$module::Entity as Restricted>::restricted_row())
                .to_owned()
        }
    };
}

/// A [`Classify`] for a child table, restricted when its parent is; the audit row takes the
/// parent's `partnership_id`.
macro_rules! classify_child {
    ($module:ident . $parent_col:ident, $parent:ident) => {
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
                .cond_where(<$parent::Entity as Restricted>::restricted_row())
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
scoped!(post, |_viewer| post::Entity::find());
scoped!(post_holder, |_viewer| post_holder::Entity::find());
// Calendar feeds: only their owner knows they exist.
scoped!(calendar_feed, |viewer| calendar_feed::Entity::find()
    .filter(
        calendar_feed::Column::PersonId.is_in(viewer.person_id())
    ));
// Provisioning tokens: only their partnership's administrators know they exist.
scoped!(provisioning_token, |viewer| {
    provisioning_token::Entity::find().filter(
        provisioning_token::Column::PartnershipId.is_in(viewer.admin_partnerships.iter().copied()),
    )
});

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
    restricted = restricted_boards()
);

scoped!(child board_membership.BoardId of board);

scoped!(
    meeting,
    |viewer| {
        use meeting::Column as C;
        meeting::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within::<board::Entity, _>(C::BoardId, viewer))
    },
    restricted = restricted_meetings()
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
    restricted = restricted_agenda_items(),
    // A stub is not content: the uncleared see only what the public minutes print.
    shows = |v, m| !is_redacted(v, m)
);

scoped!(
    child resolution.AgendaItemId of agenda_item,
    |viewer| resolution::Entity::find().filter(
        resolution::Column::AgendaItemId.in_subquery(fully_visible_agenda_items(viewer))
    )
);

// Corrections of a minute are as visible as the minute itself: never through a stub.
scoped!(
    child minute_correction.AgendaItemId of agenda_item,
    |viewer| minute_correction::Entity::find().filter(
        minute_correction::Column::AgendaItemId.in_subquery(fully_visible_agenda_items(viewer))
    )
);

// A request for written updates is as visible as the meeting it is for.
scoped!(child written_update_request.MeetingId of meeting);

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
    restricted = restricted_reviews()
);

scoped!(
    action,
    |viewer| {
        use crate::core::access_summary::SUMMARISED;
        use action::Column as C;
        // The chain of markings (own, board, and a resolution's item, meeting and board) as
        // summarised on the row: one row-local condition.
        let summarised = Condition::all()
            .add(C::AccessState.eq(SUMMARISED))
            .add(
                Condition::any()
                    .add(C::AccessPartnershipId.is_null())
                    .add(in_set(C::AccessPartnershipId, &viewer.partnerships)),
            )
            .add(
                Condition::any()
                    .add(C::AccessBoardId.is_null())
                    .add(in_set(C::AccessBoardId, &viewer.cleared_boards)),
            );
        // The same rule in full, for rows not (yet) summarised. Its subqueries are evaluated
        // only for such rows: the state is tested first.
        let full_rule = Condition::all()
            .add(C::AccessState.ne(SUMMARISED))
            .add(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .add(within_if_set::<board::Entity, _>(C::BoardId, viewer))
            .add(within_if_set::<resolution::Entity, _>(
                C::ResolutionId,
                viewer,
            ));
        action::Entity::find()
            .filter(Condition::any().add(summarised).add(full_rule))
            .filter(within_if_set::<domestic_homicide_review::Entity, _>(
                C::ReviewId,
                viewer,
            ))
    },
    restricted = restricted_actions()
);

scoped!(child action_update.ActionId of action);

scoped!(child action_supporter.ActionId of action);

scoped!(child attendance.MeetingId of meeting);

scoped!(child declaration_of_interest.MeetingId of meeting);

scoped!(
    indicator,
    |viewer| {
        use indicator::Column as C;
        indicator::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within_if_set::<board::Entity, _>(C::BoardId, viewer))
    },
    restricted = restricted_indicators()
);

scoped!(child indicator_reading.IndicatorId of indicator);
scoped!(child indicator_target.IndicatorId of indicator);

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

/// The clearances in force (approved, unexpired) whose flag the viewer may see, by the rule of
/// [`sees_clearance_flag`]: what `BoardMembership.restrictedClearance` reads.
pub fn clearance_flags(viewer: &Viewer) -> Select<clearance::Entity> {
    use clearance::Column as C;
    clearance::Entity::find()
        .filter(in_set(C::BoardId, &viewer.seats))
        .filter(C::Status.eq(entity::enums::ClearanceStatus::Approved))
        .filter(C::ExpiresAt.gt(chrono::Utc::now()))
}

/// Whether the viewer may see people's work email addresses: signed-in callers only.
pub fn sees_email(viewer: &Viewer) -> bool {
    viewer.person.is_some()
}
