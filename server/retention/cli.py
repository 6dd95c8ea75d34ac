"""`flask retention …`: purge attachment contents and old applications now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from server.retention.purges import purge_attachments, purge_personal_data

cli = AppGroup("retention", help="Purge what the retention settings say is too old.")


@cli.command("purge-attachments")
@click.option("--days", type=int, help="Default: the ATTACHMENT_RETENTION_DAYS setting.")
def purge_attachments_cmd(days: int | None) -> None:
    """Drop attachment contents older than the retention (kept: name and size)."""
    click.echo(f"{purge_attachments(days)} attachment(s) purged")


@cli.command("purge-personal-data")
@click.option("--months", type=int, help="Default: the PERSONAL_DATA_RETENTION_MONTHS setting.")
def purge_personal_data_cmd(months: int | None) -> None:
    """Delete applications older than the retention, with everything naming the candidate."""
    click.echo(f"{purge_personal_data(months)} application(s) deleted")
