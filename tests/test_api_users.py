from sqlalchemy import update

from server.auth import api_keys
from server.auth.api_keys import create_api_user, user_by_key
from server.extensions import db
from server.models import ApiUser


def test_create_prints_a_key_stored_hashed(runner, app):
    result = runner.invoke(args=["api-users", "create", "pole", "--scopes", "email,phone"])
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    assert key.startswith("spk_") and len(key) > 40
    with app.app_context():
        user = user_by_key(key)
        assert user.name == "pole" and user.scope_set == {"email", "phone"}
        assert key not in user.key_hash and user.key_hash != key
        assert user_by_key(key + "x") is None
    listing = runner.invoke(args=["api-users", "list"])
    assert "pole\temail,phone\tactive" in listing.output and key not in listing.output
    runner.invoke(args=["api-users", "disable", "pole"])
    with app.app_context():
        db.session.expire_all()
        assert user_by_key(key) is None


def test_unknown_scope_is_named(runner):
    result = runner.invoke(args=["api-users", "create", "x", "--scopes", "email,telepathy"])
    assert result.exit_code != 0
    assert "--scopes" in result.output and "telepathy" in result.output


def test_duplicate_name_is_refused(runner):
    runner.invoke(args=["api-users", "create", "x"])
    result = runner.invoke(args=["api-users", "create", "x"])
    assert result.exit_code != 0 and "already exists" in result.output


def test_budgets_are_set_per_user(runner, app):
    result = runner.invoke(args=["api-users", "create", "proxy", "--budget", "5 per second"])
    assert result.exit_code == 0, result.output
    runner.invoke(args=["api-users", "create", "plain"])
    listing = runner.invoke(args=["api-users", "list"]).output
    assert "proxy\t-\tactive\t5 per second" in listing
    assert "plain\t-\tactive\tdefault (100 per second;100000 per hour)" in listing
    changed = runner.invoke(
        args=["api-users", "set", "plain", "--budget", "2 per second", "--scopes", "pmsmp,boe"]
    )
    assert changed.exit_code == 0, changed.output
    with app.app_context():
        user = db.session.scalar(db.select(ApiUser).where(ApiUser.name == "plain"))
        assert (user.budget, user.scope_set) == ("2 per second", {"pmsmp", "boe"})
    wrong = runner.invoke(args=["api-users", "set", "plain", "--budget", "lots"])
    assert wrong.exit_code != 0 and "--budget" in wrong.output
    wrong = runner.invoke(args=["api-users", "create", "x", "--budget", "fast"])
    assert wrong.exit_code != 0 and "--budget" in wrong.output
    missing = runner.invoke(args=["api-users", "set", "nobody", "--budget", "1 per second"])
    assert missing.exit_code != 0 and "nobody" in missing.output


def _search(client, key):
    return client.get(
        "/api/v1/autocomplete/jobs?q=boulanger", headers={"Authorization": f"Bearer {key}"}
    )


def test_a_key_disabled_elsewhere_stops_working_within_the_cache_time(app, client, monkeypatch):
    """Web processes keep an active key's user for KEY_CACHE_SECONDS (no query a request);
    a key disabled by another process is refused once that time has passed."""
    with app.app_context():
        user, key = create_api_user("partner", [])
        db.session.commit()
        user_id = user.id
    assert _search(client, key).status_code == 200  # looked up, then kept
    with app.app_context():  # as another process would: nothing this process hears of
        db.session.execute(
            update(ApiUser.__table__).where(ApiUser.id == user_id).values(active=False)
        )
        db.session.commit()
    start = api_keys._clock()
    monkeypatch.setattr(api_keys, "_clock", lambda: start + api_keys.KEY_CACHE_SECONDS / 2)
    assert _search(client, key).status_code == 200  # still kept: the bound is the cache time
    monkeypatch.setattr(api_keys, "_clock", lambda: start + api_keys.KEY_CACHE_SECONDS + 0.1)
    refused = _search(client, key)
    assert refused.status_code == 401 and refused.json["field"] == "Authorization"


def test_a_key_disabled_in_this_process_stops_at_once(app, client, runner):
    with app.app_context():
        _, key = create_api_user("partner", ["email"])
        db.session.commit()
    assert _search(client, key).status_code == 200
    runner.invoke(args=["api-users", "disable", "partner"])
    assert _search(client, key).status_code == 401
