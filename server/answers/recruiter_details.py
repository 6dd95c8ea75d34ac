"""The recruiter's name, phone and address, remembered per company (SIRET) on the server.

Je Postule kept them in the recruiter's browser; stored here they follow the company to
any browser its answer links are opened in, and nothing is kept in a cookie. Each answer
that gives them replaces what was stored.
"""

from __future__ import annotations

from sqlalchemy.dialects import postgresql, sqlite

from server import clock
from server.extensions import db
from server.models import RecruiterDetails

# Form field → column.
FIELDS = {"contact_name": "name", "contact_phone": "phone", "contact_address": "address"}


def remembered(siret: str) -> dict[str, str]:
    """The form's fields as the company's recruiter last filled them (empty if never)."""
    row = db.session.get(RecruiterDetails, siret)
    if row is None:
        return {}
    return {field: getattr(row, column) for field, column in FIELDS.items()}


def remember(siret: str, detail: dict) -> None:
    """Store the details given in an answer, in the answer's transaction (an upsert, so
    two first answers of one company at once both succeed)."""
    values = {column: detail[field] for field, column in FIELDS.items() if field in detail}
    if not values:
        return
    values["updated_at"] = clock.now()
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(RecruiterDetails).values(siret=siret, **values)
    db.session.execute(statement.on_conflict_do_update(index_elements=["siret"], set_=values))
