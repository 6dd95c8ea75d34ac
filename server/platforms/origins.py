"""Origins: the normal form a platform's allowed origins are stored and compared in."""

from __future__ import annotations

from urllib.parse import urlsplit

from server.models import Platform


def normalize_origin(raw: str) -> str:
    """`https://Site.example:443/path` → `https://site.example`; ValueError when unusable."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{raw!r} is not an origin such as https://site.example")
    if parts.username or parts.password:
        raise ValueError(f"{raw!r}: an origin carries no user name or password")
    host = parts.hostname.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port and parts.port != default_port else ""
    return f"{parts.scheme}://{host}{port}"


def swap_loopback(origin: str) -> str | None:
    """`http://localhost:5000` ↔ `http://127.0.0.1:5000`: two origins on one demo server."""
    parts = urlsplit(origin)
    other = {"localhost": "127.0.0.1", "127.0.0.1": "localhost"}.get(parts.hostname or "")
    if other is None:
        return None
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{other}{port}"


def allows_origin(platform: Platform, origin: str) -> bool:
    try:
        return normalize_origin(origin) in (platform.origins or [])
    except ValueError:
        return False
