"""The report page: HTML, inline SVG charts and CSS, from a ReportData. Nothing here reads the marts."""

from __future__ import annotations

import datetime as dt
import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bedrock_costs.figures import cached_share
from bedrock_costs.report.data import (
    ROUTES,
    AppCache,
    AppTeamCost,
    CallerCost,
    Comparison,
    DailyCost,
    Headline,
    ModelCost,
    OptionalMart,
    Period,
    ReportData,
    RoleCost,
    TeamCost,
)
from bedrock_costs.summary import BILL_MARTS, BillCause, BillPeriod, BillStep, plain_money, shortlist
from bedrock_costs.tables import money

# Column formats that the name's suffix does not tell (format_cell reads the suffix otherwise).
COLUMN_FORMATS = {"spend_ratio": "times", "reads_per_write_token": "times", "cached_input_share": "share",
                  "pct_of_budget": "percent", "forecast_pct_of_budget": "percent", "saving_pct": "percent"}
# Headers as a person reads them, for the columns the FinOps sections show (the export keeps the names).
COLUMN_LABELS = {
    "app": "app", "monthly_budget_usd": "budget", "mtd_cost_usd": "spent this month", "pct_of_budget": "% of budget",
    "trailing_7d_forecast_usd": "7-day forecast", "forecast_pct_of_budget": "forecast, % of budget",
    "projected_exceed_date": "passes its budget on", "budget_status": "status", "started_at": "started (UTC)",
    "anomaly_type": "anomaly", "dimension": "of", "entity_name": "who", "model_id": "model", "hour_count": "hours",
    "cost_usd": "cost", "expected_cost_usd": "usual cost", "spend_ratio": "times usual", "description": "what happened",
    "cached_input_share": "cached share", "reads_per_write_token": "reads per write",
    "cache_read_savings_usd": "saved by reads", "cache_write_premium_usd": "write premium",
    "net_cache_savings_usd": "net saving", "cache_status": "verdict",
}
BUDGET_STATUS_COLORS = {"on_track": "#59a14f", "forecast_over_budget": "#edc948", "over_threshold": "#f28e2b",
                        "over_budget": "#e15759", "no_budget": "#c7c7c7"}

# Apps have the categorical palette; models one family of blues, so a colour never means both.
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#edc948", "#76b7b2", "#ff9da7", "#9c755f"]
MODEL_PALETTE = ["#1d3557", "#2b4c7e", "#3a6ea5", "#5588bb", "#6f9fca", "#8fb4d6", "#adc8e2", "#c9dbee"]
UNATTRIBUTED_COLOR = "#6f6f6f"
OTHER_COLOR = "#c7c7c7"
ROUTE_COLORS = {"profile": "#4e79a7", "unmapped_profile": "#edc948", "direct": "#e15759"}
ROUTE_LABELS = {"profile": "via app profile", "unmapped_profile": "via unmapped profile", "direct": "direct"}
# The waterfall's colours (its words, long and short, are the mart's: seeds/bill_causes.csv).
BILL_COLORS = {"total": "#4e79a7", "up": "#e15759", "down": "#59a14f", "lag": "#c7c7c7"}
BILL_LEGEND = {"total": "estimate and net bill", "up": "raises the bill", "down": "lowers the bill",
               "lag": "not billed yet"}
# The waterfall's axis starts above 0 when the steps span less than this share of the totals: a $3 step
# beside a $1,500 bar is then a few pixels, not a hair. The totals are drawn broken at the axis.
BILL_ZOOM_SPAN = 0.5
BILL_MIN_STEP_PX = 2.0


# ---------------------------------------------------------------------------------------------
# Formatting and SVG primitives.


def esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def pct(value: float | None, digits: int = 0) -> str:
    return "n/a" if value is None else f"{value:.{digits}%}"


def count(value: int | float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def compact(value: float) -> str:
    """Token counts for cards: 12.3M, 456.7K."""
    for threshold, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= threshold:
            return f"{value / threshold:,.1f}{suffix}"
    return f"{value:,.0f}"


def tick_money(value: float, step: float) -> str:
    """Axis labels: money, without cents when the ticks are whole dollars."""
    text = money(value)
    return text[:-3] if step >= 1 and text.endswith(".00") else text


def nice_step(maximum: float, ticks: int = 5) -> float:
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude: float = 10 ** math.floor(math.log10(raw))  # an int from 1 up, as the ticks print it
    return next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)


def signed_pct(value: float | None) -> str:
    """+12.3%, -4.0%; n/a without a comparison."""
    return "n/a" if value is None else f"{value:+.1%}"


def signed_money(value: float) -> str:
    """+$1.50, -$5.00; $0.00 when it rounds to nothing (never -$0.00)."""
    cents = round(value, 2)
    return money(0.0) if cents == 0 else ("-" if cents < 0 else "+") + money(abs(cents))


def days_text(p: Period) -> str:
    """01 Nov 2026 to 14 Nov 2026 (UTC, 14 days): how every section states its window."""
    return f"{p.first:%d %b %Y} to {p.last:%d %b %Y} (UTC, {p.days} day{'s' if p.days != 1 else ''})"


def number(value: float) -> str:
    """A machine-readable value for data-* attributes."""
    return repr(float(value))


def short_model(model_id: str | None) -> str:
    """anthropic.claude-sonnet-4-5-20250929-v1:0 -> claude-sonnet-4-5 (the full id is in the tooltip)."""
    if model_id is None:
        return "(unmapped profile)"
    name = model_id.split(".", 1)[1] if "." in model_id else model_id
    name = name.split(":")[0]
    parts = [p for p in name.split("-") if not (len(p) == 8 and p.isdigit())]
    if parts and parts[-1] in ("v1", "v2") and len(parts) > 2 and not model_id.startswith("amazon.titan"):
        parts = parts[:-1]
    return "-".join(parts)


def series_colors(names: Sequence[str]) -> dict[str, str]:
    colors: dict[str, str] = {}
    palette = iter(PALETTE)
    for name in names:
        if name == "unattributed":
            colors[name] = UNATTRIBUTED_COLOR
        elif name == "other apps":
            colors[name] = OTHER_COLOR
        else:
            colors[name] = next(palette, OTHER_COLOR)
    return colors


def legend(items: Iterable[tuple[str, str]]) -> str:
    spans = "".join(f'<span class="key"><i style="background:{color}"></i>{esc(label)}</span>'
                    for label, color in items)
    return f'<div class="legend">{spans}</div>'


def svg_open(chart: str, width: int, height: int, label: str, **data: Any) -> str:
    attributes = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in data.items())
    return (f'<svg class="chart" data-chart="{chart}"{attributes} viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" role="img" aria-label="{esc(label)}" '
            f'xmlns="http://www.w3.org/2000/svg">')


