"""`flask serve`: web server, worker and cron together for the demo; Ctrl-C stops them all.

The supervisor starts the embedded Redis (when no REDIS_URL is set) before its children,
and is one of its users: the server stops by itself once all of them have exited.
"""

from __future__ import annotations

import signal
import subprocess  # nosec B404  # starts our own `flask` commands
import sys
import time

import click
from flask import current_app
from flask.cli import with_appcontext

from server.extensions import redis_store


@click.command("serve")
@with_appcontext
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
def serve_cmd(host: str, port: int) -> None:
    """Run the web server, an RQ worker and the cron scheduler until Ctrl-C."""
    app = current_app._get_current_object()
    redis_store.url(app)  # start the embedded server once, before the children race for it
    flask = [sys.executable, "-m", "flask"]
    children = [
        # B603 (nosec): our interpreter's `flask`, arguments from our own CLI options
        subprocess.Popen([*flask, "worker"]),  # nosec B603
        subprocess.Popen([*flask, "cron"]),  # nosec B603
        subprocess.Popen(  # nosec B603
            [*flask, "run", "--no-reload", "--host", host, "--port", str(port)]
        ),
    ]
    click.echo(
        f"Spontane: http://{host}:{port}  (Ctrl-C stops the web server, the worker and cron)"
    )

    def stop(*_args) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            try:
                child.wait(timeout=15)
            except subprocess.TimeoutExpired:
                child.kill()
    if any(child.returncode not in (0, -signal.SIGTERM, -signal.SIGINT) for child in children):
        raise SystemExit(1)
