"""A small closed-loop HTTP load generator: N clients, each sending its next request as soon
as the previous answer is read, one connection per request. Raw sockets and prebuilt
request bytes keep the client's own CPU low, since it shares the machine's cores with the
server it measures. Also: gunicorn started for a measurement, and its CPU time.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int  # answers other than 200, and failed connections
    cpu_ms: float = 0.0  # the server's CPU time a request (every process of it)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))

    def line(self, name: str, base: Load | None = None, base_name: str = "") -> str:
        text = (
            f"  {name:<34} {self.rate:6.0f} req/s  p50 {self.percentile(50):6.1f} ms  "
            f"p99 {self.percentile(99):6.1f} ms  server CPU {self.cpu_ms:5.2f} ms/req"
        )
        if self.errors:
            text += f"  ({self.errors} errors)"
        if base is not None:
            text += (
                f"   | {base_name} {base.rate:5.0f} req/s  p99 {base.percentile(99):6.1f} ms"
                f"  CPU {base.cpu_ms:5.2f} ms/req  (×{self.rate / base.rate:.1f} req/s)"
            )
        return text


def request_bytes(path: str, headers: dict[str, str] | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def _get(port: int, raw: bytes) -> bool:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(raw)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head = chunks[0] if chunks else b""
    return head.startswith(b"HTTP/1.1 200") or head.startswith(b"HTTP/1.0 200")


def hammer(
    port: int, paths: list[str], clients: int = 8, headers: dict[str, str] | None = None
) -> Load:
    """Send every path once, spread over `clients` concurrent clients."""
    raws = [request_bytes(p, headers) for p in paths]
    latencies: list[float] = []
    errors = [0]
    cursor = iter(range(len(raws)))
    lock = threading.Lock()
    start_line = threading.Barrier(clients + 1)

    def client() -> None:
        mine: list[float] = []
        failed = 0
        start_line.wait()
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            began = time.perf_counter()
            try:
                ok = _get(port, raws[i])
            except OSError:
                ok = False
            mine.append((time.perf_counter() - began) * 1000)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    start_line.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join()
    return Load(len(raws), time.perf_counter() - began, latencies, errors[0])


def tree_cpu_seconds(root_pid: int) -> float:
    """CPU time (user + system) used so far by a process and its children (Linux /proc):
    what a request costs the server, whatever else shares the machine."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid, ppid = int(stat.parent.name), int(fields[1])
        if root_pid in (pid, ppid):
            total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status(port: int, path: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@dataclass
class Server:
    port: int
    pid: int

    def load(self, paths: list[str], clients: int, headers: dict[str, str] | None = None) -> Load:
        hammer(self.port, paths[: max(clients, len(paths) // 10)], clients, headers)  # warm
        before = tree_cpu_seconds(self.pid)
        result = hammer(self.port, paths, clients, headers)
        result.cpu_ms = (tree_cpu_seconds(self.pid) - before) * 1000 / result.requests
        return result


@contextlib.contextmanager
def gunicorn(
    app: str, env: dict, pythonpath: list[Path], cwd: Path, options: list[str]
) -> Iterator[Server]:
    """gunicorn serving `app` ("module:factory()") on a free port until the block ends."""
    port = free_port()
    cmd = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    cmd += ["--pythonpath", ",".join(map(str, pythonpath)), "--log-level", "warning"]
    server = subprocess.Popen([*cmd, *options, app], env=env, cwd=cwd, start_new_session=True)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                if status(port, "/healthz") == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.5)
        yield Server(port, server.pid)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
