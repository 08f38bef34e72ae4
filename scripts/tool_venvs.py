"""Virtualenvs of their own for the tools around the project: Superset (make dashboards), and in the
tests the wheel alone, Airflow and Dagster. Never the project's .venv, so no tool's dependencies
meet dbt's.

They are made with uv when it is there (`make install` brings it: a dev dependency), else with
venv and pip. The cached ones live under ~/.cache/bedrock-costs/venvs (BEDROCK_COSTS_CACHE_DIR),
one folder per Python version and requirement list, made once per machine. Their modules are
compiled to bytecode when installed (uv does not by default, and PYTHONDONTWRITEBYTECODE stops
Python doing it on first import): Airflow or Superset would otherwise compile thousands of modules
each time a test starts one.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("BEDROCK_COSTS_CACHE_DIR", Path.home() / ".cache" / "bedrock-costs"))
DONE = ".bedrock-costs-complete"
COMPILED = ".bedrock-costs-compiled"  # a venv cached before its modules were compiled gets them once


class ToolVenvError(RuntimeError):
    """A virtualenv could not be made: the message names what and why (the installer's last words)."""


def uv() -> str | None:
    """The uv beside this Python (the project's .venv), else one on PATH."""
    return shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")


def make_venv(venv: Path, requirements: list[str], what: str) -> Path:
    """A new virtualenv at `venv` holding `requirements` (and their dependencies), nothing else."""
    shutil.rmtree(venv, ignore_errors=True)
    found = uv()
    if found:
        steps = [[found, "venv", "--quiet", "--python", sys.executable, str(venv)],
                 [found, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(venv / "bin" / "python"),
                  *requirements]]
    else:
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--upgrade", "pip"],
                 [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", *requirements]]
    try:
        for step in steps:
            subprocess.run(step, check=True, capture_output=True, text=True, timeout=1800)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as error:
        shutil.rmtree(venv, ignore_errors=True)
        detail = str(getattr(error, "stderr", None) or error).strip()[-800:]
        raise ToolVenvError(f"could not install {what} ({' '.join(requirements)}): {detail}") from error
    return venv


def cached_venv(name: str, requirements: list[str]) -> Path:
    """A virtualenv made once per Python version and requirement list, under CACHE/venvs."""
    key = hashlib.sha256(json.dumps([sys.version_info[:2], requirements]).encode()).hexdigest()[:12]
    venv = CACHE / "venvs" / f"{name}-{key}"
    if not (venv / DONE).is_file():
        make_venv(venv, requirements, name)
        (venv / DONE).write_text("\n".join(requirements) + "\n")
        (venv / COMPILED).touch()
    if not (venv / COMPILED).is_file():
        subprocess.run([str(venv / "bin" / "python"), "-m", "compileall", "-q", "-j", "0", str(venv / "lib")],
                       check=False, capture_output=True, timeout=1800)
        (venv / COMPILED).touch()
    return venv


def run_in(venv: Path, args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None,
           timeout: int = 600) -> subprocess.CompletedProcess[str]:
    """Run a command of the virtualenv (`python`, `dbt`, `superset`...) with its bin/ first on PATH."""
    bin_dir = venv / "bin"
    full_env = {**os.environ, **(env or {}), "VIRTUAL_ENV": str(venv),
                "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    full_env.pop("PYTHONPATH", None)
    return subprocess.run([str(bin_dir / args[0]), *args[1:]], env=full_env, cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, check=False)
