"""The dbt Python models that load files on DuckDB: thin wrappers over this module's functions.

``dbt build`` runs them like any model (dbt-duckdb executes a Python model in-process with the
build's DuckDB connection), so the build alone still ingests:

``stg_bedrock__log_files`` (``log_files``)
    Lists the log files, compares them with the files ``stg_bedrock__log_lines`` holds, checks
    the new ones' first bytes, and stores one row per file it read or set aside this run. It then
    points the view ``stg_bedrock__log_batch`` at the readable ones: ``read_json`` over exactly those
    files, with their size, delivery hour and this load's stamp. ``stg_bedrock__log_lines`` (SQL, the
    same model on every engine) parses, casts and classifies that batch.

``audit_log_streams`` (``log_streams``)
    After the lines are stored: the gzip stream of each file loaded since its last run that has a
    line that is not a record or no record at all (or every file, with
    ``bedrock_costs_verify_every_gzip``), decoded with zlib and checked end to end.

``stg_cur__export_files`` (``cur_files``)
    The CUR 2.0 export's current Parquet files (``cur_export``), and the view
    ``stg_cur__export_rows`` over them with every column the project reads.

Nothing here reads or prints a line's text: the checks see bytes and counts only.
"""

from __future__ import annotations

import ast
import datetime as dt
import os
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import duckdb

from bedrock_costs.loading import cur_export, log_files
from bedrock_costs.loading.gzip_stream import BAD_LINES_KEPT, CORRUPT, StreamCheck, verify_stream

LINES_MODEL = "stg_bedrock__log_lines"  # read by name: a ref from the loader to its reader would be a cycle
BATCH_VIEW = "stg_bedrock__log_batch"
BATCH_FILES = "stg_bedrock__log_batch_files"
CUR_ROWS_VIEW = "stg_cur__export_rows"
STREAM_CHUNK = 1 << 20

# read_json's schema: only the fields the project needs, never a body field
LOG_LINE_SCHEMA = {
    "schemaType": "varchar",
    "schemaVersion": "varchar",
    "timestamp": "varchar",
    "accountId": "varchar",
    "identity": "struct(arn varchar)",
    "region": "varchar",
    "requestId": "varchar",
    "operation": "varchar",
    "modelId": "varchar",
    "input": "struct(inputTokenCount varchar, cacheReadInputTokenCount varchar, cacheWriteInputTokenCount varchar)",
    "output": "struct(outputTokenCount varchar)",
    "inferenceRegion": "varchar",
    "requestMetadata": "map(varchar, varchar)",
    "errorCode": "varchar",
}
# the batch's columns: the same names and order on every engine (macros/sources/invocation_log_records.sql)
LOG_LINE_COLUMNS = [
    ("schema_type", '"schemaType"'),
    ("schema_version", '"schemaVersion"'),
    ("event_timestamp", '"timestamp"'),
    ("account_id", '"accountId"'),
    ("identity_arn", '"identity"."arn"'),
    ("aws_region", '"region"'),
    ("request_id", '"requestId"'),
    ("api_operation", '"operation"'),
    ("model_id_raw", '"modelId"'),
    ("input_token_count", '"input"."inputTokenCount"'),
    ("cache_read_input_token_count", '"input"."cacheReadInputTokenCount"'),
    ("cache_write_input_token_count", '"input"."cacheWriteInputTokenCount"'),
    ("output_token_count", '"output"."outputTokenCount"'),
    ("inference_region", '"inferenceRegion"'),
    ("request_metadata", '"requestMetadata"'),
    ("error_code", '"errorCode"'),
]


class LoadError(RuntimeError):
    """A load that cannot go on (no log file at all); its message says what to do."""


def sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def quoted(*parts: str) -> str:
    return ".".join('"' + part.replace('"', '""') + '"' for part in parts if part)


def sibling(this: Any, identifier: str) -> str:
    """A relation in the same database and schema as the model's own."""
    return quoted(getattr(this, "database", "") or "", this.schema, identifier)


