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
    /// If this (visible) row is restricted content shown in full, what the audit log records.
    fn restricted_read(_viewer: &Viewer, _model: &Self::Model) -> Option<RestrictedRead> {
        None
    }
}

/// One read of restricted content, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestrictedRead {
    pub entity_type: &'static str,
    pub id: Uuid,
    pub partnership_id: Uuid,
}

/// The restricted rows a request has read, written to the audit log when it finishes.
#[derive(Debug, Default)]
pub struct ReadLog(std::sync::Mutex<Vec<RestrictedRead>>);

impl ReadLog {
    /// Notes the restricted rows among `rows`.
    pub fn note<E: Scoped>(&self, viewer: &Viewer, rows: &[E::Model]) {
        let reads: Vec<_> = rows
            .iter()
            .filter_map(|m| E::restricted_read(viewer, m))
            .collect();
        if !reads.is_empty() {
            if let Ok(mut log) = self.0.lock() {
                log.extend(reads);
            }
        }
    }

    /// Takes the reads noted so far, once each.
    pub fn drain(&self) -> Vec<RestrictedRead> {
        let mut reads = self
            .0
            .lock()
            .map(|mut l| std::mem::take(&mut *l))
            .unwrap_or_default();
        reads.sort_by_key(|r| (r.entity_type, r.id));
        reads.dedup();
        reads
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
        scoped!($module, |$viewer| $body, restricted = |_v, _m| None);
    };
    ($module:ident, |$viewer:ident| $body:expr, restricted = |$rv:ident, $rm:ident| $restricted:expr) => {
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
            fn restricted_read($rv: &Viewer, $rm: &Self::Model) -> Option<RestrictedRead> {
                $restricted
            }
        }
    };
}

/// A read of `model` for the audit log when its marking is restricted.
fn when_restricted(
    entity_type: &'static str,
    visibility: Visibility,
    id: Uuid,
    partnership_id: Uuid,
) -> Option<RestrictedRead> {
    (visibility == Visibility::Restricted).then_some(RestrictedRead {
        entity_type,
        id,
        partnership_id,
    })
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

scoped!(
    meeting,
    |viewer| {
        use meeting::Column as C;
        meeting::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within::<board::Entity, _>(C::BoardId, viewer))
    },
    restricted = |_v, m| when_restricted("meeting", m.visibility, m.id, m.partnership_id)
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
    restricted = |v, m| if is_redacted(v, m) {
        None
    } else {
        when_restricted("agenda_item", m.visibility, m.id, m.partnership_id)
    }
);

scoped!(resolution, |viewer| {
    let items = fully_visible_agenda_items(viewer)
        .select_only()
        .column(agenda_item::Column::Id)
        .into_query();
    resolution::Entity::find().filter(resolution::Column::AgendaItemId.in_subquery(items))
});

// Corrections of a minute are as visible as the minute itself: never through a stub.
scoped!(minute_correction, |viewer| {
    let items = fully_visible_agenda_items(viewer)
        .select_only()
        .column(agenda_item::Column::Id)
        .into_query();
    minute_correction::Entity::find()
        .filter(minute_correction::Column::AgendaItemId.in_subquery(items))
});

// A request for written updates is as visible as the meeting it is for.
scoped!(written_update_request, |viewer| {
    written_update_request::Entity::find().filter(within::<meeting::Entity, _>(
        written_update_request::Column::MeetingId,
        viewer,
    ))
});

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
    restricted = |_v, m| (!m.status.is_published() || m.visibility == Visibility::Restricted)
        .then_some(RestrictedRead {
            entity_type: "domestic_homicide_review",
            id: m.id,
            partnership_id: m.partnership_id
        })
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
    restricted = |_v, m| when_restricted("action", m.visibility, m.id, m.partnership_id)
);

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

scoped!(
    indicator,
    |viewer| {
        use indicator::Column as C;
        indicator::Entity::find()
            .filter(marking(viewer, C::Visibility, C::PartnershipId, C::BoardId))
            .filter(within_if_set::<board::Entity, _>(C::BoardId, viewer))
    },
    restricted = |_v, m| when_restricted("indicator", m.visibility, m.id, m.partnership_id)
);

scoped!(indicator_reading, |viewer| {
    indicator_reading::Entity::find().filter(within::<indicator::Entity, _>(
        indicator_reading::Column::IndicatorId,
        viewer,
    ))
});

// The audit log: administrators of the partnership only. Not content, so reading it is not a
// restricted read; nobody can change it through the API.
scoped!(audit_log, |viewer| {
    audit_log::Entity::find().filter(in_set(
        audit_log::Column::PartnershipId,
        &viewer.admin_partnerships,
    ))
});
