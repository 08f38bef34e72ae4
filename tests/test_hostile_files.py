"""Broken log files never stop the build for everyone else's data (DuckDB): a file that cannot be
opened is set aside and named, a cut copy is flagged from its gzip stream with its readable lines
kept, and no body text reaches any output, on the failure paths too. Each case builds its own
files; the good data's totals come from a fixture case whose answer was worked out by hand
(tests/fixtures/bad_input/extra_fields/case.json)."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

from conftest import Project, make_project
from test_bad_input import ACCOUNT, CANARY, check, deliver

GOOD = "extra_fields"
HOUR = "2026/11/05/11"


def record(request_id: str, body: str = "hello") -> dict:
    return {"schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": "2026-11-05T11:00:00Z",
            "accountId": ACCOUNT, "identity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/hostile"},
            "region": "us-east-1", "requestId": request_id, "operation": "Converse",
            "modelId": "global.anthropic.claude-haiku-4-5-20251001-v1:0",
            "input": {"inputBodyJson": {"messages": [{"content": [{"text": f"{body} {CANARY}"}]}]},
                      "inputTokenCount": 10},
            "output": {"outputBodyJson": {"text": f"answer {CANARY}"}, "outputTokenCount": 5}}


def jsonl(*records: dict) -> bytes:
    return b"".join(json.dumps(r).encode() + b"\n" for r in records)


def put(project: Project, name: str, data: bytes, hour: str = HOUR) -> Path:
    folder = project.logs / "AWSLogs" / ACCOUNT / "BedrockModelInvocationLogs" / "us-east-1" / hour
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"20261105T110000000Z_{name}.json.gz"
    path.write_bytes(data)
    return path


def failed(run) -> set[str]:  # type: ignore[no-untyped-def]
    return {name for name, status in run.statuses().items() if status in ("fail", "error")}


def audit(project: Project) -> dict[str, dict]:
    """audit_log_files by the name put() gave each file."""
    prefix = "20261105T110000000Z_"
    return {Path(row["log_file"]).name.removeprefix(prefix).removesuffix(".json.gz"): row
            for row in project.query_rows("select * from main.audit_log_files")}


def whole_lines_of(data: bytes) -> int:
    """The complete lines a cut gzip decodes to, counted with zlib (not with the project's code)."""
    decoded = zlib.decompressobj(31).decompress(data)
    return decoded.count(b"\n")


def test_unreadable_files_are_set_aside_named_and_the_marts_built(tmp_path: Path) -> None:
    project = make_project(tmp_path / "project", tmp_path / "logs")
    expect = deliver(GOOD, project.logs)
    good_gzip = gzip.compress(jsonl(record("never-read-1"), record("never-read-2")))
    planted = {
        "zero": (b"", "empty_file"),
        "header_cut": (good_gzip[:5], "not_gzip"),
        "plain_text": (jsonl(record("plain-1")), "not_gzip"),
        "garbage_after_header": (good_gzip[:10] + b"\xff" * 500, "corrupt_start"),
        # a whole first member, then a second one whose deflate data is garbage: DuckDB's reader stops
        "corrupt_second_member": (good_gzip + good_gzip[:10] + b"\xff" * 300, "corrupt_stream"),
    }
    paths = {name: put(project, name, data) for name, (data, _) in planted.items()}
    run = project.dbt("build")
    # the scheduler notices (one error test, naming every file) ...
    assert not run.success
    assert failed(run) == {"assert_no_unreadable_log_files"}
    for path in paths.values():
        assert any(str(path) in message for message in run.messages), path
    # ... but every mart is built, with exactly the good data
    marts = {name: status for name, status in run.statuses().items() if name.startswith("fct_daily_")}
    assert marts and set(marts.values()) <= {"success", "pass"}, marts
    check(project, expect)
    rows = audit(project)
    assert {name: (rows[name]["file_status"], rows[name]["problem"]) for name in planted} == {
        name: ("unreadable", reason) for name, (_, reason) in planted.items()}
    assert all(rows[name]["raw_line_count"] == 0 for name in planted)

    # the fix: a good copy of one file; the next build reads it and the others stay named
    paths["zero"].write_bytes(gzip.compress(jsonl(record("fixed-1"))))
    run = project.dbt("build")
    assert failed(run) == {"assert_no_unreadable_log_files"}
    rows = audit(project)
    assert (rows["zero"]["file_status"], rows["zero"]["invocation_count"]) == ("read", 1)
    assert project.query("select count(*) from main_staging.stg_bedrock__invocations "
                         "where request_id = 'fixed-1'") == [(1,)]


def test_truncation_is_decided_from_the_gzip_stream(tmp_path: Path) -> None:
    """Line problems (CRLF, invalid UTF-8, a NUL, a 17 MB line) are never a cut file; a cut
    stream is, even when it is cut where a line ends, and its whole lines are kept."""
    project = make_project(tmp_path / "project", tmp_path / "logs")
    expect = deliver(GOOD, project.logs)
    crlf = jsonl(record("crlf-1"), record("crlf-2")).replace(b"\n", b"\r\n") + b'{"requestId": "cut\r\n'
    utf8 = jsonl(record("utf8-1")) + b'{"requestId": "\xff\xfe", "timestamp": "x"}\n' + b"\x00\x00\n"
    long_line = jsonl(record("long-1", body="y" * 17_000_000)) + b"{not json " + CANARY.encode() + b"\n"
    many = jsonl(*[record(f"cut-{i}") for i in range(400)])
    cut = gzip.compress(many)
    cut = cut[:len(cut) * 3 // 5]
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    at_line_end = compressor.compress(jsonl(record("edge-1"), record("edge-2"))) + compressor.flush(zlib.Z_FULL_FLUSH)
    put(project, "crlf", gzip.compress(crlf))
    put(project, "utf8", gzip.compress(utf8))
    put(project, "long", gzip.compress(long_line))
    put(project, "cut", cut)
    put(project, "cut_at_line_end", at_line_end)
    run = project.dbt("build", vars={"bedrock_costs_verify_every_gzip": True})
    assert failed(run) == {"assert_no_truncated_log_files"}
    rows = audit(project)
    assert {name: rows[name]["stream_status"] for name in ("crlf", "utf8", "long", "cut", "cut_at_line_end")} == {
        "crlf": "complete", "utf8": "complete", "long": "complete", "cut": "truncated", "cut_at_line_end": "truncated"}
    assert (rows["crlf"]["invocation_count"], rows["crlf"]["malformed_count"]) == (2, 1)
    assert (rows["utf8"]["invocation_count"], rows["utf8"]["malformed_count"]) == (1, 2)
    assert (rows["long"]["invocation_count"], rows["long"]["malformed_count"]) == (1, 1)
    assert rows["long"]["bad_json_lines"] == "2"
    # the readable lines of a cut copy are kept: every whole line zlib decodes
    assert rows["cut"]["invocation_count"] == whole_lines_of(cut)
    assert rows["cut_at_line_end"]["invocation_count"] == 2
    for name in ("cut", "cut_at_line_end"):
        assert any(f"TRUNCATED: {rows[name]['log_file']}" in message for message in run.messages)
    # the good data's marts are right
    good_tokens = expect["tokens"]
    (tokens_in,), = project.query("select sum(input_tokens) from main.fct_daily_app_cost")
    assert tokens_in == good_tokens[0] + 10 * (2 + 1 + 1 + whole_lines_of(cut) + 2)
    # no body text anywhere: messages, dbt's log file, run results
    assert not any(CANARY in message for message in run.messages)
    for log in (project.root / "logs").rglob("*"):
        if log.is_file():
            assert CANARY not in log.read_text(errors="replace"), log
    assert CANARY not in (project.root / "target" / "run_results.json").read_text()


def test_a_read_that_stops_stops_one_build_only(tmp_path: Path) -> None:
    """A large load is not decoded twice before it is read: when DuckDB's reader stops on a file
    that only looked well at its start, the next build finds the load that never landed, checks
    its files one by one, sets the bad one aside and builds everything from the rest."""
    project = make_project(tmp_path / "project", tmp_path / "logs")
    expect = deliver(GOOD, project.logs)
    good_gzip = gzip.compress(jsonl(record("before-the-garbage")))
    bad = put(project, "stops_the_reader", good_gzip + good_gzip[:10] + b"\xff" * 300)
    no_precheck = {"bedrock_costs_verify_batch_mb": 0}
    first = project.dbt("build", vars=no_precheck)
    assert "stg_bedrock__log_lines" in failed(first)
    second = project.dbt("build", vars=no_precheck)
    assert failed(second) == {"assert_no_unreadable_log_files"}
    assert any(str(bad) in message for message in second.messages)
    check(project, expect)
    assert audit(project)["stops_the_reader"]["problem"] == "corrupt_stream"
    assert not any(CANARY in message for message in first.messages + second.messages)


def test_terminal_escapes_in_log_data_are_printed_escaped(tmp_path: Path, capfd) -> None:  # type: ignore[no-untyped-def]
    """A requestId and a caller holding terminal escapes (retitle the window, clear the screen) and a
    forged newline: the test messages dbt prints show them escaped, never raw."""
    project = make_project(tmp_path / "project", tmp_path / "logs")
    evil = "evil\x1b]0;pwned\x07\x1b[2J\nFAIL forged"
    no_identity = record(evil)
    del no_identity["identity"]
    shared = [record("twice"), {**record("twice"), "timestamp": "2026-11-05T11:30:00Z",
                                "identity": {"arn": f"arn:aws:iam::{ACCOUNT}:user/\x1b[31mred"}}]
    put(project, "escapes", gzip.compress(jsonl(no_identity, *shared)))
    run = project.dbt("build")
    assert run.success
    printed = capfd.readouterr().out
    assert "FLAGGED:" in printed and "SHARED REQUEST ID: twice" in printed
    flagged = next(line for line in printed.splitlines() if line.startswith("FLAGGED:"))
    assert "evil\\u001b]0;pwned\\u0007\\u001b[2J\\nFAIL forged" in flagged
    ours = [line for line in printed.splitlines()
            if line.startswith(("FLAGGED:", "SHARED REQUEST ID:", "FAIL", "WARN"))]
    assert not any(ch in line for line in ours for ch in ("\x1b", "\x07"))  # dbt's own colours aside
    assert not any(line.startswith("FAIL forged") for line in printed.splitlines())
