//! The access summary of actions: what an action's whole chain of ancestors requires of a
//! caller, kept on the action row so that reading actions costs one row-local condition instead
//! of a subquery over every visible resolution, meeting and board (migration 31 says why and how
//! the database's triggers mark changed chains as stale).
//!
//! A chain's markings each admit a caller who belongs to a partnership (partnership marking),
//! holds a clearance on a board (restricted), or anyone (public). Together they require the
//! partnerships and boards they name; when that is at most one of each, the summary is those
//! two (either may be absent), and [`super::access`] checks it against the caller's sets.
//! Otherwise the action is read with the full rule, as is any action not yet summarised.

use crate::core::error::ApiResult;
use entity::action;
use entity::enums::Visibility;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Statement};
use std::collections::{BTreeSet, HashMap};
use uuid::Uuid;

/// `access_state`: not yet summarised (or changed since).
pub const STALE: i16 = 0;
/// `access_state`: the summary columns hold.
pub const SUMMARISED: i16 = 1;
/// `access_state`: the chain needs more than one partnership or board; read with the full rule.
pub const FULL_RULE: i16 = 2;

/// Rows summarised per statement pair.
const BATCH: usize = 5_000;

/// One marking along a chain, with the partnership and board it names.
#[derive(Debug, Clone, Copy)]
pub struct Marking {
    pub visibility: Visibility,
    pub partnership: Option<Uuid>,
    pub board: Option<Uuid>,
}

/// What a chain of markings requires of a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Summary {
    /// Membership of `partnership` (if any) and a clearance on `board` (if any).
    Requires {
        partnership: Option<Uuid>,
        board: Option<Uuid>,
    },
    /// More than one partnership or board, or a marking naming none: read with the full rule.
    FullRule,
}

/// Summarises a chain; `None` in the chain stands for an ancestor that should exist and does
/// not, which leaves the row to the full rule.
pub fn summarise_chain(chain: &[Option<Marking>]) -> Summary {
    let (mut partnerships, mut boards) = (BTreeSet::new(), BTreeSet::new());
    for marking in chain {
        let Some(m) = marking else {
            return Summary::FullRule;
        };
        match m.visibility {
            Visibility::Public => {}
            Visibility::Partnership => match m.partnership {
                Some(p) => {
                    partnerships.insert(p);
                }
                None => return Summary::FullRule,
            },
            Visibility::Restricted => match m.board {
                Some(b) => {
                    boards.insert(b);
                }
                None => return Summary::FullRule,
            },
        }
    }
    if partnerships.len() > 1 || boards.len() > 1 {
        return Summary::FullRule;
    }
    Summary::Requires {
        partnership: partnerships.into_iter().next(),
        board: boards.into_iter().next(),
    }
}

/// Each stale action with its chain, read in one statement so that the chain and the epoch come
/// from one snapshot: the summary is then stored only if the epoch is unchanged, so a chain
/// changed meanwhile (whose trigger bumped the epoch) is never summarised from its old state.
const STALE_CHAINS: &str = "SELECT a.id, a.access_epoch AS epoch, \
     a.visibility AS a_vis, a.partnership_id AS a_p, a.board_id AS a_b, \
     b.id AS b_id, b.visibility AS b_vis, b.partnership_id AS b_p, b.parent_id AS b_parent, \
     pb.id AS pb_id, pb.visibility AS pb_vis, pb.partnership_id AS pb_p, \
     a.resolution_id AS r_ref, r.id AS r_id, \
     i.id AS i_id, i.visibility AS i_vis, i.partnership_id AS i_p, i.board_id AS i_b, \
     m.id AS m_id, m.visibility AS m_vis, m.partnership_id AS m_p, m.board_id AS m_b, \
     mb.id AS mb_id, mb.visibility AS mb_vis, mb.partnership_id AS mb_p, mb.parent_id AS mb_parent, \
     mpb.id AS mpb_id, mpb.visibility AS mpb_vis, mpb.partnership_id AS mpb_p \
     FROM action a \
     LEFT JOIN board b ON b.id = a.board_id \
     LEFT JOIN board pb ON pb.id = b.parent_id \
     LEFT JOIN resolution r ON r.id = a.resolution_id \
     LEFT JOIN agenda_item i ON i.id = r.agenda_item_id \
     LEFT JOIN meeting m ON m.id = i.meeting_id \
     LEFT JOIN board mb ON mb.id = m.board_id \
     LEFT JOIN board mpb ON mpb.id = mb.parent_id \
     WHERE a.access_state = 0";

/// Reads one ancestor's marking from a row of [`STALE_CHAINS`]: `Ok(None)` when it should exist
/// (`present`) and does not.
fn marking(
    row: &sea_orm::QueryResult,
    prefix: &str,
    board_column: &str,
) -> Result<Option<Marking>, sea_orm::DbErr> {
    let id: Option<Uuid> = row.try_get("", &format!("{prefix}_id"))?;
    if id.is_none() {
        return Ok(None);
    }
    Ok(Some(Marking {
        visibility: row.try_get("", &format!("{prefix}_vis"))?,
        partnership: row.try_get("", &format!("{prefix}_p"))?,
        board: row.try_get("", board_column)?,
    }))
}

