"""The numeric core: windows, baselines, model parts, metrics, choice and bounds (no database)."""

import numpy as np
import pytest
from sklearn.linear_model import PoissonRegressor

from server.scoring.backtest import MODEL
from server.scoring.baselines import DepartmentOLS, lbb_ols
from server.scoring.bounds import plausible_maximum
from server.scoring.features import Companies, cumulative, window
from server.scoring.glm import PoissonGLM
from server.scoring.metrics import bootstrap, calibration, capture, capture_curve, evaluate
from server.scoring.model import inputs
from server.scoring.pipeline import choose, run
from server.scoring.prior import Context, division_months, season_profile
from server.scoring.windows import (
    plan_windows,
    semester_totals,
    semesters,
    training_origins,
    validation_origin,
)


def test_rolling_origins_fit_the_history():
    plan = plan_windows(42)
    assert plan.live == 42 and plan.tests == (36, 33, 30)
    # Each forecast is validated on the same calendar months a year earlier, with a model
    # fitted before that window; training windows need 12 months of history before them.
    assert [validation_origin(o) for o in plan.forecasts()] == [30, 24, 21, 18]
    assert training_origins(42) == [36, 30, 24, 18, 12] and training_origins(18) == [12]
    assert plan_windows(36).tests == (30,)
    with pytest.raises(ValueError, match="at least 36 months"):
        plan_windows(35)


def test_semesters_are_aligned_on_the_origin():
    counts = np.tile(np.arange(44, dtype=np.int32), (2, 1))  # month i has i hires
    sem = semesters(counts, 44, 3)
    assert sem[0].tolist() == [sum(range(38, 44)), sum(range(32, 38)), sum(range(26, 32))]
    assert window(cumulative(counts), 30, 36)[0] == sum(range(30, 36))
    totals = semester_totals(counts[:1])
    assert len(totals) == 7 and totals[-1] == sum(range(38, 44))  # months 0–1 are left out


def companies(counts, headcount=None, department=None, division=47, known=None):
    n = len(counts)
    return Companies(
        counts.astype(np.int32),
        np.ones(n, dtype=np.float32) if headcount is None else headcount.astype(np.float32),
        np.full(n, division, dtype=np.int16),
        np.zeros(n, dtype=np.float32),
        np.zeros(n, dtype=np.float32) if department is None else department,
        known,
    )


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


def test_lbb_baseline_trains_a_year_before_on_companies_that_hired():
    # Every hiring company hires each month as many people as its index says; 40 % never
    # hire (whatever their headcount): La Bonne Boite leaves them out of the fit, so its
    # regression is exact on the others.
    rng = np.random.default_rng(1)
    n, months = 500, 42
    level = rng.integers(0, 4, n)
    level[: n * 2 // 5] = 0
    counts = np.repeat(level[:, None], months, axis=1)
    c = companies(counts, headcount=rng.choice([0, 50, 1000], n).astype(np.float32))
    forecast = lbb_ols(c, cumulative(c.counts), 36)
    hired = level > 0
    assert forecast[hired] == pytest.approx(6.0 * level[hired], abs=1e-6)


def test_capture_metrics_and_calibration():
    actual = np.array([10.0, 0, 5, 0, 0, 0, 0, 0, 0, 5])
    perfect = actual.copy()
    assert capture(actual, perfect, 0.1) == 0.5 and capture(actual, perfect, 0.2) == 0.75
    assert capture(actual, -perfect, 0.2) == 0.0
    curve = capture_curve(actual, perfect, points=11)
    assert curve[0] == 0 and curve[-1] == 1 and curve[1] == 0.5
    headcount = np.array([0, 5, 20, 100, 300, 1, 1, 1, 1, 1], dtype=float)
    m = evaluate(actual, perfect, headcount)
    assert m["capture_top_20"] == 0.75 and m["mse"] == 0 and m["predicted_over_actual"] == 1
    assert set(m["mae_by_size"]) == {"0-9", "10-49", "50-249", "250+"}
    assert evaluate(actual, np.full(10, 2.0), headcount)["poisson_deviance"] > 0
    deciles = calibration(np.arange(100.0), np.arange(100.0))
    assert len(deciles) == 10 and deciles[0] == [4.5, 4.5] and deciles[-1] == [94.5, 94.5]


def test_bootstrap_intervals_surround_the_figures_and_pair_methods():
    rng = np.random.default_rng(2)
    expected = rng.gamma(0.5, 4, 20000)
    actual = [rng.poisson(expected).astype(float) for _ in range(2)]
    good, noisy = [expected] * 2, [expected * rng.lognormal(0, 1, 20000)] * 2
    reps = bootstrap(actual, {"good": good, "noisy": noisy})
    point = np.mean([capture(a, expected, 0.1) for a in actual])
    low, high = np.quantile(reps["good"][:, 0], [0.025, 0.975])
    assert low < point < high and high - low < 0.05
    assert (reps["good"][:, 0] > reps["noisy"][:, 0]).all()  # same resamples: paired


def test_newton_poisson_glm_matches_scikit_learn():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(5000, 3))
    y = rng.poisson(np.exp(0.4 * x[:, 0] - 0.7 * x[:, 1] - 0.5))
    ours = PoissonGLM().fit(x, y).predict(x)
    reference = PoissonRegressor(alpha=0, max_iter=1000).fit(x, y).predict(x)
    assert ours == pytest.approx(reference, rel=1e-2)


