"""Public API users: a key (stored hashed, see server.auth.api_keys), its scopes and the
request budget of its La Bonne Boite v1 calls."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db

# flask-limiter syntax. Generous: La Bonne Boite set no limit, and France Travail's own API
# allows 2 calls a second per key; `flask api-users set NAME --budget …` changes one user's.
DEFAULT_BUDGET = "100 per second;100000 per hour"


class ApiUser(db.Model):
    __tablename__ = "api_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255), default="")  # comma-separated
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    budget: Mapped[str] = mapped_column(
        String(100), default=DEFAULT_BUDGET, server_default=DEFAULT_BUDGET
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_set
