"""`flask answers dump`: recruiters' answers to a platform's applications, as CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from server.extensions import db
from server.models import Answer, Application
from server.platforms.registry import find_platform

cli = AppGroup("answers", help="Recruiters' answers.")


@cli.command("dump")
@click.argument("client_id")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def dump_cmd(client_id: str, out: Path) -> None:
    """Write the answers to CLIENT_ID's applications to OUT (CSV)."""
    platform = find_platform(client_id, active_only=False)
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
