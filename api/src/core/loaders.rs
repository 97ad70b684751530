//! Batched relation loading, built per request with the caller's [`Viewer`].
//!
//! One `DataLoader<Batch>` serves every relation: to-one links by id ([`ById`]), small child lists
//! ([`Children`]), an action's latest update ([`LatestUpdate`]), seats' clearance flags
//! ([`ClearanceInForce`]) and the pages and counts of nested connections ([`NestedPage`],
//! [`NestedCount`]). Each batch is one SQL statement (for nested connections, one per distinct
//! question: fields with different filters, order or page arguments cannot share a statement)
//! that starts from [`access::visible`], so a loader can never return a row the caller may not see,
//! and because the loader lives only as long as its request, its cache never crosses users.

use crate::core::access::{self, Scoped};
use crate::core::auth::Viewer;
use crate::core::error::ApiError;
use crate::core::nested_plan::{NestedCountPlan, NestedPagePlan};
use async_graphql::dataloader::{DataLoader, Loader};
use entity::action_update;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter,
    QueryOrder, QuerySelect, Value,
};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::sync::Arc;
use uuid::Uuid;

/// The per-request loader state.
pub struct Batch {
    viewer: Arc<Viewer>,
    db: DatabaseConnection,
    reads: Arc<access::ReadLog>,
}

/// Builds the request's data loader. The 2 ms window (async-graphql's default is 1 ms) lets
/// a list of more than 32 items, which the executor polls in two passes, still share one batch.
pub fn new_loader(
    viewer: Arc<Viewer>,
    db: DatabaseConnection,
    reads: Arc<access::ReadLog>,
) -> DataLoader<Batch> {
    DataLoader::new(Batch { viewer, db, reads }, tokio::spawn)
        .delay(std::time::Duration::from_millis(2))
}

macro_rules! typed_key {
    ($(#[$meta:meta])* $name:ident<$param:ident : $bound:path>) => {
        $(#[$meta])*
        pub struct $name<$param>(pub Uuid, PhantomData<fn() -> $param>);

        impl<$param> $name<$param> {
            pub fn new(id: Uuid) -> Self {
                $name(id, PhantomData)
            }
        }
        impl<$param> Clone for $name<$param> {
            fn clone(&self) -> Self {
                $name(self.0, PhantomData)
            }
        }
        impl<$param> PartialEq for $name<$param> {
            fn eq(&self, other: &Self) -> bool {
                self.0 == other.0
            }
        }
        impl<$param> Eq for $name<$param> {}
        impl<$param> Hash for $name<$param> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.0.hash(state)
            }
        }
    };
}

typed_key!(
    /// A row of `E` by primary key.
    ById<E: Scoped>
);
typed_key!(
    /// The children of a parent along relation `R`.
    Children<R: ChildRelation>
);
typed_key!(
    /// Whether a row of `E` the caller was given is restricted, by its own marking or an
    /// ancestor's (its classification); present and true only for restricted rows.
    Restricted<E: Scoped>
);

impl<E> Loader<Restricted<E>> for Batch
where
    E: Scoped,
{
    type Value = bool;
    type Error = ApiError;

    /// One classification statement for every row asked about in the batch.
    async fn load(&self, keys: &[Restricted<E>]) -> Result<HashMap<Restricted<E>, bool>, ApiError> {
        let restricted = access::Candidates::of_ids::<E>(keys.iter().map(|k| k.0))
            .classify(&self.db)
            .await?;
        Ok(restricted
            .into_iter()
            .map(|r| (Restricted::new(r.id), true))
            .collect())
    }
}

/// A parent-to-children relation loaded in batches.
pub trait ChildRelation: 'static {
    type Entity: Scoped;
    /// The child's column holding the parent id.
    fn parent_column() -> <Self::Entity as EntityTrait>::Column;
    /// The order of children within one parent.
    fn order_column() -> <Self::Entity as EntityTrait>::Column;
}

/// Whether a seat carries a clearance in force, for those who may see the flag
/// ([`access::clearance_flags`]); absent means no.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClearanceInForce(pub Uuid);

impl Loader<ClearanceInForce> for Batch {
    type Value = ();
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[ClearanceInForce],
    ) -> Result<HashMap<ClearanceInForce, ()>, ApiError> {
        let seats: Vec<Uuid> = access::clearance_flags(&self.viewer)
            .select_only()
            .column(entity::clearance::Column::MembershipId)
            .filter(entity::clearance::Column::MembershipId.is_in(keys.iter().map(|k| k.0)))
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(seats
            .into_iter()
            .map(|s| (ClearanceInForce(s), ()))
            .collect())
    }
}