def text(x: float, y: float, content: str, anchor: str = "start", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{klass}>{esc(content)}</text>'


# ---------------------------------------------------------------------------------------------
# Charts.


def stacked_daily_chart(daily: Sequence[DailyCost], max_apps: int = 7) -> str:
    """Vertical bars, one per day, stacked by app (the biggest apps; the rest as 'other apps')."""
    totals: dict[str, float] = {}
    for row in daily:
        totals[row.app] = totals.get(row.app, 0.0) + row.cost_usd
    ranked = sorted(totals, key=lambda a: (-totals[a], a))
    named = [a for a in ranked if a != "unattributed"][:max_apps]
    series = named + (["other apps"] if len([a for a in ranked if a != "unattributed"]) > max_apps else [])
    series += ["unattributed"] if "unattributed" in totals else []
    colors = series_colors(series)

    days = sorted({row.usage_date for row in daily})
    stack: dict[dt.date, dict[str, float]] = {d: {} for d in days}
    for row in daily:
        key = row.app if row.app in series else "other apps"
        stack[row.usage_date][key] = stack[row.usage_date].get(key, 0.0) + row.cost_usd
    day_totals = {d: sum(v.values()) for d, v in stack.items()}

    width, height = 1200, 400
    left, right, top, bottom = 78, 16, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    step = nice_step(max(day_totals.values(), default=0) * 1.08)
    y_max = step * max(1, math.ceil(max(day_totals.values(), default=0) * 1.08 / step))
    band = plot_w / max(1, len(days))
    bar_w = min(64.0, band * 0.72)
    label_every = max(1, math.ceil(len(days) / 16))

    parts = [svg_open("daily-cost-by-app", width, height, "Daily cost by app, stacked",
                      total_cost_usd=number(sum(day_totals.values())), days=len(days))]
    for i in range(round(y_max / step) + 1):
        value = i * step
        y = top + plot_h - value / y_max * plot_h
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(text(left - 8, y + 4, tick_money(value, step), "end", "tick"))
    for i, d in enumerate(days):
        x = left + i * band + (band - bar_w) / 2
        y = top + plot_h
        for app in series:
            cost = stack[d].get(app, 0.0)
            if cost <= 0:
                continue
            h = cost / y_max * plot_h
            y -= h
            parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.2f}" fill="{colors[app]}" '
                f'data-app="{esc(app)}" data-date="{d.isoformat()}" data-cost-usd="{number(cost)}">'
                f'<title>{esc(app)}, {d:%a %d %b}: {money(cost)}</title></rect>')
        if i % label_every == 0:
            parts.append(text(x + bar_w / 2, top + plot_h + 18, f"{d:%d %b}", "middle", "tick"))
            if len(days) <= 31:
                parts.append(text(x + bar_w / 2, y - 6, tick_money(day_totals[d], 1 if day_totals[d] >= 100 else 0.01),
                                  "middle", "value"))
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}"/>')
    parts.append("</svg>")
    return legend((s, colors[s]) for s in series) + "".join(parts)


@dataclass
class Segment:
    key: str
    value: float
    color: str
    label: str


@dataclass
class BarRow:
    label: str
    segments: list[Segment]
    value_label: str
    tooltip: str
    data: dict[str, Any]
    marker: float | None = None       # a tick across the row at this value (a forecast, a previous period)
    projection: bool = True           # fill pale from the bar's end to a marker beyond it (a forecast)


def bar_rows_chart(chart: str, rows: Sequence[BarRow], aria: str, width: int = 1200,
                   label_width: int | None = None, scale_max: float | None = None,
                   reference: tuple[float, str] | None = None, **data: Any) -> str:
    """Horizontal bars, one row each, optionally split into segments; the value is printed at the end.
    ``reference`` draws a dashed vertical line at (value, label), such as 100% of a budget."""
    row_h, top, bottom = 30, 8, 8
    longest = max((len(r.label) for r in rows), default=10)
    label_w = label_width or min(360, max(120, int(longest * 7.4) + 16))
    value_w = max(120, int(max((len(r.value_label) for r in rows), default=8) * 7.2) + 20)
    plot_w = width - label_w - value_w
    top_value = scale_max or max((sum(s.value for s in r.segments) for r in rows), default=0) or 1.0
    top += 16 if reference else 0
    height = top + bottom + row_h * max(1, len(rows))
    parts = [svg_open(chart, width, height, aria, **data)]
    for i, row in enumerate(rows):
        y = top + i * row_h
        row_data = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in row.data.items())
        parts.append(f'<g class="row"{row_data}><title>{esc(row.tooltip)}</title>')
        parts.append(text(label_w - 10, y + row_h / 2 + 4.5, row.label, "end", "label"))
        x = float(label_w)
        for seg in row.segments:
            if seg.value <= 0:
                continue
            w = max(1.0, seg.value / top_value * plot_w)
            parts.append(f'<rect class="mark" x="{x:.1f}" y="{y + 5}" width="{w:.1f}" height="{row_h - 10}" '
                         f'fill="{seg.color}" data-segment="{esc(seg.key)}" data-value="{number(seg.value)}">'
                         f'<title>{esc(row.label)}, {esc(seg.label)}</title></rect>')
            x += w
        if row.marker is not None:
            mx = label_w + row.marker / top_value * plot_w
            if mx > x + 1 and row.segments and row.projection:
                parts.append(f'<rect class="projection" x="{x:.1f}" y="{y + 9}" width="{mx - x:.1f}" '
                             f'height="{row_h - 18}" fill="{row.segments[-1].color}"/>')
            parts.append(f'<line class="marker" x1="{mx:.1f}" x2="{mx:.1f}" y1="{y + 2}" y2="{y + row_h - 2}"/>')
            x = max(x, mx)
        parts.append(text(x + 8, y + row_h / 2 + 4.5, row.value_label, "start", "value"))
        parts.append("</g>")
    parts.append(f'<line class="axis" x1="{label_w}" x2="{label_w}" y1="{top}" y2="{height - bottom}"/>')
    if reference:
        x = label_w + reference[0] / top_value * plot_w
        parts.append(f'<line class="reference" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{height - bottom}"/>')
        parts.append(text(x, top - 8, reference[1], "middle", "tick"))
    parts.append("</svg>")
    return "".join(parts)


def caller_label(row: CallerCost, names: Sequence[str | None]) -> str:
    """The session (or user) name, then its role: support-chat-handler · support-chat-lambda-role;
    the account too when two callers share a name."""
    name = row.caller_name or row.caller_arn or "(unknown)"
    account = f" ({row.account_id})" if names.count(row.caller_name) > 1 else ""
    return f"{name} · {row.caller_role_name}{account}"


def caller_rows(callers: Sequence[CallerCost]) -> list[BarRow]:
    names = [c.caller_name for c in callers]
    rows = []
    for c in callers:
        segments = [Segment(route, float(c.route_cost_usd(route)), ROUTE_COLORS[route],
                            f"{ROUTE_LABELS[route]}: {money(c.route_cost_usd(route))}")
                    for route in ROUTES]
        direct_share = c.direct_cost_usd / c.cost_usd if c.cost_usd else 0.0
        value = money(c.cost_usd) + (f"  ({direct_share:.0%} direct)" if 0 < direct_share < 1 else "")
        if c.unpriced_request_count:
            value += f"  +{c.unpriced_request_count:,} unpriced"
        rows.append(BarRow(
            caller_label(c, names), segments, value,
            f"{c.caller_arn} ({c.caller_type}): {money(c.cost_usd)}, {c.request_count:,} requests; "
            f"app: {shortlist(c.apps, 4) or 'none'}",
            {"caller": c.caller_name, "caller_role": c.caller_role or "", "caller_arn": c.caller_arn,
             "apps": " ".join(c.apps), "cost_usd": number(c.cost_usd),
             "profile_cost_usd": number(c.profile_cost_usd), "direct_cost_usd": number(c.direct_cost_usd),
             "unmapped_profile_cost_usd": number(c.unmapped_profile_cost_usd)}))
    return rows


