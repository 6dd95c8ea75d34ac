"""The synthetic hiring history: statistical properties, then the `flask data` command."""

import datetime as dt

import numpy as np
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Company, Hire, SyntheticHistory
from server.scoring import synthetic
from server.scoring.synthetic import (
    SEASON_NAMES,
    monthly_counts,
    season_index,
    sector_weights,
    split_apprenticeships,
    split_contracts,
)

N = 6000
MONTHS = 42


def population(headcount=3.0, sector=1.0, season="default", n=N, months=MONTHS, seed=1):
    return monthly_counts(
        np.full(n, headcount),
        np.full(n, sector),
        np.full(n, SEASON_NAMES.index(season), dtype=np.int8),
        months,
        1,  # the history starts in January
        np.random.default_rng(seed),
    )


def test_counts_are_over_dispersed():
    counts = population(headcount=20)
    # Within one homogeneous group, monthly counts vary far more than a Poisson's would.
    assert counts.var() > 2 * counts.mean()
    # Even one company's months (its own mean) are over-dispersed on average.
    per_company = counts.var(axis=1, ddof=1) / np.maximum(counts.mean(axis=1), 1e-9)
    assert np.median(per_company[counts.mean(axis=1) > 1]) > 1.3


def test_bigger_companies_hire_more():
    means = [population(headcount=h, n=3000).mean() for h in (0, 3, 20, 100, 1000)]
    assert all(a < b for a, b in zip(means, means[1:], strict=False)), means
    # Less than proportionally: 1000 employees hire far less than 100 times 10 employees.
    assert means[4] / means[2] < 1000 / 20


def test_sectors_differ_and_weights_come_from_national_hirings():
    weights = sector_weights(["4711D", "0111Z", None, "9999Z"], {"4711D": 90000, "0111Z": 100})
    assert weights[0] > weights[1]
    assert weights[2] == weights[3] == 0.5  # unlisted activity
    busy, quiet = population(sector=weights[0]), population(sector=weights[1])
    assert busy.mean() > 2 * quiet.mean()


def by_calendar_month(counts):
    return np.array([counts[:, m::12].sum() for m in range(12)], dtype=float)


def test_seasonality_is_visible_and_sector_specific():
    tourism = by_calendar_month(population(season="tourism", headcount=10))
    education = by_calendar_month(population(season="education", headcount=10))
    # Tourism peaks in spring–summer (May, June), education in September; months index 0 = Jan.
    assert tourism[[4, 5]].mean() > 1.8 * tourism[[0, 10, 11]].mean()
    assert education.argmax() == 8
    assert season_index(np.array([56, 85, 47, 62, 1])).tolist() == [
        SEASON_NAMES.index(s) for s in ("tourism", "education", "retail", "default", "agriculture")
    ]


def test_growth_decline_creations_and_stops():
    counts = population(headcount=50)
    first_year, last_year = counts[:, :12].sum(axis=1), counts[:, -12:].sum(axis=1)
    active = (first_year + last_year) >= 20
    ratio = (last_year[active] + 1) / (first_year[active] + 1)
    assert (ratio > 1.5).mean() > 0.05 and (ratio < 1 / 1.5).mean() > 0.05
    # Some companies start hiring during the period (creations), some stop for good.
    hired = counts > 0
    first = np.argmax(hired, axis=1)
    assert ((first >= 12) & hired.any(axis=1)).mean() > 0.02
    assert (~hired[:, -12:].any(axis=1) & hired[:, :12].any(axis=1)).mean() > 0.01


