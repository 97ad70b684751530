//! The action reports people compile by hand today, as [`Document`]s built from what the caller
//! may see:
//! - matters arising for a meeting, in the layout the seed papers use (Minute | Matter | Update);
//! - the delivery plan of a strategy: each priority's actions with lead, due date, progress, RAG
//!   and latest update, as the quarterly plan updates print it.
//!
//! Rows start from `access` (through `matters_arising_select` or `visible`), related records come
//! through the request's loader in one batch per kind, and restricted rows are noted for the
//! audit log like any other read.

use crate::core::context::RequestContext;
use crate::core::error::ApiResult;
use crate::core::loaders::LatestUpdate;
use crate::core::report::{Document, Marking, Section, MAX_REPORT_ROWS};
use entity::{
    action, action_update, agenda_item, meeting, organisation, person, priority, resolution,
    strategy,
};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder, QuerySelect};
use std::collections::HashMap;
use uuid::Uuid;

/// The first [`MAX_REPORT_ROWS`] actions of `select` (one more is read to tell), noted for the
/// audit log, and a line saying so when some were left out, so a printed paper never silently
/// omits actions.
async fn rows_for_report(
    rc: &RequestContext,
    select: sea_orm::Select<action::Entity>,
) -> ApiResult<(Vec<action::Model>, Option<String>)> {
    let max = MAX_REPORT_ROWS as usize;
    let mut actions = select.limit(MAX_REPORT_ROWS + 1).all(&rc.db).await?;
    let truncated = (actions.len() > max).then(|| {
        actions.truncate(max);
        format!("Only the first {max} actions are shown: narrow the list to see the rest.")
    });
    rc.reads.note::<action::Entity>(&rc.viewer, &actions);
    Ok((actions, truncated))
}

/// OFFICIAL-SENSITIVE when any of `actions` is restricted, by its own marking or an ancestor's
/// (the access layer's classification, the one the audit log uses), else OFFICIAL.
async fn marking_of(rc: &RequestContext, actions: &[action::Model]) -> ApiResult<Marking> {
    let restricted = crate::core::access::Candidates::of::<action::Entity>(&rc.viewer, actions)
        .classify(&rc.db)
        .await?;
    Ok(Marking::of(!restricted.is_empty()))
}

/// "Title (TL)": the owner's initials after the matter, unless the title already ends with them,
/// alone or among others ("… (SK/LC)"), as some papers' own titles do.
fn with_owner(title: &str, owner: Option<String>) -> String {
    let trailing = title
        .trim_end()
        .strip_suffix(')')
        .and_then(|t| t.rsplit_once('('))
        .map(|(_, inside)| inside);
    match owner {
        Some(o) if !trailing.is_some_and(|t| t.split('/').any(|i| i.trim() == o)) => {
            format!("{title} ({o})")
        }
        _ => title.to_string(),
    }
}

/// The latest update of each action, in one batch.
async fn latest_updates(
    rc: &RequestContext,
    actions: &[action::Model],
) -> ApiResult<HashMap<Uuid, action_update::Model>> {
    Ok(rc
        .loader
        .load_many(
            actions
                .iter()
                .map(|a| LatestUpdate(a.id))
                .collect::<Vec<_>>(),
        )
        .await?
        .into_iter()
        .map(|(k, v)| (k.0, v))
        .collect())
}

/// "period: narrative", or that none has come.
fn narrative(latest: Option<&action_update::Model>) -> String {
    latest
        .map(|u| match &u.period {
            Some(p) => format!("{p}: {}", u.narrative),
            None => u.narrative.clone(),
        })
        .unwrap_or_else(|| "No update received.".into())
}

/// "RAG — period: narrative", as the papers print an update.
fn update_text(a: &action::Model, latest: Option<&action_update::Model>) -> String {
    let mut text = narrative(latest);
    if let Some(rag) = a.rag {
        text = format!("{} — {text}", format!("{rag:?}").to_uppercase());
    }
    if let Some(reason) = a.missed_reason {
        text.push_str(&format!(" (due date missed: {reason:?})"));
    }
    text
}

