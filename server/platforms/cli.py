"""`flask platforms …`: partner sites allowed to embed the widget, and their settings."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.extensions import db
from server.models import Commune, Platform, Rome
from server.models.platform import LANGS, THEMES
from server.platforms.origins import normalize_origin, swap_loopback
from server.platforms.registry import DEMO_NAME, create_platform, rotate_secret
from server.platforms.settings import (
    SettingError,
    clean_callback_origins,
    clean_dry_run_address,
    clean_next_url,
    clean_screening_questions,
    clean_sender_name,
)

cli = AppGroup("platforms", help="Manage the partner sites that embed the widget.")


def _origins(values: tuple[str, ...]) -> list[str]:
    try:
        return sorted({normalize_origin(v) for v in values})
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--origin") from None


def _get(client_id_or_name: str) -> Platform:
    platform = db.session.scalar(
        select(Platform).where(
            (Platform.client_id == client_id_or_name) | (Platform.name == client_id_or_name)
        )
    )
    if platform is None:
        raise click.ClickException(f"no platform with client id or name {client_id_or_name!r}")
    return platform


def _snippet(platform: Platform) -> str:
    host = current_app.config["PUBLIC_URL"].rstrip("/")
    return f'<script src="{host}/widget.js" data-client-id="{platform.client_id}" async></script>'


@cli.command("create")
@click.argument("name")
@click.option(
    "--origin",
    "origins",
    multiple=True,
    required=True,
    help="An origin allowed to embed the widget, e.g. https://site.example (repeatable).",
)
def create(name: str, origins: tuple[str, ...]) -> None:
    """Create a platform; print its client id and secret (shown once, stored hashed)."""
    if db.session.scalar(select(Platform).where(Platform.name == name)):
        raise click.ClickException(f"a platform named {name!r} already exists")
    platform, secret = create_platform(name, _origins(origins))
    db.session.commit()
    click.echo(f"Platform {name!r} created for {', '.join(platform.origins)}.")
    click.echo(f"client id: {platform.client_id}")
    click.echo(f"secret:    {secret}   (shown only now; it signs prefilled candidate data)")
    click.echo(f"snippet:   {_snippet(platform)}")


@cli.command("list")
def list_platforms() -> None:
    """List platforms with their origins and settings (never their secrets)."""
    for p in db.session.scalars(select(Platform).order_by(Platform.name)):
        state = "active" if p.active else "disabled"
        click.echo(
            f"{p.client_id}\t{p.name}\t{state}\t{' '.join(p.origins)}\tlang={p.lang} "
            f"theme={p.theme} apply={'on' if p.apply_enabled else 'off'} "
            f"confirm-email={'on' if p.require_email_confirmation else 'off'} "
            f"rome={p.default_rome or '-'} place={p.default_place or '-'} "
            f"sender={p.sender_name or '-'} dry-run={p.dry_run_address or '-'} "
            f"next={p.next_url or '-'} callbacks={','.join(p.callback_origins or []) or '-'} "
            f"questions={len(p.screening_questions or [])}"
        )


@cli.command("set")
@click.argument("platform_ref", metavar="CLIENT_ID_OR_NAME")
@click.option("--lang", type=click.Choice(LANGS))
@click.option("--theme", type=click.Choice(THEMES))
@click.option(
    "--apply/--no-apply",
    "apply_enabled",
    default=None,
    help="Allow applications (La Bonne Boite's quota switch).",
)
@click.option("--rome", "default_rome", help="Default job (ROME code); '' clears it.")
@click.option("--place", "default_place", help="Default place (INSEE commune code); '' clears it.")
@click.option("--require-email-confirmation/--no-require-email-confirmation", default=None)
@click.option("--origin", "origins", multiple=True, help="Replace the allowed origins.")
@click.option("--webhook-url", help="Partner webhook URL; '' clears it.")
@click.option("--enable/--disable", "active", default=None)
@click.option("--sender-name", help="Name in the From of its emails ('X via Spontane'); '' clears.")
@click.option(
    "--dry-run-address",
    help="Staging: every email of the platform goes to this address, marked [Test]; '' clears.",
)
@click.option("--next-url", help="http(s) URL of the 'Back to' link after sending; '' clears.")
@click.option(
    "--callback-origin",
    "callback_origins",
    multiple=True,
    help="Replace the origins that get the loader's callbacks (repeatable; '' clears).",
)
@click.option(
    "--screening-questions",
    help='Up to 3 questions, JSON: [{"label": "…", "type": "yesno"|"text", "required": true}] '
    "or @FILE; '' clears.",
)
def set_settings(platform_ref: str, **options) -> None:
    """Change a platform's settings; unspecified ones stay as they are."""
    platform = _get(platform_ref)
    try:
        _partner_settings(platform, options)
    except SettingError as err:
        raise click.BadParameter(
            err.text, param_hint="--" + err.setting.replace("_", "-")
        ) from None
    rome = options.pop("default_rome")
    if rome is not None:
        if rome and db.session.get(Rome, rome.upper()) is None:
            raise click.BadParameter(f"unknown ROME code {rome!r}", param_hint="--rome")
        platform.default_rome = rome.upper() or None
    place = options.pop("default_place")
    if place is not None:
        if place and db.session.get(Commune, place) is None:
            raise click.BadParameter(f"unknown commune code {place!r}", param_hint="--place")
        platform.default_place = place or None
    origins = options.pop("origins")
    if origins:
        platform.origins = _origins(origins)
    webhook = options.pop("webhook_url")
    if webhook is not None:
        if webhook and not webhook.startswith(("https://", "http://")):
            raise click.BadParameter("expected an http(s) URL", param_hint="--webhook-url")
        platform.webhook_url = webhook or None
    for key, value in options.items():
        if value is not None:
            setattr(platform, key, value)
    db.session.commit()
    click.echo(f"Platform {platform.name!r} updated.")


