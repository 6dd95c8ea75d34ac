"""Score formula, anchors, stars, listing thresholds and explanations."""

import numpy as np
import pytest

from server.scoring.formula import Anchors, band, job_threshold, score, stars, trends

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


def test_derived_anchors_list_the_top_fifth():
    predictions = np.random.default_rng(0).gamma(0.6, 2.0, 10000)
    anchors = Anchors.derive(predictions)
    listed = (score(predictions, anchors) >= 50).mean()
    assert listed == pytest.approx(0.20, abs=0.002)
    assert anchors.s50 < anchors.s60 < anchors.s80 < anchors.s100
    # A flat distribution (almost nobody hires) still gives usable, increasing anchors.
    flat = Anchors.derive(np.zeros(1000))
    assert flat.s50 == 0.5 and flat.s60 > flat.s50


def test_job_thresholds_lower_with_tension():
    assert job_threshold(None) == 20
    assert job_threshold(0.0) == 20
    assert job_threshold(100.0) == 5
    assert job_threshold(60.0) == pytest.approx(11)


def test_bands_and_trends():
    assert [band(x) for x in (0.2, 0.6, 2.4, 4.9, 8, 15, 30, 80, 300)] == [
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
    last = np.array([10.0, 4.0, 0.0, 12.0, 3.0])
    previous = np.array([5.0, 5.0, 2.0, 11.0, 0.0])
    assert trends(last, previous).tolist() == ["up", "flat", "down", "flat", "up"]
