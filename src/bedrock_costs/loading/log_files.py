"""Which log files a build reads: listed under the log root, compared with what is stored, checked.

Bedrock delivers invocation logs to
``<root>/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/yyyy/mm/dd/hh/<name>.json.gz``. Objects
below an hour folder (``hh/data/``: offloaded bodies) and the permission-check object are not log
files and never match.

A full build lists every region folder whole. An incremental build lists only the days from
``since`` on (day folders found by listing years, then months, then days, so no history is
walked), and reads only the files not stored yet, or stored at another size (a cut copy restored,
or a file rewritten): ``plan`` says which. Every file to read is first checked from its first bytes
(``gzip_stream.check_start``); one that cannot be opened is set aside with its reason, never read.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Protocol

from bedrock_costs.loading.gzip_stream import START_BYTES, check_start

LOG_FILE = re.compile(
    r"^(?P<region_folder>.*/AWSLogs/[^/]+/BedrockModelInvocationLogs/[^/]+)"
    r"/(?P<y>[0-9]{4})/(?P<m>[0-9]{2})/(?P<d>[0-9]{2})/(?P<h>[0-9]{2})/[^/]+\.json\.gz$")
CHECK_THREADS = 8  # files checked at once (S3 round trips overlap; a local disk does not mind)


class FileSystem(Protocol):
    """The part of an fsspec filesystem used here (local files and s3fs both have it)."""

    def ls(self, path: str, detail: bool = ...) -> Any: ...

    def find(self, path: str, detail: bool = ...) -> Any: ...

    def open(self, path: str, mode: str = ...) -> Any: ...


@dataclass(frozen=True)
class LogFile:
    """One listed log file: its path as the reader opens it, its size, and its delivery folder."""

    path: str
    size: int
    log_hour: str  # 'yyyy/mm/dd/hh', the delivery folder

    @property
    def log_date(self) -> dt.date:
        return dt.date(int(self.log_hour[:4]), int(self.log_hour[5:7]), int(self.log_hour[8:10]))


@dataclass(frozen=True)
class Plan:
    """What one build does with the listed files."""

    to_read: list[LogFile]  # new, or stored at another size, and readable
    unreadable: list[tuple[LogFile, str]]  # new or changed, but cannot be opened: (file, reason)
    reread: list[LogFile]  # among to_read: stored before at another size
    stored_count: int  # listed and already stored at this size: not read again


def split_root(root: str) -> tuple[str, str]:
    """('s3://', 'bucket/prefix') or ('', '/abs/folder'): the protocol apart from the path."""
    if "://" in root:
        protocol, path = root.split("://", 1)
        return protocol + "://", path.rstrip("/")
    return "", root.rstrip("/") or "/"


def _names(fs: FileSystem, path: str) -> list[str]:
    """The entries directly under a folder, as full paths without the protocol; [] if none."""
    try:
        listed = fs.ls(path, detail=False)
    except FileNotFoundError:
        return []
    return sorted(str(name).rstrip("/") for name in listed)


def region_folders(fs: FileSystem, root_path: str) -> list[str]:
    """Every <root>/AWSLogs/<account>/BedrockModelInvocationLogs/<region> folder."""
    folders = []
    for account in _names(fs, root_path + "/AWSLogs"):
        for region in _names(fs, account + "/BedrockModelInvocationLogs"):
            if not region.rsplit("/", 1)[-1].startswith("amazon-bedrock-logs-permission-check"):
                folders.append(region)
    return folders


def window_prefixes(since: dt.date, today: dt.date) -> list[str]:
    """The folders below a region folder that hold the days from `since` on, never listed to be
    found (a region's years would start a walk through its whole history): one 'yyyy/mm/dd' per
    day of since's month, then whole 'yyyy/mm' months, up to the day after `today` (a folder just
    past midnight UTC); logs dated past the clock (a sample, a skewed clock) to the end of the
    month after since's."""
    day = dt.timedelta(days=1)
    next_month = (since.replace(day=28) + 4 * day).replace(day=1)
    last = today + day if today >= since else (next_month.replace(day=28) + 4 * day).replace(day=1) - day
    prefixes = []
    current = since
    while current <= last and current < next_month:
        prefixes.append(current.strftime("%Y/%m/%d"))
        current += day
    month = next_month
    while month <= last:
        prefixes.append(month.strftime("%Y/%m"))
        month = (month.replace(day=28) + 4 * day).replace(day=1)
    return prefixes


def _date(y: str, m: str, d: str) -> dt.date | None:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        return None


def list_log_files(fs: FileSystem, root: str, since: dt.date | None, today: dt.date | None = None) -> list[LogFile]:
    """The log files under `root` (a folder or s3://bucket/prefix), from `since` on (None: all),
    sorted by path. Paths carry `root`'s protocol, as the reader opens them."""
    today = today or dt.datetime.now(dt.timezone.utc).date()
    protocol, root_path = split_root(root)
    # a local root is listed by its absolute path, and its files named under the root as given
    listed_root = root_path if protocol else os.path.abspath(root_path)
    prefixes: list[str] = []
    for region_folder in region_folders(fs, listed_root):
        prefixes.extend([region_folder] if since is None
                        else [f"{region_folder}/{period}" for period in window_prefixes(since, today)])
    files = []
    for prefix in prefixes:
        try:
            found = fs.find(prefix, detail=True)
        except FileNotFoundError:
            continue
        for name, info in found.items():
            match = LOG_FILE.match(str(name))
            listed_day = None if match is None else _date(match["y"], match["m"], match["d"])
            if match is None or listed_day is None or (since is not None and listed_day < since):
                continue
            log_hour = f"{match['y']}/{match['m']}/{match['d']}/{match['h']}"
            path = protocol + root_path + str(name)[len(listed_root):]
            files.append(LogFile(path, int(info.get("size") or 0), log_hour))
    return sorted(files, key=lambda f: f.path)


def plan(listed: Iterable[LogFile], stored: Mapping[str, int], problem_of: Callable[[LogFile], str | None]) -> Plan:
    """Compare the listed files with the stored ones (path -> size) and check the rest."""
    candidates = []
    stored_count = 0
    for log_file in listed:
        if stored.get(log_file.path) == log_file.size:
            stored_count += 1
        else:
            candidates.append(log_file)
    with ThreadPoolExecutor(CHECK_THREADS) as pool:
        problems = list(pool.map(problem_of, candidates))
    to_read = [f for f, problem in zip(candidates, problems, strict=True) if problem is None]
    unreadable = [(f, problem) for f, problem in zip(candidates, problems, strict=True) if problem is not None]
    reread = [f for f in to_read if f.path in stored]
    return Plan(to_read=to_read, unreadable=unreadable, reread=reread, stored_count=stored_count)


def start_problem(fs: FileSystem) -> Callable[[LogFile], str | None]:
    """check_start on a listed file's first bytes, read through `fs`."""
    def problem_of(log_file: LogFile) -> str | None:
        if log_file.size == 0:
            return check_start(b"", 0)
        protocol, path = split_root(log_file.path)
        with fs.open(path if protocol else os.path.abspath(path), "rb") as handle:
            head = handle.read(START_BYTES)
        return check_start(head, log_file.size)

    return problem_of
