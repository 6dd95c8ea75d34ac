from server.auth.api_keys import user_by_key
from server.extensions import db


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
