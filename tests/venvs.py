"""The tests' side of scripts/tool_venvs.py: a virtualenv that cannot be installed skips the test
that needs it, with the installer's reason; the checker scripts' output is read back as JSON."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

import tool_venvs  # scripts/ (the test path)
from tool_venvs import run_in, uv

__all__ = ["cached_venv", "make_venv", "result_json", "run_in", "uv"]


def make_venv(venv: Path, requirements: list[str], what: str) -> Path:
    try:
        return tool_venvs.make_venv(venv, requirements, what)
    except tool_venvs.ToolVenvError as error:
        pytest.skip(str(error))


def cached_venv(name: str, requirements: list[str]) -> Path:
    try:
        return tool_venvs.cached_venv(name, requirements)
    except tool_venvs.ToolVenvError as error:
        pytest.skip(str(error))


def result_json(done: subprocess.CompletedProcess[str]) -> dict:
    """The JSON a checker script printed on its `RESULT ` line; fails with its output when there is none."""
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError(f"no RESULT line (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
