"""What every slide of the deck shares: the quarter's numbers and the formatting helpers."""

from __future__ import annotations

import pandas as pd

from metrics.outputs.brief.fit import Cell
from metrics.outputs.brief.slides import Deck
from metrics.outputs.palette import STATUS_COLORS, STATUS_ICONS, STATUS_INK, STATUS_ORDER
from metrics.plan import periods
from metrics.plan.registry import Indicator, Registry
from metrics.progress import figures as progress
from metrics.progress.final import assessment
from metrics.text import t
from metrics.text.format import format_target, format_value, is_missing

STATUS_FILL, STATUS_ICON = STATUS_COLORS, STATUS_ICONS


class Brief:
    """The quarter's numbers and the formatting helpers every slide uses."""

    def __init__(
        self,
        registry: Registry,
        obs: pd.DataFrame,
        as_of: str,
        lang: str,
        demo: bool,
        known_at: pd.Timestamp | None = None,
    ):
        self.reg, self.obs, self.as_of, self.lang, self.demo = registry, obs, as_of, lang, demo
        self.known_at = known_at
        self.figs = assessment(registry, obs, as_of, known_at)
        nat = self.figs[self.figs["figure"] == "national"]
        self.national = nat.set_index("indicator_id", drop=False)
        self.values = progress.current_values(registry, obs, as_of, known_at)
        self.deck = Deck(lang)

    def known_label(self) -> str:
        """The known_at moment as written: a date for a day's end, else date and time (UTC)."""
        moment = pd.Timestamp(self.known_at)
        end_of_day = moment + pd.Timedelta(1, "ns") == (moment + pd.Timedelta(1, "ns")).normalize()
        return f"{moment:%Y-%m-%d}" if end_of_day else f"{moment:%Y-%m-%d %H:%M} UTC"

    def tr(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def period(self, period: object) -> str:
        return "—" if is_missing(period) else periods.label(str(period), self.lang)

    def unit(self, ind: Indicator) -> str:
        return ind.unit_label(self.lang)

    def value(self, value: object, ind: Indicator) -> str:
        return format_value(value, self.unit(ind), self.lang)

    def target(self, ind: Indicator) -> str:
        return format_target(ind.target, ind.direction, self.unit(ind), self.lang)

    def deadline(self, ind: Indicator) -> str:
        return self.period(periods.of_date(ind.deadline))

    def status(self, status: str) -> str:
        """Symbol and word: status is never shown by colour alone."""
        return f"{STATUS_ICON.get(status, 'Σ')} {self.tr('status.' + status)}"

    def status_cell(self, status: str, wrap: bool = False) -> Cell:
        ink, fill = STATUS_INK.get(status, "#000000"), STATUS_FILL.get(status, "#E8EEF4")
        return Cell(self.status(status), True, ink, fill, wrap=wrap)

    def agency(self, agency_id: object) -> str:
        if is_missing(agency_id):
            return self.tr("figure.national")
        ag = self.reg.agency.get(str(agency_id))
        return ag.short(self.lang) if ag else str(agency_id)

    def join(self, items: list[str]) -> str:
        return ("、" if self.lang == "zh" else ", ").join(items)

    def labelled(self, label: str, value: str) -> str:
        return f"{label}{'：' if self.lang == 'zh' else ': '}{value}"

    def counts(self, statuses: pd.Series) -> str:
        """``▲ 需加快 21 · ✓ 已实现 5`` for a column of statuses."""
        n = statuses.value_counts()
        return " · ".join(f"{self.status(s)} {int(n[s])}" for s in STATUS_ORDER if s in n)

    def source(self) -> str:
        plan = self.reg.plan
        source = plan.source_zh if self.lang == "zh" else plan.source_en
        return self.tr("chart.source", source=source, as_of=self.period(self.as_of))
