"""`flask worker`: an RQ worker with the scheduler, inside the app."""

from __future__ import annotations

import click
from flask import current_app

from server.jobs import QUEUES


@click.command("worker")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Queue to serve (repeatable; default: all, in priority order).",
)
@click.option("--burst", is_flag=True, help="Stop once the queues are empty.")
def worker_cmd(queues: tuple[str, ...], burst: bool) -> None:
    """Run a worker for the mail, webhooks and maintenance queues, with the scheduler."""
    from server.jobs.worker import make_worker, warm_up

    app = current_app._get_current_object()
    worker = make_worker(app, queues or QUEUES)
    warm_up(app)
    if "maintenance" in (queues or QUEUES):
        _register_schedules()
    click.echo(f"worker serving {', '.join(q.name for q in worker.queues)}")
    worker.work(with_scheduler=True, burst=burst)


def _register_schedules() -> None:
    """Recurring jobs (mail sweeper, purges, offer refreshes); idempotent, so every worker
    start may call it without doubling a schedule."""
    from server.mail.sweeper import schedule_maintenance
    from server.offers.tasks import register_schedules

    added = schedule_maintenance()
    offers = sorted(register_schedules())
    click.echo(
        f"schedules: maintenance {', '.join(added) or 'already scheduled'}; "
        f"offers {', '.join(offers)}"
    )
