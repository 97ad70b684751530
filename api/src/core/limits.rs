//! Limits on what one request and one caller may cost, all checked before execution starts.
//!
//! - Depth and cost (a connection costs its page size times what it selects, see
//!   [`crate::core::pagination::page_cost`]) are async-graphql's own validation rules; [`Gate`] only
//!   gives their refusals the LIMIT_EXCEEDED code and the name of the limit.
//! - Document size, aliases and root fields are counted here on the parsed document.
//! - The specification's "Directives Are Unique Per Location" rule is checked here too
//!   ([`directives_unique`]): async-graphql's own check never looks at `__typename`.
//! - A request refused by any of these checks, by parsing or by validation still spends
//!   [`REJECTED_DOCUMENT_COST`], so probing with invalid documents is rate-limited too.
//! - The rate limit spends the validated cost from a per-caller budget (signed-in callers by
//!   person, anonymous ones by client address) with `governor`'s keyed GCRA limiter. The CSV
//!   export spends from the same [`RateLimits`] (the export's cost per row).
//! - A mutation over GET is refused (GraphQL over HTTP), and so is a change by a cleared caller
//!   without a stated purpose where the partnership requires one. Both checks run on the parsed
//!   document, after automatic persisted queries have supplied it, so a hash cannot bypass them.

