"""The widget's static files (top-level `widget/`): where they are, and cache-busting URLs.

The iframe app is native ES modules (`widget/modules/`), served without a build step under a
versioned folder, `/embed/modules/<version>/<name>.js`, where the version is a hash of every
module's content. Modules import each other by relative URL (`./core.js`), so each import
resolves inside the same versioned folder: one change to any module gives every module a new
URL, with no import map (an inline one would need a CSP hash) and no rewriting of imports.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

from flask import url_for

from server.config import PROJECT_ROOT

WIDGET_DIR = PROJECT_ROOT / "widget"
STATIC_DIR = WIDGET_DIR / "static"
MODULES_DIR = WIDGET_DIR / "modules"
TEMPLATES_DIR = WIDGET_DIR / "templates"
ENTRY_MODULE = "main.js"


@functools.cache
def _asset_version(path: Path) -> str:
    return str(int(path.stat().st_mtime))


def asset_url(name: str) -> str:
    """A static URL that changes with the file, so it can be cached for long."""
    return url_for("widget.static", filename=name, v=_asset_version(STATIC_DIR / name))


def module_names() -> list[str]:
    """Every module of the iframe app, by file name."""
    return sorted(path.name for path in MODULES_DIR.glob("*.js"))


@functools.lru_cache(maxsize=8)
def _hash_modules(signature: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256()
    for name, _, _ in signature:
        digest.update(name.encode() + b"\0" + (MODULES_DIR / name).read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def modules_version() -> str:
    """A hash of every module's content; recomputed only when a file's size or time changes,
    so a module edited while the server runs gets new URLs at once."""
    stats = ((name, (MODULES_DIR / name).stat()) for name in module_names())
    return _hash_modules(tuple((name, st.st_mtime_ns, st.st_size) for name, st in stats))


def module_url(name: str) -> str:
    return url_for("widget.module", version=modules_version(), name=name)