def caller_chart(chart: str, callers: Sequence[CallerCost], aria: str, **data: Any) -> str:
    """Callers as bars split by route, labelled with their name and role (wide enough for both)."""
    rows = caller_rows(callers)
    longest = max((len(r.label) for r in rows), default=10)
    return bar_rows_chart(chart, rows, aria, label_width=min(470, max(120, int(longest * 7.2) + 16)), **data)


ROLES_SHOWN, SESSIONS_SHOWN = 10, 4


def role_table(roles: Sequence[RoleCost]) -> str:
    """Callers grouped by role (an ECS service's tasks, an SSO permission set's users): the role's total
    on its own row, its biggest sessions beneath it."""
    names = [r.role_name for r in roles]
    body = []
    for role in roles[:ROLES_SHOWN]:
        name = role.role_name + (f" ({role.account_id})" if names.count(role.role_name) > 1 else "")
        direct = role.direct_cost_usd / role.cost_usd if role.cost_usd else 0.0
        kind = "session" if role.callers[0].caller_role else "caller"
        body.append(
            f'<tr class="role" data-role="{esc(role.role_name)}" data-account-id="{esc(role.account_id or "")}" '
            f'data-cost-usd="{number(role.cost_usd)}" data-callers="{len(role.callers)}">'
            f"<td><b>{esc(name)}</b></td><td>{len(role.callers)} {kind}{'s' if len(role.callers) != 1 else ''}</td>"
            f'<td class="prose">{esc(shortlist(role.apps, 3))}</td><td class="num">{count(role.request_count)}</td>'
            f'<td class="num"><b>{esc(money(role.cost_usd))}</b></td><td class="num">{pct(direct)}</td></tr>')
        for caller in role.callers[:SESSIONS_SHOWN]:
            body.append(
                f'<tr class="session" data-caller-arn="{esc(caller.caller_arn)}" '
                f'data-cost-usd="{number(caller.cost_usd)}"><td class="indent">'
                f'{esc(caller.caller_name or caller.caller_arn)}</td><td></td><td class="prose">'
                f'{esc(shortlist(caller.apps, 3))}</td><td class="num">{count(caller.request_count)}</td>'
                f'<td class="num">{esc(money(caller.cost_usd))}</td><td></td></tr>')
        if len(role.callers) > SESSIONS_SHOWN:
            rest = role.callers[SESSIONS_SHOWN:]
            body.append(f'<tr class="session more"><td class="indent">+{len(rest)} more</td><td></td><td></td>'
                        f'<td class="num">{count(sum(c.request_count for c in rest))}</td>'
                        f'<td class="num">{esc(money(sum(c.cost_usd for c in rest)))}</td><td></td></tr>')
    more = (f'<p class="muted">{len(roles) - ROLES_SHOWN} more roles in <code>bedrock-costs export --section roles'
            "</code>.</p>" if len(roles) > ROLES_SHOWN else "")
    head = "".join(f'<th class="{k}">{esc(h)}</th>' for h, k in (
        ("role, then its biggest sessions", ""), ("callers", ""), ("apps", ""), ("requests", "num"), ("cost", "num"),
        ("direct", "num")))
    return (f'<div class="table-wrap"><table class="data roles"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>{more}")


def route_legend(rows: Sequence[CallerCost]) -> str:
    """The routes the rows use; 'via app profile' and 'direct' always, as the chart contrasts them."""
    used = {r for r in ROUTE_COLORS if any(c.route_cost_usd(r) for c in rows)}
    always = {"profile", "direct"} if "profile" in used else set()
    routes = [r for r in ROUTES if r in used | always]
    return legend((ROUTE_LABELS[r], ROUTE_COLORS[r]) for r in routes)


def model_rows(models: Sequence[ModelCost], total: float) -> list[BarRow]:
    rows = []
    for i, m in enumerate(models):
        share = m.cost_usd / total if total else 0.0
        color = MODEL_PALETTE[i % len(MODEL_PALETTE)] if m.model_id else UNATTRIBUTED_COLOR
        rows.append(BarRow(
            short_model(m.model_id), [Segment("cost", float(m.cost_usd), color, money(m.cost_usd))],
            f"{money(m.cost_usd)} · {share:.1%}",
            f"{m.model_id or 'unmapped profile'}: {money(m.cost_usd)}, {m.request_count:,} requests",
            {"model": m.model_id or "", "cost_usd": number(m.cost_usd)}))
    return rows


def cache_rows(apps: Sequence[AppCache]) -> list[BarRow]:
    rows = []
    for a in apps:
        share = a.cached_token_share
        color = UNATTRIBUTED_COLOR if a.app == "unattributed" else "#59a14f"
        rows.append(BarRow(
            a.app, [Segment("cached", share, color, pct(share))], pct(share),
            f"{a.app}: {a.cache_read_input_tokens:,} of {a.total_input_tokens:,} input tokens from the cache",
            {"app": a.app, "cached_token_share": number(share)}))
    return rows


def team_rows(teams: Sequence[TeamCost], compared: Comparison) -> list[BarRow]:
    """One bar per team and cost center: this period's cost; a tick at the previous period's."""
    rows = []
    for t in teams:
        label = f"{t.team} · {t.cost_center or 'no cost center'}"
        color = UNATTRIBUTED_COLOR if t.team == "unattributed" else PALETTE[0]
        value = money(t.cost_usd)
        if t.previous_cost_usd is not None:
            value += f"  ({signed_pct(t.change)} vs {money(t.previous_cost_usd)})" if t.previous_cost_usd else "  (new)"
        rows.append(BarRow(
            label, [Segment("cost", float(t.cost_usd), color, money(t.cost_usd))], value,
            f"{label}: {money(t.cost_usd)}; apps: {', '.join(t.apps) or 'none'}",
            {"team": t.team, "cost_center": t.cost_center or "", "cost_usd": number(t.cost_usd),
             "previous_cost_usd": "" if t.previous_cost_usd is None else number(t.previous_cost_usd)},
            marker=None if t.previous_cost_usd is None else float(t.previous_cost_usd), projection=False))
    return rows


def comparison_note(compared: Comparison) -> str:
    """What the change columns compare with, or why there are none."""
    if compared.covered:
        return f"Change against the previous {compared.previous.days} days, {days_text(compared.previous)}."
    return f"No change shown: {compared.why_not}."


def app_team_table(rows: Sequence[AppTeamCost], total: float) -> str:
    return html_table(
        ["app", "team", "attribution_source", "request_count", "cost_usd", "previous_cost_usd", "change_usd",
         "change_pct", "cost_share"],
        [[r.app, r.team, r.attribution_source, r.request_count, "unpriced" if r.cost_usd is None else r.cost_usd,
          r.previous_cost_usd, None if r.previous_cost_usd is None else (r.cost_usd or 0) - r.previous_cost_usd,
          change_text(r), (r.cost_usd or 0) / total if total else None] for r in rows], "data",
        headers=["app", "team", "attributed by", "requests", "cost", "previous", "change", "change %", "share"])


def change_text(row: AppTeamCost | TeamCost) -> str:
    if row.previous_cost_usd is None:
        return "n/a"
    if row.previous_cost_usd == 0:
        return "new" if row.cost_usd or row.request_count else ""
    return signed_pct(row.change)


def team_table(rows: Sequence[TeamCost], total: float) -> str:
    return html_table(
        ["team", "cost_center", "apps", "request_count", "cost_usd", "previous_cost_usd", "change_usd",
         "change_pct", "cost_share"],
        [[r.team, r.cost_center or "", ", ".join(r.apps), r.request_count, r.cost_usd, r.previous_cost_usd,
          None if r.previous_cost_usd is None else r.cost_usd - r.previous_cost_usd, change_text(r),
          r.cost_usd / total if total else None] for r in rows], "data",
        headers=["team", "cost center", "apps", "requests", "cost", "previous", "change", "change %", "share"])


# ---------------------------------------------------------------------------------------------
# The bill versus the estimate: a waterfall per billing period, when the bill marts exist.


def bill_color(cause: BillCause, amount: float) -> str:
    if cause.is_total:
        return BILL_COLORS["total"]
    if cause.cause == "not_yet_billed":
        return BILL_COLORS["lag"]
    return BILL_COLORS["up" if amount >= 0 else "down"]


def waterfall_chart(bill: BillPeriod) -> str:
    """Vertical bars from the log estimate to the net bill: the two totals stand on 0; each cause floats
    from where the one before it ended, its kinds one after the other (a stack), its amount above it.
    Each cause is a <g class="step"> carrying its exact amount; a step of $0 is a 1-pixel bar."""
    causes = bill.causes
    columns: list[tuple[BillCause, list[tuple[BillStep | None, float, float]]]] = []
    level = 0.0
    for cause in causes:
        if cause.is_total:
            level = cause.amount_usd
            columns.append((cause, [(None, 0.0, level)]))
            continue
        kinds: list[BillStep | None] = [k for k in cause.kinds if round(k.amount_usd, 2) != 0] or [None]
        bars = []
        for kind in kinds:
            amount = kind.amount_usd if kind else cause.amount_usd
            bars.append((kind, level, level + amount))
            level += amount
        columns.append((cause, bars))

    # the levels the waterfall walks through (a total's foot at 0 is not one): when they span little of
    # the totals, the axis starts near the lowest and the totals are drawn broken at its foot
    levels = [v for cause, bars in columns for _, a, b in bars for v in ((b,) if cause.is_total else (a, b))]
    lo, hi = min([*levels, 0.0]), max([*levels, 0.0])
    low_level = min(levels, default=0.0)
    broken = low_level > 0 and hi > 0 and (hi - low_level) < BILL_ZOOM_SPAN * hi
    width, height = 1200, 380
    left, right, top, bottom = 78, 16, 30, 44
    plot_w, plot_h = width - left - right, height - top - bottom
    if broken:
        span = hi - low_level
        step = nice_step(span * 1.3)
        y_min = step * math.floor((low_level - span * 0.15) / step)
        y_max = step * math.ceil((hi + span * 0.08) / step)
    else:
        step = nice_step((hi - lo) * 1.08)
        y_max = step * math.ceil(hi * 1.08 / step) if hi > 0 else 0.0
        y_min = -step * math.ceil(-lo * 1.08 / step) if lo < 0 else 0.0
    y_max = y_max if y_max > y_min else y_min + step

    def y_of(value: float) -> float:
        return top + (y_max - min(max(value, y_min), y_max)) / (y_max - y_min) * plot_h

    band = plot_w / max(1, len(columns))
    bar_w = min(72.0, band * 0.6)
    parts = [svg_open(f"bill-waterfall-{bill.name}", width, height, f"Bill versus estimate, {bill.name}: a waterfall",
                      billing_period=bill.name, log_estimate_usd=number(bill.total("log_estimate")),
                      net_bill_usd=number(bill.total("net_bill")), axis_start_usd=number(y_min),
                      axis_break="true" if broken else "false")]
    for i in range(round((y_max - y_min) / step) + 1):
        value = y_min + i * step
        y = y_of(value)
        parts.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(text(left - 8, y + 4, tick_money(value, step), "end", "tick"))
    for i, (cause, bars) in enumerate(columns):
        x = left + i * band + (band - bar_w) / 2
        parts.append(f'<g class="step" data-cause="{esc(cause.cause)}" data-amount-usd="{number(cause.amount_usd)}" '
                     f'data-end-usd="{number(bars[-1][2])}">')
        for kind, start, end in bars:
            y, h = y_of(max(start, end)), abs(y_of(start) - y_of(end))
            if h < 1 and round(end - start, 2) == 0:
                y, h = y_of(end) - 0.5, 1.0
            elif h < BILL_MIN_STEP_PX:  # a step of a few cents stays visible
                y, h = min(y_of(start), y_of(end)) - (BILL_MIN_STEP_PX - h) / 2, BILL_MIN_STEP_PX
            name = kind.kind if kind else cause.cause
            about = (kind.description if kind else "") or next((k.description for k in cause.kinds), "")
            amount = end - start
            shown = plain_money(amount) if cause.is_total else f"{name}: {plain_money(amount)}"
            parts.append(
                f'<rect class="mark" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.2f}" '
                f'fill="{bill_color(cause, amount)}" stroke="#fff" data-kind="{esc(name)}" '
                f'data-amount-usd="{number(amount)}"><title>{esc(cause.label)}, {esc(shown)}: {esc(about)}</title>'
                "</rect>")
        column_top = min(y_of(v) for _, a, b in bars for v in (a, b))
        parts.append(text(x + bar_w / 2, column_top - 6, cause.amount_text, "middle", "value"))
        parts.append(text(x + bar_w / 2, top + plot_h + 18, cause.short_label, "middle", "tick"))
        if broken and cause.is_total:  # the bar stands on 0, below the axis' foot: a break mark says so
            foot = top + plot_h - 10
            parts.append(f'<path class="axis-break" d="M{x - 3:.1f},{foot + 3:.1f} L{x + bar_w / 3:.1f},{foot - 3:.1f} '
                         f'L{x + 2 * bar_w / 3:.1f},{foot + 3:.1f} L{x + bar_w + 3:.1f},{foot - 3:.1f}"/>')
        parts.append("</g>")
        if i + 1 < len(columns):
            level_y = y_of(bars[-1][2])
            parts.append(f'<line class="connector" x1="{x + bar_w:.1f}" x2="{x + band:.1f}" '
                         f'y1="{level_y:.1f}" y2="{level_y:.1f}"/>')
    parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{y_of(max(0.0, y_min)):.1f}" '
                 f'y2="{y_of(max(0.0, y_min)):.1f}"/>')
    parts.append("</svg>")
    used = {"total", "up", "down"} | ({"lag"} if any(c.cause == "not_yet_billed" for c in causes) else set())
    zoom = (f'<p class="muted axis-note">The axis starts at {esc(tick_money(y_min, step))}, not $0, so that each '
            "step shows at its size; the two totals are drawn broken at its foot. The table below has every "
            "amount.</p>") if broken else ""
    return legend((BILL_LEGEND[k], BILL_COLORS[k]) for k in BILL_COLORS if k in used) + zoom + "".join(parts)


