"""`flask api-users …` (public API keys) and `flask admin …` (admin accounts)."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.auth.api_keys import SCOPES, check_budget, check_scopes, create_api_user
from server.auth.lbb_signatures import signing_key
from server.extensions import db
from server.models import AdminUser, ApiUser

api_users_cli = AppGroup("api-users", help="Manage public API keys.")
admin_cli = AppGroup("admin", help="Admin accounts.")


BUDGET_HELP = (
    "Requests allowed, in flask-limiter syntax, e.g. '50 per second;5000 per hour' "
    "(default: API_RATE_LIMIT_PER_KEY)."
)


def _scopes(text: str) -> str:
    try:
        return check_scopes([s.strip() for s in text.split(",") if s.strip()])
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scopes") from None


def _budget(text: str) -> str:
    try:
        return check_budget(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--budget") from None


def _user(name: str) -> ApiUser:
    user = db.session.scalar(select(ApiUser).where(ApiUser.name == name))
    if user is None:
        raise click.ClickException(f"no API user named {name!r}")
    return user


@api_users_cli.command("create")
@click.argument("name")
@click.option("--scopes", default="", help=f"Comma-separated, among: {', '.join(SCOPES)}.")
@click.option("--budget", default=None, help=BUDGET_HELP)
def create(name: str, scopes: str, budget: str | None) -> None:
    """Create an API user and print its key (shown once, stored hashed)."""
    if db.session.scalar(select(ApiUser).where(ApiUser.name == name)):
        raise click.ClickException(f"an API user named {name!r} already exists")
    stored = _scopes(scopes)
    _, key = create_api_user(
        name, stored.split(",") if stored else [], _budget(budget) if budget else None
    )
    db.session.commit()
    click.echo(f"API user {name!r} created. Its key (shown only now):")
    click.echo(key)


@api_users_cli.command("set")
@click.argument("name")
@click.option("--scopes", default=None, help=f"Comma-separated, among: {', '.join(SCOPES)}.")
@click.option("--budget", default=None, help=BUDGET_HELP + " 'default' goes back to it.")
def set_user(name: str, scopes: str | None, budget: str | None) -> None:
    """Change an API user's scopes or request budget."""
    user = _user(name)
    if scopes is None and budget is None:
        raise click.UsageError("nothing to change: give --scopes and/or --budget")
    if scopes is not None:
        user.scopes = _scopes(scopes)
    if budget is not None:
        user.budget = None if budget.strip().lower() == "default" else _budget(budget)
    db.session.commit()
    click.echo(f"API user {name!r}: scopes {user.scopes or '-'}, budget {_budget_text(user)}")


def _budget_text(user: ApiUser) -> str:
    return user.budget or f"default ({current_app.config['API_RATE_LIMIT_PER_KEY']})"


@api_users_cli.command("list")
def list_users() -> None:
    """List API users, their scopes and budgets (never their keys)."""
    for user in db.session.scalars(select(ApiUser).order_by(ApiUser.name)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.name}\t{user.scopes or '-'}\t{state}\t{_budget_text(user)}")


@api_users_cli.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Disable an API user's key."""
    user = _user(name)
    user.active = False
    db.session.commit()
    click.echo(f"API user {name!r} disabled")


@api_users_cli.command("lbb-key")
@click.argument("name")
def lbb_key_cmd(name: str) -> None:
    """Print the La Bonne Boite v1 signing key of API user NAME."""
    user = db.session.scalar(select(ApiUser).where(ApiUser.name == name, ApiUser.active))
    if user is None:
        raise click.ClickException(f"no active API user named {name!r}")
    click.echo(f"La Bonne Boite signing key of {name!r} (send user={name}):")
    click.echo(signing_key(user))


@admin_cli.command("create-user")
@click.argument("username")
@click.password_option(help="At least 12 characters (prompted when omitted).")
def create_user_cmd(username: str, password: str) -> None:
    """Create an admin account (the password is stored hashed)."""
    if db.session.scalar(select(AdminUser).where(AdminUser.username == username)):
        raise click.ClickException(f"an admin named {username!r} already exists")
    user = AdminUser(username=username)
    try:
        user.set_password(password)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint="--password") from None
    db.session.add(user)
    db.session.commit()
    click.echo(f"admin {username!r} created")
