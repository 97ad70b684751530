//! Limits on what one request and one caller may cost, all checked before execution starts.
//!
//! - Depth and cost (a connection costs its page size times what it selects, see
//!   [`crate::pagination::page_cost`]) are async-graphql's own validation rules; [`Gate`] only
//!   gives their refusals the LIMIT_EXCEEDED code and the name of the limit.
//! - Document size, aliases and root fields are counted here on the parsed document.
//! - The rate limit spends the validated cost from a per-caller budget (signed-in callers by
//!   person, anonymous ones by client address) with `governor`'s keyed GCRA limiter.
//! - A mutation over GET is refused (GraphQL over HTTP), and so is a change by a cleared caller
//!   without a stated purpose where the partnership requires one. Both checks run on the parsed
//!   document, after automatic persisted queries have supplied it, so a hash cannot bypass them.

use crate::config::Limits;
use crate::context::RequestContext;
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
};
use async_graphql::{Positioned, ServerError, ServerResult, ValidationResult, Variables};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};

type Keyed =
    RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Per-caller cost budgets.
pub struct RateLimits {
    signed_in: Keyed,
    anonymous: Keyed,
    signed_in_limit: u32,
    anonymous_limit: u32,
}

impl RateLimits {
    pub fn new(limits: &Limits) -> Self {
        let per_minute = |n: u32| Quota::per_minute(NonZeroU32::new(n.max(1)).expect("non-zero"));
        RateLimits {
            signed_in: RateLimiter::keyed(per_minute(limits.rate_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            anonymous: RateLimiter::keyed(per_minute(limits.anonymous_rate_per_minute))
                .with_middleware::<StateInformationMiddleware>(),
            signed_in_limit: limits.rate_per_minute.max(1),
            anonymous_limit: limits.anonymous_rate_per_minute.max(1),
        }
    }

    /// Forgets callers whose budget is full again, so memory stays bounded.
    pub fn tidy(&self) {
        self.signed_in.retain_recent();
        self.anonymous.retain_recent();
    }

    /// Spends `cost` from the caller's budget.
    fn spend(&self, key: &Caller, cost: u32) -> Result<RateState, u64> {
        let (limiter, name, limit) = match key {
            Caller::Person(id) => (
                &self.signed_in,
                format!("person:{id}"),
                self.signed_in_limit,
            ),
            Caller::Address(ip) => (&self.anonymous, format!("ip:{ip}"), self.anonymous_limit),
        };
        let n = NonZeroU32::new(cost.clamp(1, limit)).expect("non-zero");
        match limiter.check_key_n(&name, n) {
            Ok(Ok(snapshot)) => Ok(RateState {
                limit,
                remaining: snapshot.remaining_burst_capacity(),
            }),
            Ok(Err(not_until)) => Err(not_until
                .wait_time_from(DefaultClock::default().now())
                .as_secs()
                .max(1)),
            Err(_) => Err(60),
        }
    }
}

/// Who a budget belongs to.
enum Caller {
    Person(uuid::Uuid),
    Address(IpAddr),
}

/// The budget left after a request, for the `RateLimit-*` response headers.
#[derive(Clone, Copy, Debug)]
pub struct RateState {
    pub limit: u32,
    pub remaining: u32,
}

/// What the HTTP layer tells the gate about a request, and what the gate reports back.
#[derive(Clone, Default)]
pub struct HttpInfo {
    /// The request came by GET: queries only.
    pub get: bool,
    /// The client address, for anonymous budgets.
    pub client: Option<IpAddr>,
    /// Filled in by the gate once the cost is spent.
    pub rate: Arc<Mutex<Option<RateState>>>,
}

/// A refusal naming the limit.
fn limit_error(limit: &str, message: String) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", "LIMIT_EXCEEDED");
    ext.set("limit", limit);
    err.extensions = Some(ext);
    err
}

fn coded(code: &str, message: impl Into<String>) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    err
}

