"""`flask api-users …`: create, list and disable public API keys."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from server.extensions import db
from server.models import ApiUser
from server.models.api_user import SCOPES

api_users_cli = AppGroup("api-users", help="Manage public API keys.")


@api_users_cli.command("create")
@click.argument("name")
@click.option("--scopes", default="", help=f"Comma-separated, among: {', '.join(SCOPES)}.")
def create(name: str, scopes: str) -> None:
    """Create an API user and print its key (shown once, stored hashed)."""
    if db.session.scalar(select(ApiUser).where(ApiUser.name == name)):
        raise click.ClickException(f"an API user named {name!r} already exists")
    try:
        _, key = ApiUser.create(name, [s.strip() for s in scopes.split(",") if s.strip()])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scopes") from None
    db.session.commit()
    click.echo(f"API user {name!r} created. Its key (shown only now):")
    click.echo(key)


@api_users_cli.command("list")
def list_users() -> None:
    """List API users and their scopes (never their keys)."""
    for user in db.session.scalars(select(ApiUser).order_by(ApiUser.name)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.name}\t{user.scopes or '-'}\t{state}")


@api_users_cli.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an API user's key."""
    user = db.session.scalar(select(ApiUser).where(ApiUser.name == name))
    if user is None:
        raise click.ClickException(f"no API user named {name!r}")
    user.active = False
    db.session.commit()
    click.echo(f"API user {name!r} disabled")
