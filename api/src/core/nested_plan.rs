//! The statements of a nested connection's batch, for any set of parents: what the request's
//! loader (`loaders::NestedPage`, `loaders::NestedCount`) runs and `pagination::nested_connection`
//! plans. Apart from both, so that neither imports the other.

use sea_orm::sea_query::{Alias, Asterisk, Expr, NullOrdering, Order, Query, WindowStatement};
use sea_orm::{
    ColumnTrait, DbBackend, EntityTrait, IdenStatic, QueryFilter, QueryTrait, Select, Statement,
};
use uuid::Uuid;

/// The page statement of a nested connection, for any set of parents.
pub(crate) struct NestedPagePlan<E: EntityTrait> {
    /// The statement rendered for no parent: what makes two loads the same question.
    pub(crate) key: String,
    /// The child's column holding the parent's id.
    pub(crate) parent: E::Column,
    /// Visible, filtered and narrowed by the cursors; no parent condition yet.
    pub(crate) query: Select<E>,
    pub(crate) sort: E::Column,
    pub(crate) id: E::Column,
    pub(crate) order: Order,
    pub(crate) nulls: NullOrdering,
    /// Rows per parent, not counting the one read to learn whether there are more.
    pub(crate) limit: u64,
}

impl<E: EntityTrait> NestedPagePlan<E> {
    /// `SELECT * FROM (SELECT <row>, ROW_NUMBER() OVER (PARTITION BY parent ORDER BY sort, id)
    /// AS page_row FROM … WHERE … AND parent IN (parents)) WHERE page_row <= limit + 1`.
    pub(crate) fn statement(&self, backend: DbBackend, parents: &[Uuid]) -> Statement {
        use sea_orm::sea_query::ExprTrait;
        let table = E::default();
        let mut window = WindowStatement::partition_by((table, self.parent));
        window
            .order_by_with_nulls((table, self.sort), self.order.clone(), self.nulls)
            .order_by((table, self.id), self.order.clone());
        let mut inner = self
            .query
            .clone()
            .filter(self.parent.is_in(parents.iter().copied()))
            .into_query();
        inner.expr_window_as(Expr::cust("ROW_NUMBER()"), window, Alias::new("page_row"));
        let outer = Query::select()
            .column(Asterisk)
            .from_subquery(inner, Alias::new("page_rows"))
            .and_where(Expr::col(Alias::new("page_row")).lte(self.limit + 1))
            .order_by(Alias::new("page_row"), Order::Asc)
            .to_owned();
        backend.build(&outer)
    }
}

/// The `totalCount` statement of a nested connection, for any set of parents.
pub(crate) struct NestedCountPlan<E: EntityTrait> {
    pub(crate) key: String,
    pub(crate) parent: E::Column,
    /// Visible and filtered; no cursors, no parent condition yet.
    pub(crate) query: Select<E>,
}

impl<E: EntityTrait> NestedCountPlan<E> {
    /// `SELECT parent, COUNT(*) FROM (… WHERE … AND parent IN (parents)) GROUP BY parent`:
    /// `pagination::count_statement` per parent.
    pub(crate) fn statement(&self, backend: DbBackend, parents: &[Uuid]) -> Statement {
        let inner = self
            .query
            .clone()
            .filter(self.parent.is_in(parents.iter().copied()))
            .into_query();
        let parent = Alias::new(self.parent.as_str());
        let query = Query::select()
            .column(parent.clone())
            .expr(Expr::cust("COUNT(*)"))
            .from_subquery(inner, Alias::new("visible_rows"))
            .group_by_col(parent)
            .to_owned();
        backend.build(&query)
    }
}
