"""Each alert once: what notify has sent, kept in the warehouse next to the marts, and what to send now.

The state is a table notify makes in the dbt target's schema, ``alert_deliveries`` (an Iceberg table on
Trino and Athena), that it only appends to: one row per alert and route each time notify sends it
(``alert``), sends its resolution (``resolved``), or closes it without a message (``closed``: its window
passed, its route is gone, or it now goes elsewhere). The latest row of an (alert, route) pair is its
state. A run plans, for every route:

- an alert the route has not been sent, or whose last row is ``resolved``/``closed``: send it (new);
- an alert sent before whose level rose (a budget from forecast to reached, or to a higher threshold):
  send it again (worse);
- an alert sent before and no longer found: send one resolution, unless its window has passed by the data's
  last day (``expires_on``: an anomaly leaving the detection days, a budget month ending), which closes it
  without a message.

A route whose channel fails records nothing, so the next run sends it again; the other routes record
theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from bedrock_costs.notify.alerts import Alert
from bedrock_costs.notify.messages import Message, Resolved
from bedrock_costs.notify.routes import Route
from bedrock_costs.warehouse import Column, MissingRelation, Warehouse, as_date

TABLE = "alert_deliveries"
COLUMNS = (
    Column("alert_key", "text"), Column("alert_kind", "text"), Column("entity_key", "text"),
    Column("alert_window", "text"), Column("route", "text"), Column("channel", "text"), Column("event", "text"),
    Column("alert_level", "double"), Column("headline", "text"), Column("expires_on", "date"),
    Column("notified_at", "timestamp"), Column("run_id", "text"),
)
NAMES = tuple(column.name for column in COLUMNS)
SENT, RESOLVED, CLOSED = "alert", "resolved", "closed"


@dataclass(frozen=True)
class Delivery:
    """One row of the state table."""

    alert_key: str
    alert_kind: str
    entity_key: str
    alert_window: str
    route: str
    channel: str
    event: str
    alert_level: float
    headline: str
    expires_on: dt.date | None
    notified_at: dt.datetime | None
    run_id: str

    def row(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in NAMES)


def _timestamp(value: Any) -> dt.datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None)
    return dt.datetime.fromisoformat(str(value).replace(" UTC", ""))


def from_row(row: Mapping[str, Any]) -> Delivery:
    return Delivery(
        alert_key=str(row["alert_key"]), alert_kind=str(row["alert_kind"]), entity_key=str(row["entity_key"]),
        alert_window=str(row["alert_window"]), route=str(row["route"]), channel=str(row["channel"]),
        event=str(row["event"]), alert_level=float(row["alert_level"] or 0), headline=str(row["headline"] or ""),
        expires_on=as_date(row["expires_on"]), notified_at=_timestamp(row["notified_at"]), run_id=str(row["run_id"]),
    )


def read_state(warehouse: Warehouse, table: str = TABLE) -> dict[tuple[str, str], Delivery]:
    """(alert key, route) -> its latest row; empty when the table does not exist yet."""
    try:
        rows = warehouse.read(table, NAMES, order_by=["notified_at", "run_id"])
    except MissingRelation:
        return {}
    latest: dict[tuple[str, str], Delivery] = {}
    for row in map(from_row, rows):  # oldest first: the last one seen is the latest
        latest[(row.alert_key, row.route)] = row
    return latest


def ensure_table(warehouse: Warehouse, table: str = TABLE) -> None:
    warehouse.create_table(table, COLUMNS)


def record(warehouse: Warehouse, deliveries: Sequence[Delivery], table: str = TABLE) -> None:
    warehouse.insert(table, NAMES, [d.row() for d in deliveries])


@dataclass
class RoutePlan:
    """What one route gets this run, and the rows to record once it has it."""

    route: Route
    message: Message
    deliveries: list[Delivery] = field(default_factory=list)


@dataclass
class Plan:
    routes: list[RoutePlan]
    closed: list[Delivery]       # recorded without a message
    unrouted: list[Alert]        # no route takes them
    already_sent: int            # (alert, route) pairs sent before and unchanged


def plan(alerts: Sequence[Alert], routed: Mapping[str, Sequence[Route]], routes: Sequence[Route],
         state: Mapping[tuple[str, str], Delivery], as_of: dt.date | None, now: dt.datetime, run_id: str,
         headline: Any, report_url: str | None = None) -> Plan:
    """What each route is sent now (see the module's docstring). ``headline(alert)`` words an alert in the line
    its resolution will quote."""
    by_name = {route.name: route for route in routes}
    current = {alert.key: alert for alert in alerts}
    plans = {route.name: RoutePlan(route, Message(as_of=as_of, report_url=report_url)) for route in routes}
    already = 0

    def delivery(alert: Alert, route: Route, event: str) -> Delivery:
        return Delivery(alert.key, alert.kind, alert.entity_key, alert.window, route.name, route.channel, event,
                        alert.level, headline(alert), alert.expires_on, now, run_id)

    pairs: set[tuple[str, str]] = set()
    for alert in alerts:
        for route in routed.get(alert.key, ()):
            pairs.add((alert.key, route.name))
            last = state.get((alert.key, route.name))
            if last is not None and last.event == SENT and alert.level <= last.alert_level:
                already += 1
                continue
            target = plans[route.name]
            target.message.alerts.append(alert)
            if last is not None and last.event == SENT:
                target.message.raised.add(alert.key)
            target.deliveries.append(delivery(alert, route, SENT))
    closed: list[Delivery] = []
    for (key, name), last in sorted(state.items()):
        if last.event != SENT or (key, name) in pairs:
            continue
        expired = last.expires_on is not None and as_of is not None and as_of > last.expires_on
        kept = by_name.get(name)
        if key in current or expired or kept is None:
            # still an alert, now routed elsewhere; its window has passed; or its route is gone
            closed.append(Delivery(key, last.alert_kind, last.entity_key, last.alert_window, name, last.channel,
                                   CLOSED, last.alert_level, last.headline, last.expires_on, now, run_id))
            continue
        target = plans[kept.name]
        target.message.resolved.append(Resolved(key, last.alert_kind, last.entity_key, last.alert_window,
                                                last.headline, last.notified_at))
        target.deliveries.append(Delivery(key, last.alert_kind, last.entity_key, last.alert_window, name,
                                          kept.channel, RESOLVED, last.alert_level, last.headline, last.expires_on,
                                          now, run_id))
    unrouted = [alert for alert in alerts if not routed.get(alert.key)]
    return Plan([p for p in plans.values() if p.message], closed, unrouted, already)
