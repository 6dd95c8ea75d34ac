"""Read the stored companies and monthly hires into the numeric core's arrays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select

from server.extensions import db
from server.models import Commune, Company, Hire, Naf
from server.models.hiring import APPRENTICESHIP_TYPES, CONTRACT_TYPES
from server.models.score import CompanyScoreDetail
from server.scoring.features import (
    Companies,
    category_codes,
    division_codes,
    headcount_known,
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
    previous_apprenticeship_scores: np.ndarray
    first_month: dt.date
    last_month: dt.date
    companies: Companies  # counts: hires (CDI, CDD over 31 days)
    apprenticeships: np.ndarray  # apprenticeship and professionalisation contracts a month
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
            CompanyScoreDetail.apprenticeship_score,
            Naf.section_code,
            Commune.department,
        )
        .join(Commune, Company.commune_code == Commune.code)
        .outerjoin(Naf, Company.naf_code == Naf.code)
        .outerjoin(CompanyScoreDetail, Company.siret == CompanyScoreDetail.siret)
        .order_by(Company.siret)
    ).all()
    sirets = [r.siret for r in rows]
    index = {s: i for i, s in enumerate(sirets)}
    months = month_index(last, first) + 1
    counts = np.zeros((len(sirets), months), dtype=np.int32)
    apprenticeships = np.zeros((len(sirets), months), dtype=np.int32)
    cells = db.session.execute(
        select(Hire.siret, Hire.month, Hire.contract_type, func.sum(Hire.count)).group_by(
            Hire.siret, Hire.month, Hire.contract_type
        )
    ).all()
    for matrix, kinds in ((counts, CONTRACT_TYPES), (apprenticeships, APPRENTICESHIP_TYPES)):
        mine = [(s, m, n) for s, m, kind, n in cells if kind in kinds]
        if mine:
            i = np.fromiter((index[s] for s, _m, _n in mine), dtype=np.int64, count=len(mine))
            j = np.fromiter((month_index(m, first) for _s, m, _n in mine), np.int64, len(mine))
            n = np.fromiter((n for _s, _m, n in mine), dtype=np.int64, count=len(mine))
            np.add.at(matrix, (i, j), n)
    naf_codes = [r.naf_code for r in rows]
    companies = Companies(
        counts=counts,
        headcount=headcount_values([r.headcount_code for r in rows]),
        headcount_known=headcount_known([r.headcount_code for r in rows]),
        division=division_codes(naf_codes),
        section=section_codes([r.section_code for r in rows]),
        department=category_codes([r.department for r in rows]),
    )
    labels: dict[int, str] = {}
    for code, row in zip(companies.department.tolist(), rows, strict=True):
        if not np.isnan(code):
            labels.setdefault(int(code), row.department)
    return History(
        sirets,
        naf_codes,
        _scores([r.score for r in rows]),
        _scores([r.apprenticeship_score for r in rows]),
        first,
        last,
        companies,
        apprenticeships,
        labels,
    )


def _scores(values: list[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=np.float64)
