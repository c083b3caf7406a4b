//! The inventory page's timeline: one SVG row per secret, from the first commit that wrote it
//! to the commit that removed it (or to the newest HEAD while it is present), with a dot per
//! commit that wrote it and a stroke per removal. Bars are placed with SVG attributes, not inline
//! styles, so the page's Content-Security-Policy needs no `unsafe-inline`; the page's script
//! only moves and hides whole rows as the table is sorted and filtered.

use std::collections::BTreeMap;

use time::OffsetDateTime;

use super::{day, status_label, text};
use crate::inventory::collect::timestamp;
use crate::inventory::record::{InventoryReport, PlaceRecord, SecretRecord, Status};
use crate::inventory::text::short;

/// The drawing: its width, the plot's horizontal extent, the row height and the axis above.
const WIDTH: f64 = 1000.0;
const PLOT_LEFT: f64 = 290.0;
const PLOT_RIGHT: f64 = 985.0;
const ROW_HEIGHT: usize = 22;
const TOP: usize = 34;

/// The timeline: per secret, a bar from the first commit that wrote it to the commit that
/// removed it (or to the newest HEAD, while it is present), with a dot for every commit that
/// wrote it and a stroke for every removal.
pub(super) fn write(inventory: &InventoryReport, page: &mut String) {
    let mut dates: Vec<i64> = Vec::new();
    for secret in &inventory.secrets {
        for place in &secret.places {
            dates.extend(place.commits.iter().map(|o| timestamp(&o.commit.date)));
            dates.extend(place.removed.iter().map(|c| timestamp(&c.date)));
        }
    }
    dates.extend(
        inventory
            .sources
            .iter()
            .filter_map(|source| source.head.as_ref())
            .map(|commit| timestamp(&commit.date)),
    );
    dates.retain(|&date| date != i64::MAX);
    let (Some(&start), Some(&end)) = (dates.iter().min(), dates.iter().max()) else {
        page.push_str("<h2>Timeline</h2>\n<p id=\"timeline-empty\" class=\"muted\">No secret has a git history to draw.</p>\n");
        return;
    };
    let end = end.max(start + 86_400);
    // In floating point and clamped: a date that does not parse (from a hostile inventory read
    // back) must neither overflow nor draw outside the plot.
    let x = |date: i64| {
        let share = (date as f64 - start as f64) / (end as f64 - start as f64);
        PLOT_LEFT + share.clamp(0.0, 1.0) * (PLOT_RIGHT - PLOT_LEFT)
    };
    let height = TOP + ROW_HEIGHT * inventory.secrets.len().max(1);
    page.push_str("<h2>Timeline</h2>\n<p class=\"note\">Each bar runs from the first commit that wrote the secret to the commit that removed it, or to the newest HEAD while it is still present. Dots are the commits that wrote it; a stroke is a removal.</p>\n");
    page.push_str(&format!(
        "<svg id=\"timeline\" class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" height=\"{height}\" data-row-height=\"{ROW_HEIGHT}\" data-top=\"{TOP}\" role=\"img\" aria-label=\"When each secret was introduced and removed\">\n"
    ));
    page.push_str(&format!(
        "<line class=\"axis\" x1=\"{PLOT_LEFT}\" y1=\"24\" x2=\"{PLOT_RIGHT}\" y2=\"24\"/>\n"
    ));
    for (date, anchor) in [
        (start, "start"),
        (start + (end - start) / 2, "middle"),
        (end, "end"),
    ] {
        page.push_str(&format!(
            "<text class=\"tick\" x=\"{:.1}\" y=\"16\" text-anchor=\"{anchor}\">{}</text>\n",
            x(date),
            day_of(date)
        ));
    }
    for (index, secret) in inventory.secrets.iter().enumerate() {
        let y = TOP + ROW_HEIGHT * index;
        timeline_row(index + 1, secret, y, end, &x, page);
    }
    page.push_str("</svg>\n");
}

fn timeline_row(
    number: usize,
    secret: &SecretRecord,
    y: usize,
    end: i64,
    x: &dyn Fn(i64) -> f64,
    page: &mut String,
) {
    let mut label = format!("#{number} {}", secret.rule_id);
    if label.chars().count() > 40 {
        label = label.chars().take(39).collect::<String>() + "…";
    }
    page.push_str(&format!(
        "<g class=\"timeline-row\" id=\"timeline-{number}\" data-index=\"{number}\" transform=\"translate(0,{y})\"><text x=\"0\" y=\"14\">{}</text>",
        text(&label)
    ));
    let Some(first) = &secret.first_seen else {
        page.push_str(&format!(
            "<text class=\"files\" x=\"{PLOT_LEFT}\" y=\"14\">in files only, no history</text></g>\n"
        ));
        return;
    };
    let stop = match (secret.status, &secret.removed, &secret.last_seen) {
        (Status::Present, _, _) => end,
        (_, Some(removed), _) => timestamp(&removed.commit.date),
        (_, None, Some(last)) => timestamp(&last.commit.date),
        (_, None, None) => timestamp(&first.commit.date),
    };
    let status = secret.status.as_str();
    page.push_str(&format!(
        "<line class=\"span {status}\" x1=\"{:.1}\" y1=\"10\" x2=\"{:.1}\" y2=\"10\"><title>{}</title></line>",
        x(timestamp(&first.commit.date)),
        x(stop.max(timestamp(&first.commit.date))),
        text(&format!("{} {}: {}", secret.rule_id, status_label(secret.status), span_words(secret)))
    ));
    let mut commits: BTreeMap<&str, (&str, &PlaceRecord, &str)> = BTreeMap::new();
    for place in &secret.places {
        for occurrence in &place.commits {
            let commit = &occurrence.commit;
            commits.insert(&commit.id, (&commit.date, place, &commit.author));
        }
        if let Some(removed) = &place.removed {
            let at = x(timestamp(&removed.date));
            page.push_str(&format!(
                "<line class=\"removal\" x1=\"{at:.1}\" y1=\"3\" x2=\"{at:.1}\" y2=\"17\"><title>{}</title></line>",
                text(&format!(
                    "removed from {} {} by {} ({}, {})",
                    place.repository,
                    place.path,
                    short(&removed.id),
                    day(&removed.date),
                    removed.author
                ))
            ));
        }
    }
    for (id, (date, place, author)) in commits {
        page.push_str(&format!(
            "<circle class=\"commit\" cx=\"{:.1}\" cy=\"10\" r=\"4\"><title>{}</title></circle>",
            x(timestamp(date)),
            text(&format!(
                "{} {} {}: {} {}",
                short(id),
                day(date),
                author,
                place.repository,
                place.path
            ))
        ));
    }
    page.push_str("</g>\n");
}

/// `2024-03-01 to 2024-03-05` or `since 2024-03-01`.
fn span_words(secret: &SecretRecord) -> String {
    let first = secret
        .first_seen
        .as_ref()
        .map_or("", |seen| day(&seen.commit.date));
    match (&secret.removed, secret.status) {
        (Some(removed), _) => format!("{first} to {}", day(&removed.commit.date)),
        (None, Status::Present) => format!("since {first}"),
        (None, _) => format!("from {first}, removal unknown"),
    }
}

/// The UTC day of a timestamp.
fn day_of(seconds: i64) -> String {
    OffsetDateTime::from_unix_timestamp(seconds)
        .map(|at| at.date().to_string())
        .unwrap_or_default()
}