/// The operation a request will run.
fn operation<'a>(
    doc: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a Positioned<async_graphql::parser::types::OperationDefinition>> {
    match (&doc.operations, name) {
        (DocumentOperations::Single(op), _) => Some(op),
        (DocumentOperations::Multiple(ops), Some(name)) => ops.get(name),
        (DocumentOperations::Multiple(ops), None) if ops.len() == 1 => ops.values().next(),
        _ => None,
    }
}

/// Counts aliased fields in a selection set, following fragments once each; stops early past
/// `cap` so a hostile document cannot make the count itself expensive.
fn count_aliases(
    doc: &ExecutableDocument,
    set: &SelectionSet,
    seen: &mut Vec<String>,
    cap: usize,
) -> usize {
    let mut n = 0;
    for item in &set.items {
        if n > cap {
            break;
        }
        match &item.node {
            Selection::Field(f) => {
                if f.node.alias.is_some() {
                    n += 1;
                }
                n += count_aliases(doc, &f.node.selection_set.node, seen, cap);
            }
            Selection::InlineFragment(f) => {
                n += count_aliases(doc, &f.node.selection_set.node, seen, cap)
            }
            Selection::FragmentSpread(s) => {
                let name = s.node.fragment_name.node.to_string();
                if seen.contains(&name) {
                    continue;
                }
                seen.push(name.clone());
                if let Some(fragment) = doc.fragments.get(&s.node.fragment_name.node) {
                    n += count_aliases(doc, &fragment.node.selection_set.node, seen, cap);
                }
            }
        }
    }
    n
}

/// Top-level fields of the operation (fragments at the root included).
fn count_root_fields(doc: &ExecutableDocument, set: &SelectionSet, depth: usize) -> usize {
    if depth > 3 {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(f) => {
                count_root_fields(doc, &f.node.selection_set.node, depth + 1)
            }
            Selection::FragmentSpread(s) => doc
                .fragments
                .get(&s.node.fragment_name.node)
                .map(|f| count_root_fields(doc, &f.node.selection_set.node, depth + 1))
                .unwrap_or(0),
        })
        .sum()
}

/// The extension that applies the limits.
pub struct Gate {
    limits: Limits,
    rates: Arc<RateLimits>,
}

impl Gate {
    pub fn new(limits: Limits, rates: Arc<RateLimits>) -> Self {
        Gate { limits, rates }
    }
}

impl ExtensionFactory for Gate {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(GateExtension {
            limits: self.limits.clone(),
            rates: self.rates.clone(),
            operation_name: Mutex::new(None),
        })
    }
}

