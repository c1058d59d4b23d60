"""Upload / 数据上报: check a quarterly file, preview what it changes, store it on confirmation.

Only for a signed-in uploader or admin (the navigation shows the page to no one else). The
page only lays out widgets: checking, counting and classifying come from
:func:`metrics.actions.upload_as`, i.e. :func:`metrics.ingest.batch.ingest_file` limited to the user's
agencies and recorded under the user's name (first ``dry_run=True`` for the preview, then for
real on confirmation). User text (file names, notes) is shown in dataframes or escaped with
:func:`pages.frame.page.esc`, never as HTML.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import PurePath

import pandas as pd
import streamlit as st

from metrics import actions
from metrics.access import auth
from metrics.access.auth import Session
from metrics.errors import IngestRefused, MetricsError, PermissionDenied, Revert, RevertHeld
from metrics.ingest.batch import IngestResult, period_bounds
from metrics.outputs.export import MIME, template_bytes, to_bytes
from metrics.plan import periods
from metrics.text import error_text
from pages.frame import gate
from pages.frame.page import (
    after_write,
    agency_filter,
    agency_name,
    as_of,
    ensure_entry_point,
    esc,
    lang,
    registry,
    store,
    targets,
    tr,
    uploads,
)
from pages.upload_tables import change_table, column_widths, problem_table, revert_table, when_text

log = logging.getLogger(__name__)

FILE_TYPES = ["csv", "txt", "tsv", "xlsx"]  # not .xls: refused anyway (save as .xlsx)
NONCE, PREVIEW, FLASH, SEEN = "upload_nonce", "upload_preview", "upload_flash", "upload_seen"


# --------------------------------------------------------------------------- who uploads


def uploader_agencies(who: Session) -> list[str]:
    """The agencies this user may report for, in registry order (every agency for an admin)."""
    allowed = auth.allowed_agencies(who)
    return [a for a in registry().agency if allowed is None or a in allowed]


def who_section(who: Session) -> None:
    """Who is uploading (recorded with the upload) and for which agencies."""
    lg = lang()
    st.caption(esc(tr("upload.as_user", name=who.user.name)))
    if auth.allowed_agencies(who) is None:
        st.caption(tr("upload.may_report_all"))
        return
    names = ("、" if lg == "zh" else ", ").join(agency_name(a) for a in uploader_agencies(who))
    st.info(esc(tr("upload.may_report", agencies=names)), icon=":material/badge:")


# --------------------------------------------------------------------------- template


@st.cache_data(show_spinner=False, max_entries=32)
def _template(targets: str, agency: str, period: str, fmt: str, lang: str) -> bytes:
    """A template's bytes, made once per (registry, agency, quarter, format, language)."""
    return template_bytes(registry(), agency, period, fmt, lang=lang)


def template_section(who: Session) -> None:
    """Agency (one of the user's) + quarter + format -> a pre-filled template."""
    reg = registry()
    lg = lang()
    with st.expander(tr("upload.template"), icon=":material/download:"):
        st.caption(tr("upload.template_help"))
        agencies = uploader_agencies(who)
        chosen = agency_filter()
        default_agency = chosen if chosen in agencies else agencies[0]
        first, last = period_bounds(reg, dt.date.today())
        quarters = periods.span(first, last)
        wanted = as_of()
        default_period = wanted if wanted in quarters else last
        c1, c2, c3 = st.columns([3, 2, 1])
        agency = c1.selectbox(
            tr("upload.template_agency"),
            agencies,
            index=agencies.index(default_agency),
            format_func=lambda a: reg.agency[a].name(lg),  # AppTest calls it outside the run
            key="upload_tpl_agency",
        )
        period = c2.selectbox(
            tr("upload.template_period"),
            quarters,
            index=quarters.index(default_period),
            format_func=lambda p: periods.label(p, lg),
            key="upload_tpl_period",
        )
        fmt = c3.radio(
            tr("upload.template_format"),
            ["xlsx", "csv"],
            format_func=str.upper,
            key="upload_tpl_fmt",
            horizontal=True,
        )
        if not reg.indicators_for(agency):
            st.info(tr("upload.template_none"))
            return
        args = (targets(), agency, period, fmt, lg)
        st.download_button(  # built when pressed: a run after a commit draws the page, not a workbook
            tr("upload.template_button"),
            data=lambda: _template(*args),
            file_name=f"template_{agency}_{period}.{fmt}",
            mime=MIME[fmt],
            on_click="ignore",
            icon=":material/table_view:",
            key="upload_tpl_download",
        )


