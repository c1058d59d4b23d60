"""Log in / 登录: user name and password, checked by :func:`metrics.access.auth.authenticate`.

A failure shows the one generic sentence (or the lock-out sentence with the time to wait);
success keeps the session and opens the page the user was going to (else the overview).
"""

from __future__ import annotations

import streamlit as st

from metrics.access import auth, users
from metrics.errors import AuthenticationFailed, MetricsError
from metrics.text import error_text
from pages.frame import gate
from pages.frame.page import agency_name, ensure_entry_point, esc, is_demo, lang, store, tr


def demo_accounts() -> None:
    """On the demo database only: the documented demo accounts."""
    lines = []
    for name, password, role, agencies in users.DEMO_USERS:
        scope = ""
        if agencies:
            sep = "、" if lang() == "zh" else ", "
            scope = tr("login.demo_scope", agencies=sep.join(agency_name(a, short=True) for a in agencies))
        role_name = tr(f"user_role.{role}")
        lines.append(tr("login.demo_account", role=role_name, scope=scope, name=name, password=password))
    st.caption(tr("login.demo_hint"))
    st.code("\n".join(lines), language=None)


def main() -> None:
    ensure_entry_point()  # run on its own (first request): go through dashboard.py
    st.title(tr("login.title"), anchor=False)
    who = gate.session()
    if who is not None:
        st.success(esc(tr("login.already", name=who.user.name)), icon=":material/verified_user:")
        st.caption(esc(gate.role_text(who)))
        st.page_link(gate.page(gate.HOME), label=tr("login.continue"), icon=":material/dashboard:")
        return
    st.caption(tr("login.intro_required" if gate.view_mode() == "required" else "login.intro"))
    left, _ = st.columns([2, 3])
    with left, st.form("login", enter_to_submit=True):
        name = st.text_input(tr("login.name"), key="login_name", max_chars=64, autocomplete="username")
        password = st.text_input(
            tr("login.password"),
            type="password",
            key="login_password",
            max_chars=auth.MAX_PASSWORD,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(tr("login.submit"), type="primary", icon=":material/login:")
    if submitted:
        try:
            new = auth.authenticate(store(), name, password)
        except AuthenticationFailed as exc:
            left.error(error_text(exc, lang()), icon=":material/error:")
        except MetricsError as exc:  # e.g. a bad METRICS_SESSION_HOURS
            left.error(error_text(exc, lang()))
        else:
            gate.signed_in(new)
    if is_demo():
        demo_accounts()


main()
