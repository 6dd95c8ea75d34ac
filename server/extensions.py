"""Extensions, created unbound; `create_app` binds each one with `init_app`."""

from flask_limiter import Limiter
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase

from server.redis_store import RedisStore


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
redis_store = RedisStore()


def _rate_limit_key() -> str:
    from server.api_auth import rate_limit_key  # imports models, which import this module

    return rate_limit_key()


limiter = Limiter(key_func=_rate_limit_key, strategy="moving-window", headers_enabled=True)