/// The chain of one row of [`STALE_CHAINS`]: the action's own marking, its board and that
/// board's parent, and for an action from a resolution the item, the meeting, the meeting's
/// board and its parent.
fn chain(row: &sea_orm::QueryResult) -> Result<Vec<Option<Marking>>, sea_orm::DbErr> {
    let mut chain = vec![Some(Marking {
        visibility: row.try_get("", "a_vis")?,
        partnership: row.try_get("", "a_p")?,
        board: row.try_get("", "a_b")?,
    })];
    let own_board: Option<Uuid> = row.try_get("", "a_b")?;
    if own_board.is_some() {
        chain.push(marking(row, "b", "b_id")?);
        let parent: Option<Uuid> = row.try_get("", "b_parent")?;
        if parent.is_some() {
            chain.push(marking(row, "pb", "pb_id")?);
        }
    }
    let resolution: Option<Uuid> = row.try_get("", "r_ref")?;
    if resolution.is_some() {
        let found: Option<Uuid> = row.try_get("", "r_id")?;
        if found.is_none() {
            chain.push(None);
        }
        chain.push(marking(row, "i", "i_b")?);
        chain.push(marking(row, "m", "m_b")?);
        chain.push(marking(row, "mb", "mb_id")?);
        let parent: Option<Uuid> = row.try_get("", "mb_parent")?;
        if parent.is_some() {
            chain.push(marking(row, "mpb", "mpb_id")?);
        }
    }
    Ok(chain)
}

/// Summarises every stale action, in batches; returns how many were stored. Writes that create
/// actions or change a chain call it inside their transaction so readers get the fast path at
/// once; start-up, the demo data and `generate` call it too. Forgetting it costs speed only.
pub async fn summarise<C: ConnectionTrait>(db: &C) -> ApiResult<u64> {
    let backend = db.get_database_backend();
    let mut stored = 0;
    loop {
        let sql = format!("{STALE_CHAINS} LIMIT {BATCH}");
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        let mut groups: HashMap<(Summary, i32), Vec<Uuid>> = HashMap::new();
        for row in &rows {
            let id: Uuid = row.try_get("", "id")?;
            let epoch: i32 = row.try_get("", "epoch")?;
            groups
                .entry((summarise_chain(&chain(row)?), epoch))
                .or_default()
                .push(id);
        }
        // Groups in a fixed order (by their first id), so two transactions summarising the same
        // stale rows lock them in the same order and one waits for the other instead of
        // deadlocking; the second then finds them summarised and skips them.
        let mut groups: Vec<_> = groups.into_iter().collect();
        for (_, ids) in &mut groups {
            ids.sort();
        }
        groups.sort_by_key(|(_, ids)| ids.first().copied());
        let mut progress = 0;
        for ((summary, epoch), ids) in groups {
            let (state, partnership, board) = match summary {
                Summary::Requires { partnership, board } => (SUMMARISED, partnership, board),
                Summary::FullRule => (FULL_RULE, None, None),
            };
            progress += action::Entity::update_many()
                .col_expr(action::Column::AccessState, Expr::value(state))
                .col_expr(
                    action::Column::AccessPartnershipId,
                    Expr::value(partnership),
                )
                .col_expr(action::Column::AccessBoardId, Expr::value(board))
                .filter(action::Column::AccessState.eq(STALE))
                .filter(action::Column::AccessEpoch.eq(epoch))
                .filter(action::Column::Id.is_in(ids))
                .exec(db)
                .await?
                .rows_affected;
        }
        stored += progress;
        // A short batch was the last; a batch that stored nothing lost every row to concurrent
        // changes, which summarise their rows themselves.
        if rows.len() < BATCH || progress == 0 {
            return Ok(stored);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(visibility: Visibility, partnership: u128, board: u128) -> Option<Marking> {
        Some(Marking {
            visibility,
            partnership: Some(Uuid::from_u128(partnership)),
            board: Some(Uuid::from_u128(board)),
        })
    }

    #[test]
    fn a_chain_requires_what_its_strictest_markings_name() {
        use Visibility::*;
        let (p, b, c) = (Uuid::from_u128(1), Uuid::from_u128(10), Uuid::from_u128(11));
        assert_eq!(
            summarise_chain(&[m(Public, 1, 10), m(Public, 1, 10)]),
            Summary::Requires {
                partnership: None,
                board: None
            }
        );
        assert_eq!(
            summarise_chain(&[m(Partnership, 1, 10), m(Public, 1, 10)]),
            Summary::Requires {
                partnership: Some(p),
                board: None
            }
        );
        // A restricted item on a partnership board needs both.
        assert_eq!(
            summarise_chain(&[m(Restricted, 1, 10), m(Partnership, 1, 10)]),
            Summary::Requires {
                partnership: Some(p),
                board: Some(b)
            }
        );
        assert_eq!(
            summarise_chain(&[m(Restricted, 1, 10), m(Restricted, 1, 11)]),
            Summary::FullRule,
            "two boards' clearances: {c}"
        );
        assert_eq!(
            summarise_chain(&[m(Partnership, 1, 10), m(Partnership, 2, 10)]),
            Summary::FullRule
        );
        assert_eq!(
            summarise_chain(&[m(Public, 1, 10), None]),
            Summary::FullRule
        );
        let no_board = Some(Marking {
            visibility: Restricted,
            partnership: Some(p),
            board: None,
        });
        assert_eq!(summarise_chain(&[no_board]), Summary::FullRule);
    }
}
