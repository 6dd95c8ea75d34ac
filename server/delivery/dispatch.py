"""Many emails, one job: which "mail" job the emails queued now join.

RQ forks a work horse per job, about 90 ms (bench/bench_mail.py): one job per email could
never go faster than ~10 emails/s. So emails due now name an *open* batch job that has
not started yet, up to `per_job` of them; the first email of a batch creates the job.

The race this guards: an email that names a job which already chose its rows would wait
for the sweep. A batch job marks itself started (`start`) before it reads its rows; the
writer commits the row's job id, then checks `started`: if the job has not started, it
will see the row; if it has, the writer names another job. Both steps are single Redis
commands, so the order holds across processes.
"""

from __future__ import annotations

import secrets

from redis import Redis

PREFIX = "spontane:mail-batch:"
OPEN = PREFIX + "open"  # the id of the batch job emails join now
OPEN_COUNT = PREFIX + "open-count"  # emails it was given so far
# Hygiene only: a key whose job will never run (its creator crashed before the enqueue,
# the queue was emptied) is dropped by the recovery sweep, which re-enqueues its emails.
OPEN_TTL_MS = 600_000
STARTED_TTL_SECONDS = 3600  # far longer than any writer between its commit and its check

_RESERVE = """
local id = redis.call('GET', KEYS[1])
if id then
  local n = redis.call('INCRBY', KEYS[2], ARGV[2])
  if n <= tonumber(ARGV[3]) then return {id, 0} end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[4])
return {ARGV[1], 1}
"""

_START = """
redis.call('SET', KEYS[3], 1, 'EX', ARGV[2])
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
"""


_DROP = """
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1], KEYS[2]) end
"""


def new_batch_id() -> str:
    return f"email-batch-{secrets.token_hex(8)}"


def reserve(connection: Redis, count: int, per_job: int) -> tuple[str, bool]:
    """The open job's id for `count` more emails, and whether the caller created it (then
    the caller enqueues it, after committing its rows)."""
    job_id, created = connection.eval(
        _RESERVE, 2, OPEN, OPEN_COUNT, new_batch_id(), count, per_job, OPEN_TTL_MS
    )
    return job_id.decode() if isinstance(job_id, bytes) else job_id, bool(created)


def start(connection: Redis, job_id: str) -> None:
    """Called by the job before it reads its rows: no email joins it any more."""
    connection.eval(
        _START, 3, OPEN, OPEN_COUNT, PREFIX + "started:" + job_id, job_id, STARTED_TTL_SECONDS
    )


def drop(connection: Redis, job_id: str) -> None:
    """The sweep found `job_id` in no queue or registry: no email may join it any more."""
    connection.eval(_DROP, 2, OPEN, OPEN_COUNT, job_id)


def started(connection: Redis, job_id: str) -> bool:
    return bool(connection.exists(PREFIX + "started:" + job_id))
