"""Spontane: the Flask application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from server.config import Config, load_secret_key


def create_app(config: Config | None = None) -> Flask:
    """Build the app from `config`, or from the environment when none is given."""
    config = config or Config.from_env()
    config.validate()
    instance = Path(config.INSTANCE_PATH).resolve()
    instance.mkdir(parents=True, exist_ok=True)

    app = Flask(__name__, instance_path=str(instance))
    app.config.from_mapping(config.flask_mapping())
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = load_secret_key(instance)

    from server import cli, logs, search, security
    from server.errors import register_error_handlers
    from server.extensions import db, limiter, migrate, redis_store
    from server.views import admin, answers, api, api_lbb, embed, health, outbox, webhooks
    from server.views import offers as offer_views

    logs.configure(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(Path(__file__).parent.parent / "migrations"))
    redis_store.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_store.limiter_uri(app))
    limiter.init_app(app)
    register_error_handlers(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(offer_views.bp)
    app.register_blueprint(embed.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(api_lbb.bp)
    app.register_blueprint(answers.bp)
    app.register_blueprint(webhooks.bp)
    app.register_blueprint(admin.bp)
    outbox.register(app)
    search.register(app)
    security.init_app(app)
    cli.register(app)
    logging.getLogger(__name__).debug("app created", extra={"instance": str(instance)})
    return app
