"""The processes: `flask worker`, `flask cron`, and `flask serve` (both plus the web server).

Top-level commands, not a group, so they read as the Procfile names them.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from server.processes import cron
from server.processes.supervisor import serve_cmd
from server.processes.worker import make_worker, release_dead_scheduler_locks, warm_up
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
    worker = make_worker(app, queues or QUEUES)
    warm_up(app)
    if freed := release_dead_scheduler_locks(worker.connection, queues or QUEUES):
        click.echo(f"released the scheduler locks of a dead worker: {', '.join(freed)}")
    click.echo(f"worker serving {', '.join(q.name for q in worker.queues)}")
    # RQ's scheduler moves delayed sends and retries to their queue when they are due.
    worker.work(with_scheduler=True, burst=burst)


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
