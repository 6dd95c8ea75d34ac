"""Turn engine hits into API items: company details from the database, labels, contact mode.

Labels (NAF, headcount, ROME, commune names) and contact modes are small reference tables,
kept per process and reloaded when the index version changes (every import ends with a
reindex). Contact details are only included for API keys holding the matching scope.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from flask import Flask, current_app
from flask_babel import format_number, format_percent, gettext, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, Select, bindparam, func, select

from server.extensions import db
from server.i18n import in_lang
from server.models import (
    BlacklistEntry,
    Commune,
    Company,
    ContactMode,
    HeadcountBracket,
    Naf,
    Offer,
    Rome,
)
from server.models.score import CompanyJobScore, CompanyScoreDetail
from server.search import get_engine
from server.search.engine import Hit
from server.search.text import commune_display_name, fold

DEFAULT_CONTACT_MODE = "Envoyer un CV et une lettre de motivation"
# The reference table's usual modes (French data) → catalogue messages, for `lang=en`; any
# other mode is shown as stored.
CONTACT_MODES = {
    "Envoyer un CV et une lettre de motivation": _l("Send a CV and a cover letter"),
    "Se présenter spontanément": _l("Go and introduce yourself in person"),
}
CONTACT_SCOPES = ("email", "phone", "website")
BRACKET = re.compile(r"^([0-9]+)(?:-([0-9]+)|\+)$")  # INSEE labels: "6-9", "10000+"
_NON_SLUG = re.compile(r"[^a-z0-9]+")


def _number(value: int, lang: str) -> str:
    if lang == "fr":  # "10 000", with La Bonne Boite's plain space (its API's bytes)
        return f"{value:,}".replace(",", " ")
    return format_number(value)


def headcount_text(label: str | None, lang: str = "fr") -> str:
    """'6-9' → '6 à 9 salariés', '10000+' → '10 000 salariés et plus', '' when unknown."""
    found = BRACKET.match(label or "")
    if not found:
        return ""
    low, high = int(found[1]), int(found[2]) if found[2] else None
    with in_lang(lang) as chosen:
        first = _number(low, chosen)
        if high is None:
            return gettext("%(num)s employees or more", num=first)
        if high == low:
            return ngettext("%(num)s employee", "%(num)s employees", low)  # only "0-0"
        last = _number(high, chosen)
        if high == low + 1:
            return gettext("%(low)s or %(high)s employees", low=first, high=last)
        return gettext("%(low)s to %(high)s employees", low=first, high=last)


def slug(text: str) -> str:
    """'Secrétariat' → 'secretariat': La Bonne Boite's slugs (python-slugify's)."""
    return _NON_SLUG.sub("-", fold(text)).strip("-")


@dataclass
class Labels:
    naf: dict[str, str]
    headcount: dict[str, str]
    rome: dict[str, str]
    contact: dict[tuple[str, str], str]
    contact_by_prefix: dict[str, str]
    contact_by_rome: dict[str, str]

    @classmethod
    def load(cls) -> Labels:
        modes = list(
            db.session.execute(
                select(ContactMode.naf_prefix, ContactMode.rome_code, ContactMode.mode)
            )
        )
        by_prefix: dict[str, Counter] = {}
        by_rome: dict[str, Counter] = {}
        for prefix, rome, mode in modes:
            by_prefix.setdefault(prefix, Counter())[mode] += 1
            by_rome.setdefault(rome, Counter())[mode] += 1
        return cls(
            naf=dict(db.session.execute(select(Naf.code, Naf.label)).all()),
            headcount=dict(
                db.session.execute(select(HeadcountBracket.code, HeadcountBracket.label)).all()
            ),
            rome=dict(db.session.execute(select(Rome.code, Rome.label)).all()),
            contact={(p, r): m for p, r, m in modes},
            contact_by_prefix={p: c.most_common(1)[0][0] for p, c in by_prefix.items()},
            contact_by_rome={r: c.most_common(1)[0][0] for r, c in by_rome.items()},
        )

    def contact_mode(self, naf: str | None, rome: str | None, lang: str = "fr") -> str:
        """The editorial table's mode for (NAF division, ROME), else the most common mode
        of the division, then of the job, then La Bonne Boite's usual advice."""
        prefix = (naf or "")[:2]
        mode = (
            self.contact.get((prefix, rome or ""))
            or self.contact_by_prefix.get(prefix)
            or self.contact_by_rome.get(rome or "")
            or DEFAULT_CONTACT_MODE
        )
        if lang == "fr" or mode not in CONTACT_MODES:
            return mode
        with in_lang(lang):
            return str(CONTACT_MODES[mode])