def bill_marts_read(bills: Sequence[BillPeriod]) -> list[str]:
    """The bill marts the sections read (none without a bill)."""
    if not bills:
        return []
    optional = (("fct_bill_catalog_price_check", bills[0].stale_prices),
                ("fct_bill_profile_tag_comparison", bills[0].tag_differences),
                ("fct_bill_caller_comparison", bills[0].caller_differences))
    chargeback = ["fct_bill_chargeback", "fct_daily_app_cost_billed"] if bills[0].apps is not None else []
    return [*BILL_MARTS, *(name for name, found in optional if found is not None), *chargeback]


def bill_section(bill: BillPeriod, period: Period) -> str:
    """One billing period: the waterfall, its table, the reconciliation's status and where the bill knows more."""
    intro = (f'<p class="muted">The invocation logs at list price against the bill '
             f"({esc(bill.status.coverage)}). Each bar is one cause of the difference, from the estimate to "
             "what finance pays (<code>fct_bill_variance_by_cause</code>); hover over a bar for its parts.</p>")
    steps = html_table(["step", "bill_amount", "of_which"],
                       [[c.label, c.amount_text, c.breakdown_text] for c in bill.causes], "data",
                       headers=["step", "amount", "of which"])
    st = bill.status
    status = (f'<p class="bill-status" data-bill-through="{st.bill_through_date or ""}" '
              + "".join(f'data-{name.replace("_", "-")}="{getattr(st, name)}" ' for name in
                        ("reconciled", "variance", "not_in_logs", "not_in_bill", "pending"))
              + f'>{esc(st.line)}. A cell is one day, account, region, model and token type.</p>')
    notes = f'<p class="bill-notes">{esc(" ".join(bill.notes))}</p>' if bill.notes else ""
    if bill.tag_differences:
        notes += html_table(["profile", "tag_key", "bill_value", "profile_map_value", "status"],
                            [[t.profile_name or t.profile_arn, t.tag_key, t.bill_value, t.profile_map_value, t.status]
                             for t in bill.tag_differences], "data bill-tags",
                            headers=["profile", "tag", "on the bill", "in the profile map", "status"])
    if bill.caller_differences:
        notes += html_table(["caller_arn", "account_id", "status", "billed_cost_usd", "estimated_cost_usd"],
                            [[c.caller_arn or "(no principal)", c.account_id, c.status, c.billed_cost_usd,
                              c.estimated_cost_usd] for c in bill.caller_differences], "data bill-callers",
                            headers=["caller", "account", "status", "billed", "logs estimate"])
    why = ("" if bill.window == period else
           f"Not the report's window: the bill is per billing period, so this is {bill.name}'s days in the bill marts")
    return section(f"bill-{bill.name}", f"Bill versus estimate, {bill.name}", bill.window,
                   intro + waterfall_chart(bill) + steps + status + notes + chargeback_tables(bill), why,
                   billing_period=bill.name,
                   log_estimate_usd=number(bill.total("log_estimate")), net_bill_usd=number(bill.total("net_bill")))


