"""Briefing deck, table slides: measures by section, agencies and late reports, what changed."""

from __future__ import annotations

from metrics.outputs.brief.context import Brief
from metrics.outputs.brief.fit import Cell, Para, fit_table, row_heights
from metrics.outputs.brief.slides import (
    BOTTOM,
    CONTENT_TOP,
    MARGIN,
    SECTION_FILL,
    WIDTH,
)
from metrics.outputs.palette import MUTED, STATUS_ICONS, STATUS_ORDER
from metrics.progress import figures as progress
from metrics.progress import rollups
from metrics.progress.final import comparison_period, is_final
from metrics.text.format import cn_numeral, format_ranges


def measures_slide(b: Brief) -> None:
    slide = b.deck.slide(b.tr("brief.measures_title"))
    roll = rollups.measure_rollup(b.reg, b.figs).set_index("measure")
    sections = rollups.section_rollup(b.reg, b.figs).set_index("section")
    head = ["brief.col_section", "col.measure", "col.lead", "brief.col_counts", "brief.col_worst"]
    rows = [[Cell(b.tr(k)) for k in head]]
    merges = []
    for section in b.reg.sections:
        measures = [m for m in b.reg.measures if m.section == section.id]
        if not measures:
            continue
        start = len(rows)
        label = (
            f"{cn_numeral(section.id)}、{section.title_zh}"
            if b.lang == "zh"
            else (f"{section.id}. {section.title_en}")
        )
        worst = str(sections.loc[section.id, "worst_status"])
        for k, m in enumerate(measures):
            counts = {
                s: int(roll.loc[m.id, f"kpi_{s}"] + roll.loc[m.id, f"milestone_{s}"])
                for s in progress.STATUSES
            }
            count_text = "  ".join(f"{STATUS_ICONS[s]} {counts[s]}" for s in STATUS_ORDER if counts[s])
            if roll.loc[m.id, "missing"]:
                count_text += "\n" + b.tr("brief.missing", n=int(roll.loc[m.id, "missing"]))
            leads = [b.agency(a) for a in m.leads]
            lead_text = (
                b.join(leads)
                if leads
                else b.tr("brief.jointly", names=b.join([b.agency(a) for a in m.sharing]))
            )
            rows.append(
                [
                    Cell(f"{label}\n{b.status(worst)}" if k == 0 else "", bold=True, fill=SECTION_FILL),
                    Cell(
                        f"（{cn_numeral(m.id)}）{m.title_zh}" if b.lang == "zh" else f"{m.id}. {m.title_en}"
                    ),
                    Cell(lead_text),
                    Cell(count_text or "—"),
                    b.status_cell(str(roll.loc[m.id, "worst_status"])),
                ]
            )
        if len(measures) > 1:
            merges.append((start, 0, len(rows) - 1, 0))
    # Chinese titles are short and agency names long; English the other way round.
    widths = [1.75, 3.0, 4.35, 1.45, 1.88] if b.lang == "zh" else [1.95, 5.33, 2.0, 1.3, 1.85]
    legend_top = BOTTOM - 0.32
    size, heights, n = fit_table(rows, widths, legend_top - CONTENT_TOP - 0.04, 13, 10, b.lang, merges)
    merges = [(r0, c0, min(r1, n - 1), c1) for r0, c0, r1, c1 in merges if r0 < n - 1]
    b.deck.table(slide, MARGIN, CONTENT_TOP, widths, rows[:n], size, heights, merges)
    shown = STATUS_ORDER
    if is_final(b.reg, b.as_of):  # the final assessment has only these
        shown = [s for s in STATUS_ORDER if s in ("achieved", "missed", "contribution")]
    items = "  ".join(b.status(s) for s in shown)
    b.deck.text(
        slide,
        MARGIN,
        legend_top,
        WIDTH,
        0.32,
        [Para(b.tr("brief.legend", items=items), color=MUTED)],
        11,
        min_size=9,
    )


def agencies_slide(b: Brief) -> None:
    slide = b.deck.slide(b.tr("brief.agencies_title"))
    late = progress.late_reports(b.reg, b.obs, b.as_of, b.known_at)
    roll = rollups.agency_rollup(b.reg, b.figs, late)
    head = ["col.agency", "col.lead_measures", "col.shared_measures", "brief.col_worst", "col.late"]
    rows = [[Cell(b.tr(k)) for k in head]]
    for a in b.reg.agencies:
        mine = roll[roll["agency_id"] == a.id]
        responsible = mine[mine["role"].isin(["lead", "shared"])]
        roles = b.reg.measures_of(a.id)
        n_late = int(mine["late"].sum())
        rows.append(
            [
                Cell(a.short(b.lang)),
                Cell(format_ranges(roles["lead"])),
                Cell(format_ranges(roles["shared"])),
                b.status_cell(progress.worst_status(responsible["worst_status"])),
                Cell(str(n_late), bold=n_late > 0, align="right"),
            ]
        )
    widths = [2.45, 1.2, 1.8, 1.9, 0.75]
    size, heights, n = fit_table(rows, widths, BOTTOM - CONTENT_TOP, 12, 10, b.lang)
    b.deck.table(slide, MARGIN, CONTENT_TOP, widths, rows[:n], size, heights)

    x = MARGIN + sum(widths) + 0.3
    w = 13.333 - MARGIN - x
    title = b.tr("brief.late_count", title=b.tr("overview.late_title", period=b.period(b.as_of)), n=len(late))
    b.deck.text(slide, x, CONTENT_TOP - 0.05, w, 0.45, [Para(title, bold=True)], 14, min_size=11)
    top = CONTENT_TOP + 0.45
    if late.empty:
        b.deck.text(slide, x, top, w, 0.6, [Para(b.tr("overview.late_none"))], 13, min_size=10)
        return
    late_rows = [[Cell(b.tr("col.agency")), Cell(b.tr("col.indicator"))]]
    for r in late.itertuples():
        ind = b.reg.indicator[r.indicator_id]
        late_rows.append([Cell(b.agency(r.agency_id)), Cell(ind.name(b.lang))])
    _table_with_more(b, slide, x, top, [1.5, w - 1.5], late_rows, BOTTOM - top, 12)


