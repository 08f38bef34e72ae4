"""Read and write seeds/profile_map.csv without disturbing what the scripts do not change.

Writes touch only the changed row (or append new ones): every other byte of the file, including
column order, quoting and line endings, stays as it was. Files are replaced atomically.
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bedrock_costs.arns import ModelSource, parse_model_source
from bedrock_costs.errors import InputError

DEFAULT_PATH = Path("seeds/profile_map.csv")
REQUIRED_COLUMNS = ("profile_name", "profile_arn", "app", "team", "cost_center", "environment", "model_source")
TAG_COLUMNS = ("app", "team", "cost_center", "environment")
TAG_PREFIX = "tag_"
_PROFILE_NAME = re.compile(r"(?:[0-9a-zA-Z][ _-]?)+")
_TAG_TEXT = re.compile(r"[a-zA-Z0-9\s._:/=+@-]*")
_BOM = "\ufeff"
_LINE = re.compile(r".*?(?:\r\n|\n|\r)|.+\Z", re.DOTALL)


@dataclass(frozen=True)
class MapRow:
    """One data row of the profile map; ``number`` is its 1-based position among data rows."""

    number: int
    fields: Mapping[str, str]

    def get(self, column: str) -> str:
        """A column's value, stripped ('' when absent)."""
        return (self.fields.get(column) or "").strip()

    @property
    def name(self) -> str:
        return self.get("profile_name")

    @property
    def arn(self) -> str:
        return self.get("profile_arn")

    def tags(self) -> dict[str, str]:
        """The tags a profile for this row carries: the four columns plus every non-empty tag_*."""
        tags = {column: self.get(column) for column in TAG_COLUMNS}
        for column in self.fields:
            if column.startswith(TAG_PREFIX) and self.get(column):
                tags[column[len(TAG_PREFIX) :]] = self.get(column)
        return tags


@dataclass(frozen=True)
class ProfileMap:
    """The parsed profile map."""

    path: Path
    header: tuple[str, ...]
    rows: tuple[MapRow, ...]

    def by_arn(self) -> dict[str, MapRow]:
        """Rows that have a profile ARN, keyed by it."""
        return {row.arn: row for row in self.rows if row.arn}


@dataclass(frozen=True)
class _Record:
    raw: str  # the record's exact text, line ending included
    values: list[str]


def _records(text: str) -> Iterator[_Record]:
    """Each CSV record with the exact text it came from (quoted newlines included)."""
    consumed: list[str] = []

    def lines() -> Iterator[str]:
        for match in _LINE.finditer(text):
            consumed.append(match.group())
            yield match.group()

    for values in csv.reader(lines()):
        yield _Record("".join(consumed), values)
        consumed.clear()


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"profile map {path} does not exist")
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _parse(path: Path, text: str) -> tuple[list[_Record], tuple[str, ...]]:
    records = list(_records(text))
    if not records:
        raise InputError(f"{path} is empty; it needs the header {','.join(REQUIRED_COLUMNS)}")
    header = tuple(value.strip().lstrip(_BOM) for value in records[0].values)
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        raise InputError(f"{path} lacks the column(s) {', '.join(missing)}")
    return records, header


def read_profile_map(path: Path) -> ProfileMap:
    """Parse the profile map (blank lines are ignored)."""
    records, header = _parse(path, _read_text(path))
    data = [record.values for record in records[1:] if any(v.strip() for v in record.values)]
    # strict=False: a short row leaves its last columns empty, as csv.DictReader would
    rows = tuple(MapRow(number, dict(zip(header, values, strict=False))) for number, values in enumerate(data, 1))
    return ProfileMap(path, header, rows)


def _line_ending(raw: str) -> str:
    return raw[len(raw.rstrip("\r\n")) :]


def _format_row(values: Sequence[str], ending: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=ending).writerow(values)
    return buffer.getvalue()


def _replace_file(path: Path, text: str) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
    shutil.copymode(path, temp)
    os.replace(temp, path)


def write_profile_arn(path: Path, profile_name: str, arn: str) -> None:
    """Set ``profile_arn`` on the row named ``profile_name``; every other byte is kept."""
    records, header = _parse(path, _read_text(path))
    name_at, arn_at = header.index("profile_name"), header.index("profile_arn")
    out = [records[0].raw]
    for record in records[1:]:
        values = list(record.values)
        if len(values) > max(name_at, arn_at) and values[name_at].strip() == profile_name:
            values[arn_at] = arn
            out.append(_format_row(values, _line_ending(record.raw)))
        else:
            out.append(record.raw)
    _replace_file(path, "".join(out))


def append_rows(path: Path, rows: Sequence[Mapping[str, str]]) -> None:
    """Append rows (columns not in the header are dropped; missing ones are left empty)."""
    text = _read_text(path)
    records, header = _parse(path, text)
    ending = _line_ending(records[0].raw) or "\n"
    if not text.endswith(("\n", "\r")):
        text += ending
    text += "".join(_format_row([row.get(column, "") for column in header], ending) for row in rows)
    _replace_file(path, text)


def row_problems(row: MapRow) -> list[str]:
    """What stops a row from becoming a profile: its name, tags and model_source."""
    problems = []
    if len(row.name) > 64 or not _PROFILE_NAME.fullmatch(row.name):
        problems.append(
            f"profile_name {row.name!r} must match ([0-9a-zA-Z][ _-]?)+ and be at most 64 characters"
        )
    for key, value in row.tags().items():
        if key in TAG_COLUMNS and not value:
            problems.append(f"{key} is empty")
        elif len(key) > 128 or len(value) > 256 or not (_TAG_TEXT.fullmatch(key) and _TAG_TEXT.fullmatch(value)):
            problems.append(f"tag {key}={value!r} has characters Bedrock tags do not allow")
    return problems + _source_problems(row)


def _source_problems(row: MapRow) -> list[str]:
    try:
        parse_model_source(row.get("model_source"))
    except ValueError as error:
        return [str(error)]
    return []


def sources(
    profile_map: ProfileMap, rows: Sequence[MapRow], to_create: bool = False
) -> list[tuple[MapRow, ModelSource]]:
    """``rows`` with their parsed model_source; an InputError lists every problem in the map.

    Rows ``to_create`` must also have a valid name and all four tags."""
    check = row_problems if to_create else _source_problems
    errors = [f"row {row.number} ({row.name or 'no name'}): {problem}" for row in rows for problem in check(row)]
    names = [row.name for row in profile_map.rows]
    repeated = sorted({name for name in names if names.count(name) > 1})
    errors += [f"profile_name {name!r} appears more than once" for name in repeated]
    if errors:
        raise InputError(f"{profile_map.path}:\n  " + "\n  ".join(errors))
    return [(row, parse_model_source(row.get("model_source"))) for row in rows]


def pending_sources(profile_map: ProfileMap) -> list[tuple[MapRow, ModelSource]]:
    """Rows without a profile ARN (the ones to create), checked and parsed."""
    return sources(profile_map, [row for row in profile_map.rows if not row.arn], to_create=True)
