"""metrics.cli.table: columns line up by display width, whatever the script."""

from __future__ import annotations

import pandas as pd

from metrics.cli import admin
from metrics.cli.table import table
from metrics.text.format import display_width


def column_starts(line: str) -> list[int]:
    """Display columns where a cell starts (after two spaces or at the start)."""
    cells = "".join(ch + "\0" * (display_width(ch) - 1) for ch in line)
    return [i for i, ch in enumerate(cells) if ch not in " \0" and (i == 0 or cells[i - 2 : i] == "  ")]


def test_chinese_and_latin_cells_line_up() -> None:
    text = table(["id", "file", "who"], [["1", "第一季度报送.csv", "张三"], ["12", "q1.csv", "admin"]])
    lines = text.splitlines()
    assert lines == [
        "id  file              who",
        "--  ----------------  -----",
        "1   第一季度报送.csv  张三",
        "12  q1.csv            admin",
    ]
    assert {tuple(column_starts(line)) for line in lines} == {(0, 4, 22)}


def test_admin_tables_pad_by_display_width(capsys) -> None:
    admin._print_table(pd.DataFrame({"file": ["数据.csv", "data.csv"], "rows": [3, 12]}))
    assert capsys.readouterr().out.splitlines() == [
        "file      rows",
        "数据.csv  3",
        "data.csv  12",
    ]
