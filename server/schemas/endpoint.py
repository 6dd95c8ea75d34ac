"""`@endpoint`: a public route's arguments parsed by its schema, and its OpenAPI record.

The same schemas parse the request and describe it, so the document cannot drift from the
code: server/api/openapi.py walks the app's URL map and reads the `Endpoint` each view
carries. Decorate under the route decorator (it must register the wrapped view):

    @bp.get("/companies")
    @endpoint("Search companies", args=CompanySearchArgs, response=SearchResponseSchema)
    def search_companies(args: dict): ...
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

from flask import request
from marshmallow import Schema

from server.schemas import load_args

Auth = Literal["optional", "key", "signature", "webhook"]
ErrorFormat = Literal["json", "text"]
ATTRIBUTE = "openapi_endpoint"


@dataclass(frozen=True)
class Endpoint:
    summary: str
    description: str
    args: type[Schema] | None  # query parameters, parsed before the view runs (if `parse`)
    parse: bool  # False: documented only, the view parses them (another service's rules)
    response: type[Schema] | None  # the JSON body of a success
    status: int  # status of a success
    errors: tuple[int, ...]  # documented error statuses, each with the error schema
    errors_as: ErrorFormat  # JSON errors, or plain text (La Bonne Boite's protocol)
    auth: Auth  # API key optional or required, La Bonne Boite signature, webhook secret
    body: type[Schema] | None  # JSON request body, documented only (the view reads it)
    batch: bool  # the body may also be a list of such objects


def endpoint(
    summary: str,
    *,
    args: type[Schema] | None = None,
    parse: bool = True,
    response: type[Schema] | None = None,
    status: int = 200,
    errors: Iterable[int] = (400, 429),
    errors_as: ErrorFormat = "json",
    auth: Auth = "optional",
    body: type[Schema] | None = None,
    batch: bool = False,
) -> Callable[[Callable], Callable]:
    """Parse the query string with `args` (a 400 naming the field) into the view's `args`,
    unless `parse=False` leaves that to the view."""
    parser = args() if args is not None and parse else None

    def decorate(view: Callable) -> Callable:
        record = Endpoint(
            summary=summary,
            description=inspect.getdoc(view) or "",
            args=args,
            parse=parse,
            response=response,
            status=status,
            errors=tuple(sorted(set(errors))),
            errors_as=errors_as,
            auth=auth,
            body=body,
            batch=batch,
        )

        @functools.wraps(view)
        def wrapped(*view_args: object, **kwargs: object):
            if parser is not None:
                kwargs["args"] = load_args(parser, request.args.to_dict())
            return view(*view_args, **kwargs)

        setattr(wrapped, ATTRIBUTE, record)
        return wrapped

    return decorate


def endpoint_of(view: Callable) -> Endpoint | None:
    """The record of a view decorated with `@endpoint` (kept through functools.wraps)."""
    return getattr(view, ATTRIBUTE, None)
