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

use crate::core::error::{ApiError, ApiResult};
use async_graphql::connection::{Connection, Edge};
use async_graphql::{Object, OutputType};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use sea_orm::sea_query::{Alias, Expr, NullOrdering, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait, ModelTrait, Order,
    QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select, Statement, Value,
};
use serde_json::Value as Json;
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

/// `totalCount` of a connection, computed only when selected.
pub struct ConnectionFields {
    db: DatabaseConnection,
    count: Statement,
}

#[Object]
impl ConnectionFields {
    /// Number of records in the whole list (all pages) that the caller may see.
    async fn total_count(&self) -> async_graphql::Result<i64> {
        let row = self
            .db
            .query_one_raw(self.count.clone())
            .await
            .map_err(ApiError::from)?;
        Ok(row
            .map(|r| r.try_get_by_index::<i64>(0))
            .transpose()
            .map_err(ApiError::from)?
            .unwrap_or(0))
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
    let first = page_size(args.first, "first")?;
    let last = page_size(args.last, "last")?;
    if first.is_some() && last.is_some() {
        return Err(ApiError::bad_input(
            "last",
            "pass either `first` or `last`, not both",
        ));
    }
    let fields = ConnectionFields {
        db: rc.db.clone(),
        count: count_statement(&rc.db, select.clone()),
    };

    // Conditions are expressed on the ascending order; a descending list swaps them.
    #[allow(clippy::type_complexity)] // two plain fn pointers, inferred from the branches
    let (after_cond, before_cond): (fn(_, _, _, _) -> Condition, fn(_, _, _, _) -> Condition) =
        if sort.descending {
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
    let limit = last.or(first).unwrap_or(DEFAULT_PAGE_SIZE);
    let ascending = sort.descending == backwards;
    let (order, nulls) = if ascending {
        (Order::Asc, NullOrdering::Last)
    } else {
        (Order::Desc, NullOrdering::First)
    };
    let mut rows = query
        .order_by_with_nulls(sort.column, order.clone(), nulls)
        .order_by(sort.id, order)
        .limit(limit + 1)
        .all(&rc.db)
        .await?;
    let more = rows.len() as u64 > limit;
    rows.truncate(limit as usize);
    rc.reads.note::<E>(&rc.viewer, &rows);
    if backwards {
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
    let (has_previous, has_next) = if backwards {
        (more, args.before.is_some())
    } else {
        (args.after.is_some(), more)
    };
    Ok(Page {
        rows,
        has_previous,
        has_next,
        fields,
    })
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
