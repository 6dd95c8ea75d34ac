"""Load a hiring-history CSV: one hire a row, aggregated into monthly counts.

Only hires La Bonne Boite counts are kept: CDI and CDD of more than 31 days for the hiring
potential, and apprenticeship (APR) and professionalisation (CP) contracts, whatever their
length, for the apprenticeship ranking. A file gives the complete counts of the (company,
month, contract) cells it mentions: re-loading it replaces those cells, it never adds to them.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from sqlalchemy import delete, select

from server.data.reader import RowError, Summary, read_rows
from server.data.rejects import Rejects
from server.data.upsert import upsert
from server.data.validation import siret as check_siret
from server.extensions import db
from server.models import Company, Hire, SyntheticHistory
from server.models.hiring import APPRENTICESHIP_TYPES

COLUMNS = ("siret", "hiring_date", "contract_type", "contract_duration_days")
MIN_CDD_DAYS = 31
KNOWN_CONTRACTS = ("CDI", "CDD", "CTT", "MIS", "AUTRE", *APPRENTICESHIP_TYPES)


def parse_hire(path: Path, line: int, row: dict[str, str], companies: set[str]):
    """(siret, month, contract) for a hire that counts, None for one that does not."""
    try:
        siret = check_siret(row["siret"])
    except ValueError as exc:
        raise RowError(path, line, "siret", str(exc)) from None
    if siret not in companies:
        raise RowError(path, line, "siret", f"unknown company {siret} (load companies first)")
    try:
        date = dt.date.fromisoformat(row["hiring_date"])
    except ValueError:
        raise RowError(
            path, line, "hiring_date", f"expected YYYY-MM-DD, got {row['hiring_date']!r}"
        ) from None
    contract = row["contract_type"].strip().upper()
    if contract not in KNOWN_CONTRACTS:
        raise RowError(
            path,
            line,
            "contract_type",
            f"expected one of {', '.join(KNOWN_CONTRACTS)}, got {row['contract_type']!r}",
        )
    days = None
    if row["contract_duration_days"]:
        try:
            days = int(row["contract_duration_days"])
        except ValueError:
            raise RowError(
                path,
                line,
                "contract_duration_days",
                f"expected a number of days, got {row['contract_duration_days']!r}",
            ) from None
    if contract == "CDD" and days is None:
        raise RowError(path, line, "contract_duration_days", "is required for a CDD")
    counted = contract == "CDI" or (contract == "CDD" and days > MIN_CDD_DAYS)
    if counted or contract in APPRENTICESHIP_TYPES:
        return siret, date.replace(day=1), contract
    return None


class SyntheticHistoryError(RuntimeError):
    """Real hires must not be mixed into a generated history."""


def load_hires(
    path: Path,
    rejects: Rejects | None = None,
    progress: bool = True,
    replace_synthetic: bool = False,
) -> Summary:
    summary = Summary("hires")
    if db.session.scalar(select(SyntheticHistory.id).limit(1)) is not None:
        if not replace_synthetic:
            raise SyntheticHistoryError(
                "the stored hiring history is synthetic (flask data generate-hires): "
                "pass --replace-synthetic to delete it and load this file instead"
            )
        # Same transaction as the load: a bad file keeps the synthetic history.
        db.session.execute(delete(Hire))
        db.session.execute(delete(SyntheticHistory))
        summary.notes["synthetic cells deleted"] = 1
    companies = set(db.session.scalars(select(Company.siret)))
    counts: Counter[tuple[str, dt.date, str]] = Counter()
    rows = read_rows(path, ",", COLUMNS, progress)
    ignored = 0
    for line, raw in rows:
        summary.read += 1
        try:
            cell = parse_hire(path, line, raw, companies)
        except RowError as err:
            if rejects is None:
                raise
            rejects.add(err, raw)
            summary.rejected += 1
            continue
        if cell is None:
            ignored += 1
        else:
            counts[cell] += 1
    summary.notes["not counted (short CDD, temping)"] = ignored
    upsert(
        Hire,
        [
            {"siret": s, "month": m, "contract_type": c, "count": n}
            for (s, m, c), n in counts.items()
        ],
        summary,
    )
    return summary.finish()
