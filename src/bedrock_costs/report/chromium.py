"""Headless Chromium: the report's DOM after the browser laid it out, and a PNG screenshot.

The binary is ``$CHROMIUM`` or ``chromium`` on PATH (scripts/ensure_chromium.sh installs Debian's).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--hide-scrollbars", "--mute-audio",
)
WINDOW = (1400, 2200)


def chromium_binary() -> str | None:
    """The Chromium executable, or None when there is none."""
    return shutil.which(os.environ.get("CHROMIUM", "chromium"))


def chromium(args: Sequence[str], timeout: int = 120) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium with a throw-away profile; FileNotFoundError when it is not installed."""
    binary = chromium_binary()
    if binary is None:
        raise FileNotFoundError("chromium is not installed (scripts/ensure_chromium.sh installs it)")
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
