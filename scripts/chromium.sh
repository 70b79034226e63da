#!/usr/bin/env bash
# The dashboard's browser tests drive Debian's Chromium headless (Playwright cannot
# download a browser of its own without the internet). `make test` calls this first:
# it installs Chromium from Debian when it is missing, as root or through sudo without
# a password, and otherwise says what to run.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || [[ -x /usr/bin/chromium ]]; then
    exit 0
fi
if [[ $(id -u) -eq 0 ]]; then
    as_root=()
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
else
    echo "the dashboard's browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2
    exit 1
fi
echo "setup: installing Debian's Chromium for the dashboard's browser tests"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq chromium >/dev/null
