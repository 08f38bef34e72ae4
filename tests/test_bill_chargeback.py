"""Invoice-true chargeback (docs/bill.md, "Allocating every billed dollar"): every billed dollar goes to
an app by a rule, each row says how, and what stays unattributed says why. The sample generator plants
each shared charge with a known owner (ground_truth/bill_truth.json); its `allocation` and `chargeback`
are computed by scripts/sample_cur.py from what it wrote, never from the models, and the
provisioned-throughput split is computed here again from ground_truth/usage_hourly.csv. The monthly
chargeback sums to each period's net invoice per account, and a build's dates do not depend on the
machine's time zone (both Parquet timestamp forms, TZ=America/Los_Angeles)."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb
import pytest

import sample_cur  # scripts/ (the test path)
from bedrock_costs import chargeback
from conftest import REPO, Project, make_project
from test_bill import Bill, build, generate_with_bill, usage_hourly

CENT = 0.005


@pytest.fixture(scope="module")
def billed(tmp_path_factory: pytest.TempPathFactory) -> Bill:
    """Six days of logs and their bill, every shared charge planted; `dbt build` must pass."""
    root = tmp_path_factory.mktemp("chargeback")
    generate_with_bill(root / "logs", "--cur")
    project, run = build(root / "project", root / "logs", root / "logs" / "cur")
    truth = json.loads((root / "logs" / "ground_truth" / "bill_truth.json").read_text())
    return Bill(project, run, truth)


def allocated(project: Project, where: str = "charge_kind <> 'token'") -> dict[tuple[str, str, str, str], list[float]]:
    """(period, account, kind, app) -> [billed, net] from fct_daily_app_cost_billed."""
    rows = project.query(f"""select strftime(billing_period, '%Y-%m'), account_id, charge_kind, app,
                                    sum(billed_cost_usd), sum(net_cost_usd)
                             from main.fct_daily_app_cost_billed where {where} group by 1, 2, 3, 4""")
    return {(p, a, k, app): [b, n] for p, a, k, app, b, n in rows}


def expected_allocation(truth_rows: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], list[float]]:
    return {(r["billing_period"], r["account_id"], r["charge_kind"], r["app"]):
            [r["billed_cost_usd"], r["net_cost_usd"]] for r in truth_rows}


def assert_same_allocation(found: dict[tuple[str, ...], list[float]], expected: dict[tuple[str, ...], list[float]]
                           ) -> None:
    for key in sorted(found.keys() | expected.keys()):
        got, want = found.get(key, [0.0, 0.0]), expected.get(key, [0.0, 0.0])
        assert got == pytest.approx(want, abs=CENT), (key, got, want)


def bases(project: Project, kind: str) -> dict[str, set[str]]:
    """app -> its allocation bases for one charge kind."""
    found: dict[str, set[str]] = defaultdict(set)
    for app, basis in project.query(f"select distinct app, allocation_basis from main.fct_daily_app_cost_billed "
                                    f"where charge_kind = '{kind}'"):
        found[app].add(basis)
    return dict(found)


# ---------------------------------------------------------------------------------------------
# Every planted shared charge reaches the app its rule says, to the cent


def test_every_planted_shared_charge_reaches_the_app_its_rule_says(billed: Bill) -> None:
    """Per billing period, account, kind and app, billed and net, as the generator's own allocation."""
    assert billed.truth["allocation"], "the generator planted nothing to share"
    assert_same_allocation(allocated(billed.project), expected_allocation(billed.truth["allocation"]))
    statuses = billed.run.statuses()
    for test in ("assert_bill_allocation_sums_to_the_bill", "assert_bill_chargeback_sums_to_the_invoice",
                 "assert_bill_waterfall_closes"):
        assert statuses[test] == "pass", test


