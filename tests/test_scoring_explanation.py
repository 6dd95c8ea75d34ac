"""The stored explanation in words: bands, trend, sector share (never hire counts)."""

from flask_babel import force_locale

from server.models.score import CompanyScoreDetail
from server.scoring.formula import BANDS, TOP_BAND
from server.search.present import APPRENTICESHIP_BANDS, HIRING_BANDS, explanation_words


def detail(**fields) -> CompanyScoreDetail:
    values = {"hiring_band": "11-20", "past_band": "6-10", "trend": "up"} | fields
    return CompanyScoreDetail(siret="73282932000074", model_version="v", **values)


def test_every_band_a_run_stores_has_words():
    codes = {code for _, code in BANDS} | {TOP_BAND}
    assert set(HIRING_BANDS) == codes and set(APPRENTICESHIP_BANDS) == codes


def test_explanation_words(app):
    with app.test_request_context(), force_locale("en"):
        assert explanation_words(detail(), sector_share=0.123) == [
            "About 10 to 20 hires a year",
            "Expected to hire more than in the same months last year",
            "Its sector makes 12% of the hires for this job",
        ]
        assert explanation_words(detail(trend="flat"), sector_share=0.004)[1:] == [
            "Expected to hire about as much as in the same months last year",
            "Its sector makes a small share of the hires for this job",
        ]
        assert explanation_words(detail(apprenticeship_band="1-2"), apprenticeship=True) == [
            "One or two apprentices a year"
        ]
        assert explanation_words(None) == []
