"""The deck's status definitions: a past briefing reproduced with known_at, the baseline's source
on each KPI slide, figures without data counted on the measures slide."""

from __future__ import annotations

import io

import pandas as pd
import pytest
from conftest import TARGETS
from pptx import Presentation
from test_brief import rows, slide_text, table

from metrics.cli.main import main
from metrics.outputs.brief.deck import build_brief, slide_kinds
from metrics.progress.rollups import snapshot_time
from metrics.text import t


def deck(registry, obs, as_of, lang, known_at=None) -> Presentation:
    return Presentation(io.BytesIO(build_brief(registry, obs, as_of, lang, demo=True, known_at=known_at)))


def test_known_at_reproduces_the_2025q3_briefing(registry, demo_obs):
    # the 2025Q3 correction of verification points (42 -> 43) came in after the first 2025Q4 value
    then = snapshot_time(demo_obs, "2025Q3")
    past, now = deck(registry, demo_obs, "2025Q3", "en", then), deck(registry, demo_obs, "2025Q3", "en")
    label = f"{then:%Y-%m-%d %H:%M} UTC"
    assert t("brief.known_at", "en", date=label) in slide_text(past.slides[0])
    assert "known at" not in slide_text(now.slides[0])

    def latest(d) -> str:
        summary = rows(table(d.slides[1]))
        return next(r for r in summary if r[0] == "National standard verification points")[1]

    assert (latest(past), latest(now)) == ("42 points", "43 points")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_kpi_slides_say_where_the_baseline_comes_from(registry, demo_obs, lang):
    d = deck(registry, demo_obs, "2025Q4", lang)
    slide = d.slides[slide_kinds(registry).index("kpi:verification_points")]
    value = "12个" if lang == "zh" else "12 points"
    period = "2023年第四季度" if lang == "zh" else "2023 Q4"
    assert t("baseline.pre_plan", lang, value=value, period=period) in slide_text(slide)


def test_measures_slide_counts_the_figures_without_data(registry, demo_obs):
    # as known before anything was recorded, every figure of measure 31 (a KPI and a milestone) is missing
    d = deck(registry, demo_obs, "2025Q4", "en", pd.Timestamp("2020-01-01"))
    measures = rows(table(d.slides[slide_kinds(registry).index("measures")]))
    row = next(r for r in measures if r[1].startswith("31. "))
    assert row[3].splitlines()[-1] == t("brief.missing", "en", n=2)


def test_cli_takes_known_at(demo_db, tmp_path, capsys):
    out = tmp_path / "past.pptx"
    args = ["brief", "--db", str(demo_db), "--targets", str(TARGETS), "--lang", "zh", "--known-at"]
    assert main([*args, "2020-01-01", str(out)]) == 0
    assert "数字按2020-01-01前录入的数据重现" in slide_text(Presentation(str(out)).slides[0])
    assert main([*args, "soon", str(tmp_path / "x.pptx")]) == 2
    assert "--known-at" in capsys.readouterr().err and not (tmp_path / "x.pptx").exists()
