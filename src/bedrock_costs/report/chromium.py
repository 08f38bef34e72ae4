"""Headless Chromium: the report's DOM after the browser laid it out, a PNG screenshot, and the page
measured at any width (the DevTools protocol).

The binary is ``$CHROMIUM`` or ``chromium`` on PATH (scripts/ensure_chromium.sh installs Debian's).
A window narrower than 500 px cannot be had from ``--window-size`` (Chromium widens it), so
``measure`` and ``screenshot_at`` drive the browser over ``--remote-debugging-pipe`` and emulate the
device's width, as a phone lays the page out (the viewport meta tag applies).
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio",
)
WINDOW = (1400, 2200)

# Read in the page once it has loaded: its layout width against the viewport's, and what spills.
LAYOUT = """JSON.stringify({
  scroll_width: document.documentElement.scrollWidth,
  client_width: document.documentElement.clientWidth,
  inner_width: window.innerWidth,
  wider_than_box: document.body.getAttribute('data-wider-than-box') || '',
  charts: document.querySelectorAll('svg[data-chart]').length
})"""


def chromium_binary() -> str | None:
    """The Chromium executable, or None when there is none."""
    return shutil.which(os.environ.get("CHROMIUM", "chromium"))


def require_binary() -> str:
    binary = chromium_binary()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (scripts/ensure_chromium.sh installs it)")
    return binary


def chromium(args: Sequence[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throw-away profile; FileNotFoundError when it is not installed."""
    binary = require_binary()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run([binary, *FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=timeout, check=True)


def rendered_dom(page: Path, size: tuple[int, int] = WINDOW) -> str:
    """The page's DOM after Chromium has loaded and laid it out (at the screenshot's window size)."""
    return chromium(["--dump-dom", f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()]).stdout


def screenshot(page: Path, png: Path, size: tuple[int, int] = WINDOW) -> Path:
    """A PNG of the page at ``size``; returns ``png``."""
    png.parent.mkdir(parents=True, exist_ok=True)
    chromium([f"--screenshot={png.resolve()}", f"--window-size={size[0]},{size[1]}", page.resolve().as_uri()])
    return png


# ---------------------------------------------------------------------------------------------
# The DevTools protocol over a pipe: JSON messages separated by NUL, fd 3 in, fd 4 out.


class DevToolsError(RuntimeError):
    """The browser answered a command with an error, closed the pipe, or took too long."""


class DevTools:
    """One headless browser, driven over --remote-debugging-pipe."""

    def __init__(self, process: subprocess.Popen[bytes], commands: int, events: int, timeout: float) -> None:
        self.process, self.commands, self.events, self.timeout = process, commands, events, timeout
        self.next_id = 0
        self.buffer = b""
        self.pending: list[dict[str, Any]] = []  # events read while waiting for an answer

    def send(self, method: str, params: dict[str, Any] | None = None, session: str | None = None) -> dict[str, Any]:
        """Run one command; its result."""
        self.next_id += 1
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.commands, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise DevToolsError(f"{method}: {reply['error'].get('message', reply['error'])}")
                result: dict[str, Any] = reply.get("result", {})
                return result
            self.pending.append(reply)

    def wait_for(self, method: str, session: str | None = None) -> dict[str, Any]:
        """The next event ``method`` (of ``session``)."""
        while True:
            event = self.pending.pop(0) if self.pending else self.receive()
            if event.get("method") == method and (session is None or event.get("sessionId") == session):
                return event

    def receive(self) -> dict[str, Any]:
        deadline = time.monotonic() + self.timeout
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.events], [], [], max(0.0, left))
            if not ready:
                raise DevToolsError(f"no answer from chromium in {self.timeout:g} s")
            chunk = os.read(self.events, 1 << 20)
            if not chunk:
                raise DevToolsError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        parsed: dict[str, Any] = json.loads(message)
        return parsed


@contextmanager
def devtools(timeout: float = 60.0) -> Iterator[DevTools]:
    """A headless browser with a throw-away profile, closed on exit."""
    binary = require_binary()
    to_browser_read, to_browser_write = os.pipe()
    from_browser_read, from_browser_write = os.pipe()

    def pipes_as_3_and_4() -> None:  # in the child: the protocol's fixed descriptors (moved out of the way first)
        reading, writing = fcntl.fcntl(to_browser_read, fcntl.F_DUPFD, 10), fcntl.fcntl(from_browser_write,
                                                                                         fcntl.F_DUPFD, 10)
        os.dup2(reading, 3)
        os.dup2(writing, 4)

    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        process = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=pipes_as_3_and_4, pass_fds=(3, 4))
        os.close(to_browser_read)
        os.close(from_browser_write)
        browser = DevTools(process, to_browser_write, from_browser_read, timeout)
        try:
            yield browser
        finally:
            with suppress(DevToolsError, OSError):
                browser.send("Browser.close")
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            os.close(to_browser_write)
            os.close(from_browser_read)


@dataclass(frozen=True)
class Layout:
    """The page as laid out at one viewport width."""

    width: int
    scroll_width: int        # the page's width: wider than the viewport means scrolling sideways
    client_width: int        # the viewport's width, as the page sees it
    wider_than_box: list[str]  # "table-wrap:<section>" scrolls inside its section; "section:..."/"card:..." spill
    charts: int
    png: bytes = b""

    @property
    def overflows(self) -> bool:
        return self.scroll_width > self.client_width


def lay_out(page: Path, width: int, height: int = 2200, png: bool = False) -> Layout:
    """Load ``page`` in a viewport ``width`` px wide (emulated as a device, so below Chromium's
    window minimum too), wait for it, and measure it; with ``png``, a screenshot of the viewport."""
    with devtools() as browser:
        target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        browser.send("Emulation.setDeviceMetricsOverride",
                     {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 800}, session)
        browser.send("Page.enable", session=session)
        browser.send("Page.navigate", {"url": page.resolve().as_uri()}, session)
        browser.wait_for("Page.loadEventFired", session)
        value = browser.send("Runtime.evaluate", {"expression": LAYOUT, "returnByValue": True}, session)
        found = json.loads(value["result"]["value"])
        shot = b""
        if png:
            shot = base64.b64decode(browser.send("Page.captureScreenshot", {"format": "png"}, session)["data"])
    return Layout(width, int(found["scroll_width"]), int(found["client_width"]),
                  found["wider_than_box"].split(), int(found["charts"]), shot)


def screenshot_at(page: Path, png: Path, width: int, height: int = 2200) -> Layout:
    """A PNG of the page at ``width`` (any width, 390 px included), and its layout."""
    layout = lay_out(page, width, height, png=True)
    png.parent.mkdir(parents=True, exist_ok=True)
    png.write_bytes(layout.png)
    return layout