# --------------------------------------------------------------------------- tables


def _join(lg: str, *sentences: str) -> str:
    return ("" if lg == "zh" else " ").join(sentences)


def dropzone_css() -> str:
    """The upload box's own words (Streamlit draws them in English only) in the page's language."""
    limit = int(st.get_option("server.maxUploadSize"))
    sep = "、" if lang() == "zh" else ", "
    texts = {
        "[data-testid='stFileUploaderDropzone'] [data-testid='stBaseButton-secondary'] p": tr(
            "upload.browse"
        ),
        "[data-testid='stFileUploaderDropzoneInstructions'] span": tr(
            "upload.dropzone", limit=limit, types=sep.join(t.upper() for t in FILE_TYPES)
        ),
    }
    rules = "".join(
        f"{where}{{font-size:0}}{where}::after{{content:{_css_string(text)};font-size:0.9rem}}"
        for where, text in texts.items()
    )
    # the long sentence wraps inside the box on a phone rather than running out of it
    wrap = (
        "[data-testid='stFileUploaderDropzoneInstructions']{min-width:0;flex:1 1 auto;overflow:visible}"
        "[data-testid='stFileUploaderDropzoneInstructions'] span::after{white-space:normal;display:block}"
    )
    return f"<style>{rules}{wrap}</style>"


def _css_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{max(1, round(n / 1024))} KB"


# --------------------------------------------------------------------------- steps


def check(file_name: str, data: bytes, file_id: str, who: Session) -> IngestResult | IngestRefused | None:
    """Dry run of the ingestion as this user; remembered per file, user and data version."""
    s = store()
    key = (file_id, len(data), who.user.name, s.path, s.data_version())
    cached = st.session_state.get(PREVIEW)
    if cached and cached[0] == key:
        return cached[1]
    outcome: IngestResult | IngestRefused | None = None
    with st.status(tr("upload.checking", file=esc(file_name))) as status:
        st.write(tr("upload.step_read", size=_size(len(data))))
        try:
            outcome = actions.upload_as(s, registry(), who, data, file_name, dry_run=True)
        except IngestRefused as exc:
            outcome = exc
            status.update(label=tr("upload.check_failed", file=esc(file_name)), state="error")
        except PermissionDenied as exc:  # the session ended meanwhile
            status.update(label=tr("upload.check_failed", file=esc(file_name)), state="error")
            st.error(error_text(exc, lang()))
            return None
        except MetricsError as exc:
            status.update(label=tr("upload.check_failed", file=esc(file_name)), state="error")
            _show_failure(exc)
            return None
        except Exception:  # never a traceback on screen; the log keeps it
            log.exception("checking %s failed", file_name)
            status.update(label=tr("upload.check_failed", file=esc(file_name)), state="error")
            st.error(tr("upload.unexpected"))
            return None
        else:
            st.write(tr("upload.step_rows", rows=outcome.batch.n_file_rows))
            status.update(label=tr("upload.checked", file=esc(file_name)), state="complete")
    st.session_state[PREVIEW] = (key, outcome)
    return outcome


