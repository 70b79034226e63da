#!/usr/bin/env bash
# Create or update the project virtualenv in .venv.
#
# Usage: scripts/bootstrap.sh [EXTRAS]
#   EXTRAS  comma-separated optional-dependency groups from pyproject.toml
#           (default: "test"; e.g. "test,dashboard"; "" installs none).
#
# Safe to run repeatedly: the install step is skipped when .venv already holds
# an install of the same pyproject.toml with the same extras.
set -euo pipefail

EXTRAS="${1-test}"
MIN_MAJOR=3
MIN_MINOR=12

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
VENV="$ROOT/.venv"
VPY="$VENV/bin/python"
STAMP="$VENV/.coopsim-bootstrap-stamp"

say() { printf 'bootstrap: %s\n' "$*"; }
die() { printf 'bootstrap: error: %s\n' "$*" >&2; exit 1; }

if [[ ! "$EXTRAS" =~ ^[A-Za-z0-9_,-]*$ ]]; then
    die "extras must be a comma-separated list of names, got '$EXTRAS'"
fi

# Print the real path of interpreter $1 if it runs and is new enough.
# pyenv shims exist for versions that are not selected and fail when run,
# so the interpreter is executed rather than just looked up.
check_python() {
    "$1" -c "import sys; assert sys.version_info >= ($MIN_MAJOR, $MIN_MINOR); print(sys.executable)" \
        2>/dev/null </dev/null
}

find_python() {
    local cand exe root ver prefix
    for cand in python3.14 python3.13 python3.12 python3; do
        if command -v "$cand" >/dev/null 2>&1 && exe="$(check_python "$cand")" && [[ -n "$exe" ]]; then
            echo "$exe"; return 0
        fi
    done
    root=""
    if command -v pyenv >/dev/null 2>&1; then
        root="$(pyenv root 2>/dev/null || true)"
        for ver in 3.13.0 3.12.1; do
            if prefix="$(pyenv prefix "$ver" 2>/dev/null)" && [[ -n "$prefix" ]] \
                && exe="$(check_python "$prefix/bin/python3")" && [[ -n "$exe" ]]; then
                echo "$exe"; return 0
            fi
        done
    fi
    [[ -n "$root" ]] || root="${PYENV_ROOT:-$HOME/.pyenv}"
    if [[ -d "$root/versions" ]]; then
        while IFS= read -r prefix; do
            if exe="$(check_python "$prefix/bin/python3")" && [[ -n "$exe" ]]; then
                echo "$exe"; return 0
            fi
        done < <(find "$root/versions" -mindepth 1 -maxdepth 1 -name '3.1[2-9]*' 2>/dev/null | sort -rV)
    fi
    return 1
}

# 1. Virtualenv: keep a working one, otherwise (re)create it.
if [[ -x "$VPY" ]] && check_python "$VPY" >/dev/null; then
    say "using existing .venv ($("$VPY" -c 'import platform; print(platform.python_version())'))"
else
    if [[ -e "$VENV" ]]; then
        say "existing .venv is broken or older than Python $MIN_MAJOR.$MIN_MINOR; recreating it"
        rm -rf "$VENV"
    fi
    if ! PY="$(find_python)"; then
        die "Python >= $MIN_MAJOR.$MIN_MINOR is required but none was found (tried python3.14/3.13/3.12/python3 on PATH and pyenv); install one, e.g. 'pyenv install 3.12', and re-run."
    fi
    say "creating .venv with $PY ($("$PY" -c 'import platform; print(platform.python_version())'))"
    if ! "$PY" -m venv "$VENV"; then
        rm -rf "$VENV"
        die "'$PY -m venv' failed; that interpreter needs its venv/ensurepip modules (on Debian: the python3.X-venv package)."
    fi
fi

# 2. Dependencies: skip when pyproject.toml and the extras are unchanged.
want="$({ sha256sum pyproject.toml; printf 'extras=%s\n' "$EXTRAS"; } | sha256sum | cut -d' ' -f1)"
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$want" ]]; then
    say "dependencies up to date (extras: ${EXTRAS:-none})"
    exit 0
fi

# Catch typos in the extras before installing (uv would only warn about them).
"$VPY" - "$EXTRAS" <<'PY'
import re
import sys
import tomllib

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

with open("pyproject.toml", "rb") as f:
    groups = tomllib.load(f).get("project", {}).get("optional-dependencies", {})
unknown = [e for e in sys.argv[1].split(",") if e and norm(e) not in {norm(g) for g in groups}]
if unknown:
    sys.exit(
        f"bootstrap: error: unknown extra(s) {', '.join(unknown)}; "
        f"pyproject.toml defines: {', '.join(sorted(groups)) or 'none'}"
    )
PY

if [[ ! -x "$VENV/bin/uv" ]]; then
    say "installing uv into .venv"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$VPY" -m pip install --quiet uv
fi

target="."
[[ -z "$EXTRAS" ]] || target=".[$EXTRAS]"
say "installing coopsim -e '$target'"
rm -f "$STAMP"
# Bytecode is compiled at install time: where PYTHONDONTWRITEBYTECODE is set, Python
# would otherwise compile every module again at each start (seconds for pandas and Mesa).
"$VENV/bin/uv" pip install --quiet --compile-bytecode --python "$VPY" -e "$target"
echo "$want" >"$STAMP"
say "done"