/// The most recent update of an action.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct LatestUpdate(pub Uuid);

fn uuid_of(value: Value) -> Option<Uuid> {
    match value {
        Value::Uuid(Some(id)) => Some(id),
        _ => None,
    }
}

impl<E> Loader<ById<E>> for Batch
where
    E: Scoped,
    E::Model: Clone + Send + Sync,
{
    type Value = E::Model;
    type Error = ApiError;

    async fn load(&self, keys: &[ById<E>]) -> Result<HashMap<ById<E>, E::Model>, ApiError> {
        let rows = access::visible::<E>(&self.viewer)
            .filter(E::id_column().is_in(keys.iter().map(|k| k.0)))
            .all(&self.db)
            .await?;
        self.reads.note::<E>(&self.viewer, &rows);
        Ok(rows
            .into_iter()
            .map(|m| (ById::new(E::id_of(&m)), m))
            .collect())
    }
}

impl<R> Loader<Children<R>> for Batch
where
    R: ChildRelation,
    <R::Entity as EntityTrait>::Model: Clone + Send + Sync,
{
    type Value = Vec<<R::Entity as EntityTrait>::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[Children<R>],
    ) -> Result<HashMap<Children<R>, Self::Value>, ApiError> {
        let rows = access::visible::<R::Entity>(&self.viewer)
            .filter(R::parent_column().is_in(keys.iter().map(|k| k.0)))
            .order_by_asc(R::order_column())
            .order_by_asc(<R::Entity as Scoped>::id_column())
            .all(&self.db)
            .await?;
        self.reads.note::<R::Entity>(&self.viewer, &rows);
        let mut out: HashMap<Children<R>, Self::Value> = HashMap::new();
        for row in rows {
            if let Some(parent) = uuid_of(row.get(R::parent_column())) {
                out.entry(Children::new(parent)).or_default().push(row);
            }
        }
        Ok(out)
    }
}

impl Loader<LatestUpdate> for Batch {
    type Value = action_update::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[LatestUpdate],
    ) -> Result<HashMap<LatestUpdate, action_update::Model>, ApiError> {
        use action_update::Column as C;
        let rows = access::visible::<action_update::Entity>(&self.viewer)
            .filter(C::ActionId.is_in(keys.iter().map(|k| k.0)))
            .order_by_desc(C::ReportedOn)
            .order_by_desc(C::CreatedAt)
            .order_by_desc(C::Id)
            .all(&self.db)
            .await?;
        let mut out = HashMap::new();
        for row in rows {
            out.entry(LatestUpdate(row.action_id)).or_insert(row);
        }
        let latest: Vec<action_update::Model> = out.values().cloned().collect();
        self.reads
            .note::<action_update::Entity>(&self.viewer, &latest);
        Ok(out)
    }
}

/// Where a record came from (`provenance`), keyed by its table and id. The key only ever comes
/// from a record the caller has already been given through `access`, so the row is about a
/// record the caller may see. Its note can still say more than the record (a seat's note may
/// say whether it is cleared): the seed loader refuses such notes on widely seen records, and
/// `Provenance::of_seat` shows a seat's note only to those who may see its clearance flag.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Origin(pub &'static str, pub Uuid);

impl Loader<Origin> for Batch {
    type Value = entity::provenance::Model;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[Origin],
    ) -> Result<HashMap<Origin, entity::provenance::Model>, ApiError> {
        use entity::provenance::{Column as C, Entity};
        let mut by_table: HashMap<&'static str, Vec<Uuid>> = HashMap::new();
        for k in keys {
            by_table.entry(k.0).or_default().push(k.1);
        }
        let mut out = HashMap::new();
        for (table, ids) in by_table {
            let rows = Entity::find()
                .filter(C::EntityType.eq(table))
                .filter(C::EntityId.is_in(ids))
                .all(&self.db)
                .await?;
            for row in rows {
                out.insert(Origin(table, row.entity_id), row);
            }
        }
        Ok(out)
    }
}

/// One parent's page of a nested connection ([`crate::core::pagination::nested_connection`]).
/// Loads with the same plan (the same statement but for the parents) share one statement.
pub struct NestedPage<E: EntityTrait> {
    pub parent: Uuid,
    pub(crate) plan: Arc<NestedPagePlan<E>>,
}

/// One parent's `totalCount` of a nested connection.
pub struct NestedCount<E: EntityTrait> {
    pub parent: Uuid,
    pub(crate) plan: Arc<NestedCountPlan<E>>,
}

