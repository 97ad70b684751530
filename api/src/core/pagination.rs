//! Relay cursor connections with keyset pagination.
//!
//! A page is `ORDER BY sort, id LIMIT n + 1` with a `WHERE (sort, id) > (cursor)` condition, so a
//! page costs the same at row 10 and row 100 000 and uses the `(…, sort)` indexes. Rows are always
//! ordered by the sort column then the id, which makes the order total and cursors stable.
//!
//! Nullable sort columns (an action's due date) sort NULLS LAST ascending and are handled in the
//! keyset condition explicitly, because `NULL > x` is never true in SQL.
//!
//! A cursor is `base64url(JSON [sort value, id])` of a row the caller has already seen. It is only
//! a position: a forged cursor moves the window but can never widen the visibility conditions,
//! which are already in the `Select` handed to [`page`]. `totalCount` runs lazily, only when asked,
//! as `COUNT(*)` over the same filtered query.
//!
//! A connection under a list of parents uses [`nested_connection`] instead: the same page for
//! each parent, but read for all parents of the request in one statement (see below).

use crate::core::access::Scoped;
use crate::core::context::{CtxExt, RequestContext};
use crate::core::error::{ApiError, ApiResult};
use crate::core::loaders::{NestedCount, NestedPage};
use crate::core::nested_plan::{NestedCountPlan, NestedPagePlan};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Context, Object, OutputType};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use futures_util::future::BoxFuture;
use sea_orm::sea_query::{Alias, Expr, NullOrdering, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, Order,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement, Value,
};
use serde_json::Value as Json;
use std::sync::Arc;
use uuid::Uuid;

/// Page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page a caller may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// The cost of a connection field for the query-cost limit: the field itself plus its page
/// size (`first` or `last`, default 20, at most 100) times the cost of what each row selects.
/// Checked before execution, so a query asking for 100 boards × 100 meetings × 100 items is
/// refused before any database work.
pub fn page_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let rows = first
        .or(last)
        .map(|n| (n.max(0) as u64).min(MAX_PAGE_SIZE))
        .unwrap_or(DEFAULT_PAGE_SIZE) as usize;
    1 + rows.max(1) * child_complexity
}

/// The Relay arguments of a connection field.
#[derive(Debug, Default, Clone)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

impl PageArgs {
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        PageArgs {
            first,
            after,
            last,
            before,
        }
    }
}

/// How the values of a sort column are written in a cursor.
#[derive(Debug, Clone, Copy)]
pub enum SortType {
    Text,
    Int,
    Date,
    DateTime,
}

/// The sort column of a list and its direction.
pub struct Sort<E: EntityTrait> {
    pub column: E::Column,
    pub id: E::Column,
    pub ty: SortType,
    pub descending: bool,
}

/// `totalCount` of a connection, computed only when selected: its statement is not even built
/// otherwise (building the visibility SQL is a real share of a request's CPU).
pub struct ConnectionFields {
    count: CountLoad,
}

/// Counts a list for the request: one `COUNT(*)` statement for a top-level list, or a nested
/// list's count batched with its siblings' through the request's loader (one `GROUP BY parent`
/// statement for all parents).
type CountLoad =
    Box<dyn for<'a> Fn(&'a RequestContext) -> BoxFuture<'a, ApiResult<i64>> + Send + Sync>;

#[Object]
impl ConnectionFields {
    /// Number of records in the whole list (all pages) that the caller may see.
    async fn total_count(&self, ctx: &Context<'_>) -> async_graphql::Result<i64> {
        Ok((self.count)(ctx.req()?).await?)
    }
}

/// A connection whose edges wrap models in the GraphQL type `T`.
pub type Conn<T> = Connection<String, T, ConnectionFields>;

/// The result of [`page`], to be wrapped into a GraphQL connection.
pub struct Page<M> {
    rows: Vec<(String, M)>,
    has_previous: bool,
    has_next: bool,
    fields: ConnectionFields,
}

