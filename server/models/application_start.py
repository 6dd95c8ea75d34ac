"""A candidate opened the apply form: the funnel's first step, counted per platform.

Nothing personal: which platform, which company (when known), when.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db


class ApplicationStart(db.Model):
    __tablename__ = "application_start"
    __table_args__ = (Index("ix_application_start_platform_created", "platform_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id", ondelete="CASCADE"))
    # No foreign key: a count must survive the company's removal from the data.
    siret: Mapped[str | None] = mapped_column(String(14))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=clock.now)
