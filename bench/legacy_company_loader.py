"""Baselines of bench/bench_national_import.py: the company loader as it was before the
streaming one (commit 4085bd3: DictReader, every row held in memory, ORM bulk insert and
update), and a naive row-by-row INSERT. Benchmark code only: the service does not use it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select, text

from server.data import validation as check
from server.data.companies import STAGED_COLUMNS
from server.data.reader import RowError, Summary, read_rows
from server.data.rejects import Rejects
from server.data.upsert import upsert
from server.extensions import db
from server.models import Commune, Company, HeadcountBracket, Naf

# La Bonne Boite writes 0000Z for "activity not known"; it is stored as no NAF code.
UNKNOWN_NAF = "0000Z"

# column in our model → column in each layout
LAYOUTS: dict[str, dict[str, str]] = {
    "labonneboite": {
        "siret": "siret",
        "name": "raisonsociale",
        "sign": "enseigne",
        "naf": "codenaf",
        "headcount": "trancheeffectif",
        "street_number": "numerorue",
        "street": "libellerue",
        "postcode": "codepostal",
        "commune": "codecommune",
        "longitude": "coordinates_x",
        "latitude": "coordinates_y",
        "email": "email",
        "phone": "tel",
        "website": "website",
        "flag_junior": "flag_junior",
        "flag_senior": "flag_senior",
        "flag_handicap": "flag_handicap",
        "flag_pmsmp": "flag_pmsmp",
        "social_network": "social_network",
    },
    "native": {
        name: name
        for name in (
            "siret",
            "name",
            "sign",
            "naf",
            "headcount",
            "street_number",
            "street",
            "postcode",
            "commune",
            "latitude",
            "longitude",
            "email",
            "phone",
            "website",
            "flag_junior",
            "flag_senior",
            "flag_handicap",
            "flag_pmsmp",
            "social_network",
        )
    },
}
REQUIRED = ("siret", "name", "naf", "commune", "latitude", "longitude")


def detect_layout(path: Path) -> str:
    with open(path, encoding="utf-8-sig") as handle:
        header = handle.readline().strip().split(",")
    for name, layout in LAYOUTS.items():
        if all(layout[field] in header for field in REQUIRED):
            return name
    raise RowError(
        path,
        1,
        None,
        "unknown layout: expected La Bonne Boite's (siret,raisonsociale,codenaf,…) "
        "or the native one (siret,name,naf,commune,latitude,longitude,…)",
    )


class CompanyRowParser:
    """Turns one CSV row into a Company dict, or raises RowError naming the field."""

    def __init__(self, path: Path, layout: str, summary: Summary) -> None:
        self.path = path
        self.columns = LAYOUTS[layout]
        self.summary = summary
        self.nafs = set(db.session.scalars(select(Naf.code)))
        self.headcounts = set(db.session.scalars(select(HeadcountBracket.code)))
        self.communes = {
            code: (lat, lon)
            for code, lat, lon in db.session.execute(
                select(Commune.code, Commune.latitude, Commune.longitude)
            )
        }

    def _get(self, row: dict[str, str], name: str) -> str:
        return row.get(self.columns[name], "") or ""

    def _field(self, line: int, name: str, parse: Callable[[str], object], raw: str):
        try:
            return parse(raw)
        except ValueError as exc:
            raise RowError(self.path, line, self.columns[name], str(exc)) from None

    def parse(self, line: int, row: dict[str, str]) -> dict:
        get = lambda name: self._get(row, name)  # noqa: E731
        siret = self._field(line, "siret", check.siret, get("siret"))
        if not get("name"):
            raise RowError(self.path, line, self.columns["name"], "is empty")
        naf = self._field(line, "naf", check.naf, get("naf"))
        if naf == UNKNOWN_NAF:
            self.summary.notes["unknown activity"] = (
                self.summary.notes.get("unknown activity", 0) + 1
            )
            naf = None
        elif naf not in self.nafs:
            raise RowError(self.path, line, self.columns["naf"], f"unknown NAF code {naf!r}")
        commune = get("commune")
        if commune not in self.communes:
            raise RowError(
                self.path, line, self.columns["commune"], f"unknown commune code {commune!r}"
            )
        lat = self._field(
            line, "latitude", lambda v: check.coordinate(v, "latitude"), get("latitude")
        )
        lon = self._field(
            line, "longitude", lambda v: check.coordinate(v, "longitude"), get("longitude")
        )
        geocoded = False
        if lat == 0 and lon == 0:
            lat, lon = self.communes[commune]
            if lat is None:
                raise RowError(
                    self.path,
                    line,
                    self.columns["latitude"],
                    f"coordinates are 0,0 and commune {commune} has no known centre",
                )
            geocoded = True
            self.summary.notes["placed at commune centre"] = (
                self.summary.notes.get("placed at commune centre", 0) + 1
            )
        elif not check.in_france(lat, lon):
            raise RowError(
                self.path,
                line,
                self.columns["latitude"],
                f"coordinates {lat}, {lon} are outside France",
            )
        headcount = get("headcount") or None
        if headcount is not None and headcount not in self.headcounts:
            # INSEE files carry codes such as 99 ("not known"): stored as unknown, counted.
            self.summary.notes["unknown headcount"] = (
                self.summary.notes.get("unknown headcount", 0) + 1
            )
            headcount = None
        flags = {
            name: self._field(line, name, check.flag, get(name))
            for name in ("flag_junior", "flag_senior", "flag_handicap", "flag_pmsmp")
        }
        return {
            "siret": siret,
            "name": get("name"),
            "sign": get("sign") or None,
            "naf_code": naf,
            "headcount_code": headcount,
            "street_number": get("street_number") or None,
            "street": get("street") or None,
            "postcode": get("postcode") or None,
            "commune_code": commune,
            "latitude": lat,
            "longitude": lon,
            "geocoded_from_commune": geocoded,
            "email": get("email") or None,
            "phone": get("phone") or None,
            "website": get("website") or None,
            "social_network": get("social_network") or None,
            **flags,
        }


def load_companies(path: Path, rejects: Rejects | None = None, progress: bool = True) -> Summary:
    """Validate every row, then upsert them all; the caller commits or rolls back."""
    layout = detect_layout(path)
    summary = Summary(f"companies ({layout} layout)")
    parser = CompanyRowParser(path, layout, summary)
    rows: dict[str, dict] = {}
    required = tuple(LAYOUTS[layout][name] for name in REQUIRED)
    lines = read_rows(path, ",", required, progress)
    for line, raw in lines:
        summary.read += 1
        try:
            row = parser.parse(line, raw)
        except RowError as err:
            if rejects is None:
                raise
            rejects.add(err, raw)
            summary.rejected += 1
            continue
        if row["siret"] in rows:
            summary.notes["repeated in file"] = summary.notes.get("repeated in file", 0) + 1
        rows[row["siret"]] = row  # a SIRET repeated in the file: the last row wins
    upsert(Company, list(rows.values()), summary)
    return summary.finish()


def load_row_by_row(path: Path, limit: int) -> int:
    """The first `limit` rows, one INSERT … ON CONFLICT statement each, one transaction."""
    layout = detect_layout(path)
    summary = Summary("row by row")
    parser = CompanyRowParser(path, layout, summary)
    required = tuple(LAYOUTS[layout][name] for name in REQUIRED)
    columns = ", ".join(STAGED_COLUMNS)
    statement = text(
        f"INSERT INTO company ({columns}) VALUES ("
        + ", ".join(f":{c}" for c in STAGED_COLUMNS)
        + ") ON CONFLICT (siret) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in STAGED_COLUMNS if c != "siret")
    )
    done = 0
    for line, raw in read_rows(path, ",", required):
        if done >= limit:
            break
        try:
            row = parser.parse(line, raw)
        except RowError:
            continue
        db.session.execute(statement, row)
        done += 1
    db.session.commit()
    return done
