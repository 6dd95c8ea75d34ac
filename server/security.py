"""Response headers: no framing anywhere, except iframe routes for their partner's origin.

Every response gets `X-Frame-Options: DENY` and `frame-ancestors 'none'` unless its view
called `allow_framing(origins)` (Redash's approach). Iframe pages also get a strict CSP:
everything from our own origin, nothing from third parties.
"""

from __future__ import annotations

from flask import Flask, Response, g

IFRAME_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'"
)
PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'"
)


def allow_framing(origins: list[str]) -> None:
    """Let this response be framed by these origins only (CSP frame-ancestors)."""
    g.frame_ancestors = list(origins)


def _csp_with_ancestors(csp: str, ancestors: str) -> str:
    parts = [p.strip() for p in csp.split(";") if p.strip()]
    parts = [p for p in parts if not p.startswith("frame-ancestors")]
    return "; ".join([*parts, f"frame-ancestors {ancestors}"])


def _apply_headers(response: Response) -> Response:
    origins = g.get("frame_ancestors")
    csp = response.headers.get("Content-Security-Policy", "")
    if origins:
        response.headers["Content-Security-Policy"] = _csp_with_ancestors(csp, " ".join(origins))
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["Content-Security-Policy"] = _csp_with_ancestors(csp, "'none'")
        response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


# Server-rendered pages with forms (recruiter answers, admin): our inline styles only,
# forms post to ourselves, never cached.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'"


def private_page_headers(response: Response) -> Response:
    """An `after_request` for blueprints of private, server-rendered pages."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_apply_headers)
