"""HTTP calls to offer sources: retries with exponential backoff, 429 / Retry-After."""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests

log = logging.getLogger(__name__)

RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 300.0  # never sleep longer than this on a server's say-so


class SourceError(RuntimeError):
    """A source could not be read (after retries); the message says which and why."""


class MissingSetting(SourceError):
    def __init__(self, source: str, setting: str) -> None:
        super().__init__(f"{source}: the {setting} setting is empty (set it in the environment)")
        self.setting = setting


def retry_after_seconds(value: str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def _safe_url(url: str) -> str:
    # Query strings can hold keys (Adzuna's app_key): logs and errors get the path only.
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}"


class HttpClient:
    def __init__(
        self,
        retries: int = 4,
        backoff: float = 1.0,
        timeout: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        session: requests.Session | None = None,
    ) -> None:
        self.retries = retries
        self.backoff = backoff
        self.timeout = timeout
        self.sleep = sleep
        self.session = session or requests.Session()
        self.session.headers.setdefault("User-Agent", "Spontane offers fetcher")

    def request(self, method: str, url: str, **kwargs) -> requests.Response:
        """The response of a successful call; retries 429, 5xx and network errors."""
        where = _safe_url(url)
        for attempt in range(self.retries + 1):
            last = attempt == self.retries
            delay = self.backoff * 2**attempt
            try:
                response = self.session.request(method, url, timeout=self.timeout, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if last:
                    raise SourceError(
                        f"{where}: {type(exc).__name__} after {attempt + 1} attempts"
                    ) from None
                log.warning(
                    "offer source unreachable, retrying", extra={"url": where, "delay": delay}
                )
                self.sleep(delay)
                continue
            if response.status_code in RETRY_STATUSES:
                if last:
                    raise SourceError(
                        f"{where}: HTTP {response.status_code} after {attempt + 1} attempts"
                    )
                told = retry_after_seconds(response.headers.get("Retry-After"))
                if told is not None:
                    delay = min(told, MAX_RETRY_AFTER)
                log.warning(
                    "offer source busy, retrying",
                    extra={"url": where, "status": response.status_code, "delay": delay},
                )
                self.sleep(delay)
                continue
            if response.status_code >= 400:
                raise SourceError(
                    f"{where}: HTTP {response.status_code}: {response.text[:200].strip()}"
                )
            return response
        raise AssertionError("unreachable")  # the loop returns or raises
