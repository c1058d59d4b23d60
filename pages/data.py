"""Data & history / 数据与修订: every stored value with its revisions, and the upload audit list.

Rows come from :meth:`metrics.store.values.Values.history` and :meth:`~metrics.store.uploads.Uploads.uploads`;
the download is the CLI export (:func:`metrics.outputs.export.export_frame` + ``to_bytes``). An admin
also sees the reminders sent to agencies and the audit log, and may withdraw an upload
(:func:`metrics.actions.withdraw`). User text (notes, names, file names, reasons) is only ever
shown inside dataframes or select options.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from metrics import actions
from metrics.access import auth
from metrics.errors import MetricsError
from metrics.outputs.export import MIME
from metrics.store.values import REVISION_ORDERS, RevisionFilter
from metrics.text import error_text, t
from pages.data_tables import (
    PAGE_SIZES,
    audit_table,
    export_bytes,
    quarters_with_data,
    reminders_table,
    revisions,
    uploads_section,
    values_table,
    withdraw_options,
)
from pages.frame import gate
from pages.frame.page import (
    after_write,
    agency_filter,
    agency_name,
    data_key,
    empty_state,
    ensure_entry_point,
    indicator_name,
    lang,
    period_label,
    registry,
    store,
    targets,
    tr,
)
from pages.frame.urlstate import ALL

WITHDRAWN, NONCE = "data_withdrawn_flash", "data_withdraw_nonce"
PAGE, PAGED = "data_page", "data_paged"  # the page number widget; what it numbers pages of
FOLLOWED = "data_sidebar_agency"  # the sidebar's agency the agency filter last followed


# --------------------------------------------------------------------------- filters


def _choose(label: str, names: dict[str, str], key: str, default: str = ALL, container=st) -> str:
    """A selectbox of ``names`` keys plus "all"; labels fixed now (AppTest formats outside the run)."""
    choices = [ALL, *names]
    index = choices.index(default) if default in choices else 0
    labels = {ALL: tr("data.all"), **names}
    return container.selectbox(label, choices, index=index, key=key, format_func=labels.get)


def filters(quarter_ids: list[str]) -> RevisionFilter:
    reg = registry()
    c1, c2, c3, c4 = st.columns([4, 3, 2, 3], vertical_alignment="bottom")
    indicators = {i: indicator_name(i) for i in reg.indicator}
    agencies = {a: agency_name(a) for a in reg.agency}
    quarters = {p: period_label(p) for p in quarter_ids}
    indicator = _choose(tr("data.filter_indicator"), indicators, "data_indicator", container=c1)
    sidebar_agency = agency_filter() or ALL
    if st.session_state.get(FOLLOWED) != sidebar_agency:  # the sidebar's agency changed: follow it
        st.session_state[FOLLOWED] = st.session_state["data_agency"] = sidebar_agency
    agency = _choose(tr("data.filter_agency"), agencies, "data_agency", container=c2)
    period = _choose(tr("data.filter_period"), quarters, "data_period", container=c3)
    withdrawn = c4.checkbox(tr("data.filter_withdrawn"), key="data_withdrawn")
    return RevisionFilter(*(None if v == ALL else v for v in (indicator, agency, period)), withdrawn)


def paging(chosen: RevisionFilter) -> tuple[str, int]:
    """The order and page size chosen; a new filter, order or size starts again at page 1."""
    c1, c2 = st.columns([3, 1])
    orders = {o: tr(f"data.order.{o}") for o in REVISION_ORDERS}
    order = c1.selectbox(tr("data.order"), list(orders), format_func=orders.get, key="data_order")
    size = c2.selectbox(tr("data.page_size"), PAGE_SIZES, index=1, key="data_page_size")
    if st.session_state.get(PAGED) != (chosen, order, size):
        st.session_state[PAGED] = (chosen, order, size)
        st.session_state[PAGE] = 1
    return order, size


def page_controls(total: int, size: int) -> int:
    """The page number (1 to the last page) and where it is: rows first to last of total."""
    pages = max(1, -(-total // size))
    if st.session_state.get(PAGE, 1) > pages:  # the data shrank under a chosen page
        st.session_state[PAGE] = pages
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    number = int(row.number_input(tr("data.page"), 1, pages, step=1, key=PAGE))
    first = (number - 1) * size
    last = min(first + size, total)
    row.caption(tr("data.page_rows", first=first + 1, last=last, rows=total, pages=pages))
    return number


# --------------------------------------------------------------------------- sections


def download(chosen: RevisionFilter) -> None:
    """The CLI export of the filtered rows, as CSV (UTF-8 with BOM) or XLSX, built when pressed."""
    row = st.container(horizontal=True, vertical_alignment="bottom", gap="medium")
    fmt = row.radio(
        tr("data.download_format"), ["csv", "xlsx"], format_func=str.upper, horizontal=True, key="data_fmt"
    )
    args = (*data_key(), targets(), chosen, fmt, lang())
    stamp = dt.date.today().isoformat()
    row.download_button(
        tr("data.download_button", fmt=fmt.upper()),
        data=lambda: export_bytes(*args),
        file_name=f"data_{stamp}.{fmt}",
        mime=MIME[fmt],
        on_click="ignore",
        icon=":material/download:",
        help=tr("data.download_help"),
        key="data_download",
    )


def values_section(quarters: list[str]) -> None:
    """Filters, order and page size, then one page of the matching revisions read in SQL."""
    st.subheader(tr("data.values"))
    chosen = filters(quarters)
    order, size = paging(chosen)
    number = st.session_state.get(PAGE, 1)
    found = revisions(*data_key(), chosen, order, (number - 1) * size, size)
    if found.total == 0:
        st.info(tr("data.none"))
        return
    st.caption(tr("data.count", rows=found.total, keys=found.keys))
    if page_controls(found.total, size) != number:  # clamped to the last page: read that one
        number = st.session_state[PAGE]
        found = revisions(*data_key(), chosen, order, (number - 1) * size, size)
    values_table(found, lang())
    download(chosen)


def withdraw_section() -> None:
    """Admin only: choose an upload, give a reason, confirm; :func:`metrics.actions.withdraw`."""
    who = gate.session()
    if not auth.is_admin(who):
        return
    lg = lang()
    st.subheader(tr("withdraw.title"))
    st.caption(tr("withdraw.help"))
    done = st.session_state.pop(WITHDRAWN, None)
    if done is not None:
        st.success(tr("withdraw.done", upload=done), icon=":material/undo:")
    names = withdraw_options()
    if not names:
        st.info(tr("withdraw.none"))
        return
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
        actions.withdraw(store(), who, upload, reason)
    except MetricsError as exc:
        st.error(t("withdraw.title", lg) + ": " + error_text(exc, lg))
        return
    after_write()
    st.session_state[WITHDRAWN] = upload
    st.session_state[NONCE] = nonce + 1
    st.rerun()


def reminders_section(limit: int = 50) -> None:
    """Admin only: the latest reminders sent to agencies. Read on every run (no data-version bump)."""
    if not auth.is_admin(gate.session()):
        return
    reminders_table(store().reminders(limit=limit), lang())


def audit_section(limit: int = 500) -> None:
    """Admin only: who did what (log-ins, user changes, withdrawals, refused uploads). Read on
    every run: the log grows without a data-version bump."""
    if not auth.is_admin(gate.session()):
        return
    audit_table(store().audit_log(limit=limit), lang())


def main() -> None:
    ensure_entry_point()  # run on its own (first request): go through dashboard.py
    st.title(tr("data.title"))
    st.caption(tr("data.intro"))
    quarters = quarters_with_data(*data_key())
    if not quarters:
        empty_state()
        reminders_section()
        audit_section()
        return
    values_section(quarters)
    uploads_section(lang())
    withdraw_section()
    reminders_section()
    audit_section()


main()
