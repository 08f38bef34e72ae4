"""`bedrock-costs notify` end to end on DuckDB: hand-written logs with known alerts, routed by a routing
seed to real channels on this machine (an HTTP server standing in for Slack, Teams and a webhook, aiosmtpd
for SMTP) and to SNS, SES and Secrets Manager in moto; what arrived is read back and checked, as is the
state table it keeps in the DuckDB file.

The logs (test_finops_budgets' spend, priced by the real seeds, and three more calls on Nov 10):
- legal-drafting (team legal, CC-5001): $300 a day Nov 1-10 = $3,000.00 of its $2,500.00 budget (120.0%):
  it has reached its 100% threshold;
- code-review (team platform, CC-2001): $850.00 of $1,500.00 (56.7%), forecast $2,850.00 at $100 a day:
  forecast to reach 100%;
- the IAM user new-spender calls Opus 4.1 directly for the first time on Nov 10 at 11:00, 1M input tokens
  at $15 per 1M: a new expensive spender of $15.00 in 1 request;
- a call through an application profile missing from profile_map.csv (unmapped_profile), and one with a
  model id no catalog knows (unpriced_model), 1,000 input tokens each.
"""

from __future__ import annotations

import base64
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import duckdb
import pytest
from moto import mock_aws

from bedrock_costs import notify
from bedrock_costs.errors import InputError
from bedrock_costs.notify import routes as routes_module
from conftest import Project, make_project
from notify_support import HttpSink, SmtpSink, http_sink, smtp_sink
from test_bill import billed  # noqa: F401 (a fixture: six days of logs and their bill, differences planted)
from test_finops_budgets import CALLS as BUDGET_CALLS
from test_finops_logs import ACCOUNT, OPUS_41, Call, at, failures, write_logs

# aiosmtpd warns that the stand-in asks for a login without TLS: on 127.0.0.1, on purpose
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

M = 1_000_000
UNMAPPED = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/zz9unmapped1"
UNKNOWN_MODEL = "anthropic.claude-imaginary-v9:0"
SPENDER = f"arn:aws:iam::{ACCOUNT}:user/new-spender"
CALLS = [
    *BUDGET_CALLS,
    Call("opus-direct", at(10, 11), OPUS_41, caller_arn=SPENDER, input_tokens=M),
    Call("unmapped-profile", at(10, 12), UNMAPPED, input_tokens=1000),
    Call("unknown-model", at(10, 13), UNKNOWN_MODEL, input_tokens=1000),
]
MOTO_ACCOUNT = "123456789012"
TOPIC = f"arn:aws:sns:us-east-1:{MOTO_ACCOUNT}:bedrock-budgets"
SMTP_USER, SMTP_PASSWORD = "alerts", "Smtp-Pa55word-planted"
# Every route of the test: the routing seed a team would write. The Slack route is the default.
ROUTES = f"""route,alert_kind,team,app,cost_center,channel,secret_ref,destination,sender,is_default
finops-slack,,,,,slack,env:TEST_SLACK_URL,,,true
platform-teams,,platform,,,teams,env:TEST_TEAMS_URL,,,false
legal-email,budget,legal,,,email,secretsmanager:test/smtp,legal-ops@example.com,alerts@example.com,false
legal-ses,budget,,legal-drafting,,ses,,legal-lead@example.com,alerts@example.com,false
budgets-sns,budget,,,,sns,,{TOPIC},,false
oncall-webhook,unpriced_model;unmapped_profile,,,,webhook,env:TEST_WEBHOOK_URL,,,false
"""
SLACK_PATH = "/slack/services/T0TEST/B0TEST/"
SLACK_TOKEN = "SlackToken-planted-7f3a9c"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The logs above, built with the test's routing seed (a private copy of the project)."""
    root = tmp_path_factory.mktemp("notify")
    write_logs(root / "logs", CALLS)
    project = make_project(root / "project", root / "logs", own_copy=True)
    (project.project_dir / "seeds" / "alert_routes.csv").write_text(ROUTES)
    project.default_vars = {"bedrock_costs_fail_on_unpriced": False}
    run = project.dbt("build", "--select", "+rpt_alert_candidates", "+rpt_app_owners", "+fct_app_budget_status",
                      "+rpt_daily_totals", "alert_routes", "--indirect-selection", "cautious")
    assert run.success, failures(run)
    project.query("checkpoint")
    return project


