//! The matters-arising report as a document, in the layout the seed papers use
//! (Minute | Matter | Update), so a secretary no longer compiles it by hand.

use crate::auth::Viewer;
use crate::context::RequestContext;
use crate::error::ApiResult;
use crate::loaders::LatestUpdate;
use entity::{action, agenda_item, meeting, person, resolution};
use sea_orm::{QueryOrder, QuerySelect};

/// Most rows in one report.
pub const MAX_REPORT_ROWS: u64 = 500;

/// Markdown table cells: no pipes or line breaks.
fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Renders the matters arising for `meeting` as Markdown, from what `viewer` may see.
pub async fn matters_arising_markdown(
    rc: &RequestContext,
    viewer: &Viewer,
    meeting: &meeting::Model,
    board_name: &str,
) -> ApiResult<String> {
    let actions = super::matters_arising_select(viewer, meeting)
        .order_by_asc(action::Column::CreatedAt)
        .order_by_asc(action::Column::Id)
        .limit(MAX_REPORT_ROWS)
        .all(&rc.db)
        .await?;
    rc.reads.note::<action::Entity>(viewer, &actions);
    let mut out = format!(
        "# Matters arising\n\n{board_name}, meeting of {}\n\n| Minute | Matter | Update |\n| --- | --- | --- |\n",
        meeting.starts_at.format("%-d %B %Y")
    );
    for a in &actions {
        let resolution = rc.load_opt::<resolution::Entity>(a.resolution_id).await?;
        let item = match &resolution {
            Some(r) => rc.load::<agenda_item::Entity>(r.agenda_item_id).await?,
            None => None,
        };
        let minute = item
            .and_then(|i| i.minute_number)
            .map(|n| n.to_string())
            .unwrap_or_default();
        let lead = rc.load_opt::<person::Entity>(a.lead_person_id).await?;
        let owner = lead
            .and_then(|p| p.initials)
            .or_else(|| resolution.and_then(|r| r.owners_initials));
        let matter = match owner {
            Some(o) => format!("{} ({o})", a.title),
            None => a.title.clone(),
        };
        let latest = rc.loader.load_one(LatestUpdate(a.id)).await?;
        let mut update = latest
            .map(|u| match u.period {
                Some(p) => format!("{p}: {}", u.narrative),
                None => u.narrative,
            })
            .unwrap_or_else(|| "No update received.".into());
        if let Some(rag) = a.rag {
            update = format!("{} — {update}", format!("{rag:?}").to_uppercase());
        }
        if let Some(reason) = a.missed_reason {
            update.push_str(&format!(" (due date missed: {})", format!("{reason:?}")));
        }
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            cell(&minute),
            cell(&matter),
            cell(&update)
        ));
    }
    if actions.is_empty() {
        out.push_str("| | No outstanding actions. | |\n");
    }
    Ok(out)
}