impl<M> Page<M> {
    /// Wraps each model in its GraphQL type.
    pub fn into_connection<T: OutputType>(self, wrap: impl Fn(M) -> T) -> Conn<T> {
        let mut conn =
            Connection::with_additional_fields(self.has_previous, self.has_next, self.fields);
        conn.edges.extend(
            self.rows
                .into_iter()
                .map(|(cursor, m)| Edge::new(cursor, wrap(m))),
        );
        conn
    }
}

fn page_size(value: Option<i32>, name: &str) -> ApiResult<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(ApiError::bad_input(
            name,
            format!("`{name}` must not be negative"),
        )),
        Some(n) if n as u64 > MAX_PAGE_SIZE => Err(ApiError::bad_input(
            name,
            format!("`{name}` must be at most {MAX_PAGE_SIZE} (the maximum page size)"),
        )),
        Some(n) => Ok(Some(n as u64)),
    }
}

fn value_to_json(value: Value) -> Json {
    match value {
        Value::String(Some(s)) => Json::String(s),
        Value::Int(Some(i)) => Json::from(i),
        Value::BigInt(Some(i)) => Json::from(i),
        Value::ChronoDate(Some(d)) => Json::String(d.to_string()),
        Value::ChronoDateTimeUtc(Some(d)) => Json::String(d.to_rfc3339()),
        _ => Json::Null,
    }
}

fn encode_cursor(sort: Json, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&(sort, id)).unwrap_or_default())
}

/// Decodes a cursor into the sort value (`None` for a NULL) and the id.
fn decode_cursor(cursor: &str, ty: SortType, field: &str) -> ApiResult<(Option<Value>, Uuid)> {
    let bad = || {
        ApiError::bad_input(
            field,
            format!("`{field}` is not a valid cursor for this list"),
        )
    };
    let bytes = URL_SAFE_NO_PAD
        .decode(cursor.as_bytes())
        .map_err(|_| bad())?;
    let (sort, id): (Json, Uuid) = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let value = match (ty, sort) {
        (_, Json::Null) => None,
        (SortType::Text, Json::String(s)) => Some(Value::from(s)),
        (SortType::Int, Json::Number(n)) => Some(Value::from(n.as_i64().ok_or_else(bad)? as i32)),
        (SortType::Date, Json::String(s)) => Some(Value::from(
            s.parse::<chrono::NaiveDate>().map_err(|_| bad())?,
        )),
        (SortType::DateTime, Json::String(s)) => Some(Value::from(
            chrono::DateTime::parse_from_rfc3339(&s)
                .map_err(|_| bad())?
                .with_timezone(&chrono::Utc),
        )),
        _ => return Err(bad()),
    };
    Ok((value, id))
}

/// Rows strictly after the cursor in ascending (sort NULLS LAST, id) order.
fn greater<C: ColumnTrait>(col: C, id_col: C, value: Option<Value>, id: Uuid) -> Condition {
    match value {
        Some(v) => Condition::any()
            .add(col.gt(v.clone()))
            .add(Condition::all().add(col.eq(v)).add(id_col.gt(id)))
            .add(col.is_null()),
        None => Condition::all().add(col.is_null()).add(id_col.gt(id)),
    }
}

/// Rows strictly before the cursor in ascending (sort NULLS LAST, id) order.
fn less<C: ColumnTrait>(col: C, id_col: C, value: Option<Value>, id: Uuid) -> Condition {
    match value {
        Some(v) => Condition::any()
            .add(col.lt(v.clone()))
            .add(Condition::all().add(col.eq(v)).add(id_col.lt(id))),
        None => Condition::any()
            .add(col.is_not_null())
            .add(Condition::all().add(col.is_null()).add(id_col.lt(id))),
    }
}

/// The `COUNT(*)` statement over a filtered select.
pub fn count_statement<E: EntityTrait>(db: &DatabaseConnection, select: Select<E>) -> Statement {
    let inner = select.into_query();
    let query = Query::select()
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(inner, Alias::new("visible_rows"))
        .to_owned();
    db.get_database_backend().build(&query)
}

