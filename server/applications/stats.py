"""Figures per platform and month: Je Postule's `dumpstats`, per partner and per month.

A month is the month, in Paris, an application was made (or a form opened, for "started"):
its answers count with it whenever they came, as Je Postule counted answers with the
applications they answered. Started: apply forms opened (`application_start`); sent: the
recruiter's email was accepted (status `sent` or `answered`); answer rate: sent applications
with at least one answer; delay: from the application to its first answer, the median.
The same rows feed `flask applications stats` and the admin's statistics page.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal, format_percent
from babel.units import format_unit
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from server import clock
from server.extensions import db
from server.i18n import TIMEZONE
from server.models import Answer, Application, ApplicationStart, Platform
from server.models.answer import ACTIONS

PARIS = zoneinfo.ZoneInfo(TIMEZONE)
SENT = ("sent", "answered")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
HOUR = 3600.0
DAYS_FROM = 48 * HOUR  # shorter delays read better in hours
ANSWER_COLUMNS = {
    "interview": _l("Interviews"),
    "information": _l("Information requests"),
    "rejection": _l("Rejections"),
    "hired": _l("Hires"),
}
# Column key → heading, in the order the table shows them.
COLUMNS = {
    "platform": _l("Platform"),
    "month": _l("Month"),
    "started": _l("Started"),
    "sent": _l("Sent"),
    "candidates": _l("Candidates"),
    "companies": _l("Companies"),
    "answered": _l("Answered"),
    **{f"answers_{action}": ANSWER_COLUMNS[action] for action in ACTIONS},
    "answer_rate": _l("Answer rate"),
    "median_delay": _l("Median time to answer"),
}
TEXT_COLUMNS = ("platform", "month")


@dataclass
class StatsRow:
    """One platform's month (or its total): counts, and what the rates are computed from."""

    platform: str
    month: str  # YYYY-MM, or "" for a total
    started: int = 0
    sent: int = 0
    answered: int = 0
    answers: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ACTIONS, 0))
    candidate_set: set[str] = field(default_factory=set)
    company_set: set[str] = field(default_factory=set)
    delays: list[float] = field(default_factory=list)  # seconds to the first answer

    @property
    def candidates(self) -> int:
        return len(self.candidate_set)

    @property
    def companies(self) -> int:
        return len(self.company_set)

    @property
    def answer_rate(self) -> float | None:
        return self.answered / self.sent if self.sent else None

    @property
    def median_delay(self) -> float | None:
        """Seconds from the application to its first answer, the median; None if none."""
        return statistics.median(self.delays) if self.delays else None

    def add(self, other: StatsRow) -> None:
        self.started += other.started
        self.sent += other.sent
        self.answered += other.answered
        for action, count in other.answers.items():
            self.answers[action] += count
        self.candidate_set |= other.candidate_set
        self.company_set |= other.company_set
        self.delays.extend(other.delays)


def parse_month(text: str, name: str) -> dt.date:
    """`YYYY-MM` → the first day of that month; ValueError naming the option otherwise."""
    found = MONTH.match(text.strip())
    if not found:
        raise ValueError(f"{name}: expected a month as YYYY-MM, got {text!r}")
    return dt.date(int(found[1]), int(found[2]), 1)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _paris_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), PARIS).astimezone(dt.UTC)


def _month_of(moment: dt.datetime) -> str:
    return clock.aware(moment).astimezone(PARIS).strftime("%Y-%m")


