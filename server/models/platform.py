"""Partner platforms: the sites allowed to embed the widget, and their settings.

Creating one, its secret and its origins are `server.platforms`' business.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db

LANGS = ("fr", "en")
THEMES = ("auto", "light", "dark")


class Platform(db.Model):
    __tablename__ = "platform"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    client_id: Mapped[str] = mapped_column(String(40), unique=True)
    # "<salt>$<sha256 of the secret>": see server.platforms.registry.
    secret_hash: Mapped[str] = mapped_column(String(120))
    origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    lang: Mapped[str] = mapped_column(String(2), default="fr")
    theme: Mapped[str] = mapped_column(String(5), default="auto")
    apply_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    default_rome: Mapped[str | None] = mapped_column(String(5))
    default_place: Mapped[str | None] = mapped_column(String(5))  # commune code
    # On by default: a recruiter only hears from addresses their owner confirmed
    # (platforms created before 0012 keep the value they had).
    require_email_confirmation: Mapped[bool] = mapped_column(Boolean, default=True)
    webhook_url: Mapped[str | None] = mapped_column(String(500))
    # What partners set (server/platforms/settings.py checks every value):
    # the name in the From of its emails ("Emploi Store" → "Emploi Store via Spontane"),
    sender_name: Mapped[str | None] = mapped_column(String(40))
    # staging: every email of the platform goes to this address, its subject marked,
    dry_run_address: Mapped[str | None] = mapped_column(String(255))
    # the "back to the partner" link shown once an application is sent,
    next_url: Mapped[str | None] = mapped_column(String(500))
    # the embedding origins that receive the funnel callbacks (onOpen, onApplySent …),
    callback_origins: Mapped[list[str]] = mapped_column(JSON, default=list)
    # up to 3 questions asked in the apply form: [{"id", "label", "type", "required"}].
    screening_questions: Mapped[list[dict]] = mapped_column(JSON, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
