"""The TF-IDF recommender: exact cosine scores, title weight, filters, atomic rebuilds."""

from __future__ import annotations

import dataclasses
import threading
import time

import pytest
import scipy.sparse as sp
from sklearn.preprocessing import normalize

from server.offers.index import OfferIndex
from server.offers.recommender import (
    MAX_RESULTS,
    TITLE_WEIGHT,
    IndexRow,
    _vectorizer,
    build_snapshot,
)

METZ = (49.1193, 6.1757)
NANCY = (48.6921, 6.1844)


def row(i, title, body="", contract="permanent", where=METZ) -> IndexRow:
    lat, lon = where if where else (None, None)
    return IndexRow(i, title, body, contract, lat, lon)


CORPUS = [
    row(1, "Boulanger", "Fabrication du pain et des viennoiseries, Metz"),
    row(2, "Vendeur en boulangerie", "Vente de pain, conseil, encaissement", "fixed_term"),
    row(3, "Pâtissier", "Entremets, viennoiseries et boulanger de nuit en renfort"),
    row(4, "Développeur Python", "Django, PostgreSQL, tests automatisés", where=NANCY),
    row(5, "Développeur web", "JavaScript et Python côté serveur", "internship"),
    row(6, "Comptable", "Bilans, déclarations fiscales", where=None),
    row(7, "Aide-soignant de nuit", "Soins d'hygiène et de confort en EHPAD", "temporary"),
    row(8, "Boulanger tourier", "Pâte feuilletée, croissants", "apprenticeship", NANCY),
]


def brute_force(rows, text):
    """Cosine of `text` against every row, the slow way, with sklearn's own transforms."""
    titles, bodies = [r.title for r in rows], [r.body for r in rows]
    t, b = _vectorizer().fit(titles), _vectorizer().fit(bodies)
    docs = normalize(sp.hstack([t.transform(titles) * TITLE_WEIGHT, b.transform(bodies)]))
    query = normalize(sp.hstack([t.transform([text]) * TITLE_WEIGHT, b.transform([text])]))
    return dict(zip([r.id for r in rows], (docs @ query.T).toarray().ravel(), strict=True))


@pytest.mark.parametrize("text", ["boulanger", "développeur python", "pain viennoiseries nuit"])
def test_scores_are_the_exact_cosine_similarities(text):
    expected = brute_force(CORPUS, text)
    hits = build_snapshot(CORPUS).search(text, threshold=1e-6, limit=MAX_RESULTS)
    assert {h.id: h.score for h in hits} == {
        i: pytest.approx(s, abs=2e-4) for i, s in expected.items() if s > 1e-6
    }
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_title_weighs_more_than_description():
    ranked = [h.id for h in build_snapshot(CORPUS).search("boulanger", threshold=0.001)]
    assert ranked.index(1) < ranked.index(3)  # "Boulanger" title vs. a mention in the text


def test_threshold_leaves_out_weak_and_unrelated_matches():
    snapshot = build_snapshot(CORPUS)
    assert snapshot.search("astronaute") == []
    assert snapshot.search("", limit=5) == []
    weak = snapshot.search("boulanger", threshold=0.0001)
    strong = snapshot.search("boulanger", threshold=0.5)
    assert {h.id for h in strong} < {h.id for h in weak}
    assert all(h.score >= 0.5 for h in strong)


def test_contract_and_distance_filters():
    snapshot = build_snapshot(CORPUS)
    assert [h.id for h in snapshot.search("boulanger", ["apprenticeship"])] == [8]
    near_metz = snapshot.search("développeur python", near=(*METZ, 10))
    assert [h.id for h in near_metz] == [5] and near_metz[0].distance_km < 1
    near_nancy = snapshot.search("développeur python", near=(*NANCY, 10))
    assert [h.id for h in near_nancy] == [4]
    # Offers without coordinates never pass a distance filter.
    assert snapshot.search("comptable", near=(*METZ, 200)) == []
    assert [h.id for h in snapshot.search("comptable")] == [6]


def test_results_are_capped_at_150():
    rows = [row(i, f"Vendeur {i}", "vente conseil") for i in range(1, 301)]
    snapshot = build_snapshot(rows)
    assert len(snapshot.search("vendeur", limit=1000)) == MAX_RESULTS
    assert len(snapshot.search("vendeur", limit=7)) == 7


def test_empty_corpus_and_frozen_snapshot():
    snapshot = build_snapshot([])
    assert snapshot.size == 0 and snapshot.search("boulanger") == []
    with pytest.raises(dataclasses.FrozenInstanceError):
        snapshot.version = "changed"


def test_queries_during_a_rebuild_always_see_a_complete_index():
    old = [row(i, "Boulanger", "pain") for i in range(1, 301)]
    new = [row(i, "Boulanger tourier", "croissants") for i in range(1001, 1401)]
    current = {"rows": old}

    def load():
        rows = current["rows"]
        time.sleep(0.3)  # a slow database read: queries keep running during the rebuild
        return rows

    index = OfferIndex(load)
    index.rebuild()
    current["rows"] = new
    old_ids, new_ids = {r.id for r in old}, {r.id for r in new}
    seen: list[str] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def query():
        try:
            while not stop.is_set():
                snapshot = index.snapshot  # one snapshot per "request"
                ids = {h.id for h in snapshot.search("boulanger", limit=MAX_RESULTS)}
                assert len(ids) == MAX_RESULTS
                assert snapshot.postings.shape[1] == snapshot.size == len(snapshot.contracts)
                seen.append("old" if ids <= old_ids else "new" if ids <= new_ids else "mixed")
        except BaseException as exc:  # reported below, with the thread's failure
            failures.append(exc)

    readers = [threading.Thread(target=query) for _ in range(4)]
    for reader in readers:
        reader.start()
    rebuild = index.rebuild_in_background()
    assert index.rebuild_in_background() is None  # one rebuild at a time
    rebuild.join()
    time.sleep(0.1)
    stop.set()
    for reader in readers:
        reader.join()
    assert not failures, failures
    assert "mixed" not in seen and {"old", "new"} <= set(seen)
    assert index.snapshot.size == len(new)
