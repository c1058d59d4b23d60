"""Who is signed in, and which pages they may open.

The :class:`metrics.access.auth.Session` lives in ``st.session_state`` and is re-checked against the
database on every run (expired, disabled or password changed: signed out, with the reason
shown). Every rule comes from :mod:`metrics.access.auth`; this module only maps them onto
``st.navigation``: a page the user may not open is replaced by a *gate* with the same URL
path, hidden from the menu (``st.Page(visibility="hidden")``). A signed-out visitor who
follows a link to a gated page is sent to the log-in page, and back after logging in; a
signed-in user without the right role is told so.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from metrics.access import auth
from metrics.access.auth import Session
from metrics.errors import MetricsError, PermissionDenied
from metrics.text import error_text
from pages.frame import memo
from pages.frame.page import agency_name, esc, is_demo, lang, store, tr

SESSION, NEXT, FLASH, NAV, MENU = "auth_session", "auth_next", "auth_flash", "_auth_nav", "auth_menu"
BUILT = "_auth_pages"  # this session's page objects and what they were built for
LOGIN, HOME = "login", "overview"

PAGES = (  # file, url_path, catalogue key, icon, who may open it
    ("pages/overview.py", "overview", "nav.overview", ":material/dashboard:", "view"),
    ("pages/indicator.py", "indicator", "nav.indicator", ":material/show_chart:", "view"),
    ("pages/measures.py", "measures", "nav.measures", ":material/checklist:", "view"),
    ("pages/agencies.py", "agencies", "nav.agencies", ":material/account_balance:", "view"),
    ("pages/upload.py", "upload", "nav.upload", ":material/upload_file:", "upload"),
    ("pages/data.py", "data", "nav.data", ":material/history:", "view"),
    ("pages/users.py", "users", "nav.users", ":material/group:", "admin"),
    ("pages/methodology.py", "methodology", "nav.methodology", ":material/menu_book:", "anyone"),
    ("pages/login.py", LOGIN, "nav.login", ":material/login:", "anyone"),
)
TITLE_KEYS = {url: key for _, url, key, _, _ in PAGES}


# --------------------------------------------------------------------------- the session


def view_mode() -> str:
    """``open`` or ``required`` (:func:`metrics.access.auth.view_mode`); a bad setting stops the app."""
    try:
        return memo.once("view_mode", lambda: auth.view_mode(store(), demo=is_demo()))
    except MetricsError as exc:
        st.error(error_text(exc, lang()))
        st.stop()
        raise  # unreachable


def current_session() -> Session | None:
    """The signed-in session, re-read from the database; call once at the top of every run.

    An expired or ended session is dropped, and the reason kept for :func:`show_flash`.
    """
    held = st.session_state.get(SESSION)
    if held is None:
        return None
    try:
        live = auth.check_session(store(), held)
    except PermissionDenied as exc:
        st.session_state.pop(SESSION, None)
        st.session_state[FLASH] = exc
        return None
    st.session_state[SESSION] = live
    return live


def session() -> Session | None:
    """This run's session (already refreshed by :func:`current_session`)."""
    return st.session_state.get(SESSION)


def may_open(need: str, who: Session | None, mode: str) -> bool:
    if need == "view":
        return auth.can_view(who, mode)
    if need == "upload":
        return auth.can_upload(who)
    if need == "admin":
        return auth.is_admin(who)
    return True


def can_view(who: Session | None) -> bool:
    return auth.can_view(who, view_mode())


# --------------------------------------------------------------------------- navigation


def navigation_pages(who: Session | None) -> tuple[list, list]:
    """The pages for ``st.navigation``, and those of them that are gates in this run.

    Built once per session for each language and set of permissions, then reused (a page
    object only describes a page; ``st.navigation`` picks one of them on every run)."""
    mode = view_mode()
    allowed = tuple(may_open(need, who, mode) for _, _, _, _, need in PAGES)
    key = (lang(), who is not None, allowed, PAGES)
    built = st.session_state.get(BUILT)
    if built is None or built[0] != key:
        built = (key, _build_pages(who, allowed))
        st.session_state[BUILT] = built
    pages, gates, registered, menu = built[1]
    st.session_state[NAV] = registered
    st.session_state[MENU] = menu  # what the menu offers (tests read it)
    return pages, gates


