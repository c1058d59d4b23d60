"""The Upload page's tables: the problems of a refused file, the changes of a checked one, and
the values a file would set back (:mod:`pages.upload` lays out the steps around them)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from metrics.errors import Problem, Revert
from metrics.text import problem_reason, t
from pages.frame.page import agency_name, indicator_name, labels, period_label


def problem_table(problems: list[Problem], lg: str) -> pd.DataFrame:
    """Row as Excel shows it, column as written in the file, value, reason: one line per problem."""
    return pd.DataFrame(
        {
            t("data.col.row", lg): pd.array([p.row for p in problems], dtype="Int64"),
            t("data.col.column", lg): [p.column or "" for p in problems],
            t("data.col.value", lg): [p.value if p.value is not None else "" for p in problems],
            t("data.col.reason", lg): [reason(p, lg) for p in problems],
        }
    )


def reason(problem: Problem, lg: str) -> str:
    """Why, without where (the row and column have their own columns)."""
    return problem_reason(problem, lg)


def change_table(rows: pd.DataFrame, lg: str) -> pd.DataFrame:
    """The checked rows with what storing them does (classified by the store)."""
    return pd.DataFrame(
        {
            t("data.col.row", lg): rows["row"].astype("Int64"),
            t("data.col.change", lg): labels(rows["change"], lambda c: t(f"upload.change.{c}", lg)),
            t("data.col.indicator", lg): labels(rows["indicator_id"], indicator_name),
            t("data.col.period", lg): labels(rows["period"], period_label),
            t("data.col.agency", lg): labels(rows["agency_id"], short_agency),
            t("data.col.previous", lg): rows["previous_value"],
            t("data.col.new_value", lg): rows["value"],
            t("data.col.note", lg): rows["note"].astype("string").fillna(""),
        }
    )


def revert_table(reverts: tuple[Revert, ...], lg: str) -> pd.DataFrame:
    """The values a file would set back: where, the file's and the current value, who corrected it."""
    return pd.DataFrame(
        {
            t("data.col.row", lg): pd.array([r.row for r in reverts], dtype="Int64"),
            t("data.col.indicator", lg): [indicator_name(r.indicator_id) for r in reverts],
            t("data.col.period", lg): [period_label(r.period) for r in reverts],
            t("data.col.agency", lg): [short_agency(r.agency_id) for r in reverts],
            t("data.col.file_value", lg): [r.old_value for r in reverts],
            t("data.col.current_value", lg): [r.current_value for r in reverts],
            t("data.col.corrected_by", lg): pd.array([r.corrected_upload for r in reverts], dtype="Int64"),
            t("data.col.file", lg): [r.corrected_file for r in reverts],
            t("data.col.corrected_who", lg): [r.corrected_by for r in reverts],
            t("data.col.corrected_at", lg): [when_text(r.corrected_at) for r in reverts],
            t("data.col.correction_note", lg): [r.corrected_note or "" for r in reverts],
        }
    )


def short_agency(agency_id: str) -> str:
    return agency_name(agency_id, short=True)


def column_widths(lg: str, **widths: int) -> dict[str, object]:
    """Column widths keyed by catalogue key, so long names do not push the numbers off screen."""
    return {t(key.replace("_", "."), lg): st.column_config.Column(width=w) for key, w in widths.items()}


def when_text(stamp: object) -> str:
    return "" if stamp is None or pd.isna(stamp) else pd.Timestamp(stamp).strftime("%Y-%m-%d %H:%M UTC")
