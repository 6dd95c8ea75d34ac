"""Sliding-window limits on the real Redis: bookings are spaced, never refused."""

import threading
import time

import pytest

from emails.ratelimit import Limit, RateLimiter, parse_limits
from server.extensions import redis_store


@pytest.fixture
def connection(app):
    return redis_store.connection(app)


def test_parse_limits():
    assert parse_limits("1/1, 3/60,60/3600") == [Limit(1, 1), Limit(3, 60), Limit(60, 3600)]
    assert parse_limits("") == []
    for bad in ("3", "x/60", "0/60", "3/0", "3/-1"):
        with pytest.raises(ValueError, match="MAIL_RATE_LIMITS"):
            parse_limits(bad)


def test_bookings_respect_every_window(connection):
    limiter = RateLimiter(connection, parse_limits("1/1,3/60"))
    now = time.time()  # one instant for all: the test does not depend on its own speed
    delays = [
        limiter.acquire(f"m{i}", "cand@x.example", "rh@acme.example", now=now) for i in range(5)
    ]
    # 1/s spaces the first three one second apart; 3/min pushes the 4th a minute after
    # the 1st, and the 5th one second after that.
    expected = [0, 1, 2, 60, 61]
    assert delays == pytest.approx(expected, abs=1e-5)


def test_a_batch_in_one_round_trip_books_as_one_by_one(connection):
    limiter = RateLimiter(connection, parse_limits("1/1,3/60"))
    now = time.time()
    sends = [(f"b{i}", "cand@x.example", "rh@batch.example") for i in range(5)]
    sends.append(("other", "someone@x.example", "rh@other.example"))
    # In list order, each sees the ones before it: the same bookings as test above.
    assert limiter.acquire_many(sends, now=now) == pytest.approx([0, 1, 2, 60, 61, 0], abs=1e-5)
    assert RateLimiter(connection, []).acquire_many(sends) == [0.0] * 6  # limits off


def test_sender_and_recipient_limits_are_separate(connection):
    limiter = RateLimiter(connection, parse_limits("1/10"))
    now = time.time()
    assert limiter.acquire("a", "s1@x.example", "r1@x.example", now=now) == 0
    # Same recipient, other sender: waits for the recipient's window.
    assert limiter.acquire("b", "s2@x.example", "R1@x.example", now=now) == pytest.approx(10)
    # Same sender, other recipient: waits for the sender's window.
    assert limiter.acquire("c", "s1@x.example", "r2@x.example", now=now) == pytest.approx(10)
    # Unrelated addresses: now.
    assert limiter.acquire("d", "s3@x.example", "r3@x.example", now=now) == 0


def test_emails_without_a_sender_share_no_limit(connection):
    """Spontane's own emails (copies, notices: no sender to limit) are limited by their
    recipient only: a thousand candidates' copies do not queue behind one another."""
    limiter = RateLimiter(connection, parse_limits("1/10"))
    now = time.time()
    assert limiter.acquire_many([(f"n{i}", "", f"c{i}@x.example") for i in range(3)], now=now) == [
        0,
        0,
        0,
    ]
    assert limiter.acquire("again", "", "c0@x.example", now=now) == pytest.approx(10)


def test_a_late_run_is_checked_again(connection):
    limiter = RateLimiter(connection, parse_limits("2/10"))
    now = time.time()
    assert limiter.acquire("a", "s1@x.example", "r@x.example", now=now) == 0
    assert limiter.acquire("b", "s2@x.example", "r@x.example", now=now + 1) == 0
    assert limiter.acquire("c", "s3@x.example", "r@x.example", now=now + 2) == pytest.approx(8)
    # Run again before its slot (a job run early or twice): booked again, still no third
    # send in the window; at its slot it goes.
    assert limiter.acquire("c", "s3@x.example", "r@x.example", now=now + 5) == pytest.approx(5)
    assert limiter.acquire("c", "s3@x.example", "r@x.example", now=now + 10.001) == 0


def test_no_limits_means_no_delay(connection):
    limiter = RateLimiter(connection, [])
    assert all(limiter.acquire(str(i), "s@x.example", "r@x.example") == 0 for i in range(20))


def test_concurrent_bookings_never_share_a_slot(connection):
    limiter = RateLimiter(connection, parse_limits("2/1"))
    slots: list[float] = []
    lock = threading.Lock()

    def book(i: int) -> None:
        now = time.time()
        at = now + limiter.acquire(f"m{i}", f"s{i}@x.example", "rh@acme.example", now=now)
        with lock:
            slots.append(at)

    threads = [threading.Thread(target=book, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    slots.sort()
    # 10 sends at 2 per second: no 1-second window holds 3 of them, and the last one
    # goes about 4 seconds after the first.
    assert all(slots[i + 2] - slots[i] >= 1 - 1e-5 for i in range(len(slots) - 2))
    assert 3.9 < slots[-1] - slots[0] < 5.5


def test_a_booked_send_goes_when_its_slot_comes(connection):
    # A backlog to one recruiter: every booked job that re-runs at its slot (a little late,
    # as a scheduler does) must go then, not be pushed behind the bookings made after it.
    limiter = RateLimiter(connection, parse_limits("5/1,20/10"))
    slots = {
        f"m{i}": limiter.acquire(f"m{i}", "s@x.example", "rh@acme.example", now=100.0)
        for i in range(40)
    }
    assert sum(1 for delay in slots.values() if delay == 0) == 5
    sent = sorted(100.0 + d for d in slots.values() if d == 0)
    for member, delay in sorted(slots.items(), key=lambda kv: kv[1]):
        if delay == 0:
            continue
        at = 100.0 + delay + 0.3
        assert limiter.acquire(member, "s@x.example", "rh@acme.example", now=at) == 0, member
        sent.append(at)
    sent.sort()
    assert all(sent[i + 5] - sent[i] >= 1 - 1e-5 for i in range(len(sent) - 5))
    assert all(sent[i + 20] - sent[i] >= 10 - 1e-5 for i in range(len(sent) - 20))
