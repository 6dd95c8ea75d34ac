"""`/widget.js`, the iframe route's framing rules and CSP, the catalogue, and `/demo`."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from flask_babel import force_locale, gettext

from server.applications.messages import MESSAGES, catalogue
from server.config import PROJECT_ROOT
from server.extensions import db
from server.models import Platform
from server.widget.loader import compact
from tests.widget_support import PARTNER, make_platform

WIDGET = PROJECT_ROOT / "widget"


@pytest.fixture
def platform(app):
    with app.app_context():
        platform, _ = make_platform(default_rome="D1102", default_place="57463")
        return platform.client_id


def frame(client, client_id: str, **params):
    return client.get(f"/embed/{client_id}", query_string={"parent": PARTNER, **params})


def config_of(response) -> dict:
    raw = re.search(r'id="spontane-config">(.*?)</script>', response.get_data(as_text=True), re.S)
    return json.loads(raw.group(1))


LOADER_BUDGET = 1536  # bytes of /widget.js, gzip -9: every partner page downloads it


def test_loader_is_small_plain_cacheable_javascript(client):
    response = client.get("/widget.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    assert response.cache_control.public and response.cache_control.max_age == 300
    source = response.data
    size = len(gzip.compress(source, 9))
    assert size <= LOADER_BUDGET, f"/widget.js is {size} bytes gzipped"
    assert b"import " not in source and b"require(" not in source
    # Each widget only listens to its own iframe, from the origin it loaded it from, and
    # only posts to that origin.
    # (served squeezed: server/widget/loader.py)
    assert b"event.source!=iframe.contentWindow||event.origin!=origin" in source
    assert b"postMessage({spontane:1,type,...data},origin)" in source
    # The same bytes for everyone (both languages are in it): revalidated by its ETag.
    again = client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/widget.js", headers={"Accept-Language": "en"}).data == source


def test_loader_strings_come_from_the_catalogue(app, client):
    source = client.get("/widget.js").get_data(as_text=True)
    texts = json.loads(re.search(r"const T=(\{.*?\});", source).group(1))
    assert set(texts) == {"fr", "en"}
    with app.test_request_context():
        for lang, (title, link) in texts.items():
            with force_locale(lang):
                assert title == gettext("Company search and applications")
                assert link == gettext("Open the company search")
    # Nothing a person reads is written in the loader's own source.
    raw = (WIDGET / "loader.js").read_text()
    for words in ("Company search", "Open the company", "Recherche d", "Ouvrir la"):
        assert words not in raw


def test_served_loader_leaves_out_comment_lines_indentation_and_spaces():
    source = (
        "/* header\n   more */\n(() => {\n  // why\n"
        '  const a = "x , y" + ++b;\n\n  f(a, c - -d);\n  g(a)\n})();\n'
    )
    # Spaces inside strings and between two signs stay; no line break where ASI may need one.
    assert compact(source) == '(()=>{const a="x , y"+ ++b;f(a,c- -d);g(a)\n})();'
    with pytest.raises(ValueError, match="loader.js:1"):
        compact("/* a */ code();\n")
    with pytest.raises(ValueError, match="comment after code"):
        compact("f(); // joined lines would swallow the next\ng();\n")
    served = compact((WIDGET / "loader.js").read_text())
    assert "/*" not in served and "\n//" not in served and "\n " not in served


def test_iframe_is_framable_only_by_the_calling_allowed_origin(client, platform):
    response = frame(client, platform)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert csp.endswith(f"frame-ancestors {PARTNER}")
    assert "X-Frame-Options" not in response.headers
    # Nothing from third parties: every fetch, script and style comes from our origin.
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "connect-src 'self'" in csp and "*" not in csp
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert "Set-Cookie" not in response.headers  # works with third-party cookies blocked
    html = response.get_data(as_text=True)
    assert "<script>" not in html  # no inline script (only the JSON data block)
    config = config_of(response)
    assert config["parentOrigin"] == PARTNER
    assert config["job"] == {"rome": "D1102", "label": "Boulangerie - viennoiserie"}
    assert config["place"]["citycode"] == "57463" and config["place"]["name"] == "Metz"
    assert config["lang"] == "fr" and config["applyEnabled"] is True


@pytest.mark.parametrize(
    ("client_id", "parent", "status"),
    [
        ("spc_unknown", PARTNER, 404),
        (None, "https://evil.example", 403),
        (None, "", 403),
        (None, "https://partner.example.evil.example", 403),
    ],
)
def test_refusals_get_a_page_that_cannot_be_framed(client, platform, client_id, parent, status):
    response = client.get(f"/embed/{client_id or platform}", query_string={"parent": parent})
    assert response.status_code == status
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert "Recherche indisponible" in html and "spontane-config" not in html


def test_disabled_platform_gets_nothing(app, client, platform):
    with app.app_context():
        db.session.query(Platform).update({"active": False})
        db.session.commit()
    assert frame(client, platform).status_code == 404


def test_every_other_route_denies_framing(client):
    for path in ("/healthz", "/widget.js", "/api/v1/autocomplete/jobs?q=boul"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path


def test_language_theme_and_values_from_the_page(client, platform):
    response = frame(client, platform, lang="en", theme="dark", scheme="dark", rome="K2204")
    html = response.get_data(as_text=True)
    assert '<html lang="en" data-theme="dark" data-scheme="dark">' in html
    assert "Find companies likely to hire you" in html
    assert config_of(response)["job"]["rome"] == "K2204"
    auto = frame(client, platform, theme="sparkly", lang="de", place="57000")
    assert 'data-theme="auto" data-scheme="light"' in auto.get_data(as_text=True)
    assert config_of(auto)["lang"] == "fr"
    assert config_of(auto)["place"]["citycode"] == "57463"  # a postcode is accepted too


def test_company_apply_info(app, client, platform):
    from tests.widget_support import SIRET, SIRET_NO_EMAIL, make_companies

    with app.app_context():
        make_companies()
    assert client.get(f"/embed/{platform}/companies/{SIRET}").json["can_apply"] is True
    assert client.get(f"/embed/{platform}/companies/{SIRET_NO_EMAIL}").json["can_apply"] is False
    assert client.get(f"/embed/{platform}/companies/00000000000000").status_code == 404


def test_the_widget_catalogue_covers_every_key_the_candidate_sees(app):
    catalogues = {}
    for lang in ("fr", "en"):
        with app.test_request_context(query_string={"lang": lang}):
            catalogues[lang] = catalogue()
    fr, en = catalogues["fr"], catalogues["en"]
    assert set(fr) == set(en) == set(MESSAGES)
    for lang in (fr, en):
        assert all(value.strip() for value in lang.values())
    assert fr["search_heading"] == "Trouvez les entreprises susceptibles de vous recruter"
    assert en["search_heading"] == "Find companies likely to hire you"
    used = set()
    for template in (WIDGET / "templates" / "widget").glob("*.html"):
        used |= set(re.findall(r"\bt\.(\w+)", template.read_text()))
    for script in (WIDGET / "modules").glob("*.js"):
        for call in re.findall(r"\bt\(([^)]*)\)", script.read_text()):
            used |= set(re.findall(r'"(\w+)"', call))  # t("key") and t(c ? "a" : "b")
    used |= {f"trend_{x}" for x in ("up", "flat", "down")}
    used |= {f"contract_{x}" for x in ("permanent", "internship", "other")}
    missing = used - set(fr)
    assert not missing, missing
    # The JS reads {name} placeholders, the same in both languages; limits come filled in.
    for key in fr:
        assert "%(" not in fr[key] and "%(" not in en[key], key
        assert set(re.findall(r"\{\w+\}", fr[key])) == set(re.findall(r"\{\w+\}", en[key])), key
    assert fr["files_hint"] == "5 fichiers et 10\u202fMo au total au plus, CV compris."
    assert en["message_hint"] == "Up to 4,000 characters. {left} left."
    assert not (WIDGET / "i18n").exists()  # one catalogue: server/translations


def test_demo_page_embeds_from_the_other_origin(app, client, runner):
    localhost = {"base_url": "http://localhost:5000"}
    missing = client.get("/demo", **localhost)
    assert "flask platforms ensure-demo" in missing.get_data(as_text=True)
    assert runner.invoke(args=["platforms", "ensure-demo"]).exit_code == 0
    page = client.get("/demo", **localhost).get_data(as_text=True)
    assert 'src="http://127.0.0.1:5000/widget.js"' in page
    assert "data-prefill=" in page
    redirect = client.get("/demo", base_url="http://127.0.0.1:5000")
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == "http://localhost:5000/demo"
    assert client.get("/demo", base_url="http://spontane.example").status_code == 404
    app.config["ENV"] = "production"
    assert client.get("/demo", **localhost).status_code == 404