def compute(
    platform_id: int | None = None, since: dt.date | None = None, until: dt.date | None = None
) -> list[StatsRow]:
    """Rows per platform and month (Paris), oldest month first, platforms by name.

    `since` (included) and `until` (excluded) are first days of months.
    """

    def bounded(query, column):
        if platform_id is not None:
            query = query.where(column.table.c.platform_id == platform_id)
        if since is not None:
            query = query.where(column >= _paris_start(since))
        if until is not None:
            query = query.where(column < _paris_start(until))
        return query

    names = dict(db.session.execute(select(Platform.id, Platform.name)).all())
    rows: dict[tuple[str, str], StatsRow] = {}

    def row(platform: int, moment: dt.datetime) -> StatsRow:
        key = (names.get(platform, str(platform)), _month_of(moment))
        return rows.setdefault(key, StatsRow(*key))

    starts = select(ApplicationStart.platform_id, ApplicationStart.created_at)
    for platform, created in db.session.execute(bounded(starts, ApplicationStart.created_at)):
        row(platform, created).started += 1
    applications = select(
        Application.id,
        Application.platform_id,
        Application.created_at,
        Application.status,
        Application.email,
        Application.siret,
    )
    made: dict[int, tuple[StatsRow, dt.datetime]] = {}
    for app_id, platform, created, status, email, siret in db.session.execute(
        bounded(applications, Application.created_at)
    ):
        target = row(platform, created)
        made[app_id] = (target, clock.aware(created))
        if status in SENT:
            target.sent += 1
            target.candidate_set.add(email)
            target.company_set.add(siret)
    answers = (
        select(Answer.application_id, Answer.action, Answer.created_at)
        .join(Application, Answer.application_id == Application.id)
        .order_by(Answer.created_at, Answer.id)
    )
    first: dict[int, dt.datetime] = {}
    for app_id, action, created in db.session.execute(bounded(answers, Application.created_at)):
        target, _ = made[app_id]
        target.answers[action] = target.answers.get(action, 0) + 1
        first.setdefault(app_id, clock.aware(created))
    for app_id, answered_at in first.items():
        target, applied_at = made[app_id]
        target.answered += 1
        target.delays.append(max(0.0, (answered_at - applied_at).total_seconds()))
    return sorted(rows.values(), key=lambda r: (r.platform.lower(), r.month))


def totals(rows: Iterable[StatsRow], label: str) -> StatsRow:
    """Every row added up (distinct candidates and companies stay distinct)."""
    total = StatsRow(label, "")
    for one in rows:
        total.add(one)
    return total


def format_delay(seconds: float | None, locale: Locale | str) -> str:
    """ "5 h" / "3,5 j" (CLDR short units): hours under two days, days beyond."""
    if seconds is None:
        return "–"
    if seconds < DAYS_FROM:
        value, unit = seconds / HOUR, "duration-hour"
    else:
        value, unit = seconds / (24 * HOUR), "duration-day"
    return format_unit(round(value, 1), unit, length="short", format="#,##0.#", locale=locale)


def format_month(month: str, locale: Locale | str) -> str:
    """ "2027-03" → "mars 2027" / "March 2027"; a total's empty month stays empty."""
    if not month:
        return ""
    return format_skeleton("yMMMM", parse_month(month, "month"), locale=locale)


def format_rate(rate: float | None, locale: Locale | str) -> str:
    """ "42,5 %" / "42.5%": the locale's percent pattern, with one decimal."""
    if rate is None:
        return "–"
    pattern = Locale.parse(locale).percent_formats[None].pattern.replace("0", "0.0", 1)
    return format_percent(rate, pattern.split(";")[0], locale=locale)


def cells(row: StatsRow, locale: Locale | str) -> dict[str, str]:
    """The row as the reader reads it, column by column, in `locale`'s conventions."""
    number = {
        "started": row.started,
        "sent": row.sent,
        "candidates": row.candidates,
        "companies": row.companies,
        "answered": row.answered,
        **{f"answers_{action}": row.answers.get(action, 0) for action in ACTIONS},
    }
    out = {"platform": row.platform, "month": format_month(row.month, locale)}
    out.update({key: format_decimal(value, locale=locale) for key, value in number.items()})
    out["answer_rate"] = format_rate(row.answer_rate, locale)
    out["median_delay"] = format_delay(row.median_delay, locale)
    return out