def labels(app: Flask | None = None) -> Labels:
    app = app or current_app
    version = get_engine(app).version()
    cached = app.extensions.get("search_labels")
    if cached is None or cached[0] != version:
        cached = (version, Labels.load())
        app.extensions["search_labels"] = cached
    return cached[1]


class Bands(NamedTuple):
    """The bands of a company's explanation (company_score_detail's columns)."""

    hiring_band: str
    trend: str
    apprenticeship_band: str | None


@functools.cache
def _items_query() -> Select:
    """Everything the items of a page need, in one statement built once: the companies with
    their commune's name, explanation bands, sector share for the asked jobs, open offers
    and blacklist entry. A query per table cost more than the search itself."""
    open_offers = (
        select(func.count())
        # Offer.open_filter(), with `now` bound at each execution.
        .where(Offer.siret == Company.siret, Offer.expires_at > bindparam("now"))
        .correlate(Company)
        .scalar_subquery()
    )
    return (
        select(
            *Company.__table__.c,  # columns, not entities: no ORM objects to build
            Commune.name.label("city_name"),
            CompanyScoreDetail.hiring_band,
            CompanyScoreDetail.trend.label("detail_trend"),
            CompanyScoreDetail.apprenticeship_band,
            CompanyJobScore.rome_code.label("share_rome"),
            CompanyJobScore.sector_share,
            open_offers.label("open_offers"),
            BlacklistEntry.expires_at.label("refused_until"),
        )
        .outerjoin(Commune, Commune.code == Company.commune_code)
        .outerjoin(CompanyScoreDetail, CompanyScoreDetail.siret == Company.siret)
        .outerjoin(
            CompanyJobScore,
            (CompanyJobScore.siret == Company.siret)
            & CompanyJobScore.rome_code.in_(bindparam("romes", expanding=True)),
        )
        .outerjoin(BlacklistEntry, BlacklistEntry.address == func.lower(func.trim(Company.email)))
        .where(Company.siret.in_(bindparam("sirets", expanding=True)))
    )


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes; every value stored is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def apply_reason(company: Row, refused_until: dt.datetime | None, now: dt.datetime) -> str | None:
    """Why an application cannot reach this listed company ("no_email", "refuses_mail"), or
    None when it can (opted-out companies are not listed at all)."""
    if not (company.email and company.email.strip()):
        return "no_email"
    if refused_until is not None and _utc(refused_until) > now:
        return "refuses_mail"
    return None


def _address(company: Row, city: str) -> str:
    street = " ".join(p for p in (company.street_number, company.street) if p)
    place = " ".join(p for p in (company.postcode, city) if p)
    return ", ".join(p for p in (street, place) if p)


def company_items(
    hits: Iterable[Hit], scopes: frozenset[str] = frozenset(), lang: str = "fr"
) -> list[dict]:
    """One API item per hit, in the hits' order (hits of deleted companies are skipped)."""
    hits = list(hits)
    if not hits:
        return []
    now = dt.datetime.now(dt.UTC)
    rows = db.session.execute(
        _items_query(),
        {
            "sirets": sorted({h.siret for h in hits}),
            "romes": sorted({h.rome or "" for h in hits}),
            "now": now,
        },
    )
    found: dict[str, Row] = {}
    shares: dict[tuple[str, str], float | None] = {}
    for row in rows:
        found[row.siret] = row
        if row.share_rome is not None:
            shares[(row.siret, row.share_rome)] = row.sector_share
    ref = labels()
    items = []
    with in_lang(lang):
        for hit in hits:
            row = found.get(hit.siret)
            if row is None:
                continue
            city = commune_display_name(row.city_name or "")
            item = company_item(row, hit, ref, city, row.open_offers, scopes, lang)
            item["apply_reason"] = apply_reason(row, row.refused_until, now)
            item["can_apply"] = item["apply_reason"] is None
            bands = (
                Bands(row.hiring_band, row.detail_trend, row.apprenticeship_band)
                if row.hiring_band is not None
                else None
            )
            share = shares.get((hit.siret, hit.rome or ""))
            item["explanation"]["points"] = explanation_words(bands, share)
            items.append(item)
    return items


