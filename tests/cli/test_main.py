"""metrics.cli.main: the command-line contract (exit codes, summaries, problem lists)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, TARGETS
from openpyxl import load_workbook

from metrics.cli.main import main
from metrics.store.database import Store

HEADER = "indicator_id,period,agency_id,value,note\n"
GOOD = HEADER + "tc_alignment_rate,2025Q1,samr,85.2,\nverification_points,2025Q1,samr,12,两个新点\n"


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv("METRICS_DB", raising=False)
    monkeypatch.delenv("METRICS_TARGETS", raising=False)


@pytest.fixture
def run(db_path, capsys):
    """Run the CLI in-process; return (exit code, stdout, stderr)."""

    def _run(*args: str, db: bool = True) -> tuple[int, str, str]:
        extra = ["--targets", str(TARGETS)] + (["--db", str(db_path)] if db else [])
        code = main([*args, *extra])
        out, err = capsys.readouterr()
        return code, out, err

    return _run


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def counts(db_path) -> dict[str, int]:
    s = Store.open(db_path, read_only=True)
    try:
        return {**s.counts(), "data_version": s.data_version()}
    finally:
        s.close()


# --- validate -------------------------------------------------------------------------------


def test_validate_the_real_registry(run):
    assert run("validate", db=False) == (
        0,
        f"{TARGETS}: OK (19 agencies, 4 sections, 15 measures, 29 indicators)\n",
        "",
    )


def test_validate_broken_registry_output(tmp_path, capsys):
    raw = yaml.safe_load(TARGETS.read_text(encoding="utf-8"))
    raw["measures"][4]["responsibilities"][0]["lead"] = ["samr", "mitt"]
    raw["indicators"][0]["owner"] = "nobody"
    del raw["indicators"][3]["target"]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert main(["validate", "--targets", str(broken)]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        f"Registry {broken} has 3 problem(s):\n"
        "  indicators[3].target: missing\n"
        "  measures[4].responsibilities[0].lead[1]: unknown agency 'mitt'\n"
        "  indicators[0].owner: unknown agency 'nobody'\n"
    )


def test_validate_a_missing_registry(tmp_path, capsys):
    assert main(["validate", "--targets", str(tmp_path / "nope.yaml")]) == 1
    assert capsys.readouterr().err == (
        f"Registry {tmp_path / 'nope.yaml'} has 1 problem(s):\n  file not found: {tmp_path / 'nope.yaml'}\n"
    )


# --- ingest ---------------------------------------------------------------------------------


def test_ingest_stores_then_says_identical_then_revises(run, tmp_path, db_path):
    first = write(tmp_path / "q1.csv", GOOD)
    assert run("ingest", str(first), "--as", "ops") == (
        0,
        "q1.csv: stored as upload #1; 2 new, 0 revised, 0 unchanged.\n",
        "",
    )
    code, out, _ = run("ingest", str(first), "--as", "ops")
    assert (code, out) == (
        0,
        "q1.csv: nothing written; 0 new, 0 revised, 2 unchanged. "
        "Every value is already stored exactly as in this file: nothing changed.\n",
    )
    fix = write(tmp_path / "fix.csv", HEADER + "tc_alignment_rate,2025Q1,samr,86,\n")
    code, out, _ = run("ingest", str(fix), "--as", "ops", "--lang", "zh")
    assert (code, out) == (0, "fix.csv：已保存为第 2 次上传；新增 0 个值，修订 1 个，未变 0 个。\n")
    assert counts(db_path) == {"observations": 3, "uploads": 2, "data_version": 2}
    s = Store.open(db_path, read_only=True)
    try:
        assert s.uploads()["uploaded_by"].tolist() == ["ops", "ops"]
        assert s.uploads()["source"].tolist() == ["cli", "cli"]
    finally:
        s.close()


def test_ingest_refused_prints_every_problem_and_writes_nothing(run, tmp_path, db_path):
    bad = write(
        tmp_path / "bad.csv",
        HEADER
        + "tc_alignment_rate,2025Q1,samr,abc,\ntc_alignment_rate,2025Q2,cac,50,\nnope,2019Q1,samr,1,\n",
    )
    code, out, err = run("ingest", str(bad))
    assert code == 1
    assert err == ""
    assert out == (
        "bad.csv: REFUSED, 4 problem(s); nothing was written:\n"
        "  row 2, column 'value', value 'abc': The value is not a number.\n"
        "  row 3, column 'agency_id', value 'cac': "
        "CAC is not responsible for measure 25 and may not report tc_alignment_rate.\n"
        "  row 4, column 'indicator_id', value 'nope': "
        "Unknown indicator: neither an indicator id nor an indicator's exact Chinese name.\n"
        "  row 4, column 'period', value '2019Q1': "
        "The period is before 2022Q1 (at most eight quarters before the plan starts).\n"
    )
    assert counts(db_path) == {"observations": 0, "uploads": 0, "data_version": 0}


def test_ingest_refused_in_chinese(run, tmp_path):
    bad = write(
        tmp_path / "坏.csv",
        "指标编号,报告期,填报单位,数值\n国家标准验证点,2025Q1,市场监管总局,-3\n",
        "gb18030",
    )
    code, out, _ = run("ingest", str(bad), "--lang", "zh")
    assert (code, out) == (
        1,
        "坏.csv：已拒收，共 1 个问题，未写入任何数据：\n"
        "  第 2 行，“数值”列，值“-3”：该指标不能为负数（单位：个）。\n",
    )


def test_one_refused_file_stops_all_files(run, tmp_path, db_path):
    good = write(tmp_path / "good.csv", GOOD)
    bad = write(tmp_path / "bad.csv", HEADER)
    code, out, _ = run("ingest", str(good), str(bad))
    assert code == 1
    assert out == (
        "bad.csv: REFUSED, 1 problem(s); nothing was written:\n"
        "  row 1: The file has a header row but no data rows.\n"
    )
    assert counts(db_path) == {"observations": 0, "uploads": 0, "data_version": 0}


def test_dry_run_writes_nothing(run, tmp_path, db_path):
    good = write(tmp_path / "good.csv", GOOD)
    code, out, _ = run("ingest", str(good), "--dry-run")
    assert (code, out) == (0, "[dry run] good.csv: nothing written; 2 new, 0 revised, 0 unchanged.\n")
    assert not db_path.exists()  # a dry run does not even create the database


ORIGINAL = HEADER + "intl_std_adoption_rate,2024Q4,samr,82.4,\ntc_alignment_rate,2024Q4,samr,85,\n"
CORRECTION = HEADER + "intl_std_adoption_rate,2024Q4,samr,82.6,更正：口径调整\n"


def _corrected_at(db_path) -> str:
    s = Store.open(db_path, read_only=True)
    try:
        return f"{s.uploads().set_index('upload_id').loc[2, 'uploaded_at']:%Y-%m-%d %H:%M} UTC"
    finally:
        s.close()


def test_resent_original_is_held_unless_allow_revert(run, tmp_path, db_path):
    original = write(tmp_path / "samr_2024Q4.csv", ORIGINAL)
    fix = write(tmp_path / "samr_2024Q4_fix.csv", CORRECTION)
    later = write(tmp_path / "later.csv", HEADER + "tc_alignment_rate,2025Q1,samr,86,\n")
    assert run("ingest", str(original), "--as", "samr-officer")[0] == 0
    assert run("ingest", str(fix), "--as", "ops")[0] == 0
    when = _corrected_at(db_path)
    row = (
        "  row 2 intl_std_adoption_rate 2024Q4 samr: 82.4 in this file, now 82.6 "
        f"(corrected by upload #2 samr_2024Q4_fix.csv, ops, {when}, note: 更正：口径调整)\n"
    )
    assert run("ingest", str(original), str(later), "--as", "samr-officer") == (
        1,
        "samr_2024Q4.csv: held, nothing written: 1 value(s) would go back to a value that a later "
        "upload corrected.\n"
        + row
        + "If these values really should go back, run again with --allow-revert.\n"
        "Files after it were not stored: later.csv\n",
        "",
    )
    assert counts(db_path) == {"observations": 3, "uploads": 2, "data_version": 2}
    assert run("ingest", str(original), "--dry-run", "--lang", "zh") == (
        1,
        "[试运行] samr_2024Q4.csv：未写入任何数据；新增 0 个值，修订 1 个，未变 1 个。\n"
        "samr_2024Q4.csv：1 个值会改回已被后续上传更正的旧值；不加 --allow-revert 时该文件会被暂缓。\n"
        "  第 2 行 intl_std_adoption_rate 2024Q4 samr：文件中为 82.4，当前为 82.6"
        f"（已由第 2 次上传 samr_2024Q4_fix.csv 更正，ops，{when}，备注：更正：口径调整）\n",
        "",
    )
    assert run("ingest", str(original), "--as", "samr-officer", "--allow-revert") == (
        0,
        "samr_2024Q4.csv: stored as upload #3; 0 new, 1 revised, 1 unchanged.\n"
        "1 of them were set back to an older value, as confirmed.\n" + row,
        "",
    )
    assert counts(db_path) == {"observations": 4, "uploads": 3, "data_version": 3}
    code, out, _ = run("ingest", str(original))
    assert (code, out) == (
        0,
        "samr_2024Q4.csv: nothing written; 0 new, 0 revised, 2 unchanged. "
        "Every value is already stored exactly as in this file: nothing changed.\n",
    )


def test_ingest_a_missing_file(run, tmp_path):
    code, out, err = run("ingest", str(tmp_path / "missing.csv"))
    assert (code, out) == (1, "")
    assert err == f"{tmp_path / 'missing.csv'}: cannot read file (No such file or directory)\n"


@pytest.mark.duckdb_only
def test_ingest_while_the_dashboard_holds_the_database(run, tmp_path, held_db, monkeypatch):
    real_open = Store.open
    monkeypatch.setattr(
        Store, "open", lambda path, read_only=False: real_open(path, read_only, wait_seconds=0.5)
    )
    good = write(tmp_path / "good.csv", GOOD)
    code, out, err = run("ingest", str(good))
    assert (code, out) == (1, "")
    assert "usually the running dashboard" in err
    assert f"(PID {held_db.pid})" in err
    assert "Traceback" not in err


# --- export and template --------------------------------------------------------------------


def test_export_csv_and_xlsx(run, tmp_path):
    run("ingest", str(write(tmp_path / "q1.csv", GOOD)))
    run("ingest", str(write(tmp_path / "fix.csv", HEADER + "tc_alignment_rate,2025Q1,samr,86,=fixed\n")))
    out_csv = tmp_path / "out.csv"
    assert run("export", str(out_csv)) == (0, f"{out_csv}: 2 rows\n", "")
    data = out_csv.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfindicator_id,period,agency_id,value,note,")
    rows = list(csv.DictReader(io.StringIO(data[3:].decode(), newline="")))
    assert [(r["indicator_id"], r["value"], r["note"], r["revision"]) for r in rows] == [
        ("tc_alignment_rate", "86.0", "'=fixed", "2"),
        ("verification_points", "12.0", "两个新点", "1"),
    ]
    out_xlsx = tmp_path / "all.xlsx"
    assert run("export", "--all-revisions", str(out_xlsx)) == (0, f"{out_xlsx}: 3 rows\n", "")
    ws = load_workbook(out_xlsx).active
    assert [c.value for c in ws[1]][-1] == "withdrawn"
    assert [(r[0], r[3], r[8]) for r in ws.iter_rows(min_row=2, values_only=True)] == [
        ("tc_alignment_rate", 85.2, 1),
        ("tc_alignment_rate", 86, 2),
        ("verification_points", 12, 1),
    ]


def test_export_refuses_other_suffixes_and_missing_databases(run, tmp_path, db_path, postgres_url):
    code, out, err = run("export", str(tmp_path / "out.json"))
    assert (code, out) == (1, "")
    if postgres_url:  # a server's database is there, only without this application's tables
        assert err == f"{db_path} has no tables of this application; run 'python -m metrics demo'.\n"
    else:
        assert err == f"{db_path} does not exist; run 'python -m metrics demo' or ingest a file first.\n"
    Store.open(db_path).close()
    assert run("export", str(tmp_path / "out.json")) == (
        1,
        "",
        f"{tmp_path / 'out.json'}: the output must end in .csv or .xlsx\n",
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_template(run, tmp_path, registry, suffix):
    out = tmp_path / f"miit.{suffix}"
    assert run("template", "--agency", "miit", "--period", "2025年第四季度", str(out), db=False) == (
        0,
        f"{out}: 25 indicators for miit, 2025Q4\n",
        "",
    )
    if suffix == "csv":
        rows = list(csv.DictReader(io.StringIO(out.read_bytes()[3:].decode(), newline="")))
        ids = [r["indicator_id"] for r in rows]
        assert {r["period"] for r in rows} == {"2025Q4"}
        assert [r["indicator_name"] for r in rows] == [i.name_en for i in registry.indicators_for("miit")]
    else:
        ws = load_workbook(out)["data"]
        ids = [r[0] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ids == [i.id for i in registry.indicators_for("miit")]


def test_template_refuses_unknown_agency_period_and_suffix(run, tmp_path):
    code, _, err = run(
        "template", "--agency", "mitt", "--period", "2025Q4", str(tmp_path / "t.csv"), db=False
    )
    assert code == 1
    assert err.startswith("unknown agency 'mitt'; known: samr, cac, mfa,")
    code, _, err = run(
        "template", "--agency", "miit", "--period", "2025Q5", str(tmp_path / "t.csv"), db=False
    )
    assert (code, err) == (1, "unreadable period '2025Q5'; write it like 2025Q4\n")
    code, _, err = run(
        "template", "--agency", "miit", "--period", "2025Q4", str(tmp_path / "t.txt"), db=False
    )
    assert (code, err) == (1, f"{tmp_path / 't.txt'}: the output must end in .csv or .xlsx\n")
    assert not (tmp_path / "t.csv").exists()


# --- end to end through `python -m metrics` ---------------------------------------------------


def cli(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("METRICS_DB", "METRICS_TARGETS")}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_end_to_end_ingest_template_and_export(tmp_path, registry):
    db = tmp_path / "e2e.duckdb"
    template = tmp_path / "miit.csv"
    done = cli("template", "--agency", "miit", "--period", "2025Q3", "--lang", "zh", str(template))
    assert (done.returncode, done.stderr) == (0, "")
    rows = list(csv.DictReader(io.StringIO(template.read_bytes()[3:].decode(), newline="")))
    for row in rows:
        row["数值"] = "40%" if row["计量单位"] == "%" else "7"
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    filled = tmp_path / "miit-filled.csv"
    filled.write_bytes(text.getvalue().encode("gb18030"))

    done = cli("ingest", "--db", str(db), "--as", "e2e", str(filled))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "miit-filled.csv: stored as upload #1; 25 new, 0 revised, 0 unchanged.\n",
        "",
    )
    out = tmp_path / "export.csv"
    done = cli("export", "--db", str(db), str(out))
    assert (done.returncode, done.stdout, done.stderr) == (0, f"{out}: 25 rows\n", "")
    exported = list(csv.DictReader(io.StringIO(out.read_bytes()[3:].decode(), newline="")))
    units = {i.id: i.unit for i in registry.indicators}
    assert sorted((r["indicator_id"], r["period"], r["agency_id"], r["value"]) for r in exported) == sorted(
        (i.id, "2025Q3", "miit", "40.0" if units[i.id] == "%" else "7.0")
        for i in registry.indicators_for("miit")
    )
    assert {r["uploaded_by"] for r in exported} == {"e2e"}


def test_end_to_end_refusal_has_no_traceback(tmp_path):
    bad = tmp_path / "bad.xls"
    bad.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200))
    done = cli("ingest", "--db", str(tmp_path / "x.duckdb"), str(bad))
    assert (done.returncode, done.stderr) == (1, "")
    assert done.stdout == (
        "bad.xls: REFUSED, 1 problem(s); nothing was written:\n"
        "  This is an old Excel 97-2003 file (.xls); save it as .xlsx or CSV in Excel and upload again.\n"
    )