use crate::config::Limits;
use crate::core::context::RequestContext;
use crate::core::error::{ApiError, ErrorCode, Raised};
use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextValidation,
};
use async_graphql::parser::types::{
    Directive, DocumentOperations, ExecutableDocument, OperationType, Selection, SelectionSet,
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

    /// Spends `cost` from the budget of whoever asks: the person when signed in, otherwise the
    /// client address. `Ok(None)`: there is nobody to charge (an anonymous caller with no known
    /// address, which only happens off the HTTP path). Every transport that answers a caller
    /// (GraphQL, the CSV export) spends from this one budget, so one cannot be used to get round
    /// the other.
    pub fn spend(
        &self,
        person: Option<uuid::Uuid>,
        client: Option<IpAddr>,
        cost: u32,
    ) -> Result<Option<RateState>, RateLimited> {
        let key = match (person, client) {
            (Some(person), _) => BudgetOwner::Person(person),
            (None, Some(ip)) => BudgetOwner::Address(ip),
            (None, None) => return Ok(None),
        };
        self.spend_key(&key, cost).map(Some).map_err(|retry_after| {
            metrics::counter!("csp_rate_limited_total").increment(1);
            RateLimited { cost, retry_after }
        })
    }

    /// Spends `cost` from one budget; `Err` holds the seconds until it can be afforded.
    fn spend_key(&self, key: &BudgetOwner, cost: u32) -> Result<RateState, u64> {
        let (limiter, name, limit) = match key {
            BudgetOwner::Person(id) => (
                &self.signed_in,
                format!("person:{id}"),
                self.signed_in_limit,
            ),
            // An IPv6 client usually holds a whole /64: one budget for the block.
            BudgetOwner::Address(IpAddr::V6(ip)) => {
                let block = u128::from(*ip) >> 64;
                (
                    &self.anonymous,
                    format!("ip6:{block:x}"),
                    self.anonymous_limit,
                )
            }
            BudgetOwner::Address(ip) => (&self.anonymous, format!("ip:{ip}"), self.anonymous_limit),
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
enum BudgetOwner {
    Person(uuid::Uuid),
    Address(IpAddr),
}

/// A refusal for want of budget: answered with HTTP 429, `Retry-After` and code RATE_LIMITED.
#[derive(Clone, Copy, Debug)]
pub struct RateLimited {
    /// What the refused request would have cost.
    pub cost: u32,
    /// Seconds until the budget can afford it.
    pub retry_after: u64,
}

impl RateLimited {
    /// The message every transport gives.
    pub fn message(&self) -> String {
        format!(
            "rate limit reached: this request costs {}; retry in {} s",
            self.cost, self.retry_after
        )
    }

    /// As a GraphQL error (`extensions.retryAfter` becomes the HTTP `Retry-After`).
    fn into_server_error(self) -> ServerError {
        let mut err = ErrorCode::RateLimited.server_error(self.message());
        if let Some(ext) = err.extensions.as_mut() {
            ext.set("retryAfter", self.retry_after);
        }
        err
    }
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
    let mut err = ErrorCode::LimitExceeded.server_error(message);
    if let Some(ext) = err.extensions.as_mut() {
        ext.set("limit", limit);
    }
    err
}

fn document_too_large(size: usize, limit: usize) -> ServerError {
    limit_error(
        "maxDocumentBytes",
        format!("the document is {size} bytes; the limit is {limit} (maxDocumentBytes)"),
    )
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

/// The GraphQL specification's "Directives Are Unique Per Location" validation rule, over the
/// whole document (every operation and fragment, used or not, as validation does): a directive
/// the schema does not declare `repeatable` (`@skip`, `@include` and every other one we have)
/// appears at most once on an operation, variable definition, field, fragment spread, inline
/// fragment or fragment definition.
///
/// async-graphql has this rule, but its validator never visits `__typename` fields, so
/// `{ __typename @skip(if: false) @skip(if: false) … }` passed with any number of repeats. This
/// walk visits each definition once (spreads are not followed) and runs after parsing, whose
/// recursion limit bounds its depth.
fn directives_unique(
    doc: &ExecutableDocument,
    registry: &async_graphql::registry::Registry,
) -> ServerResult<()> {
    let check = |directives: &[Positioned<Directive>]| -> ServerResult<()> {
        let mut seen = std::collections::HashSet::new();
        for directive in directives {
            let name = directive.node.name.node.as_str();
            let repeatable = registry
                .directives
                .get(name)
                .is_some_and(|d| d.is_repeatable);
            if !repeatable && !seen.insert(name) {
                let mut err = ErrorCode::GraphqlValidationFailed.server_error(format!(
                    "The directive \"@{name}\" can only be used once at this location."
                ));
                err.locations = vec![directive.pos];
                return Err(err);
            }
        }
        Ok(())
    };
    fn walk(
        set: &SelectionSet,
        check: &dyn Fn(&[Positioned<Directive>]) -> ServerResult<()>,
    ) -> ServerResult<()> {
        for item in &set.items {
            match &item.node {
                Selection::Field(f) => {
                    check(&f.node.directives)?;
                    walk(&f.node.selection_set.node, check)?;
                }
                Selection::FragmentSpread(spread) => check(&spread.node.directives)?,
                Selection::InlineFragment(f) => {
                    check(&f.node.directives)?;
                    walk(&f.node.selection_set.node, check)?;
                }
            }
        }
        Ok(())
    }
    for (_, op) in doc.operations.iter() {
        check(&op.node.directives)?;
        for variable in &op.node.variable_definitions {
            check(&variable.node.directives)?;
        }
        walk(&op.node.selection_set.node, &check)?;
    }
    for fragment in doc.fragments.values() {
        check(&fragment.node.directives)?;
        walk(&fragment.node.selection_set.node, &check)?;
    }
    Ok(())
}

/// What a request refused before execution costs from the caller's budget: a document that
/// does not parse or validate, or breaks a limit. About what a small real query costs, so probing
/// for the schema's names with made-up documents spends the budget as asking questions does and
/// is rate-limited like it (without it, refusals were free and unlimited).
pub const REJECTED_DOCUMENT_COST: u32 = 10;

/// Nesting beyond which counting stops and the operation is refused (validation would refuse
/// it anyway; this keeps the count itself cheap on a hostile document).
const MAX_COUNT_NESTING: usize = 64;

/// Aliased fields and top-level fields of an operation, with every fragment spread counted in
/// full each time it is spread (a fragment's own totals are worked out once and reused).
struct Counter<'a> {
    doc: &'a ExecutableDocument,
    /// Aliases inside each fragment, once worked out.
    fragment_aliases: std::collections::HashMap<String, usize>,
    /// Top-level fields each fragment contributes when spread at the root.
    fragment_fields: std::collections::HashMap<String, usize>,
    /// Fragments being expanded (a cycle, which validation rejects, is counted as too many).
    visiting: Vec<String>,
}

impl<'a> Counter<'a> {
    fn new(doc: &'a ExecutableDocument) -> Self {
        Counter {
            doc,
            fragment_aliases: Default::default(),
            fragment_fields: Default::default(),
            visiting: Vec::new(),
        }
    }

    fn fragment(&self, name: &str) -> Option<&'a SelectionSet> {
        self.doc
            .fragments
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, f)| &f.node.selection_set.node)
    }

    fn aliases(&mut self, set: &SelectionSet, nesting: usize) -> usize {
        if nesting > MAX_COUNT_NESTING {
            return usize::MAX;
        }
        let mut n: usize = 0;
        for item in &set.items {
            let add = match &item.node {
                Selection::Field(f) => usize::from(f.node.alias.is_some())
                    .saturating_add(self.aliases(&f.node.selection_set.node, nesting + 1)),
                Selection::InlineFragment(f) => {
                    self.aliases(&f.node.selection_set.node, nesting + 1)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.to_string();
                    self.spread(&name, nesting, true)
                }
            };
            n = n.saturating_add(add);
        }
        n
    }

    fn root_fields(&mut self, set: &SelectionSet, nesting: usize) -> usize {
        if nesting > MAX_COUNT_NESTING {
            return usize::MAX;
        }
        let mut n: usize = 0;
        for item in &set.items {
            let add = match &item.node {
                Selection::Field(_) => 1,
                Selection::InlineFragment(f) => {
                    self.root_fields(&f.node.selection_set.node, nesting + 1)
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.to_string();
                    self.spread(&name, nesting, false)
                }
            };
            n = n.saturating_add(add);
        }
        n
    }

    /// A fragment's aliases (`aliases`) or root fields, memoised.
    fn spread(&mut self, name: &str, nesting: usize, aliases: bool) -> usize {
        let memo = if aliases {
            &self.fragment_aliases
        } else {
            &self.fragment_fields
        };
        if let Some(n) = memo.get(name) {
            return *n;
        }
        if self.visiting.iter().any(|v| v == name) {
            return usize::MAX;
        }
        let Some(set) = self.fragment(name) else {
            return 0;
        };
        self.visiting.push(name.to_string());
        let n = if aliases {
            self.aliases(set, nesting + 1)
        } else {
            self.root_fields(set, nesting + 1)
        };
        self.visiting.pop();
        let memo = if aliases {
            &mut self.fragment_aliases
        } else {
            &mut self.fragment_fields
        };
        memo.insert(name.to_string(), n);
        n
    }
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
            operation_type: Mutex::new(None),
        })
    }
}

