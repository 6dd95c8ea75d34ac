"""The numeric core: windows, models, metrics, model choice and fallback (no database)."""

import numpy as np
import pytest

from server.scoring.features import MODEL_HEADCOUNT, Companies, category_codes, model_features
from server.scoring.metrics import capture, capture_curve, evaluate
from server.scoring.models import (
    DepartmentOLS,
    PoissonBoosting,
    fallback_predictions,
    young_companies,
)
from server.scoring.pipeline import choose, run
from server.scoring.synthetic import monthly_counts, season_index
from server.scoring.windows import plan_windows, semester_totals, semesters, target


def test_windows_fit_the_history():
    plan = plan_windows(42)
    assert (plan.lags, plan.train_origin, plan.test_origin, plan.live_origin) == (5, 30, 36, 42)
    # Train features start at month 0: the window uses the whole history, no more.
    assert plan.train_origin - 6 * plan.lags == 0
    assert plan_windows(24).lags == 2 and plan_windows(66).lags == 7 and plan_windows(47).lags == 5
    with pytest.raises(ValueError, match="at least 24 months"):
        plan_windows(23)


def test_semesters_are_aligned_on_the_latest_month():
    counts = np.tile(np.arange(44, dtype=np.int32), (2, 1))  # month i has i hires
    sem = semesters(counts, 44, 3)
    assert sem[0].tolist() == [sum(range(38, 44)), sum(range(32, 38)), sum(range(26, 32))]
    assert target(counts, 30)[0] == sum(range(30, 36))
    totals = semester_totals(counts[:1])
    assert len(totals) == 7 and totals[-1] == sum(range(38, 44))  # months 0–1 are left out


def test_department_ols_recovers_each_departments_regression():
    rng = np.random.default_rng(0)
    n = 3000
    x = rng.poisson(5, (n, 2)).astype(float)
    department = rng.integers(0, 2, n).astype(np.float32)
    department[:20] = 2  # too small for its own model
    coefs = {0: (1.0, 2.0, 0.5), 1: (3.0, 0.2, 1.5)}
    y = np.array([coefs.get(int(d), (0, 0, 0))[0] for d in department])
    for k in (1, 2):
        y += x[:, k - 1] * np.array([coefs.get(int(d), (0, 0, 0))[k] for d in department])
    ols = DepartmentOLS().fit(x, y, department)
    assert ols.own_model == 2
    assert ols.coefs[0] == pytest.approx([2.0, 0.5, 1.0])
    assert ols.coefs[1] == pytest.approx([0.2, 1.5, 3.0])
    national = ols.coefs[-1]
    assert ols.coefs[2] == pytest.approx(national)
    probe = np.array([[5.0, 5.0]] * 3)
    same = ols.predict(probe, np.array([2, 9, np.nan], dtype=np.float32))
    assert same == pytest.approx(np.full(3, probe[0] @ national[:2] + national[2]))


def test_capture_and_metrics():
    actual = np.array([10.0, 0, 5, 0, 0, 0, 0, 0, 0, 5])
    perfect = actual.copy()
    assert capture(actual, perfect, 0.1) == 0.5 and capture(actual, perfect, 0.2) == 0.75
    assert capture(actual, -perfect, 0.2) == 0.0
    curve = capture_curve(actual, perfect, points=11)
    assert curve[0] == 0 and curve[-1] == 1 and curve[1] == 0.5
    m = evaluate(actual, perfect)
    assert m["rmse"] == 0 and m["capture_top_20"] == 0.75
    assert evaluate(actual, np.full(10, 2.0))["mean_poisson_deviance"] > 0


def test_choice_is_made_per_department_on_the_capture_figure():
    rng = np.random.default_rng(1)
    actual = rng.poisson(2, 400).astype(float)
    noise = rng.normal(0, 5, 400)
    department = np.repeat([0.0, 1.0], 200).astype(np.float32)
    ours = np.where(department == 0, actual, noise)  # perfect in 0, noise in 1
    baseline = np.where(department == 0, noise, actual)
    use_ours, chosen = choose(actual, baseline, ours, department)
    assert use_ours[:200].all() and not use_ours[200:].any()
    assert chosen[0] == "model" and chosen[1] == "baseline"


