"""Public API users: a key (stored hashed, see server.auth.api_keys), its scopes and budget."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db


class ApiUser(db.Model):
    __tablename__ = "api_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255), default="")  # comma-separated
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Its request budget in flask-limiter syntax ("50 per second;5000 per hour"); None: the
    # default for keys (API_RATE_LIMIT_PER_KEY). One budget per user, whatever the route.
    budget: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_set
