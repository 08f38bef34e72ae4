"""Unit tests of the loader (src/bedrock_costs/loading): the gzip checks decided from the stream's
bytes, the listing of log files, the comparison with stored files, and the CUR manifests. Each
expectation is worked out from how the bytes were made, not from what the code returned before."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import struct
import zlib
from pathlib import Path

import fsspec
import pytest

from bedrock_costs.loading import cur_export, gzip_stream, log_files
from bedrock_costs.loading.duckdb_models import log_root, setting

LINES = b"".join(json.dumps({"requestId": f"r{i}", "n": i, "pad": "x" * 40}).encode() + b"\n" for i in range(3000))


def chunks(data: bytes, size: int = 997) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


# ---------------------------------------------------------------------------------------------
# check_start: what stops a reader from opening the file at all


# mtime=0: a gzip header holds its time, and the ids of these cases must be the same on every
# pytest-xdist worker (each collects them on its own)
@pytest.mark.parametrize(("data", "reason"), [
    (b"", gzip_stream.EMPTY_FILE),
    (gzip.compress(LINES, mtime=0)[:5], gzip_stream.NOT_GZIP),  # a header cut short
    (LINES[:4096], gzip_stream.NOT_GZIP),  # plain text named .json.gz
    (b"\x1f\x8b\x09" + gzip.compress(LINES, mtime=0)[3:4096], gzip_stream.NOT_GZIP),  # not deflate (method 9)
    (gzip.compress(LINES, mtime=0)[:10] + b"\xff" * 200, gzip_stream.CORRUPT_START),  # a header, then no deflate data
    (gzip.compress(LINES, mtime=0)[:4096], None),
    (gzip.compress(b"", mtime=0), None),  # an empty but whole gzip
])
def test_check_start(data: bytes, reason: str | None) -> None:
    assert gzip_stream.check_start(data[:gzip_stream.START_BYTES], len(data)) == reason


# ---------------------------------------------------------------------------------------------
# verify_stream: how the stream ends


def test_a_whole_stream_is_complete_and_its_lines_counted() -> None:
    check = gzip_stream.verify_stream(chunks(gzip.compress(LINES)))
    assert (check.status, check.member_count, check.decoded_bytes, check.line_count) == (
        gzip_stream.COMPLETE, 1, len(LINES), 3000)
    assert check.bad_line_count == 0


def test_every_cut_of_a_stream_is_truncated_never_complete() -> None:
    data = gzip.compress(LINES[:2000])
    statuses = {gzip_stream.verify_stream(chunks(data[:cut], 7)).status for cut in range(10, len(data))}
    assert statuses == {gzip_stream.TRUNCATED}


def test_a_cut_at_a_line_boundary_is_truncated() -> None:
    """The cut a line reader cannot see: every line it reads is whole."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    head = compressor.compress(LINES[:1000]) + compressor.flush(zlib.Z_FULL_FLUSH)
    check = gzip_stream.verify_stream([head])
    assert check.status == gzip_stream.TRUNCATED
    assert check.decoded_bytes == 1000


def test_a_wrong_crc_or_length_is_corrupt() -> None:
    data = bytearray(gzip.compress(LINES))
    crc_off = len(data) - 8
    bad_crc = bytes(data[:crc_off]) + struct.pack("<I", (zlib.crc32(LINES) + 1) & 0xFFFFFFFF) + bytes(data[-4:])
    bad_len = bytes(data[:-4]) + struct.pack("<I", len(LINES) + 1)
    assert gzip_stream.verify_stream([bad_crc]).status == gzip_stream.CORRUPT
    assert "data check" in gzip_stream.verify_stream([bad_crc]).detail
    assert gzip_stream.verify_stream([bad_len]).status == gzip_stream.CORRUPT
    assert "length check" in gzip_stream.verify_stream([bad_len]).detail


def test_garbage_inside_the_stream_is_corrupt() -> None:
    data = bytearray(gzip.compress(LINES))
    data[20:60] = b"\xff" * 40
    assert gzip_stream.verify_stream(chunks(bytes(data))).status == gzip_stream.CORRUPT


def test_several_members_are_one_complete_stream() -> None:
    data = gzip.compress(LINES[:1000]) + gzip.compress(LINES[1000:5000]) + gzip.compress(LINES[5000:])
    check = gzip_stream.verify_stream(chunks(data, 333))
    assert (check.status, check.member_count, check.decoded_bytes) == (gzip_stream.COMPLETE, 3, len(LINES))
    assert check.line_count == 3000


def test_bytes_after_the_last_member_are_corrupt() -> None:
    assert gzip_stream.verify_stream([gzip.compress(LINES) + b"trailing text"]).status == gzip_stream.CORRUPT


