"""Response headers: no framing anywhere, except iframe routes for their partner's origin.

Every response gets `X-Frame-Options: DENY` and `frame-ancestors 'none'` unless its view
called `allow_framing(origins)` (Redash's approach). Iframe pages also get a strict CSP:
everything from our own origin, nothing from third parties. Every answer also gets
`nosniff`, a `Referrer-Policy`, a `Permissions-Policy` denying powerful features, an HTML
one without a CSP of its own the strict default, and HSTS when PUBLIC_URL is https.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g

IFRAME_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'"
)
# The widget's own pages outside the iframe (refusal, confirmation, status): our stylesheet.
WIDGET_PAGE_CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'"
)
# Server-rendered pages with forms (recruiter answers, admin, errors): our inline styles
# only, forms post to ourselves, never cached.
PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'"
# Nothing we serve needs these; a partner's page cannot delegate them to our iframe either.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=(), browsing-topics=()"
)
HSTS = "max-age=31536000"  # a year; subdomains are the operator's business


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
    if not csp and response.mimetype == "text/html":
        csp = PAGE_CSP  # an HTML answer whose view set none (error pages, /demo …)
    if origins:
        response.headers["Content-Security-Policy"] = _csp_with_ancestors(csp, " ".join(origins))
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["Content-Security-Policy"] = _csp_with_ancestors(csp, "'none'")
        response.headers["X-Frame-Options"] = "DENY"
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    if current_app.config["PUBLIC_URL"].startswith("https://"):
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def private_page_headers(response: Response) -> Response:
    """An `after_request` for blueprints of private, server-rendered pages."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.setdefault("Content-Security-Policy", PAGE_CSP)
    return response


def init_app(app: Flask) -> None:
    app.after_request(_apply_headers)
