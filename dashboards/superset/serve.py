"""make dashboards: Superset on 127.0.0.1 with the dashboards of bundle.py over a DuckDB file of marts.

    .venv/bin/python dashboards/superset/serve.py [--database bedrock_costs.duckdb] [--port 8088]
    .venv/bin/python dashboards/superset/serve.py --bundle-only bundle.zip --uri trino://user@host:443/iceberg

Superset runs from a virtualenv of its own (requirements.txt, cached under ~/.cache/bedrock-costs).
Its metadata (a SQLite file, made once per Superset version and copied) lives in --home; each run
imports the bundle afresh, so the dashboards are always the ones in this folder. The bill dashboard is
imported only when the database holds the bill marts. Exit codes: 0 stopped, 1 Superset failed,
2 bad input (no such database).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "scripts"))
sys.path.insert(0, str(HERE))

from bundle import DASHBOARDS, Dashboard, write_bundle  # noqa: E402

from tool_venvs import CACHE, ToolVenvError, cached_venv, run_in  # noqa: E402

ADMIN = "admin"


def requirements() -> list[str]:
    lines = (HERE / "requirements.txt").read_text().splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def superset_venv() -> Path:
    return cached_venv("superset", requirements())


def superset_env(home: Path) -> dict[str, str]:
    return {"SUPERSET_HOME": str(home), "SUPERSET_CONFIG_PATH": str(HERE / "superset_config.py"),
            "FLASK_APP": "superset", "SUPERSET_LOAD_EXAMPLES": "no", "PYTHONWARNINGS": "ignore"}


def superset(venv: Path, home: Path, *args: str, timeout: int = 900) -> str:
    done = run_in(venv, ["superset", *args], env=superset_env(home), timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"superset {args[0]} failed ({done.returncode}):\n{(done.stdout + done.stderr)[-3000:]}")
    return done.stdout


def metadata_template(venv: Path) -> Path:
    """Superset's migrated metadata database with its roles and an admin, made once per Superset venv."""
    template = CACHE / "superset-metadata" / f"{venv.name}.db"
    if not template.is_file():
        with tempfile.TemporaryDirectory(prefix="superset-home-") as scratch:
            home = Path(scratch)
            superset(venv, home, "db", "upgrade")
            superset(venv, home, "fab", "create-admin", "--username", ADMIN, "--firstname", "bedrock",
                     "--lastname", "costs", "--email", "admin@localhost", "--password", secrets.token_urlsafe(24))
            superset(venv, home, "init")
            template.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(home / "superset.db", template.with_suffix(".partial"))
            template.with_suffix(".partial").rename(template)
    return template


def has_bill(database: Path, schema: str) -> bool:
    import duckdb

    with duckdb.connect(str(database), read_only=True) as con:
        found = con.execute("select count(*) from information_schema.tables "
                            "where table_schema = ? and table_name = 'fct_daily_app_cost_billed'", [schema]).fetchone()
    return bool(found and found[0])


def prepare(database: Path, home: Path, schema: str = "main") -> tuple[Path, list[Dashboard]]:
    """A Superset home with the dashboards imported over `database`; returns the venv and the dashboards."""
    venv = superset_venv()
    template = metadata_template(venv)
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(template, home / "superset.db")
    bundle = home / "bundle.zip"
    dashboards = write_bundle(bundle, f"duckdb:///{database.resolve()}", schema=schema,
                              with_bill=has_bill(database, schema))
    superset(venv, home, "import-dashboards", "--path", str(bundle), "--username", ADMIN)
    return venv, dashboards


def start(venv: Path, home: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """Superset's web server on 127.0.0.1:port, once it answers /health (RuntimeError if it never does)."""
    env = {**os.environ, **superset_env(home), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    with log.open("wb") as out:
        server = subprocess.Popen([str(venv / "bin" / "superset"), "run", "-h", "127.0.0.1", "-p", str(port),
                                   "--with-threads", "--no-reload", "--no-debugger"],
                                  env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"superset run exited {server.returncode}:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
                if answer.status == 200:
                    return server
        except OSError:
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"superset did not answer on 127.0.0.1:{port} within 180 s:\n{log.read_text()[-3000:]}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n\n")[0])
    database = Path(os.environ.get("DBT_DUCKDB_PATH", "bedrock_costs.duckdb"))
    parser.add_argument("--database", type=Path, default=database,
                        help="the DuckDB file of marts (default: DBT_DUCKDB_PATH, else bedrock_costs.duckdb)")
    parser.add_argument("--home", type=Path, default=REPO / "target" / "superset", help="Superset's folder")
    parser.add_argument("--port", type=int, default=8088)
    parser.add_argument("--bundle-only", type=Path, metavar="ZIP",
                        help="only write the import bundle, for a Superset of your own (with --uri)")
    parser.add_argument("--uri", help="with --bundle-only: the SQLAlchemy URI of the marts' database "
                                      "(duckdb:///path, trino://user@host:port/catalog)")
    parser.add_argument("--schema", default="main",
                        help="the marts' schema (main; <schema>_bedrock_costs when installed as a dbt package)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.bundle_only:
        uri = args.uri or f"duckdb:///{args.database.resolve()}"
        written = write_bundle(args.bundle_only, uri, schema=args.schema)
        print(f"wrote {args.bundle_only}: {', '.join(d.title for d in written)} (Superset: Dashboards > Import)")
        return 0
    if not args.database.is_file():
        print(f"ERROR [NoDatabase]: {args.database} is not a DuckDB file: run `make run` (or dbt build) first",
              file=sys.stderr)
        return 2
    try:
        print("Superset: installing (once) and importing the dashboards ...", flush=True)
        venv, dashboards = prepare(args.database, args.home, args.schema)
        server = start(venv, args.home, args.port, args.home / "superset.log")
    except (ToolVenvError, RuntimeError) as error:
        print(f"ERROR [Superset]: {error}", file=sys.stderr)
        return 1
    for dashboard in dashboards:
        print(f"  {dashboard.title}: http://127.0.0.1:{args.port}/superset/dashboard/{dashboard.slug}/")
    skipped = [d.title for d in DASHBOARDS if d not in dashboards]
    if skipped:
        print(f"  (not imported, no bill marts in {args.database}: {', '.join(skipped)}; docs/bill.md)")
    print("Ctrl-C stops it.", flush=True)

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)  # a `timeout` or a service manager stops Superset with us
    try:
        return 0 if server.wait() == 0 else 1
    except KeyboardInterrupt:
        server.terminate()
        server.wait(timeout=30)
        return 0


if __name__ == "__main__":
    sys.exit(main())
