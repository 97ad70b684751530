//! Builds the schema from the per-area query objects, the Relay `Node` interface with `node(id)`
//! and `nodes(ids)`, and the extension that gives every error an `extensions.code`.

use crate::core::context::{CtxExt, RequestContext};
use crate::core::error::{ApiError, ApiResult, ErrorCode, Raised};
use crate::core::ids::{self, Kind};
use crate::domain::actions::live::ActionsSubscription;
use crate::domain::actions::writes::ActionsMutation;
use crate::domain::actions::{Action, ActionUpdate, ActionsQuery};
use crate::domain::administration::{AdministrationQuery, ProvisioningToken};
use crate::domain::boards::{Board, BoardMembership, BoardsQuery};
use crate::domain::calendars::{CalendarFeed, CalendarsQuery};
use crate::domain::clearances::{Clearance, ClearancesMutation, ClearancesQuery};
use crate::domain::indicators::{Indicator, IndicatorReading, IndicatorsMutation, IndicatorsQuery};
use crate::domain::meetings::writes::MeetingsMutation;
use crate::domain::meetings::written_updates::{WrittenUpdateRequest, WrittenUpdatesMutation};
use crate::domain::meetings::{AgendaItem, Meeting, MeetingsQuery, Resolution};
use crate::domain::partners::{Organisation, PartnersQuery, Partnership, Person, Post};
use crate::domain::reviews::{Review, ReviewsQuery};
use crate::domain::strategies::{Priority, StrategiesQuery, Strategy};
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextRequest};
use async_graphql::{
    Context, Interface, MergedObject, MergedSubscription, Object, Response, Schema, ID,
};
use entity::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use uuid::Uuid;

/// Most IDs accepted by `nodes(ids)`.
pub const MAX_NODES: usize = 100;

/// Makes the `Node` interface and `load_node` of the node table (`crate::node_types!`).
macro_rules! node_interface {
    ($($kind:ident: $entity:ident => $ty:ident $(via $present:path)?,)*) => {
        /// Any object with a global ID.
        #[derive(Interface)]
        #[graphql(field(name = "id", ty = "ID"))]
        #[allow(clippy::large_enum_variant)]
        pub enum Node {
            $($kind($ty),)*
        }

        /// Loads one node the caller may see; `None` both for a missing and for an invisible
        /// record.
        async fn load_node(rc: &RequestContext, kind: Kind, id: Uuid) -> ApiResult<Option<Node>> {
            Ok(match kind {
                $(Kind::$kind => rc
                    .load::<$entity::Entity>(id)
                    .await?
                    .map(|m| Node::$kind($ty(present!(rc, m $(, $present)?)))),)*
            })
        }
    };
}

/// A visible row as the caller may see it: whole, or through its access function.
macro_rules! present {
    ($rc:expr, $model:expr) => {
        $model
    };
    ($rc:expr, $model:expr, $present:path) => {
        $present(&$rc.viewer, $model)
    };
}

crate::node_types!(node_interface);

/// `node` and `nodes`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by global ID; null when it does not exist or the caller may not see it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
        let (kind, uuid) = ids::decode_any(&id, "id")?;
        load_node(ctx.req()?, kind, uuid).await
    }

    /// Several objects by global ID, in the order asked; null entries as for `node`.
    #[graphql(complexity = "1 + ids.len().min(MAX_NODES) * child_complexity")]
    async fn nodes(&self, ctx: &Context<'_>, ids: Vec<ID>) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > MAX_NODES {
            return Err(ApiError::bad_input(
                "ids",
                format!("at most {MAX_NODES} IDs per request"),
            ));
        }
        let decoded = ids
            .iter()
            .map(|id| ids::decode_any(id, "ids"))
            .collect::<ApiResult<Vec<_>>>()?;
        let rc = ctx.req()?;
        let loads = decoded
            .into_iter()
            .map(|(kind, uuid)| load_node(rc, kind, uuid));
        futures_util::future::try_join_all(loads).await
    }
}

/// The query root: only merges the areas.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    NodeQuery,
    PartnersQuery,
    BoardsQuery,
    ClearancesQuery,
    MeetingsQuery,
    StrategiesQuery,
    ActionsQuery,
    IndicatorsQuery,
    ReviewsQuery,
    crate::domain::audit_log::AuditQuery,
    AdministrationQuery,
    CalendarsQuery,
    crate::domain::reminders::RemindersQuery,
    crate::domain::search::SearchQuery,
);

/// The mutation root: only merges the areas.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    crate::domain::boards::BoardsMutation,
    ClearancesMutation,
    ActionsMutation,
    MeetingsMutation,
    crate::domain::meetings::changes::MeetingChangesMutation,
    WrittenUpdatesMutation,
    IndicatorsMutation,
    crate::domain::reviews::ReviewsMutation,
    crate::domain::administration::AdministrationMutation,
    crate::domain::strategies::StrategiesMutation,
    crate::domain::calendars::CalendarsMutation,
);

/// The subscription root.
#[derive(MergedSubscription, Default)]
pub struct SubscriptionRoot(ActionsSubscription);

/// The schema type.
pub type ApiSchema = Schema<QueryRoot, MutationRoot, SubscriptionRoot>;

/// Most automatic persisted queries remembered.
const APQ_CACHE_ENTRIES: usize = 1_000;

