"""A recruiter's opt-out removes the company from search at once; an admin restore brings
it back (issue: recruiter opt-out)."""

import pytest

from server.mail.answering import opt_out, restore
from tests.search_support import scored_app


@pytest.fixture
def app(request, databases, metz_template, redis_url, tmp_path_factory):
    return scored_app(request, databases, metz_template, redis_url, tmp_path_factory, "embedded")


def sirets(client, rome: str) -> list[str]:
    body = client.get(
        "/api/v1/companies", query_string={"rome": rome, "citycode": "57463", "page_size": 100}
    ).json
    return [item["siret"] for item in body["items"]]


def test_opt_out_and_restore(app):
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
    assert siret in sirets(client, "D1106")
    assert client.get(f"/api/v1/companies/{siret}").status_code == 200