/// A page request checked against the list: the select narrowed by the cursors, and the order,
/// size and direction of the page. Shared by [`page`] and [`nested_connection`], so a top-level
/// and a batched nested connection accept, refuse and interpret the same arguments the same way.
struct Window<E: EntityTrait> {
    /// The caller's select with the `after`/`before` keyset conditions added.
    query: Select<E>,
    /// Rows wanted; one more is read to learn whether there are more.
    limit: u64,
    /// `last` was given: rows are read from the end and reversed.
    backwards: bool,
    /// Whether rows are read in ascending (sort NULLS LAST, id) order.
    ascending: bool,
    after: bool,
    before: bool,
}

impl<E: EntityTrait> Window<E> {
    fn new(select: Select<E>, sort: &Sort<E>, args: &PageArgs) -> ApiResult<Self> {
        let first = page_size(args.first, "first")?;
        let last = page_size(args.last, "last")?;
        if first.is_some() && last.is_some() {
            return Err(ApiError::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        // Conditions are expressed on the ascending order; a descending list swaps them.
        #[allow(clippy::type_complexity)] // two plain fn pointers, inferred from the branches
        let (after_cond, before_cond): (
            fn(_, _, _, _) -> Condition,
            fn(_, _, _, _) -> Condition,
        ) = if sort.descending {
            (less::<E::Column>, greater::<E::Column>)
        } else {
            (greater::<E::Column>, less::<E::Column>)
        };
        let mut query = select;
        if let Some(after) = &args.after {
            let (v, id) = decode_cursor(after, sort.ty, "after")?;
            query = query.filter(after_cond(sort.column, sort.id, v, id));
        }
        if let Some(before) = &args.before {
            let (v, id) = decode_cursor(before, sort.ty, "before")?;
            query = query.filter(before_cond(sort.column, sort.id, v, id));
        }
        let backwards = last.is_some();
        Ok(Window {
            query,
            limit: last.or(first).unwrap_or(DEFAULT_PAGE_SIZE),
            backwards,
            ascending: sort.descending == backwards,
            after: args.after.is_some(),
            before: args.before.is_some(),
        })
    }

    /// `ORDER BY` direction and NULL placement of the read.
    fn order(&self) -> (Order, NullOrdering) {
        if self.ascending {
            (Order::Asc, NullOrdering::Last)
        } else {
            (Order::Desc, NullOrdering::First)
        }
    }

    /// Turns the rows read (in read order, at most `limit + 1`) into the page: the extra row only
    /// tells whether there is more, a backwards read is put back in list order, and each row gets
    /// its cursor.
    fn finish(
        &self,
        sort: &Sort<E>,
        mut rows: Vec<E::Model>,
        more: bool,
        fields: ConnectionFields,
    ) -> Page<E::Model> {
        rows.truncate(self.limit as usize);
        if self.backwards {
            rows.reverse();
        }
        let rows = rows
            .into_iter()
            .map(|m| {
                let id = match m.get(sort.id) {
                    Value::Uuid(Some(id)) => id,
                    _ => Uuid::nil(),
                };
                (encode_cursor(value_to_json(m.get(sort.column)), id), m)
            })
            .collect();
        let (has_previous, has_next) = if self.backwards {
            (more, self.before)
        } else {
            (self.after, more)
        };
        Page {
            rows,
            has_previous,
            has_next,
            fields,
        }
    }
}

/// Runs one page of `select` (which already carries the visibility conditions and filters).
pub async fn page<E>(
    rc: &crate::core::context::RequestContext,
    select: Select<E>,
    sort: Sort<E>,
    args: PageArgs,
) -> ApiResult<Page<E::Model>>
where
    E: crate::core::access::Scoped,
    E::Model: Sync,
{
    let window = Window::new(select.clone(), &sort, &args)?;
    let fields = ConnectionFields {
        count: Box::new(move |rc| {
            let statement = count_statement(&rc.db, select.clone());
            Box::pin(async move {
                let row = rc.db.query_one_raw(statement).await?;
                Ok(row
                    .map(|r| r.try_get_by_index::<i64>(0))
                    .transpose()?
                    .unwrap_or(0))
            })
        }),
    };
    let (order, nulls) = window.order();
    let mut rows = window
        .query
        .clone()
        .order_by_with_nulls(sort.column, order.clone(), nulls)
        .order_by(sort.id, order)
        .limit(window.limit + 1)
        .all(&rc.db)
        .await?;
    let more = rows.len() as u64 > window.limit;
    rows.truncate(window.limit as usize);
    rc.reads.note::<E>(&rc.viewer, &rows);
    Ok(window.finish(&sort, rows, more, fields))
}

impl<E: EntityTrait> Sort<E> {
    /// Ascending by `column`, then by `id`.
    pub fn asc(column: E::Column, id: E::Column, ty: SortType) -> Self {
        Sort {
            column,
            id,
            ty,
            descending: false,
        }
    }

    /// Descending by `column`, then by `id`.
    pub fn desc(column: E::Column, id: E::Column, ty: SortType) -> Self {
        Sort {
            column,
            id,
            ty,
            descending: true,
        }
    }
}

/// One page of `select` wrapped into a GraphQL connection of `T`.
pub async fn connection<E, T>(
    rc: &crate::core::context::RequestContext,
    select: Select<E>,
    sort: Sort<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> T,
) -> ApiResult<Conn<T>>
where
    E: crate::core::access::Scoped,
    E::Model: Sync,
    T: OutputType,
{
    Ok(page(rc, select, sort, args).await?.into_connection(wrap))
}

// Nested connections, batched.
//
// A connection under a list of parents (`board { meetings { edges { node { agendaItems } } } }`)
// would cost one statement per parent. Instead each parent's page goes through the request's
// loader, keyed by the parent and the statement that answers it; the loader runs one statement
// for all parents whose fields asked the same thing: the visible, filtered, cursor-narrowed
// children of all of them, numbered per parent by `ROW_NUMBER() OVER (PARTITION BY parent ORDER
// BY sort, id)` in the order [`page`] reads, and cut at `limit + 1` rows per parent. The rows,
// cursors and page info each parent gets are exactly those [`page`] would give it.

/// One page of the children of `parent`, wrapped into a GraphQL connection of `T`, loaded in one
/// statement with the same field's pages under the other parents of the request (and its
/// `totalCount`, when selected, likewise).
///
/// `select` is the field's visible, filtered select *without* the parent condition:
/// `parent_column = parent` is added by the batch, as `parent_column IN (…)`.
pub async fn nested_connection<E, T>(
    rc: &RequestContext,
    select: Select<E>,
    parent_column: E::Column,
    parent: Uuid,
    sort: Sort<E>,
    args: PageArgs,
    wrap: impl Fn(E::Model) -> T,
) -> ApiResult<Conn<T>>
where
    E: Scoped,
    E::Model: Clone + Send + Sync,
    T: OutputType,
{
    let window = Window::new(select.clone(), &sort, &args)?;
    let backend = rc.db.get_database_backend();
    let (order, nulls) = window.order();
    let mut plan = NestedPagePlan {
        key: String::new(),
        parent: parent_column,
        query: window.query.clone(),
        sort: sort.column,
        id: sort.id,
        order,
        nulls,
        limit: window.limit,
    };
    plan.key = plan.statement(backend, &[]).to_string();
    let fields = ConnectionFields {
        count: Box::new(move |rc| {
            let mut count = NestedCountPlan {
                key: String::new(),
                parent: parent_column,
                query: select.clone(),
            };
            count.key = count.statement(backend, &[]).to_string();
            let key = NestedCount {
                parent,
                plan: Arc::new(count),
            };
            Box::pin(async move { Ok(rc.loader.load_one(key).await?.unwrap_or(0)) })
        }),
    };
    let found = rc
        .loader
        .load_one(NestedPage {
            parent,
            plan: Arc::new(plan),
        })
        .await?;
    let (rows, more) = found.map(|f| (f.rows, f.more)).unwrap_or_default();
    Ok(window
        .finish(&sort, rows, more, fields)
        .into_connection(wrap))
}
