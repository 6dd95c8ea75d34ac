"""Helpers for the search tests: deterministic scores standing in for the model."""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from sqlalchemy import bindparam, insert, select, update

from server.extensions import db
from server.models import Company, CompanyJobScore, RomeNafHiring
from server.search import reindex

ROMES_PER_NAF = 6
MODEL_VERSION = "test-fixture"


def _unit(*parts: str) -> float:
    digest = hashlib.sha256("|".join(parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def write_fixture_scores() -> int:
    """Stand in for `flask scores compute` (the hiring-potential model, built elsewhere).

    Each Metz company with a NAF code is listed for the ROMEs its activity hires most for
    (top 6 of rome_naf_hiring), with a score that depends only on the SIRET, the ROME and
    the affinity, so every run and both engines see the same numbers. Company-level score
    fields are filled the same way. Returns the number of CompanyJobScore rows written.
    """
    affinities: dict[str, list[tuple[str, int]]] = {}
    for rome, naf, hirings in db.session.execute(
        select(RomeNafHiring.rome_code, RomeNafHiring.naf_code, RomeNafHiring.hirings)
    ):
        affinities.setdefault(naf, []).append((rome, hirings))
    for naf in affinities:
        affinities[naf].sort(key=lambda item: (-item[1], item[0]))
    rows, companies = [], []
    for siret, naf in db.session.execute(select(Company.siret, Company.naf_code)):
        base = _unit(siret)
        companies.append(
            {
                "b_siret": siret,
                "score": round(100 * base, 2),
                "stars": round(2.5 + 2.5 * base, 1),
                "predicted_hires": round(10 * base, 2),
                "hires_last_12m": int(20 * base),
                "trend": ("up", "flat", "down")[int(3 * _unit(siret, "trend"))],
                "predicted_band": "3-5" if base > 0.5 else "1-2",
                "score_source": "model",
                "model_version": MODEL_VERSION,
            }
        )
        for rank, (rome, _) in enumerate(affinities.get(naf or "", [])[:ROMES_PER_NAF]):
            score = round(100 * _unit(siret, rome) * (1 - rank / (2 * ROMES_PER_NAF)), 3)
            rows.append(
                {
                    "siret": siret,
                    "rome_code": rome,
                    "score": score,
                    "stars": round(2.5 + score / 40, 1),
                    "model_version": MODEL_VERSION,
                }
            )
    db.session.execute(insert(CompanyJobScore), rows)
    table = Company.__table__
    db.session.connection().execute(
        update(table).where(table.c.siret == bindparam("b_siret")), companies
    )
    db.session.commit()
    return len(rows)


MEILI_URL = os.environ.get("MEILI_URL", "")
ENGINES = ("embedded", "meilisearch")
# High enough that a module sharing one app never meets them (the limit tests set their own).
GENEROUS_LIMITS = {
    "API_RATE_LIMIT_PER_KEY": "100000 per minute",
    "API_RATE_LIMIT_PER_IP": "100000 per minute",
}


def engine_settings(engine: str) -> dict:
    """Config for one engine; Meilisearch only where a server is reachable (MEILI_URL)."""
    if engine == "embedded":
        return {}
    if not MEILI_URL:
        pytest.skip("MEILI_URL is not set: no Meilisearch server here to run the contract against")
    return {"MEILI_INDEX": f"companies_test_{uuid.uuid4().hex[:8]}"}


def scored_app(request, databases, metz_template, redis_url, tmp_path_factory, engine: str):
    """A Metz app with fixture scores and a built index, shared by a test module."""
    from tests.conftest import _app

    extra = {**GENEROUS_LIMITS, **engine_settings(engine)}
    gen = _app(databases, metz_template, redis_url, tmp_path_factory.mktemp("scored"), extra)
    app = next(gen)
    if engine == "meilisearch":
        app.config.update(SEARCH_BACKEND="meilisearch", MEILI_URL=MEILI_URL)
    with app.app_context():
        write_fixture_scores()
        reindex(app)
    request.addfinalizer(lambda: next(gen, None))
    return app
