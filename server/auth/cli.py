"""`flask api-users …` (public API keys) and `flask admin …` (admin accounts)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from server.auth.api_keys import SCOPES, checked_budget, checked_scopes, create_api_user
from server.auth.lbb_signatures import signing_key
from server.extensions import db
from server.models import AdminUser, ApiUser
from server.models.api_user import DEFAULT_BUDGET

BUDGET_HELP = (
    "Requests allowed on the La Bonne Boite v1 routes, in flask-limiter syntax "
    f"(default {DEFAULT_BUDGET!r})."
)


def _scope_list(scopes: str) -> list[str]:
    return [s.strip() for s in scopes.split(",") if s.strip()]


api_users_cli = AppGroup("api-users", help="Manage public API keys.")
admin_cli = AppGroup("admin", help="Admin accounts.")


@api_users_cli.command("create")
@click.argument("name")
@click.option("--scopes", default="", help=f"Comma-separated, among: {', '.join(SCOPES)}.")
@click.option("--budget", default=DEFAULT_BUDGET, help=BUDGET_HELP)
def create(name: str, scopes: str, budget: str) -> None:
    """Create an API user and print its key (shown once, stored hashed)."""
    if db.session.scalar(select(ApiUser).where(ApiUser.name == name)):
        raise click.ClickException(f"an API user named {name!r} already exists")
    try:
        checked_budget(budget)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--budget") from None
    try:
        _, key = create_api_user(name, _scope_list(scopes), budget)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scopes") from None
    db.session.commit()
    click.echo(f"API user {name!r} created. Its key (shown only now):")
    click.echo(key)


@api_users_cli.command("set")
@click.argument("name")
@click.option("--scopes", default=None, help="Replace its scopes (comma-separated).")
@click.option("--budget", default=None, help=BUDGET_HELP)
def set_user(name: str, scopes: str | None, budget: str | None) -> None:
    """Change an API user's scopes or request budget."""
    user = db.session.scalar(select(ApiUser).where(ApiUser.name == name))
    if user is None:
        raise click.ClickException(f"no API user named {name!r}")
    try:
        if scopes is not None:
            user.scopes = checked_scopes(_scope_list(scopes))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--scopes") from None
    try:
        if budget is not None:
            user.budget = checked_budget(budget)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--budget") from None
    db.session.commit()
    click.echo(f"API user {name!r}: scopes {user.scopes or '-'}, budget {user.budget}")


@api_users_cli.command("list")
def list_users() -> None:
    """List API users, their scopes and budgets (never their keys)."""
    for user in db.session.scalars(select(ApiUser).order_by(ApiUser.name)):
        state = "active" if user.active else "disabled"
        click.echo(f"{user.name}\t{user.scopes or '-'}\t{state}\t{user.budget}")


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
