"""A recruiter's opt-out removes the company from search at once; an admin restore brings
it back (issue: recruiter opt-out)."""

import pytest

from server.answers.opt_out import opt_out, restore
from server.extensions import db
from server.search import embedded, get_engine
from server.search.build import read_index_data
from server.search.engine import SearchQuery
from tests.search_support import scored_app


@pytest.fixture
def app(request, databases, metz_template, redis_url, tmp_path_factory):
    return scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")


def sirets(client, rome: str) -> list[str]:
    body = client.get(
        "/api/v1/companies", query_string={"rome": rome, "citycode": "57463", "page_size": 100}
    ).json
    return [item["siret"] for item in body["items"]]


def test_opt_out_and_restore(app, worker):
    client = app.test_client()
    listed = sirets(client, "D1106")
    assert listed, "the fixture lists companies for D1106 in Metz"
    siret = listed[0]
    with app.app_context():
        assert opt_out(siret, "rh@example.com")
    assert siret not in sirets(client, "D1106")
    assert client.get(f"/api/v1/companies/{siret}").status_code == 404
    with app.app_context():
        assert restore(siret)
    assert siret not in sirets(client, "D1106")  # until the worker rebuilds the index
    assert worker("maintenance")
    assert siret in sirets(client, "D1106")
    assert client.get(f"/api/v1/companies/{siret}").status_code == 200


def test_an_opt_out_edits_the_live_index_without_rebuilding_it(app, monkeypatch):
    client = app.test_client()
    siret = sirets(client, "D1106")[0]
    with app.app_context():
        before = get_engine().version()
        stale = read_index_data()  # what a rebuild running meanwhile would have read

        def no_rebuild(progress=False):
            raise AssertionError("an opt-out must not rebuild the whole index")

        monkeypatch.setattr(embedded, "read_index_data", no_rebuild)
        assert opt_out(siret, "rh@example.com")
        assert get_engine().version() != before
    assert siret not in sirets(client, "D1106")
    # That concurrent rebuild finishing now must not bring the company back.
    monkeypatch.setattr(embedded, "read_index_data", lambda progress=False: stale)
    with app.app_context():
        get_engine().reindex()
    assert siret not in sirets(client, "D1106")


def test_a_restore_while_redis_is_down_rebuilds_in_the_request(app):
    from pathlib import Path

    from server import create_app
    from tests.conftest import make_config

    client = app.test_client()
    siret = sirets(client, "D1106")[0]
    with app.app_context():
        assert opt_out(siret, "rh@example.com")
    # The same database and instance folder, but no Redis to give the rebuild to.
    down = create_app(
        make_config(
            Path(app.instance_path).parent,
            app.config["SQLALCHEMY_DATABASE_URI"],
            "redis://127.0.0.1:9/6",
        )
    )
    with down.app_context():
        assert restore(siret)
        db.session.remove()
        db.engine.dispose()
    # Asked of the engine: `down` took over the process-wide rate limiter's storage.
    with app.app_context():
        query = SearchQuery(romes=("D1106",), latitude=49.1081, longitude=6.1955, page_size=100)
        assert siret in [hit.siret for hit in get_engine().search(query).hits]


def test_an_engine_that_cannot_edit_its_index_gets_rebuilt(app, worker, monkeypatch):
    client = app.test_client()
    siret = sirets(client, "D1106")[0]

    def unreachable(siret):
        raise ConnectionError("search engine unreachable")

    with app.app_context():
        monkeypatch.setattr(get_engine(), "remove_company", unreachable)
        assert opt_out(siret, "rh@example.com")  # recorded, and the recruiter gets no error
    assert siret in sirets(client, "D1106")  # the index could not be edited…
    assert worker("maintenance")  # the rebuild applies the recorded opt-out
    assert siret not in sirets(client, "D1106")
