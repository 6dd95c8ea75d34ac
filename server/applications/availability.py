"""Whether a company can receive an application now, and if not, why: the widget hides
the apply button with that reason, and the apply endpoint refuses with it (409)."""

from __future__ import annotations

from server.extensions import db
from server.models import BlacklistEntry, Company, CompanyOptOut, Platform


def why_not(company: Company, platform: Platform) -> str | None:
    """A message key of the widget's catalogue, or None when applying is possible."""
    if not platform.apply_enabled:
        return "apply_closed"
    if db.session.get(CompanyOptOut, company.siret) is not None:
        return "apply_opted_out"
    if not company.email:
        return "apply_unavailable"
    if BlacklistEntry.is_blocked(company.email):
        return "apply_refuses_mail"
    return None
