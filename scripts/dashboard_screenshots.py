"""Take the README's screenshots of the dashboard and the classroom game (docs/img/).

    .venv/bin/python scripts/dashboard_screenshots.py [--port 8790] [--out docs/img]

Starts ``coopsim dashboard`` on localhost, drives each page in headless Chromium
(Debian's ``/usr/bin/chromium``) with every request to another host blocked, waits for
real content (charts drawn, a comparison finished, a history told), saves one PNG per
page (``dashboard_*.png``), plays a classroom room's first year with a teacher and four
students in each language (``classroom_*.png``), and stops the server. It fails if a
page asked for anything outside this machine or the server answered an error.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from coopsim.i18n import LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]
ARGS += ["--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL = re.compile(r"^(https?|wss?)://(localhost|127\.0\.0\.1)[:/]")
WAIT = 60_000
SHOTS = ("dashboard_", "classroom_")


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


def charts_drawn(page: Page, count: int) -> None:
    """Wait until the browser has drawn ``count`` charts (ECharts loads after the page)."""
    page.locator(".coopsim-chart .coopsim-echart canvas").nth(count - 1).wait_for(timeout=WAIT)
    page.wait_for_timeout(500)


def shoot_explore(page: Page, base: str, out: Path, lang: str) -> None:
    """Explore in one language (``dashboard_explore[_LANG]``).

    The result sentence with its bands, nine years stepped, the charts with the sample's
    bands, a region clicked.
    """
    page.goto(f"{base}/?lang={lang}")
    page.locator(".coopsim-step").wait_for(timeout=WAIT)
    page.locator(".coopsim-result").wait_for(timeout=10 * WAIT)  # the bands' runs are made
    for _ in range(9):
        page.locator(".coopsim-step").click()
    page.locator(".coopsim-year", has_text="2024").first.wait_for(timeout=WAIT)
    page.locator(".coopsim-region-3").click()
    page.locator(".coopsim-region-villages button").first.wait_for(timeout=WAIT)
    charts_drawn(page, 11)
    name = "dashboard_explore.png" if lang == "en" else f"dashboard_explore_{lang}.png"
    page.screenshot(path=out / name, full_page=True)


def shoot(page: Page, base: str, out: Path) -> None:
    """Drive each page to real content and save its screenshot into ``out``."""
    for lang in ("kk", "ru", "en"):
        shoot_explore(page, base, out, lang)

    page.locator(".coopsim-tab-compare").click()
    page.get_by_label("Replicates").first.fill("3")
    page.get_by_label("Replicates").first.press("Enter")
    page.get_by_label("Simulated farms").first.fill("3000")
    page.get_by_label("Simulated farms").first.press("Enter")
    page.locator(".coopsim-compare-run").click()
    page.locator(".coopsim-table").wait_for(timeout=4 * WAIT)
    page.wait_for_selector(".coopsim-compare-run:not([disabled])", timeout=WAIT)
    charts_drawn(page, 7)
    page.screenshot(path=out / "dashboard_compare.png", full_page=True)

    page.locator(".coopsim-tab-explain").click()
    page.get_by_text("Its decisions").first.wait_for(timeout=WAIT)
    page.locator(".coopsim-history p").first.wait_for(timeout=WAIT)
    page.get_by_text("Русский").click()
    page.get_by_text("Его решения").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(1000)
    page.screenshot(path=out / "dashboard_explain_ru.png", full_page=True)
    page.get_by_text("English").click()
    page.get_by_text("Its decisions").first.wait_for(timeout=WAIT)

    page.locator(".coopsim-tab-classroom").click()
    steps(page, ".coopsim-classroom-step", 2, "Year 2 of 10")
    page.get_by_text(LANGUAGES["kk"]).click()
    page.get_by_text("2-жыл, барлығы 10 жыл").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_classroom_kk.png", full_page=True)

    page.get_by_text("Русский").click()
    page.locator(".coopsim-tab-about").click()
    page.get_by_text("Что это?").first.wait_for(timeout=WAIT)
    page.wait_for_timeout(500)
    page.screenshot(path=out / "dashboard_about_ru.png", full_page=True)


def shoot_game(new_page: Callable[..., Page], base: str, out: Path, lang: str) -> None:
    """A room of the machinery village with four students, in one language.

    Saves the teacher's screen after the first year's reveal (``classroom_teacher_LANG``)
    and a student's phone before it, their choice and prediction made
    (``classroom_student_LANG``).
    """
    teacher = new_page(viewport={"width": 1440, "height": 1000})
    teacher.goto(base + "/room")
    if lang != "en":
        teacher.get_by_text(LANGUAGES[lang]).click()
    teacher.locator(".coopsim-open-room").click()
    code = teacher.locator(".coopsim-room-code").inner_text(timeout=WAIT).strip()
    students = []
    for _ in range(4):
        student = new_page(viewport={"width": 412, "height": 915}, is_mobile=True)
        student.goto(f"{base}/play?code={code}&lang={lang}")
        student.locator(".coopsim-take-farm").click(timeout=WAIT)
        student.locator(".coopsim-option-found").click(timeout=WAIT)
        student.locator(".coopsim-my-choice").wait_for(timeout=WAIT)
        student.locator(".coopsim-predict-6").click()
        students.append(student)
    students[0].wait_for_timeout(500)
    students[0].screenshot(path=out / f"classroom_student_{lang}.png", full_page=True)
    teacher.locator(".coopsim-reveal-year").click()
    teacher.locator(".coopsim-incomes canvas").first.wait_for(timeout=WAIT)
    teacher.wait_for_timeout(800)
    teacher.screenshot(path=out / f"classroom_teacher_{lang}.png", full_page=True)


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

            def route(r):
                if LOCAL.match(r.request.url):
                    r.continue_()
                else:
                    outside.append(r.request.url)
                    r.abort()

            def new_page(**context) -> Page:
                """A page in a browser context of its own: a user's own screen."""
                page = browser.new_context(**context).new_page()
                page.route("**/*", route)
                page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
                return page

            shoot(new_page(viewport={"width": 1440, "height": 1000}), base, args.out)
            for lang in LANGUAGES:
                shoot_game(new_page, base, args.out, lang)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    if outside or errors:
        sys.exit(f"requests outside this machine: {outside}; failed responses: {errors}")
    names = [
        p.name for p in args.out.glob("*.png") if p.name.startswith(("dashboard_", "classroom_"))
    ]
    print("wrote", ", ".join(sorted(names)))


if __name__ == "__main__":
    main()