/// The matters arising for `meeting` of board `board_name`.
pub async fn matters_arising(
    rc: &RequestContext,
    meeting: &meeting::Model,
    board_name: &str,
) -> ApiResult<Document> {
    let (actions, truncated) = rows_for_report(
        rc,
        super::matters_arising_select(&rc.viewer, meeting)
            .order_by_asc(action::Column::CreatedAt)
            .order_by_asc(action::Column::Id),
    )
    .await?;
    let resolutions = rc
        .load_many::<resolution::Entity>(
            actions
                .iter()
                .filter_map(|a| a.resolution_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let items = rc
        .load_many::<agenda_item::Entity>(
            resolutions
                .values()
                .map(|r| r.agenda_item_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let leads = rc
        .load_many::<person::Entity>(
            actions
                .iter()
                .filter_map(|a| a.lead_person_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let latest = latest_updates(rc, &actions).await?;
    let rows = actions
        .iter()
        .map(|a| {
            let resolution = a.resolution_id.and_then(|id| resolutions.get(&id));
            let minute = resolution
                .and_then(|r| items.get(&r.agenda_item_id))
                .and_then(|i| i.minute_number)
                .map(|n| n.to_string())
                .unwrap_or_default();
            let owner = a
                .lead_person_id
                .and_then(|id| leads.get(&id))
                .and_then(|p| p.initials.clone())
                .or_else(|| resolution.and_then(|r| r.owners_initials.clone()));
            let matter = with_owner(&a.title, owner);
            vec![minute, matter, update_text(a, latest.get(&a.id))]
        })
        .collect();
    Ok(Document {
        marking: marking_of(rc, &actions).await?,
        title: "Matters arising".into(),
        lines: [format!(
            "{board_name}, meeting of {}",
            crate::core::dates::local_meeting_time(meeting.starts_at)
        )]
        .into_iter()
        .chain(truncated)
        .collect(),
        sections: vec![Section {
            heading: None,
            columns: &["Minute", "Matter", "Update"],
            rows,
            empty: "No outstanding actions.",
        }],
    })
}

/// The delivery plan of `strategy`: one table per priority the caller may see.
pub async fn delivery_plan(rc: &RequestContext, strategy: &strategy::Model) -> ApiResult<Document> {
    let priorities: Vec<priority::Model> =
        crate::core::access::visible::<priority::Entity>(&rc.viewer)
            .filter(priority::Column::StrategyId.eq(strategy.id))
            .order_by_asc(priority::Column::Number)
            .all(&rc.db)
            .await?;
    let (actions, truncated) = rows_for_report(
        rc,
        crate::core::access::visible::<action::Entity>(&rc.viewer)
            .filter(action::Column::PriorityId.is_in(priorities.iter().map(|p| p.id)))
            .order_by_asc(action::Column::DueDate)
            .order_by_asc(action::Column::CreatedAt)
            .order_by_asc(action::Column::Id),
    )
    .await?;
    let people = rc
        .load_many::<person::Entity>(
            actions
                .iter()
                .filter_map(|a| a.lead_person_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let organisations = rc
        .load_many::<organisation::Entity>(
            actions
                .iter()
                .filter_map(|a| a.lead_organisation_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let latest = latest_updates(rc, &actions).await?;
    let sections = priorities
        .iter()
        .map(|p| {
            let rows = actions
                .iter()
                .filter(|a| a.priority_id == Some(p.id))
                .map(|a| {
                    let person = a.lead_person_id.and_then(|id| people.get(&id));
                    let org = a.lead_organisation_id.and_then(|id| organisations.get(&id));
                    let lead = match (person, org) {
                        (Some(p), Some(o)) => format!("{} ({})", p.name, o.name),
                        (Some(p), None) => p.name.clone(),
                        (None, Some(o)) => o.name.clone(),
                        (None, None) => String::new(),
                    };
                    vec![
                        a.title.clone(),
                        lead,
                        a.due_date.map(|d| d.to_string()).unwrap_or_default(),
                        format!("{}%", a.percent_complete),
                        a.rag
                            .map(|r| format!("{r:?}").to_uppercase())
                            .unwrap_or_default(),
                        narrative(latest.get(&a.id)),
                    ]
                })
                .collect();
            Section {
                heading: Some(format!("Priority {}: {}", p.number, p.title)),
                columns: &["Action", "Lead", "Due", "Progress", "RAG", "Latest update"],
                rows,
                empty: "No actions under this priority.",
            }
        })
        .collect();
    Ok(Document {
        marking: marking_of(rc, &actions).await?,
        title: format!("Delivery plan: {}", strategy.title),
        lines: [format!(
            "{} to {}",
            strategy.period_start.format("%-d %B %Y"),
            strategy.period_end.format("%-d %B %Y")
        )]
        .into_iter()
        .chain(truncated)
        .collect(),
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::with_owner;

    #[test]
    fn initials_are_added_once() {
        let o = |s: &str| Some(s.to_string());
        assert_eq!(with_owner("Set up a group", o("TL")), "Set up a group (TL)");
        assert_eq!(
            with_owner("Set up a group (TL)", o("TL")),
            "Set up a group (TL)"
        );
        assert_eq!(
            with_owner("Reduce re-offending (SK/LC)", o("SK")),
            "Reduce re-offending (SK/LC)"
        );
        assert_eq!(with_owner("Review (MARAC)", o("TL")), "Review (MARAC) (TL)");
        assert_eq!(with_owner("Untitled", None), "Untitled");
    }
}
