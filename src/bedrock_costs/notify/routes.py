"""Where each alert goes: the routes of seeds/alert_routes.csv, read from the warehouse (the seed table
`dbt build` loads next to the marts), checked, and matched to the alerts.

A route takes an alert when every match column it fills (alert_kind, team, app, cost_center; several
values ``;``-separated) holds the alert's value. A route marked ``is_default`` takes the alerts no other
route took. A route never holds a secret: ``secret_ref`` names an environment variable (``env:NAME``) or
an AWS Secrets Manager secret (``secretsmanager:<id>`` or ``secretsmanager:<id>#<json key>``), and a
route that holds anything that looks like a URL or a password is refused, without printing it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from bedrock_costs.errors import InputError, SetupError
from bedrock_costs.notify.alerts import KINDS, Alert
from bedrock_costs.warehouse import MissingRelation, Warehouse

SEED = "alert_routes"
COLUMNS = ("route", "alert_kind", "team", "app", "cost_center", "channel", "secret_ref", "destination", "sender",
           "is_default")
WEBHOOKS = ("slack", "teams", "webhook")
CHANNELS = (*WEBHOOKS, "email", "ses", "sns")
NEEDS_SECRET = (*WEBHOOKS, "email")
SECRET_REF = re.compile(r"env:(?P<env>[A-Za-z_][A-Za-z0-9_]*)"
                        r"|secretsmanager:(?P<secret>[A-Za-z0-9/_+=.@!-]{1,512})(#(?P<field>[A-Za-z0-9_.-]{1,128}))?")
ROUTE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,64}")
EMAIL = re.compile(r"[^@\s;,<>]+@[^@\s;,<>]+\.[^@\s;,<>]+")
TOPIC_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
# what a secret looks like in a column that must hold none: a URL, a user:password@, a Slack or Teams host
LOOKS_SECRET = re.compile(r"://|[^\s@]+:[^\s@]+@|hooks\.slack\.com|webhook\.office\.com|logic\.azure\.com",
                          re.IGNORECASE)
HINT = "fix seeds/alert_routes.csv (docs/alerts.md), then dbt seed --select alert_routes"


@dataclass(frozen=True)
class Route:
    """One row of the routing seed, checked."""

    name: str
    channel: str
    secret_ref: str | None = None
    destination: tuple[str, ...] = ()
    sender: str | None = None
    kinds: frozenset[str] = frozenset()
    teams: frozenset[str] = frozenset()
    apps: frozenset[str] = frozenset()
    cost_centers: frozenset[str] = frozenset()
    is_default: bool = False

    def __str__(self) -> str:
        """The route as output names it: its name, channel and the secret's reference (never its value)."""
        where = self.secret_ref or ", ".join(self.destination)
        return f"route {self.name} ({self.channel}{', ' + where if where else ''})"

    def matches(self, alert: Alert) -> bool:
        return all(not wanted or value in wanted for wanted, value in (
            (self.kinds, alert.kind), (self.teams, alert.team), (self.apps, alert.app),
            (self.cost_centers, alert.cost_center)))


def _values(text: Any) -> frozenset[str]:
    return frozenset(v.strip() for v in str(text or "").split(";") if v.strip())


def _flag(value: Any) -> bool:
    return value is True or str(value).strip().lower() in ("true", "1", "yes")


