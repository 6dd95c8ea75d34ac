"""A remembered candidate (server/applications/remember.py): what a blob kept by a partner
page stands for. Nothing personal in clear: a keyed hash of the email address, and the CV
stored with the candidate's application."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db


class RememberedProfile(db.Model):
    __tablename__ = "remembered_profile"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 of the blob's
    platform_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("platform.id", ondelete="CASCADE"), index=True
    )
    email_key: Mapped[str] = mapped_column(String(64), index=True)  # server.links.email_key
    attachment_id: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("attachment.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
