"""La Bonne Boite API v1 parameters, parsed check by check in its order and its words.

A transcription of labonneboite/web/api/views.py (`get_location`,
`create_hidden_market_fetcher`, `create_visible_market_fetcher` and their helpers): its
consumers parse the plain-text 400s, so the order of the checks, their wording (typos and
spacing included) and Python's `int()`/`float()` leniency are kept as they were.
server/schemas/lbb.py documents the same parameters for the OpenAPI document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from server.errors import PlainTextError
from server.extensions import db
from server.models import RomeNafHiring
from server.search.contracts import CONTRACTS, DEFAULT_CONTRACT
from server.search.lookups import get_lexicon
from server.search.present import labels

SORTS = ("smart", "distance", "score")  # La Bonne Boite's order, in its error message
DEFAULT_SORT = "smart"
SORTS_WITHOUT_POINT = ("score", "smart")
HEADCOUNTS = {"all": 1, "big": 3, "small": 2}  # its HEADCOUNT_VALUES
DEFAULT_DISTANCE = 10
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
OFFER_UNSUPPORTED = ("sort", "naf_codes", "headcount", "departments", "longitude", "latitude")
OFFER_MANDATORY = ("rome_codes", "commune_id", "contract")
UNKNOWN_ROME = (
    "Unknown rome_code: %s - Possible reasons: 1) This rome_code does not exist. "
    "2) This rome code exists but is very recent and thus "
    "                    we do not have enough data yet to build relevant results for it. "
    "                    We typically need at least 12 months of data before we can build "
    "                    relevant results for a given rome_code."
)

Args = Mapping[str, str]


def invalid(message: str) -> PlainTextError:
    return PlainTextError(f"Invalid request argument: {message}")


@dataclass
class Place:
    latitude: float | None
    longitude: float | None
    commune_id: str | None
    departments: str | None  # as sent: the search page's URL names the first one

    @property
    def has_point(self) -> bool:
        return self.latitude is not None


@dataclass
class Search:
    place: Place
    romes: list[str]
    sort: str
    page: int
    page_size: int
    distance: int
    naf_codes: list[str]
    contract: str
    headcount: int  # 1 all, 2 small, 3 big
    departments: list[str]
    flag_pmsmp: int  # 1: companies welcoming work trials only (pmsmp scope)


@dataclass
class OfferSearch:
    romes: list[str]
    commune_id: str
    page_size: int
    distance: int
    contract: str


def location(args: Args) -> Place:
    """`get_location`: a commune, a point or départements, in this order of preference."""
    latitude = longitude = commune_id = None
    if "commune_id" in args:
        commune_id = args["commune_id"]
        place = get_lexicon().place(commune_id)
        if place is None:
            raise invalid("could not resolve latitude and longitude from given commune_id")
        latitude, longitude = place["latitude"], place["longitude"]
    elif "latitude" in args and "longitude" in args:
        if not args["latitude"] or not args["longitude"]:
            raise invalid("latitude or longitude (or both) have no value")
        try:
            latitude, longitude = float(args["latitude"]), float(args["longitude"])
        except ValueError:
            raise invalid("latitude and longitude must be float") from None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):  # nan fails both
            raise invalid("latitude and longitude must be float")
    elif "departments" not in args:
        raise invalid(
            "missing arguments: either commune_id or departments or both latitude and longitude"
        )
    return Place(latitude, longitude, commune_id, args.get("departments"))


def integer(args: Args, name: str, default: int) -> int:
    try:
        return int(args.get(name, default))
    except (TypeError, ValueError):
        raise invalid(f"{name} must be integer") from None


def positive(args: Args, name: str, default: int) -> int:
    value = integer(args, name, default)
    if value <= 0:
        raise invalid(f"{name} must be positive")
    return value


def pagination(args: Args) -> tuple[int, int]:
    page = positive(args, "page", 1)
    page_size = positive(args, "page_size", DEFAULT_PAGE_SIZE)
    if page_size > MAX_PAGE_SIZE:
        raise invalid(f"page_size is too large. Maximum value is {MAX_PAGE_SIZE}")
    return page, page_size


def distance(args: Args) -> int:
    value = integer(args, "distance", DEFAULT_DISTANCE)
    if value < 0:  # La Bonne Boite's search engine failed on those (a 500)
        raise invalid("distance must be positive")
    return value


def validate_romes(romes: list[str]) -> None:
    known = labels().rome
    for rome in romes:
        if rome not in known:
            raise invalid(UNKNOWN_ROME % rome)


def romes_of(args: Args) -> list[str]:
    codes = args.get("rome_codes")
    keyword = args.get("rome_codes_keyword_search")
    if not keyword:
        if not codes:
            raise invalid("you must use rome_codes or rome_codes_keyword_search")
    elif codes:
        raise invalid("you must either use rome_codes or rome_codes_keyword_search but not both")
    else:
        found = get_lexicon().complete_jobs(keyword, 1)
        if not found:
            raise invalid("No match found for rome_codes_keyword_search.")
        codes = found[0]["rome"]
    romes = [code.upper() for code in codes.split(",")]
    validate_romes(romes)
    return romes


def nafs_for(romes: list[str]) -> list[str]:
    """NAF codes that hire for these jobs (`map_romes_to_nafs`), sorted."""
    query = select(RomeNafHiring.naf_code).where(RomeNafHiring.rome_code.in_(romes)).distinct()
    return sorted(db.session.scalars(query))


def departments_of(args: Args) -> list[str]:
    if not args.get("departments"):
        return []
    departments = args["departments"].split(",")
    known = {p["department"] for p in get_lexicon().place_entries}
    unknown = [d for d in departments if d not in known]
    if unknown:
        raise invalid(f"departments : {', '.join(unknown)}")
    return departments


def flag(args: Args, name: str, default: int) -> int:
    try:
        value = int(args.get(name, default))
    except (TypeError, ValueError):
        value = -1
    if value not in (0, 1):
        raise invalid(f"{name} must be boolean (0 or 1)")
    return value


def search(args: Args, scopes: frozenset[str]) -> Search:
    """/company/, /company/count/ and /filter/: `get_location` then the fetcher's checks."""
    place = location(args)
    sort = args.get("sort", DEFAULT_SORT)
    if sort not in SORTS:
        raise invalid(f"sort. Possible values : {', '.join(SORTS)}")
    if sort not in SORTS_WITHOUT_POINT and not place.has_point:
        raise invalid(
            # sic: La Bonne Boite joined the two values with 'and' and no spaces.
            f"sort. {'and'.join(SORTS_WITHOUT_POINT)} are the only possible value with "
            "departement search. Please remove sort or departments."
        )
    romes = romes_of(args)
    page, page_size = pagination(args)
    km = distance(args)
    if args.get("distance") is not None and not place.has_point:
        raise invalid(
            "filter. Long/lat is not provided so distance can not be computed. "
            "Please remove the distance param."
        )
    naf_codes: list[str] = []
    if args.get("naf_codes"):
        naf_codes = [naf.upper() for naf in args["naf_codes"].split(",")]
        expected = nafs_for(romes)
        wrong = [naf for naf in naf_codes if naf not in expected]
        if wrong:
            raise invalid(
                f"NAF code(s): {' '.join(wrong)}. Possible values : {', '.join(expected)} "
            )
    contract = args.get("contract", DEFAULT_CONTRACT)
    if contract not in CONTRACTS:
        raise invalid(f"contract. Possible values : {', '.join(CONTRACTS)}")
    headcount = HEADCOUNTS["all"]
    if "headcount" in args:
        headcount = HEADCOUNTS.get(args["headcount"], 0)
        if not headcount:
            raise invalid(f"headcount. Possible values : {', '.join(sorted(HEADCOUNTS))}")
    departments = departments_of(args)
    # `audience` never filtered: La Bonne Boite compared its text to numbers.
    flag_pmsmp = flag(args, "flag_pmsmp", 0) if "pmsmp" in scopes else 0
    return Search(
        place=place,
        romes=romes,
        sort=sort,
        page=page,
        page_size=page_size,
        distance=km,
        naf_codes=naf_codes,
        contract=contract,
        headcount=headcount,
        departments=departments,
        flag_pmsmp=flag_pmsmp,
    )


def offer_search(args: Args) -> OfferSearch:
    """/offers/offices/: `create_visible_market_fetcher`, then the commune's place."""
    for name in OFFER_UNSUPPORTED:
        if args.get(name):
            raise invalid(f"parameter {name} is not supported")
    for name in OFFER_MANDATORY:
        if not args.get(name):
            raise invalid(f"parameter {name} is required")
    romes = [code.upper() for code in args["rome_codes"].split(",")]
    validate_romes(romes)
    page, page_size = pagination(args)
    if page != 1:
        raise invalid("only page=1 is supported as pagination is not implemented")
    km = distance(args)
    if args["contract"] != "alternance":
        raise invalid("only contract=alternance is supported")
    # La Bonne Boite resolved the commune after these checks (and failed with a 500).
    location(args)
    return OfferSearch(romes, args["commune_id"], page_size, km, args["contract"])