struct GateExtension {
    limits: Limits,
    rates: Arc<RateLimits>,
    operation_name: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for GateExtension {
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: async_graphql::Request,
        next: async_graphql::extensions::NextPrepareRequest<'_>,
    ) -> ServerResult<async_graphql::Request> {
        if let Ok(mut name) = self.operation_name.lock() {
            *name = request.operation_name.clone();
        }
        next.run(ctx, request).await
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let limits = &self.limits;
        if query.len() > limits.max_document_bytes {
            return Err(limit_error(
                "maxDocumentBytes",
                format!(
                    "the document is {} bytes; the limit is {} (maxDocumentBytes)",
                    query.len(),
                    limits.max_document_bytes
                ),
            ));
        }
        let doc = next.run(ctx, query, variables).await?;
        let name = self.operation_name.lock().ok().and_then(|n| n.clone());
        let Some(op) = operation(&doc, name.as_deref()) else {
            // Let validation report the missing or ambiguous operation.
            return Ok(doc);
        };
        let root = count_root_fields(&doc, &op.node.selection_set.node, 0);
        if root > limits.max_root_fields {
            return Err(limit_error(
                "maxRootFields",
                format!(
                    "the operation selects {root} top-level fields; the limit is {} (maxRootFields)",
                    limits.max_root_fields
                ),
            ));
        }
        let aliases = count_aliases(
            &doc,
            &op.node.selection_set.node,
            &mut Vec::new(),
            limits.max_aliases,
        );
        if aliases > limits.max_aliases {
            return Err(limit_error(
                "maxAliases",
                format!(
                    "the operation uses more than {} aliases (maxAliases)",
                    limits.max_aliases
                ),
            ));
        }
        let http = ctx.data_opt::<HttpInfo>();
        if op.node.ty == OperationType::Mutation {
            if http.is_some_and(|h| h.get) {
                return Err(coded(
                    "METHOD_NOT_ALLOWED",
                    "mutations must be sent with POST",
                ));
            }
            if let Some(rc) = ctx.data_opt::<RequestContext>() {
                check_change_purpose(rc).await?;
            }
        }
        Ok(doc)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await.map_err(|errors| {
            errors
                .into_iter()
                .map(|e| self.name_limit(e))
                .collect::<Vec<_>>()
        })?;
        let (Some(rc), Some(http)) = (ctx.data_opt::<RequestContext>(), ctx.data_opt::<HttpInfo>())
        else {
            return Ok(result);
        };
        let caller = match (rc.viewer.person_id(), http.client) {
            (Some(person), _) => Caller::Person(person),
            (None, Some(ip)) => Caller::Address(ip),
            (None, None) => return Ok(result),
        };
        let cost = u32::try_from(result.complexity).unwrap_or(u32::MAX);
        match self.rates.spend(&caller, cost) {
            Ok(state) => {
                if let Ok(mut slot) = http.rate.lock() {
                    *slot = Some(state);
                }
                Ok(result)
            }
            Err(retry_after) => {
                metrics::counter!("csp_rate_limited_total").increment(1);
                let mut err = coded(
                    "RATE_LIMITED",
                    format!(
                        "rate limit reached: this query costs {cost}; retry in {retry_after} s"
                    ),
                );
                if let Some(ext) = err.extensions.as_mut() {
                    ext.set("retryAfter", retry_after);
                }
                Err(vec![err])
            }
        }
    }
}

impl GateExtension {
    /// async-graphql's depth and complexity refusals, coded and naming the limit.
    fn name_limit(&self, mut err: ServerError) -> ServerError {
        if err.message.starts_with("Query is nested too deep") {
            let mut named = limit_error(
                "maxDepth",
                format!(
                    "the query is nested deeper than {} levels (maxDepth)",
                    self.limits.max_depth
                ),
            );
            named.locations = std::mem::take(&mut err.locations);
            return named;
        }
        if err.message.starts_with("Query is too complex") {
            return limit_error(
                "maxCost",
                format!(
                    "the query costs more than {} (maxCost): a list costs its page size times what it selects; ask for smaller pages",
                    self.limits.max_cost
                ),
            );
        }
        err
    }
}

/// Refuses a change by a cleared caller who states no purpose where their partnership requires
/// one (see [`crate::audit::purpose_required_for_changes`]); the refusal is audited.
async fn check_change_purpose(rc: &RequestContext) -> ServerResult<()> {
    if rc.purpose.is_some() {
        return Ok(());
    }
    let internal = |err: crate::error::ApiError| {
        tracing::error!(error = ?err, "cannot check the purpose requirement");
        let mut e = coded(err.code(), err.to_string());
        e.message = err.to_string();
        e
    };
    if !crate::audit::purpose_required_for_changes(&rc.db, &rc.viewer)
        .await
        .map_err(internal)?
    {
        return Ok(());
    }
    let entry = crate::audit::Entry {
        operation: "mutation",
        entity_type: "request",
        entity_id: None,
        partnership_id: None,
        outcome: crate::audit::Outcome::Denied,
        detail: Some("no X-Access-Purpose stated".into()),
    };
    crate::audit::record(&rc.db, &rc.viewer, None, entry)
        .await
        .map_err(internal)?;
    let mut err = coded(
        "BAD_USER_INPUT",
        "your partnership requires people cleared for restricted records to state an X-Access-Purpose header for every change",
    );
    if let Some(ext) = err.extensions.as_mut() {
        ext.set("field", "X-Access-Purpose");
    }
    Err(err)
}
