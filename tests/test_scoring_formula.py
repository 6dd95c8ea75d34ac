"""Score formula, anchors, stars, listing thresholds and explanations."""

import numpy as np
import pytest

from server.scoring.formula import (
    ANCHORS,
    CURRENT,
    Anchors,
    bands,
    job_threshold,
    score,
    stars,
    trends,
)

A = Anchors(2.0, 4.0, 10.0, 40.0)


def test_anchors_give_their_scores_and_the_curve_is_continuous_and_increasing():
    assert score(np.array([0.0, 1.0, 2.0, 3.0, 4.0, 7.0, 10.0, 40.0, 500.0]), A).round(
        6
    ).tolist() == [0, 25, 50, 55, 60, 70, 80, 100, 100]
    h = np.linspace(0, 60, 60001)
    s = score(h, A)
    assert (np.diff(s) >= 0).all() and np.abs(np.diff(s)).max() < 0.05  # no jump anywhere
    # Logarithmic between S80 and S100: 80 + 20·log10(1+h−S80)/log10(1+S100−S80).
    assert score(np.array([20.0]), A)[0] == pytest.approx(80 + 20 * np.log10(11) / np.log10(31))
    assert score(np.array([-3.0]), A)[0] == 0


def test_stars():
    assert stars(np.array([0.0, 20.0, 60.0, 100.0])).tolist() == [2.5, 2.5, 3.75, 5.0]


@pytest.mark.parametrize("text", ["1,2,3", "1,2,x,4", "4,3,2,1", "0,1,2,3", "1,1,2,3"])
def test_bad_anchors_are_refused(text):
    with pytest.raises(ValueError):
        Anchors.parse(text)


def test_published_anchors_are_versioned_and_fixed():
    assert set(CURRENT.values()) <= set(ANCHORS)
    dpae = ANCHORS[CURRENT["dpae"]]
    # A fixed meaning: one hire expected in 6 months lists a company, whatever the run.
    assert score(np.array([dpae.s50]), dpae)[0] == 50
    assert stars(score(np.array([0.1, dpae.s100]), dpae)).tolist() == [2.5, 5.0]
    alternance = ANCHORS[CURRENT["alternance"]]
    assert alternance.s50 < dpae.s50  # apprenticeships are rarer than hires


def test_job_thresholds_lower_with_tension():
    assert job_threshold(None) == 20
    assert job_threshold(0.0) == 20
    assert job_threshold(100.0) == 5
    assert job_threshold(60.0) == pytest.approx(11)


def test_bands_and_trends():
    hires = [0.2, 0.6, 2.4, 4.9, 8, 15, 30, 80, 300]
    assert bands(np.array(hires)).tolist() == [
        "0",
        "1-2",
        "1-2",
        "3-5",
        "6-10",
        "11-20",
        "21-50",
        "51-100",
        "100+",
    ]
    # The forecast against the same months a year earlier: at least 20 % and 1 hire.
    forecast = np.array([10.0, 4.2, 0.0, 12.0, 1.5, 0.5])
    same_months = np.array([5.0, 5.0, 2.0, 11.0, 0.0, 0.0])
    assert trends(forecast, same_months).tolist() == ["up", "flat", "down", "flat", "up", "flat"]