struct GateExtension {
    limits: Limits,
    rates: Arc<RateLimits>,
    operation_name: Mutex<Option<String>>,
    operation_type: Mutex<Option<OperationType>>,
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
        // Registered before the persisted-query extension: a document is measured when it is
        // sent, so one registered by hash was measured too.
        if request.query.len() > self.limits.max_document_bytes {
            // The request's data is not the extensions' yet: read the caller from the request.
            let data = |id| request.data.get(&id);
            let rc = data(std::any::TypeId::of::<RequestContext>()).and_then(|d| d.downcast_ref());
            let http = data(std::any::TypeId::of::<HttpInfo>()).and_then(|d| d.downcast_ref());
            self.charge_refusal(rc, http)?;
            return Err(document_too_large(
                request.query.len(),
                self.limits.max_document_bytes,
            ));
        }
        next.run(ctx, request).await
    }

    /// Parsing and the checks on the parsed document; a refusal is charged to the caller.
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        match self.parse_and_check(ctx, query, variables, next).await {
            Ok(doc) => Ok(doc),
            Err(refusal) => {
                self.charge_refusal(ctx.data_opt(), ctx.data_opt())?;
                Err(refusal)
            }
        }
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = match next.run(ctx).await {
            Ok(result) => result,
            Err(errors) => {
                self.charge_refusal(ctx.data_opt(), ctx.data_opt())
                    .map_err(|e| vec![e])?;
                return Err(errors.into_iter().map(|e| self.name_limit(e)).collect());
            }
        };
        let (Some(rc), Some(http)) = (ctx.data_opt::<RequestContext>(), ctx.data_opt::<HttpInfo>())
        else {
            return Ok(result);
        };
        let cost = u32::try_from(result.complexity).unwrap_or(u32::MAX);
        match self.rates.spend(rc.viewer.person_id(), http.client, cost) {
            Ok(state) => {
                if let (Some(state), Ok(mut slot)) = (state, http.rate.lock()) {
                    *slot = Some(state);
                }
                // After the budget is spent, so refusals cannot be had for free.
                let mutation = self
                    .operation_type
                    .lock()
                    .ok()
                    .and_then(|t| *t)
                    .is_some_and(|t| t == OperationType::Mutation);
                if mutation {
                    check_change_purpose(rc).await.map_err(|e| vec![e])?;
                }
                Ok(result)
            }
            Err(refused) => Err(vec![refused.into_server_error()]),
        }
    }
}