def test_line_problems_are_not_stream_problems() -> None:
    """CRLF endings, an invalid UTF-8 byte, a NUL and a 17 MB line: a complete stream, and the lines
    that are not JSON objects named by number."""
    long_line = json.dumps({"requestId": "long", "body": "y" * 17_000_000}).encode()
    text = (b'{"requestId": "a"}\r\n' b'{"requestId": "\xff\xfe"}\r\n' b"\x00\x00\r\n" + long_line + b"\r\n"
            b'{"requestId": "e"}\r\n' b"{cut\r\n")
    check = gzip_stream.verify_stream(chunks(gzip.compress(text), 1 << 16))
    assert check.status == gzip_stream.COMPLETE
    assert check.line_count == 6
    assert check.bad_line_numbers == [2, 3, 6]
    assert check.bad_line_count == 3


def test_an_empty_file_is_truncated() -> None:
    assert gzip_stream.verify_stream([]).status == gzip_stream.TRUNCATED


# ---------------------------------------------------------------------------------------------
# listing and planning


def write_log(root: Path, account: str, region: str, hour: str, name: str, data: bytes) -> Path:
    folder = root / "AWSLogs" / account / "BedrockModelInvocationLogs" / region / hour
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    good = gzip.compress(LINES[:500])
    write_log(root, "111122223333", "us-east-1", "2026/11/01/00", "a.json.gz", good)
    write_log(root, "111122223333", "us-east-1", "2026/11/03/23", "b.json.gz", good)
    write_log(root, "111122223333", "eu-west-1", "2026/11/04/05", "c.json.gz", good + good)
    write_log(root, "444455556666", "us-west-2", "2026/12/01/00", "d.json.gz", b"")
    # not log files: a body below an hour folder, another extension, a folder that is no hour
    write_log(root, "111122223333", "us-east-1", "2026/11/03/23/data", "body.json.gz", good)
    write_log(root, "111122223333", "us-east-1", "2026/11/03/23", "notes.txt", b"x")
    write_log(root, "111122223333", "us-east-1", "2026/11/31/00", "e.json.gz", good)  # no such day
    (root / "AWSLogs" / "111122223333" / "BedrockModelInvocationLogs"
     / "amazon-bedrock-logs-permission-check").write_text("Permissions are correctly set.\n")
    return root


def names(files: list[log_files.LogFile]) -> list[str]:
    return [f.path.rsplit("/", 1)[-1] for f in files]


def test_a_full_listing_finds_every_log_file_and_nothing_else(tree: Path) -> None:
    fs = fsspec.filesystem("file")
    listed = log_files.list_log_files(fs, str(tree), None)
    assert sorted(names(listed)) == ["a.json.gz", "b.json.gz", "c.json.gz", "d.json.gz"]
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in listed}
    assert by_name["c.json.gz"].size == 2 * len(gzip.compress(LINES[:500]))
    assert by_name["b.json.gz"].log_hour == "2026/11/03/23"
    assert by_name["b.json.gz"].log_date == dt.date(2026, 11, 3)
    assert all(f.path.startswith(str(tree) + "/AWSLogs/") for f in listed)


def test_an_incremental_listing_covers_only_the_days_from_since(tree: Path) -> None:
    listed = log_files.list_log_files(fsspec.filesystem("file"), str(tree), dt.date(2026, 11, 3))
    assert sorted(names(listed)) == ["b.json.gz", "c.json.gz", "d.json.gz"]


def test_a_relative_root_names_files_under_it(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tree.parent)
    listed = log_files.list_log_files(fsspec.filesystem("file"), "logs", None)
    assert all(f.path.startswith("logs/AWSLogs/") for f in listed)
    assert log_files.start_problem(fsspec.filesystem("file"))(listed[0]) is None


def test_plan_reads_new_and_resized_files_and_sets_aside_unreadable_ones(tree: Path) -> None:
    fs = fsspec.filesystem("file")
    listed = {f.path.rsplit("/", 1)[-1]: f for f in log_files.list_log_files(fs, str(tree), None)}
    stored = {listed["a.json.gz"].path: listed["a.json.gz"].size, listed["c.json.gz"].path: 17}
    planned = log_files.plan(listed.values(), stored, log_files.start_problem(fs))
    assert sorted(names(planned.to_read)) == ["b.json.gz", "c.json.gz"]
    assert names(planned.reread) == ["c.json.gz"]
    assert [(f.path.rsplit("/", 1)[-1], why) for f, why in planned.unreadable] == [("d.json.gz", "empty_file")]
    assert planned.stored_count == 1


