"""Read the stored companies and monthly hires into the numeric core's arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from server.extensions import db
from server.models import Commune, Company, Hire, Naf
from server.models.hiring import CONTRACT_TYPES
from server.scoring.features import (
    Companies,
    category_codes,
    division_codes,
    headcount_values,
    section_codes,
)


class NoHistory(ValueError):
    """No hiring history is stored."""


@dataclass
class History:
    sirets: list[str]
    naf_codes: list[str | None]
    previous_scores: np.ndarray  # NaN where the company had none
    first_month: dt.date
    last_month: dt.date
    companies: Companies
    department_labels: dict[int, str]  # category code → département, for the report


def month_index(month: dt.date, first: dt.date) -> int:
    return (month.year - first.year) * 12 + month.month - first.month


def load_history() -> History:
    first, last = db.session.execute(select(func.min(Hire.month), func.max(Hire.month))).one()
    if first is None:
        raise NoHistory(
            "no hiring history is stored: load one with `flask data load-hires FILE` "
            "or generate a synthetic one with `flask data generate-hires`"
        )
    rows = db.session.execute(
        select(
            Company.siret,
            Company.naf_code,
            Company.headcount_code,
            Company.score,
            Naf.section_code,
            Commune.department,
        )
        .join(Commune, Company.commune_code == Commune.code)
        .outerjoin(Naf, Company.naf_code == Naf.code)
        .order_by(Company.siret)
    ).all()
    sirets = [r.siret for r in rows]
    index = {s: i for i, s in enumerate(sirets)}
    months = month_index(last, first) + 1
    counts = np.zeros((len(sirets), months), dtype=np.int32)
    cells = db.session.execute(
        select(Hire.siret, Hire.month, func.sum(Hire.count))
        .where(Hire.contract_type.in_(CONTRACT_TYPES))  # apprenticeships are ranked apart
        .group_by(Hire.siret, Hire.month)
    ).all()
    if cells:
        i = np.fromiter((index[s] for s, _m, _n in cells), dtype=np.int64, count=len(cells))
        j = np.fromiter((month_index(m, first) for _s, m, _n in cells), np.int64, len(cells))
        n = np.fromiter((n for _s, _m, n in cells), dtype=np.int64, count=len(cells))
        np.add.at(counts, (i, j), n)
    naf_codes = [r.naf_code for r in rows]
    companies = Companies(
        counts=counts,
        headcount=headcount_values([r.headcount_code for r in rows]),
        division=division_codes(naf_codes),
        section=section_codes([r.section_code for r in rows]),
        department=category_codes([r.department for r in rows]),
    )
    labels: dict[int, str] = {}
    for code, row in zip(companies.department.tolist(), rows, strict=True):
        if not np.isnan(code):
            labels.setdefault(int(code), row.department)
    previous = np.array([np.nan if r.score is None else r.score for r in rows], dtype=np.float64)
    return History(sirets, naf_codes, previous, first, last, companies, labels)