def parse_route(row: dict[str, Any]) -> Route:
    """A Route from a seed row, or InputError naming the route and the column (never a value that may be a
    secret)."""
    name = str(row.get("route") or "").strip()
    if not ROUTE_NAME.fullmatch(name):
        raise InputError(f"alert_routes: a route name must be letters, digits, '.', '_' or '-' (up to 64); {HINT}")
    where = f"alert_routes route {name}"
    for column in ("alert_kind", "team", "app", "cost_center", "channel", "destination", "sender"):
        if LOOKS_SECRET.search(str(row.get(column) or "")):
            raise InputError(f"{where}: {column} looks like a URL or a password (not printed); a route holds a "
                             f"reference to a secret, in secret_ref, never the secret; {HINT}")
    channel = str(row.get("channel") or "").strip().lower()
    if channel not in CHANNELS:
        raise InputError(f"{where}: channel {channel!r} is not one of {', '.join(CHANNELS)}; {HINT}")
    secret_ref = str(row.get("secret_ref") or "").strip() or None
    if secret_ref is not None and not SECRET_REF.fullmatch(secret_ref):
        raise InputError(f"{where}: secret_ref is not env:NAME or secretsmanager:<id>[#<key>] (its value is not "
                         f"printed: it may be the secret itself); {HINT}")
    if channel in NEEDS_SECRET and secret_ref is None:
        what = "the SMTP server URL" if channel == "email" else "the webhook URL"
        raise InputError(f"{where}: a {channel} route needs secret_ref, where {what} is kept; {HINT}")
    if channel not in NEEDS_SECRET and secret_ref is not None:
        raise InputError(f"{where}: a {channel} route sends with the AWS credentials: leave secret_ref empty; {HINT}")
    destination = tuple(sorted(_values(row.get("destination"))))
    sender = str(row.get("sender") or "").strip() or None
    if channel in ("email", "ses"):
        bad = [address for address in (*destination, *([sender] if sender else [])) if not EMAIL.fullmatch(address)]
        if not destination or not sender or bad:
            raise InputError(f"{where}: an {channel} route needs destination (the recipients, ';'-separated) and "
                             f"sender, each an e-mail address{': not ' + ', '.join(map(repr, bad)) if bad else ''}; "
                             f"{HINT}")
    elif channel == "sns":
        if len(destination) != 1 or not TOPIC_ARN.fullmatch(destination[0]):
            raise InputError(f"{where}: an sns route needs destination, one SNS topic ARN; {HINT}")
    elif destination or sender:
        raise InputError(f"{where}: a {channel} route takes no destination or sender (the URL says where); {HINT}")
    kinds = _values(row.get("alert_kind"))
    unknown = sorted(kinds - set(KINDS))
    if unknown:
        raise InputError(f"{where}: unknown alert_kind {', '.join(unknown)} (known: {', '.join(KINDS)}); {HINT}")
    return Route(name=name, channel=channel, secret_ref=secret_ref, destination=destination, sender=sender,
                 kinds=kinds, teams=_values(row.get("team")), apps=_values(row.get("app")),
                 cost_centers=_values(row.get("cost_center")), is_default=_flag(row.get("is_default")))


def parse_routes(rows: Iterable[dict[str, Any]]) -> list[Route]:
    routes = [parse_route(row) for row in rows]
    names = [route.name for route in routes]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise InputError(f"alert_routes: route {', '.join(repeated)} is named twice; {HINT}")
    return routes


def read_routes(warehouse: Warehouse) -> list[Route]:
    """The routing seed as dbt loaded it into the target's schema."""
    try:
        rows = warehouse.read(SEED, COLUMNS, order_by=["route"])
    except MissingRelation as error:
        hint = f"{warehouse.schema}.{SEED} is not in {warehouse.where}: load the routing seed first (dbt build)"
        raise SetupError("NoRoutes", hint) from error
    return parse_routes(rows)


def route_alerts(alerts: Sequence[Alert], routes: Sequence[Route]) -> dict[str, list[Route]]:
    """alert key -> the routes that take it: every matching route, else the matching default routes (an
    alert no route takes maps to an empty list, and notify says so)."""
    specific = [route for route in routes if not route.is_default]
    defaults = [route for route in routes if route.is_default]
    routed: dict[str, list[Route]] = {}
    for alert in alerts:
        chosen = [route for route in specific if route.matches(alert)]
        routed[alert.key] = chosen or [route for route in defaults if route.matches(alert)]
    return routed
