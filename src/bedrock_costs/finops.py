"""Cost Explorer and Budgets for Bedrock attribution.

    bedrock-costs finops tags [--tag-key app --tag-key team --tag-key cost_center]
    bedrock-costs finops budgets [--budgets-csv seeds/app_budgets.csv]

``tags`` activates the cost-allocation tags. ``budgets`` creates or updates one monthly cost budget
per app, filtered on the app tag and the Bedrock service, with e-mail alerts at each threshold.
"""

from __future__ import annotations

import argparse
import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bedrock_costs.aws import Target, get_or_none, paginate
from bedrock_costs.cli import (
    EXIT_CODES,
    ExitCode,
    command_parser,
    common_parser,
    exit_codes_epilog,
    finish,
    open_target,
    run_guarded,
)
from bedrock_costs.errors import InputError
from bedrock_costs.policies import canonical
from bedrock_costs.results import ALREADY, Result, converge, progress

if TYPE_CHECKING:
    from mypy_boto3_budgets.type_defs import (
        BudgetTypeDef,
        NotificationTypeDef,
        NotificationWithSubscribersTypeDef,
        SubscriberTypeDef,
    )

DEFAULT_TAG_KEYS = ("app", "team", "cost_center")
DEFAULT_SERVICES = ("Amazon Bedrock",)
BUDGET_COLUMNS = ("app", "monthly_usd", "alert_thresholds_pct", "subscriber_emails")
_EMAIL = re.compile(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+")
_TAG_VALUE = re.compile(r"[a-zA-Z0-9\s._:/=+@-]{1,256}")
_NOT_SEEN_HINT = "a tag appears only after a tagged resource has incurred cost (up to 24 h): rerun then"
_EXIT_CODES: dict[int, str] = {ExitCode.FAILED: "a step failed (an ERROR line, or a FAIL line, says which and why)"}


@dataclass(frozen=True)
class AppBudget:
    """One row of app_budgets.csv."""

    app: str
    monthly_usd: Decimal
    thresholds: tuple[Decimal, ...]
    emails: tuple[str, ...]


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = command_parser("finops", __doc__, with_common=False, exit_codes=_EXIT_CODES)
    commands = parser.add_subparsers(dest="command", required=True, metavar="{tags,budgets}",
                                     help="what to set up (each has its own --help)")
    epilog = exit_codes_epilog(EXIT_CODES | _EXIT_CODES)
    tags = commands.add_parser("tags", parents=[common_parser()], help="activate the cost-allocation tags",
                               description="Activate the cost-allocation tags (app, team, cost_center by default)\n"
                                           "in Cost Explorer, so the bill can be split by them. A tag appears\n"
                                           "only after a tagged resource has incurred cost (up to 24 h).",
                               epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    tags.add_argument("--tag-key", action="append", dest="tag_keys", help="repeatable; default app, team, cost_center")
    budgets = commands.add_parser("budgets", parents=[common_parser()], help="one AWS Budget per app",
                                  description="Create or update one monthly AWS cost budget per app of the budgets\n"
                                              "CSV, filtered on the app tag and the Bedrock service, with an\n"
                                              "e-mail alert at each of its thresholds.",
                                  epilog=epilog, formatter_class=argparse.RawDescriptionHelpFormatter)
    budgets.add_argument("--budgets-csv", type=Path, default=Path("seeds/app_budgets.csv"),
                         help="one row per app: app, monthly_usd, alert_thresholds_pct, subscriber_emails "
                              "(default %(default)s)")
    budgets.add_argument("--name-prefix", default="bedrock-", help="budget name = prefix + app")
    budgets.add_argument("--app-tag", default="app", help="the cost-allocation tag holding the app")
    budgets.add_argument("--service", action="append", dest="services",
                         help='repeatable Cost Explorer service name; default "Amazon Bedrock"')
    return parser.parse_args(argv)


# --- tags -------------------------------------------------------------------------------------

def activate_tags(target: Target, keys: Sequence[str], dry_run: bool) -> list[Result]:
    """Activate each user-defined cost-allocation tag that is not active yet."""
    ce = target.billing_client("ce")
    found = {tag["TagKey"]: tag.get("Status") for tag in paginate(
        ce, "list_cost_allocation_tags", "CostAllocationTags", TagKeys=list(keys), Type="UserDefined")}
    inactive = [key for key in keys if found.get(key) != "Active"]
    errors: dict[str, Mapping[str, Any]] = {}
    if inactive and not dry_run:
        response = ce.update_cost_allocation_tags_status(
            CostAllocationTagsStatus=[{"TagKey": key, "Status": "Active"} for key in inactive])
        errors = {error["TagKey"]: error for error in response.get("Errors", [])}
    return [_tag_result(key, found.get(key), errors.get(key), dry_run) for key in keys]


def _tag_result(key: str, status: str | None, error: Mapping[str, Any] | None, dry_run: bool) -> Result:
    item = f"cost-allocation tag {key}"
    if status == "Active":
        result = Result(item, ALREADY)
    elif error:
        result = Result(item, "not activated", f"[{error.get('Code')}] {error.get('Message', '')}; {_NOT_SEEN_HINT}")
    elif dry_run:
        result = Result(item, "would activate", "" if status else f"not seen yet; {_NOT_SEEN_HINT}", changed=True)
    else:
        result = Result(item, "activated", changed=True)
    progress(f"{item}: {result.status}")
    return result


# --- budgets ----------------------------------------------------------------------------------

def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _budget_row(number: int, row: dict[str, str]) -> tuple[AppBudget | None, list[str]]:
    """One CSV row, checked: (the budget, []) or (None, its problems)."""
    app = (row.get("app") or "").strip()
    problems = [] if _TAG_VALUE.fullmatch(app) else [f"app {app!r} is not a valid tag value"]
    try:
        amount = Decimal((row.get("monthly_usd") or "").strip())
        thresholds = tuple(Decimal(t) for t in _split(row.get("alert_thresholds_pct") or ""))
    except InvalidOperation:
        return None, [f"row {number}: monthly_usd and alert_thresholds_pct must be numbers"]
    emails = tuple(_split(row.get("subscriber_emails") or ""))
    problems += [] if amount > 0 else [f"monthly_usd {amount} must be above 0"]
    problems += [f"threshold {t}% must be above 0 and at most 1000" for t in thresholds if not 0 < t <= 1000]
    problems += [f"{email!r} is not an e-mail address" for email in emails if not _EMAIL.fullmatch(email)]
    problems += ["thresholds need at least one subscriber e-mail"] if thresholds and not emails else []
    problems += ["at most 10 e-mail subscribers per alert"] if len(emails) > 10 else []
    if problems:
        return None, [f"row {number} ({app or 'no app'}): {problem}" for problem in problems]
    return AppBudget(app, amount, thresholds, emails), []


def read_budgets(path: Path) -> list[AppBudget]:
    """Parse and check app_budgets.csv; InputError lists every problem (no AWS call)."""
    if not path.is_file():
        raise InputError(f"{path} does not exist")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in BUDGET_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path} lacks the column(s) {', '.join(missing)}")
        rows = [row for row in reader if any((value or "").strip() for value in row.values())]
        parsed = [_budget_row(number, row) for number, row in enumerate(rows, start=1)]
    problems = [problem for _, found in parsed for problem in found]
    budgets = [budget for budget, _ in parsed if budget]
    apps = [budget.app for budget in budgets]
    problems += [f"app {app!r} appears more than once" for app in sorted({a for a in apps if apps.count(a) > 1})]
    if problems:
        raise InputError(f"{path}:\n  " + "\n  ".join(problems))
    return budgets


def budget_definition(budget: AppBudget, name: str, app_tag: str, services: Sequence[str]) -> BudgetTypeDef:
    """A monthly cost budget on the app tag and the Bedrock service."""
    return {
        "BudgetName": name,
        "BudgetLimit": {"Amount": f"{budget.monthly_usd:f}", "Unit": "USD"},
        "TimeUnit": "MONTHLY",
        "BudgetType": "COST",
        "CostFilters": {"Service": list(services), "TagKeyValue": [f"user:{app_tag}${budget.app}"]},
    }


def notification(threshold: Decimal) -> NotificationTypeDef:
    """An alert when actual spend passes ``threshold`` percent of the limit."""
    return {"NotificationType": "ACTUAL", "ComparisonOperator": "GREATER_THAN", "Threshold": float(threshold),
            "ThresholdType": "PERCENTAGE"}


def _subscribers(emails: Sequence[str]) -> list[SubscriberTypeDef]:
    return [{"SubscriptionType": "EMAIL", "Address": email} for email in emails]


def _same_budget(current: Mapping[str, Any] | None, desired: Mapping[str, Any]) -> bool:
    if current is None:
        return False
    limit = current.get("BudgetLimit") or {}
    return (Decimal(str(limit.get("Amount", "0"))) == Decimal(desired["BudgetLimit"]["Amount"])
            and limit.get("Unit") == "USD"
            and all(current.get(k) == desired[k] for k in ("TimeUnit", "BudgetType"))
            and canonical(current.get("CostFilters") or {}) == canonical(desired["CostFilters"]))


# Dropped from an existing budget before update: read-only fields, and the newer filter form that
# our CostFilters replace.
_NOT_CARRIED = ("CalculatedSpend", "LastUpdatedTime", "HealthStatus", "FilterExpression", "Metrics")


def ensure_budget(target: Target, budget: AppBudget, desired: BudgetTypeDef, dry_run: bool) -> list[Result]:
    """Create the budget with its alerts, or bring an existing one and its alerts in line."""
    client = target.billing_client("budgets")
    name = desired["BudgetName"]
    found = get_or_none(client.describe_budget, ("NotFoundException",), AccountId=target.account_id, BudgetName=name)
    current = found["Budget"] if found else None
    alerts: list[NotificationWithSubscribersTypeDef] = [
        {"Notification": notification(t), "Subscribers": _subscribers(budget.emails)} for t in budget.thresholds]

    def write() -> None:
        if current is None:
            client.create_budget(AccountId=target.account_id, Budget=desired, NotificationsWithSubscribers=alerts)
        else:
            kept = {k: v for k, v in current.items() if k not in _NOT_CARRIED}
            # the existing budget's other fields, carried over as AWS returned them
            client.update_budget(AccountId=target.account_id, NewBudget=cast("BudgetTypeDef", {**kept, **desired}))

    result = converge(f"budget {name}", current, desired, write, dry_run, same=_same_budget,
                      detail=f"{budget.monthly_usd} USD/month, app={budget.app}")
    if current is None:
        return [result]
    return [result, ensure_alerts(target, name, budget, dry_run)]


def _threshold_key(found: Mapping[str, Any]) -> tuple[str, str, float, str]:
    return (found["NotificationType"], found["ComparisonOperator"], float(found["Threshold"]),
            found.get("ThresholdType", "PERCENTAGE"))


Change = tuple[str, str, dict[str, Any]]  # (client method, label for the summary, its parameters)


def _subscriber_changes(ids: dict[str, str], found: dict[str, Any], wanted: Sequence[str],
                        subscribed: set[str]) -> list[Change]:
    """E-mail subscribers to add to and remove from one alert (other subscription types are left)."""
    label = f"{float(found['Threshold']):g}%"
    adds = [("create_subscriber", f"+{e}@{label}", {**ids, "Notification": found, "Subscriber": _subscribers([e])[0]})
            for e in wanted if e not in subscribed]
    drops = [("delete_subscriber", f"-{e}@{label}", {**ids, "Notification": found, "Subscriber": _subscribers([e])[0]})
             for e in sorted(subscribed) if e not in wanted]
    return adds + drops


def alert_changes(target: Target, name: str, budget: AppBudget) -> list[Change]:
    """What makes the budget's alerts one per threshold, each with exactly the CSV's e-mails (reads only)."""
    client = target.billing_client("budgets")
    ids = {"AccountId": target.account_id, "BudgetName": name}
    existing = {_threshold_key(n): n for n in paginate(client, "describe_notifications_for_budget", "Notifications",
                                                        **ids)}
    wanted = {_threshold_key(notification(t)): notification(t) for t in budget.thresholds}
    changes: list[Change] = []
    for key, found in existing.items():
        if key not in wanted:
            changes.append(("delete_notification", f"-{key[2]:g}%", {**ids, "Notification": found}))
            continue
        subscribers = paginate(client, "describe_subscribers_for_notification", "Subscribers", **ids,
                               Notification=found)
        subscribed = {s["Address"] for s in subscribers if s["SubscriptionType"] == "EMAIL"}
        changes += _subscriber_changes(ids, found, budget.emails, subscribed)
    return changes + [("create_notification", f"+{key[2]:g}%",
                       {**ids, "Notification": n, "Subscribers": _subscribers(budget.emails)})
                      for key, n in wanted.items() if key not in existing]


def ensure_alerts(target: Target, name: str, budget: AppBudget, dry_run: bool) -> Result:
    """Apply ``alert_changes`` (none in a dry run)."""
    changes = alert_changes(target, name, budget)
    item = f"  alerts {', '.join(f'{t}%' for t in budget.thresholds) or 'none'}"
    if not changes:
        return Result(item, ALREADY, "; ".join(budget.emails))
    if not dry_run:
        client = target.billing_client("budgets")
        for method, _, params in changes:
            getattr(client, method)(**params)
    return Result(item, "would update" if dry_run else "updated", " ".join(c[1] for c in changes), changed=True)


def ensure_budgets(target: Target, args: argparse.Namespace, budgets: Sequence[AppBudget]) -> list[Result]:
    """One budget (and its alerts) per app."""
    services = args.services or list(DEFAULT_SERVICES)
    results: list[Result] = []
    for budget in budgets:
        desired = budget_definition(budget, f"{args.name_prefix}{budget.app}", args.app_tag, services)
        results += ensure_budget(target, budget, desired, args.dry_run)
    return results


def run(args: argparse.Namespace) -> int:
    if args.command == "tags":
        keys = args.tag_keys or list(DEFAULT_TAG_KEYS)
        bad = [key for key in keys if not re.fullmatch(r"[\w.:/=+@ -]{1,128}", key)]
        if bad:
            raise InputError(f"--tag-key {bad[0]!r} is not a valid tag key")
        return finish(activate_tags(open_target(args), keys, args.dry_run), args.dry_run)
    budgets = read_budgets(args.budgets_csv)
    too_long = [b.app for b in budgets if len(args.name_prefix + b.app) > 100]
    if too_long or re.search(r"[:\\]", args.name_prefix):
        raise InputError("budget names (--name-prefix + app) must be at most 100 characters, without : or \\")
    return finish(ensure_budgets(open_target(args), args, budgets), args.dry_run)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    return run_guarded(lambda: run(args))

