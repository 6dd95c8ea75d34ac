"""One JSON error type and its handler, for the API and every JSON route; HTTP errors
(404, 405, 413, 429 …) in the reader's language, as JSON or as a small page. Plus one
plain-text error for another service's protocol that we speak (La Bonne Boite API v1)."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

# Werkzeug's own words are English: ours replace them unless a view gave its own.
TITLES = {
    400: _l("Bad request"),
    401: _l("Authentication required"),
    403: _l("Access denied"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    413: _l("Request too large"),
    429: _l("Too many requests"),
    500: _l("Server error"),
}
DESCRIPTIONS = {
    400: _l("The request could not be understood."),
    401: _l("This page needs you to be signed in."),
    403: _l("You are not allowed to do this."),
    404: _l("This address does not exist. Check that it was copied in full."),
    405: _l("This address does not accept this method."),
    413: _l("What was sent is too large."),
    429: _l("Too many requests in a short time. Wait a little and try again."),
    500: _l("Something went wrong on our side. Please try again later."),
}


class ApiError(Exception):
    """An error a client can act on: HTTP status, message, and the field at fault."""

    def __init__(
        self, message: str, status: int = 400, field: str | None = None, **details: object
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field
        self.details = details

    def to_dict(self) -> dict[str, object]:
        body: dict[str, object] = {"error": self.message}
        if self.field:
            body["field"] = self.field
        body.update(self.details)
        return body


class PlainTextError(Exception):
    """An error answered as plain text in another service's exact words (La Bonne Boite's
    API v1): its consumers parse them, so they are protocol, fixed and never translated."""

    def __init__(
        self, message: str, status: int = 400, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.headers = headers or {}


def plain_text(message: str, status: int, headers: dict[str, str] | None = None) -> Response:
    response = Response(message, status=status, mimetype="text/plain")
    response.headers.update(headers or {})
    return response


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def describe(err: HTTPException) -> tuple[str, str]:
    """(title, description) of an HTTP error in the current language."""
    code = err.code or 500
    title = str(TITLES.get(code, err.name))
    # A description a view passed (already translated) is kept; Werkzeug's defaults and the
    # rate limiter's limit strings ("10 per 1 minute") are replaced.
    default = err.description == type(err).description or code == 429
    if default and code in DESCRIPTIONS:
        return title, str(DESCRIPTIONS[code])
    return title, str(err.description or title)


def _headers(err: HTTPException) -> dict[str, str]:
    """Headers to keep (Allow, Retry-After and the like), without the body's type."""
    pairs = list(err.get_headers())
    if err.response is not None:
        pairs += list(err.response.headers.items())
    return {k: v for k, v in pairs if k.lower() not in ("content-type", "content-length")}


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(PlainTextError)
    def handle_plain_text_error(err: PlainTextError):
        return plain_text(err.message, err.status, err.headers)

    @app.errorhandler(ApiError)
    def handle_api_error(err: ApiError):
        response = jsonify(err.to_dict())
        response.status_code = err.status
        # A limit counted by hand (the apply form's) says when to come back, as the
        # limiter's own answers do.
        if err.status == 429 and isinstance(err.details.get("retry_after"), int):
            response.headers["Retry-After"] = str(err.details["retry_after"])
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(err: HTTPException):
        code = err.code or 500
        if code < 400 or (err.response is not None and not wants_json()):
            return err  # a redirect, or a response the view built itself
        title, description = describe(err)
        if wants_json():
            response = jsonify({"error": description, "status": code})
        else:
            page = render_template("error.html", title=title, description=description)
            response = app.make_response(page)
        response.status_code = code
        response.headers.update(_headers(err))
        return response
