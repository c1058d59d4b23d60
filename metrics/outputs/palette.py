"""The look every output shares: the status palette (colour, text colour, icon, marker) and the
ink, grid and series colours. Status is never shown by colour alone: each status has an
Okabe–Ito colour, an icon and its word."""

from __future__ import annotations

from collections.abc import Sequence

from metrics.text import t

FONT_FAMILY = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "Noto Sans SC", sans-serif'
INK = "#1F2933"
MUTED = "#5F6B7A"
GRID = "#E4E7EB"
NATIONAL_COLOR = "#1F2933"
# Series that are not statuses (agencies' own figures): neutral, distinct from the status colours.
SERIES_COLORS = ("#7F7F7F", "#8C6D31", "#5B5EA6", "#3F7F7F", "#A0522D", "#6B8E23")
SERIES_SYMBOLS = ("square", "diamond", "triangle-up", "cross", "pentagon", "star-triangle-up")

# Okabe–Ito based, best to worst; greys for "cannot assess".
STATUS_COLORS: dict[str, str] = {
    "achieved": "#009E73",
    "on_track": "#0072B2",
    "acceleration_needed": "#E69F00",
    "limited_progress": "#D55E00",
    "deterioration": "#CC79A7",
    "missed": "#000000",
    "insufficient_data": "#999999",
    "no_data": "#D9D9D9",
}
STATUS_INK: dict[str, str] = {  # text colour readable on the status colour
    "achieved": "#FFFFFF",
    "on_track": "#FFFFFF",
    "acceleration_needed": "#000000",
    "limited_progress": "#FFFFFF",
    "deterioration": "#000000",
    "missed": "#FFFFFF",
    "insufficient_data": "#000000",
    "no_data": "#000000",
}
STATUS_ICONS: dict[str, str] = {
    "achieved": "✓",
    "on_track": "●",
    "acceleration_needed": "▲",
    "limited_progress": "◆",
    "deterioration": "▼",
    "missed": "✕",
    "insufficient_data": "◐",
    "no_data": "○",
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_COLORS)


def status_key(statuses: Sequence[str], lang: str) -> list[tuple[str, str]]:
    """Key items for the statuses present, best to worst."""
    present = set(statuses)
    return [(STATUS_COLORS[s], status_legend_name(s, lang)) for s in STATUS_ORDER if s in present]


def status_legend_name(status: str, lang: str) -> str:
    return f"{STATUS_ICONS[status]} {t('status.' + status, lang)}"