def test_apprenticeships_follow_the_school_year():
    rng = np.random.default_rng(5)
    rate = synthetic.monthly_rates(
        np.full(N, 10.0), np.ones(N), np.zeros(N, dtype=np.int8), 24, 1, rng
    )
    division = np.where(np.arange(N) < N // 2, 43, 62).astype(np.int16)  # construction, IT
    apprentices = synthetic.draw_counts(synthetic.apprenticeship_rates(rate, division, 1, rng), rng)
    by_month = by_calendar_month(apprentices)
    assert by_month.argmax() == 8  # September
    assert 0.02 * rate.sum() < apprentices.sum() < 0.2 * rate.sum()
    assert apprentices[: N // 2].sum() > 2 * apprentices[N // 2 :].sum()  # crafts take more
    assert (apprentices.sum(axis=1) == 0).mean() > 0.3  # many companies take none
    apr, cp = split_apprenticeships(apprentices, rng)
    assert np.array_equal(apr + cp, apprentices) and 0.15 < cp.sum() / apprentices.sum() < 0.35


def test_reproducible_with_a_seed():
    assert np.array_equal(population(seed=7), population(seed=7))
    assert not np.array_equal(population(seed=7), population(seed=8))


def test_contract_split_keeps_totals():
    counts = population(headcount=20)
    cdi, cdd = split_contracts(counts, np.random.default_rng(0))
    assert np.array_equal(cdi + cdd, counts) and (cdi >= 0).all() and (cdd >= 0).all()
    assert 0.3 < cdi.sum() / counts.sum() < 0.6


def history_summary(app):
    with app.app_context():
        return db.session.execute(
            select(func.count(), func.sum(Hire.count), func.min(Hire.month), func.max(Hire.month))
        ).one()


def test_generate_hires_for_metz(metz_app):
    runner = metz_app.test_cli_runner()
    args = ["data", "generate-hires", "--end-month", "2026-10", "--seed", "3"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    cells, hires, first, last = history_summary(metz_app)
    assert (first, last) == (dt.date(2023, 5, 1), dt.date(2026, 10, 1))  # 42 months
    assert cells > 20000 and hires > cells  # monthly counts, not one row a hire
    with metz_app.app_context():
        contracts = set(db.session.scalars(select(Hire.contract_type).distinct()))
        assert contracts == {"CDI", "CDD", "APR", "CP"}
        apprenticeships = db.session.scalar(
            select(func.sum(Hire.count)).where(Hire.contract_type.in_(["APR", "CP"]))
        )
    assert 0.01 * hires < apprenticeships < 0.1 * hires
    assert (
        f"{hires - apprenticeships} hires and {apprenticeships} apprenticeships in {cells} "
        "monthly cells for 17091 companies"
    ) in result.output
    with metz_app.app_context():
        marker = db.session.scalars(select(SyntheticHistory)).one()
        assert (marker.seed, marker.cells, marker.companies) == (3, cells, 17091)
        # Bigger companies hire more on the real Metz population too.
        rows = db.session.execute(
            select(
                Company.headcount_code,
                func.sum(Hire.count) / func.count(func.distinct(Company.siret)),
            )
            .join(Hire, Hire.siret == Company.siret)
            .where(Company.headcount_code.in_(["00", "12"]))
            .group_by(Company.headcount_code)
        ).all()
        per_company = dict(rows)
        assert per_company["12"] > 3 * per_company["00"]

    skipped = runner.invoke(args=[*args, "--if-empty"])
    assert skipped.exit_code == 0 and "nothing generated" in skipped.output
    assert history_summary(metz_app)[:2] == (cells, hires)
    refused = runner.invoke(args=args)
    assert refused.exit_code != 0 and "--replace" in refused.output

    # Same seed, same history; another seed, another one.
    again = runner.invoke(args=[*args, "--replace"])
    assert again.exit_code == 0, again.output
    assert history_summary(metz_app)[:2] == (cells, hires)
    other = runner.invoke(args=["data", "generate-hires", "--end-month", "2026-10", "--replace"])
    assert other.exit_code == 0 and history_summary(metz_app)[:2] != (cells, hires)
    with metz_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SyntheticHistory)) == 1


@pytest.mark.parametrize("months", ["12", "abc"])
def test_generate_hires_rejects_bad_options(metz_app, months):
    result = metz_app.test_cli_runner().invoke(args=["data", "generate-hires", "--months", months])
    assert result.exit_code == 2 and "--months" in result.output


def test_generate_hires_needs_companies(app):
    result = app.test_cli_runner().invoke(args=["data", "generate-hires"])
    assert result.exit_code == 1 and "load-companies" in result.output
