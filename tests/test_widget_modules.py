"""The iframe app as native ES modules: one entry, explicit imports, versioned URLs."""

from __future__ import annotations

import re
import shutil

import pytest

from server import assets
from server.config import PROJECT_ROOT
from tests.widget_support import PARTNER, make_platform

MODULES = PROJECT_ROOT / "widget" / "modules"
IMPORT = re.compile(r'^import\s[^;]*?\sfrom\s"([^"]+)";', re.M | re.S)
MODULE_URL = r"/embed/modules/([0-9a-f]{12})/(\w+\.js)"


@pytest.fixture
def page(app, client):
    with app.app_context():
        platform, _ = make_platform()
    response = client.get(f"/embed/{platform.client_id}", query_string={"parent": PARTNER})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def sources() -> dict[str, str]:
    return {path.name: path.read_text() for path in MODULES.glob("*.js")}


def test_the_page_loads_one_entry_module_and_preloads_the_others(page):
    scripts = re.findall(r"<script\b[^>]*>", page)
    # The config is data, not script; the entry module is the only script, from our origin.
    assert scripts[0] == '<script type="application/json" id="spontane-config">'
    (entry,) = [re.fullmatch(rf'<script type="module" src="{MODULE_URL}">', s) for s in scripts[1:]]
    assert entry and entry.group(2) == "main.js"
    preloaded = re.findall(rf'<link rel="modulepreload" href="{MODULE_URL}">', page)
    assert sorted(name for _, name in preloaded) == sorted(set(sources()) - {"main.js"})
    # One version for the whole set, so relative imports land on the same version.
    assert {version for version, _ in preloaded} == {entry.group(1)}


def test_modules_share_nothing_but_their_imports_and_exports():
    found = sources()
    graph = {}
    for name, text in found.items():
        assert "SpontaneApp" not in text and "globalThis" not in text, name
        assert not re.search(r"\bwindow\.\w+\s*=[^=]", text), name  # no globals
        assert not re.search(r"^\(\(\) =>", text, re.M), name  # no classic-script wrapper
        graph[name] = IMPORT.findall(text)
        for target in graph[name]:
            # Relative, so it resolves inside the page's versioned folder.
            assert target.startswith("./") and target[2:] in found, (name, target)
        if name != "main.js":
            assert re.search(r"^export ", text, re.M), name
    # Every module is reached from the entry, and nothing imports the entry.
    reached, todo = set(), ["main.js"]
    while todo:
        name = todo.pop()
        if name not in reached:
            reached.add(name)
            todo += [target[2:] for target in graph[name]]
    assert reached == set(found)
    assert not any("./main.js" in targets for targets in graph.values())


def test_every_module_is_served_as_javascript_and_cached_for_its_version(app, client, page):
    version = re.search(MODULE_URL, page).group(1)
    for name, text in sources().items():
        response = client.get(f"/embed/modules/{version}/{name}")
        assert response.status_code == 200, name
        assert response.mimetype == "text/javascript"
        assert response.get_data(as_text=True) == text
        assert response.cache_control.max_age == 31_536_000 and response.cache_control.immutable
    # A page from before a deploy gets today's files, not cached for good under the old URL.
    stale = client.get("/embed/modules/000000000000/core.js")
    assert stale.status_code == 200 and stale.cache_control.no_cache
    for missing in ("nope.js", "..%2Fstatic%2Fwidget.css", "core.css"):
        assert client.get(f"/embed/modules/{version}/{missing}").status_code == 404


def test_the_version_follows_every_modules_content(tmp_path, monkeypatch):
    copy = tmp_path / "modules"
    shutil.copytree(MODULES, copy)
    monkeypatch.setattr(assets, "MODULES_DIR", copy)
    before = assets.modules_version()
    assert re.fullmatch(r"[0-9a-f]{12}", before)
    assert assets.modules_version() == before
    core = copy / "core.js"
    core.write_text(core.read_text() + "\n// changed\n")
    changed = assets.modules_version()
    assert changed != before  # main.js's URL changes too though main.js did not
    (copy / "extra.js").write_text("export const x = 1;\n")
    assert assets.modules_version() not in (before, changed)
