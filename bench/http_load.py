"""A small closed-loop HTTP load generator: N clients, each sending its next request as soon
as the previous answer is read, one connection per request (as gunicorn's sync workers
answer). Raw sockets and prebuilt request bytes keep the client's own CPU low, since it
shares the machine's cores with the server it measures.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import numpy as np


@dataclass
class Load:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int  # answers other than 200, and failed connections

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, q: float) -> float:
        return float(np.percentile(self.latencies_ms, q))

    def line(self, name: str, base: Load | None = None, base_name: str = "") -> str:
        text = (
            f"  {name:<34} {self.rate:7.0f} req/s  p50 {self.percentile(50):6.1f} ms  "
            f"p99 {self.percentile(99):6.1f} ms"
        )
        if self.errors:
            text += f"  ({self.errors} errors)"
        if base is not None:
            text += (
                f"   | {base_name} {base.rate:6.0f} req/s  p99 {base.percentile(99):6.1f} ms"
                f"  (×{self.rate / base.rate:.1f} req/s)"
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
