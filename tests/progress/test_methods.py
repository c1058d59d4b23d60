"""Three progress methods side by side: the formulas by hand, the engine on small series, and the
worked examples of docs/methodology.md section 13 (the doc's numbers are checked against the code).

Every expected number is worked out by hand in the comment next to it.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from test_figures import indicator, make_obs, make_registry

from metrics.progress.figures import figures, status_records
from metrics.progress.methods import (
    COLUMNS,
    assessed_quarter,
    compare,
    destatis,
    disagree,
    open_sdg_level,
    unsd,
    with_methods,
)
from tests.cli.test_report import FakeStore
from tests.cli.test_report import run as cli_run

DOC = Path(__file__).resolve().parents[2] / "docs" / "methodology.md"

# ---------------------------------------------------------------- UNSD Progress Chart 2023


def test_unsd_higher_is_better_by_hand():
    # 60 -> 70 in 0.75 years, 1 year left, target 90:
    # CAGR = (70/60)^(1/0.75) - 1 = 0.228181; v_e = 70 * 1.228181 = 85.97267
    # ratio = (85.97267 - 60) / 30 = 0.865756 -> fair progress -> off track
    u = unsd(60, 70, 90, 0.75, 1.0, "at_least")
    assert u.cagr == pytest.approx(0.228181, abs=1e-6)
    assert u.projected == pytest.approx(85.97267, abs=1e-5)
    assert u.ratio == pytest.approx(0.865756, abs=1e-6)
    assert (u.category, u.level, u.note) == ("fair_progress", "off_track", None)


def test_unsd_lower_is_better_by_hand():
    # 24 -> 23 months in 0.75 years, target at most 18 one year later:
    # CAGR = (23/24)^(4/3) - 1 = -0.055166; v_e = 23 * 0.944834 = 21.73118
    # ratio = (21.73118 - 24) / (18 - 24) = 0.378137
    u = unsd(24, 23, 18, 0.75, 1.0, "at_most")
    assert u.cagr == pytest.approx(-0.055166, abs=1e-6)
    assert u.projected == pytest.approx(21.73118, abs=1e-5)
    assert u.ratio == pytest.approx(0.378137, abs=1e-6)
    assert u.level == "off_track"


@pytest.mark.parametrize(
    ("latest", "category", "level"),
    [
        # 50 -> latest in 1 year, 1 year left, target 100: v_e = latest^2 / 50, ratio = (v_e - 50) / 50
        (98, "met_or_on_track", "on_track"),  # v_e = 192.08: ratio 2.84
        (85, "met_or_on_track", "on_track"),  # v_e = 144.5: ratio 1.89
        (69.6, "fair_progress", "off_track"),  # v_e = 96.88: ratio 0.9377, just short of 0.95
        (70, "met_or_on_track", "on_track"),  # v_e = 98: ratio 0.96
        (52, "stagnation_or_regression", "off_track"),  # v_e = 54.08: ratio 0.0816
        (53, "fair_progress", "off_track"),  # v_e = 56.18: ratio 0.1236
        (45, "stagnation_or_regression", "moving_away"),  # v_e = 40.5: ratio -0.19
    ],
)
def test_unsd_thresholds(latest, category, level):
    u = unsd(50, latest, 100, 1.0, 1.0, "at_least")
    assert (u.category, u.level) == (category, level)


def test_unsd_threshold_edges():
    # ratio exactly 0.95: v_e = 97.5 with v_b 50, target 100; latest 97.5 with no time left
    assert unsd(50, 97.5, 100, 1.0, 0.0, "at_least").category == "met_or_on_track"
    # ratio exactly 0.10: latest 55, no time left -> fair progress
    assert unsd(50, 55, 100, 1.0, 0.0, "at_least").category == "fair_progress"


def test_unsd_zero_and_negative_values_say_cagr_undefined():
    for base, latest in ((0, 40), (-5, 10), (10, 0), (-10, -5)):
        u = unsd(base, latest, 100, 0.75, 1.0, "at_least")
        assert (u.note, u.level, u.category) == ("cagr_undefined", None, None)
        assert math.isnan(u.cagr) and math.isnan(u.projected) and math.isnan(u.ratio)
    # a latest value that meets the target is met whatever the CAGR
    assert unsd(0, 100, 100, 0.75, 1.0, "at_least").level == "on_track"


def test_unsd_no_distance_and_missing_inputs():
    # baseline 95 already meets "at least 90", latest 85 does not: no distance to measure
    u = unsd(95, 85, 90, 1.0, 1.0, "at_least")
    assert (u.note, u.level) == ("no_distance", None)
    assert unsd(math.nan, 85, 90, 1.0, 1.0, "at_least").note == "insufficient_data"


# ---------------------------------------------------------------- Destatis-style straight line


def test_destatis_by_hand():
    # 70 now, +10/3 a quarter, 4 quarters left, target 90: v_p = 83.333; left 6.667 of 20 = 1/3 -> off
    s = destatis(70, 10 / 3, 4, 90, "at_least")
    assert s.projected == pytest.approx(83.333333, abs=1e-6)
    assert s.gap_share == pytest.approx(1 / 3)
    assert (s.category, s.level) == ("off", "off_track")


@pytest.mark.parametrize(
    ("mean", "share", "category", "level"),
    [
        # latest 80, target 100 (gap 20), 4 quarters left: v_p = 80 + 4 * mean
        (5, 0.0, "on_track", "on_track"),  # reaches 100
        (4.8, 0.04, "on_track", "on_track"),  # 99.2: 0.8 / 20
        (4.0, 0.20, "slightly_off", "off_track"),  # 96: 4 / 20, 20 % is still slightly off
        (4.5, 0.10, "slightly_off", "off_track"),  # 98: 2 / 20
        (3.0, 0.40, "off", "off_track"),  # 92: 8 / 20
        (0.0, 1.0, "wrong_direction", "moving_away"),  # no change: the distance stays
        (-1.0, 1.2, "wrong_direction", "moving_away"),  # 76: 24 / 20
    ],
)
def test_destatis_classes(mean, share, category, level):
    s = destatis(80, mean, 4, 100, "at_least")
    assert s.gap_share == pytest.approx(share)
    assert (s.category, s.level) == (category, level)


def test_destatis_lower_is_better_and_met():
    # 23 months, -1/3 a quarter, 4 left, at most 18: v_p = 21.667, left 3.667 of 5 = 0.7333
    s = destatis(23, -1 / 3, 4, 18, "at_most")
    assert s.gap_share == pytest.approx(0.733333, abs=1e-6)
    assert s.level == "off_track"
    # rising is the wrong direction for an at_most target
    assert destatis(23, 0.5, 4, 18, "at_most").category == "wrong_direction"
    # already met
    assert destatis(17, 0.5, 4, 18, "at_most").level == "on_track"
    assert destatis(70, math.nan, 4, 90, "at_least").note == "insufficient_data"


# ---------------------------------------------------------------- levels and disagreement


def test_open_sdg_levels():
    assert [open_sdg_level(s) for s in ("achieved", "on_track", "acceleration_needed")] == [
        "on_track",
        "on_track",
        "off_track",
    ]
    assert [open_sdg_level(s) for s in ("limited_progress", "deterioration")] == ["off_track", "moving_away"]
    for s in ("missed", "no_data", "insufficient_data", "contribution"):
        assert open_sdg_level(s) is None


def test_disagreement_needs_two_assessed_levels_that_differ():
    assert disagree(["on_track", "on_track", "off_track"])
    assert not disagree(["off_track", "off_track", "off_track"])
    assert not disagree(["off_track", None, "off_track"])
    assert not disagree(["off_track", None, None])
    assert disagree([None, "moving_away", "off_track"])


def test_assessed_quarter_stops_at_the_deadline():
    assert assessed_quarter("2025Q3", "2025Q4") == "2025Q3"
    assert assessed_quarter("2025Q4", "2025Q4") == "2025Q4"
    assert assessed_quarter("2026Q4", "2025Q4") == "2025Q4"


# ---------------------------------------------------------------- the engine on stored values


def _example_2():
    reg = make_registry(indicator("a"), indicator("m", kind="milestone", unit="%", target=100))
    obs = make_obs(
        ("a", "samr", "2024Q1", 60),
        ("a", "samr", "2024Q2", 63),
        ("a", "samr", "2024Q3", 66),
        ("a", "samr", "2024Q4", 69),
        ("a", "samr", "2024Q4", 70, 2),
        ("a", "miit", "2024Q1", 50),
        ("a", "miit", "2024Q4", 49),
        ("m", "samr", "2024Q1", 0),
        ("m", "samr", "2024Q4", 40),
        ("a", "samr", "2026Q1", 95),  # after the deadline: never counts for the methods
    )
    return reg, obs


def _row(df, indicator_id, agency_id=None):
    mask = df["indicator_id"] == indicator_id
    mask &= df["agency_id"].isna() if agency_id is None else (df["agency_id"] == agency_id)
    assert mask.sum() == 1
    return df[mask].iloc[0]


def test_compare_example_2_and_a_milestone():
    reg, obs = _example_2()
    c = compare(reg, obs, "2024Q4")
    assert list(c.columns) == list(COLUMNS)
    assert c["indicator_id"].tolist() == ["a", "a", "m"]
    a = _row(c, "a")
    assert (a["baseline_value"], a["latest_value"], a["years_left"]) == (60, 70, 1.0)
    assert a["open_sdg_ratio"] == pytest.approx(0.875148, abs=1e-6)  # Example 2
    assert a["unsd_ratio"] == pytest.approx(0.865756, abs=1e-6)
    assert a["destatis_window_start"] == "2024Q1"
    assert a["destatis_mean_change"] == pytest.approx(10 / 3)
    assert a["destatis_gap_share"] == pytest.approx(1 / 3)
    assert [a[f"{m}_level"] for m in ("open_sdg", "unsd", "destatis")] == ["off_track"] * 3
    assert not a["disagree"]
    # MIIT's own: 50 -> 49, away from 90: R < 0, UNSD ratio < 0, Destatis wrong direction
    miit = _row(c, "a", "miit")
    assert [miit[f"{m}_level"] for m in ("open_sdg", "unsd", "destatis")] == ["moving_away"] * 3
    # the milestone 0 -> 40: CAGR undefined; Destatis 13.33 a quarter leaves 6.67 of 60 (11 %)
    m = _row(c, "m")
    assert m["unsd_note"] == "cagr_undefined" and pd.isna(m["unsd_level"])
    assert m["destatis_gap_share"] == pytest.approx(1 / 9)
    assert (m["destatis_category"], m["destatis_level"]) == ("slightly_off", "off_track")
    assert m["open_sdg_level"] == "off_track" and not m["disagree"]


def test_compare_after_the_deadline_is_the_assessment_as_at_the_deadline():
    reg, obs = _example_2()
    c = compare(reg, obs, "2026Q2")
    a = _row(c, "a")
    # the 2026Q1 report (95) does not count; the latest up to 2025Q4 is 70 (2024Q4), 4 quarters short
    assert (a["assessed_as_of"], a["deadline_passed"], a["latest_value"]) == ("2025Q4", True, 70)
    assert a["open_sdg_status"] == "acceleration_needed"  # as at 2025Q4, not "missed"
    assert a["years_left"] == 1.0


def test_compare_window_is_the_last_20_quarters():
    reg = make_registry(
        indicator("a", unit="个", unit_en="points", target=1000, baseline=5, baseline_period="2018Q4")
    )
    # registry baseline 5 (2018Q4), then 28 quarters 2019Q1..2025Q4 of value 10 + i^2 (i = 0..27);
    # as of 2025Q4 the window starts 20 quarters back, at 2020Q4 (i = 7, value 59):
    # mean change (739 - 59) / 20 = 34 a quarter
    rows = [("a", "samr", f"{2019 + i // 4}Q{i % 4 + 1}", 10 + i * i) for i in range(28)]
    a = _row(compare(reg, make_obs(*rows), "2025Q4"), "a")
    assert (a["baseline_period"], a["baseline_value"]) == ("2018Q4", 5)  # UNSD still uses it
    assert a["destatis_window_start"] == "2020Q4"
    assert a["destatis_mean_change"] == pytest.approx(34.0)
    # fewer quarters since the baseline: all of them, as of 2019Q4 (5 -> 19 in 4 quarters: 3.5)
    a = _row(compare(reg, make_obs(*rows), "2019Q4"), "a")
    assert (a["destatis_window_start"], a["destatis_mean_change"]) == ("2018Q4", pytest.approx(3.5))


def test_status_json_gets_a_methods_field_and_keeps_every_other_field():
    reg, obs = _example_2()
    figs = figures(reg, obs, "2024Q4")
    plain = status_records(figs)
    out = with_methods(plain, compare(reg, obs, "2024Q4"))
    assert [{k: v for k, v in r.items() if k != "methods"} for r in out] == plain
    a = out[0]["methods"]
    assert set(a) == {
        "assessed_as_of",
        "deadline_passed",
        "years_left",
        "baseline_period",
        "baseline_value",
        "latest_period",
        "latest_value",
        "open_sdg",
        "unsd",
        "destatis",
        "disagree",
    }
    assert a["unsd"]["category"] == "fair_progress" and a["destatis"]["category"] == "off"
    assert a["open_sdg"] == {
        "ratio": pytest.approx(0.875148, abs=1e-6),
        "status": "acceleration_needed",
        "level": "off_track",
    }
    assert out[2]["methods"]["unsd"]["cagr"] is None  # NaN becomes null


# ---------------------------------------------------------------- the doc's worked examples


def _section_13(lang: str) -> str:
    text = DOC.read_text(encoding="utf-8")
    part = text.split("# English")[0 if lang == "zh" else 1]
    return part[part.index("### 13.") :]


def _doc_lines() -> list[str]:
    """Language-neutral fragments of section 13, worked out here from the code's results."""
    lines = []
    # Example 5 (= Example 2): 60 -> 70, target 90, 1 year / 4 quarters left
    u = unsd(60, 70, 90, 0.75, 1.0, "at_least")
    s = destatis(70, (70 - 60) / 3, 4, 90, "at_least")
    lines += [
        f"CAGR = (70/60)^(1/0.75) − 1 = {u.cagr:.4f}",
        f"v_e = 70 × {1 + u.cagr:.4f}^1 = {u.projected:.2f}",
        f"({u.projected:.2f} − 60) ÷ (90 − 60) = {u.ratio:.3f}",
        f"(70 − 60) ÷ 3 = {s.mean_change:.2f}",
        f"v_p = 70 + {s.mean_change:.2f} × 4 = {s.projected:.2f}",
        f" {90 - s.projected:.2f} ÷ ",  # then "today's gap 20" in words
        f"20 = {s.gap_share:.0%}",
    ]
    # Example 6 (= Example 3): 24 -> 23 months, at most 18
    u = unsd(24, 23, 18, 0.75, 1.0, "at_most")
    s = destatis(23, (23 - 24) / 3, 4, 18, "at_most")
    lines += [
        f"CAGR = (23/24)^(1/0.75) − 1 = {u.cagr:.4f}".replace("-", "−"),
        f"v_e = 23 × {1 + u.cagr:.4f}^1 = {u.projected:.2f}",
        f"({u.projected:.2f} − 24) ÷ (18 − 24) = {u.ratio:.3f}",
        f"(23 − 24) ÷ 3 = {s.mean_change:.2f}".replace("-", "−"),
        f"v_p = 23 − {abs(s.mean_change):.2f} × 4 = {s.projected:.2f}",
        f"{s.projected - 18:.2f} ÷ 5 = {s.gap_share:.0%}",
    ]
    # Example 7: the demo's verification points as of 2025Q3, 12 -> 43 in 1.75 years, 0.25 left
    u = unsd(12, 43, 50, 1.75, 0.25, "at_least")
    s = destatis(43, (43 - 12) / 7, 1, 50, "at_least")
    lines += [
        f"v_e = 43 × {1 + u.cagr:.4f}^0.25 = {u.projected:.2f}",
        f"({u.projected:.2f} − 12) ÷ (50 − 12) = {u.ratio:.3f}",
        f"(43 − 12) ÷ 7 = {s.mean_change:.2f}",
        f"v_p = 43 + {s.mean_change:.2f} × 1 = {s.projected:.2f}",
        f"{50 - s.projected:.2f} ÷ 7 = {s.gap_share:.0%}",
    ]
    # Example 8 (= Example 4): the milestone 0 -> 40 %
    s = destatis(40, 40 / 3, 4, 100, "at_least")
    lines += [
        f"(40 − 0) ÷ 3 = {s.mean_change:.2f}",
        f"v_p = 40 + {s.mean_change:.2f} × 4 = {s.projected:.2f}",
        f"{100 - s.projected:.2f} ÷ 60 = {s.gap_share:.0%}",
    ]
    return lines


