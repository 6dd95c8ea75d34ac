"""`flask offers …`: fetch a source, register the periodic refresh, purge, reindex."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from server.offers.index import get_index, mark_stale
from server.offers.sources import SOURCES, SourceError, make_source
from server.offers.tasks import expire, fetch_query, fetch_source

cli = AppGroup("offers", help="Fetch, expire and index job offers.")


@cli.command("fetch")
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


@cli.command("expire")
def expire_cmd() -> None:
    """Delete offers past their expiry date (they are already hidden)."""
    click.echo(f"{expire()} expired offers purged")


@cli.command("reindex")
def reindex_cmd() -> None:
    """Tell every process to rebuild its recommendation index, and build one here."""
    version = mark_stale()
    snapshot = get_index().rebuild()
    click.echo(f"offers index version {version}: {snapshot.size} open offers indexed")
