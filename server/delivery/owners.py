"""Which process holds a `sending` claim, and whether it still lives.

An owner is "host:pid:start-time" (the start time in clock ticks since boot, from
/proc/<pid>/stat): a pid the system reused for another process does not pass for the
owner. On another host nothing can be known: None, and the claim's lease decides.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path


def _start_time(pid: int) -> str | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None  # exited, not yet reaped: not a live owner
    return fields[19]  # field 22 of proc(5), counted after the command name


@functools.cache
def _host() -> str:
    return socket.gethostname()


def current_owner() -> str:
    pid = os.getpid()
    return f"{_host()}:{pid}:{_start_time(pid) or '0'}"


def owner_alive(owner: str | None) -> bool | None:
    """True or False for an owner on this host; None when it cannot be told."""
    if not owner or owner.count(":") < 2:
        return None
    host, pid, started = owner.rsplit(":", 2)
    if host != _host() or not pid.isdigit():
        return None
    return _start_time(int(pid)) == started


def process_alive(host_pid: str) -> bool | None:
    """Whether "host:pid" names a running process of this host; None for another host."""
    host, _, pid = host_pid.rpartition(":")
    if host != _host() or not pid.isdigit():
        return None
    return _start_time(int(pid)) is not None