def chargeback_tables(bill: BillPeriod) -> str:
    """The invoice shared out: billed cost per app and team beside the estimate, and what stays
    unattributed by kind and reason (none without the chargeback models, or before anything is billed)."""
    if not bill.apps or bill.status.bill_through_date is None:
        return ""
    net = sum(a.net_cost_usd for a in bill.apps)
    intro = (f'<h3>Billed cost by app and team</h3><p class="muted">The net bill, {esc(plain_money(net))}, every '
             "dollar allocated (<code>fct_bill_chargeback</code>; the rules: docs/bill.md). Shared: provisioned "
             "throughput, batch, mantle, guardrails, knowledge bases, AgentCore and the rest, tax included. "
             f"For finance: <code>bedrock-costs chargeback --period {esc(bill.name)}</code>.</p>")
    apps = html_table(["app", "team", "cost_center", "estimated_cost_usd", "net_cost_usd", "change_usd",
                       "shared_cost_usd", "credit_usd"],
                      [[a.app, a.team, a.cost_center, a.estimated_cost_usd, a.net_cost_usd, a.difference_usd,
                        a.shared_cost_usd, a.credits_and_discounts_usd] for a in bill.apps], "data bill-chargeback",
                      headers=["app", "team", "cost center", "estimate", "billed", "difference", "shared",
                               "discounts, credits"])
    shown = [u for u in bill.unattributed or [] if round(u.net_cost_usd, 2) != 0]
    unattributed = html_table(["charge_kind", "unattributed_reason", "net_cost_usd"],
                              [[u.charge_kind, u.reason, u.net_cost_usd] for u in shown], "data bill-unattributed",
                              headers=["unattributed charge", "why", "billed"]) if shown else ""
    return intro + apps + unattributed


# ---------------------------------------------------------------------------------------------
# Optional FinOps sections: the column names are read from the table, so any shape renders.


def format_cell(column: str, value: Any) -> tuple[str, bool]:
    """(text, align right) for one cell, by the column's name: _usd money, _pct percent, _share a fraction."""
    if value is None:
        return "", False
    if isinstance(value, Decimal):
        whole = value == value.to_integral_value() and column.endswith(("_count", "_tokens"))
        value = int(value) if whole else float(value)
    if isinstance(value, bool):
        return ("yes" if value else "no"), False
    kind = COLUMN_FORMATS.get(column, "")
    if isinstance(value, (int, float)):
        if column == "change_usd":
            return signed_money(float(value)), True
        if column.endswith("_usd"):
            return plain_money(float(value)), True  # -$0.30, never $-0.30 or -$0.00
        if kind == "share" or column.endswith("_share"):
            return pct(float(value), 1), True
        if kind == "times" or column.endswith("_ratio"):
            return f"{value:,.1f}×", True  # noqa: RUF001 (the multiplication sign, on purpose)
        if kind == "percent" or column.endswith("_pct"):
            return f"{value:,.1f}%", True
        return (f"{value:,}", True) if isinstance(value, int) else (f"{value:,.2f}", True)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}", False
    if isinstance(value, dt.date):
        return value.isoformat(), False
    return str(value).replace("_", " ") if column.endswith(("_status", "_type", "_kind")) else str(value), False


