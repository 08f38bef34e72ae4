#!/usr/bin/env bash
# Make sure Debian's headless Chromium is installed, for the report's browser test (make test).
# Idempotent and quiet when chromium is already on PATH. Installs with apt-get when run as root
# (or through passwordless sudo); otherwise says what to run and exits 0, so the test skips with
# that reason instead of failing the whole `make test`.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: chromium not found and apt-get is unavailable; install Chromium yourself (the browser test will skip)" >&2
    exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
    SUDO=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo -n)
else
    echo "ensure_chromium: chromium not found; run 'sudo apt-get install -y chromium' (the browser test will skip)" >&2
    exit 0
fi

echo "ensure_chromium: installing chromium with apt-get (once)..." >&2
export DEBIAN_FRONTEND=noninteractive
if "${SUDO[@]}" apt-get update -qq >/dev/null \
    && "${SUDO[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null; then
    echo "ensure_chromium: installed $(chromium --version 2>/dev/null || echo chromium)" >&2
else
    echo "ensure_chromium: apt-get could not install chromium (the browser test will skip)" >&2
fi
exit 0