def commit(
    file_name: str, data: bytes, who: Session, seen: tuple[int, int, int], allow_revert: bool = False
) -> None:
    """Store the file for real as this user, then reset the uploader and say what was stored."""
    with st.status(tr("upload.storing")) as status:
        try:
            result = actions.upload_as(store(), registry(), who, data, file_name, allow_revert=allow_revert)
        except (IngestRefused, MetricsError) as exc:
            status.update(label=tr("upload.store_failed"), state="error")
            st.session_state.pop(PREVIEW, None)
            if isinstance(exc, RevertHeld):  # values were corrected between preview and confirm
                st.warning(tr("upload.held_meanwhile", n=len(exc.reverts)), icon=":material/history:")
            elif isinstance(exc, IngestRefused):
                show_refusal(exc)
            elif isinstance(exc, PermissionDenied):
                st.error(error_text(exc, lang()))
            else:
                _show_failure(exc)
            return
        except Exception:  # the commit may have landed before the error: do not claim otherwise
            log.exception("storing %s failed", file_name)
            after_write()
            status.update(label=tr("upload.store_failed"), state="error")
            st.error(tr("upload.store_unexpected"))
            return
        status.update(label=tr("upload.stored_status"), state="complete")
    c = result.change
    if c.stored:
        after_write()
    st.session_state[FLASH] = {
        "upload": c.upload_id,
        "file": file_name,
        "new": c.new,
        "revised": c.revised,
        "unchanged": c.unchanged,
        "reverted": len(c.reverts),
        "meanwhile": (c.new, c.revised, c.unchanged) != seen,
    }
    st.session_state.pop(PREVIEW, None)
    st.session_state[NONCE] = st.session_state.get(NONCE, 0) + 1
    st.rerun()


def _show_failure(exc: MetricsError) -> None:
    st.error(tr("upload.db_error"))
    st.text(str(exc))


def show_refusal(exc: IngestRefused) -> None:
    """Count headline, the full problem table and the problem list as CSV."""
    lg = lang()
    st.error(tr("upload.refused", file=esc(exc.file_name), n=len(exc.problems)), icon=":material/block:")
    table = problem_table(exc.problems, lg)
    widths = column_widths(lg, data_col_row=60, data_col_column=110, data_col_value=180, data_col_reason=760)
    st.dataframe(table, hide_index=True, width="stretch", column_config=widths, placeholder="—")
    stem = PurePath(exc.file_name).stem or "file"
    st.download_button(
        tr("upload.problems_download"),
        data=to_bytes(table, "csv"),
        file_name=f"{stem}-problems.csv",
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        key="upload_problems_download",
    )


def show_preview(result: IngestResult, data: bytes, who: Session) -> None:
    """Counts, the rows with their change, then confirm (or: nothing changed)."""
    c, b = result.change, result.batch
    lg = lang()
    st.subheader(tr("upload.preview"))
    headline = tr("upload.rows_checked", rows=b.n_file_rows)
    if b.duplicates_dropped:
        headline = _join(lg, headline, tr("upload.duplicates", n=b.duplicates_dropped))
    st.caption(headline)
    col_new, col_rev, col_same = st.columns(3)
    col_new.metric(tr("upload.count_new"), c.new)
    col_rev.metric(tr("upload.count_revised"), c.revised)
    col_same.metric(tr("upload.count_unchanged"), c.unchanged)
    widths = column_widths(lg, data_col_row=60, data_col_change=90, data_col_indicator=320, data_col_note=200)
    st.dataframe(
        change_table(c.rows, lg), hide_index=True, width="stretch", column_config=widths, placeholder="—"
    )
    if c.new + c.revised == 0:
        text = tr("upload.nothing_changed")
        earlier = _upload_row(c.identical_upload)
        if earlier is not None:
            text = _join(
                lg,
                text,
                tr(
                    "upload.identical",
                    upload=c.identical_upload,
                    file=esc(earlier["file_name"]),
                    who=esc(earlier["uploaded_by"]),
                    when=when_text(earlier["uploaded_at"]),
                ),
            )
        st.info(text, icon=":material/check_circle:")
        return
    nonce = st.session_state.get(NONCE, 0)
    revert = show_reverts(c.reverts, nonce)
    st.caption(tr("upload.confirm_hint", new=c.new, revised=c.revised))
    buttons = st.container(horizontal=True)
    counts = (c.new, c.revised, c.unchanged)
    if buttons.button(
        tr("upload.confirm"),
        type="primary",
        key=f"upload_confirm_{nonce}",
        on_click=_remember_seen,
        args=(counts,),  # bound when the button was drawn: the counts the user saw
    ):
        if c.reverts and not revert:
            st.warning(tr("upload.revert_needed", n=len(c.reverts)))
        else:
            commit(b.file_name, data, who, st.session_state.pop(SEEN, counts), allow_revert=revert)
    if buttons.button(tr("upload.cancel"), key=f"upload_cancel_{nonce}"):
        st.session_state.pop(PREVIEW, None)
        st.session_state[NONCE] = nonce + 1
        st.rerun()


