"""Job and place autocomplete over the real reference data: accents, case, prefixes, typos,
spelling by ear, the word being typed, homonyms told apart by their département."""

from __future__ import annotations

import pytest

from server.search.lookups import warm_up
from server.search.spelling import (
    deletions,
    edit_distance,
    parse_query,
    prefix_distance,
    sound,
    typo_limit,
)
from server.search.text import commune_display_name, fold, query_tokens


@pytest.fixture(scope="module")
def client(databases, reference_template, redis_url, tmp_path_factory):
    from tests.conftest import _app
    from tests.search_support import GENEROUS_LIMITS

    gen = _app(
        databases, reference_template, redis_url, tmp_path_factory.mktemp("ac"), GENEROUS_LIMITS
    )
    app = next(gen)
    yield app.test_client()
    next(gen, None)


def jobs(client, q: str) -> list[dict]:
    response = client.get("/api/v1/autocomplete/jobs", query_string={"q": q})
    assert response.status_code == 200, response.json
    return response.json["items"]


def places(client, q: str) -> list[dict]:
    response = client.get("/api/v1/autocomplete/places", query_string={"q": q})
    assert response.status_code == 200, response.json
    return response.json["items"]


@pytest.mark.parametrize(
    ("q", "rome"),
    [
        ("boulangé", "D1102"),  # accent, word being typed
        ("BOULANGER", "D1102"),
        ("devloppeur web", "M1805"),  # typo
        ("développeur web", "M1805"),
        ("aide soignant", "J1501"),  # hyphenated in the data
        ("aide-soignante", "J1501"),
        ("coiff", "D1202"),
        ("infirmier", "J1506"),
        ("D1102", "D1102"),  # a ROME code
    ],
)
def test_jobs_find_the_right_rome(client, q, rome):
    items = jobs(client, q)
    assert items and items[0]["rome"] == rome, items[:3]
    assert {"rome", "label", "rome_label"} <= set(items[0])


def test_job_titles_are_offered_alongside_rome_labels(client):
    labels = [i["label"] for i in jobs(client, "boulanger")]
    assert "Boulanger / Boulangère" in labels and len(labels) > 3


@pytest.mark.parametrize(
    ("q", "citycode", "name"),
    [
        ("st etienne", "42218", "Saint-Etienne"),
        ("Saint-Étienne", "42218", "Saint-Etienne"),
        ("SAINT ETIENNE", "42218", "Saint-Etienne"),
        ("57000", "57463", "Metz"),
        ("metz", "57463", "Metz"),
        ("mets", "57463", "Metz"),  # typo
        ("le mans", "72181", "Le Mans"),
        ("paris", "75056", "Paris"),  # the whole city before its arrondissements
        ("paris 15", "75115", "Paris - 15ème"),
        ("75015", "75115", "Paris - 15ème"),
        ("lyon 3", "69383", "Lyon - 3ème"),
        ("marseille", "13055", "Marseille"),
    ],
)
def test_places_by_name_or_postcode(client, q, citycode, name):
    items = places(client, q)
    assert items and (items[0]["citycode"], items[0]["name"]) == (citycode, name), items[:3]
    assert isinstance(items[0]["latitude"], float) and items[0]["zipcode"]


@pytest.mark.parametrize(
    ("q", "citycode"),
    [
        ("marseye", "13055"),  # spelled by ear
        ("toulouze", "31555"),  # by ear, though "Toulouzette" begins with it
        ("vkllebois", "01444"),  # a neighbouring key
        ("monpellier", "34172"),  # a letter left out
        ("clermon ferand", "63113"),  # one in each word
        ("aix en provance", "13001"),
        ("vilneuve dasq", "59009"),  # two slips and the apostrophe left out
        ("lisle dabeau", "38193"),
        ("st-etienne-de-carl", "15183"),  # abbreviated, the last word being typed
        ("sainte foi 85", "85214"),  # Sainte-Foy in Vendée, not Sainte-Foi (09)
        ("SAINT MARTIN 67", "67426"),  # four communes are called Saint-Martin
        ("Saint-Martin (67)", "67426"),  # the label, typed back
    ],
)
def test_places_typed_with_slips(client, q, citycode):
    items = places(client, q)
    assert citycode in [i["citycode"] for i in items[:3]], items[:3]


