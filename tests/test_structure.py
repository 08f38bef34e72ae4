"""The structure rules docs/architecture.md states, checked on the files (scripts/structure_report.py
measures them the same way): models a reader can follow, Jinja kept out of them, the few queries a
build asks at compile time named, and the rules that must have one home written once."""

from __future__ import annotations

import re
from pathlib import Path

from structure_report import JINJA_COMMENT, measure

REPO = Path(__file__).resolve().parent.parent
# the only files that ask the warehouse something while dbt compiles (docs/architecture.md names them)
COMPILE_TIME_QUERIES = {
    "macros/incremental.sql",  # the incremental window: newest stamps, the days a run rebuilds
    "macros/sources/check_log_root.sql",  # on-run-start: the log root the database was built from
    "macros/report_test_results.sql",  # on-run-end: what each failing test found
}


def sql_files(*folders: str) -> dict[str, str]:
    return {path.relative_to(REPO).as_posix(): JINJA_COMMENT.sub("", path.read_text())
            for folder in folders for path in (REPO / folder).rglob("*.sql")}


def test_models_are_short_and_mostly_sql() -> None:
    found = measure(REPO)
    assert found.model_lines_max <= 150, found.largest_model
    assert found.model_lines_median < 60
    assert found.model_jinja_pct < 8.0


def test_only_the_named_files_query_at_compile_time() -> None:
    assert set(measure(REPO).compile_time_query_files) <= COMPILE_TIME_QUERIES


def test_the_rate_in_force_is_written_once() -> None:
    """valid_from / valid_to (and the catalog's effective_from / effective_to) are compared with a
    time in one macro only; every other model calls it."""
    comparison = re.compile(r"(valid_from|valid_to|effective_from|effective_to)\s*(<|>|<=|>=)"
                            r"|(<|>|<=|>=)\s*[\w.]*(valid_from|valid_to|effective_from|effective_to)\b")
    writers = {name for name, sql in sql_files("models", "macros", "data-tests").items() if comparison.search(sql)}
    assert writers == {"macros/rate_in_force.sql"}, writers


def test_the_token_cost_and_unit_price_are_written_once() -> None:
    per_million = re.compile(r"\*\s*1e6\s*/|/\s*1e6\b|\*\s*1000000\s*/|/\s*1000000\b")
    writers = {name for name, sql in sql_files("models", "macros", "data-tests").items() if per_million.search(sql)}
    assert writers <= {"macros/token_cost.sql"}, writers


def test_the_log_lines_are_read_in_one_place() -> None:
    """Only the per-engine reader touches the raw logs (read_json on DuckDB goes through the loader)."""
    readers = {name for name, sql in sql_files("models", "macros").items()
               if "read_json" in sql or "source('bedrock'" in sql.replace('"', "'")}
    assert readers <= {"macros/sources/invocation_log_records.sql"}, readers
