"""`flask mail …` (sweep, retry) and `flask attachments forward`."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.delivery import compose
from server.delivery.actions import retry_email
from server.delivery.queueing import store_and_enqueue
from server.delivery.recovery import sweep
from server.extensions import db
from server.models import Application
from server.webhooks.notifications import enqueue_pending_deliveries

mail_cli = AppGroup("mail", help="Email delivery: sweep, retry.")
attachments_cli = AppGroup("attachments", help="Application attachments.")


@mail_cli.command("sweep")
@click.option("--grace", default=30, show_default=True, help="Skip rows younger than this (s).")
def sweep_cmd(grace: int) -> None:
    """Enqueue emails stored but not queued (Redis was down) or orphaned by a dead worker."""
    counts = sweep(grace_seconds=grace)
    webhooks = enqueue_pending_deliveries()
    click.echo(
        f"{counts['enqueued']} email(s) enqueued, {counts['orphaned']} orphaned send(s) "
        f"re-enqueued, {counts['applications']} application(s) delivered, "
        f"{webhooks} partner webhook(s) enqueued"
    )


@mail_cli.command("retry")
@click.argument("email_id", type=int)
def retry_cmd(email_id: int) -> None:
    """Queue a failed email again."""
    try:
        retry_email(email_id)
    except LookupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"email {email_id} queued again")


@attachments_cli.command("forward")
@click.argument("application_id", type=int)
@click.argument("emails", nargs=-1, required=True)
def forward_cmd(application_id: int, emails: tuple[str, ...]) -> None:
    """Email APPLICATION_ID's attachments to each EMAIL."""
    application = db.session.get(Application, application_id)
    if application is None:
        raise click.ClickException(f"no application {application_id}")
    if not any(a.data is not None for a in application.attachments):
        raise click.ClickException(f"application {application_id} has no attachment left")
    for address in emails:
        if "@" not in address or any(c in address for c in "\r\n <>,"):
            raise click.BadParameter(f"{address!r} is not an email address", param_hint="EMAIL")
    rows = store_and_enqueue([compose.forward_email(application, a) for a in emails])
    click.echo(f"{len(rows)} email(s) queued")
