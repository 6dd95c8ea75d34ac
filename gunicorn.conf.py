"""gunicorn's settings for the web process (`gunicorn wsgi:app`, read from this folder).

One worker per core, each with a few threads: a search spends part of its time waiting
on Redis (its rate-limit budget) and the database, and threads keep the cores busy through
those waits where a sync worker idles (bench/bench_search.py measures both).
`WEB_CONCURRENCY` and `WEB_THREADS` override the counts.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 1)
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS") or 4)
