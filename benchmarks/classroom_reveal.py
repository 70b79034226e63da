"""How fast a reveal reaches every student of a class, in real browsers.

Starts ``coopsim classroom`` on a free port, opens the teacher's page and a room, and
seats N students (default 30), each in a browser context of their own (headless
Chromium), playing in teams once every farm of the village has a student. Each round
every student chooses, the teacher reveals the year, and each student's page notes the
moment the reveal appears on it (in the page, by a MutationObserver, against the same
clock as the teacher's click). Prints one JSON line per round: the students, the
median and the slowest delay from the click to a student's screen (seconds) and the
CPU time the server spent meanwhile (the rest is the browsers', which share this
machine's cores with it), then a summary line over all rounds.

    python benchmarks/classroom_reveal.py [--students 30] [--rounds 3] [--story machinery]

Needs the dashboard extra and Debian's Chromium (``apt-get install chromium``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

WAIT_MS = 120_000
WATCH = """
() => {
  window.__revealedAt = null;
  const seen = () => [...document.querySelectorAll('h2')]
    .some(h => h.textContent.includes('__MARK__'));
  const observer = new MutationObserver(() => {
    if (window.__revealedAt === null && seen()) {
      window.__revealedAt = Date.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, {childList: true, subtree: true, characterData: true});
}
"""


def cpu_seconds(pid: int) -> float:
    """CPU time a process has used so far (user and system, seconds; Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def wait_for_server(url: str, seconds: float = 60) -> None:
    end = time.time() + seconds
    while time.time() < end:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the classroom server did not answer at {url}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--story", default="machinery")
    args = parser.parse_args()
    port = free_port()
    base = f"http://localhost:{port}"
    coopsim = Path(sys.executable).with_name("coopsim")
    server = subprocess.Popen(
        [str(coopsim), "classroom", "--host", "localhost", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "COOPSIM_JOIN_URL": base},
    )
    delays_all: list[float] = []
    try:
        wait_for_server(base + "/room")
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu"],
            )
            teacher = browser.new_page()
            teacher.goto(base + "/room")
            if args.story != "machinery":
                teacher.locator(".coopsim-story button").nth(
                    ["machinery", "dairy", "merger"].index(args.story)
                ).click()
            teacher.locator(".coopsim-open-room").click()
            code = teacher.locator(".coopsim-room-code").inner_text(timeout=WAIT_MS).strip()
            students = []
            for _ in range(args.students):
                page = browser.new_context().new_page()
                page.goto(f"{base}/play?code={code}&lang=en")
                page.locator(".coopsim-take-farm").click(timeout=WAIT_MS)
                page.locator(".coopsim-option-0").wait_for(timeout=WAIT_MS)
                students.append(page)
            for round_ in range(1, args.rounds + 1):
                for page in students:
                    page.locator(".coopsim-option-0").click(timeout=WAIT_MS)
                for page in students:
                    page.locator(".coopsim-my-choice").wait_for(timeout=WAIT_MS)
                    page.evaluate(WATCH.replace("__MARK__", f"After year {round_}:"))
                clicked = teacher.evaluate("() => Date.now()")
                cpu = cpu_seconds(server.pid)
                teacher.locator(".coopsim-reveal-year").click()
                arrived = []
                for page in students:
                    page.wait_for_function("() => window.__revealedAt !== null", timeout=WAIT_MS)
                    arrived.append(page.evaluate("() => window.__revealedAt"))
                cpu = cpu_seconds(server.pid) - cpu
                delays = [(t - clicked) / 1000 for t in arrived]
                delays_all += delays
                print(
                    json.dumps(
                        {
                            "round": round_,
                            "students": len(students),
                            "median_s": round(statistics.median(delays), 3),
                            "slowest_s": round(max(delays), 3),
                            "server_cpu_s": round(cpu, 3),
                        }
                    ),
                    flush=True,
                )
                teacher.locator(".coopsim-next-year").click()
                for page in students:
                    page.locator(".coopsim-option-0").wait_for(timeout=WAIT_MS)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "students": args.students,
                "rounds": args.rounds,
                "median_s": round(statistics.median(delays_all), 3),
                "slowest_s": round(max(delays_all), 3),
            }
        )
    )


if __name__ == "__main__":
    main()
