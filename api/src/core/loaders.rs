//! Batched relation loading, built per request with the caller's [`Viewer`].
//!
//! One `DataLoader<Batch>` serves every relation: to-one links by id ([`ById`]), small child lists
//! ([`Children`]), an action's latest update ([`LatestUpdate`]) and seats' clearance flags
//! ([`ClearanceInForce`]). Each batch is one SQL statement
//! that starts from [`access::visible`], so a loader can never return a row the caller may not see,
//! and because the loader lives only as long as its request, its cache never crosses users.

use crate::core::access::{self, Scoped};
use crate::core::auth::Viewer;
use crate::core::error::ApiError;
use async_graphql::dataloader::{DataLoader, Loader};
use entity::action_update;
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, ModelTrait, QueryFilter, QueryOrder, QuerySelect,
    Value,
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
