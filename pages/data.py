"""Data & history / 数据与修订: every stored value with its revisions, and the upload audit list.

Rows come from :meth:`metrics.store.Store.history` and :meth:`~metrics.store.Store.uploads`;
the download is the CLI export (:func:`metrics.export.export_frame` + ``to_bytes``). An admin
also sees the audit log and may withdraw an upload (:func:`metrics.auth.withdraw`). User text
(notes, names, file names, reasons) is only ever shown inside dataframes or select options.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from metrics import auth, config
from metrics.errors import MetricsError
from metrics.export import export_frame, to_bytes
from metrics.i18n import CATALOG, t
from pages import access
from pages.common import (
    after_write,
    agency_filter,
    agency_name,
    empty_state,
    ensure_entry_point,
    indicator_name,
    lang,
    period_label,
    registry,
    store,
    tr,
    uploads,
)

ALL = "__all__"
WITHDRAWN, NONCE = "data_withdrawn_flash", "data_withdraw_nonce"
KEY = ["indicator_id", "period", "agency_id"]
MIME = {"csv": "text/csv", "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


# --------------------------------------------------------------------------- cached reads


@st.cache_data(show_spinner=False, max_entries=8)
def _history(path: str, version: int) -> pd.DataFrame:
    """Every revision of every value, withdrawn ones marked, with the current one flagged."""
    s = store()
    frame = s.history()
    current = s.latest()[[*KEY, "revision"]].assign(current=True)
    frame = frame.merge(current, on=[*KEY, "revision"], how="left")
    frame["current"] = frame["current"].fillna(False).astype(bool)
    return frame


@st.cache_data(show_spinner=False, max_entries=8)
def _export(path: str, version: int, targets: str) -> pd.DataFrame:
    return export_frame(store(), registry(), all_revisions=True)


@st.cache_data(show_spinner=False, max_entries=8)
def _export_bytes(path: str, version: int, targets: str, chosen: dict[str, object], fmt: str) -> bytes:
    """The file bytes, made once per data version, filters and format (not on every rerun)."""
    return to_bytes(narrow(_export(path, version, targets), chosen), fmt)


def _version() -> tuple[str, int]:
    s = store()
    return s.path, s.data_version()


# --------------------------------------------------------------------------- filters


def _choose(label: str, names: dict[str, str], key: str, default: str = ALL, container=st) -> str:
    """A selectbox of ``names`` keys plus "all"; labels fixed now (AppTest formats outside the run)."""
    choices = [ALL, *names]
    index = choices.index(default) if default in choices else 0
    labels = {ALL: tr("data.all"), **names}
    return container.selectbox(label, choices, index=index, key=key, format_func=labels.get)


def filters(history: pd.DataFrame) -> dict[str, object]:
    reg = registry()
    c1, c2, c3, c4 = st.columns([4, 3, 2, 3], vertical_alignment="bottom")
    indicators = {i: indicator_name(i) for i in reg.indicator}
    agencies = {a: agency_name(a) for a in reg.agency}
    quarters = {p: period_label(p) for p in sorted(history["period"].dropna().unique(), reverse=True)}
    indicator = _choose(tr("data.filter_indicator"), indicators, "data_indicator", container=c1)
    default_agency = agency_filter() or ALL
    agency = _choose(tr("data.filter_agency"), agencies, "data_agency", default=default_agency, container=c2)
    period = _choose(tr("data.filter_period"), quarters, "data_period", container=c3)
    withdrawn = c4.checkbox(tr("data.filter_withdrawn"), key="data_withdrawn")
    return {"indicator_id": indicator, "agency_id": agency, "period": period, "withdrawn": withdrawn}


def narrow(frame: pd.DataFrame, chosen: dict[str, object]) -> pd.DataFrame:
    """Rows matching the chosen indicator, agency and quarter; withdrawn ones only if asked."""
    mask = pd.Series(True, index=frame.index)
    for column in KEY:
        if chosen[column] != ALL:
            mask &= frame[column] == chosen[column]
    if not chosen["withdrawn"]:
        mask &= ~frame["withdrawn"].astype(bool)
    return frame[mask]


# --------------------------------------------------------------------------- tables


def labels(values: pd.Series, name) -> pd.Series:
    """Display names, computed once per distinct id."""
    return values.map({v: name(v) for v in values.dropna().unique()})


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


def _time_columns(lg: str, *names: str) -> dict[str, object]:
    return {t(n, lg): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm") for n in names}


def _indicator_width(lg: str) -> dict[str, object]:
    return {t("data.col.indicator", lg): st.column_config.Column(width=280)}


# --------------------------------------------------------------------------- sections


def download(chosen: dict[str, object]) -> None:
    """The CLI export of the filtered rows, as CSV (UTF-8 with BOM) or XLSX."""
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    fmt = row.radio(
        tr("data.download_format"), ["csv", "xlsx"], format_func=str.upper, horizontal=True, key="data_fmt"
    )
    stamp = dt.date.today().isoformat()
    row.download_button(
        tr("data.download_button", fmt=fmt.upper()),
        data=_export_bytes(*_version(), str(config.targets_path()), chosen, fmt),
        file_name=f"data_{stamp}.{fmt}",
        mime=MIME[fmt],
        on_click="ignore",
        icon=":material/download:",
        key="data_download",
    )


def values_section(history: pd.DataFrame) -> None:
    lg = lang()
    st.subheader(tr("data.values"))
    chosen = filters(history)
    rows = narrow(history, chosen)
    if rows.empty:
        st.info(tr("data.none"))
        return
    keys = len(rows[KEY].drop_duplicates())
    st.caption(tr("data.count", rows=len(rows), keys=keys))
    st.dataframe(
        history_table(rows, lg),
        hide_index=True,
        width="stretch",
        column_config=_time_columns(lg, "data.col.when") | _indicator_width(lg),
    )
    download(chosen)


def uploads_section() -> None:
    lg = lang()
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
        column_config=_time_columns(lg, "data.col.when", "data.col.withdrawn_at"),
    )


def withdraw_section() -> None:
    """Admin only: choose an upload, give a reason, confirm; :func:`metrics.auth.withdraw`."""
    who = access.session()
    if not auth.is_admin(who):
        return
    lg = lang()
    st.subheader(tr("withdraw.title"))
    st.caption(tr("withdraw.help"))
    done = st.session_state.pop(WITHDRAWN, None)
    if done is not None:
        st.success(tr("withdraw.done", upload=done), icon=":material/undo:")
    audit = uploads()
    open_ = audit[audit["withdrawn_at"].isna()]
    if open_.empty:
        st.info(tr("withdraw.none"))
        return
    names = {
        int(row.upload_id): tr(
            "withdraw.option",
            upload=int(row.upload_id),
            file=row.file_name,
            who=row.uploaded_by,
            when=pd.Timestamp(row.uploaded_at).strftime("%Y-%m-%d %H:%M"),
        )
        for row in open_.itertuples()
    }
    nonce = st.session_state.setdefault(NONCE, 0)
    with st.form(f"data_withdraw_{nonce}"):
        upload = st.selectbox(
            tr("withdraw.upload"), list(names), format_func=names.get, key=f"data_withdraw_upload_{nonce}"
        )
        reason = st.text_input(tr("withdraw.reason"), max_chars=500, key=f"data_withdraw_reason_{nonce}")
        sure = st.checkbox(tr("withdraw.confirm"), key=f"data_withdraw_sure_{nonce}")
        go = st.form_submit_button(tr("withdraw.button"), type="primary", icon=":material/undo:")
    if not go:
        return
    if not sure:
        st.warning(tr("withdraw.confirm_needed"))
        return
    try:
        auth.withdraw(store(), who, upload, reason)
    except MetricsError as exc:
        st.error(t("withdraw.title", lg) + ": " + auth.message(exc, lg))
        return
    after_write()
    st.session_state[WITHDRAWN] = upload
    st.session_state[NONCE] = nonce + 1
    st.rerun()


def _action(code: str, lg: str) -> str:
    key = f"audit.action.{code}"
    return t(key, lg) if key in CATALOG else str(code)


def audit_section(limit: int = 500) -> None:
    """Admin only: who did what (log-ins, user changes, withdrawals, refused uploads)."""
    if not auth.is_admin(access.session()):
        return
    lg = lang()
    log = store().audit_log(limit=limit)
    st.subheader(tr("audit.title"))
    st.caption(tr("audit.caption", n=len(log)))
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
        column_config=_time_columns(lg, "audit.col.when"),
    )


def main() -> None:
    ensure_entry_point()  # run on its own (first request): go through dashboard.py
    st.title(tr("data.title"))
    st.caption(tr("data.intro"))
    history = _history(*_version())
    if history.empty:
        empty_state()
        audit_section()
        return
    values_section(history)
    uploads_section()
    withdraw_section()
    audit_section()


main()
