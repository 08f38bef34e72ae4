"""Find the log files a build cannot read, before Athena or Trino stop on one.

Lists the invocation log files under a log root (a folder, or s3://bucket/prefix, read with the
standard AWS credential chain), from --since on, and checks each one from its bytes: its first
bytes (empty, not gzip, not deflate data) and, with --deep, its whole gzip stream (cut short,
corrupt, a CRC or length that disagrees). Each bad file is printed with its reason. With
--format vars the files Athena and Trino cannot read are printed as the
bedrock_costs_skip_log_files setting (a cut copy is readable: it is named, not listed). Nothing
is written, and no text of any line is read or printed.

    bedrock-costs check-logs --logs s3://my-log-bucket/bedrock --since 2026-11-01 --deep
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bedrock_costs.cli import ExitCode, command_parser, run_guarded
from bedrock_costs.errors import InputError
from bedrock_costs.loading import gzip_stream, log_files
from bedrock_costs.loading.duckdb_models import filesystem, log_root, read_chunks
from bedrock_costs.terminal import printable

THREADS = 8
CUT = {gzip_stream.TRUNCATED}  # readable up to the cut: named, never skipped


@dataclass(frozen=True)
class Finding:
    path: str
    size: int
    problem: str


def check(fs: log_files.FileSystem, files: list[log_files.LogFile], deep: bool) -> list[Finding]:
    """The files with a problem: their first bytes, then (deep) their whole stream."""
    start = log_files.start_problem(fs)

    def problem_of(log_file: log_files.LogFile) -> Finding | None:
        problem = start(log_file)
        if problem is None and deep:
            status = gzip_stream.verify_stream(read_chunks(fs, log_file.path), count_lines=False).status
            problem = None if status == gzip_stream.COMPLETE else f"{status}_stream"
        return None if problem is None else Finding(log_file.path, log_file.size, problem)

    with ThreadPoolExecutor(THREADS) as pool:
        return [finding for finding in pool.map(problem_of, files) if finding is not None]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = command_parser("check-logs", __doc__, with_common=False, exit_codes={
        0: "every file can be read", 1: "a file cannot be read, or is cut short (each is printed)"})
    parser.add_argument("--logs", default=os.environ.get("BEDROCK_LOGS_PATH", ""),
                        help="the folder or s3://bucket/prefix that holds AWSLogs/ (default: $BEDROCK_LOGS_PATH)")
    parser.add_argument("--since", type=dt.date.fromisoformat,
                        help="the first delivery day to check, YYYY-MM-DD (default: every day)")
    parser.add_argument("--deep", action="store_true",
                        help="decode every file's whole gzip stream (about the cost of reading it)")
    parser.add_argument("--format", choices=("text", "vars"), default="text",
                        help="text (default), or vars: the bedrock_costs_skip_log_files setting, as JSON")
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> int:
    if not args.logs:
        raise InputError("give --logs (the folder or s3://bucket/prefix that holds AWSLogs/), or set BEDROCK_LOGS_PATH")
    root = log_root(args.logs)
    fs = filesystem(root)
    files = log_files.list_log_files(fs, root, args.since)
    findings = check(fs, files, args.deep)
    if args.format == "vars":
        skip = sorted(f.path for f in findings if f.problem.removesuffix("_stream") not in CUT)
        print(json.dumps({"bedrock_costs_skip_log_files": skip}))
    else:
        for finding in findings:
            print(f"{finding.problem}: {printable(finding.path)} ({finding.size} bytes)")
        print(f"{len(files)} log file(s) checked, {len(findings)} with a problem", file=sys.stderr)
    return ExitCode.FAILED if findings else ExitCode.OK


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))
