"""`flask answers dump`: recruiters' answers to a platform's applications, as CSV.

Je Postule's `dumpanswers` columns (application, employer, candidate, job, answer date and
type), plus the platform, the job's label and the delay to answer. UTF-8, comma-separated,
one header line; moments in ISO 8601, Paris time; the delay in hours (decimal point).
"""

from __future__ import annotations

import csv
import datetime as dt
import zoneinfo
from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from server import clock
from server.extensions import db
from server.i18n import TIMEZONE
from server.models import Answer, Application, Company, Platform, Rome
from server.platforms.registry import find_platform

cli = AppGroup("answers", help="Recruiters' answers.")
PARIS = zoneinfo.ZoneInfo(TIMEZONE)
COLUMNS = (
    "application_id",
    "applied_at",
    "platform",
    "company_name",
    "company_email",
    "siret",
    "candidate_first_name",
    "candidate_last_name",
    "candidate_email",
    "candidate_phone",
    "rome",
    "job_label",
    "answered_at",
    "action",
    "delay_hours",
    "reason",
    "interview_date",
    "interview_time",
    "interview_mode",
)


def _paris(moment: dt.datetime) -> str:
    return clock.aware(moment).astimezone(PARIS).isoformat(timespec="seconds")


def answer_rows(platform_id: int) -> list[dict[str, str]]:
    """One dict per answer to the platform's applications, oldest answer first."""
    rows = db.session.execute(
        select(Answer, Application, Platform.name, Company.name, Company.email, Rome.label)
        .join(Application, Answer.application_id == Application.id)
        .join(Platform, Application.platform_id == Platform.id)
        .outerjoin(Company, Application.siret == Company.siret)
        .outerjoin(Rome, Application.rome_code == Rome.code)
        .where(Application.platform_id == platform_id)
        .order_by(Answer.created_at, Answer.id)
    ).all()
    out = []
    for answer, application, platform, company, company_email, job_label in rows:
        detail = answer.detail or {}
        delay = clock.aware(answer.created_at) - clock.aware(application.created_at)
        out.append(
            {
                "application_id": application.public_id,
                "applied_at": _paris(application.created_at),
                "platform": platform,
                "company_name": company or "",
                "company_email": company_email or "",
                "siret": application.siret,
                "candidate_first_name": application.first_name,
                "candidate_last_name": application.last_name,
                "candidate_email": application.email,
                "candidate_phone": application.phone or "",
                "rome": application.rome_code or "",
                "job_label": job_label or "",
                "answered_at": _paris(answer.created_at),
                "action": answer.action,
                "delay_hours": f"{max(0.0, delay.total_seconds()) / 3600:.1f}",
                "reason": detail.get("reason", ""),
                "interview_date": detail.get("date", ""),
                "interview_time": detail.get("time", ""),
                "interview_mode": detail.get("mode", ""),
            }
        )
    return out


@cli.command("dump")
@click.argument("client_id")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def dump_cmd(client_id: str, out: Path) -> None:
    """Write the answers to CLIENT_ID's applications to OUT (CSV, UTF-8)."""
    platform = find_platform(client_id, active_only=False)
    if platform is None:
        raise click.ClickException(f"no platform with client id {client_id!r}")
    rows = answer_rows(platform.id)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    click.echo(f"{len(rows)} answer(s) written to {out}")