def _build_pages(who: Session | None, allowed: tuple[bool, ...]) -> tuple[list, list, dict, tuple]:
    pages, gates, registered, menu = [], [], {}, []
    for (path, url, key, icon, need), may in zip(PAGES, allowed, strict=True):
        title = tr(key)
        if may:
            hidden = url == LOGIN and who is not None
            page = st.Page(
                path,
                title=title,
                icon=icon,
                url_path=_served_path(url),
                default=url == HOME,
                visibility="hidden" if hidden else "visible",
            )
            if not hidden:
                menu.append(url)
        else:
            page = st.Page(
                _gate(url, need),
                title=title,
                icon=icon,
                url_path=_served_path(url),
                default=url == HOME,
                visibility="hidden",
            )
            gates.append(page)
        pages.append(page)
        registered[url] = page
    # The default page is served at "/" but reserves its own pathname; a shared link to
    # /overview lands on this hidden alias, which forwards to "/" with the same parameters.
    pages.append(st.Page(_to_home, title=tr(TITLE_KEYS[HOME]), url_path=HOME, visibility="hidden"))
    return pages, gates, registered, tuple(menu)


def _served_path(url: str) -> str:
    return "home" if url == HOME else url


def _to_home() -> None:
    go(HOME)


def page(url: str):
    """This run's registered page for ``url`` (for ``st.switch_page`` and ``st.page_link``)."""
    return st.session_state[NAV][url]


def go(url: str) -> None:
    """Switch to a page, keeping the language, quarter and agency in the URL."""
    st.switch_page(page(url), query_params=st.query_params.to_dict())


def _gate(url: str, need: str) -> Callable[[], None]:
    def gate() -> None:
        who = session()
        if who is None:  # log in first, then come back here
            st.session_state[NEXT] = url
            st.session_state.setdefault(FLASH, "login.needed_for_page")
            go(LOGIN)
            return
        title = tr(TITLE_KEYS[url])
        st.title(title, anchor=False)
        try:
            if need == "upload":
                auth.require_upload(who)
            else:
                auth.require_admin(who, title)
            reason = tr("gate.forbidden")
        except PermissionDenied as exc:
            reason = error_text(exc, lang())
        st.warning(reason, icon=":material/lock:")

    gate.__name__ = f"gate_{url}"
    return gate


def signed_in(new: Session) -> None:
    """Keep a fresh session and go where the user was going (else the overview)."""
    st.session_state[SESSION] = new
    st.session_state.pop(FLASH, None)
    target = st.session_state.pop(NEXT, None)
    go(target if target in st.session_state[NAV] and target != LOGIN else HOME)


# --------------------------------------------------------------------------- messages, sidebar


def show_flash() -> None:
    """A message left by the previous run (session ended, logged out, log in first)."""
    flash = st.session_state.pop(FLASH, None)
    if flash is None:
        return
    if isinstance(flash, Exception):
        st.warning(error_text(flash, lang()), icon=":material/lock_clock:")
    else:
        st.info(tr(flash), icon=":material/info:")


def role_text(who: Session) -> str:
    """``uploader · MIIT`` / ``上报 · 工业和信息化部``: the role and the agencies it may report for."""
    allowed = auth.allowed_agencies(who)
    if allowed is None:
        scope = tr("account.all_agencies")
    elif allowed:
        scope = ("、" if lang() == "zh" else ", ").join(agency_name(a, short=True) for a in sorted(allowed))
    else:
        scope = tr("account.no_agencies")
    return tr("account.scope", role=tr(f"user_role.{who.user.role}"), agencies=scope)


def account_block(who: Session | None) -> None:
    """Signed in as NAME (role, agencies) + Log out; or a link to the log-in page."""
    with st.sidebar:
        if who is None:  # where viewing is open, say why one would log in
            if view_mode() == "open":
                st.divider()
                st.page_link(page(LOGIN), label=tr("account.login_link"), icon=":material/login:")
            return
        st.divider()
        st.markdown(f"**{esc(tr('account.signed_in', name=who.user.name))}**")
        st.caption(esc(role_text(who)))
        st.caption(esc(tr("account.expires", until=f"{who.expires_at:%Y-%m-%d %H:%M}")))
        if st.button(tr("account.logout"), key="auth_logout", icon=":material/logout:"):
            auth.logout(store(), who)
            st.session_state.pop(SESSION, None)
            st.session_state[FLASH] = "login.logged_out"
            go(HOME)
