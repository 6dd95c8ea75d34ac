def test_all_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["checks"] == {"database": "ok", "redis": "ok", "search": "ok"}


def test_redis_down_is_named(app, client):
    # Point the app at a Redis socket where nothing listens.
    app.extensions["redis_url"] = "unix:///nonexistent/redis.sock"
    app.extensions.pop("redis_connection", None)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["down"] == ["redis"]
    assert response.json["checks"]["database"] == "ok"


def test_database_down_is_named(tmp_path, redis_url):
    from server import create_app
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, "sqlite:////nonexistent/dir/spontane.db", redis_url))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["down"] == ["database"]
    assert response.json["checks"]["redis"] == "ok"
