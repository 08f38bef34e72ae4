"""What a route receives in one run: its new (or worse) alerts and the ones that cleared, as plain text
(e-mail, SNS, the terminal), Slack Block Kit, a Teams Adaptive Card and a JSON document (the webhook).

Each alert names its kind, what it concerns (app, team, cost center, caller, model), the amount, its
window, what was found and the fix, and links to the HTML report's section when there is one and the
report's address is known (``--report-url`` or $BEDROCK_COSTS_REPORT_URL).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bedrock_costs.notify.alerts import Alert

SOURCE = "bedrock-costs"
DETAILED = 25  # alerts spelled out in one message; the rest are counted (Slack allows 50 blocks)
KIND_NAMES = {
    "budget": "budget",
    "spend_spike": "spend spike",
    "new_spender": "new expensive spender",
    "unpriced_model": "tokens without a price",
    "unmapped_profile": "unmapped application profile",
    "log_file_truncated": "log file cut short",
    "log_file_corrupt": "corrupt log file",
    "log_file_unreadable": "unreadable log file",
    "log_file_malformed": "malformed log lines",
    "bill_variance": "bill differs from the estimate",
}


@dataclass(frozen=True)
class Resolved:
    """An alert sent before that is no longer a condition: what notify kept of it."""

    key: str
    kind: str
    entity_key: str
    window: str
    headline: str
    alerted_at: dt.datetime | None = None


@dataclass
class Message:
    """One route's message of one run."""

    alerts: list[Alert] = field(default_factory=list)
    raised: set[str] = field(default_factory=set)  # keys of alerts sent before that got worse
    resolved: list[Resolved] = field(default_factory=list)
    as_of: dt.date | None = None
    report_url: str | None = None

    def __bool__(self) -> bool:
        return bool(self.alerts or self.resolved)


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def usd(value: float | None) -> str:
    return "-" if value is None else f"${value:,.2f}".replace("$-", "-$")


def subject(message: Message) -> str:
    """One line (at most 100 characters: SNS's limit for a subject)."""
    parts = []
    if message.alerts:
        parts.append(f"{len(message.alerts)} alert{'s' if len(message.alerts) != 1 else ''}")
    if message.resolved:
        parts.append(f"{len(message.resolved)} resolved")
    through = f" (data through {message.as_of})" if message.as_of else ""
    return f"Bedrock costs: {', '.join(parts)}{through}"[:100]


def headline(alert: Alert) -> str:
    """The alert in one line: its kind, what it concerns, the amount and the window."""
    who = f"{alert.entity_type} {alert.entity_name}"
    level = f", {alert.level_text}" if alert.level_text else ""
    amount = f": {usd(alert.amount_usd)}" if alert.amount_usd is not None else ""
    return f"{kind_name(alert.kind)}: {who}{level}{amount} ({window_text(alert)})"


def window_text(alert: Alert) -> str:
    if alert.kind == "budget":
        return f"{alert.window} month to date through {alert.last_date}"
    if alert.kind in ("spend_spike", "new_spender"):
        return f"from {alert.window} UTC"
    if alert.kind == "bill_variance":
        return f"billing period {alert.window}"
    if alert.first_date and alert.last_date and alert.first_date != alert.last_date:
        return f"{alert.first_date} to {alert.last_date}"
    return f"{alert.first_date or alert.window}"


def owner_text(alert: Alert) -> str:
    """app X, team Y, cost center Z, caller W (only the parts known)."""
    caller = alert.caller_name or alert.caller_arn
    if caller and alert.caller_arn and alert.caller_arn != caller:
        caller = f"{caller} ({alert.caller_arn})"
    return ", ".join(f"{label} {value}" for label, value in (
        ("app", alert.app), ("team", alert.team), ("cost center", alert.cost_center), ("caller", caller),
        ("model", alert.model_id)) if value)


def report_link(alert: Alert, report_url: str | None) -> str | None:
    if not alert.report_section or not report_url:
        return None
    return f"{report_url.split('#')[0]}#{alert.report_section}"


def alert_lines(alert: Alert, raised: bool, report_url: str | None, with_report: bool = True) -> list[str]:
    """An alert in a few lines of plain text (``with_report``: and where the report shows it)."""
    lines = [f"{'WORSE' if raised else 'NEW'} {headline(alert)}"]
    owner = owner_text(alert)
    if owner:
        lines.append(f"  Who: {owner}")
    if alert.request_count is not None:
        lines.append(f"  Requests: {alert.request_count:,}")
    lines.append(f"  Found: {alert.finding}")
    lines.append(f"  Fix: {alert.fix}")
    link = report_link(alert, report_url)
    if with_report and link:
        lines.append(f"  Report: {link}")
    elif with_report and alert.report_section:
        lines.append(f"  Report: the section {alert.report_section} of `bedrock-costs report`")
    return lines


def resolved_line(resolved: Resolved, as_of: dt.date | None) -> str:
    since = f" (alerted {resolved.alerted_at:%Y-%m-%d %H:%M} UTC)" if resolved.alerted_at else ""
    now = f" as of {as_of}" if as_of else ""
    return f"RESOLVED {resolved.headline}{since}: no longer found{now}"


