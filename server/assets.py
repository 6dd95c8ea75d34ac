"""The widget's static files (top-level `widget/`): where they are, and cache-busting URLs."""

from __future__ import annotations

import functools
from pathlib import Path

from flask import url_for

from server.config import PROJECT_ROOT

WIDGET_DIR = PROJECT_ROOT / "widget"
STATIC_DIR = WIDGET_DIR / "static"
TEMPLATES_DIR = WIDGET_DIR / "templates"


@functools.cache
def _asset_version(path: Path) -> str:
    return str(int(path.stat().st_mtime))


def asset_url(name: str) -> str:
    """A static URL that changes with the file, so it can be cached for long."""
    return url_for("widget.static", filename=name, v=_asset_version(STATIC_DIR / name))
