"""The admin's searchable lists: applications, emails, answers, newest first."""

from __future__ import annotations

import re

from sqlalchemy import Select, exists, or_, select

from server.admin.labels import ANSWER_ACTIONS, STATES
from server.admin.paging import Filters
from server.extensions import db
from server.models import Answer, Application, Company, Email, Platform
from server.models.application import STATUSES
from server.models.email import STATES as EMAIL_STATES

DIGITS = re.compile(r"^[\d ]+$")


def platforms() -> list[Platform]:
    return list(db.session.scalars(select(Platform).order_by(Platform.name)))


def platform_options() -> list[tuple[str, str]]:
    return [(str(p.id), p.name) for p in platforms()]


def _platform_ids() -> set[str]:
    return {str(p.id) for p in platforms()}


def _matches(q: str):
    """Candidate email, company name or trading name, or the start of a SIRET."""
    if DIGITS.match(q):
        return Application.siret.startswith(q.replace(" ", ""), autoescape=True)
    company = select(Company.siret).where(
        or_(Company.name.icontains(q, autoescape=True), Company.sign.icontains(q, autoescape=True))
    )
    return or_(Application.email.icontains(q, autoescape=True), Application.siret.in_(company))


def applications(filters: Filters) -> Select:
    query = select(Application).order_by(Application.id.desc())
    if q := filters.text("q"):
        query = query.where(_matches(q))
    if platform := filters.choice("platform", _platform_ids()):
        query = query.where(Application.platform_id == int(platform))
    if status := filters.choice("status", STATUSES):
        query = query.where(Application.status == status)
    if email_state := filters.choice("email_state", EMAIL_STATES):
        query = query.where(
            exists().where(
                Email.application_id == Application.id,
                Email.kind == "application_recruiter",
                Email.state == email_state,
            )
        )
    return query


def emails(filters: Filters) -> Select:
    query = select(Email).order_by(Email.id.desc())
    if q := filters.text("q"):
        query = query.where(Email.to_address.icontains(q, autoescape=True))
    if state := filters.choice("state", EMAIL_STATES):
        query = query.where(Email.state == state)
    return query


def answers(filters: Filters) -> Select:
    query = select(Answer).join(Application).order_by(Answer.id.desc())
    if q := filters.text("q"):
        query = query.where(_matches(q))
    if platform := filters.choice("platform", _platform_ids()):
        query = query.where(Application.platform_id == int(platform))
    if action := filters.choice("action", ANSWER_ACTIONS):
        query = query.where(Answer.action == action)
    return query


def company_names(sirets: set[str]) -> dict[str, str]:
    """SIRET → the name an operator knows the company by (its trading name first)."""
    if not sirets:
        return {}
    rows = db.session.execute(
        select(Company.siret, Company.sign, Company.name).where(Company.siret.in_(sirets))
    )
    return {siret: sign or name for siret, sign, name in rows}


def state_choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, str(STATES.get(code, code))) for code in codes]
