#!/usr/bin/env python3
"""Compile every model, test and the log-table DDL for the Athena target, offline.

No AWS credentials, no network: is_incremental() and the last built day come from vars
(bedrock_costs_offline_incremental / bedrock_costs_offline_last_date), and dbt is told not to
list the catalog (--no-populate-cache). Two variants are written, because a scheduled run and a
full refresh compile to different SQL:

    <out>/full/compiled/...          dbt build --full-refresh
    <out>/incremental/compiled/...   a scheduled (incremental) run
    <out>/create_bedrock_log_table.sql
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent

# Stand-in values for the log location: offline compilation only needs them to be well-formed.
EXAMPLE_VARS: dict[str, Any] = {
    "bedrock_costs_log_bucket": "example-bedrock-invocation-logs",
    "bedrock_costs_log_prefix": "bedrock",
    "bedrock_costs_log_accounts": ["111122223333", "444455556666"],
    "bedrock_costs_log_regions": ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"],
    "bedrock_costs_log_start_date": "2025-01-01",
    "bedrock_costs_offline_last_date": "2026-11-06",
}

OFFLINE_ENV = {
    "DBT_TARGET": "athena",
    "AWS_ACCESS_KEY_ID": "offline",
    "AWS_SECRET_ACCESS_KEY": "offline",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
}

DDL_INLINE = (
    "{% for statement in bedrock_costs.bedrock_log_table_statements() %}"
    "{{ statement }};\n\n{% endfor %}"
)


def dbt(args: list[str], profiles_dir: Path) -> Any:
    """Run dbt in-process with the offline environment; raise with dbt's own messages on failure."""
    from dbt.cli.main import dbtRunner

    messages: list[str] = []
    saved = {key: os.environ.get(key) for key in OFFLINE_ENV}
    os.environ.update(OFFLINE_ENV)
    try:
        result = dbtRunner(callbacks=[lambda event: messages.append(event.info.msg)]).invoke(
            [*args, "--project-dir", str(REPO), "--profiles-dir", str(profiles_dir), "--target", "athena",
             "--no-populate-cache", "--quiet"])
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    if not result.success:
        raise RuntimeError("dbt " + " ".join(args[:1]) + " failed:\n" + "\n".join(messages[-15:]))
    return result


def compile_athena(out: Path, profiles_dir: Path, extra_vars: dict[str, Any] | None = None) -> dict[str, Path]:
    """Write the compiled SQL of both variants and the DDL under ``out``; return where."""
    variables = {**EXAMPLE_VARS, **(extra_vars or {})}
    written: dict[str, Path] = {}
    for variant, incremental in (("full", False), ("incremental", True)):
        target = out / variant
        dbt(["compile", "--target-path", str(target), "--log-path", str(out / "logs"),
             "--vars", json.dumps({**variables, "bedrock_costs_offline_incremental": incremental})], profiles_dir)
        written[variant] = target / "compiled"
    result = dbt(["compile", "--inline", DDL_INLINE, "--target-path", str(out / "ddl"), "--log-path",
                  str(out / "logs"), "--vars", json.dumps(variables)], profiles_dir)
    ddl = out / "create_bedrock_log_table.sql"
    ddl.write_text(result.result.results[0].node.compiled_code.strip() + "\n")
    written["ddl"] = ddl
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "target" / "athena",
                        help="where to write (default target/athena)")
    parser.add_argument("--vars", type=json.loads, default={}, help="extra dbt vars as JSON, e.g. your bucket")
    args = parser.parse_args(argv)
    profiles_dir = REPO if (REPO / "profiles.yml").exists() else None
    if profiles_dir is None:
        import shutil
        import tempfile

        profiles_dir = Path(tempfile.mkdtemp())
        shutil.copy(REPO / "profiles.yml.example", profiles_dir / "profiles.yml")
    try:
        written = compile_athena(args.out, profiles_dir, args.vars)
    except RuntimeError as error:
        print(f"ERROR [CompileFailed]: {error}", file=sys.stderr)
        return 1
    models = sorted(written["full"].rglob("models/**/*.sql"))
    print(f"compiled {len(models)} Athena statements per variant into {written['full'].parent.parent}/"
          f"{{full,incremental}}/compiled, and the log table DDL into {written['ddl']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
