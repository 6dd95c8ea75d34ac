"""One JSON error type and its handler, for the API and every JSON route."""

from __future__ import annotations

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException


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


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def handle_api_error(err: ApiError):
        return jsonify(err.to_dict()), err.status

    @app.errorhandler(HTTPException)
    def handle_http_error(err: HTTPException):
        if not _wants_json():
            return err
        response = jsonify({"error": err.description, "status": err.code})
        response.status_code = err.code or 500
        # Keep the error's own headers: Allow of a 405, Retry-After of a 429, and the like.
        headers = list(err.get_headers())
        if err.response is not None:
            headers += list(err.response.headers.items())
        for key, value in headers:
            if key.lower() not in ("content-type", "content-length"):
                response.headers[key] = value
        return response