def filesystem(root: str) -> log_files.FileSystem:
    """Local files, or S3 through s3fs with the standard credential chain (as the profile's
    `filesystems` option registers it with DuckDB): AWS_ENDPOINT_URL(_S3) and AWS_REGION honoured."""
    import fsspec  # type: ignore[import-untyped]

    if not root.startswith(("s3://", "s3a://")):
        return fsspec.filesystem("file")  # type: ignore[no-any-return]
    import s3fs  # type: ignore[import-untyped]

    endpoint = os.environ.get("AWS_ENDPOINT_URL_S3") or os.environ.get("AWS_ENDPOINT_URL") or None
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    return s3fs.S3FileSystem(  # type: ignore[no-any-return]
        skip_instance_cache=True, client_kwargs={"endpoint_url": endpoint, "region_name": region},
        config_kwargs={"user_agent_extra": "bedrock-costs/loader"})


ENV_VAR_SETTING = re.compile(r"""^\{\{\s*env_var\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]*)['"]\s*)?\)\s*\}\}$""")


def setting(value: object) -> str:
    """A var's value as a Python model's config gets it. dbt passes a var whose default in
    dbt_project.yml is `{{ env_var('NAME', 'default') }}` through unrendered: read the environment
    here, at run time (so it is always the current value)."""
    text = "" if value is None else str(value).strip()
    match = ENV_VAR_SETTING.match(text)
    if match:
        return os.environ.get(match.group(1), match.group(2) or "")
    return text