macro_rules! planned_key {
    ($name:ident) => {
        impl<E: EntityTrait> Clone for $name<E> {
            fn clone(&self) -> Self {
                $name {
                    parent: self.parent,
                    plan: self.plan.clone(),
                }
            }
        }
        impl<E: EntityTrait> PartialEq for $name<E> {
            fn eq(&self, other: &Self) -> bool {
                self.parent == other.parent && self.plan.key == other.plan.key
            }
        }
        impl<E: EntityTrait> Eq for $name<E> {}
        impl<E: EntityTrait> Hash for $name<E> {
            fn hash<H: Hasher>(&self, state: &mut H) {
                self.parent.hash(state);
                self.plan.key.hash(state);
            }
        }
    };
}
planned_key!(NestedPage);
planned_key!(NestedCount);

/// Keys grouped by plan: one statement per group.
fn by_plan<'k, P: 'k>(
    keys: impl Iterator<Item = (Uuid, &'k Arc<P>)>,
    key_of: impl Fn(&P) -> &str,
) -> Vec<(Arc<P>, Vec<Uuid>)> {
    let mut groups: Vec<(Arc<P>, Vec<Uuid>)> = Vec::new();
    for (parent, plan) in keys {
        match groups.iter_mut().find(|(p, _)| key_of(p) == key_of(plan)) {
            Some((_, parents)) => parents.push(parent),
            None => groups.push((plan.clone(), vec![parent])),
        }
    }
    groups
}

/// One parent's rows of a nested page, in read order, and whether more follow.
#[derive(Clone)]
pub struct NestedRows<M> {
    pub rows: Vec<M>,
    pub more: bool,
}

impl<E> Loader<NestedPage<E>> for Batch
where
    E: Scoped,
    E::Model: Clone + Send + Sync,
{
    type Value = NestedRows<E::Model>;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[NestedPage<E>],
    ) -> Result<HashMap<NestedPage<E>, Self::Value>, ApiError> {
        let backend = self.db.get_database_backend();
        let mut out = HashMap::new();
        let groups = by_plan(keys.iter().map(|k| (k.parent, &k.plan)), |p| &p.key);
        for (plan, parents) in groups {
            let rows = E::find()
                .from_raw_sql(plan.statement(backend, &parents))
                .all(&self.db)
                .await?;
            let mut pages: HashMap<Uuid, NestedRows<E::Model>> = HashMap::new();
            for row in rows {
                let Some(parent) = uuid_of(row.get(plan.parent)) else {
                    continue;
                };
                let page = pages.entry(parent).or_insert_with(|| NestedRows {
                    rows: Vec::new(),
                    more: false,
                });
                // The statement reads `limit + 1` rows per parent, the last only to learn
                // whether there are more: it is neither returned nor noted as read.
                if page.rows.len() as u64 >= plan.limit {
                    page.more = true;
                } else {
                    page.rows.push(row);
                }
            }
            for (parent, page) in pages {
                self.reads.note::<E>(&self.viewer, &page.rows);
                out.insert(
                    NestedPage {
                        parent,
                        plan: plan.clone(),
                    },
                    page,
                );
            }
        }
        Ok(out)
    }
}

impl<E> Loader<NestedCount<E>> for Batch
where
    E: Scoped,
{
    type Value = i64;
    type Error = ApiError;

    async fn load(
        &self,
        keys: &[NestedCount<E>],
    ) -> Result<HashMap<NestedCount<E>, i64>, ApiError> {
        let backend = self.db.get_database_backend();
        let mut out = HashMap::new();
        let groups = by_plan(keys.iter().map(|k| (k.parent, &k.plan)), |p| &p.key);
        for (plan, parents) in groups {
            for row in self
                .db
                .query_all_raw(plan.statement(backend, &parents))
                .await?
            {
                let parent: Uuid = row.try_get_by_index(0)?;
                let count: i64 = row.try_get_by_index(1)?;
                out.insert(
                    NestedCount {
                        parent,
                        plan: plan.clone(),
                    },
                    count,
                );
            }
        }
        Ok(out)
    }
}

/// Declares a [`ChildRelation`] marker.
#[macro_export]
macro_rules! child_relation {
    ($(#[$meta:meta])* $name:ident: $module:ident by $parent:ident order $order:ident) => {
        $(#[$meta])*
        pub struct $name;
        impl $crate::core::loaders::ChildRelation for $name {
            type Entity = entity::$module::Entity;
            fn parent_column() -> entity::$module::Column {
                entity::$module::Column::$parent
            }
            fn order_column() -> entity::$module::Column {
                entity::$module::Column::$order
            }
        }
    };
}
