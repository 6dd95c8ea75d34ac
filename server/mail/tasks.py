"""RQ tasks of the mail pipeline (queue "mail") and its maintenance (queue "maintenance")."""

from __future__ import annotations

from rq import Retry

from server.jobs import job
from server.mail.sender import deliver  # imported by the web app too: warm in the worker

# Transient failures retry after 10 s, 1 min, 5 min, 15 min, 1 h, then the email fails.
SEND_RETRY = Retry(max=5, interval=[10, 60, 300, 900, 3600])


@job("mail", timeout=120, retry=SEND_RETRY)
def send_email(email_id: int) -> str:
    return deliver(email_id)


@job("maintenance", timeout=600)
def sweep_mail() -> dict[str, int]:
    """Enqueue emails stored while Redis was down or orphaned by a dead worker."""
    from server.mail.sweeper import schedule_maintenance, sweep

    try:
        return sweep()
    finally:
        schedule_maintenance(only_missing=False, names=("sweep_mail",))


@job("maintenance", timeout=3600)
def purge_attachments() -> int:
    """Daily: drop attachment contents older than ATTACHMENT_RETENTION_DAYS."""
    from server.mail.retention import purge_attachments as purge
    from server.mail.sweeper import schedule_maintenance

    try:
        return purge()
    finally:
        schedule_maintenance(only_missing=False, names=("purge_attachments",))


@job("maintenance", timeout=3600)
def purge_personal_data() -> int:
    """Daily: delete applications older than PERSONAL_DATA_RETENTION_MONTHS."""
    from server.mail.retention import purge_personal_data as purge
    from server.mail.sweeper import schedule_maintenance

    try:
        return purge()
    finally:
        schedule_maintenance(only_missing=False, names=("purge_personal_data",))
