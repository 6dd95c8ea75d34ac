"""The processes: `flask worker`, `flask cron`, and `flask serve` (both plus the web server).

Top-level commands, not a group, so they read as the Procfile names them.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.processes import cron, worker
from server.processes.supervisor import serve_cmd
from server.queues import QUEUES
from server.schedule import periodic_jobs


@click.command("worker")
@with_appcontext
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Queue to serve (repeatable; default: all, in priority order).",
)
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
def worker_cmd(queues: tuple[str, ...], burst: bool) -> None:
    """Run an RQ worker for the mail, webhooks and maintenance queues."""
    app = current_app._get_current_object()
    click.echo(f"worker serving {', '.join(queues or QUEUES)}")
    worker.run(app, queues or QUEUES, burst)


@click.command("cron")
@with_appcontext
@click.option("--list", "list_only", is_flag=True, help="Print the schedule and exit.")
def cron_cmd(list_only: bool) -> None:
    """Enqueue every periodic job of server/schedule.py on time (run exactly one)."""
    app = current_app._get_current_object()
    for periodic in periodic_jobs(app.config):
        click.echo(f"{periodic.name}\t{periodic.when}\t{periodic.queue}")
    if not list_only:
        cron.run(app)


commands = (worker_cmd, cron_cmd, serve_cmd)
