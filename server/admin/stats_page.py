"""`/admin/stats`: figures per platform and month, a chart of the months, the same table
`flask applications stats` prints (server/applications/stats.py)."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton
from flask import render_template, request
from flask_babel import gettext

from server import clock
from server.admin.chart import Series, bar_chart
from server.admin.lists import platforms
from server.admin.paging import Filters
from server.applications import stats
from server.i18n import current_lang

MONTHS_SHOWN = 12  # by default: this month and the eleven before
CHART_SERIES = (
    ("started", "#1d4ed8"),
    ("sent", "#047857"),
    ("answered", "#b45309"),
)


def _months_back(day: dt.date, count: int) -> dt.date:
    index = day.year * 12 + day.month - 1 - count
    return dt.date(index // 12, index % 12 + 1, 1)


def _month(filters: Filters, name: str, default: dt.date) -> dt.date:
    raw = request.args.get(name, "").strip()
    filters.values[name] = raw or default.strftime("%Y-%m")
    if not raw:
        return default
    try:
        return stats.parse_month(raw, name)
    except ValueError:
        filters.errors[name] = gettext("A month such as 2027-03 is expected.")
        return default


def _every_month(since: dt.date, until: dt.date) -> list[str]:
    months, day = [], since
    while day < until:
        months.append(day.strftime("%Y-%m"))
        day = stats.next_month(day)
    return months


def _axis_lines(month: str, locale: str) -> tuple[str, str]:
    """ "janv." over "2027": short enough for a month's slot on a phone."""
    day = stats.parse_month(month, "month")
    return format_skeleton("MMM", day, locale=locale), str(day.year)


def page():
    filters = Filters()
    today = clock.now().astimezone(stats.PARIS).date().replace(day=1)
    choices = platforms()
    platform = filters.choice("platform", {str(p.id) for p in choices})
    last = _month(filters, "until", today)
    since = _month(filters, "since", _months_back(last, MONTHS_SHOWN - 1))
    if since > last:
        filters.errors["since"] = gettext("The first month comes before the last one.")
    until = stats.next_month(last)
    rows = (
        [] if filters.errors else stats.compute(int(platform) if platform else None, since, until)
    )
    locale = current_lang()
    total = stats.totals(rows, gettext("Total"))
    months = [] if filters.errors else _every_month(since, until)
    per_month = [
        stats.totals([r for r in rows if r.month == month], stats.format_month(month, locale))
        for month in months
    ]
    series = [Series(key, str(stats.COLUMNS[key]), color) for key, color in CHART_SERIES]
    chart = bar_chart(
        [
            (
                row.platform,
                _axis_lines(month, locale),
                {k: getattr(row, k) for k, _ in CHART_SERIES},
            )
            for month, row in zip(months, per_month, strict=True)
        ],
        series,
        locale,
        lambda month, label, value: gettext(
            "%(month)s, %(label)s: %(value)s", month=month, label=label, value=value
        ),
    )
    return render_template(
        "admin/stats.html",
        filters=filters,
        platform_options=[(str(p.id), p.name) for p in choices],
        columns=stats.COLUMNS,
        text_columns=stats.TEXT_COLUMNS,
        rows=[stats.cells(row, locale) for row in rows],
        total=stats.cells(total, locale) if rows else None,
        chart=chart,
        chart_rows=[stats.cells(row, locale) for row in per_month],
        chart_keys=[key for key, _ in CHART_SERIES],
    ), filters.status
