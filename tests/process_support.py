"""Real Spontane processes for tests: `flask worker`, `flask cron`… on the test's database
and Redis, and killing them the way a crash would (no tests here)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLASK = str(Path(sys.executable).parent / "flask")


def flask_process(app, instance: Path, *args: str, **settings: object) -> subprocess.Popen:
    """`flask ARGS…` in its own process, sharing `app`'s database and Redis."""
    env = {
        **os.environ,
        "FLASK_APP": "server:create_app",
        "SPONTANE_ENV": "testing",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "REDIS_URL": app.extensions["redis_url"],
        "DATA_DIR": app.config["DATA_DIR"],
        **{k: str(v) for k, v in settings.items()},
    }
    return subprocess.Popen(
        [FLASK, *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def kill_hard(process: subprocess.Popen) -> None:
    """SIGKILL the process and every process it started, as a crash of the machine would:
    RQ's work horse calls setsid(), so killing the process group is not enough."""
    for pid in [process.pid, *descendants(process.pid)]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(10)


def stderr_tail(process: subprocess.Popen) -> str:
    if process.poll() is None:
        kill_hard(process)
    return process.stderr.read().decode(errors="replace")[-3000:]
