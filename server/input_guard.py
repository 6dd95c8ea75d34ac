"""Refuse, before any view runs, query or form values that hold a NUL byte: no field may
carry one (PostgreSQL refuses it, so it could only end as a 500 or a half-written row).

Multipart bodies (the apply form, with files) are left to their view, which bounds their
size before parsing them and checks each field (server.applications.schema)."""

from __future__ import annotations

from flask import Flask, abort, request
from flask_babel import gettext

from server.errors import ApiError, wants_json


def _refuse_nul() -> None:
    urlencoded = request.mimetype == "application/x-www-form-urlencoded"
    for source in (request.args, request.form) if urlencoded else (request.args,):
        for name, value in source.items(multi=True):
            if "\x00" in name or "\x00" in value:
                field = name.replace("\x00", "")[:100]
                text = gettext("This field contains a NUL character.")
                if wants_json():
                    raise ApiError(text, status=400, field=field)
                abort(400, f"{field}: {text}")


def init_app(app: Flask) -> None:
    app.before_request(_refuse_nul)
