"""The Data & history page's cached reads and read-only tables (:mod:`pages.data` lays out the
filters, the download, the withdrawal form and the audit log around them).

The values table is one page of rows read in SQL (:meth:`metrics.store.values.Values.revisions_page`,
cached per data version, filters, order and page); the export is built only when its button is pressed.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.outputs.export import export_frame, localized_headers, to_bytes
from metrics.store.values import RevisionFilter, RevisionPage
from metrics.text import CATALOG, t
from pages.frame.page import (
    agency_name,
    indicator_name,
    labels,
    load_registry_cached,
    open_store_cached,
    period_label,
    registry,
    tr,
    uploads,
)

KEY = ["indicator_id", "period", "agency_id"]
PAGE_SIZES = [100, 200, 500]  # rows per page of the data table the browser gets


# --------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=32)
def revisions(
    path: str, version: int, chosen: RevisionFilter, order: str, offset: int, limit: int
) -> RevisionPage:
    """One page of the chosen revisions and their count, read in SQL once per data version,
    filters, order and page (:meth:`metrics.store.values.Values.revisions_page`)."""
    return open_store_cached(path).revisions_page(chosen, order, offset, limit)


@st.cache_data(show_spinner=False, max_entries=8)
def quarters_with_data(path: str, version: int) -> list[str]:
    """The quarters with a stored value, newest first (none: the database is empty)."""
    return open_store_cached(path).stored_periods()


@st.cache_data(show_spinner=False, max_entries=4)
def _export(path: str, version: int, targets: str) -> pd.DataFrame:
    return export_frame(open_store_cached(path), load_registry_cached(targets), all_revisions=True)


@st.cache_data(show_spinner=False, max_entries=8)
def export_bytes(path: str, version: int, targets: str, chosen: RevisionFilter, fmt: str, lg: str) -> bytes:
    """The file bytes, made when the download is pressed, once per data version, filters, format
    and language (headers). Runs outside a page run: it reads through the cached resources."""
    return to_bytes(localized_headers(narrow(_export(path, version, targets), chosen), lg), fmt)


def narrow(frame: pd.DataFrame, chosen: RevisionFilter) -> pd.DataFrame:
    """Rows matching the chosen indicator, agency and quarter; withdrawn ones only if asked."""
    mask = pd.Series(True, index=frame.index)
    for column in KEY:
        value = getattr(chosen, column)
        if value is not None:
            mask &= frame[column] == value
    if not chosen.include_withdrawn:
        mask &= ~frame["withdrawn"].astype(bool)
    return frame[mask]


# --------------------------------------------------------------------------- tables


def history_table(rows: pd.DataFrame, lg: str) -> pd.DataFrame:
    reg = registry()
    units = {i.id: i.unit_label(lg) for i in reg.indicators}
    return pd.DataFrame(
        {
            t("data.col.indicator", lg): labels(rows["indicator_id"], indicator_name),
            t("data.col.period", lg): labels(rows["period"], period_label),
            t("data.col.agency", lg): labels(rows["agency_id"], lambda a: agency_name(a, short=True)),
            t("data.col.revision", lg): rows["revision"].astype("Int64"),
            t("data.col.number", lg): rows["value"],
            t("data.col.unit", lg): rows["indicator_id"].map(units),
            t("data.col.note", lg): rows["note"].astype("string").fillna(""),
            t("data.col.current", lg): rows["current"].astype(bool),
            t("data.col.withdrawn", lg): rows["withdrawn"].astype(bool),
            t("data.col.upload", lg): rows["upload_id"].astype("Int64"),
            t("data.col.file", lg): rows["file_name"].astype("string"),
            t("data.col.who", lg): rows["uploaded_by"].astype("string"),
            t("data.col.when", lg): pd.to_datetime(rows["uploaded_at"]),
            t("data.col.indicator_id", lg): rows["indicator_id"],
        }
    )


def uploads_table(audit: pd.DataFrame, lg: str) -> pd.DataFrame:
    sep = "、" if lg == "zh" else ", "
    return pd.DataFrame(
        {
            t("data.col.upload", lg): audit["upload_id"].astype("Int64"),
            t("data.col.when", lg): pd.to_datetime(audit["uploaded_at"]),
            t("data.col.who", lg): audit["uploaded_by"].astype("string"),
            t("data.col.file", lg): audit["file_name"].astype("string"),
            t("data.col.rows", lg): audit["n_rows"].astype("Int64"),
            t("upload.count_new", lg): audit["n_new"].astype("Int64"),
            t("upload.count_revised", lg): audit["n_revised"].astype("Int64"),
            t("upload.count_unchanged", lg): audit["n_unchanged"].astype("Int64"),
            t("data.col.agencies", lg): labels(audit["agencies"], lambda ids: _agency_list(ids, sep)),
            t("data.col.source", lg): audit["source"].astype("string"),
            t("data.col.withdrawn", lg): audit["withdrawn_at"].notna(),
            t("data.col.withdrawn_at", lg): pd.to_datetime(audit["withdrawn_at"]),
            t("data.col.withdrawn_by", lg): audit["withdrawn_by"].astype("string").fillna(""),
            t("data.col.withdraw_reason", lg): audit["withdraw_reason"].astype("string").fillna(""),
            t("data.col.sha256", lg): audit["sha256"].astype("string"),
        }
    )


def _agency_list(ids: str, sep: str) -> str:
    return sep.join(agency_name(a, short=True) for a in ids.split(",") if a)


def time_columns(lg: str, *names: str) -> dict[str, object]:
    return {t(n, lg): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm") for n in names}


def _indicator_width(lg: str) -> dict[str, object]:
    return {t("data.col.indicator", lg): st.column_config.Column(width=280)}


# --------------------------------------------------------------------------- sections


def values_table(page: RevisionPage, lg: str) -> None:
    """The rows of one page of the data table (at most a few hundred: drawn on every run)."""
    st.dataframe(
        history_table(page.rows, lg),
        hide_index=True,
        width="stretch",
        column_config=time_columns(lg, "data.col.when") | _indicator_width(lg),
        placeholder="—",
    )


def uploads_section(lg: str) -> None:
    """Every upload with its counts (the audit record is a cached read per data version)."""
    st.subheader(tr("data.uploads"))
    audit = uploads()
    if audit.empty:
        st.info(tr("data.uploads_none"))
        return
    st.caption(tr("data.uploads_count", n=len(audit), withdrawn=int(audit["withdrawn_at"].notna().sum())))
    st.dataframe(
        uploads_table(audit, lg),
        hide_index=True,
        width="stretch",
        column_config=time_columns(lg, "data.col.when", "data.col.withdrawn_at"),
        placeholder="—",
    )


def withdraw_options() -> dict[int, str]:
    """The uploads still counting, as the withdrawal form offers them (none: nothing to withdraw)."""
    audit = uploads()
    open_ = audit[audit["withdrawn_at"].isna()]
    return {
        int(row.upload_id): tr(
            "withdraw.option",
            upload=int(row.upload_id),
            file=row.file_name,
            who=row.uploaded_by,
            when=pd.Timestamp(row.uploaded_at).strftime("%Y-%m-%d %H:%M"),
        )
        for row in open_.itertuples()
    }


def audit_table(log: pd.DataFrame, lg: str) -> None:
    """The audit log as read on this run (it grows without a data-version bump: read every run)."""
    st.subheader(t("audit.title", lg))
    st.caption(t("audit.caption", lg, n=len(log)))
    st.dataframe(
        pd.DataFrame(
            {
                t("audit.col.when", lg): pd.to_datetime(log["logged_at"]),
                t("audit.col.actor", lg): log["actor"].astype("string"),
                t("audit.col.action", lg): log["action"].map(lambda a: _action(a, lg)),
                t("audit.col.detail", lg): log["detail"].astype("string").fillna(""),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=time_columns(lg, "audit.col.when"),
        placeholder="—",
    )


def _action(code: str, lg: str) -> str:
    key = f"audit.action.{code}"
    return t(key, lg) if key in CATALOG else str(code)


def reminders_table(sent: pd.DataFrame, lg: str) -> None:
    """The latest reminders sent to agencies (``python -m metrics remind --send``), newest first."""
    st.subheader(t("remind.title", lg))
    if sent.empty:
        st.info(t("remind.none_sent", lg))
        return
    st.caption(t("remind.caption", lg, n=len(sent)))
    st.dataframe(
        pd.DataFrame(
            {
                t("remind.col.sent_at", lg): pd.to_datetime(sent["sent_at"]),
                t("data.col.agency", lg): labels(sent["agency_id"], lambda a: agency_name(a, short=True)),
                t("data.col.period", lg): labels(sent["period"], period_label),
                t("remind.col.stage", lg): sent["stage"].map(lambda s: t(f"remind.stage.{s}", lg)),
                t("remind.col.due", lg): pd.to_datetime(sent["due"]).dt.strftime("%Y-%m-%d"),
                t("remind.col.indicators", lg): sent["n_indicators"].astype("Int64"),
                t("remind.col.recipients", lg): sent["recipients"].astype("string"),
                t("remind.col.sent_by", lg): sent["sent_by"].astype("string"),
            }
        ),
        hide_index=True,
        width="stretch",
        column_config=time_columns(lg, "remind.col.sent_at"),
        placeholder="—",
    )
