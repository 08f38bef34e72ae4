#!/usr/bin/env python3
"""Benchmark the pipeline against the raw-scan limit, and write docs/benchmarks.md.

    scripts/benchmark.py --records 10000000 --days 30        # or: make bench

In one run, on the same generated files:
  1. the sample generator (P5: 10M records in at most 3 minutes);
  2. the raw-scan reference: one DuckDB read_json query with an explicit minimal schema that sums
     requests and tokens per day and model, run twice, keeping the lower time;
  3. `dbt build --full-refresh` (P1: at most 2.5x the reference; P3: peak RSS at most 2 GB);
  4. one more day of logs, then a scheduled `dbt build` (P2: at most 0.15x the full build);
  5. the scaling run (P2-scale): with the same records per day (--scale-records-per-day), the
     one-new-day scheduled build after 365 days of history takes at most 1.25x the same build after
     30 days.
Each scheduled build (steps 4 and 5) runs --repeat times (default 3), each from the same database
(restored before every run after the first), and counts its median run: a build of 10-20 s varies
by more than the targets' margins on a shared machine. The full build (minutes) runs once.
With --verify it also builds the same files from scratch and checks that the incremental marts
equal the full-refresh marts (the smoke test in `make test` does this at 20,000 records over 4
days, with --repeat 2).
The scratch folder is created by the benchmark and removed after; a non-empty folder it did not
create is refused.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
GENERATOR = REPO / "scripts" / "generate_sample_logs.py"
DOC = REPO / "docs" / "benchmarks.md"
MARTS = ("fct_daily_app_cost", "fct_daily_caller_cost", "fct_daily_app_caller_cost", "fct_daily_residency")
TARGETS = {"P1": 2.5, "P2": 0.15, "P2_scale": 1.25, "P3_gb": 2.0, "P5_s_per_10m": 180.0}
SCRATCH_MARKER = ".bedrock-costs-benchmark"  # written into the scratch folder the benchmark creates

RAW_SCAN = """
select
    substr("timestamp", 1, 10) as usage_date,
    "modelId" as model_id,
    count(*) as requests,
    sum("input"."inputTokenCount") as input_tokens,
    sum("output"."outputTokenCount") as output_tokens,
    sum("input"."cacheReadInputTokenCount") as cache_read_tokens,
    sum("input"."cacheWriteInputTokenCount") as cache_write_tokens
from read_json('{root}/AWSLogs/*/BedrockModelInvocationLogs/*/*/*/*/*/*.json.gz',
    format = 'newline_delimited', compression = 'gzip', ignore_errors = true, hive_partitioning = false,
    columns = {{
        'timestamp': 'varchar', 'modelId': 'varchar',
        'input': 'struct(inputTokenCount bigint, cacheReadInputTokenCount bigint, cacheWriteInputTokenCount bigint)',
        'output': 'struct(outputTokenCount bigint)'
    }})
group by 1, 2
"""

# Runs a command and prints its peak RSS (KiB) last: the child's own, not this script's.
RSS_WRAPPER = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
               "print('PEAK_RSS_KB', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(code)")


@dataclass
class Step:
    name: str
    seconds: float
    peak_rss_mb: float | None = None
    note: str = ""


@dataclass
class Results:
    records: int
    days: int
    steps: dict[str, Step] = field(default_factory=dict)
    verified: bool | None = None
    slowest_nodes: list[tuple[str, float]] = field(default_factory=list)
    incremental_nodes: list[tuple[str, float]] = field(default_factory=list)
    scale_records_per_day: int = 0

    def ratio(self, a: str, b: str) -> float:
        return self.steps[a].seconds / self.steps[b].seconds


def progress(message: str) -> None:
    print(f"[benchmark] {message}", file=sys.stderr, flush=True)


def timed(command: list[str], env: dict[str, str], cwd: Path = REPO) -> tuple[float, float]:
    """Run a command; return (seconds, peak RSS in MB). Fail loudly with its output."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", RSS_WRAPPER, *command], cwd=cwd, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-4000:] + proc.stderr[-4000:])
        raise SystemExit(f"ERROR [StepFailed]: {' '.join(command[:3])} exited {proc.returncode}")
    rss_kb = int(proc.stdout.strip().splitlines()[-1].split()[-1])
    return seconds, rss_kb / 1024


def generate(out: Path, records: int, days: int, start: date) -> tuple[float, float]:
    return timed([sys.executable, str(GENERATOR), "--records", str(records), "--days", str(days),
                  "--start-date", start.isoformat(), "--seed", "2024", "--out", str(out), "--no-anomalies"],
                 os.environ.copy())


