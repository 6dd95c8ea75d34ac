"""Spontane: the Flask application factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask

from server import cli, i18n, input_guard, logs, monitoring, proxies, security, sqlite_pragmas
from server.admin.views import bp as admin_bp
from server.answers.views import bp as answers_bp
from server.api.lbb.views import bp as lbb_bp
from server.api.views import bp as api_bp
from server.applications.views import bp as applications_bp
from server.auth import rate_limits
from server.config import Config, load_secret_key
from server.delivery import outbox_viewer
from server.delivery.mailjet_webhook import bp as mailjet_bp
from server.errors import register_error_handlers
from server.extensions import db, limiter, migrate, redis_store
from server.health import bp as health_bp
from server.offers.views import bp as offers_bp
from server.search import maintenance as search_maintenance
from server.widget.pages import bp as pages_bp
from server.widget.views import bp as widget_bp

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BLUEPRINTS = (
    health_bp,
    offers_bp,
    widget_bp,
    applications_bp,
    api_bp,
    lbb_bp,
    answers_bp,
    mailjet_bp,
    admin_bp,
    pages_bp,
)


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

    # Before anything reads the client's address (limits, logs): TRUSTED_PROXIES only.
    app.wsgi_app = proxies.wrap(app.wsgi_app, app.config["TRUSTED_PROXIES"])
    logs.configure(app)
    i18n.init_app(app)
    db.init_app(app)
    with app.app_context():
        sqlite_pragmas.configure(db.engine)
    migrate.init_app(app, db, directory=str(MIGRATIONS))
    redis_store.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_store.limiter_uri(app))
    # Redis down must not turn requests away: limits then count in this process's memory.
    app.config.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    limiter.init_app(app)
    rate_limits.init_app(app)
    register_error_handlers(app)
    input_guard.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    outbox_viewer.register(app)
    monitoring.init_app(app)
    search_maintenance.register(app)
    security.init_app(app)
    cli.register(app)
    logging.getLogger(__name__).debug("app created", extra={"instance": str(instance)})
    return app
