"""Sending one route's message: Slack, Microsoft Teams, a JSON webhook, e-mail by SMTP or Amazon SES, SNS.

- Slack: an incoming webhook, through Slack's own SDK (slack_sdk.webhook.WebhookClient), which retries a
  rate-limited (429, Retry-After) or dropped request. Its log lines go through a redacting logger at
  WARNING, as its DEBUG and retry lines print the webhook's URL.
- Teams: a Teams workflow ("Post to a channel when a webhook request is received"), which takes an Adaptive
  Card; there is no maintained SDK for it, so one JSON POST with urllib.
- webhook: the alerts as one JSON document, POSTed with urllib (docs/alerts.md has its fields); a URL's
  ``user:password@`` is sent as Basic authentication.
- email: smtplib. The secret is the server's URL: ``smtp+starttls://user:password@host:587`` (STARTTLS,
  required), ``smtps://user:password@host:465`` (TLS), or ``smtp://host:25`` (a relay without TLS, which
  may not log in unless the host is this machine).
- ses: Amazon SES (v2 SendEmail) with the AWS credentials; sns: SNS Publish (budget_alerts.publish_sns, the
  one SNS publisher).

Each sender returns a short receipt ("HTTP 200", "message 1a2b...") or raises ChannelError, whose text
has been through ``Secrets.redact``: no URL, token or password in it.
"""

from __future__ import annotations

import base64
import json
import smtplib
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from bedrock_costs import budget_alerts
from bedrock_costs.notify.messages import (
    Message,
    plain_text,
    slack_payload,
    subject,
    teams_payload,
    webhook_payload,
)
from bedrock_costs.notify.routes import TOPIC_ARN, Route
from bedrock_costs.notify.secrets import SecretError, Secrets, quiet_logger

if TYPE_CHECKING:
    import boto3

TIMEOUT = 20  # seconds for one HTTP or SMTP exchange
LOOPBACK = ("127.0.0.1", "::1", "localhost")
USER_AGENT = "bedrock-costs-notify"


class ChannelError(Exception):
    """A channel did not take the message: ``code`` for ``ERROR [<code>]``, a message with no secret."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_http_url(url: str) -> None:
    """Only http(s) URLs are sent to (a file: or ftp: URL would read or write elsewhere)."""
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        scheme = ""
    if scheme not in ("https", "http"):
        raise ChannelError("BadWebhookUrl", "the secret is not an http(s) URL")


def without_userinfo(url: str) -> tuple[str, dict[str, str]]:
    """A URL's ``user:password@`` as a Basic Authorization header, and the URL without it (urllib sends none)."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, {}
    host = parts.netloc.rpartition("@")[2]
    token = base64.b64encode(f"{unquote(parts.username)}:{unquote(parts.password or '')}".encode()).decode()
    return parts._replace(netloc=host).geturl(), {"Authorization": f"Basic {token}"}


def post_json(url: str, payload: dict[str, Any]) -> str:
    """POST ``payload`` as JSON (a URL's user:password as Basic auth); the receipt, or ChannelError for any
    answer but 2xx."""
    check_http_url(url)
    url, auth = without_userinfo(url)
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": USER_AGENT, **auth})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # http(s) only: checked above
            return f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        body = error.read(300).decode("utf-8", "replace")
        raise ChannelError("WebhookHTTPError", f"the webhook answered HTTP {error.code}: {' '.join(body.split())}"
                           ) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError("WebhookUnreachable", f"the webhook could not be reached: {reason}") from None


def send_slack(url: str, message: Message, secrets: Secrets) -> str:
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler, RateLimitErrorRetryHandler
    from slack_sdk.webhook import WebhookClient

    check_http_url(url)
    retries = [ConnectionErrorRetryHandler(), RateLimitErrorRetryHandler(max_retry_count=2)]
    client = WebhookClient(url, timeout=TIMEOUT, user_agent_prefix=USER_AGENT, logger=quiet_logger("slack", secrets),
                           retry_handlers=retries)
    try:
        response = client.send_dict(slack_payload(message))
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ChannelError("SlackUnreachable", f"the Slack webhook could not be reached: {reason}") from None
    if response.status_code != 200:
        raise ChannelError("SlackWebhookError", f"the Slack webhook answered HTTP {response.status_code}: "
                                                f"{' '.join(str(response.body)[:200].split())}")
    return f"HTTP {response.status_code}"


def send_teams(url: str, message: Message) -> str:
    return post_json(url, teams_payload(message))


def send_webhook(url: str, message: Message, run_id: str) -> str:
    return post_json(url, webhook_payload(message, run_id))


