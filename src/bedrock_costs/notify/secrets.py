"""Secrets: a route's webhook URL or SMTP URL, fetched when a message is sent and never shown.

A reference (seeds/alert_routes.csv's ``secret_ref``) is ``env:NAME`` (an environment variable) or
``secretsmanager:<id>`` (an AWS Secrets Manager secret's SecretString), optionally ``#<key>`` to take
one key of a JSON secret. ``Secrets.resolve`` fetches it once per run and remembers it, with its parts
(a URL's password, path segments and query values), so that ``Secrets.redact`` can take every one of
them out of any text before it is printed, logged or raised. Nothing here prints a value.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from bedrock_costs.notify.routes import SECRET_REF

if TYPE_CHECKING:
    import boto3

MIN_PART = 6  # shorter URL parts (a port, "v1", "hooks") are not secret on their own


class SecretError(Exception):
    """A secret cannot be had: ``code`` for the ERROR line, the message names the reference only."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def secret_parts(value: str) -> set[str]:
    """``value`` and, for a URL, the pieces that may leak alone: the password, the user, the path and its
    segments, the query and its values (each also percent-decoded)."""
    parts = {value}
    try:
        url = urlsplit(value)
    except ValueError:
        return parts
    if url.scheme and url.netloc:
        pieces = [url.password, url.username, url.path, url.query, url.fragment]
        pieces += url.path.split("/")
        pieces += [pair.partition("=")[2] for pair in url.query.split("&")]
        for piece in pieces:
            if piece and len(piece) >= MIN_PART:
                parts |= {piece, unquote(piece)}
    return {part for part in parts if part}


class Secrets:
    """Resolves references (env: or secretsmanager:) and redacts what it resolved from any text."""

    def __init__(self, session: Callable[[], boto3.Session] | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self._session = session
        self._environ = os.environ if environ is None else environ
        self._values: dict[str, str] = {}
        self._parts: set[str] = set()
        self._patterns: re.Pattern[str] | None = None

    def remember(self, value: str) -> None:
        """Redact ``value`` (and its parts) from now on."""
        self._parts |= secret_parts(value)
        ordered = sorted(self._parts, key=len, reverse=True)  # the longest first: a URL before its path
        self._patterns = re.compile("|".join(map(re.escape, ordered))) if ordered else None

    def redact(self, text: object) -> str:
        """``text`` with every secret (and part of one) replaced by ``[secret]``."""
        value = str(text)
        return self._patterns.sub("[secret]", value) if self._patterns else value

    def resolve(self, reference: str) -> str:
        """The secret a reference names; SecretError (naming the reference, never a value) when it cannot be had."""
        if reference in self._values:
            return self._values[reference]
        match = SECRET_REF.fullmatch(reference)
        if not match:
            raise SecretError("BadSecretRef", "the secret reference is not env:NAME or secretsmanager:<id>[#<key>]")
        if match["env"]:
            value = self._environ.get(match["env"], "")
            if not value.strip():
                raise SecretError("MissingSecret", f"{reference} is not set: export {match['env']} (the URL), or "
                                                   "point secret_ref at a Secrets Manager secret")
        else:
            value = self._secrets_manager(reference, match["secret"], match["field"])
        value = value.strip()
        self._values[reference] = value
        self.remember(value)
        return value

    def _secrets_manager(self, reference: str, secret_id: str, field: str | None) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        if self._session is None:
            raise SecretError("MissingSecret", f"{reference}: no AWS session to read Secrets Manager with")
        client: Any = self._session().client("secretsmanager")  # typed Any: no boto3-stubs for it here
        try:
            with quiet(AWS_LOGGERS):  # botocore logs a response's body at DEBUG: the secret itself
                response = client.get_secret_value(SecretId=secret_id)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "ClientError"))
            if code in ("AccessDeniedException", "AccessDenied"):
                raise SecretError("AccessDenied", f"{reference}: GetSecretValue was denied: grant the operator "
                                                  "secretsmanager:GetSecretValue on it (and kms:Decrypt on its key)"
                                  ) from None
            raise SecretError(code, f"{reference}: Secrets Manager said {code}") from None
        except BotoCoreError as error:
            raise SecretError(type(error).__name__, f"{reference}: Secrets Manager could not be reached") from None
        text = response.get("SecretString")
        if not isinstance(text, str) or not text.strip():
            raise SecretError("MissingSecret", f"{reference}: the secret has no SecretString")
        if field is None:
            return text
        self.remember(text)  # a JSON secret may hold other values: redact all of it
        try:
            document = json.loads(text)
        except json.JSONDecodeError:
            raise SecretError("BadSecret", f"{reference}: the secret is not JSON, so it has no key {field}") from None
        value = document.get(field) if isinstance(document, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise SecretError("MissingSecret", f"{reference}: the secret's JSON has no text under {field}")
        return value


AWS_LOGGERS = ("botocore", "boto3", "urllib3")


@contextmanager
def quiet(names: Sequence[str]) -> Iterator[None]:
    """Warnings and errors only from these loggers (and their children that set no level of their own)."""
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(max(logger.getEffectiveLevel(), logging.WARNING))
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


class RedactingFilter(logging.Filter):
    """Rewrites a log record's text through ``Secrets.redact`` (a library's log line about a request)."""

    def __init__(self, secrets: Secrets) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self.secrets.redact(record.getMessage())
        record.args = None
        return True


def quiet_logger(name: str, secrets: Secrets) -> logging.Logger:
    """A logger for a library that would log a request's URL: warnings and errors only, redacted."""
    logger = logging.getLogger(f"bedrock_costs.notify.{name}")
    logger.setLevel(logging.WARNING)
    logger.filters = [RedactingFilter(secrets)]
    return logger
