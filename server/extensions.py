"""Extensions, created unbound; `create_app` binds each one with `init_app`."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from server.redis_store import RedisStore


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
redis_store = RedisStore()
babel = Babel()
# Per client IP (the socket's peer, or what TRUSTED_PROXIES trusts) unless a limit names its
# own key function (the API's: server.auth.rate_limits, which also writes the headers).
limiter = Limiter(key_func=get_remote_address, strategy="moving-window", headers_enabled=False)
