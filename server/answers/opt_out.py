"""A recruiter's opt-out: no more applications, and the company leaves search at once."""

from __future__ import annotations

from flask import current_app
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import Company, CompanyOptOut
from server.signals import company_opt_out_changed


def opt_out(siret: str, address: str | None) -> bool:
    """Stop applications to the company and hide it from search; False if already done."""
    if db.session.get(Company, siret) is None:
        raise LookupError(siret)
    if db.session.get(CompanyOptOut, siret) is not None:
        return False
    db.session.add(CompanyOptOut(siret=siret, email=address))
    try:
        db.session.commit()
    except IntegrityError:  # recorded by a simultaneous request: one opt-out, one effect
        db.session.rollback()
        return False
    company_opt_out_changed.send(current_app._get_current_object(), siret=siret, opted_out=True)
    return True


def restore(siret: str) -> bool:
    """Undo an opt-out (admin)."""
    row = db.session.get(CompanyOptOut, siret)
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    company_opt_out_changed.send(current_app._get_current_object(), siret=siret, opted_out=False)
    return True
