"""The embedded Redis stops when its last user exits, however it exits: never an orphan.

Users here are real processes: small Python programs registering as users, and
`flask serve` itself (the demo) stopped with Ctrl-C.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from process_support import FLASK, ROOT, descendants

from server import embedded_redis

USER = """
import sys, time
from pathlib import Path
from server import embedded_redis
embedded_redis.ensure(Path(sys.argv[1]))
print("ready", flush=True)
time.sleep(600)
"""


def servers_of(folder: Path) -> list[int]:
    """Pids of redis-server processes serving `folder`'s socket (the server rewrites its
    title to "redis-server unixsocket:<path>")."""
    socket = str(embedded_redis.socket_path(folder.resolve())).encode()
    found = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            title = cmdline.read_bytes()
        except OSError:
            continue
        if b"redis-server" in title and socket in title:
            found.append(int(cmdline.parent.name))
    return found


def running(pid: int) -> bool:
    try:  # a zombie (exited, not yet reaped by whoever adopted it) is not running
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (FileNotFoundError, IndexError):
        return False


def gone_within(folder: Path, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not servers_of(folder):
            return True
        time.sleep(0.1)
    return False


def user(folder: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", USER, str(folder)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline().strip() == "ready"
    return process


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_the_server_stops_when_its_only_user_exits(tmp_path, how):
    folder = tmp_path / "redis"
    process = user(folder)
    assert embedded_redis.answers(embedded_redis.socket_path(folder))
    assert len(servers_of(folder)) == 1
    process.send_signal(how)
    process.wait(10)
    assert gone_within(folder)
    assert not embedded_redis.socket_path(folder).exists()


def test_it_serves_until_the_last_of_several_users_exits(tmp_path):
    folder = tmp_path / "redis"
    first, second = user(folder), user(folder)
    assert len(servers_of(folder)) == 1  # shared, not one each
    first.kill()
    first.wait(10)
    time.sleep(2 * embedded_redis.CHECK_SECONDS + 0.5)
    assert embedded_redis.answers(embedded_redis.socket_path(folder))
    second.terminate()
    second.wait(10)
    assert gone_within(folder)


def test_a_deleted_folder_does_not_leave_an_orphan(tmp_path):
    folder = tmp_path / "redis"
    process = user(folder)
    shutil.rmtree(folder)
    try:
        assert gone_within(folder)  # even while its user still runs
    finally:
        process.kill()
        process.wait(10)


@pytest.mark.slow
def test_ctrl_c_of_the_demo_leaves_no_process_behind(tmp_path):
    instance = tmp_path / "instance"
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")},
        "FLASK_APP": "server:create_app",
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": "demo-test",
    }
    serve = subprocess.Popen(
        [FLASK, "serve", "--port", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    folder = instance / "redis"
    deadline = time.monotonic() + 60
    while len(descendants(serve.pid)) < 3 or not servers_of(folder):
        assert time.monotonic() < deadline, "flask serve did not start its processes"
        assert serve.poll() is None
        time.sleep(0.2)
    children = descendants(serve.pid)
    os.killpg(serve.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
    assert serve.wait(30) in (0, 1)
    assert gone_within(folder, 15)
    deadline = time.monotonic() + 10
    while (left := [pid for pid in children if running(pid)]) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert left == [], [Path(f"/proc/{pid}/cmdline").read_bytes() for pid in left]