impl GateExtension {
    /// Parses, then applies the checks on the parsed document (see the module's documentation).
    async fn parse_and_check(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let limits = &self.limits;
        if query.len() > limits.max_document_bytes {
            return Err(document_too_large(query.len(), limits.max_document_bytes));
        }
        let doc = next.run(ctx, query, variables).await?;
        directives_unique(&doc, &ctx.schema_env.registry)?;
        let name = self.operation_name.lock().ok().and_then(|n| n.clone());
        let Some(op) = operation(&doc, name.as_deref()) else {
            // Let validation report the missing or ambiguous operation.
            return Ok(doc);
        };
        let mut counter = Counter::new(&doc);
        let root = counter.root_fields(&op.node.selection_set.node, 0);
        if root > limits.max_root_fields {
            return Err(limit_error(
                "maxRootFields",
                format!(
                    "the operation selects more than {} top-level fields (maxRootFields)",
                    limits.max_root_fields
                ),
            ));
        }
        let aliases = counter.aliases(&op.node.selection_set.node, 0);
        if aliases > limits.max_aliases {
            return Err(limit_error(
                "maxAliases",
                format!(
                    "the operation uses more than {} aliases (maxAliases)",
                    limits.max_aliases
                ),
            ));
        }
        match (ctx.data_opt::<HttpInfo>(), op.node.ty) {
            (Some(http), OperationType::Mutation) if http.get => {
                return Err(ErrorCode::MethodNotAllowed.server_error(
                    "mutations must be sent with POST",
                ))
            }
            // The WebSocket carries subscriptions only: queries and mutations go over HTTP, where
            // the audit of restricted reads, the purpose rule and the rate limit apply.
            (None, OperationType::Query | OperationType::Mutation) => {
                return Err(ErrorCode::MethodNotAllowed.server_error(
                    "send queries and mutations to POST /graphql; the WebSocket carries subscriptions only",
                ))
            }
            _ => {}
        }
        if let Ok(mut ty) = self.operation_type.lock() {
            *ty = Some(op.node.ty);
        }
        Ok(doc)
    }

    /// Spends [`REJECTED_DOCUMENT_COST`] for a request refused before execution. `Err`: the
    /// budget could not afford even that, and the caller gets RATE_LIMITED (429) instead.
    fn charge_refusal(
        &self,
        rc: Option<&RequestContext>,
        http: Option<&HttpInfo>,
    ) -> ServerResult<()> {
        let (Some(rc), Some(http)) = (rc, http) else {
            return Ok(());
        };
        match self
            .rates
            .spend(rc.viewer.person_id(), http.client, REJECTED_DOCUMENT_COST)
        {
            Ok(state) => {
                if let (Some(state), Ok(mut slot)) = (state, http.rate.lock()) {
                    *slot = Some(state);
                }
                Ok(())
            }
            Err(refused) => Err(refused.into_server_error()),
        }
    }

    /// async-graphql's depth and complexity refusals, coded and naming the limit.
    fn name_limit(&self, mut err: ServerError) -> ServerError {
        match Raised::of(&err) {
            Raised::TooDeep => {
                let mut named = limit_error(
                    "maxDepth",
                    format!(
                        "the query is nested deeper than {} levels (maxDepth)",
                        self.limits.max_depth
                    ),
                );
                named.locations = std::mem::take(&mut err.locations);
                named
            }
            Raised::TooComplex => limit_error(
                "maxCost",
                format!(
                    "the query costs more than {} (maxCost): a list costs its page size times what it selects; ask for smaller pages",
                    self.limits.max_cost
                ),
            ),
            _ => err,
        }
    }
}

/// Refuses a change by a cleared caller who states no purpose where their partnership requires
/// one (see [`crate::core::audit::purpose_required_for_changes`]); the refusal is audited.
async fn check_change_purpose(rc: &RequestContext) -> ServerResult<()> {
    if rc.purpose.is_some() {
        return Ok(());
    }
    let internal = |err: crate::core::error::ApiError| {
        tracing::error!(error = ?err, "cannot check the purpose requirement");
        err.server_error()
    };
    if !crate::core::audit::purpose_required_for_changes(&rc.db, &rc.viewer)
        .await
        .map_err(internal)?
    {
        return Ok(());
    }
    let entry = crate::core::audit::Entry {
        operation: "mutation",
        entity_type: "request",
        entity_id: None,
        partnership_id: None,
        outcome: crate::core::audit::Outcome::Denied,
        detail: Some("no X-Access-Purpose stated".into()),
    };
    crate::core::audit::record(&rc.db, &rc.viewer, None, entry)
        .await
        .map_err(internal)?;
    Err(ApiError::purpose_required(
        "your partnership requires people cleared for restricted records to state an X-Access-Purpose header for every change",
    )
    .server_error())
}
