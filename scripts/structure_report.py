#!/usr/bin/env python3
"""The project's structure in figures, measured from the files alone (no warehouse, no dbt run):

    scripts/structure_report.py [--root PATH] [--json]

- model lines: the lines of each SQL model that are not blank and not inside a Jinja comment
  (`{# ... #}`); their median and maximum;
- Jinja share: of those lines, the ones holding `{{` or `{%`;
- macro lines, and the share of them that are Jinja statements or expressions;
- compile-time query sites: the files of macros/ and models/ that call `run_query` (the queries a
  build asks before its SQL runs), apart from the run-operations that create tables.

tests/test_structure.py holds the limits (docs/architecture.md, "Measured"); run this against an
older checkout (--root) for a before/after table.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path

JINJA_COMMENT = re.compile(r"\{#.*?#\}", re.DOTALL)
RUN_OPERATIONS = {"macros/cur/create_cur_table.sql", "macros/sources/create_bedrock_log_table.sql"}


@dataclass
class Structure:
    model_count: int
    model_lines_median: float
    model_lines_max: int
    largest_model: str
    model_jinja_pct: float
    macro_lines: int
    macro_jinja_pct: float
    compile_time_query_files: list[str]


def code_lines(text: str) -> list[str]:
    """The lines that are not blank once Jinja comments are taken out."""
    return [line for line in JINJA_COMMENT.sub("", text).splitlines() if line.strip()]


def is_jinja(line: str) -> bool:
    return "{{" in line or "{%" in line


def model_sizes(root: Path) -> dict[str, list[str]]:
    return {path.relative_to(root).as_posix(): code_lines(path.read_text())
            for path in sorted((root / "models").rglob("*.sql"))}


def measure(root: Path) -> Structure:
    models = model_sizes(root)
    sizes = {name: len(lines) for name, lines in models.items()}
    all_model_lines = [line for lines in models.values() for line in lines]
    macros = [line for path in sorted((root / "macros").rglob("*.sql")) for line in code_lines(path.read_text())]
    queries = sorted(
        path.relative_to(root).as_posix()
        for folder in ("macros", "models")
        for path in (root / folder).rglob("*.sql")
        if "run_query(" in JINJA_COMMENT.sub("", path.read_text())
        and path.relative_to(root).as_posix() not in RUN_OPERATIONS)
    largest = max(sizes, key=lambda name: sizes[name])
    return Structure(
        model_count=len(sizes),
        model_lines_median=statistics.median(sizes.values()),
        model_lines_max=sizes[largest],
        largest_model=largest,
        model_jinja_pct=round(100 * sum(map(is_jinja, all_model_lines)) / len(all_model_lines), 1),
        macro_lines=len(macros),
        macro_jinja_pct=round(100 * sum(map(is_jinja, macros)) / max(len(macros), 1), 1),
        compile_time_query_files=queries,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parent.parent,
                        help="a checkout of the project (default: this one)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args(argv)
    found = measure(args.root)
    if args.json:
        print(json.dumps(asdict(found), indent=2))
    else:
        for key, value in asdict(found).items():
            print(f"{key:28} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
