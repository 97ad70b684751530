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
//! Domestic Homicide Reviews are restricted until published whatever their stored marking.
//!
//! The one deliberate exception: a restricted agenda item with a `stub_title` is listed to people
//! who can see its meeting, but [`redact_agenda_item`] replaces its content with the stub, and its
//! resolutions and actions stay hidden (they require the item to be *fully* visible).

use crate::auth::Viewer;
use entity::enums::{ReviewStatus, Visibility};
use entity::*;
use sea_orm::sea_query::{Expr, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Select};
use std::collections::BTreeSet;
use uuid::Uuid;

/// An entity whose reads go through this module.
pub trait Scoped: EntityTrait {
    /// The primary-key column.
    fn id_column() -> Self::Column;
    /// The primary key of a row.
    fn id_of(model: &Self::Model) -> Uuid;
    /// The rows of this entity the viewer may see.
    fn visible(viewer: &Viewer) -> Select<Self>;
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
}

// Reference data published in the papers: visible to everyone.
scoped!(partnership, |_viewer| partnership::Entity::find());
scoped!(organisation, |_viewer| organisation::Entity::find());
scoped!(person, |_viewer| person::Entity::find());
scoped!(strategy, |_viewer| strategy::Entity::find());
scoped!(priority, |_viewer| priority::Entity::find());

scoped!(board, |viewer| {
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
});

scoped!(board_membership, |viewer| {
    board_membership::Entity::find().filter(within::<board::Entity, _>(
        board_membership::Column::BoardId,
        viewer,
    ))
});

scoped!(meeting, |viewer| {
    use meeting::Column as C;
    meeting::Entity::find()
        .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
        .filter(within::<board::Entity, _>(C::BoardId, viewer))
});

scoped!(agenda_item, |viewer| {
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
});

scoped!(resolution, |viewer| {
    let items = fully_visible_agenda_items(viewer)
        .select_only()
        .column(agenda_item::Column::Id)
        .into_query();
    resolution::Entity::find().filter(resolution::Column::AgendaItemId.in_subquery(items))
});

scoped!(domestic_homicide_review, |viewer| {
    use domestic_homicide_review::Column as C;
    domestic_homicide_review::Entity::find()
        .filter(within::<board::Entity, _>(C::BoardId, viewer))
        .filter(
            Condition::any()
                .add(in_set(C::BoardId, &viewer.cleared_boards))
                .add(
                    // Published: then, and only then, the stored marking decides.
                    Condition::all()
                        .add(C::Status.eq(ReviewStatus::Published))
                        .add(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId)),
                ),
        )
});

scoped!(action, |viewer| {
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
});

scoped!(action_update, |viewer| {
    action_update::Entity::find().filter(within::<action::Entity, _>(
        action_update::Column::ActionId,
        viewer,
    ))
});

scoped!(action_supporter, |viewer| {
    action_supporter::Entity::find().filter(within::<action::Entity, _>(
        action_supporter::Column::ActionId,
        viewer,
    ))
});

scoped!(attendance, |viewer| {
    attendance::Entity::find().filter(within::<meeting::Entity, _>(
        attendance::Column::MeetingId,
        viewer,
    ))
});

scoped!(declaration_of_interest, |viewer| {
    declaration_of_interest::Entity::find().filter(within::<meeting::Entity, _>(
        declaration_of_interest::Column::MeetingId,
        viewer,
    ))
});

scoped!(indicator, |viewer| {
    use indicator::Column as C;
    indicator::Entity::find()
        .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
        .filter(within_if_set::<board::Entity, _>(C::BoardId, viewer))
});

scoped!(indicator_reading, |viewer| {
    indicator_reading::Entity::find().filter(within::<indicator::Entity, _>(
        indicator_reading::Column::IndicatorId,
        viewer,
    ))
});