def _table_with_more(
    b: Brief, slide, x: float, y: float, widths, rows, height: float, max_pt: float
) -> float:
    """A table that, when it cannot fit even at 10 pt, lists what fits and says how many more."""
    size, heights, n = fit_table(rows, widths, height, max_pt, 10, b.lang)
    if n < len(rows):
        size, heights, n = fit_table(rows, widths, height - 0.35, max_pt, 10, b.lang)
    b.deck.table(slide, x, y, widths, rows[:n], size, heights)
    bottom = y + sum(heights)
    if n < len(rows):
        more = b.tr("brief.more_rows", n=len(rows) - n)
        b.deck.text(slide, x, bottom + 0.02, sum(widths), 0.33, [Para(more, color=MUTED)], 11, min_size=9)
        bottom += 0.35
    return bottom


def changes_slide(b: Brief) -> None:
    previous = comparison_period(b.reg, b.as_of)
    if is_final(b.reg, b.as_of):
        title = b.tr("final.changes_title", a=b.period(previous))
    else:
        title = b.tr("overview.changes_title", start=b.period(previous), end=b.period(b.as_of))
    slide = b.deck.slide(title)
    delta = rollups.changes(b.reg, b.obs, previous, b.as_of, b.known_at)
    moved, fresh, revised = delta["status_changes"], delta["new_values"], delta["revisions"]
    counts = b.tr("overview.changes_counts", moved=len(moved), new=len(fresh), revised=len(revised))
    b.deck.text(slide, MARGIN, CONTENT_TOP - 0.1, WIDTH, 0.4, [Para(counts)], 14, min_size=11)
    top = CONTENT_TOP + 0.35
    revision_block = 0.0
    rev_rows = []
    if len(revised):
        head = [
            "col.indicator",
            "col.agency",
            "col.period",
            "col.old_value",
            "col.new_value",
            "col.uploaded_by",
        ]
        rev_rows = [[Cell(b.tr(k)) for k in head]]
        for r in revised.itertuples():
            ind = b.reg.indicator[r.indicator_id]
            rev_rows.append(
                [
                    Cell(ind.name(b.lang)),
                    Cell(b.agency(r.agency_id)),
                    Cell(b.period(r.period), wrap=False),
                    Cell(b.value(r.old_value, ind), align="right", wrap=False),
                    Cell(b.value(r.new_value, ind), align="right", wrap=False),
                    Cell(str(r.uploaded_by)),
                ]
            )
        revision_block = min(0.6 + sum(row_heights(rev_rows, _rev_widths(b.lang), 11, b.lang)), 2.0)
    if moved.empty:
        b.deck.text(slide, MARGIN, top, WIDTH, 0.5, [Para(b.tr("brief.no_status_changes"))], 13)
        bottom = top + 0.5
    else:
        moved = moved.sort_values("figure", key=lambda s: s.map({"national": 0, "agency": 1}), kind="stable")
        head = [
            "col.indicator",
            "col.figure",
            "col.from_status",
            "col.to_status",
            "col.from_value",
            "col.to_value",
        ]
        rows = [[Cell(b.tr(k)) for k in head]]
        for r in moved.itertuples():
            ind = b.reg.indicator[r.indicator_id]
            rows.append(
                [
                    Cell(ind.name(b.lang)),
                    Cell(b.agency(r.agency_id)),
                    b.status_cell(str(r.from_status)),
                    b.status_cell(str(r.to_status)),
                    Cell(b.value(r.from_value, ind), align="right", wrap=False),
                    Cell(b.value(r.to_value, ind), align="right", wrap=False),
                ]
            )
        widths = [4.0, 2.35, 1.6, 1.6, 1.44, 1.44] if b.lang == "zh" else [5.33, 1.1, 1.9, 1.9, 1.1, 1.1]
        bottom = _table_with_more(b, slide, MARGIN, top, widths, rows, BOTTOM - top - revision_block, 12)
    if rev_rows:
        y = bottom + 0.15
        b.deck.text(slide, MARGIN, y, WIDTH, 0.38, [Para(b.tr("overview.revisions_title"), bold=True)], 13)
        _table_with_more(b, slide, MARGIN, y + 0.4, _rev_widths(b.lang), rev_rows, BOTTOM - y - 0.4, 12)


def _rev_widths(lang: str) -> list[float]:
    """Chinese agency names are long, English indicator names are."""
    return [4.0, 2.35, 1.75, 1.4, 1.4, 1.53] if lang == "zh" else [5.63, 1.1, 1.75, 1.3, 1.3, 1.35]
