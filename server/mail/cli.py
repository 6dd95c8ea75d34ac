"""CLI groups: `flask mail`, `flask answers`, `flask attachments`, `flask admin`."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from server.extensions import db

mail_cli = AppGroup("mail", help="Email delivery: sweep, schedule, retry.")
answers_cli = AppGroup("answers", help="Recruiters' answers.")
attachments_cli = AppGroup("attachments", help="Application attachments.")
admin_cli = AppGroup("admin", help="Admin accounts.")


@mail_cli.command("sweep")
@click.option("--grace", default=30, show_default=True, help="Skip rows younger than this (s).")
def sweep_cmd(grace: int) -> None:
    """Enqueue emails stored but not queued (Redis was down) or orphaned by a dead worker."""
    from server.mail.partners import enqueue_pending_deliveries
    from server.mail.sweeper import schedule_maintenance, sweep

    counts = sweep(grace_seconds=grace)
    webhooks = enqueue_pending_deliveries()
    schedule_maintenance()
    click.echo(
        f"{counts['enqueued']} email(s) enqueued, {counts['orphaned']} orphaned send(s) "
        f"re-enqueued, {counts['applications']} application(s) delivered, "
        f"{webhooks} partner webhook(s) enqueued"
    )


@mail_cli.command("schedule")
def schedule_cmd() -> None:
    """Schedule the recurring maintenance jobs (sweeper, purges) if they are not."""
    from server.mail.sweeper import schedule_maintenance

    scheduled = schedule_maintenance()
    click.echo(f"scheduled: {', '.join(scheduled) or 'nothing (already scheduled)'}")


@mail_cli.command("retry")
@click.argument("email_id", type=int)
def retry_cmd(email_id: int) -> None:
    """Queue a failed email again."""
    from server.mail.admin_actions import retry_email

    try:
        retry_email(email_id)
    except LookupError as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"email {email_id} queued again")


@answers_cli.command("dump")
@click.argument("client_id")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def dump_cmd(client_id: str, out: Path) -> None:
    """Write the answers to CLIENT_ID's applications to OUT (CSV)."""
    from server.models import Answer, Application, Platform

    platform = Platform.by_client_id(client_id, active_only=False)
    if platform is None:
        raise click.ClickException(f"no platform with client id {client_id!r}")
    rows = db.session.execute(
        select(Answer, Application)
        .join(Application, Answer.application_id == Application.id)
        .where(Application.platform_id == platform.id)
        .order_by(Answer.created_at, Answer.id)
    ).all()
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "answered_at",
                "action",
                "application_id",
                "siret",
                "rome",
                "applied_at",
                "candidate_email",
                "reason",
                "interview_date",
                "interview_time",
                "interview_mode",
            ]
        )
        for answer, application in rows:
            detail = answer.detail or {}
            writer.writerow(
                [
                    answer.created_at.isoformat(),
                    answer.action,
                    application.public_id,
                    application.siret,
                    application.rome_code or "",
                    application.created_at.isoformat(),
                    application.email,
                    detail.get("reason", ""),
                    detail.get("date", ""),
                    detail.get("time", ""),
                    detail.get("mode", ""),
                ]
            )
    click.echo(f"{len(rows)} answer(s) written to {out}")


@attachments_cli.command("forward")
@click.argument("application_id", type=int)
@click.argument("emails", nargs=-1, required=True)
def forward_cmd(application_id: int, emails: tuple[str, ...]) -> None:
    """Email APPLICATION_ID's attachments to each EMAIL."""
    from server.mail import compose
    from server.mail.pipeline import store_and_enqueue
    from server.models import Application

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


@attachments_cli.command("purge")
@click.option("--days", type=int, help="Default: the ATTACHMENT_RETENTION_DAYS setting.")
def purge_cmd(days: int | None) -> None:
    """Drop attachment contents older than the retention (kept: name and size)."""
    from server.mail.retention import purge_attachments

    click.echo(f"{purge_attachments(days)} attachment(s) purged")


@admin_cli.command("create-user")
@click.argument("username")
@click.password_option(help="At least 12 characters (prompted when omitted).")
def create_user_cmd(username: str, password: str) -> None:
    """Create an admin account (the password is stored hashed)."""
    from server.models import AdminUser

    if db.session.scalar(select(AdminUser).where(AdminUser.username == username)):
        raise click.ClickException(f"an admin named {username!r} already exists")
    user = AdminUser(username=username)
    try:
        user.set_password(password)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--password") from None
    db.session.add(user)
    db.session.commit()
    click.echo(f"admin {username!r} created")
