"""Rate limits of `/api/v1`, per API key and per client IP, on the real Redis."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest

from server.auth.api_keys import create_api_user
from server.auth.lbb_signatures import TIMESTAMP_FORMAT, compute_signature, key_of
from server.extensions import db, redis_store


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
        create_api_user("roomy", [], budget="100 per minute")  # its own, larger budget
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


def _fake_key(n: int) -> str:
    return "spk_" + f"{n:043d}"  # well-formed, but nobody's


def test_made_up_keys_are_refused_and_spend_the_ip_budget(client):
    """The attack: a fresh made-up key per request to escape the per-IP limit."""
    codes = [_get(client, Authorization=f"Bearer {_fake_key(n)}").status_code for n in range(3)]
    assert codes == [401, 401, 401]
    refused = _get(client, **{"X-API-Key": _fake_key(99)})
    assert refused.status_code == 429  # the IP's budget (3) is spent: no key buys a new one
    assert int(refused.headers["Retry-After"]) > 0
    assert _get(client).status_code == 429  # nor does going without a key
    other_ip = {"REMOTE_ADDR": "10.0.0.9"}
    fine = client.get("/api/v1/autocomplete/jobs?q=boulanger", environ_base=other_ip)
    assert fine.status_code == 200


@pytest.mark.parametrize(
    "key", ["x", "spk_short", "spk_" + "é" * 43, "spk_" + "a" * 43 + "b", "Bearer", " "]
)
def test_malformed_keys_are_a_401_at_once(client, key):
    response = client.get(
        "/api/v1/autocomplete/jobs?q=boulanger", headers={"Authorization": f"Bearer {key}"}
    )
    if not key.strip():  # "Bearer " and nothing: no key presented
        assert response.status_code == 200
        return
    assert response.status_code == 401
    assert response.json["field"] == "Authorization"


def test_a_disabled_key_counts_against_the_ip(app, client, runner):
    with app.app_context():
        _, key = create_api_user("gone", [])
        db.session.commit()
    runner.invoke(args=["api-users", "disable", "gone"])
    codes = [_get(client, **{"X-API-Key": key}).status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]


def test_one_budget_across_every_api_route(client):
    """Each route used to have its own bucket: switching routes multiplied the budget."""
    paths = [
        "/api/v1/autocomplete/jobs?q=boulanger",
        "/api/v1/autocomplete/places?q=metz",
        "/api/v1/openapi.json",
        "/api/v1/offers?page=1",
    ]
    codes = [client.get(path).status_code for path in paths]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429


def test_budget_per_api_user_set_by_the_cli(app, client, runner):
    result = runner.invoke(args=["api-users", "create", "small", "--budget", "2 per minute"])
    assert result.exit_code == 0, result.output
    small = result.output.strip().splitlines()[-1]
    big = runner.invoke(args=["api-users", "create", "big"]).output.strip().splitlines()[-1]
    codes = [_get(client, Authorization=f"Bearer {small}").status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    codes = [_get(client, Authorization=f"Bearer {big}").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]  # the default for keys (API_RATE_LIMIT_PER_KEY)

    changed = runner.invoke(args=["api-users", "set", "small", "--budget", "10 per minute"])
    assert changed.exit_code == 0 and "10 per minute" in changed.output
    assert _get(client, Authorization=f"Bearer {small}").status_code == 200
    listing = runner.invoke(args=["api-users", "list"]).output
    assert "small\t-\tactive\t10 per minute" in listing
    assert "big\t-\tactive\tdefault (5 per minute)" in listing
    back = runner.invoke(args=["api-users", "set", "small", "--budget", "default"])
    assert back.exit_code == 0 and "default (5 per minute)" in back.output


@pytest.mark.parametrize("budget", ["lots", "0 per second", "5 per fortnight", ""])
def test_bad_budgets_are_named(runner, budget):
    result = runner.invoke(args=["api-users", "create", "x", "--budget", budget])
    if budget == "":
        assert result.exit_code == 0  # empty: the default
        return
    assert result.exit_code == 2 and "--budget" in result.output


def test_rate_limit_headers_on_every_limited_answer(client):
    first = _get(client)
    assert first.status_code == 200
    assert first.headers["RateLimit-Limit"] == "3"
    assert first.headers["RateLimit-Remaining"] == "2"
    assert 0 < int(first.headers["RateLimit-Reset"]) <= 60
    assert first.headers["RateLimit-Policy"] == "3;w=60"
    assert "Retry-After" not in first.headers
    _get(client), _get(client)
    limited = _get(client)
    assert limited.status_code == 429
    assert limited.headers["RateLimit-Remaining"] == "0"
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    refused = _get(client, Authorization=f"Bearer {_fake_key(1)}")
    assert refused.status_code == 429 and "RateLimit-Limit" in refused.headers


def _script_calls(app) -> int:
    stats = redis_store.connection(app).info("commandstats")
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in ("evalsha", "eval"))


def test_a_request_charges_its_whole_budget_in_one_redis_round_trip(app, client):
    with app.app_context():
        _, key = create_api_user("two-limits", [], budget="50 per minute;1000 per hour")
        db.session.commit()
    headers = {"Authorization": f"Bearer {key}"}
    _get(client, **headers)  # the script is loaded on first use
    before = _script_calls(app)
    answers = [_get(client, **headers) for _ in range(5)]
    assert _script_calls(app) - before == 5  # both limits and the headers' window: one call
    assert [a.headers["RateLimit-Remaining"] for a in answers] == ["48", "47", "46", "45", "44"]
    assert answers[0].headers["RateLimit-Policy"] == "50;w=60"  # the shortest window


def test_the_breached_limit_is_the_one_reported(app, client):
    with app.app_context():
        _, key = create_api_user("hourly", [], budget="100 per second;3 per hour")
        db.session.commit()
    answers = [_get(client, Authorization=f"Bearer {key}") for _ in range(4)]
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    assert answers[2].headers["RateLimit-Policy"] == "100;w=1"  # none breached: the shortest
    assert answers[3].headers["RateLimit-Policy"] == "3;w=3600"
    assert answers[3].headers["RateLimit-Remaining"] == "0"
    assert 3500 < int(answers[3].headers["Retry-After"]) <= 3601
