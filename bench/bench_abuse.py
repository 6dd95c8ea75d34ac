"""Rotating made-up API keys from one IP, against gunicorn (2 workers) on 127.0.0.1.

Before issue 13 every made-up key got a fresh bucket, so an attacker rotating keys was
never limited. Now a key that matches nobody is refused with 401 after being counted
against the caller's IP: the attacker gets exactly the IP's budget of answers (all 401),
then 429s, while a real consumer's key, from the same IP, keeps its own budget. Prints
the counts and the ratio of answers the attacker got to the IP's budget (target 1.00).

The La Bonne Boite routes' `user=` budget (a consumer's budget spent by another client
claiming its name) is issue 17's, not measured here.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server import create_app  # noqa: E402
from server.auth.api_keys import create_api_user  # noqa: E402
from server.config import Config  # noqa: E402
from server.extensions import db  # noqa: E402

PATH = "/api/v1/openapi.json"  # limited like every /api/v1 route, needs no data


def http_app():
    """Gunicorn entry point: the environment's settings, limits on."""
    return create_app(Config.from_env())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, headers: dict[str, str], path: str = PATH) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def fake_key(n: int) -> str:
    return "spk_" + f"{n:043d}"


def burst(port: int, headers: list[dict[str, str]], threads: int) -> tuple[Counter, float]:
    start = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        codes = Counter(pool.map(lambda h: get(port, h), headers))
    return codes, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a budget of 50, 200 requests")
    args = parser.parse_args()
    budget, attempts, consumer = (50, 200, 40) if args.quick else (200, 1000, 150)
    work = Path(tempfile.mkdtemp(prefix="spontane-bench-abuse-"))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    env = {
        **os.environ,
        "INSTANCE_PATH": str(work / "instance"),
        "DATABASE_URL": f"sqlite:///{work / 'bench.db'}",
        "SPONTANE_ENV": "development",
        "API_RATE_LIMIT_PER_IP": f"{budget} per hour",
        "API_RATE_LIMIT_PER_KEY": "5 per hour",  # the consumer below has its own budget
    }
    env.pop("REDIS_URL", None)
    server = None
    try:
        app = create_app(Config.from_env(env))
        runner = app.test_cli_runner()
        result = runner.invoke(args=["db", "upgrade"])
        if result.exit_code:
            raise SystemExit(result.output)
        with app.app_context():
            _, key = create_api_user("consumer", [], budget=f"{consumer} per hour")
            db.session.commit()
            db.engine.dispose()
        port = free_port()
        cmd = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--pythonpath",
            f"{ROOT},{ROOT / 'bench'}",
            "--log-level",
            "warning",
            "bench_abuse:http_app()",
        ]
        server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + 120
        while True:
            try:
                if get(port, {}, "/healthz") in (200, 503):  # up (health may be partial)
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)

        print(f"== rotating made-up keys: {attempts} requests from 127.0.0.1, each with a new key")
        print(f"   IP budget {budget} per hour; gunicorn, 2 workers, 8 client threads")
        attack = [{"X-API-Key": fake_key(n)} for n in range(attempts)]
        codes, seconds = burst(port, attack, 8)
        answered = attempts - codes[429]
        print(f"   answers: {dict(sorted(codes.items()))} in {seconds:.1f} s")
        print(f"   not limited: {answered} of {attempts} (the IP's budget: {budget})")
        print(
            f"   ratio to the IP budget: {answered / budget:.2f} (before issue 13, each made-up "
            f"key had a fresh bucket: {attempts / budget:.2f} here, growing with the attempts)"
        )
        anonymous = get(port, {})
        print(f"   the same IP without a key: {anonymous}")

        print(f"== a real consumer from the same, spent IP: {consumer + 10} requests")
        codes, seconds = burst(port, [{"Authorization": f"Bearer {key}"}] * (consumer + 10), 4)
        print(f"   answers: {dict(sorted(codes.items()))} (its own budget: {consumer} per hour)")
        print("== La Bonne Boite `user=` budgets: issue 17 (not measured here)")
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