def email(message: Message, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"] = subject(message)
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail.set_content(plain_text(message))
    return mail


def send_smtp(server_url: str, message: Message, sender: str, recipients: tuple[str, ...]) -> str:
    """Send by SMTP to the server the secret URL names (see the module's docstring)."""
    try:
        url = urlsplit(server_url)
        scheme, host, port = url.scheme.lower(), url.hostname or "", url.port
    except ValueError:
        raise ChannelError("BadSmtpUrl", "the secret is not an SMTP URL (smtp+starttls://user:password@host:587)"
                           ) from None
    if scheme not in ("smtp", "smtp+starttls", "smtps") or not host:
        raise ChannelError("BadSmtpUrl", "the secret is not an SMTP URL: smtp+starttls://user:password@host:587, "
                                         "smtps://user:password@host:465 or smtp://host:25")
    user, password = unquote(url.username or ""), unquote(url.password or "")
    if user and scheme == "smtp" and host not in LOOPBACK:
        raise ChannelError("InsecureSmtp", f"refusing to log in to {host} without TLS: use smtp+starttls:// or "
                                           "smtps:// in the secret")
    context = ssl.create_default_context()
    try:
        server: smtplib.SMTP
        if scheme == "smtps":
            server = smtplib.SMTP_SSL(host, port or 465, timeout=TIMEOUT, context=context)
        else:
            server = smtplib.SMTP(host, port or (587 if scheme == "smtp+starttls" else 25), timeout=TIMEOUT)
        with server:
            if scheme == "smtp+starttls":
                server.starttls(context=context)
            if user:
                server.login(user, password)
            refused = server.send_message(email(message, sender, recipients))
    except smtplib.SMTPAuthenticationError as error:
        raise ChannelError("SMTPAuthenticationError", f"{host} refused the login (SMTP {error.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise ChannelError("SMTPRecipientsRefused", f"{host} refused every recipient: "
                                                    f"{', '.join(sorted(error.recipients))}") from None
    except smtplib.SMTPResponseException as error:
        raise ChannelError(type(error).__name__, f"{host} answered SMTP {error.smtp_code}") from None
    except (smtplib.SMTPException, OSError) as error:
        raise ChannelError(type(error).__name__, f"{host}:{port or '-'} could not take the message: {error}"
                           ) from None
    accepted = len(recipients) - len(refused)
    return f"{accepted} recipient(s) accepted by {host}" + (f", refused: {', '.join(sorted(refused))}" if refused
                                                            else "")


def aws_error(error: Exception) -> ChannelError:
    """An AWS error as a ChannelError with the CLI's code and wording (AccessDenied names the IAM action)."""
    from bedrock_costs.cli import describe_error

    code, text = describe_error(error)
    return ChannelError(code, text)


def send_ses(session: boto3.Session, message: Message, sender: str, recipients: tuple[str, ...]) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    client: Any = session.client("sesv2")  # typed Any: no boto3-stubs for SES v2 here
    try:
        response = client.send_email(
            FromEmailAddress=sender, Destination={"ToAddresses": list(recipients)},
            Content={"Simple": {"Subject": {"Data": subject(message), "Charset": "UTF-8"},
                                "Body": {"Text": {"Data": plain_text(message), "Charset": "UTF-8"}}}})
    except (ClientError, BotoCoreError) as error:
        raise aws_error(error) from None
    return f"message {response['MessageId']}"


def send_sns(session: boto3.Session, topic_arn: str, message: Message) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    if not TOPIC_ARN.fullmatch(topic_arn):
        raise ChannelError("BadTopicArn", f"{topic_arn!r} is not an SNS topic ARN")
    try:
        return f"message {budget_alerts.publish_sns(session, topic_arn, subject(message), plain_text(message))}"
    except (ClientError, BotoCoreError) as error:
        raise aws_error(error) from None


def send(route: Route, message: Message, secrets: Secrets, session: Callable[[], boto3.Session],
         run_id: str) -> str:
    """Send ``message`` on ``route``'s channel; its receipt, or ChannelError: redacted, and raised on its own,
    with no library exception chained to it (whose text may hold the URL)."""
    failure: ChannelError
    try:
        return _send(route, message, secrets, session, run_id)
    except (ChannelError, SecretError) as error:
        failure = ChannelError(error.code, secrets.redact(error))
    except Exception as error:  # anything a library raises: named, redacted, and the other routes still sent
        failure = ChannelError(type(error).__name__, secrets.redact(" ".join(str(error).split())[:300]))
    raise failure  # outside the except blocks: no __context__


def _send(route: Route, message: Message, secrets: Secrets, session: Callable[[], boto3.Session],
          run_id: str) -> str:
    if route.channel == "ses":
        return send_ses(session(), message, route.sender or "", route.destination)
    if route.channel == "sns":
        return send_sns(session(), route.destination[0], message)
    secret = secrets.resolve(route.secret_ref or "")
    if route.channel == "slack":
        return send_slack(secret, message, secrets)
    if route.channel == "teams":
        return send_teams(secret, message)
    if route.channel == "webhook":
        return send_webhook(secret, message, run_id)
    return send_smtp(secret, message, route.sender or "", route.destination)