def plain_text(message: Message) -> str:
    """The whole message as text: e-mail, SNS, the terminal."""
    lines = [subject(message), ""]
    for alert in message.alerts[:DETAILED]:
        lines += [*alert_lines(alert, alert.key in message.raised, message.report_url), ""]
    if len(message.alerts) > DETAILED:
        lines += [f"... and {len(message.alerts) - DETAILED} more alerts (bedrock-costs notify --dry-run lists "
                  "them all; rpt_alert_candidates holds them)", ""]
    if message.resolved:
        lines += [*(resolved_line(r, message.as_of) for r in message.resolved), ""]
    lines.append(f"Sent by {SOURCE} notify: each alert once, and once when it clears.")
    return "\n".join(lines) + "\n"


def _mrkdwn(text: str) -> str:
    """Text for Slack's mrkdwn: &, < and > escaped (so data cannot become a link or a mention)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(message: Message) -> dict[str, Any]:
    """Block Kit: a header, a section per alert (at most DETAILED), one for the resolved; ``text`` is the
    notification's fallback."""
    blocks: list[dict[str, Any]] = [{"type": "header", "text": {"type": "plain_text", "text": subject(message)[:150]}}]
    for alert in message.alerts[:DETAILED]:
        link = report_link(alert, message.report_url)
        lines = alert_lines(alert, alert.key in message.raised, message.report_url, with_report=link is None)
        body = f"*{_mrkdwn(lines[0])}*\n" + "\n".join(_mrkdwn(line.strip()) for line in lines[1:])
        if link:
            body += f"\n<{link}|Open the report's {alert.report_section} section>"
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": body[:3000]}})
    if len(message.alerts) > DETAILED:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": _mrkdwn(
            f"... and {len(message.alerts) - DETAILED} more alerts (rpt_alert_candidates)")}]})
    if message.resolved:
        text = "\n".join(_mrkdwn(resolved_line(r, message.as_of)) for r in message.resolved[:DETAILED])
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}})
    return {"text": subject(message), "blocks": blocks}


def teams_payload(message: Message) -> dict[str, Any]:
    """A Teams workflow webhook's message: one Adaptive Card (version 1.4) with a block per alert."""
    body: list[dict[str, Any]] = [{"type": "TextBlock", "size": "Large", "weight": "Bolder", "wrap": True,
                                   "text": subject(message)}]
    for alert in message.alerts[:DETAILED]:
        lines = alert_lines(alert, alert.key in message.raised, message.report_url)
        body.append({"type": "TextBlock", "weight": "Bolder", "wrap": True, "separator": True, "text": lines[0]})
        body += [{"type": "TextBlock", "wrap": True, "spacing": "None", "text": line.strip()} for line in lines[1:]]
    if len(message.alerts) > DETAILED:
        body.append({"type": "TextBlock", "wrap": True,
                     "text": f"... and {len(message.alerts) - DETAILED} more alerts (rpt_alert_candidates)"})
    body += [{"type": "TextBlock", "wrap": True, "separator": True, "text": resolved_line(r, message.as_of)}
             for r in message.resolved[:DETAILED]]
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def alert_document(alert: Alert, raised: bool, report_url: str | None) -> dict[str, Any]:
    """An alert as JSON, every field by name (the webhook's contract, docs/alerts.md)."""
    return {
        "event": "raised" if raised else "new", "key": alert.key, "kind": alert.kind,
        "entity_type": alert.entity_type, "entity_key": alert.entity_key, "entity_name": alert.entity_name,
        "window": alert.window, "level": alert.level_text or None, "app": alert.app, "team": alert.team,
        "cost_center": alert.cost_center, "caller_arn": alert.caller_arn, "caller_name": alert.caller_name,
        "model_id": alert.model_id, "amount_usd": alert.amount_usd, "request_count": alert.request_count,
        "first_date": _iso(alert.first_date), "last_date": _iso(alert.last_date), "headline": headline(alert),
        "finding": alert.finding, "fix": alert.fix, "report_section": alert.report_section,
        "report_url": report_link(alert, report_url),
    }


def webhook_payload(message: Message, run_id: str) -> dict[str, Any]:
    return {
        "source": SOURCE, "run_id": run_id, "as_of": _iso(message.as_of), "subject": subject(message),
        "alerts": [alert_document(a, a.key in message.raised, message.report_url) for a in message.alerts],
        "resolved": [{"event": "resolved", "key": r.key, "kind": r.kind, "entity_key": r.entity_key,
                      "window": r.window, "headline": r.headline,
                      "alerted_at": r.alerted_at.isoformat() if r.alerted_at else None} for r in message.resolved],
    }


def sorted_alerts(alerts: Sequence[Alert]) -> list[Alert]:
    """The biggest amount first, then the alerts without one, by kind and key."""
    return sorted(alerts, key=lambda a: (a.amount_usd is None, -(a.amount_usd or 0.0), a.kind, a.key))
