"""RQ queues (named by purpose) and the one decorator every background job uses."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Flask, current_app
from rq import Queue, Retry

from server.extensions import redis_store

QUEUES = ("mail", "webhooks", "maintenance")
DEFAULT_TIMEOUT = 300
FAILURE_TTL = 30 * 24 * 3600  # failed jobs stay visible in the admin for 30 days


def get_queue(name: str, app: Flask | None = None) -> Queue:
    if name not in QUEUES:
        raise ValueError(f"unknown queue {name!r}; queues are {', '.join(QUEUES)}")
    app = app or current_app
    return Queue(name, connection=redis_store.connection(app))


def job(queue: str, timeout: int = DEFAULT_TIMEOUT, retry: Retry | None = None) -> Callable:
    """Give a task `.enqueue(...)` and `.enqueue_in(delay, ...)` with fixed queue settings.

    Tasks raise instead of swallowing errors, so RQ records them as failed and retries.
    The worker runs every task inside an app context (see `server.processes.worker`).
    """
    if queue not in QUEUES:
        raise ValueError(f"unknown queue {queue!r}")

    def decorate(func: Callable) -> Callable:
        options = {"job_timeout": timeout, "failure_ttl": FAILURE_TTL, "retry": retry}

        @functools.wraps(func)
        def enqueue(*args, **kwargs):
            return get_queue(queue).enqueue(func, *args, **kwargs, **options)

        @functools.wraps(func)
        def enqueue_in(delay, *args, **kwargs):
            return get_queue(queue).enqueue_in(delay, func, *args, **kwargs, **options)

        func.enqueue = enqueue
        func.enqueue_in = enqueue_in
        func.queue_name = queue
        return func

    return decorate