def listed_setting(value: object) -> list[str]:
    """A list var as a Python model's config gets it: a list, or its text ('[]', "['a', 'b']")."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(item) for item in value]
    text = str(value).strip()
    if not text:
        return []
    parsed = ast.literal_eval(text) if text.startswith("[") else [text]
    return [str(item) for item in parsed]


def log_root(configured: object) -> str:
    """The log root as the project writes it: no trailing slash, no leading './'."""
    root = setting(configured).rstrip("/")
    if root.startswith("./"):
        root = root[2:]
    return root or "."


def table_exists(session: duckdb.DuckDBPyConnection, relation: str) -> bool:
    try:
        session.execute(f"select 1 from {relation} limit 0")
    except duckdb.CatalogException:
        return False
    return True


def load_stamp(session: duckdb.DuckDBPyConnection, lines: str | None) -> dt.datetime:
    """This load's stamp: now (UTC, to the millisecond), or 1 ms after the newest stamp stored if
    that is later (a clock that went back), so a stamp never repeats or goes backwards."""
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    now = now.replace(microsecond=now.microsecond // 1000 * 1000)
    if lines is None:
        return now
    (newest,) = session.execute(f"select max(loaded_at) from {lines}").fetchone() or (None,)
    if newest is not None and newest >= now:
        return newest + dt.timedelta(milliseconds=1)  # type: ignore[no-any-return]
    return now


def stored_files(session: duckdb.DuckDBPyConnection, lines: str, since: dt.date) -> dict[str, int]:
    rows = session.execute(
        f"select log_file, max(file_size) from {lines} where log_date >= ? group by log_file", [since]).fetchall()
    return {str(path): int(size) for path, size in rows}


def log_files_model(session: duckdb.DuckDBPyConnection, this: Any, is_incremental: bool, *,
                    logs_path: str, lookback_days: int | str, verify_batch_mb: int | str,
                    skip_files: object = None) -> duckdb.DuckDBPyRelation:
    """stg_bedrock__log_files: plan this load, point the batch view at it, return its files.

    The files to read are checked from their first bytes. A batch of at most `verify_batch_mb`
    (a scheduled run's new files) is decoded whole too, and a file whose stream is corrupt is set
    aside: DuckDB's reader can stop on one (for every file). A larger batch (a full build) is
    not decoded twice; if its read then stops, the next build finds the load that never landed
    and checks its files one by one, so a bad file stops at most one build."""
    root = log_root(str(logs_path))
    lines = sibling(this, LINES_MODEL)
    incremental = bool(is_incremental) and table_exists(session, lines)
    since = stored = None
    if incremental:
        (newest,) = session.execute(f"select max(log_date) from {lines}").fetchone() or (None,)
        if newest is not None:
            since = newest - dt.timedelta(days=int(lookback_days))
            stored = stored_files(session, lines, since)
    stamp = load_stamp(session, lines if incremental else None)
    fs = filesystem(root)
    listed = log_files.list_log_files(fs, root, since)
    if since is None and not listed:
        raise LoadError(
            f"No Bedrock invocation log files under {root}/AWSLogs/<account>/BedrockModelInvocationLogs/<region>/"
            "yyyy/mm/dd/hh/. Set BEDROCK_LOGS_PATH to the folder (or s3://bucket/prefix) that contains AWSLogs/ "
            "(run `make sample` for the bundled sample).")
    skipped = {str(path).strip() for path in listed_setting(skip_files)}
    planned = log_files.plan(listed, stored or {}, log_files.start_problem(fs, skipped))
    batch_bytes = sum(f.size for f in planned.to_read)
    failed = failed_load(session, this, lines if incremental else None) if is_incremental else set()
    if batch_bytes <= int(verify_batch_mb) * 1_000_000 or failed:
        deep = [f for f in planned.to_read if batch_bytes <= int(verify_batch_mb) * 1_000_000 or f.path in failed]
        set_aside = dict(deep_problems(session, fs, deep, probe=bool(failed)))
        planned = log_files.Plan(
            to_read=[f for f in planned.to_read if f.path not in set_aside],
            unreadable=planned.unreadable + [(f, set_aside[f.path]) for f in planned.to_read if f.path in set_aside],
            reread=[f for f in planned.reread if f.path not in set_aside], stored_count=planned.stored_count)
    rows: list[tuple[str, int, str, dt.date, str, str | None, bool]] = [
        (f.path, f.size, f.log_hour, f.log_date, "read", None, f.path in (stored or {})) for f in planned.to_read]
    rows += [(f.path, f.size, f.log_hour, f.log_date, "unreadable", problem, f.path in (stored or {}))
             for f, problem in planned.unreadable]
    warm_listing(session, root, planned.to_read)
    _point_batch_view(session, this, _planned_sql(rows, stamp, root), planned.to_read, stamp)
    if planned.unreadable:
        print(f"bedrock-costs: {len(planned.unreadable)} log file(s) cannot be read and are set aside "
              "(audit_log_files names each, with its reason)")
    return session.sql(f"select * from {sibling(this, BATCH_FILES)}")


def warm_listing(session: duckdb.DuckDBPyConnection, root: str, files: list[log_files.LogFile]) -> None:
    """On S3, list the day folders of the files to read through DuckDB's own filesystem (the s3fs
    the profile registers) before reading them. DuckDB asks that filesystem for a file's size and
    date several times a read, and s3fs answers each with a HEAD request unless the file's folder
    is in its listing cache: eight HEADs a file (measured with moto), a round trip each. One LIST
    per day folder fills the cache, so the read asks S3 only for the bytes. The filesystem is the
    build's own (the profile sets skip_instance_cache), so the cache is this build's listing."""
    if not log_files.split_root(root)[0] or not files:
        return
    for day_folder in sorted({f.path.rsplit("/", 2)[0] for f in files}):
        try:
            session.execute(f"select count(*) from glob({sql_string(day_folder + '/**')})").fetchall()
        except duckdb.Error:
            return  # no filesystem for the URL here: the read itself says so, with the fix


def failed_load(session: duckdb.DuckDBPyConnection, this: Any, lines: str | None) -> set[str]:
    """The files of the loader's newest load when none of its lines landed (its read stopped;
    `lines` is None when the lines table was never built)."""
    if not table_exists(session, quoted(getattr(this, "database", "") or "", this.schema, this.identifier)):
        return set()
    landed = (f"(select coalesce(max(stored.loaded_at), timestamp '1970-01-01') from {lines} as stored)"
              if lines else "timestamp '1970-01-01'")
    rows = session.execute(f"""
        select planned.log_file
        from {this} as planned
        where
            planned.file_status = 'read'
            and planned.loaded_at = (select max(newest.loaded_at) from {this} as newest)
            and planned.loaded_at > {landed}
    """).fetchall()
    return {str(row[0]) for row in rows}


def deep_problems(session: duckdb.DuckDBPyConnection, fs: log_files.FileSystem, files: list[log_files.LogFile],
                  probe: bool) -> list[tuple[str, str]]:
    """(path, problem) for the files whose whole gzip stream is corrupt (`corrupt_stream`), and,
    with `probe`, those DuckDB's reader cannot read alone (`read_error`). A truncated stream is
    read: its readable lines are kept, and audit_log_streams names it."""
    def stream_problem(log_file: log_files.LogFile) -> tuple[str, str] | None:
        try:
            check = verify_stream(read_chunks(fs, log_file.path), count_lines=False)
        except FileNotFoundError:
            return None
        return (log_file.path, "corrupt_stream") if check.status == CORRUPT else None

    with ThreadPoolExecutor(2) as pool:
        found = [problem for problem in pool.map(stream_problem, files) if problem is not None]
    if probe:
        schema = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in LOG_LINE_SCHEMA.items())
        bad = {path for path, _ in found}
        for log_file in files:
            if log_file.path in bad:
                continue
            try:
                session.execute(f"select count(*) from read_json([{sql_string(log_file.path)}], "
                                f"format = 'newline_delimited', compression = 'gzip', ignore_errors = true, "
                                f"columns = {{{schema}}})").fetchall()
            except duckdb.Error:
                found.append((log_file.path, "read_error"))
    return found


def _planned_sql(rows: list[tuple[Any, ...]], stamp: dt.datetime, root: str) -> str:
    values = ",\n".join(
        f"({sql_string(path)}, {size}, {sql_string(hour)}, date '{day.isoformat()}', {sql_string(status)}, "
        f"{'null' if problem is None else sql_string(problem)}, {'true' if reread else 'false'})"
        for path, size, hour, day, status, problem, reread in rows)
    typed = """
        select
            cast(log_file as varchar) as log_file,
            cast(file_size as bigint) as file_size,
            cast(log_hour as varchar) as log_hour,
            cast(log_date as date) as log_date,
            cast(file_status as varchar) as file_status,
            cast(problem as varchar) as problem,
            cast(is_reread as boolean) as is_reread,
            cast({stamp} as timestamp) as loaded_at,
            cast({root} as varchar) as log_root
        from {source}
    """
    source = (f"(values {values}) as planned(log_file, file_size, log_hour, log_date, file_status, problem, is_reread)"
              if rows else "(select null, null, null, null, null, null, null where false) "
              "as planned(log_file, file_size, log_hour, log_date, file_status, problem, is_reread)")
    return typed.format(stamp=sql_string(stamp.isoformat(sep=" ", timespec="milliseconds")),
                        root=sql_string(root), source=source)


def _point_batch_view(session: duckdb.DuckDBPyConnection, this: Any, files_sql: str,
                      to_read: list[log_files.LogFile], stamp: dt.datetime) -> None:
    batch_files = sibling(this, BATCH_FILES)
    session.execute(f"create or replace table {batch_files} as {files_sql}")
    columns = ",\n    ".join(f"log_lines.{source} as {name}" for name, source in LOG_LINE_COLUMNS)
    if to_read:
        paths = ", ".join(sql_string(f.path) for f in to_read)
        schema = ", ".join(f"{sql_string(k)}: {sql_string(v)}" for k, v in LOG_LINE_SCHEMA.items())
        lines = (f"read_json([{paths}], format = 'newline_delimited', compression = 'gzip', filename = true, "
                 f"hive_partitioning = false, ignore_errors = true, columns = {{{schema}}})")
        where = f"batch_files.file_status = 'read' and batch_files.loaded_at = {_timestamp(stamp)}"
    else:
        lines = "(select null as filename, " + ", ".join(
            f"cast(null as {v}) as {quoted(k)}" for k, v in LOG_LINE_SCHEMA.items()) + " where false)"
        where = "false"
    session.execute(f"""
