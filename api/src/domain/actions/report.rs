//! The action reports people compile by hand today, as [`Document`]s built from what the caller
//! may see:
//! - matters arising for a meeting, in the layout the seed papers use (Minute | Matter | Update);
//! - the delivery plan of a strategy: each priority's actions with lead, due date, progress, RAG
//!   and latest update, as the quarterly plan updates print it.
//!
//! Rows start from `access` (through `matters_arising::select` or `visible`), related records come
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

/// The matters arising for `meeting` of board `board_name`, as they stood when the board met
/// (see [`super::matters_arising`]): one table per meeting they arose at, oldest first, and one
/// row per matter, as the papers print it (actions of one minute worded alike share a row).
pub async fn matters_arising(
    rc: &RequestContext,
    meeting: &meeting::Model,
    board_name: &str,
) -> ApiResult<Document> {
    let at = super::matters_arising::as_at(&rc.db, meeting).await?;
    let (actions, truncated) = rows_for_report(
        rc,
        super::matters_arising::select(&rc.viewer, meeting, at)
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
    let meetings = rc
        .load_many::<meeting::Entity>(items.values().map(|i| i.meeting_id).collect::<Vec<Uuid>>())
        .await?;
    let leads = rc
        .load_many::<person::Entity>(
            actions
                .iter()
                .filter_map(|a| a.lead_person_id)
                .collect::<Vec<Uuid>>(),
        )
        .await?;
    let ids: Vec<Uuid> = actions.iter().map(|a| a.id).collect();
    let updates = super::matters_arising::updates_as_at(rc, &ids, at.before).await?;

    // Group into matters, keeping the order the actions were recorded in within a minute.
    let mut matters: Vec<Matter> = Vec::new();
    for a in &actions {
        let resolution = a.resolution_id.and_then(|id| resolutions.get(&id));
        // An action whose minute the caller may not read still prints, without its minute, so
        // the paper never has fewer rows than `totalCount`.
        let (meeting_id, item_id, minute, ordinal) =
            match resolution.and_then(|r| items.get(&r.agenda_item_id)) {
                Some(i) => (i.meeting_id, i.id, i.minute_number, i.ordinal),
                None => (Uuid::nil(), a.id, None, i32::MAX),
            };
        let owner = a
            .lead_person_id
            .and_then(|id| leads.get(&id))
            .and_then(|p| p.initials.clone())
            .or_else(|| resolution.and_then(|r| r.owners_initials.clone()));
        let wording = a
            .matter
            .clone()
            .unwrap_or_else(|| with_owner(&a.title, owner));
        let update = entry_text(updates.get(&a.id));
        match matters
            .iter_mut()
            .find(|m| m.item == item_id && a.matter.is_some() && m.wording == wording)
        {
            Some(m) => {
                if !m.updates.contains(&update) {
                    m.updates.push(update);
                }
            }
            None => matters.push(Matter {
                meeting: meeting_id,
                starts_at: meetings.get(&meeting_id).map(|m| m.starts_at),
                item: item_id,
                minute,
                ordinal,
                wording,
                updates: vec![update],
            }),
        }
    }
    // Stable: equal keys keep the recorded order.
    matters.sort_by_key(|m| (m.starts_at, m.minute.unwrap_or(i32::MAX), m.ordinal));
    let mut sections: Vec<Section> = Vec::new();
    let mut current: Option<Uuid> = None;
    for m in matters {
        if current != Some(m.meeting) {
            current = Some(m.meeting);
            sections.push(Section {
                heading: Some(match m.starts_at {
                    Some(t) => format!(
                        "From the meeting of {}",
                        crate::core::dates::local(t).format("%-d %B %Y")
                    ),
                    None => "From earlier meetings".into(),
                }),
                columns: &["Minute", "Matter", "Update"],
                rows: Vec::new(),
                empty: "No outstanding actions.",
            });
        }
        if let Some(section) = sections.last_mut() {
            section.rows.push(vec![
                m.minute.map(|n| n.to_string()).unwrap_or_default(),
                m.wording,
                m.updates.join(" "),
            ]);
        }
    }
    if sections.is_empty() {
        sections.push(Section {
            heading: None,
            columns: &["Minute", "Matter", "Update"],
            rows: Vec::new(),
            empty: "No outstanding actions.",
        });
    }
    Ok(Document {
        marking: marking_of(rc, &actions).await?,
        title: "Matters arising".into(),
        lines: [
            format!(
                "{board_name}, meeting of {}",
                crate::core::dates::local_meeting_time(meeting.starts_at)
            ),
            format!("As at {}.", at.on.format("%-d %B %Y")),
        ]
        .into_iter()
        .chain(truncated)
        .collect(),
        sections,
    })
}

/// One row of the matters arising: a matter of one minute and the updates of its actions.
struct Matter {
    meeting: Uuid,
    starts_at: Option<chrono::DateTime<chrono::Utc>>,
    item: Uuid,
    minute: Option<i32>,
    ordinal: i32,
    wording: String,
    updates: Vec<String>,
}

/// An entry as the matters arising prints it: its RAG then, its period and its narrative.
fn entry_text(entry: Option<&action_update::Model>) -> String {
    let text = narrative(entry);
    match entry.and_then(|u| u.rag) {
        Some(rag) => format!("{} — {text}", format!("{rag:?}").to_uppercase()),
        None => text,
    }
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
    let posts = rc
        .load_many::<entity::post::Entity>(
            actions
                .iter()
                .filter_map(|a| a.lead_post_id)
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
                    // A named person, else the post the plan names, as the plan prints it.
                    let named = a
                        .lead_person_id
                        .and_then(|id| people.get(&id))
                        .map(|p| p.name.clone())
                        .or_else(|| {
                            a.lead_post_id
                                .and_then(|id| posts.get(&id))
                                .map(|p| p.title.clone())
                        });
                    let org = a.lead_organisation_id.and_then(|id| organisations.get(&id));
                    let lead = match (named, org) {
                        (Some(n), Some(o)) => format!("{n} ({})", o.name),
                        (Some(n), None) => n,
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
