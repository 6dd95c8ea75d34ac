"""Building, swapping and picking up the embedded index; the CLI and the import hook."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from server.search import get_engine
from server.search.build import without_companies
from server.search.embedded import EmbeddedEngine
from server.search.engine import SearchQuery
from tests.conftest import METZ_FILE
from tests.search_support import write_fixture_scores

BAKERY_NEAR_METZ = SearchQuery(romes=("D1102",), latitude=49.1081, longitude=6.1955)


def test_reindex_and_status_commands(metz_app):
    runner = metz_app.test_cli_runner()
    with metz_app.app_context():
        rows = write_fixture_scores()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "17091 companies" in result.output and f"{rows} company × job entries" in result.output
    status = runner.invoke(args=["search", "status"])
    assert "backend: embedded" in status.output and "version: v" in status.output
    folder = Path(metz_app.instance_path) / "search"
    assert (folder / "CURRENT").read_text().startswith("v")
    assert not list(folder.glob(".tmp-*")) and not list(folder.glob(".CURRENT-*"))


def test_an_import_refreshes_the_index(metz_app, tmp_path):
    with metz_app.app_context():
        assert get_engine().search(BAKERY_NEAR_METZ).total == 0  # no index yet
        write_fixture_scores()
        assert get_engine().search(BAKERY_NEAR_METZ).total == 0  # scores not indexed yet
    lines = METZ_FILE.read_text(encoding="utf-8").splitlines()
    small = tmp_path / "one.csv"
    small.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")
    result = metz_app.test_cli_runner().invoke(args=["data", "load-companies", str(small)])
    assert result.exit_code == 0, result.output
    with metz_app.app_context():
        assert get_engine().search(BAKERY_NEAR_METZ).total > 50


def test_other_processes_pick_up_a_new_index_without_restart(metz_app, monkeypatch):
    with metz_app.app_context():
        write_fixture_scores()
        builder = get_engine()
        builder.reindex()
        web = EmbeddedEngine(metz_app)  # another process's engine on the same instance folder
        before = web.search(BAKERY_NEAR_METZ).total
        first_version = web.version()
        from server.extensions import db
        from server.models import CompanyJobScore

        db.session.query(CompanyJobScore).filter(CompanyJobScore.rome_code == "D1102").delete()
        db.session.commit()
        builder.reindex()
        # The very next query sees it: no time-based throttle between a rebuild and a read.
        assert web.search(BAKERY_NEAR_METZ).total == 0 < before
        assert web.version() != first_version
        builder.reindex()
        versions = [p for p in (Path(metz_app.instance_path) / "search").glob("v*")]
        assert len(versions) == 2  # older snapshots are pruned


def test_health_reports_an_unreadable_index(metz_app):
    with metz_app.app_context():
        get_engine().reindex()
    folder = Path(metz_app.instance_path) / "search"
    version = (folder / "CURRENT").read_text()
    (folder / version / "meta.json").write_text("{broken")
    fresh = metz_app.test_client()
    metz_app.extensions.pop("search_engine")
    response = fresh.get("/healthz")
    assert response.status_code == 503 and response.json["down"] == ["search"]


@pytest.mark.parametrize("page_size", [1, 100])
def test_page_size_bounds(metz_app, page_size):
    with metz_app.app_context():
        write_fixture_scores()
        get_engine().reindex()
        query = SearchQuery(romes=("D1102",), latitude=49.1, longitude=6.17, page_size=page_size)
        assert len(get_engine().search(query).hits) == page_size


def test_without_companies_drops_their_rows_and_moves_the_rome_offsets():
    rng = np.random.default_rng(7)
    job_company = rng.integers(0, 5, size=40).astype(np.int32)
    arrays = {
        "siret": np.array([10, 20, 30, 40, 50], dtype=np.int64),
        "company_lat": np.linspace(48, 49, 5),
        "job_company": job_company,
        "job_score": np.arange(40, dtype=np.float32),
        "rome_offsets": np.array([0, 7, 7, 25, 40]),
    }
    kept = without_companies(arrays, [20, 50, 99])  # 99 is not in the index
    offsets = kept["rome_offsets"]
    for group in range(4):
        old = slice(arrays["rome_offsets"][group], arrays["rome_offsets"][group + 1])
        expected = [
            s
            for c, s in zip(job_company[old], arrays["job_score"][old], strict=True)
            if c not in (1, 4)
        ]
        assert list(kept["job_score"][offsets[group] : offsets[group + 1]]) == expected
    assert not np.isin(kept["job_company"], [1, 4]).any()
    assert kept["siret"] is arrays["siret"] and offsets[-1] == len(kept["job_company"])
    assert without_companies(arrays, [99]) is None
