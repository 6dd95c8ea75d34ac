"""`flask applications stats`: figures per platform and month, as a table (see stats.py)."""

from __future__ import annotations

import datetime as dt

import click
from flask.cli import AppGroup
from flask_babel import gettext

from server.applications import stats
from server.i18n import LANGS, in_lang
from server.platforms.registry import find_platform

cli = AppGroup("applications", help="Applications: figures per platform.")


def _month(name: str):
    def convert(ctx, param, value: str | None) -> dt.date | None:
        if value is None:
            return None
        try:
            return stats.parse_month(value, name)
        except ValueError as err:
            raise click.BadParameter(str(err)) from err

    return convert


def table(rows: list[stats.StatsRow], lang: str) -> str:
    """Aligned columns: text to the left, figures to the right."""
    with in_lang(lang) as locale:
        header = [str(label) for label in stats.COLUMNS.values()]
        body = [list(stats.cells(row, locale).values()) for row in rows]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    keys = list(stats.COLUMNS)

    def line(values: list[str]) -> str:
        return "  ".join(
            value.ljust(width) if key in stats.TEXT_COLUMNS else value.rjust(width)
            for key, value, width in zip(keys, values, widths, strict=True)
        ).rstrip()

    return "\n".join([line(header), *(line(values) for values in body)])


@cli.command("stats")
@click.option("--platform", "client_id", help="A platform's client id (default: every one).")
@click.option("--month", callback=_month("--month"), help="One month, YYYY-MM.")
@click.option("--since", callback=_month("--since"), help="From this month on, YYYY-MM.")
@click.option("--lang", type=click.Choice(LANGS), default="fr", show_default=True)
def stats_cmd(
    client_id: str | None, month: dt.date | None, since: dt.date | None, lang: str
) -> None:
    """Applications started and sent, answers by type, answer rate and median time to
    answer, per platform and month (Paris time)."""
    if month and since:
        raise click.UsageError("--month and --since cannot be combined")
    platform_id = None
    if client_id:
        platform = find_platform(client_id, active_only=False)
        if platform is None:
            raise click.BadParameter(
                f"no platform with client id {client_id!r}", param_hint="--platform"
            )
        platform_id = platform.id
    until = stats.next_month(month) if month else None
    rows = stats.compute(platform_id, since=month or since, until=until)
    if len({row.platform for row in rows}) > 1 or len(rows) > 1:
        with in_lang(lang):
            rows = [*rows, stats.totals(rows, gettext("Total"))]
    click.echo(table(rows, lang) if rows else "–")