def test_each_owner_is_named_the_way_the_bill_or_the_seeds_name_it(billed: Bill) -> None:
    """The batch job by its tag, mantle by its principal in caller_map.csv, the knowledge base by its tag,
    guardrails and AgentCore (nothing names them) by the rule: proportional to each app's billed usage."""
    causes, found = billed.truth["causes"], allocated(billed.project)
    for cause, kind, basis in (("batch_job", "batch", "resource_tags"), ("mantle", "mantle", "caller_map"),
                               ("knowledge_base", "knowledge_bases", "resource_tags")):
        owner = causes[cause]["owner"]
        assert bases(billed.project, kind) == {owner: {basis}}, kind
        total = sum(billed_usd for (_, _, k, _), (billed_usd, _) in found.items() if k == kind)
        assert total == pytest.approx(causes[cause]["billed_usd"], abs=CENT), kind
    # the rule: every app with billed usage in the account takes a share, in proportion to it
    usage = dict(billed.project.query(
        "select app, sum(billed_cost_usd) from main_staging.int_bill_usage_allocated "
        f"where account_id = '{causes['guardrail']['account_id']}' and app <> 'unattributed' group by app"))
    for cause, kind in (("guardrail", "guardrails"), ("agentcore", "agentcore")):
        assert set(bases(billed.project, kind)) == set(usage) and all(
            b == {"rule_proportional"} for b in bases(billed.project, kind).values()), kind
        shares = {app: amounts[0] for (_, _, k, app), amounts in found.items() if k == kind}
        for app, amount in shares.items():
            assert amount == pytest.approx(causes[cause]["billed_usd"] * usage[app] / sum(usage.values()),
                                           abs=1e-9), (kind, app)


def test_provisioned_hours_go_to_the_calls_through_the_model_and_idle_hours_to_its_owner(billed: Bill) -> None:
    """Computed here from usage_hourly.csv: each busy hour by the tokens of the calls through the
    provisioned model, each idle hour to the owner profile_map.csv names for its ARN."""
    planted = billed.truth["causes"]["provisioned_throughput"]
    day, hours = planted["usage_date"], [int(h[:2]) for h in planted["hours"]]
    per_hour = planted["billed_usd"] / len(hours)
    tokens: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in usage_hourly(billed.logs):
        if row["price_scope"] == "provisioned" and row["hour_start"][:10] == day:
            tokens[int(row["hour_start"][11:13])][row["app"]] += sum(int(row[c]) for c in (
                "input_tokens", "output_tokens", "cache_read_input_tokens", "cache_write_input_tokens"))
    busy = [hour for hour in hours if sum(tokens[hour].values())]
    assert 0 < len(busy) < len(hours), "some hours busy, some idle"
    expected: dict[str, float] = defaultdict(float)
    for hour in hours:
        callers = tokens[hour] if hour in busy else {planted["idle_owner"]: 1}
        for app, count in callers.items():
            expected[app] += per_hour * count / sum(callers.values())
    found = {app: b for (_, _, kind, app), (b, _) in allocated(billed.project).items()
             if kind == "provisioned_throughput"}
    assert found.keys() == expected.keys()
    for app, amount in expected.items():
        assert found[app] == pytest.approx(amount, abs=CENT), app
    assert bases(billed.project, "provisioned_throughput")[planted["idle_owner"]] == {"profile_map"}
    assert {basis for app, b in bases(billed.project, "provisioned_throughput").items() if app != planted["idle_owner"]
            for basis in b} == {"provisioned_calls"}
    # the refund follows the hours it refunds, in proportion; the calls through it cost 0 at list price
    refund = {app: n for (_, _, kind, app), (_, n) in allocated(billed.project).items() if kind == "refund"}
    for app, amount in expected.items():
        assert refund[app] == pytest.approx(billed.truth["causes"]["refund"]["amount_usd"] * amount / sum(
            expected.values()), abs=CENT)
    calls = billed.project.query(
        "select price_scope, sum(request_count), sum(input_cost_usd + output_cost_usd + cache_read_cost_usd "
        "+ cache_write_cost_usd), sum(unpriced_request_count) from main_staging.int_hourly_usage "
        f"where model_id_raw = '{planted['resource_id']}' group by 1")
    sys.path.insert(0, str(REPO / "scripts"))
    import generate_sample_logs as generator

    planted_calls = sum(n for _, n in generator.FIRST_DAY_PLANTED_HOURS["provisioned-throughput"])
    assert calls == [("provisioned", planted_calls, 0.0, 0)]


