"""`flask search …`: rebuild the index, show its state, print La Bonne Boite signing keys."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.extensions import db

search_cli = AppGroup("search", help="Company search index and lookups.")


@search_cli.command("reindex")
def reindex_cmd() -> None:
    """Rebuild the search index and the autocomplete lexicon from the database."""
    from server.search import get_engine, reindex

    progress = not current_app.config.get("TESTING")
    click.echo(f"rebuilding the {get_engine().name} search index…")
    stats = reindex(progress=progress)
    click.echo(
        f"search index {stats.version}: {stats.companies} companies, "
        f"{stats.documents} company × job entries, {stats.seconds:.1f} s"
    )
    if stats.failed:
        raise click.ClickException(f"{stats.failed} indexing task(s) failed (see the log)")


@search_cli.command("status")
def status_cmd() -> None:
    """Show the backend and the index version answering now."""
    from server.search import get_engine

    engine = get_engine()
    click.echo(f"backend: {engine.name}")
    click.echo(f"health: {engine.health()}")
    click.echo(f"version: {engine.version() or 'none (run flask search reindex)'}")


@search_cli.command("lbb-key")
@click.argument("name")
def lbb_key_cmd(name: str) -> None:
    """Print the La Bonne Boite v1 signing key of API user NAME."""
    from server.models import ApiUser
    from server.views.api_lbb_auth import signing_key

    user = db.session.scalar(select(ApiUser).where(ApiUser.name == name, ApiUser.active))
    if user is None:
        raise click.ClickException(f"no active API user named {name!r}")
    click.echo(f"La Bonne Boite signing key of {name!r} (send user={name}):")
    click.echo(signing_key(user))
