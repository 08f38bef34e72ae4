"""Throw-away virtualenvs for the packaging tests: the wheel alone, Airflow, Dagster, Superset.

Each is made with uv (a dev dependency: `make install`), never inside the project's .venv, so no
tool's dependencies meet dbt's. The heavy ones are cached under ~/.cache/bedrock-costs/venvs, one
folder per Python version and requirement list; a fresh machine (CI) makes them once. A test that
needs one skips, with the reason, only when the install itself fails.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CACHE = Path(os.environ.get("BEDROCK_COSTS_CACHE_DIR", Path.home() / ".cache" / "bedrock-costs"))


def uv() -> list[str]:
    """The uv beside this Python (the project's .venv), else one on PATH, else `python -m uv`."""
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def python_of(venv: Path) -> Path:
    return venv / "bin" / "python"


def make_venv(venv: Path, requirements: list[str], what: str) -> Path:
    """A new virtualenv at `venv` holding `requirements` (and their dependencies), nothing else."""
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([*uv(), "venv", "--quiet", "--python", sys.executable, str(venv)],
                       check=True, capture_output=True, text=True, timeout=300)
        subprocess.run([*uv(), "pip", "install", "--quiet", "--python", str(python_of(venv)), *requirements],
                       check=True, capture_output=True, text=True, timeout=1200)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, FileNotFoundError) as error:
        shutil.rmtree(venv, ignore_errors=True)
        detail = getattr(error, "stderr", None) or str(error)
        pytest.skip(f"could not install {what} ({' '.join(requirements)}): {str(detail).strip()[-800:]}")
    return venv


def cached_venv(name: str, requirements: list[str]) -> Path:
    """A virtualenv made once per Python version and requirement list, under CACHE/venvs."""
    key = hashlib.sha256(json.dumps([sys.version_info[:2], requirements]).encode()).hexdigest()[:12]
    venv = CACHE / "venvs" / f"{name}-{key}"
    done = venv / ".bedrock-costs-complete"
    if not done.is_file():
        make_venv(venv, requirements, name)
        done.write_text("\n".join(requirements) + "\n")
    return venv


def run_in(venv: Path, args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
           timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run a command of the virtualenv (`python`, `dbt`, `bedrock-costs`...) with its bin/ first on PATH."""
    bin_dir = venv / "bin"
    full_env = {**os.environ, **(env or {}), "VIRTUAL_ENV": str(venv),
                "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    full_env.pop("PYTHONPATH", None)
    command = [str(bin_dir / args[0]), *args[1:]]
    return subprocess.run(command, env=full_env, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def result_json(done: subprocess.CompletedProcess[str]) -> dict:
    """The JSON a checker script printed on its `RESULT ` line; fails with its output when there is none."""
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT "):])
    raise AssertionError(f"no RESULT line (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
