"""The Python half of the read layer (src/bedrock_costs/figures.py): the default window, SQL's sum,
and the only query shape the reader writes (src/bedrock_costs/warehouse.py), with no other query over
the marts anywhere in the package."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from bedrock_costs import figures, warehouse
from conftest import REPO

NOV = dt.date(2026, 11, 1)


@pytest.mark.parametrize(("span", "days"), [(1, 1), (2, 1), (4, 2), (13, 6), (14, 7), (27, 7), (28, 14),
                                            (59, 28), (60, 30), (365, 30)])
def test_the_default_window_leaves_a_previous_period(span: int, days: int) -> None:
    data = figures.Window(NOV, NOV + dt.timedelta(days=span - 1))
    assert figures.fitting_days(data) == days
    period = data.last_days(days)
    assert period.days == days and period.last == data.last
    if span > 1:
        assert period.before().first >= data.first, "the previous period is in the data"


def test_window_arithmetic() -> None:
    data = figures.Window(NOV, dt.date(2026, 11, 14))
    assert data.last_days(0) == data.last_days(None) == data
    assert data.last_days(99) == data
    assert data.last_days(7).before() == figures.Window(dt.date(2026, 11, 1), dt.date(2026, 11, 7))
    assert str(figures.Window(NOV, NOV)) == "2026-11-01 to 2026-11-01 (UTC, 1 day)"


def test_sums_as_sql_makes_them() -> None:
    assert figures.total([1, None, 2]) == 3 and figures.total([None, None]) is None and figures.total([]) is None
    rows = [{"app": "a", "cost_usd": 1.0}, {"app": "b", "cost_usd": None}, {"app": "a", "cost_usd": None}]
    assert figures.rollup(rows, ["app"], ["cost_usd"]) == [{"app": "a", "cost_usd": 1.0},
                                                           {"app": "b", "cost_usd": None}]
    assert figures.cached_share(25, 100) == 0.25 and figures.cached_share(0, 0) is None


def test_the_one_query_shape() -> None:
    sql, values = warehouse.render_select(
        '"main"."rpt_app_daily_cost"', ["app", "cost_usd"],
        [warehouse.between("usage_date", NOV, NOV), warehouse.one_of("app", ["a", "b"]),
         warehouse.is_true("is_current_month"), warehouse.at_most("first_usage_date", NOV)],
        ["cost_usd desc", "app"], 5)
    assert sql == ('select "app", "cost_usd" from "main"."rpt_app_daily_cost" where "usage_date" between ? and ? '
                   'and "app" in (?, ?) and "is_current_month" = true and "first_usage_date" <= ? '
                   'order by "cost_usd" desc nulls last, "app" nulls last limit 5')
    assert values == [NOV, NOV, "a", "b", NOV]
    pyformat, _ = warehouse.render_select("t", None, [warehouse.equals("x", 1)], placeholder="%(p{i})s")
    assert pyformat == 'select * from t where "x" = %(p0)s'
    for bad in ("x; drop table t", "a b", 'x"'):
        with pytest.raises(ValueError, match="identifier"):
            warehouse.render_select("t", [bad])


def test_no_query_over_the_marts_outside_the_reader() -> None:
    """Python holds no SQL over the marts: the only `select ... from` is the reader's one shape."""
    query = re.compile(r"\bselect\s+[\w*\", ()]+?\s+from\s+[\"\w{}.]+"          # select a, b from x
                       r"|^\s*(from|join)\s+[\"\w.]*(fct|rpt|int|stg)_\w+\s*$"   # a query laid out in lines
                       r"|^\s*group\s+by\b", re.IGNORECASE)
    found = []
    for path in sorted((REPO / "src" / "bedrock_costs").rglob("*.py")):
        if path.name == "warehouse.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if query.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{Path(path).relative_to(REPO)}:{number}: {line.strip()}")
    assert found == [], "\n".join(found)
