"""Step results: the read-compare-write helper, progress lines and the summary of a run."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from bedrock_costs.tables import table

T = TypeVar("T")

ALREADY = "already configured"


@dataclass(frozen=True)
class Result:
    """One line of a summary: what was looked at, what happened, and why."""

    item: str
    status: str
    detail: str = ""
    changed: bool = False  # a write was made, or would be in a dry run
    failed: bool = False


def progress(message: str) -> None:
    """One line per step on stderr, so stdout keeps just the summary."""
    print(f"- {message}", file=sys.stderr, flush=True)


def converge(
    item: str,
    current: T | None,
    desired: T,
    write: Callable[[], Any],
    dry_run: bool,
    same: Callable[[T | None, T], bool] | None = None,
    detail: str = "",
) -> Result:
    """Read-compare-write: call ``write`` only when ``current`` differs from ``desired``."""
    matches = same(current, desired) if same else current == desired
    if current is not None and matches:
        return _done(Result(item, ALREADY, detail))
    verb = "create" if current is None else "update"
    if dry_run:
        return _done(Result(item, f"would {verb}", detail, changed=True))
    write()
    return _done(Result(item, f"{verb}d", detail, changed=True))


def _done(result: Result) -> Result:
    progress(f"{result.item.strip()}: {result.status}")
    return result


def print_results(results: Sequence[Result], dry_run: bool = False) -> None:
    """The summary table of a run, then one line saying what changed."""
    print(table(("item", "status", "detail"), [(r.item, r.status, r.detail) for r in results]))
    changes = sum(r.changed for r in results)
    failures = sum(r.failed for r in results)
    if all(r.status == ALREADY for r in results):
        print("Nothing to do: already configured.")
    elif dry_run:
        print(f"Dry run: {changes} change(s) planned, none made; {failures} failed.")
    else:
        print(f"{changes} change(s) made; {failures} failed.")


def any_failed(results: Sequence[Result]) -> bool:
    """True when a result is a failure."""
    return any(r.failed for r in results)