/// Builds the schema with its limits, the persisted-query cache and the error-code extension.
/// In production, field suggestions ("did you mean …") are off and internal messages masked.
pub fn build_schema(
    limits: &crate::config::Limits,
    production: bool,
    rates: Arc<crate::core::limits::RateLimits>,
) -> ApiSchema {
    use async_graphql::extensions::apollo_persisted_queries::{
        ApolloPersistedQueries, LruCacheStorage,
    };
    let mut builder = Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        SubscriptionRoot::default(),
    )
    .register_output_type::<Node>()
    .limit_depth(limits.max_depth)
    .limit_complexity(limits.max_cost.try_into().unwrap_or(usize::MAX))
    .extension(crate::core::limits::Gate::new(limits.clone(), rates))
    .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
        APQ_CACHE_ENTRIES,
    )))
    .extension(ErrorCodes::new(production));
    if production {
        builder = builder.disable_suggestions();
    }
    builder.finish()
}

/// The SDL, as checked in to `schema.graphql`.
pub fn sdl() -> String {
    let limits = crate::config::Limits::default();
    let rates = Arc::new(crate::core::limits::RateLimits::new(&limits));
    build_schema(&limits, false, rates).sdl()
}

/// What an anonymous caller in production is told about a document that does not parse or
/// validate: nothing that names a type, field, argument or directive, so the schema (hidden
/// from them with introspection off) cannot be recovered by trying names from a word list.
pub const GENERIC_INVALID_DOCUMENT: &str = "The query is not valid for this API.";

/// The same for a value async-graphql could not coerce (`Invalid value for argument "…",
/// enumeration type "…"`), which names argument and type names just as well.
pub const GENERIC_INVALID_VALUE: &str = "A value in the query is not valid for this API.";

/// Gives every error of a response a stable `extensions.code`.
///
/// Resolver errors carry their [`ApiError`] as the error's source; errors async-graphql raises
/// itself get BAD_USER_INPUT (a value that does not coerce: bad enum, bad date) or
/// GRAPHQL_VALIDATION_FAILED (syntax, unknown field, limits). In production, anonymous callers
/// get async-graphql's own messages replaced with [`GENERIC_INVALID_DOCUMENT`] or
/// [`GENERIC_INVALID_VALUE`]; signed-in callers (partners' tools, which may introspect anyway)
/// keep the detail.
pub struct ErrorCodes {
    /// Replace the message of any INTERNAL error with a generic one, and hide names from
    /// anonymous callers.
    production: bool,
    /// Whether this request's caller is anonymous: learnt when parsing starts, the first hook
    /// that sees the request's data. Unknown (false) before that, for the refusals that come
    /// earlier (document size, persisted-query lookups), which name nothing from the schema.
    anonymous: AtomicBool,
}

impl ErrorCodes {
    fn new(production: bool) -> Self {
        ErrorCodes {
            production,
            anonymous: AtomicBool::new(false),
        }
    }
}

impl ExtensionFactory for ErrorCodes {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes::new(self.production))
    }
}

/// Whether the request's caller is anonymous, when the request context is known.
fn is_anonymous(ctx: &ExtensionContext<'_>) -> Option<bool> {
    ctx.data_opt::<RequestContext>()
        .map(|rc| rc.viewer.person.is_none())
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = next.run(ctx).await;
        let hide_names = self.production && self.anonymous.load(Ordering::Relaxed);
        code_errors(response, self.production, hide_names)
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &async_graphql::Variables,
        next: async_graphql::extensions::NextParseQuery<'_>,
    ) -> async_graphql::ServerResult<async_graphql::parser::types::ExecutableDocument> {
        if let Some(anonymous) = is_anonymous(ctx) {
            self.anonymous.store(anonymous, Ordering::Relaxed);
        }
        next.run(ctx, query, variables).await
    }

    /// Subscription events get the same codes and masking as HTTP responses (the connection's
    /// caller is in the session data from `connection_init`).
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: futures_util::stream::BoxStream<'s, Response>,
        next: async_graphql::extensions::NextSubscribe<'_>,
    ) -> futures_util::stream::BoxStream<'s, Response> {
        use futures_util::StreamExt;
        let production = self.production;
        let hide_names = production && is_anonymous(ctx).unwrap_or(true);
        next.run(ctx, stream)
            .map(move |response| code_errors(response, production, hide_names))
            .boxed()
    }
}

/// Gives each error of a response its code (see [`ErrorCodes`]); `hide_names` replaces
/// async-graphql's own messages, which name types and fields, with generic ones.
fn code_errors(mut response: Response, production: bool, hide_names: bool) -> Response {
    for error in &mut response.errors {
        let api = error.source::<ApiError>().cloned();
        let raised = Raised::of(error);
        let coded = ErrorCode::of(error);
        let extensions = error.extensions.get_or_insert_with(Default::default);
        if let Some(api) = api {
            extensions.set("code", api.code().as_str());
            if let Some(field) = api.field() {
                extensions.set("field", field);
            }
            continue;
        }
        if let Some(code) = coded {
            // Coded where it was raised (limits, rate, the checks in `limits`): only validation
            // refusals can echo names from the document.
            if code == ErrorCode::GraphqlValidationFailed && hide_names {
                error.message = GENERIC_INVALID_DOCUMENT.into();
            }
            continue;
        }
        let code = match raised {
            Raised::BadValue => ErrorCode::BadUserInput,
            Raised::Internal => ErrorCode::Internal,
            Raised::PersistedQuery | Raised::Invalid | Raised::TooDeep | Raised::TooComplex => {
                ErrorCode::GraphqlValidationFailed
            }
        };
        extensions.set("code", code.as_str());
        match raised {
            Raised::Internal if production => error.message = "internal server error".into(),
            Raised::BadValue if hide_names => error.message = GENERIC_INVALID_VALUE.into(),
            Raised::Invalid if hide_names => error.message = GENERIC_INVALID_DOCUMENT.into(),
            _ => {}
        }
    }
    response
}
