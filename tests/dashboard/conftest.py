"""Fixtures of the dashboard tests: a session state, and Debian's Chromium for Playwright.

The browser tests use the fixtures of pytest-ipywidgets (``solara_server``,
``solara_app``, ``page_session``); Playwright cannot download a browser here, so the
launch arguments point it at the Chromium that ``.ci/run`` installs.
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest
import solara.server.settings

from coopsim.dashboard.session import SessionState

# the test server must not report usage anywhere (nothing leaves the machine)
solara.server.settings.telemetry.mixpanel_enable = False

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch Debian's Chromium (``apt-get install chromium``) headless."""
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not shutil.which(path):
        pytest.fail("the browser tests need Debian's chromium: apt-get install -y chromium")
    return {**browser_type_launch_args, "executable_path": path, "args": CHROMIUM_ARGS}


@pytest.fixture
def state() -> SessionState:
    """A fresh session state on the repository's scenarios (default: Kazakhstan 2016)."""
    return SessionState()