def test_gradient_boosting_stays_stable_with_a_huge_employer():
    # Without the offset, scikit-learn's first Newton step on such data explodes (exp(30)).
    rng = np.random.default_rng(2)
    n = 5000
    counts = rng.poisson(0.05, (n, 36)).astype(np.int32)
    counts[:30] = rng.poisson(80, (30, 36))
    c = Companies(
        counts,
        np.where(np.arange(n) < 30, 5000, 1).astype(np.float32),
        np.full(n, 47, dtype=np.int16),
        np.zeros(n, dtype=np.float32),
        np.zeros(n, dtype=np.float32),
    )
    x = model_features(c, 24, 4)
    model = PoissonBoosting(x.shape[1] + MODEL_HEADCOUNT).fit(x, target(counts, 24))
    predicted = model.predict(model_features(c, 30, 4))
    assert np.isfinite(predicted).all() and predicted.max() < 2 * target(counts, 30).max()
    assert predicted[:30].min() > 100 * predicted[30:].mean()


def test_fallback_for_young_companies():
    counts = np.zeros((400, 36), dtype=np.int32)
    counts[:300, ::3] = 1  # established: 1 hire every 3 months
    counts[300, 30:] = 3  # young and busy
    counts[301, 35] = 1  # young, one hire
    young = young_companies(counts)
    assert young.tolist() == [False] * 300 + [True, True] + [False] * 98  # never hired: model
    division = np.full(400, 47, dtype=np.int16)
    predicted = fallback_predictions(counts, division, np.ones(400, dtype=np.float32), young)
    # The prior: mean monthly rate of every company that is not young (non-hirers included).
    prior_semester = 6 * counts[:300, -12:].sum() / 12 / 398
    own_semester = 6 * 3.0
    assert prior_semester < predicted[300] < own_semester
    assert predicted[301] == pytest.approx(6 * (1 + 12 * prior_semester / 6) / (1 + 12))
    assert np.isnan(predicted[~young]).all()


def synthetic_companies(n=20000, seed=0):
    rng = np.random.default_rng(seed)
    headcount = rng.choice(
        [0, 1, 3, 6, 10, 20, 50, 100], n, p=[0.4, 0.2, 0.15, 0.1, 0.06, 0.05, 0.03, 0.01]
    )
    division = rng.choice([47, 56, 85, 43, 62, 86], n).astype(np.int16)
    counts = monthly_counts(
        headcount.astype(np.float32),
        rng.uniform(0.5, 2, n),
        season_index(division),
        42,
        5,
        rng,
    )
    return Companies(
        counts,
        headcount.astype(np.float32),
        division,
        np.zeros(n, dtype=np.float32),
        category_codes(rng.choice(["57", "54"], n).tolist()),
    )


def test_pipeline_ranks_better_than_chance_and_reports_both_models():
    outcome = run(synthetic_companies())
    for name in ("baseline", "model", "published"):
        assert outcome.metrics[name]["capture_top_20"] > 0.5  # random ranking captures 20 %
    published = outcome.metrics["published"]["capture_figure"]
    assert published >= outcome.metrics["baseline"]["capture_figure"] - 1e-9
    assert set(outcome.source.tolist()) <= {"model", "baseline", "fallback"}
    assert 0 < (outcome.source == "fallback").sum() < 0.1 * len(outcome.source)
    assert (outcome.score >= 50).mean() == pytest.approx(0.2, abs=0.01)
    assert outcome.stars.min() >= 2.5 and outcome.stars.max() <= 5
    assert set(outcome.departments.values()) <= {"model", "baseline"}
    assert len(outcome.curves["model"]) == 101