def prepare_scratch(scratch: Path) -> None:
    """Create the scratch folder, or empty one the benchmark made before. Anything else is refused:
    `--scratch .` must never delete a checkout."""
    if scratch.exists() and any(scratch.iterdir()):
        if not (scratch / SCRATCH_MARKER).exists():
            raise SystemExit(f"ERROR [UnsafeScratch]: {scratch} is not empty and was not made by the benchmark; "
                             "choose an empty or new folder for --scratch")
        shutil.rmtree(scratch)
    scratch.mkdir(parents=True, exist_ok=True)
    (scratch / SCRATCH_MARKER).write_text("made by scripts/benchmark.py; removed after the run\n")


def raw_scan(root: Path) -> float:
    best = float("inf")
    for _ in range(2):
        con = duckdb.connect()
        start = time.perf_counter()
        con.sql(RAW_SCAN.format(root=root)).fetchall()
        best = min(best, time.perf_counter() - start)
        con.close()
    return best


def dbt_env(logs: Path, database: Path, profiles: Path) -> dict[str, str]:
    return {**os.environ, "BEDROCK_LOGS_PATH": str(logs), "DBT_DUCKDB_PATH": str(database),
            "DBT_PROFILES_DIR": str(profiles), "DBT_TARGET": "local", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def dbt_build(env: dict[str, str], target: Path, *flags: str) -> tuple[float, float]:
    dbt = str(Path(sys.executable).parent / "dbt")
    return timed([dbt, "build", "--quiet", "--target-path", str(target), "--log-path", str(target / "logs"),
                  *flags], env)


def scheduled_build(env: dict[str, str], target: Path, database: Path,
                    repeat: int) -> tuple[float, float, list[tuple[str, float]], list[float]]:
    """A scheduled `dbt build`, run `repeat` times from the same database (restored before each run
    after the first): the median run's seconds and slowest nodes (the lower median of an even
    count), the highest peak RSS, and every run's seconds. The database is left as the last run
    left it (every run does the same work on the same files)."""
    wal = database.with_name(database.name + ".wal")
    saved = [(path, path.with_name(path.name + ".before")) for path in (database, wal) if path.exists()]
    for path, copy in saved:
        shutil.copy(path, copy)
    runs: list[tuple[float, float, list[tuple[str, float]]]] = []
    loaded: list[int] = []  # the lines each run added (the same new files from the same database)
    for attempt in range(repeat):
        if attempt:
            wal.unlink(missing_ok=True)
            for path, copy in saved:
                shutil.copy(copy, path)
        before = stored_lines(database)
        seconds, rss = dbt_build(env, target)
        runs.append((seconds, rss, slowest_nodes(target / "run_results.json")))
        loaded.append(stored_lines(database) - before)
    for _, copy in saved:
        copy.unlink()
    if len(set(loaded)) != 1 or not loaded[0]:
        raise SystemExit(f"ERROR [RepeatDiffers]: the runs of one scheduled build added {loaded} lines; each "
                         "must add the same new lines to the same database")
    median = sorted(runs, key=lambda run: run[0])[(len(runs) - 1) // 2]
    return median[0], max(run[1] for run in runs), median[2], [run[0] for run in runs]


def stored_lines(database: Path) -> int:
    """The lines stg_bedrock__log_lines holds."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.sql("select count(*) from main_staging.stg_bedrock__log_lines").fetchone()
    return int(row[0]) if row else 0


def runs_note(seconds: list[float]) -> str:
    return "" if len(seconds) < 2 else f"median of {len(seconds)}: " + ", ".join(f"{s:.1f}" for s in seconds)


def slowest_nodes(run_results: Path, top: int = 10) -> list[tuple[str, float]]:
    """The nodes of a dbt run that took longest, from its run_results.json."""
    results = json.loads(run_results.read_text())["results"]
    timed_nodes = sorted(((r["unique_id"].split(".")[2], r["execution_time"]) for r in results),
                         key=lambda item: item[1], reverse=True)
    return timed_nodes[:top]


def mart_rows(database: Path) -> dict[str, list[tuple]]:
    """Each mart's rows, sorted on their non-float values."""
    with duckdb.connect(str(database), read_only=True) as con:
        # summed_at is when a build summed the day: it differs between two builds by design
        return {mart: sorted(con.sql(f"select * exclude (summed_at) from main.{mart}").fetchall(),
                             key=lambda row: tuple(str(v) for v in row if not isinstance(v, float)))
                for mart in MARTS}


def same_marts(a: dict[str, list[tuple]], b: dict[str, list[tuple]]) -> bool:
    """Equal, floats to within 1e-9 (sums of doubles depend on the order of summation)."""
    def same(x: object, y: object) -> bool:
        if isinstance(x, float) and isinstance(y, float):
            return math.isclose(x, y, rel_tol=0, abs_tol=1e-9)
        return x == y

    return a.keys() == b.keys() and all(
        len(a[m]) == len(b[m])
        and all(len(r) == len(s) and all(map(same, r, s)) for r, s in zip(a[m], b[m], strict=True))
        for m in a)


def run(records: int, days: int, scratch: Path, verify: bool, scale_records_per_day: int,
        repeat: int = 3) -> Results:
    results = Results(records, days, scale_records_per_day=scale_records_per_day)
    prepare_scratch(scratch)
    shutil.copy(REPO / "profiles.yml.example", scratch / "profiles.yml")
    logs, database = scratch / "logs", scratch / "bench.duckdb"
    start = date(2026, 10, 1)

    progress(f"generating {records:,} records over {days} days")
    seconds, rss = generate(logs, records, days, start)
    results.steps["generate"] = Step("generate sample logs", seconds, rss, f"{records / seconds:,.0f} records/s")

    progress("raw-scan reference (twice, keeping the lower)")
    results.steps["raw_scan"] = Step("raw-scan reference", raw_scan(logs))

    env = dbt_env(logs, database, scratch)
    progress("dbt build --full-refresh")
    seconds, rss = dbt_build(env, scratch / "target", "--full-refresh")
    results.steps["full"] = Step("dbt build --full-refresh", seconds, rss)
    results.slowest_nodes = slowest_nodes(scratch / "target" / "run_results.json")

    progress("adding one day of logs")
    generate(logs, max(1, records // days), 1, start + timedelta(days=days))
    progress(f"dbt build (incremental, one new day), {repeat} run(s)")
    seconds, rss, results.incremental_nodes, runs = scheduled_build(env, scratch / "target", database, repeat)
    results.steps["incremental"] = Step("dbt build, one new day", seconds, rss, runs_note(runs))

    if scale_records_per_day:
        for history_days in (30, 365):
            results.steps[f"scale_{history_days}"] = scaling_run(scratch, history_days, scale_records_per_day, repeat)

    if verify:
        progress("verifying: full refresh of the same files into a second database")
        fresh = scratch / "fresh.duckdb"
        dbt_build(dbt_env(logs, fresh, scratch), scratch / "target-fresh", "--full-refresh")
        results.verified = same_marts(mart_rows(database), mart_rows(fresh))
    return results


def scaling_run(scratch: Path, history_days: int, per_day: int, repeat: int) -> Step:
    """The one-new-day scheduled build after `history_days` days of history, at `per_day` records a
    day. Both histories end the day before the same new day, so only the history's length differs."""
    new_day = date(2026, 11, 1)
    folder = scratch / f"scale_{history_days}"
    logs, database = folder / "logs", folder / "bench.duckdb"
    folder.mkdir()
    progress(f"scaling run: {history_days} days of history at {per_day:,} records a day")
    generate(logs, per_day * history_days, history_days, new_day - timedelta(days=history_days))
    env = dbt_env(logs, database, scratch)
    dbt_build(env, folder / "target", "--full-refresh")
    generate(logs, per_day, 1, new_day)
    progress(f"scaling run: one new day after {history_days} days, {repeat} run(s)")
    seconds, rss, _, runs = scheduled_build(env, folder / "target", database, repeat)
    shutil.rmtree(logs)
    return Step(f"dbt build, one new day after {history_days} days ({per_day:,} records a day)", seconds, rss,
                runs_note(runs))


def as_json(results: Results) -> dict:
    return {"records": results.records, "days": results.days, "verified": results.verified,
            "scale_records_per_day": results.scale_records_per_day,
            "steps": {k: {"name": v.name, "seconds": v.seconds, "peak_rss_mb": v.peak_rss_mb, "note": v.note}
                      for k, v in results.steps.items()},
            "slowest_nodes": results.slowest_nodes, "incremental_nodes": results.incremental_nodes}


def from_json(figures: dict) -> Results:
    results = Results(figures["records"], figures["days"], verified=figures.get("verified"),
                      slowest_nodes=[tuple(n) for n in figures.get("slowest_nodes", [])],
                      incremental_nodes=[tuple(n) for n in figures.get("incremental_nodes", [])],
                      scale_records_per_day=figures.get("scale_records_per_day", 0))
    for key, step in figures["steps"].items():
        results.steps[key] = Step(step.get("name", key), step["seconds"], step.get("peak_rss_mb"), step.get("note", ""))
    return results


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    mem = next((int(line.split()[1]) / 1024 / 1024 for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")), 0) if Path("/proc/meminfo").exists() else 0
    return f"{os.cpu_count()} cores ({cpu}), {mem:.0f} GB RAM, {platform.system()} {platform.release()}"


def versions() -> str:
    names = ("dbt-core", "dbt-duckdb", "duckdb")
    return ", ".join(f"{n} {metadata.version(n)}" for n in names) + f", Python {platform.python_version()}"


def table(results: Results) -> str:
    lines = ["| step | seconds | peak RSS (MB) | note |", "|---|---:|---:|---|"]
    for step in results.steps.values():
        rss = f"{step.peak_rss_mb:,.0f}" if step.peak_rss_mb is not None else ""
        lines.append(f"| {step.name} | {step.seconds:,.1f} | {rss} | {step.note} |")
    return "\n".join(lines)


def targets(results: Results) -> list[tuple[str, str, str, bool]]:
    p1 = results.ratio("full", "raw_scan")
    p2 = results.ratio("incremental", "full")
    p3 = max(results.steps["full"].peak_rss_mb or 0, results.steps["incremental"].peak_rss_mb or 0) / 1024
    p5 = results.steps["generate"].seconds * 10_000_000 / results.records
    scale = []
    if "scale_365" in results.steps:
        p2s = results.ratio("scale_365", "scale_30")
        scale = [("P2-scale one new day after 365 / after 30 days", f"{p2s:.2f}x", f"<= {TARGETS['P2_scale']}x",
                  p2s <= TARGETS["P2_scale"])]
    return [
        ("P1 full build / raw scan", f"{p1:.2f}x", f"<= {TARGETS['P1']}x", p1 <= TARGETS["P1"]),
        ("P2 incremental (1 new day) / full build", f"{p2:.3f}x", f"<= {TARGETS['P2']}x", p2 <= TARGETS["P2"]),
        ("P3 peak RSS of the build", f"{p3:.2f} GB", f"<= {TARGETS['P3_gb']} GB", p3 <= TARGETS["P3_gb"]),
        ("P5 generator, scaled to 10M records", f"{p5:,.0f} s", f"<= {TARGETS['P5_s_per_10m']:.0f} s",
         p5 <= TARGETS["P5_s_per_10m"]),
        *scale,
    ]


def write_doc(results: Results, today: str) -> None:
    checks = targets(results)
    history_header = ("| date | records | days | generate s | raw scan s | full build s | incremental s "
                      "| P1 | P2 | peak RSS GB |")
    history: list[str] = []
    if DOC.exists():
        text = DOC.read_text()
        if history_header in text:
            block = text.split(history_header, 1)[1].strip().splitlines()[1:]
            history = [line for line in block if line.startswith("| ")]
    s = results.steps
    history.append(
        f"| {today} | {results.records:,} | {results.days} | {s['generate'].seconds:.1f} | {s['raw_scan'].seconds:.1f} "
        f"| {s['full'].seconds:.1f} | {s['incremental'].seconds:.1f} | {checks[0][1]} | {checks[1][1]} "
        f"| {checks[2][1].split()[0]} |")
    data_line = (f"{results.records:,} records over {results.days} days (sample generator, seed 2024), "
                 "plus one more day for the incremental run")
    doc = f"""# Benchmarks

Written by `scripts/benchmark.py` (`make bench`); the history table keeps one row per run.
Targets are ratios taken within one run on the same files, so they hold across machines. Each
scheduled build is run `--repeat` times (three in `make bench`) from the same database and its median
run counts (the note gives every run); the full build runs once, the raw scan twice (the lower counts).

## Latest run ({today})

- Machine: {machine()}
- Versions: {versions()}
- Data: {data_line}

{table(results)}

| target | measured | limit | met |
|---|---:|---:|:---:|
""" + "\n".join(f"| {name} | {got} | {limit} | {'yes' if ok else '**no**'} |" for name, got, limit, ok in checks) + """

Where the full build spends its time (the slowest nodes; dbt runs two at a time):

| node | seconds |
|---|---:|
""" + "\n".join(f"| {name[:70]} | {seconds:.1f} |" for name, seconds in results.slowest_nodes) + """

And the incremental build:

| node | seconds |
|---|---:|
""" + "\n".join(f"| {name[:70]} | {seconds:.1f} |" for name, seconds in results.incremental_nodes) + f"""

Reading the figures. The raw-scan reference parses 4 fields and keeps only per-day sums. The build
parses every field the marts need into `stg_bedrock__log_lines`, the one table that holds a row per
call; the de-duplicated `stg_bedrock__invocations` is a view over it. It then sums the priced and
attributed calls per hour into `int_hourly_usage` (about one row per hundred calls), builds the
marts and the audit from that and from the small resolution tables, and runs about 95 data tests.

The incremental run parses only the log files delivered (or rewritten) since the last run, listing
only the window's day folders. `int_hourly_usage` re-sums only the days of the new lines, the daily
marts rebuild only the days it summed, and the data tests check only those days (a full refresh
checks everything). What remains is mostly fixed: dbt's start and its per-node overhead. The
scaling run checks that this cost does not grow with the history.

P4 (data tests never re-read raw JSON) holds by construction: the raw files are read only by
`stg_bedrock__log_lines`; every test and every later model reads tables, or views over them.

## What a scheduled Athena run scans

Measured on Trino 476, the engine Athena v3 is built on, with the same SQL and the same log table
(OpenX JSON SerDe, partition projection):
`tests/test_trino.py::test_a_scheduled_run_reads_only_the_folders_that_can_hold_new_files` prints
the figures (`pytest -s`; in the JUnit XML as `trino_scan`). On 8 days of logs (6,000 calls) plus a
new day (750 calls, 208 KiB of log files), with the default bedrock_costs_folder_settle_hours of 3:

| read of the raw log table | projected `log_hour` range | physical input | splits |
|---|---|---:|---:|
| full refresh | 2026/10/01/00 (the projection start) on | 1.38 MiB | 906 |
| scheduled run | 2026/11/08/20 (newest stored folder less 3 h) on | 224 KiB: 1.08x the new files | 122 |
| scheduled run, before (3-day lookback) | 2026/11/05/00 on | 0.78 MB: about 4 days' files | 497 |

Bedrock writes a file into the folder of the hour it delivers it, so a folder older than the
newest one stored (less the settle hours, for other accounts' and Regions' files still arriving)
gets no new file: the scheduled run reads the new files and 3 hours of stored ones, whatever the
history. In those 3 hours it reads every file and skips the ones already stored (`"$path"`,
`"$file_size"`) after reading (an anti-join cannot skip a file). Later models read the Iceberg
tables filtered on literal day partitions: `int_hourly_usage` the days of the new lines, the marts
the hourly rows summed since theirs, the tests the days rebuilt.

The experiments behind the DuckDB figures (the reader, the write, the tests, dbt's fixed cost),
each as a ratio to the raw scan: [performance-experiments.md](performance-experiments.md).

## History

{history_header}
|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|
""" + "\n".join(history) + "\n"
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(doc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=10_000_000, help="records of the main run (default 10M)")
    parser.add_argument("--days", type=int, default=30, help="days of the main run (default 30)")
    parser.add_argument("--scale-records-per-day", type=int, default=5_000,
                        help="records a day of the 30- and 365-day scaling runs (default 5000; 0 skips them)")
    parser.add_argument("--scratch", type=Path, default=REPO / "target" / "bench",
                        help="working folder: created, and removed after; a non-empty folder the benchmark "
                             "did not create is refused (default target/bench)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each scheduled build, from the same database; the median counts (default 3)")
    parser.add_argument("--verify", action="store_true", help="also check incremental marts = full-refresh marts")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--doc-from", type=Path,
                        help="write docs/benchmarks.md from figures a run saved with --json, without running")
    args = parser.parse_args(argv)
    if args.doc_from:
        write_doc(from_json(json.loads(args.doc_from.read_text())), date.today().isoformat())
        print(f"wrote {DOC.relative_to(REPO)}")
        return 0
    if args.records < args.days or args.days < 2:
        parser.error("need --days >= 2 and at least one record per day")
    if args.repeat < 1:
        parser.error("need --repeat >= 1")

    results = run(args.records, args.days, args.scratch, args.verify, args.scale_records_per_day, args.repeat)
    print(table(results))
    print()
    for name, got, limit, ok in targets(results):
        print(f"{name:42} {got:>10}  (target {limit}){'' if ok else '  NOT MET'}")
    if results.verified is not None:
        print(f"incremental marts equal full-refresh marts: {results.verified}")
    if not args.no_doc:
        write_doc(results, date.today().isoformat())
        print(f"wrote {DOC.relative_to(REPO)}")
    if args.json:
        args.json.write_text(json.dumps(as_json(results), indent=2))
    if not args.keep and (args.scratch / SCRATCH_MARKER).exists():
        shutil.rmtree(args.scratch, ignore_errors=True)
    return 0 if results.verified in (None, True) else 1


if __name__ == "__main__":
    sys.exit(main())