@pytest.fixture
def project(built: Project, tmp_path: Path) -> Project:
    """A copy of the built database (each test keeps its own state), same file name, so the same catalog."""
    copy = Project(tmp_path, built.logs, tmp_path / built.database.name, built.project_dir, built.default_vars)
    shutil.copy(built.root / "profiles.yml", tmp_path / "profiles.yml")
    shutil.copy(built.database, copy.database)
    return copy


@dataclass
class Channels:
    """The stand-ins of one test, and the moto session."""

    http: HttpSink
    smtp: SmtpSink
    session: boto3.Session
    queue: str

    def sns(self) -> list[str]:
        sqs = self.session.client("sqs")
        found = []
        while True:
            messages = sqs.receive_message(QueueUrl=self.queue, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(message["Body"])
                sqs.delete_message(QueueUrl=self.queue, ReceiptHandle=message["ReceiptHandle"])

    def ses(self) -> list[Any]:
        from moto.ses.models import ses_backends

        return list(ses_backends[MOTO_ACCOUNT]["us-east-1"].sent_messages)


@pytest.fixture
def channels(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Channels]:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                        "AWS_SESSION_TOKEN": "testing", "AWS_DEFAULT_REGION": "us-east-1",
                        "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_EC2_METADATA_DISABLED": "true",
                        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("BEDROCK_COSTS_REPORT_URL", raising=False)
    with ExitStack() as stack:
        http = stack.enter_context(http_sink())
        smtp = stack.enter_context(smtp_sink(SMTP_USER, SMTP_PASSWORD))
        stack.enter_context(mock_aws())
        session = boto3.Session(region_name="us-east-1")
        topic = session.client("sns").create_topic(Name="bedrock-budgets")["TopicArn"]
        assert topic == TOPIC
        sqs = session.client("sqs")
        queue = sqs.create_queue(QueueName="budgets")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        session.client("sns").subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn,
                                        Attributes={"RawMessageDelivery": "true"})
        session.client("sesv2").create_email_identity(EmailIdentity="alerts@example.com")
        session.client("secretsmanager").create_secret(
            Name="test/smtp", SecretString=f"smtp://{SMTP_USER}:{SMTP_PASSWORD}@{smtp.host}:{smtp.port}")
        monkeypatch.setenv("TEST_SLACK_URL", f"{http.url}{SLACK_PATH}{SLACK_TOKEN}")
        monkeypatch.setenv("TEST_TEAMS_URL", f"{http.url}/teams/workflows/TeamsSig-planted-0b1c2d")
        monkeypatch.setenv("TEST_WEBHOOK_URL", f"{http.url}/hook/Hook-planted-5e6f7a?token=HookQuery-planted-8b9c")
        yield Channels(http, smtp, session, queue)