def test_discounts_credits_refunds_and_tax_follow_what_they_discount(billed: Bill) -> None:
    """A discount line follows its usage type; tax goes by each app's pre-tax charge; each says so."""
    project = billed.project
    assert {b for found in bases(project, "tax").values() for b in found} == {"pre_tax_charge"}
    assert {b for found in bases(project, "refund").values() for b in found} == {"follows_usage"}
    guardrails = {app for (_, _, kind, app) in allocated(project) if kind == "guardrails"}
    discount = {app for (_, _, kind, app), (_, net) in allocated(project).items() if kind == "discount" and net}
    assert discount == guardrails  # the bundled discount on the guardrail's usage type
    # tax: to each app in proportion to its net before tax, in the account and period
    for line in billed.truth["causes"]["tax"]["lines"]:
        where = (f"account_id = '{line['account_id']}' "
                 f"and strftime(billing_period, '%Y-%m') = '{line['billing_period']}'")
        pre_tax = dict(project.query(f"select app, sum(net_cost_usd) from main.fct_daily_app_cost_billed "
                                     f"where {where} and charge_kind <> 'tax' group by app"))
        tax = dict(project.query(f"select app, sum(net_cost_usd) from main.fct_daily_app_cost_billed "
                                 f"where {where} and charge_kind = 'tax' group by app"))
        positive = {app: v for app, v in pre_tax.items() if v > 0}
        for app, amount in tax.items():
            assert amount == pytest.approx(line["amount_usd"] * positive[app] / sum(positive.values()), abs=1e-6)


# ---------------------------------------------------------------------------------------------
# The monthly chargeback: the net invoice per account, to the cent; nothing dropped; unattributed says why