def test_settings_read_the_environment_at_run_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BEDROCK_LOGS_PATH", "./somewhere/")
    assert log_root("{{ env_var('BEDROCK_LOGS_PATH', 'sample_logs') }}") == "somewhere"
    monkeypatch.delenv("BEDROCK_LOGS_PATH")
    assert log_root("{{ env_var('BEDROCK_LOGS_PATH', 'sample_logs') }}") == "sample_logs"
    assert setting(" s3://bucket/prefix ") == "s3://bucket/prefix"


# ---------------------------------------------------------------------------------------------
# the CUR export's current files


def write(path: Path, data: bytes, mtime: float | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if mtime is not None:
        os.utime(path, (mtime, mtime))


def manifest(files: list[str]) -> bytes:
    return json.dumps({"dataFiles": [f"s3://bucket/prefix/exp/{f}" for f in files]}).encode()


def test_cur_reads_the_files_of_each_periods_newest_manifest(tmp_path: Path) -> None:
    root = tmp_path / "cur"
    exp = root / "exp"
    for name in ("a.parquet", "b.parquet", "c.parquet"):
        write(exp / "data" / "BILLING_PERIOD=2026-10" / name, b"P")
    write(exp / "data" / "BILLING_PERIOD=2026-11" / "x.parquet", b"P")  # a period without a manifest
    write(exp / "metadata" / "BILLING_PERIOD=2026-10" / "r1" / "exp-Manifest.json",
          manifest(["data/BILLING_PERIOD=2026-10/a.parquet"]), mtime=1_000)
    write(exp / "metadata" / "BILLING_PERIOD=2026-10" / "r2" / "exp-Manifest.json",
          manifest(["data/BILLING_PERIOD=2026-10/b.parquet", "data/BILLING_PERIOD=2026-10/c.parquet"]), mtime=2_000)
    files = cur_export.current_files(fsspec.filesystem("file"), str(root), "*")
    assert [(Path(f.path).name, f.billing_period, f.listed_by) for f in files] == [
        ("b.parquet", "2026-10", "manifest"), ("c.parquet", "2026-10", "manifest"), ("x.parquet", "2026-11", "folder")]
    assert all(f.path.startswith(str(exp) + "/data/") for f in files)


def test_a_stream_check_without_lines_decides_the_same() -> None:
    data = gzip.compress(LINES)
    for sample in (data, data[:len(data) // 2], data[:-3] + b"\x00\x00\x00"):
        with_lines = gzip_stream.verify_stream([sample])
        without = gzip_stream.verify_stream([sample], count_lines=False)
        assert (without.status, without.decoded_bytes) == (with_lines.status, with_lines.decoded_bytes)
        assert without.line_count == 0


def test_the_window_is_named_day_by_day_then_by_month_never_listed() -> None:
    assert log_files.window_prefixes(dt.date(2026, 11, 28), dt.date(2026, 12, 2)) == [
        "2026/11/28", "2026/11/29", "2026/11/30", "2026/12"]
    assert log_files.window_prefixes(dt.date(2026, 12, 30), dt.date(2027, 1, 1)) == [
        "2026/12/30", "2026/12/31", "2027/01"]
    # logs dated past the clock: to the end of the month after since's
    assert log_files.window_prefixes(dt.date(2026, 11, 8), dt.date(2026, 1, 1)) == [
        *[f"2026/11/{d:02d}" for d in range(8, 31)], "2026/12"]


def test_check_logs_names_each_bad_file_and_prints_the_skip_list(
        tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from bedrock_costs import check_logs

    cut = gzip.compress(LINES)
    write_log(tree, "111122223333", "us-east-1", "2026/11/03/23", "cut.json.gz", cut[: len(cut) // 2])
    write_log(tree, "111122223333", "us-east-1", "2026/11/03/23", "plain.json.gz", LINES[:500])
    assert check_logs.main(["--logs", str(tree)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sorted(line.split(":", 1)[0] + ":" + Path(line.split(": ", 1)[1].split(" (")[0]).name for line in out) == [
        "empty_file:d.json.gz", "not_gzip:plain.json.gz"]
    assert check_logs.main(["--logs", str(tree), "--deep", "--format", "vars"]) == 1
    listed = json.loads(capsys.readouterr().out)["bedrock_costs_skip_log_files"]
    # the cut copy is readable up to its cut: named by --deep, never skipped
    assert sorted(Path(p).name for p in listed) == ["d.json.gz", "plain.json.gz"]
    assert check_logs.main(["--logs", str(tree), "--deep", "--since", "2026-12-02"]) == 0