def run(project: Project, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = notify.main(["--database", str(project.database), *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def state_rows(project: Project) -> list[dict[str, Any]]:
    return project.query_rows("select * from main.alert_deliveries order by notified_at, route, alert_key")


def test_the_alerts_of_the_logs(built: Project) -> None:
    """rpt_alert_candidates holds the conditions the logs were written to make (budgets are notify's)."""
    rows = built.query_rows("select * from main.rpt_alert_candidates order by alert_key")
    assert [(r["alert_kind"], r["entity_key"]) for r in rows] == [
        ("new_spender", SPENDER),
        ("unmapped_profile", UNMAPPED),
        ("unpriced_model", f"{UNKNOWN_MODEL} in_region us-east-1 unpriced direct"),
    ]
    spender = rows[0]
    assert (spender["alert_window"], spender["amount_usd"], spender["request_count"], spender["model_id"]) == (
        "2026-11-10 11:00", pytest.approx(15.0), 1, OPUS_41)
    assert (spender["caller_name"], spender["app"], spender["report_section"]) == ("new-spender", "unattributed",
                                                                                   "anomalies")
    assert rows[1]["alert_key"] == f"unmapped_profile|{UNMAPPED}|2026-11-10"
    assert rows[1]["finding"] == f"UNMAPPED PROFILE: {UNMAPPED}: 1 requests"
    owners = {r["app"]: (r["team"], r["cost_center"]) for r in built.mart("rpt_app_owners")}
    assert owners["legal-drafting"] == ("legal", "CC-5001") and owners["code-review"] == ("platform", "CC-2001")


def test_each_alert_reaches_its_route_once_then_nothing_then_its_resolution(
        project: Project, channels: Channels, capsys: pytest.CaptureFixture[str]) -> None:
    # run 1: everything is new
    code, out, err = run(project, capsys, "--report-url", "https://reports.example.com/cost_report.html")
    assert code == 0, err
    assert "notify: 5 alert(s) now (data through 2026-11-10); 8 to send, 0 sent before" in out
    slack, teams, hook = (channels.http.to(p) for p in (SLACK_PATH, "/teams/", "/hook/"))
    assert (len(slack), len(teams), len(hook), len(channels.http.requests)) == (1, 1, 1, 3)

    # Slack (the default route): the new Opus spender, and only it
    text = str(slack[0].json())
    assert "new expensive spender: caller new-spender: $15.00 (from 2026-11-10 11:00 UTC)" in text
    assert f"caller new-spender ({SPENDER})" in text and f"model {OPUS_41}" in text
    assert "Bedrock costs: 1 alert (data through 2026-11-10)" in text and "legal-drafting" not in text
    assert "<https://reports.example.com/cost_report.html#anomalies|Open the report's anomalies section>" in text
    # Teams (team platform): code-review's forecast, as an Adaptive Card
    card = teams[0].json()["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    lines = [block["text"] for block in card["content"]["body"]]
    assert "NEW budget: app code-review, forecast to reach 100%: $850.00 (2026-11 month to date through 2026-11-10)" \
        in lines
    assert "Who: app code-review, team platform, cost center CC-2001" in lines
    assert any(line.startswith("Found: code-review: $850.00 of $1,500.00 (56.7%) is forecast to reach its 100% "
                               "threshold; forecast $2,850.00, exceeds on 2026-11-17") for line in lines)
    assert "Report: https://reports.example.com/cost_report.html#budgets" in lines
    # the webhook (unpriced and unmapped): JSON, every field by name
    document = hook[0].json()
    assert document["source"] == "bedrock-costs" and document["as_of"] == "2026-11-10" and document["resolved"] == []
    assert sorted((a["kind"], a["entity_key"], a["request_count"]) for a in document["alerts"]) == [
        ("unmapped_profile", UNMAPPED, 1),
        ("unpriced_model", f"{UNKNOWN_MODEL} in_region us-east-1 unpriced direct", 1)]
    assert all(a["event"] == "new" and a["fix"] for a in document["alerts"])
    # e-mail by SMTP, the server URL from Secrets Manager: legal-drafting over budget, to the legal team
    (mail,) = channels.smtp.mails
    assert (mail.mail_from, mail.rcpt_tos, mail.login) == ("alerts@example.com", ["legal-ops@example.com"], SMTP_USER)
    assert mail.message["Subject"] == "Bedrock costs: 1 alert (data through 2026-11-10)"
    assert "NEW budget: app legal-drafting, reached 100%: $3,000.00 (2026-11 month to date through 2026-11-10)" \
        in mail.text
    assert "legal-drafting: $3,000.00 of $2,500.00 (120.0%) has reached its 100% threshold" in mail.text
    assert "Who: app legal-drafting, team legal, cost center CC-5001" in mail.text
    # SES: the same alert to the app's own route
    (ses,) = channels.ses()
    assert (ses.source, ses.destinations["ToAddresses"]) == ("alerts@example.com", ["legal-lead@example.com"])
    assert "NEW budget: app legal-drafting, reached 100%: $3,000.00" in ses.body
    # SNS: both budgets, in one message
    (sns,) = channels.sns()
    assert "app legal-drafting, reached 100%: $3,000.00" in sns and "app code-review, forecast to reach 100%" in sns
    assert "new-spender" not in sns
    state = state_rows(project)
    assert sorted((r["route"], r["alert_kind"], r["event"]) for r in state) == [
        ("budgets-sns", "budget", "alert"), ("budgets-sns", "budget", "alert"),
        ("finops-slack", "new_spender", "alert"), ("legal-email", "budget", "alert"), ("legal-ses", "budget", "alert"),
        ("oncall-webhook", "unmapped_profile", "alert"), ("oncall-webhook", "unpriced_model", "alert"),
        ("platform-teams", "budget", "alert")]

    # run 2: nothing new, nothing sent, nothing recorded
    code, out, err = run(project, capsys)
    assert code == 0, err
    assert "0 to send, 8 sent before, 0 resolved, 0 closed" in out and "Nothing new to send." in out
    assert (len(channels.http.requests), len(channels.smtp.mails), len(channels.ses()), channels.sns()) == (3, 1, 1, [])
    assert len(state_rows(project)) == 8

    # legal-drafting's budget is raised (its alert clears); code-review's is cut to $800 (its alert gets worse)
    budgets = project.project_dir / "seeds" / "app_budgets.csv"
    original = budgets.read_text()
    try:
        budgets.write_text(original.replace("legal-drafting,2500,", "legal-drafting,100000,")
                           .replace("code-review,1500,", "code-review,800,"))
        rebuilt = project.dbt("build", "--select", "app_budgets+", "--indirect-selection", "cautious")
    finally:
        budgets.write_text(original)
    assert rebuilt.success, failures(rebuilt)

    # run 3: one resolution to each route legal-drafting's alert went to; code-review's again, worse
    code, out, err = run(project, capsys)
    assert code == 0, err
    assert "2 to send, 3 sent before, 3 resolved, 0 closed" in out
    assert len(channels.http.requests) == 4 and len(channels.http.to("/teams/")) == 2
    lines = [block["text"] for block in channels.http.to("/teams/")[1].json()["attachments"][0]["content"]["body"]]
    assert "WORSE budget: app code-review, reached 100%: $850.00 (2026-11 month to date through 2026-11-10)" in lines
    assert len(channels.smtp.mails) == 2
    resolved = [line for line in channels.smtp.mails[1].text.splitlines() if line.startswith("RESOLVED")]
    assert resolved == [line for line in channels.ses()[1].body.splitlines() if line.startswith("RESOLVED")]
    assert len(resolved) == 1
    assert resolved[0].startswith("RESOLVED budget: app legal-drafting, reached 100%: $3,000.00 (2026-11 month to "
                                  "date through 2026-11-10) (alerted ")
    assert resolved[0].endswith(" UTC): no longer found as of 2026-11-10")
    assert "NEW" not in channels.smtp.mails[1].text and "WORSE" not in channels.smtp.mails[1].text
    (sns,) = channels.sns()
    assert "WORSE budget: app code-review, reached 100%" in sns and "RESOLVED budget: app legal-drafting" in sns
    events = [(r["route"], r["event"]) for r in state_rows(project)[8:]]
    assert sorted(events) == [("budgets-sns", "alert"), ("budgets-sns", "resolved"), ("legal-email", "resolved"),
                              ("legal-ses", "resolved"), ("platform-teams", "alert")]

    # run 4: nothing new again
    code, out, err = run(project, capsys)
    assert code == 0 and "Nothing new to send." in out
    assert (len(channels.http.requests), len(channels.smtp.mails), len(channels.ses()), channels.sns()) == (4, 2, 2, [])


def test_a_failed_channel_is_an_error_line_and_the_others_are_sent(
        project: Project, channels: Channels, capsys: pytest.CaptureFixture[str]) -> None:
    channels.http.answers["/teams/"] = (500, "workflow failed")
    code, out, err = run(project, capsys)
    assert code == 4
    assert err.splitlines()[-1] == ("ERROR [WebhookHTTPError]: route platform-teams (teams, env:TEST_TEAMS_URL): the "
                                    "webhook answered HTTP 500: workflow failed; not sent, the next run tries again")
    assert len(channels.http.to(SLACK_PATH)) == len(channels.http.to("/hook/")) == len(channels.smtp.mails) == 1
    assert len(channels.sns()) == 1
    assert "platform-teams" not in {r["route"] for r in state_rows(project)}
    # the next run sends the failed route only, once
    channels.http.answers.clear()
    code, out, err = run(project, capsys)
    assert code == 0, err
    assert "1 to send, 7 sent before" in out
    assert len(channels.http.to("/teams/")) == 2 and len(channels.http.requests) == 4  # the failed try, then this one
    assert len(channels.http.to(SLACK_PATH)) == len(channels.smtp.mails) == 1 and channels.sns() == []


def test_dry_run_prints_each_message_and_sends_and_records_nothing(
        project: Project, channels: Channels, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(project, capsys, "--dry-run")
    assert code == 0, err
    assert "route legal-email (email, secretsmanager:test/smtp): would send 1 alert(s) and 0 resolution(s):" in out
    assert "NEW budget: app legal-drafting, reached 100%: $3,000.00" in out
    assert "Dry run: nothing was sent or recorded." in out
    assert channels.http.requests == [] and channels.smtp.mails == [] and channels.sns() == [] and channels.ses() == []
    assert not project.query("select 1 from information_schema.tables where table_name = 'alert_deliveries'")


def test_kind_restricts_what_is_read_sent_and_resolved(project: Project, channels: Channels,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(project, capsys, "--kind", "budget")
    assert code == 0, err
    assert "notify: 2 alert(s) now" in out and channels.http.to(SLACK_PATH) == [] and channels.http.to("/hook/") == []
    # a run of the other kinds neither resolves the budgets nor sends them again
    code, out, err = run(project, capsys, "--kind", "new_spender")
    assert code == 0, err
    assert "1 to send, 0 sent before, 0 resolved, 0 closed" in out and len(channels.http.to(SLACK_PATH)) == 1


# --- secrets ----------------------------------------------------------------------------------------

PLANTED = ["Smtp-Pa55word-planted", SLACK_TOKEN, "TeamsSig-planted-0b1c2d", "Hook-planted-5e6f7a",
           "HookQuery-planted-8b9c", "UserInfo-planted-4d4d"]


def test_a_planted_secret_never_appears_in_output_logs_state_or_errors(
        project: Project, channels: Channels, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Every channel fails with its secret in play: the servers echo the URL they were sent to, the webhook URL
    carries a password, the SMTP login is refused. The secrets stay out of stdout, stderr, every log record
    (DEBUG and up, every logger), the state and the errors; then they succeed, and still nothing leaks."""
    caplog.set_level(logging.DEBUG)
    channels.smtp.password = "another-password"  # the server refuses the planted one
    for prefix in (SLACK_PATH, "/teams/", "/hook/"):
        channels.http.answers[prefix] = (403, "invalid token for {path}")
    monkeypatch.setenv("TEST_WEBHOOK_URL", f"{channels.http.url.replace('http://', 'http://ops:UserInfo-planted-4d4d@')}"
                                           "/hook/Hook-planted-5e6f7a?token=HookQuery-planted-8b9c")
    code, out, err = run(project, capsys)
    assert code == 4
    errors = [line for line in err.splitlines() if line.startswith("ERROR")]
    assert [line.split("]")[0] for line in errors] == [
        "ERROR [SlackWebhookError", "ERROR [SMTPAuthenticationError", "ERROR [WebhookHTTPError",
        "ERROR [WebhookHTTPError"]
    assert "invalid token for [secret]" in err  # the server's echo of the URL, redacted
    assert (SMTP_USER, False) in channels.smtp.logins
    (hook,) = channels.http.to("/hook/")
    assert hook.headers["Authorization"] == "Basic " + base64.b64encode(b"ops:UserInfo-planted-4d4d").decode()
    assert len(channels.sns()) == 1 and len(channels.ses()) == 1  # AWS routes still sent
    texts = [out, err, caplog.text, *(str(r.getMessage()) for r in caplog.records),
             str(project.query("select * from main.alert_deliveries"))]
    # the dry run prints the routes and messages too
    code, dry_out, dry_err = run(project, capsys, "--dry-run")
    texts += [dry_out, dry_err]
    # now every channel takes it
    channels.http.answers.clear()
    channels.smtp.password = SMTP_PASSWORD
    code, ok_out, ok_err = run(project, capsys)
    assert code == 0, ok_err
    assert len(channels.smtp.mails) == 1
    texts += [ok_out, ok_err, caplog.text, str(project.query("select * from main.alert_deliveries"))]
    for text in texts:
        for secret in PLANTED:
            assert secret not in text


def test_a_failed_channels_exception_holds_no_secret(channels: Channels) -> None:
    """The exception a failed channel raises: its text, its repr and its chain (nothing chained: a library's
    exception may quote the URL)."""
    from bedrock_costs.notify import channels as senders
    from bedrock_costs.notify.messages import Message
    from bedrock_costs.notify.secrets import Secrets

    channels.http.answers["/slack/"] = (404, "no such hook: {path}")
    secrets = Secrets(lambda: channels.session)
    for name, ref in (("slack", "env:TEST_SLACK_URL"), ("email", "secretsmanager:test/smtp")):
        channels.smtp.password = "refused"
        route = routes_module.Route(name, name, ref, ("a@example.com",) if name == "email" else (),
                                    "b@example.com" if name == "email" else None)
        with pytest.raises(senders.ChannelError) as caught:
            senders.send(route, Message(), secrets, lambda: channels.session, "run")
        error = caught.value
        assert error.__cause__ is None and error.__context__ is None
        for secret in PLANTED:
            assert secret not in str(error) and secret not in repr(error)


def test_a_route_holding_a_secret_is_refused_without_printing_it() -> None:
    url = f"https://hooks.slack.com/services/T0/B0/{SLACK_TOKEN}"
    base = {"route": "r", "channel": "slack", "secret_ref": "env:X"}
    for row in ({**base, "secret_ref": url}, {**base, "team": url}, {**base, "destination": url},
                {**base, "channel": "email", "secret_ref": "env:X", "destination": f"ops:{SLACK_TOKEN}@example.com",
                 "sender": "a@example.com"}):
        with pytest.raises(InputError) as caught:
            routes_module.parse_route(row)
        assert SLACK_TOKEN not in str(caught.value) and "route r" in str(caught.value)


def test_a_bad_route_in_the_seed_is_bad_input_and_nothing_is_sent(
        project: Project, channels: Channels, capsys: pytest.CaptureFixture[str]) -> None:
    with duckdb.connect(str(project.database)) as con:
        con.execute("update main.alert_routes set secret_ref = ? where route = 'finops-slack'",
                    [f"https://hooks.slack.com/services/T0/B0/{SLACK_TOKEN}"])
    code, out, err = run(project, capsys)
    assert code == 2
    assert err.splitlines()[-1].startswith("ERROR [InvalidInput]: alert_routes route finops-slack: secret_ref is not "
                                           "env:NAME")
    assert SLACK_TOKEN not in out + err
    assert channels.http.requests == [] and channels.smtp.mails == [] and channels.sns() == []


def test_routing_matches_columns_and_falls_back_to_the_default() -> None:
    from bedrock_costs.notify.alerts import Alert

    def alert(kind: str, team: str | None = None, app: str | None = None) -> Alert:
        return Alert(key=f"{kind}|{app}|w", kind=kind, entity_type="app", entity_key=str(app), entity_name=str(app),
                     window="w", finding="", fix="", team=team, app=app)

    routes = routes_module.parse_routes([
        {"route": "default", "channel": "slack", "secret_ref": "env:A", "is_default": True},
        {"route": "everything", "channel": "webhook", "secret_ref": "env:B"},
        {"route": "platform", "team": "platform;ml", "channel": "teams", "secret_ref": "env:C"},
        {"route": "spikes", "alert_kind": "spend_spike", "app": "chat", "channel": "teams", "secret_ref": "env:D"},
    ])
    without_everything = [r for r in routes if r.name != "everything"]
    found = routes_module.route_alerts(
        [alert("budget", "ml"), alert("spend_spike", "x", "chat"), alert("spend_spike", "x", "other")],
        without_everything)
    assert {key: [r.name for r in chosen] for key, chosen in found.items()} == {
        "budget|None|w": ["platform"], "spend_spike|chat|w": ["spikes"], "spend_spike|other|w": ["default"]}
    found = routes_module.route_alerts([alert("budget", "nobody")], routes)
    assert [r.name for r in found["budget|None|w"]] == ["everything"]


# --- the state: expiry, rerouting, and Athena -------------------------------------------------------

def test_a_window_that_passed_closes_without_a_message_and_a_moved_alert_closes_quietly() -> None:
    """A sent alert no longer found: resolved while the data's last day is within its window (expires_on), closed
    without a message after it (an anomaly leaving the detection days, a budget month ending); an alert still
    found but now routed elsewhere closes quietly on its old route and is new on its new one."""
    import datetime as dt

    from bedrock_costs.notify import state
    from bedrock_costs.notify.alerts import Alert
    from bedrock_costs.notify.messages import headline

    route_a, route_b = routes_module.parse_routes([{"route": "a", "channel": "webhook", "secret_ref": "env:A"},
                                                   {"route": "b", "channel": "webhook", "secret_ref": "env:B"}])
    then = dt.datetime(2026, 11, 5, 6, 0)

    def sent(key: str, route: str, expires: dt.date | None) -> state.Delivery:
        kind, entity, window = key.split("|")
        return state.Delivery(key, kind, entity, window, route, "webhook", state.SENT, 0.0, f"line of {key}", expires,
                              then, "run-0")

    spike = "spend_spike|chat|2026-11-04 01:00"   # expires 2026-11-05 (2 detection days)
    budget = "budget|chat|2026-10"                 # expires 2026-10-31
    moved = Alert(key="unpriced_model|m|2026-11-01", kind="unpriced_model", entity_type="model", entity_key="m",
                  entity_name="m", window="2026-11-01", finding="f", fix="x")
    previous = {(spike, "a"): sent(spike, "a", dt.date(2026, 11, 5)),
                (budget, "a"): sent(budget, "a", dt.date(2026, 10, 31)), (moved.key, "a"): sent(moved.key, "a", None)}
    now = dt.datetime(2026, 11, 6, 6, 0)

    def run_plan(as_of: dt.date) -> state.Plan:
        return state.plan([moved], {moved.key: [route_b]}, [route_a, route_b], previous, as_of, now, "run-1", headline)

    on_the_5th = run_plan(dt.date(2026, 11, 5))
    messages = {p.route.name: p.message for p in on_the_5th.routes}
    assert [r.key for r in messages["a"].resolved] == [spike]   # gone within its window: resolved
    assert [a.key for a in messages["b"].alerts] == [moved.key] and messages["a"].alerts == []
    assert sorted((d.alert_key, d.route, d.event) for d in on_the_5th.closed) == [
        (budget, "a", state.CLOSED), (moved.key, "a", state.CLOSED)]
    on_the_6th = run_plan(dt.date(2026, 11, 6))
    assert [p.route.name for p in on_the_6th.routes] == ["b"]   # the spike's window passed: closed, no message
    assert sorted(d.alert_key for d in on_the_6th.closed) == sorted([spike, budget, moved.key])


def test_notify_on_athena_keeps_its_state_in_an_iceberg_table(
        built: Project, channels: Channels, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The athena target (profiles.yml), on moto: Athena answers each read with the DuckDB build's rows, as
    strings (queued in the order notify reads); the state table is created as Iceberg at the target's
    s3_data_dir and written with literals Athena parses; the budgets reach SNS."""
    import sqlglot
    from moto.athena.models import QueryResults, athena_backends

    from bedrock_costs import budget_alerts
    from bedrock_costs.notify import alerts, state

    routes = [{"route": "budgets-sns", "alert_kind": "budget", "channel": "sns", "destination": TOPIC,
               "is_default": "false"}]
    reads: list[tuple[list[str], list[dict[str, Any]]]] = [
        (list(routes_module.COLUMNS), routes),
        (list(budget_alerts.COLUMNS),
         built.query_rows(f"select {', '.join(budget_alerts.COLUMNS)} from main.fct_app_budget_status "
                          "where is_current_month order by app")),
        (["app", "team", "cost_center"], built.query_rows("select app, team, cost_center from main.rpt_app_owners")),
        (list(alerts.CANDIDATE_COLUMNS),
         built.query_rows("select * from main.rpt_alert_candidates order by alert_key")),
        (["usage_date"], built.query_rows("select usage_date from main.rpt_daily_totals")),
        ([c.name for c in state.COLUMNS], []),
    ]
    backend = athena_backends[MOTO_ACCOUNT]["us-east-1"]
    for columns, rows in reads:
        def cells(values: list[Any]) -> dict[str, list[dict[str, str]]]:
            return {"Data": [{} if v is None else {"VarCharValue": str(v)} for v in values]}

        backend.query_results_queue.append(QueryResults(
            rows=[cells(columns), *(cells([row.get(c) for c in columns]) for row in rows)],
            column_info=[{"Name": c, "Label": c, "Type": "varchar", "Precision": 2147483647, "Scale": 0,
                          "Nullable": "UNKNOWN", "CaseSensitive": True} for c in columns]))
    shutil.copy(built.root / "profiles.yml", tmp_path / "profiles.yml")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("BEDROCK_COSTS_ATHENA_S3_STAGING_DIR", "s3://athena-results/staging/")
    monkeypatch.setenv("BEDROCK_COSTS_ATHENA_S3_DATA_DIR", "s3://athena-results/tables/")
    code = notify.main(["--target", "athena", "--profiles-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "notify: 5 alert(s) now (data through 2026-11-10); 2 to send" in out
    assert "WARN: 3 alert(s) match no route (new_spender, unmapped_profile, unpriced_model)" in out
    (sns,) = channels.sns()
    assert "app legal-drafting, reached 100%: $3,000.00" in sns and "app code-review, forecast to reach 100%" in sns
    queries = [execution.query for execution in backend.executions.values()]
    assert len(queries) == len(reads) + 2
    create, insert = queries[-2:]
    assert create.startswith("create table if not exists `bedrock_costs`.`alert_deliveries` (`alert_key` string,")
    assert create.endswith("location 's3://athena-results/tables/bedrock_costs/alert_deliveries/' "
                           "tblproperties ('table_type' = 'ICEBERG')")
    assert insert.startswith('insert into "bedrock_costs"."alert_deliveries" ("alert_key", ')
    assert "'budget|legal-drafting|2026-11'" in insert and "DATE '2026-11-30'" in insert and "TIMESTAMP '" in insert
    for sql in (create, insert):
        assert sqlglot.parse_one(sql, read="athena") is not None


# --- the bill's alerts: the differences the sample bill was made with ----------------------------------


def test_the_bills_alerts_are_the_differences_planted_in_it(billed: Any) -> None:  # noqa: F811 (the fixture)
    """The generator's ground truth: calls billed in an account whose logging was off (not in the logs at all),
    and a model billed at 1.1x its catalog price from one day on. They are the bill's only alerts; the fix of
    each follows its cause."""
    off, price = billed.truth["causes"]["logging_off"], billed.truth["causes"]["price_change"]
    rows = billed.rows("select * from main.rpt_alert_candidates where alert_kind = 'bill_variance' "
                       "order by amount_usd desc")
    assert [(r["alert_window"], r["model_id"], r["amount_usd"]) for r in rows] == [
        ("2026-11", off["model_id"], pytest.approx(off["billed_usd"], abs=1e-6)),
        ("2026-11", price["model_id"], pytest.approx(price["amount_usd"], abs=1e-6))]
    logging_off, price_change = rows
    assert logging_off["entity_key"] == f"{off['account_id']} {off['aws_region']} {off['model_id']}"
    assert "invocation logging is on" in logging_off["fix"] and "sync-prices" in price_change["fix"]
    assert logging_off["finding"].startswith(f"the bill for {off['model_id']} in account {off['account_id']} "
                                             f"{off['aws_region']} differs from the log estimate by $3.56 ($3.56 "
                                             "billed, $0.00 estimated)")
    assert {r["report_section"] for r in rows} == {"bill-2026-11"}
