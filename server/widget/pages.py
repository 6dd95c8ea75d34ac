"""Public pages a person opens from a link: a company, a search's results, the home page.

La Bonne Boite's API answers link to such pages (its consumers show those links), under
its paths: `/<siret>/details`, `/entreprises/commune/<code>/rome/<rome>`,
`/entreprises/department/<code>/rome/<rome>` and `/`, with its search page's parameters
(`d` km, `h` 1 all / 2 small / 3 big, `naf`, `sort`, `from`, `to`). Tracking codes
(`utm_*`) are left for the web analytics to read. Server-rendered, no script.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select

from server.assets import TEMPLATES_DIR, asset_url
from server.extensions import db
from server.i18n import current_lang
from server.models import Company, CompanyJobScore, CompanyOptOut
from server.search import get_engine
from server.search.engine import Hit, SearchQuery
from server.search.lookups import get_lexicon
from server.search.present import company_items, headcount_text, labels

bp = Blueprint("pages", __name__, template_folder=str(TEMPLATES_DIR))

CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; " + (
    "base-uri 'none'"
)
SORTS = ("smart", "score", "distance")
HEADCOUNTS = {"2": "small", "3": "big"}
DEFAULT_KM, MAX_KM, PAGE_SIZE, MAX_PAGE_SIZE = 10, 3000, 20, 100


def _page(template: str, status: int = 200, **context: object):
    # The reader's language: `?lang=`, then Accept-Language, else French (server/i18n.py).
    body = render_template(template, lang=current_lang(), css=asset_url("widget.css"), **context)
    return body, status, {"Content-Security-Policy": CSP}


def _int(name: str, default: int, low: int, high: int) -> int:
    try:
        return min(max(int(request.args.get(name, default)), low), high)
    except ValueError:
        return default


@bp.get("/")
def home():
    return _page("pages/home.html")


@bp.get("/entreprises")
def find():
    """The home page's form: the first job and place matching what was typed."""
    jobs = get_lexicon().complete_jobs(request.args.get("j", ""), 1)
    places = get_lexicon().complete_places(request.args.get("l", ""), 1)
    if not jobs or not places:
        return _page("pages/home.html", 404, not_found=True)
    code, rome = places[0]["citycode"], jobs[0]["rome"]
    return redirect(url_for("pages.by_commune", code=code, rome=rome))


def _results(rome: str, title_place: str, **where: object):
    rome = rome.upper()
    job = labels().rome.get(rome)
    if job is None:
        abort(404)
    start = _int("from", 1, 1, 10_000 * MAX_PAGE_SIZE)
    size = _int("to", start + PAGE_SIZE - 1, start, start + MAX_PAGE_SIZE - 1) - start + 1
    sort = request.args.get("sort", "smart")
    has_point = "latitude" in where
    if sort not in SORTS or (sort == "distance" and not has_point):
        sort = "smart"
    naf = request.args.get("naf", "").upper()
    km = _int("d", DEFAULT_KM, 1, MAX_KM)
    query = SearchQuery(
        romes=(rome,),
        distance_km=float(km),
        sort=sort,
        naf=(naf,) if naf else (),
        headcount=HEADCOUNTS.get(request.args.get("h", "")),
        unknown_headcount_small=True,
        page=(start - 1) // size + 1,
        page_size=size,
        promote_email=True,
        **where,
    )
    result = get_engine().search(query)
    items = company_items(result.hits, frozenset(), current_lang())
    shown = query.offset
    kept = {k: v for k, v in request.args.items() if k not in ("from", "to")}

    def page_url(first: int) -> str:
        values = {**(request.view_args or {}), **kept, "from": first, "to": first + size - 1}
        return url_for(request.endpoint or "pages.home", **values)

    previous = page_url(max(shown - size, 0) + 1) if shown else None
    following = page_url(shown + size + 1) if shown + size < result.total else None
    return _page(
        "pages/results.html",
        job=job,
        rome=rome,
        place=title_place,
        km=km if has_point else None,
        total=result.total,
        items=items,
        start=shown,
        previous=previous,
        following=following,
    )


@bp.get("/entreprises/commune/<code>/rome/<rome>")
def by_commune(code: str, rome: str):
    place = get_lexicon().place(code)
    if place is None:
        abort(404)
    return _results(rome, place["name"], latitude=place["latitude"], longitude=place["longitude"])


@bp.get("/entreprises/department/<code>/rome/<rome>")
def by_department(code: str, rome: str):
    if code not in {p["department"] for p in get_lexicon().place_entries}:
        abort(404)
    return _results(rome, gettext("department %(code)s", code=code), departments=(code,))


@bp.get("/<siret>/details")
def company(siret: str):
    """A company, for the job `rome_code` when it is listed for it."""
    found = db.session.get(Company, siret) if siret.isdigit() and len(siret) == 14 else None
    if found is None or db.session.get(CompanyOptOut, siret) is not None:
        abort(404)
    rome = request.args.get("rome_code", "").upper()
    job = db.session.scalar(
        select(CompanyJobScore).where(
            CompanyJobScore.siret == siret, CompanyJobScore.rome_code == rome
        )
    )
    hit = Hit(
        siret=siret,
        rome=job.rome_code if job else "",
        score=job.score if job else (found.score or 0.0),
        stars=job.stars if job else found.stars,
        distance_km=None,
    )
    item = company_items([hit], frozenset(), current_lang())[0]
    size = headcount_text(item["headcount_label"], current_lang())
    return _page("pages/company.html", item=item, size=size, job=item["rome_label"])
