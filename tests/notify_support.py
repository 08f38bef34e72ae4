"""Local stand-ins for the channels `bedrock-costs notify` sends to: an HTTP server for Slack, Teams and a
webhook (every request recorded, each path's answer chosen by the test) and an SMTP server (aiosmtpd,
with a login), so the tests send real HTTP and real SMTP and read what arrived."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Request:
    """One request the HTTP server received."""

    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class HttpSink:
    """A local HTTP server: records every POST; ``answers`` maps a path prefix to (status, body)."""

    url: str
    requests: list[Request] = field(default_factory=list)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)

    def to(self, prefix: str) -> list[Request]:
        return [r for r in self.requests if r.path.startswith(prefix)]


@contextmanager
def http_sink() -> Iterator[HttpSink]:
    sink = HttpSink("")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            sink.requests.append(Request(self.path, dict(self.headers.items()), body))
            status, text = next((answer for prefix, answer in sink.answers.items() if self.path.startswith(prefix)),
                                (200, "ok"))
            payload = text.replace("{path}", self.path).encode()  # a server may echo the URL it was sent to
            self.send_response(status)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    sink.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield sink
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Mail:
    """One message the SMTP server took."""

    mail_from: str
    rcpt_tos: list[str]
    message: Message
    login: str | None

    @property
    def text(self) -> str:
        payload = self.message.get_payload(decode=True)
        return payload.decode() if isinstance(payload, bytes) else str(payload)


@dataclass
class SmtpSink:
    host: str
    port: int
    user: str
    password: str
    mails: list[Mail] = field(default_factory=list)
    logins: list[tuple[str, bool]] = field(default_factory=list)  # (user, accepted)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_sink(user: str, password: str) -> Iterator[SmtpSink]:
    """aiosmtpd on 127.0.0.1, asking for a login (user, password), without TLS (loopback only)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult, LoginPassword

    sink = SmtpSink("127.0.0.1", free_port(), user, password)

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login = data.login.decode()
        accepted = login == sink.user and data.password.decode() == sink.password
        sink.logins.append((login, accepted))
        if not accepted:  # handled=False: aiosmtpd answers 535 itself
            return AuthResult(success=False, handled=False)
        return AuthResult(success=True, auth_data=login)

    class Handler:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            login = session.auth_data if isinstance(session.auth_data, str) else None  # the authenticator's
            sink.mails.append(Mail(envelope.mail_from, list(envelope.rcpt_tos),
                                   message_from_bytes(envelope.original_content or envelope.content), login))
            return "250 OK"

    controller = Controller(Handler(), hostname=sink.host, port=sink.port, authenticator=authenticate,
                            auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        yield sink
    finally:
        controller.stop()
