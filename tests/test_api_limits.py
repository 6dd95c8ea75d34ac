"""Rate limits of `/api/v1`, per API key and per client IP, on the real Redis."""

from __future__ import annotations

import pytest

from server.auth.api_keys import create_api_user
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