def html_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], cls: str = "",
               headers: Sequence[str] | None = None) -> str:
    """A table whose cells are formatted by their column's name (see format_cell)."""
    labels = headers or [COLUMN_LABELS.get(c, c.replace("_", " ")) for c in columns]
    head = "".join(f'<th class="{"num" if c.endswith(NUMERIC_SUFFIXES) or c in COLUMN_FORMATS else ""}">'
                   f'{esc(h)}</th>' for c, h in zip(columns, labels, strict=True))
    body = []
    for row in rows:
        cells = []
        for column, value in zip(columns, row, strict=True):
            content, right = format_cell(column, value)
            right = right or column in RIGHT_ALIGNED_TEXT
            klass = "num" if right else "prose" if column in PROSE_COLUMNS else ""
            cells.append(f'<td class="{klass}">{esc(content)}</td>' if klass else f"<td>{esc(content)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


NUMERIC_SUFFIXES = ("_usd", "_count", "_tokens", "_share", "_ratio", "_pct")
RIGHT_ALIGNED_TEXT = {"change_pct", "bill_amount"}  # numbers already written as text (+12.3%, new, n/a, -$5.00)
PROSE_COLUMNS = {"description", "alternative_note"}


def budget_chart(mart: OptionalMart) -> str:
    """Month-to-date spend as a share of each app's budget, the forecast as a tick; colour by status."""
    needed = {"app", "monthly_budget_usd", "mtd_cost_usd"}
    if not needed <= set(mart.columns):
        return ""
    rows = []
    for r in mart.rows:
        budget, spent = r["monthly_budget_usd"], r["mtd_cost_usd"]
        if not budget or spent is None:
            continue
        budget, spent = float(budget), float(spent)
        forecast = r.get("trailing_7d_forecast_usd")
        status = r.get("budget_status") or ("over_budget" if spent >= budget else "on_track")
        ratio = spent / budget
        marker = float(forecast) / budget if forecast is not None else None
        value = f"{money(spent)} of {money(budget)} ({ratio:.0%})"
        if forecast is not None:
            value += f", forecast {money(float(forecast))}"
        color = BUDGET_STATUS_COLORS.get(status, OTHER_COLOR)
        rows.append(BarRow(str(r["app"]), [Segment("spent", min(ratio, 2.0), color, pct(ratio))],
                           value, f"{r['app']}: {status.replace('_', ' ')}",
                           {"app": r["app"], "mtd_cost_usd": number(spent), "monthly_budget_usd": number(budget),
                            "budget_status": status},
                           marker=None if marker is None else min(marker, 2.0)))
    if not rows:
        return ""
    scale = max(1.0, max(max(r.segments[0].value, r.marker or 0) for r in rows))
    statuses = [s for s in BUDGET_STATUS_COLORS if any(r.data["budget_status"] == s for r in rows)]
    return (legend((s.replace("_", " "), BUDGET_STATUS_COLORS[s]) for s in statuses)
            + bar_rows_chart("budget-status", rows, "Month-to-date spend against budget per app",
                             scale_max=scale, reference=(1.0, "budget")))


SAVINGS_SHOWN = 10
SPEND = ("app", "team", "model_id", "price_scope", "geography")  # the spend the options of a savings row replace


def option_name(row: dict[str, Any]) -> str:
    """global routing, or the substitute model's short name."""
    if row["alternative_kind"] == "global_routing":
        return "global routing"
    return f"switch to {short_model(row['alternative_model_id'])}"


def savings_table(mart: OptionalMart) -> str:
    """One row per spend (an app's tokens on one model, scope and geography) with its biggest saving;
    its other options beside it, as alternatives; the total counts one option per spend."""
    spends: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for row in mart.rows:
        spends.setdefault(tuple(row[k] for k in SPEND), []).append(row)
    options = sorted((sorted(rows, key=lambda r: r["option_rank"]) for rows in spends.values()),
                     key=lambda rows: (-(rows[0]["saving_usd"] or 0), rows[0]["app"]))
    rows = [[o[0]["app"], short_model(o[0]["model_id"]), o[0]["price_scope"], o[0]["current_list_cost_usd"],
             option_name(o[0]), o[0]["alternative_cost_usd"], o[0]["saving_usd"], o[0]["saving_pct"],
             "; ".join(f"{option_name(r)} saves {money(r['saving_usd'])}" for r in o[1:]) or "none"]
            for o in options[:SAVINGS_SHOWN]]
    best = sum(o[0]["saving_usd"] or 0 for o in options)
    spent = sum(o[0]["current_list_cost_usd"] or 0 for o in options)
    note = (f'<p class="savings-total" data-best-saving-usd="{number(best)}" data-spends="{len(options)}">'
            f"Taking the biggest saving of each of the {len(options)} spends saves up to <b>{esc(money(best))}</b> "
            f"of {esc(money(spent))} at list price. The options in one row exclude each other: never add them up."
            + (f" The {SAVINGS_SHOWN} biggest are shown." if len(options) > SAVINGS_SHOWN else "") + "</p>")
    return note + html_table(
        ["app", "model_id", "price_scope", "current_list_cost_usd", "best_option", "alternative_cost_usd",
         "saving_usd", "saving_pct", "alternative_note"], rows, "data savings",
        headers=["app", "model", "routing", "now, at list price", "biggest saving", "would cost", "saving",
                 "saving %", "or instead (alternatives, not additions)"])


def cache_economics_table(mart: OptionalMart) -> str:
    """The mart's verdict per app, with the report's one cache measure (cached share: cache reads over
    every input token, figures.cached_share)."""
    columns = ["app", "cached_input_share", "reads_per_write_token", "cache_read_savings_usd",
               "cache_write_premium_usd", "net_cache_savings_usd", "cache_status"]
    rows = [[r["app"], cached_share(r["cache_read_input_tokens"], r["total_input_tokens"]),
             r["reads_per_write_token"], r["cache_read_savings_usd"], r["cache_write_premium_usd"],
             r["net_cache_savings_usd"], r["cache_status"]] for r in mart.rows]
    return html_table(columns, rows, "data")


def optional_section(mart: OptionalMart, period: Period, data_first: dt.date | None = None) -> str:
    spec = mart.spec
    intro = f'<p class="muted">{esc(spec.blurb)} From <code>{esc(spec.relation)}</code>.</p>'
    if not mart.rows:
        body = f'<p class="muted">No rows in {esc(mart.name)} for this window.</p>'
    elif spec.section == "savings":
        body = savings_table(mart)
    elif spec.section == "cache-economics":
        body = cache_economics_table(mart)
    else:
        chart = budget_chart(mart) if spec.section == "budgets" else ""
        body = chart + html_table(mart.shown, [[r[c] for c in mart.shown] for r in mart.rows], "data")
    # a period-scoped mart without window columns (anomalies) still says which days it scores
    own = mart.window != period or (spec.scope == "period" and not mart.has_window_columns)
    return section(spec.section, spec.title, mart.window, intro + body, spec.why if own else "", data_first,
                   source=mart.name, rows=len(mart.rows))


def window_line(window: Period | None, why: str = "", data_first: dt.date | None = None) -> str:
    """The days a section covers, first thing under its title; when the data starts later, from when;
    and why they are not the report's."""
    days = days_text(window) if window else "the mart's own window (it has no window columns)"
    if window and data_first and window.first < data_first <= window.last:
        days += f", data from {data_first:%d %b %Y}"
    reason = f' <span class="why">{esc(why)}.</span>' if why else ""
    return f'<p class="window"><b>{esc(days)}</b>{reason}</p>'


def section(name: str, title: str, window: Period | None, body: str, why: str = "",
            data_first: dt.date | None = None, **data: Any) -> str:
    """A titled section that states its window, in data-window-* attributes and in words."""
    attributes = {"section": name, **data}
    if window:
        attributes |= {"window_start": window.first.isoformat(), "window_end": window.last.isoformat()}
    attrs = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in attributes.items())
    return f"<section{attrs}><h2>{esc(title)}</h2>{window_line(window, why, data_first)}{body}</section>"


# ---------------------------------------------------------------------------------------------
# The page.

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; background: #f4f5f7; color: #1f2328; overflow-wrap: break-word;
       font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", "Liberation Sans", sans-serif; }
