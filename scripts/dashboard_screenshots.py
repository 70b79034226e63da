"""Take the README's screenshots of the dashboard (docs/img/dashboard_*.png).

    .venv/bin/python scripts/dashboard_screenshots.py [--port 8790] [--out docs/img]

Starts ``coopsim dashboard`` on localhost, drives each page in headless Chromium
(Debian's ``/usr/bin/chromium``) with every request to another host blocked, waits for
real content (charts drawn, a comparison finished, a history told), saves one PNG per
page, and stops the server. It fails if the page asked for anything outside this
machine or the server answered an error.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = re.compile(r"^(https?|wss?)://(localhost|127\.0\.0\.1)[:/]")
WAIT = 60_000


def wait_for_server(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Wait until the server answers (exit if it stopped or never answered)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit("the dashboard server stopped")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the dashboard did not answer at {url}")


def steps(page: Page, css: str, count: int, until: str) -> None:
    """Click a button ``count`` times, then wait for a text."""
    for _ in range(count):
        page.locator(css).click()
    page.get_by_text(until).first.wait_for(timeout=WAIT)


def shoot(page: Page, base: str, out: Path) -> None:
    """Drive each page to real content and save its screenshot into ``out``."""
    page.goto(base + "/")
    page.locator(".coopsim-step").wait_for(timeout=WAIT)
    steps(page, ".coopsim-step", 9, "In 2024")
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_explore.png", full_page=True)

    page.locator(".coopsim-tab-compare").click()
    page.get_by_label("Replicates").first.fill("3")
    page.get_by_label("Replicates").first.press("Enter")
    page.get_by_label("Simulated farms").first.fill("3000")
    page.get_by_label("Simulated farms").first.press("Enter")
    page.locator(".coopsim-compare-run").click()
    page.locator(".coopsim-table").wait_for(timeout=4 * WAIT)
    page.wait_for_selector(".coopsim-compare-run:not([disabled])", timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_compare.png", full_page=True)

    page.locator(".coopsim-tab-explain").click()
    page.get_by_text("Its decisions").first.wait_for(timeout=WAIT)
    page.locator(".coopsim-history p").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_explain.png", full_page=True)

    page.locator(".coopsim-tab-classroom").click()
    steps(page, ".coopsim-classroom-step", 2, "Year 2017")
    page.get_by_text("Қазақша").click()
    page.get_by_text("2017 жыл").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_classroom_kk.png", full_page=True)

    page.get_by_text("Русский").click()
    page.locator(".coopsim-tab-about").click()
    page.get_by_text("Что это?").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_about_ru.png", full_page=True)


def main() -> None:
    """Start the server, take the screenshots, stop the server."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    coopsim = Path(sys.executable).with_name("coopsim")
    server = subprocess.Popen([str(coopsim), "dashboard", "--port", str(args.port)])
    outside, errors = [], []
    try:
        base = f"http://localhost:{args.port}"
        wait_for_server(base + "/", server)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            page = browser.new_page(viewport={"width": 1440, "height": 1000})

            def route(r):
                if LOCAL.match(r.request.url):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
            shoot(page, base, args.out)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if outside or errors:
        sys.exit(f"requests outside this machine: {outside}; failed responses: {errors}")
    print("wrote", ", ".join(sorted(p.name for p in args.out.glob("dashboard_*.png"))))


if __name__ == "__main__":
    main()