def test_sector_seasonality_is_learnt_and_small_sectors_lean_on_the_national_one():
    months = np.arange(36)
    peak = np.where(months % 12 == 3, 5, 1)  # month index 3 of every year: 5 times busier
    counts = np.vstack([np.tile(peak, (300, 1)), np.tile(np.ones(36), (300, 1)), [peak]])
    c = companies(counts)
    c.division[300:600] = 10
    c.division[600] = 20  # a sector of one company
    profile = season_profile(division_months(c), 36)
    assert profile[47, 3] == pytest.approx(5 * 12 / 16, rel=0.01)
    assert profile[10] == pytest.approx(np.ones(12), rel=0.25)  # flat, nudged nationally
    national = profile[99]  # no company: the national profile
    assert profile[20, 3] == pytest.approx(national[3], rel=0.1)


def test_empirical_bayes_keeps_a_long_history_and_shrinks_a_short_one():
    rng = np.random.default_rng(4)
    n = 2000
    counts = rng.poisson(0.5, (n, 36))  # the sector: half a hire a month
    counts[0] = 10  # a busy company with a long history
    counts[1] = 0
    counts[1, 34] = 3  # one recent busy month only
    counts[2] = 0  # never hired
    c = companies(counts)
    cum = cumulative(c.counts)
    rates = inputs(c, cum, Context(c, cum, division_months(c), 36)).rates
    # Its own rate, 6 months of it: almost all with a long memory, less with a short one.
    assert rates[0, -1] == pytest.approx(60, rel=0.12) and (rates[0] > 30).all()
    assert (rates[2] < 3).all() and (rates[2] > 0.3).all()  # the prior, shrunk down
    assert (rates[1] > rates[2]).all() and (rates[1, -1] < 6).all()


def test_choice_publishes_the_best_baseline_when_ours_loses():
    def table(ours, glm):
        return {
            MODEL: {"mean": {"capture_top_10": ours}},
            "glm": {"mean": {"capture_top_10": glm}},
            "all_visible": {"mean": {"capture_top_10": 0.5}},
        }

    assert choose(table(0.61, 0.6))[0] == MODEL
    published, decision = choose(table(0.59, 0.6))
    assert published == "glm" and decision.startswith("BASELINE published: Poisson GLM")


def test_plausible_maximum_from_headcount_or_own_record():
    counts = np.zeros((3, 36), dtype=np.int32)
    counts[2, 10:16] = 50  # a seasonal employer: 300 hires in 6 months once
    c = companies(counts, headcount=np.array([0, 100, 3]), known=np.array([True, True, False]))
    bound = plausible_maximum(c, cumulative(c.counts))
    assert bound.tolist() == [2 * 1 + 5, 2 * 100 + 5, 1.5 * 300 + 5]


def test_pipeline_takes_codes_as_they_come():
    # Divisions and départements outside the model's category ranges, unknown headcounts as
    # NaN: the pipeline recodes them and still ranks, with every baseline in its table.
    rng = np.random.default_rng(6)
    n = 3000
    headcount = rng.choice([0.0, 3.0, 50.0, np.nan], n)
    level = 0.1 * (np.nan_to_num(headcount, nan=3.0) + 1)
    counts = rng.poisson(np.tile(level[:, None], (1, 42)))
    c = Companies(
        counts,
        headcount,
        rng.choice([510, 620, 730], n),
        np.full(n, np.nan, dtype=np.float32),
        rng.choice([1.0, 57.0, 976.0, np.nan], n),
    )
    outcome = run(c)
    assert set(outcome.table) == {MODEL, "lbb_ols", "glm", "last_12_months", "all_visible"}
    assert np.isfinite(outcome.predicted).all() and outcome.metrics["model"]["capture_top_10"] > 0.2