create or replace view {sibling(this, BATCH_VIEW)} as
select
    batch_files.log_file,
    batch_files.file_size,
    batch_files.log_hour,
    {columns},
    batch_files.loaded_at
from {lines} as log_lines
inner join {batch_files} as batch_files
    on log_lines.filename = batch_files.log_file
where {where}
""")


def _timestamp(stamp: dt.datetime) -> str:
    return f"timestamp '{stamp.isoformat(sep=' ', timespec='milliseconds')}'"


# ---------------------------------------------------------------------------------------------
# audit_log_streams


def read_chunks(fs: log_files.FileSystem, path: str) -> Iterator[bytes]:
    protocol, inner = log_files.split_root(path)
    with fs.open(inner if protocol else os.path.abspath(inner), "rb") as handle:
        while chunk := handle.read(STREAM_CHUNK):
            yield chunk


def log_streams_model(session: duckdb.DuckDBPyConnection, this: Any, is_incremental: bool,
                      stored_lines: duckdb.DuckDBPyRelation, *, verify_every: bool | str) -> duckdb.DuckDBPyRelation:
    """audit_log_streams: check the gzip stream of the files loaded since this model's last run
    that have a line that is not a record, or no record (every file, with verify_every)."""
    stored_lines.create_view("bedrock_costs__stored_lines", replace=True)
    lines = "bedrock_costs__stored_lines"
    every = str(verify_every).lower() == "true"
    since = None
    if is_incremental:
        (since,) = session.execute(f"select max(loaded_at) from {this}").fetchone() or (None,)
    candidates = session.execute(f"""
        select log_file, max(file_size), max(loaded_at)
        from {lines}
        where {'true' if since is None else 'loaded_at > ?'}
        group by log_file
        having {'true' if every else "sum(case when line_status = 'record' then 0 else 1 end) > 0 "
                "or sum(case when line_status = 'record' then 1 else 0 end) = 0"}
        order by log_file
    """, [] if since is None else [since]).fetchall()
    root = str(candidates[0][0]) if candidates else ""
    fs = filesystem(root)

    def check(path: str) -> StreamCheck:
        try:
            return verify_stream(read_chunks(fs, path))
        except FileNotFoundError:
            return StreamCheck(status="missing", detail="the file is no longer there")

    with ThreadPoolExecutor(2) as pool:
        checks = list(pool.map(check, [str(row[0]) for row in candidates]))
    checked_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    values = ",\n".join(
        f"({sql_string(str(path))}, {int(size)}, {_timestamp(loaded)}, {sql_string(c.status)}, "
        f"{sql_string(c.detail) if c.detail else 'null'}, {c.member_count}, {c.decoded_bytes}, {c.line_count}, "
        f"{c.bad_line_count}, {sql_string(', '.join(map(str, c.bad_line_numbers))) if c.bad_line_numbers else 'null'})"
        for (path, size, loaded), c in zip(candidates, checks, strict=True))
    source = (f"(values {values})" if candidates
              else "(select null, null, null, null, null, null, null, null, null, null where false)")
    return session.sql(f"""
        select
            cast(log_file as varchar) as log_file,
            cast(file_size as bigint) as file_size,
            cast(loaded_at as timestamp) as loaded_at,
            cast(stream_status as varchar) as stream_status,
            cast(stream_detail as varchar) as stream_detail,
            cast(member_count as bigint) as member_count,
            cast(decoded_bytes as bigint) as decoded_bytes,
            cast(line_count as bigint) as line_count,
            cast(bad_json_line_count as bigint) as bad_json_line_count,
            cast(bad_json_lines as varchar) as bad_json_lines,
            {_timestamp(checked_at)} as checked_at
        from {source} as checked(log_file, file_size, loaded_at, stream_status, stream_detail, member_count,
                                 decoded_bytes, line_count, bad_json_line_count, bad_json_lines)
    """)


# ---------------------------------------------------------------------------------------------
# stg_cur__export_files


def cur_files_model(session: duckdb.DuckDBPyConnection, this: Any, *, cur_path: str,
                    export_name: str | None) -> duckdb.DuckDBPyRelation:
    """stg_cur__export_files: the export's current files, and the view stg_cur__export_rows over
    them: every column the files hold (by name across files), plus cur_file. The SQL that reads the
    view names the columns it needs and gets a typed NULL for one the export lacks."""
    root = log_root(str(cur_path))
    files = cur_export.current_files(filesystem(root), root, str(export_name or "*"))
    rows_view = sibling(this, CUR_ROWS_VIEW)
    if files:
        quoted_files = "[" + ", ".join(sql_string(f.path) for f in files) + "]"
        session.execute(f"""
create or replace view {rows_view} as
select
    cur_source.*,
    cur_source.filename as cur_file
from read_parquet({quoted_files}, union_by_name = true, filename = true, hive_partitioning = false) as cur_source
""")
    else:
        session.execute(f"create or replace view {rows_view} as select cast(null as varchar) as cur_file where false")
    values = ",\n".join(f"({sql_string(f.path)}, {sql_string(f.billing_period)}, {sql_string(f.listed_by)})"
                        for f in files)
    source = f"(values {values})" if files else "(select null, null, null where false)"
    return session.sql(f"""
        select
            cast(cur_file as varchar) as cur_file,
            cast(billing_period as varchar) as billing_period,
            cast(listed_by as varchar) as listed_by
        from {source} as listed(cur_file, billing_period, listed_by)
    """)


__all__ = ["BAD_LINES_KEPT", "LoadError", "cur_files_model", "log_files_model", "log_streams_model"]
