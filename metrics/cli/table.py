"""Plain-text tables for the terminal, aligned by display width (a CJK character takes two columns)."""

from __future__ import annotations

from collections.abc import Sequence

from metrics.text.format import display_width


def table(head: Sequence[str], rows: Sequence[Sequence[object]], *, rule: bool = True) -> str:
    """Columns two spaces apart, each as wide as its widest cell; a dashed rule under the head."""
    cells = [[str(c) for c in row] for row in [head, *rows]]
    widths = [max(display_width(c) for c in col) for col in zip(*cells, strict=True)]

    def line(row: Sequence[str]) -> str:
        return "  ".join(c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)).rstrip()

    lines = [line(cells[0])]
    if rule:
        lines.append(line(["-" * w for w in widths]))
    lines += [line(row) for row in cells[1:]]
    return "\n".join(lines)