def test_the_doc_numbers_are_the_code_numbers():
    lines = _doc_lines()
    for lang in ("zh", "en"):
        section = _section_13(lang)
        missing = [line for line in lines if line not in section]
        assert not missing, (lang, missing)


def test_the_doc_worked_examples_match_hand_values():
    """The same examples, numbers by hand (as printed in the doc)."""
    u5 = unsd(60, 70, 90, 0.75, 1.0, "at_least")
    assert (round(u5.cagr, 4), round(u5.projected, 2), round(u5.ratio, 3)) == (0.2282, 85.97, 0.866)
    u6 = unsd(24, 23, 18, 0.75, 1.0, "at_most")
    assert (round(u6.cagr, 4), round(u6.projected, 2), round(u6.ratio, 3)) == (-0.0552, 21.73, 0.378)
    u7 = unsd(12, 43, 50, 1.75, 0.25, "at_least")
    assert (round(u7.cagr, 4), round(u7.projected, 2), round(u7.ratio, 3)) == (1.0737, 51.60, 1.042)
    assert unsd(0, 40, 100, 0.75, 1.0, "at_least").note == "cagr_undefined"
    s7 = destatis(43, 31 / 7, 1, 50, "at_least")
    assert (round(s7.projected, 2), round(s7.gap_share, 2), s7.level) == (47.43, 0.37, "off_track")
    s8 = destatis(40, 40 / 3, 4, 100, "at_least")
    assert (round(s8.projected, 2), s8.category) == (93.33, "slightly_off")
    assert [u5.level, u6.level, u7.level] == ["off_track", "off_track", "on_track"]