@pytest.mark.parametrize(
    ("q", "start", "then"),
    [
        ("saint-maurice-de-l", "Saint-Maurice-", ("de-l", "l'", "le-", "la-", "les-")),
        ("chatillon-sur-", "Chatillon-sur-", ("",)),
        ("chatillon sur s", "Chatillon-sur-S", ("",)),
    ],
)
def test_the_small_word_being_typed_counts(client, q, start, then):
    names = [i["name"] for i in places(client, q)[:3]]
    assert len(names) == 3
    assert all(start in n and n.split(start)[1].lower().startswith(then) for n in names), names


def test_homonyms_are_labelled_with_their_departement(client):
    items = places(client, "saint martin")
    homonyms = [i for i in items if i["name"] == "Saint-Martin"]
    assert len(homonyms) >= 2, items
    assert {i["label"] for i in homonyms} <= {
        f"Saint-Martin ({d})" for d in ("32", "54", "65", "67")
    }
    assert all(i["label"] == f"Saint-Martin ({i['department']})" for i in homonyms)
    assert places(client, "metz")[0]["label"] == "Metz"  # a name of its own: as it is


def test_jobs_typed_with_slips(client):
    assert jobs(client, "infirmiere puericultrice")[0]["rome"] == "J1507"
    assert jobs(client, "boulenger")[0]["rome"] == "D1102"
    assert jobs(client, "plonbier")[0]["rome"] == "F1603"


def test_place_shows_the_postcode_typed(client):
    assert places(client, "57070")[0] == {
        **places(client, "metz")[0],
        "zipcode": "57070",
    }


def test_bigger_places_first_when_ambiguous(client):
    names = [i["name"] for i in places(client, "paris")]
    assert names[0] == "Paris" and all(n.startswith("Paris - ") for n in names[1:])
    # Saint-Etienne (two postcodes) before the one-postcode villages called Saint-Etienne-…
    assert places(client, "saint etienne")[0]["citycode"] == "42218"


def test_empty_and_unknown_queries(client):
    response = client.get("/api/v1/autocomplete/jobs", query_string={"q": ""})
    assert response.status_code == 400 and response.json["field"] == "q"
    assert client.get("/api/v1/autocomplete/places").json["field"] == "q"
    assert jobs(client, "zzzzqqqq") == []


def test_text_helpers():
    assert fold("Bûcheronnage Œuvre") == "bucheronnage oeuvre"
    assert query_tokens("Le Mans") == ["mans"] and query_tokens("le") == ["le"]
    assert commune_display_name("ST ETIENNE DE CARLAT") == "Saint-Etienne-de-Carlat"
    assert commune_display_name("STE MARIE AUX MINES") == "Sainte-Marie-aux-Mines"
    assert commune_display_name("LA ROCHE SUR YON") == "La Roche-sur-Yon"
    assert commune_display_name("L ISLE D ABEAU") == "L'Isle-d'Abeau"
    assert commune_display_name("Paris - 1er") == "Paris - 1er"
    assert edit_distance("devloppeur", "developpeur", 2) == 1
    assert edit_distance("metz", "mezt", 1) == 1  # a transposition is one edit
    assert edit_distance("metz", "nancy", 1) == 2  # capped at limit + 1


def test_spelling_helpers():
    assert parse_query("Saint-Maurice-de-L") == (
        ["saint", "maurice", "de", "l"],
        True,
        [False, False, True, False],
    )
    assert parse_query("chatillon-sur-").typing is False
    assert parse_query("st etienne").words == ["saint", "etienne"]
    assert parse_query("st").words == ["st"]  # may become "strasbourg"
    assert parse_query("de la ").optional == [False, False]  # nothing else to go by
    assert sound("marseille") == sound("marseye") == "marseie"
    assert sound("phalsbourg") == "falsbourg" and sound("beaumont") == "bomont"
    assert deletions("abc") == [("abc", -1), ("bc", 0), ("ac", 1), ("ab", 2)]
    assert [typo_limit(w) for w in ("bar", "metz", "rennes", "grenoble")] == [0, 1, 1, 2]
    assert prefix_distance("montpel", "montpellier", 1) == 0
    assert prefix_distance("montpl", "montpellier", 1) == 1
    assert prefix_distance("mantpl", "montpellier", 1) == 2  # capped at limit + 1


def test_the_lexicon_loads_in_the_background_at_start(client):
    app = client.application
    holder = app.extensions.pop("search_lexicon", None)
    warm_up(app).join(timeout=120)
    assert app.extensions["search_lexicon"]._lexicon is not None
    app.extensions["search_lexicon"] = holder or app.extensions["search_lexicon"]
