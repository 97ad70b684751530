//! What every resolver reads from the GraphQL context, through one small extension trait.

use crate::core::access::Scoped;
use crate::core::auth::Viewer;
use crate::core::error::{ApiError, ApiResult};
use crate::core::loaders::{Batch, ById, ChildRelation, Children};
use async_graphql::dataloader::DataLoader;
use async_graphql::Context;
use sea_orm::{DatabaseConnection, EntityTrait};
use std::sync::Arc;
use uuid::Uuid;

/// Per-request state: the caller, the database and the request's loader.
pub struct RequestContext {
    pub viewer: Arc<Viewer>,
    pub db: DatabaseConnection,
    pub loader: DataLoader<Batch>,
    /// Why the caller says they are accessing records (`X-Access-Purpose`), for the audit log.
    pub purpose: Option<String>,
    /// Live-update events.
    pub events: crate::core::events::EventBus,
    /// Restricted rows read by this request, audited when it finishes.
    pub reads: Arc<crate::core::access::ReadLog>,
}

impl RequestContext {
    pub fn new(
        viewer: Viewer,
        db: DatabaseConnection,
        purpose: Option<String>,
        events: crate::core::events::EventBus,
    ) -> Self {
        let viewer = Arc::new(viewer);
        let reads = Arc::new(crate::core::access::ReadLog::default());
        let loader = crate::core::loaders::new_loader(viewer.clone(), db.clone(), reads.clone());
        RequestContext {
            viewer,
            db,
            loader,
            purpose,
            events,
            reads,
        }
    }

    /// A visible row of `E` by id, batched with the other loads of the request.
    pub async fn load<E>(&self, id: Uuid) -> ApiResult<Option<E::Model>>
    where
        E: Scoped,
        E::Model: Clone + Send + Sync,
    {
        self.loader.load_one(ById::<E>::new(id)).await
    }

    /// Visible rows of `E` by id, in one batch; invisible and missing ids are absent.
    pub async fn load_many<E>(
        &self,
        ids: impl IntoIterator<Item = Uuid>,
    ) -> ApiResult<std::collections::HashMap<Uuid, E::Model>>
    where
        E: Scoped,
        E::Model: Clone + Send + Sync,
    {
        Ok(self
            .loader
            .load_many(ids.into_iter().map(ById::<E>::new))
            .await?
            .into_iter()
            .map(|(k, v)| (k.0, v))
            .collect())
    }

    /// Like [`load`](Self::load) for an optional link.
    pub async fn load_opt<E>(&self, id: Option<Uuid>) -> ApiResult<Option<E::Model>>
    where
        E: Scoped,
        E::Model: Clone + Send + Sync,
    {
        match id {
            Some(id) => self.load::<E>(id).await,
            None => Ok(None),
        }
    }

    /// The visible children of `parent` along relation `R`, batched.
    pub async fn children<R>(
        &self,
        parent: Uuid,
    ) -> ApiResult<Vec<<R::Entity as EntityTrait>::Model>>
    where
        R: ChildRelation,
        <R::Entity as EntityTrait>::Model: Clone + Send + Sync,
    {
        Ok(self
            .loader
            .load_one(Children::<R>::new(parent))
            .await?
            .unwrap_or_default())
    }
}

/// Access to the request state from a resolver.
pub trait CtxExt {
    fn req(&self) -> ApiResult<&RequestContext>;
}

impl CtxExt for Context<'_> {
    fn req(&self) -> ApiResult<&RequestContext> {
        self.data::<RequestContext>().map_err(|_| {
            tracing::error!("request context missing from GraphQL request");
            ApiError::Internal
        })
    }
}