def company_item(
    company: Row,
    hit: Hit,
    ref: Labels,
    city: str,
    open_offers: int,
    scopes: frozenset[str],
    lang: str = "fr",
) -> dict:
    item = {
        "siret": company.siret,
        "name": company.sign or company.name,  # Company.display_name
        "naf": company.naf_code,
        "naf_label": ref.naf.get(company.naf_code or ""),
        "headcount_label": ref.headcount.get(company.headcount_code or ""),
        "city": city,
        "citycode": company.commune_code,
        "postcode": company.postcode,
        "address": _address(company, city),
        "latitude": company.latitude,
        "longitude": company.longitude,
        "distance_km": hit.distance_km,
        "score": hit.score,
        "stars": hit.stars,
        "contact_mode": ref.contact_mode(company.naf_code, hit.rome, lang),
        "rome": hit.rome,
        "rome_label": ref.rome.get(hit.rome),
        "flags": [f for f in ("junior", "senior", "handicap") if getattr(company, f"flag_{f}")],
        "explanation": {
            "hires_last_12m": company.hires_last_12m,
            "trend": company.trend,
            "predicted_band": company.predicted_band,
        },
        "open_offers": open_offers,
    }
    for scope in CONTACT_SCOPES:
        if scope in scopes:
            item[scope] = getattr(company, scope)
    return item


# "Why this company" in words, from the structured explanation a scoring run stores
# (company_score_detail, and the per-job row's sector share). English msgids; the words
# people read come from the catalogue. Hire counts are confidential: bands only.
HIRING_BANDS = {
    "0": _l("Rarely hires"),
    "1-2": _l("One or two hires a year"),
    "3-5": _l("A few hires a year"),
    "6-10": _l("About 5 to 10 hires a year"),
    "11-20": _l("About 10 to 20 hires a year"),
    "21-50": _l("About 20 to 50 hires a year"),
    "51-100": _l("About 50 to 100 hires a year"),
    "100+": _l("More than 100 hires a year"),
}
APPRENTICESHIP_BANDS = {
    "0": _l("Rarely takes apprentices"),
    "1-2": _l("One or two apprentices a year"),
    "3-5": _l("A few apprentices a year"),
    "6-10": _l("About 5 to 10 apprentices a year"),
    "11-20": _l("About 10 to 20 apprentices a year"),
    "21-50": _l("About 20 to 50 apprentices a year"),
    "51-100": _l("About 50 to 100 apprentices a year"),
    "100+": _l("More than 100 apprentices a year"),
}
TRENDS = {
    "up": _l("Expected to hire more than in the same months last year"),
    "flat": _l("Expected to hire about as much as in the same months last year"),
    "down": _l("Expected to hire less than in the same months last year"),
}
SECTOR_SHARE = _l("Its sector makes %(share)s of the hires for this job")
SMALL_SECTOR_SHARE = _l("Its sector makes a small share of the hires for this job")


def explanation_words(
    detail: CompanyScoreDetail | Bands | None,
    sector_share: float | None = None,
    apprenticeship: bool = False,
) -> list[str]:
    """The explanation's sentences in the current language: the forecast band (hires, or
    apprenticeships with `apprenticeship`), the trend, and for a job the sector's share."""
    if detail is None:
        return []
    if apprenticeship:
        band = detail.apprenticeship_band
        words = [APPRENTICESHIP_BANDS[band]] if band in APPRENTICESHIP_BANDS else []
    else:
        words = [HIRING_BANDS[detail.hiring_band], TRENDS[detail.trend]]
    if sector_share is not None:
        words.append(
            SECTOR_SHARE % {"share": format_percent(sector_share)}
            if sector_share >= 0.01
            else SMALL_SECTOR_SHARE
        )
    return [str(w) for w in words]
