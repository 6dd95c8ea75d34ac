"""WSGI entry point for gunicorn: `gunicorn wsgi:app`."""

from server import create_app
from server.search.lookups import warm_up

app = create_app()
# Each worker loads the place and job lexicon as it starts, not on its first autocomplete.
warm_up(app)
