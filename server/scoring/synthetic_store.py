"""`flask data generate-hires`: write a synthetic history for the loaded companies.

Counts go straight in as monthly (company, month, contract) cells: COPY on PostgreSQL,
batched INSERTs elsewhere, in the caller's transaction.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

import numpy as np
from sqlalchemy import delete, func, insert, select

from server.extensions import db
from server.models import Company, Hire, RomeNafHiring, SyntheticHistory
from server.scoring.features import division_codes, headcount_values
from server.scoring.synthetic import (
    apprenticeship_rates,
    draw_counts,
    monthly_rates,
    season_index,
    sector_weights,
    split_apprenticeships,
    split_contracts,
)

log = logging.getLogger(__name__)
CHUNK = 20000


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def last_complete_month(today: dt.date | None = None) -> dt.date:
    return add_months((today or dt.date.today()).replace(day=1), -1)


def hires_exist() -> bool:
    return db.session.execute(select(Hire.siret).limit(1)).first() is not None


def generate(months: int, seed: int, end_month: dt.date, replace: bool = False) -> dict:
    """Generate and stage (not commit) the history; returns a summary."""
    companies = db.session.execute(
        select(Company.siret, Company.naf_code, Company.headcount_code).order_by(Company.siret)
    ).all()
    if not companies:
        raise ValueError("no companies are loaded: run `flask data load-companies FILE` first")
    hirings = dict(
        db.session.execute(
            select(RomeNafHiring.naf_code, func.sum(RomeNafHiring.hirings)).group_by(
                RomeNafHiring.naf_code
            )
        ).all()
    )
    naf_codes = [c.naf_code for c in companies]
    first = add_months(end_month, -(months - 1))
    rng = np.random.default_rng(seed)
    divisions = division_codes(naf_codes)
    rate = monthly_rates(
        headcount_values([c.headcount_code for c in companies]),
        sector_weights(naf_codes, {k: int(v) for k, v in hirings.items()}),
        season_index(divisions),
        months,
        first.month,
        rng,
    )
    counts = draw_counts(rate, rng)
    cdi, cdd = split_contracts(counts, rng)
    apprentices = draw_counts(apprenticeship_rates(rate, divisions, first.month, rng), rng)
    apr, cp = split_apprenticeships(apprentices, rng)
    if replace:
        db.session.execute(delete(Hire))
        db.session.execute(delete(SyntheticHistory))
    month_dates = [add_months(first, j) for j in range(months)]
    sirets = [c.siret for c in companies]
    cells = 0
    for contract, matrix in (("CDI", cdi), ("CDD", cdd), ("APR", apr), ("CP", cp)):
        rows, cols = np.nonzero(matrix)
        values = matrix[rows, cols]
        cells += len(rows)
        _write(contract, sirets, month_dates, rows, cols, values)
    db.session.add(
        SyntheticHistory(
            seed=seed, first_month=first, last_month=end_month, companies=len(sirets), cells=cells
        )
    )
    summary = {
        "companies": len(sirets),
        "months": months,
        "first_month": first.isoformat(),
        "last_month": end_month.isoformat(),
        "hires": int(counts.sum()),
        "apprenticeships": int(apprentices.sum()),
        "cells": cells,
    }
    log.info("synthetic hiring history generated", extra={"seed": seed, **summary})
    return summary


def _write(contract, sirets, month_dates, rows, cols, values) -> None:
    conn = db.session.connection()
    if conn.dialect.name == "postgresql":
        buffer = io.StringIO()
        for i, j, n in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True):
            buffer.write(f"{sirets[i]}\t{month_dates[j].isoformat()}\t{contract}\t{n}\n")
        raw = conn.connection.driver_connection
        statement = "COPY hire (siret, month, contract_type, count) FROM STDIN"
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            copy.write(buffer.getvalue())
        return
    batch = [
        {"siret": sirets[i], "month": month_dates[j], "contract_type": contract, "count": n}
        for i, j, n in zip(rows.tolist(), cols.tolist(), values.tolist(), strict=True)
    ]
    for start in range(0, len(batch), CHUNK):
        db.session.execute(insert(Hire), batch[start : start + CHUNK])


def is_synthetic() -> bool:
    return db.session.execute(select(SyntheticHistory.id).limit(1)).first() is not None
