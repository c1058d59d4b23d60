"""Users / 用户管理 (administrators only): every account, add one, disable or enable one,
reset a password. Every change goes through the ``*_as`` functions of :mod:`metrics.access.users`,
which check that the session is a valid admin session and record the admin's name."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.access import auth, users
from metrics.errors import MetricsError
from metrics.text import error_text
from pages.frame import gate
from pages.frame.page import agency_name, ensure_entry_point, esc, lang, registry, store, tr

FLASH = "users_flash"


def users_table(frame: pd.DataFrame) -> pd.DataFrame:
    now = pd.Timestamp.now(tz="UTC").tz_localize(None)
    sep = "、" if lang() == "zh" else ", "

    def state(disabled: bool, locked: object) -> str:
        if disabled:
            return tr("users.state.disabled")
        if locked is not None and pd.notna(locked) and pd.Timestamp(locked) > now:
            return tr("users.state.locked", until=pd.Timestamp(locked).strftime("%Y-%m-%d %H:%M"))
        return tr("users.state.active")

    return pd.DataFrame(
        {
            tr("users.col.name"): frame["name"].astype("string"),
            tr("users.col.role"): [tr(f"user_role.{r}") for r in frame["role"]],
            tr("users.col.agencies"): [
                sep.join(agency_name(a, short=True) for a in auth.split_agencies(ids))
                for ids in frame["agencies"]
            ],
            tr("users.col.state"): [
                state(bool(d), lk) for d, lk in zip(frame["disabled"], frame["locked_until"], strict=True)
            ],
            tr("users.col.created"): pd.to_datetime(frame["created_at"]).dt.strftime("%Y-%m-%d %H:%M"),
        }
    )


def _done(key: str, name: str) -> None:
    st.session_state[FLASH] = tr(key, name=name)
    st.rerun()


def _failed(exc: MetricsError) -> None:
    st.error(esc(error_text(exc, lang())), icon=":material/error:")


def add_form(who: auth.Session) -> None:
    reg = registry()
    roles = {r: tr(f"user_role.{r}") for r in auth.ROLES}  # labels fixed now: AppTest formats later
    agency_names = {a: agency_name(a) for a in reg.agency}
    with st.form("users_add", clear_on_submit=True):
        st.markdown(f"**{esc(tr('users.add'))}**")
        c1, c2 = st.columns(2)
        name = c1.text_input(tr("users.name"), max_chars=64, key="users_add_name")
        role = c2.selectbox(tr("users.role"), list(roles), format_func=roles.get, key="users_add_role")
        agencies = st.multiselect(
            tr("users.agencies"),
            list(agency_names),
            format_func=agency_names.get,
            placeholder=tr("users.choose"),
            key="users_add_agencies",
        )
        c3, c4 = st.columns(2)
        pw = c3.text_input(
            tr("users.password", min=auth.MIN_PASSWORD),
            type="password",
            key="users_add_password",
            autocomplete="new-password",
        )
        pw2 = c4.text_input(
            tr("users.password2"), type="password", key="users_add_password2", autocomplete="new-password"
        )
        submitted = st.form_submit_button(tr("users.add_button"), icon=":material/person_add:")
    if submitted:
        try:
            users.add_user_as(store(), reg, who, name.strip(), role, agencies, pw, pw2)
        except MetricsError as exc:
            _failed(exc)
        else:
            _done("users.added", name.strip())


def change_form(who: auth.Session, names: list[str]) -> None:
    with st.form("users_change", clear_on_submit=True):
        st.markdown(f"**{esc(tr('users.change'))}**")
        name = st.selectbox(tr("users.which"), names, key="users_change_name")
        c1, c2 = st.columns(2)
        new = {"type": "password", "autocomplete": "new-password"}
        pw = c1.text_input(tr("users.new_password"), key="users_change_password", **new)
        pw2 = c2.text_input(tr("users.password2"), key="users_change_password2", **new)
        row = st.container(horizontal=True)
        reset = row.form_submit_button(tr("users.reset"), icon=":material/key:")
        disable = row.form_submit_button(tr("users.disable"), icon=":material/block:")
        enable = row.form_submit_button(tr("users.enable"), icon=":material/check_circle:")
    try:
        if reset:
            users.set_password_as(store(), who, name, pw, pw2)
            _done("users.was_reset", name)
        elif disable or enable:
            users.set_disabled_as(store(), who, name, disabled=bool(disable))
            _done("users.disabled" if disable else "users.enabled", name)
    except MetricsError as exc:
        _failed(exc)


def main() -> None:
    ensure_entry_point()  # run on its own (first request): go through dashboard.py
    st.title(tr("users.title"), anchor=False)
    st.caption(tr("users.intro"))
    who = gate.session()
    if not auth.is_admin(who):  # the navigation offers the page to admins only
        st.warning(tr("gate.forbidden"), icon=":material/lock:")
        return
    done = st.session_state.pop(FLASH, None)
    if done:
        st.success(esc(done), icon=":material/task_alt:")
    frame = store().users()
    st.dataframe(users_table(frame), hide_index=True, width="stretch", placeholder="—")
    left, right = st.columns(2, gap="large")
    with left:
        add_form(who)
    with right:
        if not frame.empty:
            change_form(who, list(frame["name"]))


main()