main { max-width: 1280px; margin: 0 auto; padding: 24px; }
header h1 { font-size: 24px; margin: 0 0 2px; }
.muted { color: #59636e; margin: 0 0 10px; }
code { overflow-wrap: anywhere; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 240px), 1fr)); gap: 12px; margin: 16px 0; }
.card { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 12px 14px; min-width: 0; }
.card .k { color: #59636e; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .s { color: #59636e; font-size: 12px; }
.card.warn { border-color: #d4a72c; background: #fff8e5; }
section { background: #fff; border: 1px solid #d8dee4; border-radius: 8px; padding: 16px 18px; margin: 0 0 16px; min-width: 0; }
section h2 { font-size: 17px; margin: 0 0 2px; }
.grid2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 540px), 1fr)); gap: 16px; }
.grid2 section { margin: 0 0 16px; }
svg.chart { display: block; width: 100%; max-width: 100%; height: auto; overflow: visible; }
svg text { font-family: inherit; fill: #1f2328; }
svg .tick { font-size: 12px; fill: #59636e; font-variant-numeric: tabular-nums; }
svg .value { font-size: 12.5px; font-weight: 600; font-variant-numeric: tabular-nums; }
svg .label { font-size: 13px; }
svg .grid { stroke: #e4e8ec; }
svg .axis { stroke: #8c959f; }
svg .reference { stroke: #1f2328; stroke-dasharray: 4 3; }
svg .marker { stroke: #1f2328; stroke-width: 3; }
svg .projection { opacity: .35; }
svg .connector { stroke: #8c959f; stroke-dasharray: 3 3; }
svg .axis-break { fill: none; stroke: #fff; stroke-width: 5; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 16px; margin: 8px 0; font-size: 13px; }
.legend .key i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; margin-right: 6px; vertical-align: -1px; }
.table-wrap { max-width: 100%; overflow-x: auto; margin-top: 10px; }
table.data { border-collapse: collapse; width: 100%; font-size: 13px; }
table.data th, table.data td { padding: 4px 8px; border-bottom: 1px solid #eaeef2; text-align: left; vertical-align: top; }
table.data td { white-space: nowrap; }
table.data td.prose { white-space: normal; min-width: 14em; }
table.data th { color: #59636e; font-weight: 600; }
table.data th.num { text-align: right; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.roles tr.role td { border-top: 1px solid #d8dee4; }
table.roles td.indent { padding-left: 24px; color: #59636e; }
p.window { margin: 0 0 4px; font-size: 13px; }
p.window .why { color: #59636e; font-weight: normal; }
.alert { background: #fff8e5; border: 1px solid #d4a72c; border-radius: 8px; padding: 10px 14px; margin: 0 0 16px; }
footer { color: #59636e; font-size: 12px; }
@media (max-width: 720px) {
  main { padding: 12px; }
  header h1 { font-size: 20px; }
  section { padding: 12px; }
  .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px; }
  .card { padding: 10px; }
  .card .v { font-size: 20px; }
  table.data td.prose { min-width: 10em; }
}
"""  # noqa: E501 (one CSS rule a line)

# Not needed to read the report: it records what the browser actually laid out (each chart's size and
# how many marks have a non-empty box) as data-* attributes, so the browser test can read them back.
RENDER_CHECK = """
(function () {
  var charts = document.querySelectorAll('svg[data-chart]');
  charts.forEach(function (svg) {
    var box = svg.getBoundingClientRect();
    var drawn = 0;
    svg.querySelectorAll('.mark').forEach(function (m) { var b = m.getBBox(); if (b.width > 0 && b.height > 0) drawn++; });
    svg.setAttribute('data-rendered-width', Math.round(box.width));
    svg.setAttribute('data-rendered-height', Math.round(box.height));
    svg.setAttribute('data-rendered-marks', drawn);
  });
  document.body.setAttribute('data-charts-rendered', charts.length);
  // the page's width as laid out: wider than the window means a reader scrolls sideways
  var root = document.documentElement;
  document.body.setAttribute('data-scroll-width', root.scrollWidth);
  document.body.setAttribute('data-client-width', root.clientWidth);
  // what is wider than its box: a card or section spills; a table-wrap scrolls inside its section
  var wider = [];
  document.querySelectorAll('section, .card, .table-wrap').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) {
      var owner = e.closest('section');
      wider.push((e.classList.contains('table-wrap') ? 'table-wrap' : e.tagName.toLowerCase()) + ':' +
                 (owner ? owner.getAttribute('data-section') : e.getAttribute('data-metric')));
    }
  });
  document.body.setAttribute('data-wider-than-box', wider.join(' '));
})();
"""  # noqa: E501 (one statement a line)


def card(key: str, value: str, sub: str = "", warn: bool = False, **data: Any) -> str:
    attributes = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in data.items())
    return (f'<div class="card{" warn" if warn else ""}"{attributes}><div class="k">{esc(key)}</div>'
            f'<div class="v">{esc(value)}</div><div class="s">{esc(sub)}</div></div>')


def cards(h: Headline, compared: Comparison) -> str:
    total = h.total_cost_usd
    cost_text = money(total) if total is not None else money(h.priced_cost_usd)
    previous = h.previous_priced_cost_usd
    if total is None:
        cost_sub = f"priced part only: {h.unpriced_request_count:,} requests unpriced"
    elif previous:
        cost_sub = f"{signed_pct(h.priced_cost_usd / previous - 1)} vs the previous {compared.previous.days} days " \
                   f"({money(previous)})"
    elif previous is not None:
        cost_sub = f"nothing spent in the previous {compared.previous.days} days"
    else:
        cost_sub = f"at list price; no previous {compared.previous.days} days in the data"
    per_m = h.priced_cost_usd / h.total_tokens * 1e6 if h.total_tokens and total is not None else None
    per_req = h.priced_cost_usd / h.request_count if h.request_count and total is not None else None
    unattributed_share = h.unattributed_cost_usd / h.priced_cost_usd if h.priced_cost_usd else 0.0
    return '<div class="cards">' + "".join([
        card("Total cost", cost_text, cost_sub, warn=total is None, metric="total_cost_usd",
             previous_cost_usd="" if previous is None else number(previous)),
        card("Requests", count(h.request_count), f"{h.error_count:,} failed", metric="request_count"),
        card("Tokens", compact(h.total_tokens), f"{compact(h.input_tokens)} in, {compact(h.output_tokens)} out",
             metric="total_tokens"),
        card("Cost per 1M tokens", money(per_m), "all token kinds, blended", metric="cost_per_1m_tokens"),
        card("Cost per request", money(per_req), "failed requests included", metric="cost_per_request"),
        card("Cached share", pct(h.cached_token_share, 1), "of all input tokens read from the prompt cache",
             metric="cached_token_share"),
        card("Unattributed spend", money(h.unattributed_cost_usd),
             f"{unattributed_share:.1%} of spend: no profile, no trusted gateway named an app",
             warn=unattributed_share > 0.2, metric="unattributed_cost_usd"),
        card("Unpriced requests", count(h.unpriced_request_count),
             "add their prices to model_pricing.csv" if h.unpriced_request_count else "every request has a price",
             warn=h.unpriced_request_count > 0, metric="unpriced_request_count"),
    ]) + "</div>"


def unattributed_split(h: Headline) -> str:
    direct = f"{money(h.direct_cost_usd)} called directly with a model id"
    if not h.unmapped_profile_cost_usd:
        return direct + "."
    return f"{direct}, {money(h.unmapped_profile_cost_usd)} through application profiles missing from profile_map.csv."


def render_page(data: ReportData, title: str = "Amazon Bedrock cost report") -> str:
    h, p, compared = data.headline, data.period, data.comparison
    root_data = {
        "period_start": p.first.isoformat(), "period_end": p.last.isoformat(),
        "previous_start": compared.previous.first.isoformat(), "previous_end": compared.previous.last.isoformat(),
        "total_cost_usd": "" if h.total_cost_usd is None else number(h.total_cost_usd),
        "priced_cost_usd": number(h.priced_cost_usd),
        "previous_cost_usd": "" if h.previous_priced_cost_usd is None else number(h.previous_priced_cost_usd),
        "request_count": h.request_count,
        "unpriced_request_count": h.unpriced_request_count, "total_tokens": h.total_tokens,
        "cached_token_share": "" if h.cached_token_share is None else number(h.cached_token_share),
        "unattributed_cost_usd": number(h.unattributed_cost_usd),
        "optional_sections": " ".join(m.section for m in data.optional),
        "bill_periods": " ".join(b.name for b in data.bill),
    }
    attributes = "".join(f' data-{k.replace("_", "-")}="{esc(v)}"' for k, v in root_data.items())
    sections: list[str] = []
    if h.unpriced_request_count:
        sections.append(f'<div class="alert"><b>{h.unpriced_request_count:,} requests have no price.</b> Costs below '
                        "leave them out; add their models to seeds/model_pricing.csv and rebuild.</div>")
    sections.append(section(
        "daily", "Daily cost by app", p,
        '<p class="muted">Stacked per UTC day; the total is printed above each bar. '
        "<b>unattributed</b> is spend that no mapped application profile and no trusted gateway's "
        f"requestMetadata assigns to an app.</p>{stacked_daily_chart(data.daily)}"))
    app_total = sum(r.cost_usd or 0 for r in data.app_teams)
    sections.append(section(
        "apps", "Cost by app and team", p,
        '<p class="muted">Each app, its team and how the app was attributed: <b>profile</b> (a mapped '
        "application profile's tags), <b>request_metadata</b> (the app a trusted gateway named) or "
        f"<b>unattributed</b>. {esc(comparison_note(compared))}</p>"
        + app_team_table(data.app_teams, app_total),
        compared_start=compared.previous.first.isoformat() if compared.covered else ""))
    team_total = sum(t.cost_usd for t in data.teams)
    legend_html = legend([("this period", PALETTE[0])]) + (
        '<p class="muted">The black tick: the previous period\'s cost.</p>' if compared.covered else "")
    sections.append(section(
        "teams", "Cost by team and cost center", p,
        f'<p class="muted">Teams and cost centers by the same attribution as apps. {esc(comparison_note(compared))}'
        f"</p>{legend_html}"
        + bar_rows_chart("team-cost", team_rows(data.teams, compared), "Cost per team and cost center",
                         scale_max=max([max(t.cost_usd, t.previous_cost_usd or 0) for t in data.teams] or [1.0]),
                         total_cost_usd=number(team_total))
        + team_table(data.teams, team_total)))
    sections.append(section(
        "callers", f"Who spends: roles and the top {len(data.callers)} callers", p,
        '<p class="muted">Each IAM role with its sessions beneath it: the tasks of one service, the users of one '
        "SSO permission set. <b>direct</b>: the share of the role's spend called directly with a model id.</p>"
        + role_table(data.roles)
        + '<p class="muted">The top callers (sessions, users), each with its role, split by how they called: '
        "through an application inference profile, or directly with a model id. Hover for the apps their spend "
        "went to.</p>"
        + route_legend(data.callers)
        + caller_chart("top-callers", data.callers, "Top callers, direct versus via profile")))
    model_total = sum(m.cost_usd for m in data.models)
    model_table = html_table(
        ["model_id", "request_count", "cost_usd", "cost_per_1m_tokens_usd", "cached_token_share"],
        [[m.model_id or "(unmapped profile)", m.request_count, m.cost_usd, m.cost_per_1m_tokens_usd,
          m.cached_token_share] for m in data.models], "data",
        headers=["model", "requests", "cost", "cost per 1M tokens", "cached share"])
    sections.append(
        '<div class="grid2">'
        + section("models", "Model mix", p, '<p class="muted">Cost per model and its share of the total.</p>'
                  + bar_rows_chart("model-mix", model_rows(data.models, model_total), "Cost per model", width=600,
                                   total_cost_usd=number(model_total)))
        + section("cache", "Cache share by app", p,
                  '<p class="muted">Cached share: input tokens read from the prompt cache (billed at a fraction of '
                  "the input rate) over every input token - uncached, cache reads and cache writes. The one cache "
                  f"measure of this report. Overall: <b>{pct(h.cached_token_share, 1)}</b>.</p>"
                  + bar_rows_chart("cache-share", cache_rows(data.cache_by_app), "Cached token share per app",
                                   width=600, scale_max=1.0))
        + "</div>")
    unattributed_total = h.unattributed_cost_usd
    if data.unattributed_callers and unattributed_total > 0:
        body = route_legend(data.unattributed_callers) + caller_chart(
            "unattributed", data.unattributed_callers, "Unattributed spend by caller",
            total_cost_usd=number(unattributed_total))
    else:
        body = '<p class="muted">None: every request was attributed to an app.</p>'
    sections.append(section(
        "unattributed", f"Unattributed spend: {money(unattributed_total)}", p,
        f'<p class="muted">The app <b>unattributed</b>: {esc(unattributed_split(h))} Give these callers an '
        "application profile, or route them through a trusted gateway that names the app.</p>" + body))
    sections.extend(bill_section(b, p) for b in data.bill)
    sections.extend(optional_section(m, p, compared.data_first) for m in data.optional)
    sections.append(section("model-table", "Models in detail", p, model_table))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<style>{CSS}</style></head>"
        f'<body><main id="report"{attributes}>'
        f"<header><h1>{esc(title)}</h1><p class=\"muted\">{esc(days_text(p))}, at list price, from the dbt marts."
        " Sections with another window say so under their title.</p></header>"
        f"{cards(h, compared)}{''.join(sections)}"
        f"<footer>Generated {data.generated_at:%Y-%m-%d %H:%M} UTC by bedrock-costs report from the reporting models "
        "over fct_daily_app_cost, fct_daily_caller_cost, fct_daily_app_caller_cost"
        + "".join(f", {esc(m.name)}" for m in data.optional)
        + "".join(f", {name}" for name in bill_marts_read(data.bill)) + ".</footer>"
        f"</main><script>{RENDER_CHECK}</script></body></html>\n"
    )


def empty_page(title: str = "Amazon Bedrock cost report") -> str:
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
            f'<style>{CSS}</style></head><body><main id="report" data-total-cost-usd="">'
            f'<h1>{esc(title)}</h1><p class="muted">No usage in the marts yet.</p></main></body></html>\n')
