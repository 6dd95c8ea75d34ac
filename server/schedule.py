"""Every periodic job, declared once. The cron process (`flask cron`, RQ's CronScheduler)
enqueues them; workers run them. Nothing re-arms itself and no clock lives in Redis: a
cron process started after a crash runs the interval jobs at once, then on time.

Interval jobs run when the cron process starts, then every `interval` seconds; cron-string
jobs run at those times (the process's local time) and never at start.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from server.delivery.recovery import sweep
from server.offers.sources import configured_sources
from server.offers.tasks import FETCH_TIMEOUT, expire_offers, refresh_source
from server.retention.purges import purge_attachments, purge_personal_data
from server.search.maintenance import reindex_companies
from server.webhooks.notifications import enqueue_pending_deliveries


@dataclass(frozen=True)
class Periodic:
    name: str
    func: Callable
    queue: str
    interval: int | None = None  # seconds
    cron: str | None = None  # "minute hour day month weekday"
    timeout: int = 600
    args: tuple = field(default_factory=tuple)

    @property
    def when(self) -> str:
        return f"every {self.interval} s" if self.interval else f"cron {self.cron}"


def periodic_jobs(config: Mapping[str, object]) -> list[Periodic]:
    """The schedule for these settings (offer sources are fetched only when configured)."""
    jobs = [
        # Emails stored while Redis was down, orphaned by a dead worker, or never queued.
        Periodic("mail-sweep", sweep, "maintenance", interval=int(config["MAIL_SWEEP_SECONDS"])),
        Periodic("webhooks-sweep", enqueue_pending_deliveries, "maintenance", interval=300),
        Periodic("purge-attachments", purge_attachments, "maintenance", cron="15 3 * * *"),
        Periodic("purge-personal-data", purge_personal_data, "maintenance", cron="30 3 * * *"),
        Periodic("offers-expire", expire_offers, "maintenance", cron="0 4 * * *"),
        Periodic(
            "search-reindex", reindex_companies, "maintenance", cron="30 4 * * *", timeout=3600
        ),
    ]
    for source in configured_sources(config):
        jobs.append(
            Periodic(
                f"offers-refresh-{source}",
                refresh_source,
                "maintenance",
                cron=str(config["OFFERS_REFRESH_CRON"]),
                timeout=FETCH_TIMEOUT,
                args=(source,),
            )
        )
    return jobs
