"""``coopsim dashboard``: serve the browser dashboard on this machine.

Solara is imported only when the command runs, so the rest of the command line works
without the ``dashboard`` extra. The server runs in Solara's production mode, without
telemetry or a version check (nothing leaves the machine), and every browser asset
comes from the locally installed ``solara-assets``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from coopsim.tuning import tune_process

APP = "coopsim.dashboard.app"
ASSET = "@widgetti/solara-vuetify-app@10.1.1"
"""The browser bundle Solara's page loads first (from ``<venv>/share/solara/cdn``)."""


PORT = Annotated[int, typer.Option(help="Port to listen on (0: any free port).", min=0, max=65535)]


def dashboard(
    port: PORT = 8765,
    host: Annotated[
        str,
        typer.Option(help="Address to listen on; the default keeps it to this machine."),
    ] = "localhost",
) -> None:
    """Serve the browser dashboard: explore, compare and explain scenarios; a classroom."""
    serve(host, port)


CLASSROOM_SWITCH_SECONDS = 0.0005
"""How often the classroom server's threads take turns (seconds)."""


def classroom(
    port: PORT = 8765,
    host: Annotated[
        str,
        typer.Option(
            help="Address to listen on: 0.0.0.0 lets the class's phones and laptops join "
            "over the classroom network (no internet needed)."
        ),
    ] = "0.0.0.0",
) -> None:
    """Serve the classroom game: open a room for the class and let every student play a farm.

    Prints the teacher's address and the one students open; the room's page shows its
    code and a QR code of that address.
    """
    address = local_address() if host in ("0.0.0.0", "::") else host
    os.environ["COOPSIM_JOIN_URL"] = f"http://{address}:{port}"
    # a reveal redraws every student's page at once, each in a thread that waits on the
    # server's loop for every message it sends: hand the interpreter over more often
    # (Python's default is every 5 ms; measured by benchmarks/classroom_reveal.py)
    sys.setswitchinterval(CLASSROOM_SWITCH_SECONDS)
    typer.echo(f"teacher: open http://localhost:{port}/room on this computer")
    typer.echo(f"students: open http://{address}:{port}/play and type the room's code")
    serve(host, port)


def local_address() -> str:
    """This machine's address on its network (what students type), or localhost.

    Asks the system which interface would carry traffic to a private address; no packet
    is sent.
    """
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return probe.getsockname()[0]
        except OSError:
            return "localhost"


def serve(host: str, port: int) -> None:
    """Run the dashboard's Solara server (blocks until stopped)."""
    # settings are read when Solara is first imported: set them before
    os.environ.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    os.environ.setdefault("SOLARA_KERNEL_CULL_TIMEOUT", "15m")
    try:
        from solara.__main__ import cli as solara_cli
        from solara.server import settings
    except ImportError:
        typer.echo(
            "error: the dashboard needs the 'dashboard' extra: "
            "bash scripts/bootstrap.sh test,dashboard",
            err=True,
        )
        raise typer.Exit(2) from None
    if not (Path(settings.assets.proxy_cache_dir) / ASSET).is_dir():
        typer.echo(
            f"warning: {ASSET} is not in {settings.assets.proxy_cache_dir}; the page will try "
            "to fetch its scripts from the internet (install solara-assets, see pyproject.toml)",
            err=True,
        )
    tune_process()
    args = ["run", APP, "--host", host, "--port", str(port), "--production"]
    args += ["--no-check-version", "--no-open", "--log-level", "warning"]
    sys.exit(solara_cli.main(args=args, standalone_mode=False))