# ---------------------------------------------------------------- status --json


def test_cli_status_json_has_the_methods_per_figure(capsys):
    reg, obs = _example_2()
    assert cli_run(["status", "--json", "--as-of", "2024Q4"], (reg, FakeStore(obs))) == 0
    out = json.loads(capsys.readouterr().out)
    a = next(r for r in out if r["indicator_id"] == "a" and r["agency_id"] is None)
    assert (a["status"], a["cagr_ratio"]) == ("acceleration_needed", pytest.approx(0.875148, abs=1e-6))
    m = a["methods"]
    assert (m["assessed_as_of"], m["deadline_passed"], m["years_left"]) == ("2024Q4", False, 1.0)
    assert m["unsd"]["ratio"] == pytest.approx(0.865756, abs=1e-6)
    assert m["destatis"]["gap_share"] == pytest.approx(1 / 3)
    assert m["disagree"] is False
    # past the deadline: the assessment as at 2025Q4, the 2026Q1 report left out
    assert cli_run(["status", "--json", "--as-of", "2026Q1"], (reg, FakeStore(obs))) == 0
    a = next(
        r for r in json.loads(capsys.readouterr().out) if r["indicator_id"] == "a" and r["agency_id"] is None
    )
    assert (a["methods"]["assessed_as_of"], a["methods"]["deadline_passed"]) == ("2025Q4", True)
    assert (a["methods"]["latest_value"], a["methods"]["open_sdg"]["status"]) == (70.0, "acceleration_needed")
