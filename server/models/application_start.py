"""Applications started: one row each time a candidate opens the apply form of a company.

Read by the statistics (started vs sent); the widget side records them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server import clock
from server.extensions import db


class ApplicationStart(db.Model):
    __tablename__ = "application_start"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("platform.id"), nullable=False, index=True)
    siret: Mapped[str | None] = mapped_column(String(14), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), nullable=False, default=clock.now
    )
