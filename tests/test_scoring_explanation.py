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


def test_the_api_says_why_in_the_reader_language(app):
    from server.extensions import db
    from server.models import CompanyJobScore
    from server.search.engine import Hit
    from server.search.present import company_items
    from tests.widget_support import SIRET, make_companies

    with app.app_context():
        make_companies()
        db.session.add(detail())
        db.session.add(
            CompanyJobScore(
                siret=SIRET,
                rome_code="D1102",
                score=70,
                stars=4,
                model_version="v",
                sector_share=0.25,
            )
        )
        db.session.commit()
        hit = Hit(siret=SIRET, rome="D1102", score=70.0, stars=4.0, distance_km=None)
        with app.test_request_context():
            french = company_items([hit], lang="fr")[0]["explanation"]["points"]
            english = company_items([hit], lang="en")[0]["explanation"]["points"]
    assert french == [
        "Environ 10 à 20 embauches par an",
        "Devrait recruter davantage qu'aux mêmes mois l'an dernier",
        "Son secteur réalise 25\u00a0% des embauches pour ce métier",
    ]
    assert english[0] == "About 10 to 20 hires a year" and english[2].endswith("this job")
