"""One Redis connection per app: the server at REDIS_URL, or the embedded one.

In embedded mode the first process that needs Redis starts the server of
`<instance>/redis/` (see `server.embedded_redis`); the web process, the worker, cron and
the tests all reach that one server through its unix socket, and it stops once the last
of them has exited.
"""

from __future__ import annotations

from pathlib import Path

import redis
from flask import Flask, current_app

from server import embedded_redis


class RedisStore:
    def init_app(self, app: Flask) -> None:
        app.extensions["redis_store"] = self
        # Connecting is lazy: creating the app does no I/O.
        app.extensions["redis_url"] = app.config["REDIS_URL"] or None
        if not app.extensions["redis_url"]:
            # flask-limiter connects on its own; make sure the embedded server runs first.
            app.before_request(lambda: self.ensure_started(app))

    @staticmethod
    def _folder(app: Flask) -> Path:
        return Path(app.instance_path) / "redis"

    def url(self, app: Flask | None = None) -> str:
        """The URL any redis client (RQ, flask-limiter, a worker process) can use."""
        app = app or current_app
        configured = app.extensions.get("redis_url")
        if configured:
            return configured
        if not app.extensions.get("redis_embedded_started"):
            embedded_redis.ensure(self._folder(app))
            app.extensions["redis_embedded_started"] = True
        return f"unix://{embedded_redis.socket_path(self._folder(app))}"

    def limiter_uri(self, app: Flask) -> str:
        """Storage URI for flask-limiter, known without connecting (no I/O at start)."""
        configured = app.extensions.get("redis_url")
        if configured:
            return configured.replace("unix://", "redis+unix://", 1)
        return f"redis+unix://{embedded_redis.socket_path(self._folder(app))}"

    def ensure_started(self, app: Flask | None = None) -> None:
        """Start the embedded server if this app uses it (cheap once it runs)."""
        self.url(app)

    def connection(self, app: Flask | None = None) -> redis.Redis:
        app = app or current_app
        conn = app.extensions.get("redis_connection")
        if conn is None:
            conn = redis.Redis.from_url(self.url(app))
            app.extensions["redis_connection"] = conn
        return conn
