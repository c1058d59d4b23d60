"""The Data & history / 数据与修订 page: revisions with their uploads, filters, export, audit list."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import app_test as app_test_module

from metrics.ingest import ingest_file
from metrics.registry import load_registry
from metrics.store import Store

REPO = Path(__file__).resolve().parents[1]
HEADER = "indicator_id,period,agency_id,value,note\n"
FILES = {
    "seed.csv": (
        "alice",
        "tc_alignment_rate,2025Q2,samr,80,\n"
        "tc_alignment_rate,2025Q3,samr,85,first\n"
        "verification_points,2025Q3,samr,10,\n"
        "tc_alignment_rate,2025Q3,miit,70,\n",
    ),
    "revision.csv": ("bob", "tc_alignment_rate,2025Q3,samr,86,corrected\n"),
    "mistake.csv": ("carol", "tc_alignment_rate,2025Q3,samr,99,typo\n"),
}


class _KeptMedia(MemoryMediaFileStorage):
    """AppTest's media storage, kept after the run so download bytes can be read."""

    last: MemoryMediaFileStorage | None = None

    def __init__(self, endpoint: str):
        super().__init__(endpoint)
        _KeptMedia.last = self


def download_bytes(at: AppTest, key: str) -> bytes:
    url = at.download_button(key=key).proto.url
    return _KeptMedia.last.get_file(url.rsplit("/", 1)[-1]).content


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three uploads: a seed, a revision, and a mistake that was withdrawn."""
    path = tmp_path / "progress.duckdb"
    monkeypatch.setenv("METRICS_DB", str(path))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    monkeypatch.setattr(app_test_module, "MemoryMediaFileStorage", _KeptMedia)
    st.cache_resource.clear()
    st.cache_data.clear()
    registry = load_registry(REPO / "targets.yaml")
    seed = Store(path)
    for name, (who, body) in FILES.items():
        ingest_file(seed, registry, (HEADER + body).encode(), name, uploaded_by=who, source="test")
    seed.withdraw_upload(3, by="admin", reason="typo")
    seed.close()
    yield path
    st.cache_resource.clear()
    st.cache_data.clear()


def open_data(lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(REPO / "dashboard.py"), default_timeout=30)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/data.py").run()
    assert not at.exception, at.exception
    return at


def choose(at: AppTest, indicator: str, agency: str, period: str) -> AppTest:
    at.selectbox(key="data_indicator").set_value(indicator)
    at.selectbox(key="data_agency").set_value(agency)
    at.selectbox(key="data_period").set_value(period).run()
    assert not at.exception, at.exception
    return at


def test_every_value_with_its_revisions(db: Path) -> None:
    at = open_data("zh")
    table = at.dataframe[0].value
    assert len(table) == 5  # four seeded values + one revision; the withdrawn one hidden
    assert "共 5 条记录（4 个值）。" in [c.value for c in at.caption]


def test_filters_narrow_to_exact_rows(db: Path) -> None:
    at = choose(open_data("zh"), "tc_alignment_rate", "samr", "2025Q3")
    table = at.dataframe[0].value
    assert list(table["修订版本"]) == [2, 1]
    assert list(table["数值"]) == [86.0, 85.0]
    assert list(table["填报人"]) == ["bob", "alice"]
    assert list(table["文件名"]) == ["revision.csv", "seed.csv"]
    assert list(table["当前值"]) == [True, False]
    assert set(table["报告期"]) == {"2025年第三季度"}

    at.checkbox(key="data_withdrawn").check().run()
    table = at.dataframe[0].value
    assert list(table["修订版本"]) == [3, 2, 1]
    assert list(table["已撤回"]) == [True, False, False]
    assert list(table["备注"]) == ["typo", "corrected", "first"]


def test_export_is_the_cli_export_of_the_filtered_rows(db: Path) -> None:
    at = choose(open_data("en"), "tc_alignment_rate", "__all__", "2025Q3")
    body = download_bytes(at, "data_download")
    assert body.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(body), encoding="utf-8-sig")
    assert list(frame["agency_id"]) == ["miit", "samr", "samr"]
    assert list(frame["value"]) == [70.0, 85.0, 86.0]
    assert set(frame["indicator_name"]) == {"技术委员会与国际标准组织技术机构一致性程度"}

    at.radio(key="data_fmt").set_value("xlsx").run()
    assert download_bytes(at, "data_download").startswith(b"PK\x03\x04")


def test_uploads_audit_list(db: Path) -> None:
    at = open_data("en")
    audit = at.dataframe[1].value
    assert list(audit["Upload"]) == [3, 2, 1]
    assert list(audit["Uploaded by"]) == ["carol", "bob", "alice"]
    assert list(audit["File"]) == ["mistake.csv", "revision.csv", "seed.csv"]
    assert list(audit["Withdrawn"]) == [True, False, False]
    assert list(audit["New"]) == [0, 0, 4]
    assert list(audit["Revised"]) == [1, 1, 0]
    assert audit["Withdrawn by"].iloc[0] == "admin"
    seed_sha = hashlib.sha256((HEADER + FILES["seed.csv"][1]).encode()).hexdigest()
    assert audit["SHA-256"].iloc[2] == seed_sha
    assert audit["Agencies"].iloc[2] == "MIIT, SAMR"
    assert "3 uploads, 1 withdrawn." in [c.value for c in at.caption]


def test_empty_database_explains_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS_DB", str(tmp_path / "empty.duckdb"))
    monkeypatch.setenv("METRICS_TARGETS", str(REPO / "targets.yaml"))
    st.cache_resource.clear()
    st.cache_data.clear()
    at = open_data("en")
    assert not at.dataframe
    assert at.info
    st.cache_resource.clear()
    st.cache_data.clear()
