"""Company rows: the three file layouts we read and the checks each row must pass.

`CompanyRowParser.parse` turns one CSV record (a list of fields) into a tuple in
`STAGED_COLUMNS` order, or raises RowError naming the line and field. It runs a million
times per national file, so it reads fields by position and checks the common case first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import gt, itemgetter
from pathlib import Path

from sqlalchemy import select

from server.data import validation as check
from server.data.reader import RowError, Summary
from server.extensions import db
from server.models import Commune, HeadcountBracket, Naf

# La Bonne Boite writes 0000Z for "activity not known"; it is stored as no NAF code.
UNKNOWN_NAF = "0000Z"
FLAGS = ("flag_junior", "flag_senior", "flag_handicap", "flag_pmsmp")
TEXTS = ("sign", "street_number", "street", "postcode", "email", "phone", "website")
FIELDS = ("siret", "name", "naf", "headcount", "commune", "latitude", "longitude", *TEXTS)
FIELDS += (*FLAGS, "social_network")
# Column order of `company_staging` after `line` (and of `company` for these columns).
STAGED_COLUMNS = (
    "siret",
    "name",
    "sign",
    "naf_code",
    "headcount_code",
    "street_number",
    "street",
    "postcode",
    "commune_code",
    "latitude",
    "longitude",
    "geocoded_from_commune",
    "email",
    "phone",
    "website",
    "flag_junior",
    "flag_senior",
    "flag_handicap",
    "flag_pmsmp",
    "social_network",
)
MAX_LENGTHS = {"street_number": 20, "postcode": 5, "phone": 30}
SOUTH, NORTH, WEST, EAST = check.FRANCE_BOXES["metropolitan"]
TEXT_LIMITS = tuple(MAX_LENGTHS.get(name, 255) for name in TEXTS)
FLAG_VALUES = {"": False, "0": False, "false": False, "f": False, "no": False}
FLAG_VALUES |= {"1": True, "true": True, "t": True, "yes": True}
FLAG_VALUES |= {"False": False, "True": True}


@dataclass(frozen=True)
class Layout:
    columns: dict[str, str]  # our field → the file's column
    required: tuple[str, ...]  # our fields whose column the header must have
    name_fallback: str | None = None  # column read when the name column is empty
    street_type: str | None = None  # column put before the street ("RUE", "AV"…)
    closed: str | None = None  # column saying "F" (fermé) for a closed establishment
    extra: dict[str, str] = field(default_factory=dict)


LAYOUTS: dict[str, Layout] = {
    "labonneboite": Layout(
        {
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
            "social_network": "social_network",
            **{flag: flag for flag in FLAGS},
        },
        ("siret", "name", "naf", "commune", "latitude", "longitude"),
    ),
    "native": Layout(
        {name: name for name in FIELDS},
        ("siret", "name", "naf", "commune", "latitude", "longitude"),
    ),
    # INSEE's establishments file (StockEtablissement), optionally with the `latitude`
    # and `longitude` columns of its geocoded edition; without them, the commune's centre.
    "sirene": Layout(
        {
            "siret": "siret",
            "name": "denominationUsuelleEtablissement",
            "sign": "enseigne1Etablissement",
            "naf": "activitePrincipaleEtablissement",
            "headcount": "trancheEffectifsEtablissement",
            "street_number": "numeroVoieEtablissement",
            "street": "libelleVoieEtablissement",
            "postcode": "codePostalEtablissement",
            "commune": "codeCommuneEtablissement",
            "latitude": "latitude",
            "longitude": "longitude",
        },
        ("siret", "naf", "commune"),
        name_fallback="enseigne1Etablissement",
        street_type="typeVoieEtablissement",
        closed="etatAdministratifEtablissement",
    ),
}


def detect_layout(path: Path, header: list[str]) -> str:
    for name, layout in LAYOUTS.items():
        if all(layout.columns[f] in header for f in layout.required):
            return name
    raise RowError(
        path,
        1,
        None,
        "unknown layout: expected La Bonne Boite's (siret,raisonsociale,codenaf,…), "
        "INSEE's establishments (siret,activitePrincipaleEtablissement,"
        "codeCommuneEtablissement,…) or the native one (siret,name,naf,commune,latitude,"
        "longitude,…)",
    )


def _bump(notes: dict[str, int], key: str) -> None:
    notes[key] = notes.get(key, 0) + 1


class CompanyRowParser:
    """Checks rows of one file against the reference data loaded once."""

    def __init__(self, path: Path, layout_name: str, header: list[str], summary: Summary):
        self.path = path
        self.layout = layout = LAYOUTS[layout_name]
        self.width = len(header)
        self.summary = summary
        self.nafs = set(db.session.scalars(select(Naf.code)))
        self.headcounts = set(db.session.scalars(select(HeadcountBracket.code)))
        self.communes = {
            code: (lat, lon)
            for code, lat, lon in db.session.execute(
                select(Commune.code, Commune.latitude, Commune.longitude)
            )
        }
        # A column the file lacks reads as the empty string appended after the last field.
        position = {name: i for i, name in enumerate(header)}
        missing = len(header)
        self.names = {f: layout.columns.get(f, f) for f in FIELDS}
        extra = (layout.name_fallback, layout.street_type, layout.closed)
        self.get = itemgetter(
            *(position.get(layout.columns.get(f, ""), missing) for f in FIELDS),
            *(position.get(c or "", missing) for c in extra),
        )

    def fail(self, line: int, name: str | None, message: str) -> RowError:
        return RowError(self.path, line, self.names[name] if name else None, message)

    def parse(self, line: int, record: list[str]) -> tuple | None:
        """The row as staged, or None for a closed establishment (counted, not loaded)."""
        if len(record) != self.width:
            raise self.fail(line, None, f"expected {self.width} fields separated by ','")
        record.append("")  # what a column the file lacks reads as
        values = [value.strip() for value in self.get(record)]
        del record[-1]
        siret, name, naf, headcount, commune, lat, lon = values[:7]
        texts = values[7:14]
        if values[-1] == "F":
            _bump(self.summary.notes, "closed establishments skipped")
            return None
        if not (len(siret) == 14 and siret.isdigit() and check.luhn_ok(siret)):
            siret = self._check(line, "siret", check.siret, siret)
        name = name or values[-3]
        if not name:
            raise self.fail(line, "name", "is empty")
        if naf not in self.nafs:
            naf = self._naf(line, naf)
        if commune not in self.communes:
            raise self.fail(line, "commune", f"unknown commune code {commune!r}")
        point = self._point(line, commune, lat, lon)
        if headcount and headcount not in self.headcounts:
            # INSEE files carry codes such as NN or 99 ("not known"): unknown, counted.
            _bump(self.summary.notes, "unknown headcount")
            headcount = ""
        if values[-2] and texts[2]:
            texts[2] = f"{values[-2]} {texts[2]}"
        if any(map(gt, map(len, texts), TEXT_LIMITS)) or max(len(name), len(values[18])) > 255:
            self._too_long(line, name, texts, values[18])
        flags = list(map(FLAG_VALUES.get, values[14:18]))
        if None in flags:
            bad = flags.index(None)
            raise self.fail(line, FLAGS[bad], f"flag must be 0 or 1, got {values[14 + bad]!r}")
        sign, number, street, postcode, email, phone, website = [v or None for v in texts]
        return (
            siret,
            name,
            sign,
            naf,
            headcount or None,
            number,
            street,
            postcode,
            commune,
            *point,
            email,
            phone,
            website,
            *flags,
            values[18] or None,
        )

    def _too_long(self, line: int, name: str, texts: list[str], social: str) -> None:
        for key, value in (
            ("name", name),
            *zip(TEXTS, texts, strict=True),
            ("social_network", social),
        ):
            limit = MAX_LENGTHS.get(key, 255)
            if len(value) > limit:
                raise self.fail(line, key, f"longer than {limit} characters")

    def _check(self, line: int, name: str, parse, raw: str):
        try:
            return parse(raw)
        except ValueError as exc:
            raise self.fail(line, name, str(exc)) from None

    def _naf(self, line: int, raw: str) -> str | None:
        naf = self._check(line, "naf", check.naf, raw)  # 47.11D → 4711D
        if naf == UNKNOWN_NAF:
            _bump(self.summary.notes, "unknown activity")
            return None
        if naf not in self.nafs:
            raise self.fail(line, "naf", f"unknown NAF code {naf!r}")
        return naf

    def _point(self, line: int, commune: str, raw_lat: str, raw_lon: str):
        try:  # the common case: two plain numbers in metropolitan France
            lat, lon = float(raw_lat), float(raw_lon)
            if SOUTH <= lat <= NORTH and WEST <= lon <= EAST:
                return lat, lon, False
        except ValueError:
            pass
        if raw_lat or raw_lon:
            lat = self._check(line, "latitude", lambda v: check.coordinate(v, "latitude"), raw_lat)
            lon = self._check(
                line, "longitude", lambda v: check.coordinate(v, "longitude"), raw_lon
            )
        else:
            lat = lon = 0.0  # no coordinates at all (INSEE's plain file): as 0,0
        if lat == 0 and lon == 0:
            lat, lon = self.communes[commune]
            if lat is None:
                raise self.fail(
                    line,
                    "latitude",
                    f"coordinates are 0,0 and commune {commune} has no known centre",
                )
            _bump(self.summary.notes, "placed at commune centre")
            return lat, lon, True
        if not check.in_france(lat, lon):
            raise self.fail(line, "latitude", f"coordinates {lat}, {lon} are outside France")
        return lat, lon, False
