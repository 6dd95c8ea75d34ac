"""Rate limits of `/api/v1`, per API key and per client IP, on the real Redis."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import TIMESTAMP_FORMAT, compute_signature, key_of
from server.extensions import db


@pytest.fixture
def app_settings():
    return {"API_RATE_LIMIT_PER_IP": "3 per minute", "API_RATE_LIMIT_PER_KEY": "5 per minute"}


def _get(client, **headers):
    return client.get("/api/v1/autocomplete/jobs?q=boulanger", headers=headers)


def test_per_ip_limit_answers_429_with_retry_after(client):
    assert [_get(client).status_code for _ in range(3)] == [200, 200, 200]
    response = _get(client)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.is_json and response.json["error"]
    # Another client IP has its own budget.
    other = client.get(
        "/api/v1/autocomplete/jobs?q=boulanger", environ_base={"REMOTE_ADDR": "10.0.0.9"}
    )
    assert other.status_code == 200


def test_per_key_limit_is_separate_and_larger(app, client):
    with app.app_context():
        _, key = create_api_user("partner", [])
        db.session.commit()
    for _ in range(3):
        _get(client)
    assert _get(client).status_code == 429  # this IP is spent…
    codes = [_get(client, Authorization=f"Bearer {key}").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]  # …but the key has its own, larger budget


def _lbb(app, client, user: str, key: str | None = None):
    """A signed La Bonne Boite request (its parameters missing: a cheap 400 once signed)."""
    stamp = dt.datetime.now(dt.UTC).strftime(TIMESTAMP_FORMAT)
    params = {"user": user, "timestamp": stamp}
    with app.app_context():
        key = key or key_of(user)
    params["signature"] = compute_signature(params.items(), key)
    return client.get("/api/v1/company/count/?" + urlencode(params))


def test_la_bonne_boite_users_each_have_their_budget(app, client):
    with app.app_context():
        create_api_user("tight", [], budget="3 per minute")
        create_api_user("roomy", [])  # the default budget
        db.session.commit()
    codes = [_lbb(app, client, "tight").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]  # counted once signed, whatever the answer
    spent = _lbb(app, client, "tight")
    assert spent.mimetype == "text/plain" and int(spent.headers["Retry-After"]) > 0
    assert spent.headers["Access-Control-Allow-Origin"] == "*"
    # Consumers on one IP no longer share a budget: a burst of 20 passes.
    assert [_lbb(app, client, "roomy").status_code for _ in range(20)] == [400] * 20


def test_unsigned_la_bonne_boite_requests_count_per_ip(app, client):
    with app.app_context():
        create_api_user("victim", [], budget="2 per minute")
        db.session.commit()
    forged = [_lbb(app, client, "victim", key="guessed").text for _ in range(4)]
    assert forged[:3] == ["signature is invalid"] * 3  # the user's budget is not touched
    assert _lbb(app, client, "victim", key="guessed").status_code == 429  # per IP: 3/minute
    assert _lbb(app, client, "victim").status_code == 400


def test_a_budget_edited_by_hand_falls_back_to_the_default(app, client):
    with app.app_context():
        user, _ = create_api_user("edited", [])
        user.budget = "as much as it likes"
        db.session.commit()
    assert _lbb(app, client, "edited").status_code == 400  # answered, not a 500
