"""Methodology / 方法说明: docs/methodology.md in the chosen language, as leaders read it (no code
paths or field names: :func:`metrics.text.doc.for_readers`)."""

from __future__ import annotations

import re
from pathlib import Path

import streamlit as st

from metrics.text.doc import for_readers
from pages.frame import page
from pages.frame.layout import page_header

DOC = Path(__file__).resolve().parents[1] / "docs" / "methodology.md"
HEADINGS = {"zh": "中文", "en": "English"}

page_header("methodology.title")


def language_part(text: str, lang: str) -> str | None:
    """The part under the top-level heading ``# 中文`` or ``# English`` (None if absent)."""
    parts = re.split(r"^# +(.+?)\s*$", text, flags=re.MULTILINE)
    sections = {parts[i].strip(): parts[i + 1] for i in range(1, len(parts) - 1, 2)}
    body = sections.get(HEADINGS[lang])
    return body.strip() if body and body.strip() else None


try:
    text = DOC.read_text(encoding="utf-8")
except (OSError, UnicodeDecodeError):
    text = None

if text is None:
    st.info(page.tr("methodology.missing"), icon=":material/info:")
else:
    body = language_part(text, page.lang())
    if body is None:
        other = language_part(text, "en" if page.lang() == "zh" else "zh")
        st.info(page.tr("methodology.missing_lang"), icon=":material/info:")
        body = other or text
    st.markdown(for_readers(body, page.lang()))