def _partner_settings(platform: Platform, options: dict) -> None:
    """Pops and applies the partner settings of `options` (server/platforms/settings.py)."""
    for key, clean in (
        ("sender_name", clean_sender_name),
        ("dry_run_address", clean_dry_run_address),
        ("next_url", clean_next_url),
    ):
        value = options.pop(key)
        if value is not None:
            setattr(platform, key, clean(value))
    if callbacks := options.pop("callback_origins"):
        platform.callback_origins = clean_callback_origins(list(callbacks))
    questions = options.pop("screening_questions")
    if questions is not None:
        if questions.startswith("@"):
            try:
                with open(questions[1:], encoding="utf-8") as f:
                    questions = f.read()
            except OSError as exc:
                raise SettingError("screening_questions", str(exc)) from None
        platform.screening_questions = clean_screening_questions(questions)


@cli.command("disable")
@click.argument("platform_ref", metavar="CLIENT_ID_OR_NAME")
def disable(platform_ref: str) -> None:
    """Disable a platform: its widget stops loading at once."""
    platform = _get(platform_ref)
    platform.active = False
    db.session.commit()
    click.echo(f"Platform {platform.name!r} disabled.")


@cli.command("rotate-secret")
@click.argument("platform_ref", metavar="CLIENT_ID_OR_NAME")
def rotate_secret_cmd(platform_ref: str) -> None:
    """Issue a new secret; the old one stops working."""
    platform = _get(platform_ref)
    secret = rotate_secret(platform)
    db.session.commit()
    click.echo(f"secret: {secret}   (shown only now)")


@cli.command("ensure-demo")
@click.option(
    "--origin",
    help="The demo page's origin (default: PUBLIC_URL with 127.0.0.1 and localhost swapped).",
)
def ensure_demo(origin: str | None) -> None:
    """Create or update the demo platform used by `/demo` (idempotent)."""
    public = normalize_origin(current_app.config["PUBLIC_URL"])
    origin = _origins((origin,))[0] if origin else swap_loopback(public)
    if origin is None:
        raise click.BadParameter(
            "PUBLIC_URL is not on localhost or 127.0.0.1", param_hint="--origin"
        )
    platform = db.session.scalar(select(Platform).where(Platform.name == DEMO_NAME))
    if platform is None:
        platform, _ = create_platform(DEMO_NAME, [origin])
        platform.default_rome = "D1102" if db.session.get(Rome, "D1102") else None
        platform.default_place = "57463" if db.session.get(Commune, "57463") else None
    elif origin not in platform.origins:
        platform.origins = sorted({*platform.origins, origin})
    platform.active = True
    db.session.commit()
    click.echo(f"Demo platform {platform.client_id} allows {', '.join(platform.origins)}.")
    click.echo(f"Demo page: {origin}/demo")
