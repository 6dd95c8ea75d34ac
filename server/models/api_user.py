"""Public API users: a key (stored hashed) and the scopes it grants."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Boolean, DateTime, String, select
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

SCOPES = ("email", "phone", "website", "admin")
KEY_PREFIX = "spk_"


def hash_key(key: str) -> str:
    # Keys are 256-bit random tokens, so a fast unsalted hash is enough to make a leaked
    # table useless while keeping lookups a single indexed query.
    return hashlib.sha256(key.encode()).hexdigest()


class ApiUser(db.Model):
    __tablename__ = "api_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[str] = mapped_column(String(255), default="")  # comma-separated
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=lambda: dt.datetime.now(dt.UTC)
    )

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(s for s in self.scopes.split(",") if s)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scope_set

    @classmethod
    def create(cls, name: str, scopes: list[str]) -> tuple[ApiUser, str]:
        """A new user and its key; the key is shown once and only its hash is kept."""
        unknown = sorted(set(scopes) - set(SCOPES))
        if unknown:
            raise ValueError(
                f"unknown scope(s) {', '.join(unknown)}; scopes are {', '.join(SCOPES)}"
            )
        key = KEY_PREFIX + secrets.token_urlsafe(32)
        user = cls(name=name, key_hash=hash_key(key), scopes=",".join(sorted(set(scopes))))
        db.session.add(user)
        return user, key

    @classmethod
    def by_key(cls, key: str) -> ApiUser | None:
        return db.session.scalar(select(cls).where(cls.key_hash == hash_key(key), cls.active))
