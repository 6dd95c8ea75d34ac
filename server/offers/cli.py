"""`flask offers …`: fetch a source, register the periodic refresh, purge, reindex."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from server.offers.sources import SOURCES, SourceError, make_source

offers_cli = AppGroup("offers", help="Fetch, schedule, expire and index job offers.")


@offers_cli.command("fetch")
@click.argument("source", type=click.Choice(SOURCES))
@click.option("--keywords", help="Search words (default: OFFERS_KEYWORDS).")
@click.option("--citycode", help="INSEE code of the area's centre (default: OFFERS_CITYCODE).")
@click.option("--distance", type=click.IntRange(0, 200), help="Radius in km around --citycode.")
@click.option("--max", "max_offers", type=click.IntRange(1), help="Stop after this many offers.")
def fetch_cmd(
    source: str,
    keywords: str | None,
    citycode: str | None,
    distance: int | None,
    max_offers: int | None,
) -> None:
    """Fetch offers from SOURCE and store them (one transaction; nothing kept on error)."""
    from server.offers.tasks import fetch_query, fetch_source

    try:
        query = fetch_query(keywords, citycode, distance, max_offers)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--citycode") from None
    show = not current_app.config.get("TESTING")
    try:
        make_source(source, current_app.config)  # a missing key is reported before any bar
        with click.progressbar(length=query.max_offers, label=source, hidden=not show) as bar:
            summary = fetch_source(source, query, progress=bar.update)
    except SourceError as exc:
        raise click.ClickException(f"{exc} — nothing was stored") from None
    click.echo(summary.line())


@offers_cli.command("schedule")
def schedule_cmd() -> None:
    """Register the periodic refresh of each configured source (safe to run repeatedly)."""
    from server.offers.sources import configured_sources
    from server.offers.tasks import register_schedules

    if not configured_sources(current_app.config):
        click.echo("no offer source has its keys set: only the expiry purge is scheduled")
    for name, job_id in register_schedules().items():
        click.echo(f"{name}: scheduled as {job_id}")


@offers_cli.command("expire")
def expire_cmd() -> None:
    """Delete offers past their expiry date (they are already hidden)."""
    from server.offers.tasks import expire

    click.echo(f"{expire()} expired offers purged")


@offers_cli.command("reindex")
def reindex_cmd() -> None:
    """Tell every process to rebuild its recommendation index, and build one here."""
    from server.offers.index import get_index, mark_stale

    version = mark_stale()
    snapshot = get_index().rebuild()
    click.echo(f"offers index version {version}: {snapshot.size} open offers indexed")