def show_reverts(reverts: tuple[Revert, ...], nonce: int) -> bool:
    """A file that would undo later corrections: list those values; True once the user ticked
    the confirmation naming their count (then the file is stored with them)."""
    if not reverts:
        return False
    lg = lang()
    st.warning(tr("upload.held", n=len(reverts)), icon=":material/history:")
    st.caption(tr("upload.held_hint"))
    widths = column_widths(lg, data_col_row=60, data_col_indicator=280)
    st.dataframe(
        revert_table(reverts, lg), hide_index=True, width="stretch", column_config=widths, placeholder="—"
    )
    return st.checkbox(tr("upload.revert_confirm", n=len(reverts)), key=f"upload_revert_{nonce}")


def _remember_seen(counts: tuple[int, int, int]) -> None:
    st.session_state[SEEN] = counts


def _upload_row(upload_id: int | None) -> pd.Series | None:
    if upload_id is None:
        return None
    audit = uploads()
    match = audit[audit["upload_id"] == upload_id]
    return None if match.empty else match.iloc[0]


def show_flash() -> None:
    """The success message of the upload stored in the previous run."""
    done = st.session_state.pop(FLASH, None)
    if not done:
        return
    if done["upload"] is None:  # someone stored the same values between preview and confirm
        st.info(tr("upload.nothing_changed"), icon=":material/check_circle:")
        return
    params = {k: done[k] for k in ("upload", "new", "revised", "unchanged")}
    st.success(tr("upload.success", file=esc(done["file"]), **params), icon=":material/task_alt:")
    if done.get("reverted"):
        st.info(tr("upload.reverted", n=done["reverted"]), icon=":material/history:")
    if done["meanwhile"]:
        st.info(tr("upload.changed_meanwhile"))


# --------------------------------------------------------------------------- page


def main() -> None:
    ensure_entry_point()  # run on its own (first request): go through dashboard.py
    st.title(tr("upload.title"))
    st.caption(tr("upload.intro"))
    who = gate.session()
    if not auth.can_upload(who):  # the navigation does not offer the page; a stale link might
        st.warning(tr("gate.forbidden"), icon=":material/lock:")
        return
    show_flash()
    who_section(who)
    template_section(who)
    nonce = st.session_state.setdefault(NONCE, 0)
    st.html(dropzone_css())
    uploaded = st.file_uploader(
        tr("upload.file"), type=FILE_TYPES, key=f"upload_file_{nonce}", help=tr("upload.file_help")
    )
    if uploaded is None:
        st.session_state.pop(PREVIEW, None)
        return
    data = uploaded.getvalue()
    outcome = check(uploaded.name, data, uploaded.file_id, who)
    if isinstance(outcome, IngestRefused):
        show_refusal(outcome)
    elif outcome is not None:
        show_preview(outcome, data, who)


main()
