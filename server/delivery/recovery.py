"""Recovery: the sweep that gives every email the database says is due a live job.

The database is the truth, RQ only a means: the sweep trusts no job status. An email is
re-enqueued (with a new job id, so a stray old job stops without sending) when:
- it is `sending` and its claim lapsed: the lease ended, or its owner process died;
- it is `pending`, or `delayed` and due, and no job for it is waiting in the mail queue,
  running recently, or scheduled on time — whatever RQ's status says (a job killed between
  being taken and being started stays "queued" in no queue and no registry); one whose
  enqueue failed (Redis down) has no job id and is taken at once;
- it is `delayed` and not yet due, and no job is scheduled for it (Redis lost it).
Applications stored but never handed over (Redis down at submission, a crash) get their
recruiter email. Each row is handled on its own: one that fails is marked failed with
its reason, never stopping the others. It runs every minute from the cron process
(`server/schedule.py`) and from `flask mail sweep`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from rq.registry import ScheduledJobRegistry, StartedJobRegistry
from sqlalchemy import select

from server.clock import aware, now
from server.delivery import dispatch
from server.delivery.owners import process_alive
from server.delivery.pipeline import deliver_application
from server.delivery.queueing import enqueue
from server.delivery.sender import claim_is_live, fail
from server.extensions import db
from server.models import Application, Email
from server.models.email import TO_SEND
from server.queues import get_queue

log = logging.getLogger(__name__)

# A row younger than this may be between its commit and its enqueue in the web process,
# and a job started longer ago than this has claimed its row unless its process died.
GRACE_SECONDS = 30


@dataclass(frozen=True)
class Jobs:
    """Where the mail queue's jobs are, read once per sweep."""

    waiting: frozenset[str]
    started: frozenset[str]
    scheduled: dict[str, float]  # job id → due timestamp

    @classmethod
    def read(cls, job_ids: list[str]) -> Jobs:
        queue = get_queue("mail")
        connection = queue.connection
        started = StartedJobRegistry(queue=queue)
        scheduled = ScheduledJobRegistry(queue=queue)
        with connection.pipeline(transaction=False) as pipe:
            pipe.zrange(started.key, 0, -1, withscores=True)
            for job_id in job_ids:
                pipe.lpos(queue.key, job_id)
                pipe.zscore(scheduled.key, job_id)
            answers = pipe.execute()
        # Started entries are "<job id>:<execution id>", scored by when they expire unless
        # their worker's heartbeat extends them: an expired one's process is gone, and so
        # is one whose worker was a process of this host that no longer runs.
        alive_until = now().timestamp()
        running = {
            member.decode().rsplit(":", 1)[0]
            for member, until in answers[0]
            if until > alive_until and _worker_alive(connection, member.decode())
        }
        waiting, due = set(), {}
        for i, job_id in enumerate(job_ids):
            position, score = answers[1 + 2 * i], answers[2 + 2 * i]
            if position is not None:
                waiting.add(job_id)
            if score is not None:
                due[job_id] = float(score)
        return cls(frozenset(waiting), frozenset(running), due)


def _worker_alive(connection, execution: str) -> bool:
    name = connection.hget(f"rq:execution:{execution}", "worker_name")
    info = connection.hgetall(f"rq:worker:{name.decode()}") if name else {}
    if not info:
        return bool(name)  # no record to judge by: trust the registry's expiry
    owner = f"{info.get(b'hostname', b'').decode()}:{info.get(b'pid', b'').decode()}"
    return process_alive(owner) is not False


def sweep(grace_seconds: int = GRACE_SECONDS) -> dict[str, int]:
    """Enqueue every email that should be queued and is not; return the counts."""
    counts = {"enqueued": 0, "orphaned": 0, "applications": 0, "failed": 0}
    counts["applications"], failed = _undelivered(grace_seconds)
    counts["failed"] += failed
    rows = db.session.scalars(
        select(Email).where(Email.state.in_((*TO_SEND, "sending"))).order_by(Email.id)
    ).all()
    jobs = Jobs.read(sorted({e.job_id for e in rows if e.job_id}))
    at = now()
    for email in rows:
        try:
            what = _recover(email, jobs, at, dt.timedelta(seconds=grace_seconds))
        except Exception as exc:  # one bad row never stops the others
            db.session.rollback()
            log.exception("sweep: email failed", extra={"email_id": email.id})
            fail(db.session.get(Email, email.id), f"recovery failed: {type(exc).__name__}: {exc}")
            counts["failed"] += 1
            continue
        if what:
            counts[what] += 1
    if any(counts.values()):
        log.info("mail sweep", extra=counts)
    return counts


def _recover(email: Email, jobs: Jobs, at: dt.datetime, grace: dt.timedelta) -> str | None:
    if email.state == "sending":
        if claim_is_live(email, at):
            return None
        enqueue(email)  # the new job asks the provider before any re-send
        return "orphaned"
    queued_at = aware(email.enqueued_at) or aware(email.created_at)
    if email.job_id is not None and at - queued_at < grace:
        return None  # just stored or just queued: its own job is on its way
    due_at = aware(email.not_before)
    job_id = email.job_id
    if due_at is not None and due_at > at:  # a delayed email, not due yet
        if job_id in jobs.scheduled:
            return None
        enqueue(email, at=due_at)
        return "enqueued"
    if job_id in jobs.waiting or job_id in jobs.started:
        return None
    # Scheduled but overdue (the scheduler that should have moved it is not running), or
    # its batch job never reached the queue: no email may join that job any more.
    if job_id is not None:
        dispatch.drop(get_queue("mail").connection, job_id)
    enqueue(email)
    return "enqueued"


def _undelivered(grace_seconds: int) -> tuple[int, int]:
    """Deliver applications stored as `submitted` whose hand-over to us never happened."""
    cutoff = now() - dt.timedelta(seconds=grace_seconds)
    has_email = (
        select(Email.id)
        .where(Email.application_id == Application.id, Email.kind == "application_recruiter")
        .exists()
    )
    ids = db.session.scalars(
        select(Application.id).where(
            Application.status == "submitted", Application.created_at < cutoff, ~has_email
        )
    ).all()
    failed = 0
    for application_id in ids:
        try:
            deliver_application(application_id)
        except Exception as err:  # e.g. the company lost its address: shown in the admin
            db.session.rollback()
            log.warning(
                "sweep: application cannot be delivered",
                extra={"application_id": application_id, "error": str(err)[:200]},
            )
            application = db.session.get(Application, application_id)
            application.status = "failed"
            application.add_event("delivery_failed", error=str(err)[:500])
            db.session.commit()
            failed += 1
    return len(ids), failed
