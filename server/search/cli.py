"""`flask search …`: rebuild the index, show its state."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from server.search import get_engine, reindex

cli = AppGroup("search", help="Company search index and lookups.")


@cli.command("reindex")
def reindex_cmd() -> None:
    """Rebuild the search index and the autocomplete lexicon from the database."""
    progress = not current_app.config.get("TESTING")
    click.echo(f"rebuilding the {get_engine().name} search index…")
    stats = reindex(progress=progress)
    click.echo(
        f"search index {stats.version}: {stats.companies} companies, "
        f"{stats.documents} company × job entries, {stats.seconds:.1f} s"
    )
    if stats.failed:
        raise click.ClickException(f"{stats.failed} indexing task(s) failed (see the log)")


@cli.command("status")
def status_cmd() -> None:
    """Show the backend and the index version answering now."""
    engine = get_engine()
    click.echo(f"backend: {engine.name}")
    click.echo(f"health: {engine.health()}")
    click.echo(f"version: {engine.version() or 'none (run flask search reindex)'}")