def test_the_monthly_chargeback_sums_to_each_periods_net_invoice(billed: Bill) -> None:
    rows = billed.rows("select * from main.fct_bill_chargeback")
    per_account: dict[tuple[str, str], float] = defaultdict(float)
    for row in rows:
        per_account[(str(row["billing_period"])[:7], row["account_id"])] += row["net_cost_usd"]
        parts = sum(row[f"{kind}_usd"] for kind in ("token", "shared_cost")) + row["discount_usd"] + row["credit_usd"]
        assert parts == pytest.approx(row["net_cost_usd"], abs=1e-9)
    expected = {(w["billing_period"], w["account_id"]): w["net_bill_usd"] for w in billed.truth["waterfall"]}
    assert per_account.keys() == expected.keys()
    for key, net in expected.items():
        assert per_account[key] == pytest.approx(net, abs=CENT), key
    # per app, the generator's chargeback: net and the estimate of the billed days
    found: dict[tuple[str, str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for row in rows:
        entry = found[(str(row["billing_period"])[:7], row["account_id"], row["app"])]
        entry[0] += row["net_cost_usd"]
        entry[1] += row["estimated_cost_usd"]
    for truth in billed.truth["chargeback"]:
        key = (truth["billing_period"], truth["account_id"], truth["app"])
        assert found[key] == pytest.approx([truth["net_cost_usd"], truth["estimated_cost_usd"]], abs=CENT), key
    assert len(found) == len(billed.truth["chargeback"])


def test_what_stays_unattributed_says_why(billed: Bill) -> None:
    """Only what nothing can name stays unattributed: calls the logs cannot attribute, usage the logs
    never saw (logging off), and the tax on them, each with its reason. Every planted shared charge
    has an owner or a rule: none is unattributed."""
    rows = billed.project.query("select charge_kind, unattributed_reason, sum(net_cost_usd) "
                                "from main.fct_daily_app_cost_billed where app = 'unattributed' group by 1, 2")
    assert {(kind, reason) for kind, reason, _ in rows} == {
        ("token", "no_app_in_logs"), ("token", "not_in_logs"), ("tax", "no_app_in_logs"), ("tax", "not_in_logs")}
    logging_off = billed.truth["causes"]["logging_off"]
    assert sum(net for kind, reason, net in rows if (kind, reason) == ("token", "not_in_logs")) == pytest.approx(
        logging_off["billed_usd"] * (1 - sample_cur.EDP_DISCOUNT_RATE), abs=CENT)
    expected = sum(c["net_cost_usd"] for c in billed.truth["chargeback"] if c["app"] == "unattributed")
    assert sum(net for _, _, net in rows) == pytest.approx(expected, abs=CENT)
    assert billed.project.query("select count(*) from main.fct_daily_app_cost_billed "
                                "where (app = 'unattributed') <> (unattributed_reason is not null)") == [(0,)]


def test_the_chargeback_command_writes_the_period_for_finance(billed: Bill, tmp_path: Path,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    billed.project.query("checkpoint")
    database = tmp_path / "billed.duckdb"
    shutil.copy(billed.project.database, database)
    assert chargeback.main(["--database", str(database), "--period", "2026-11", "--out", str(tmp_path)]) == 0
    path = tmp_path / "chargeback_2026-11.csv"
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    net = {(w["account_id"]): w["net_bill_usd"] for w in billed.truth["waterfall"]}
    for account, amount in net.items():
        assert sum(float(r["net_cost_usd"]) for r in rows if r["account_id"] == account) == pytest.approx(
            amount, abs=CENT)
    assert f"Wrote {path}: {len(rows)} rows" in capsys.readouterr().out
    assert chargeback.main(["--database", str(database), "--period", "2026-10", "--out", str(tmp_path)]) == 2
    assert "the bill has no billing period 2026-10 (it has 2026-11)" in capsys.readouterr().err
    assert chargeback.main(["--database", str(database), "--format", "parquet", "--out", str(tmp_path)]) == 0
    with duckdb.connect() as con:
        total = con.sql(f"select sum(net_cost_usd) from '{tmp_path / 'chargeback_2026-11.parquet'}'").fetchone()
    assert total is not None and total[0] == pytest.approx(sum(net.values()), abs=CENT)


def test_the_seeds_name_the_owners_the_generator_planted() -> None:
    """The bundled seeds and the generator agree on who owns what it planted."""
    sys.path.insert(0, str(REPO / "scripts"))
    import generate_sample_logs as generator

    assert generator.PROVISIONED_NOVA_PRO == sample_cur.PT_ARN
    with (REPO / "seeds" / "profile_map.csv").open() as handle:
        profiles = {row["profile_arn"]: row for row in csv.DictReader(handle)}
    assert profiles[sample_cur.PT_ARN]["app"] == sample_cur.PT_OWNER
    with (REPO / "seeds" / "caller_map.csv").open() as handle:
        callers = {row["caller_name"]: row for row in csv.DictReader(handle)}
    assert callers[sample_cur.MANTLE_CALLER.rsplit("/", 1)[1]]["app"] == sample_cur.MANTLE_OWNER
    assert sample_cur.GATEWAY_CALLER.rsplit("/", 1)[1] not in callers  # guardrails: the rule decides
    assert sample_cur.AGENTCORE_CALLER.rsplit("/", 1)[1] not in callers


# ---------------------------------------------------------------------------------------------
# A user changes one row of the rules


def test_a_user_changes_one_rule_row(billed: Bill, tmp_path: Path) -> None:
    """guardrails `even`, AgentCore `owner` (an app alone: its team from profile_map.csv): the marts
    follow, to the cent, as the generator's allocation under the same rules."""
    project = make_project(tmp_path / "project", billed.logs, own_copy=True)
    rules = project.project_dir / "seeds" / "shared_cost_rules.csv"
    text = rules.read_text()
    text = text.replace("guardrails,proportional,,,,", "guardrails,even,,,,")
    text = text.replace("agentcore,proportional,,,,", "agentcore,owner,legal-drafting,,,")
    rules.write_text(text)
    project.default_vars = {"bedrock_costs_cur_path": str(billed.logs / "cur")}
    run = project.dbt("build")
    assert run.success, "\n".join(m for m in run.messages if "ERROR" in m or "FAIL" in m)
    tags = sample_cur.profile_tags_from_map(REPO / "seeds" / "profile_map.csv")
    _, allocation = sample_cur.expected_allocation(billed.logs, REPO / "seeds" / "model_pricing.csv", tags, rules)
    assert_same_allocation(allocated(project), expected_allocation(allocation))
    even = {app: b for (_, _, kind, app), (b, _) in allocated(project).items() if kind == "guardrails"}
    assert len(even) > 3 and max(even.values()) == pytest.approx(min(even.values()), abs=1e-9)
    assert project.query("select distinct app, team, cost_center, allocation_basis from main.fct_daily_app_cost_billed "
                         "where charge_kind = 'agentcore'") == [("legal-drafting", "legal", "CC-5001", "rule_owner")]


# ---------------------------------------------------------------------------------------------
# A build's dates do not depend on the machine's time zone


def with_timestamptz(cur: Path) -> None:
    """Rewrite every Parquet file of the export with its timestamps UTC-adjusted (TIMESTAMP WITH TIME
    ZONE, as Data Exports writes them): the same instants."""
    columns = ("bill_billing_period_start_date", "bill_billing_period_end_date", "line_item_usage_start_date",
               "line_item_usage_end_date")
    with duckdb.connect() as con:
        con.execute("set TimeZone = 'UTC'")
        for path in cur.rglob("*.parquet"):
            scratch = path.with_suffix(".tmp")
            replaced = ", ".join(f"cast({c} as timestamptz) as {c}" for c in columns)
            con.execute(f"copy (select * replace ({replaced}) from read_parquet('{path}')) to '{scratch}' "
                        "(format parquet, compression snappy)")
            scratch.replace(path)
        kinds = {con.sql(f"select typeof(line_item_usage_start_date) from read_parquet('{path}') limit 1").fetchone()[0]
                 for path in cur.rglob("*.parquet")}
    assert kinds == {"TIMESTAMP WITH TIME ZONE"}


@pytest.mark.parametrize("form", ["timestamp", "timestamptz"])
def test_the_bill_does_not_depend_on_the_machines_time_zone(billed: Bill, tmp_path: Path, form: str) -> None:
    """TZ=America/Los_Angeles and a profile without `TimeZone: UTC`: the billing periods, the waterfall
    and the chargeback are the UTC build's, to the cent, whichever form the Parquet timestamps take."""
    cur = tmp_path / "cur"
    shutil.copytree(billed.logs / "cur", cur)
    if form == "timestamptz":
        with_timestamptz(cur)
    profile = (REPO / "profiles.yml.example").read_text()
    assert "        TimeZone: UTC\n" in profile
    (tmp_path / "profiles.yml").write_text(profile.replace("        TimeZone: UTC\n", ""))
    database = tmp_path / "la.duckdb"
    env = {**os.environ, "TZ": "America/Los_Angeles", "DBT_PROFILES_DIR": str(tmp_path), "DBT_TARGET": "local",
           "BEDROCK_LOGS_PATH": str(billed.logs), "BEDROCK_CUR_PATH": str(cur), "DBT_DUCKDB_PATH": str(database),
           "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).parent / "dbt"
    done = subprocess.run([str(dbt), "build", "--quiet", "--project-dir", str(REPO), "--target-path",
                           str(tmp_path / "target"), "--log-path", str(tmp_path / "logs")],
                          env=env, capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    checked = subprocess.run([sys.executable, "-c", "import duckdb; print(duckdb.connect().sql("
                              "\"select current_setting('TimeZone')\").fetchone()[0])"],
                             env=env, capture_output=True, text=True)
    assert checked.stdout.strip() == "America/Los_Angeles", "the build's machine zone is not UTC"
    queries = {
        "waterfall": "select strftime(billing_period, '%Y-%m'), account_id, cause, kind, amount_usd "
                     "from main.fct_bill_variance_by_cause",
        "chargeback": "select strftime(billing_period, '%Y-%m'), account_id, cost_center, team, app, net_cost_usd "
                      "from main.fct_bill_chargeback",
        "days": "select cast(usage_date as varchar), count(*) from main_staging.int_bill_lines_resolved group by 1",
    }
    with duckdb.connect(str(database), read_only=True) as con:
        for name, sql in queries.items():
            got = {tuple(row[:-1]): row[-1] for row in con.sql(sql).fetchall()}
            want = {tuple(row[:-1]): row[-1] for row in billed.project.query(sql)}
            assert got.keys() == want.keys(), name
            for key, value in want.items():
                assert got[key] == pytest.approx(value, abs=CENT), (name, key)
    periods = {p for (p,) in billed.project.query("select distinct strftime(billing_period, '%Y-%m') "
                                                  "from main.fct_bill_variance_by_cause")}
    assert periods == {w["billing_period"] for w in billed.truth["waterfall"]} == {"2026-11"}
