import pytest

from server import create_app
from server.config import Config, ConfigError


def test_environment_is_parsed():
    cfg = Config.from_env(
        {
            "DATABASE_URL": "postgres://u@h/db",
            "SMTP_PORT": "2525",
            "SMTP_STARTTLS": "yes",
            "SEARCH_BACKEND": "Meilisearch",
            "MEILI_URL": "http://127.0.0.1:7700",
        }
    )
    assert cfg.SMTP_PORT == 2525 and cfg.SMTP_STARTTLS is True
    assert cfg.SEARCH_BACKEND == "meilisearch"
    assert cfg.flask_mapping()["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    ("variable", "value", "words"),
    [
        ("SMTP_PORT", "twenty-five", "whole number"),
        ("SMTP_STARTTLS", "maybe", "true or false"),
        ("SEARCH_BACKEND", "elastic", "embedded, meilisearch"),
        ("MAIL_PROVIDER", "sendgrid", "outbox, mailjet, smtp"),
        ("DATABASE_URL", "mysql://x", "sqlite"),
        ("REDIS_URL", "localhost:6379", "redis"),
        ("SPONTANE_ENV", "staging", "production"),
    ],
)
def test_a_bad_value_names_the_variable(variable, value, words):
    with pytest.raises(ConfigError) as excinfo:
        Config.from_env({variable: value})
    assert excinfo.value.variable == variable
    assert str(excinfo.value).startswith(f"{variable}: ")
    assert words in str(excinfo.value)


def test_production_requires_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app(Config(ENV="production", INSTANCE_PATH=str(tmp_path)))


def test_production_refuses_embedded_defaults_unless_allowed(tmp_path):
    base = {"SPONTANE_ENV": "production", "SECRET_KEY": "s", "INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        Config.from_env(base).validate()
    with pytest.raises(ConfigError, match="REDIS_URL"):
        Config.from_env({**base, "DATABASE_URL": "postgresql://h/db"}).validate()
    with pytest.raises(ConfigError, match="MAIL_PROVIDER"):
        Config.from_env(
            {**base, "DATABASE_URL": "postgresql://h/db", "REDIS_URL": "redis://h:6379/0"}
        ).validate()
    Config.from_env({**base, "ALLOW_EMBEDDED_IN_PRODUCTION": "true"}).validate()
    Config.from_env(
        {
            **base,
            "DATABASE_URL": "postgresql://h/db",
            "REDIS_URL": "redis://h:6379/0",
            "MAIL_PROVIDER": "smtp",
        }
    ).validate()
