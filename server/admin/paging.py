"""Lists of the admin: filters read from the query string, pages of 50 with page links.

Offset pages over a stable order (newest id first): simple links any operator can share,
and a count to say how many match. A bad filter is a form error on its field (400).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from flask import request, url_for
from flask_babel import gettext
from sqlalchemy import Select, func, select

from server.extensions import db

PER_PAGE = 50
MAX_PAGE = 100_000
LONGEST_QUERY = 200
WINDOW = 2  # page links shown on each side of the current one


@dataclass
class Filters:
    """The query string's filters: values to show back in the form, errors per field."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str:
        value = request.args.get(name, "").strip()
        if len(value) > LONGEST_QUERY or "\x00" in value:
            self.errors[name] = gettext("At most %(count)s characters.", count=LONGEST_QUERY)
            value = ""
        self.values[name] = value
        return value

    def choice(self, name: str, choices: object) -> str:
        value = request.args.get(name, "").strip()
        if value and value not in choices:
            self.errors[name] = gettext("Choose a value from the list.")
            value = ""
        self.values[name] = value
        return value

    def page(self) -> int:
        raw = request.args.get("page", "1").strip() or "1"
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE:
            self.errors["page"] = gettext("The page is a whole number from 1.")
            return 1
        return int(raw)

    @property
    def status(self) -> int:
        return 400 if self.errors else 200


@dataclass
class Page:
    items: list
    number: int
    total: int
    per_page: int = PER_PAGE

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))

    @property
    def first_row(self) -> int:
        return min(self.total, (self.number - 1) * self.per_page + 1)

    @property
    def last_row(self) -> int:
        return min(self.total, self.number * self.per_page)

    def numbers(self) -> list[int | None]:
        """Page numbers to link: the first, the last, a window around this one; None for
        a gap."""
        wanted = {1, self.count, *range(self.number - WINDOW, self.number + WINDOW + 1)}
        shown = sorted(n for n in wanted if 1 <= n <= self.count)
        out: list[int | None] = []
        for n in shown:
            if out and n - (out[-1] or 0) > 1:
                out.append(None)
            out.append(n)
        return out

    def url(self, number: int) -> str:
        """This list, same filters, page `number`."""
        args = {k: v for k, v in request.args.items() if v and k != "page"}
        return url_for(request.endpoint, **(request.view_args or {}), **args, page=number)


def paginate(query: Select, number: int, filters: Filters | None = None) -> Page:
    """One page of `query`'s rows (none while a filter is wrong)."""
    if filters is not None and filters.errors:
        return Page([], 1, 0)
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    offset = (number - 1) * PER_PAGE
    items = list(db.session.scalars(query.limit(PER_PAGE).offset(offset)))
    return Page(items, number, total or 0)
