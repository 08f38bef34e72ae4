"""The one plain-text table every command prints, and the money format its cells use most."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from bedrock_costs.terminal import printable


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], right: Collection[int] = ()) -> str:
    """Columns under a header and a rule of dashes, two spaces apart; columns in ``right`` (by index) align right.

    Cells are ``str()``-ed with every control character escaped (``printable``: a caller name from the
    logs cannot move the cursor or break a row); trailing spaces are trimmed from every line. No final
    newline."""
    cells = [[printable(value) for value in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(values: Sequence[str]) -> str:
        cells = zip(values, widths, strict=True)
        return "  ".join(v.rjust(w) if i in right else v.ljust(w) for i, (v, w) in enumerate(cells)).rstrip()

    return "\n".join([line(cells[0]), line(["-" * width for width in widths]), *(line(row) for row in cells[1:])])


def money(value: float | None) -> str:
    """``$1,234.56``; ``unpriced`` for a NULL cost (never $0)."""
    return "unpriced" if value is None else f"${value:,.2f}"
