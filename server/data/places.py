"""Place tables of the reference data: communes, postcodes, employment areas, related jobs.

A mixin of `ReferenceLoader`, which provides `parse`, `need`, `rome` and `number`.
"""

from __future__ import annotations

import json

from server.data.reader import RowError, Summary
from server.data.upsert import upsert
from server.data.validation import department_of
from server.models import Commune, CommunePostcode, EmploymentArea, RelatedJob

ARRONDISSEMENT_PARENTS = {"75": "75056", "69": "69123", "13": "13055"}
STRAY_CITY_CODES_HEADER = {"commune_id": "DEPCOM", "commune_name": "NCC"}


class PlaceTables:
    def load_communes(self, summary: Summary) -> None:
        communes: dict[str, dict] = {}
        postcodes: set[tuple[str, str]] = set()

        def parse_laposte(f, line, row):
            self.need(f, line, row, "Code_commune_INSEE", "Nom_commune", "Code_postal")
            lat = lon = None
            if row["coordonnees_gps"]:
                try:
                    lat, lon = (float(part) for part in row["coordonnees_gps"].split(","))
                except ValueError:
                    raise RowError(
                        f,
                        line,
                        "coordonnees_gps",
                        f"expected 'lat, lon', got {row['coordonnees_gps']!r}",
                    ) from None
            return row["Code_commune_INSEE"], row["Nom_commune"], row["Code_postal"], lat, lon

        columns = ("Code_commune_INSEE", "Nom_commune", "Code_postal", "coordonnees_gps")
        for code, name, postcode, lat, lon in self.parse(
            summary, "laposte_hexasmal.csv", ";", columns, parse_laposte
        ):
            entry = communes.setdefault(code, _commune(code, name))
            if entry["latitude"] is None and lat is not None:
                entry["latitude"], entry["longitude"] = lat, lon
            postcodes.add((code, postcode))

        def parse_city(f, line, row):
            if row == STRAY_CITY_CODES_HEADER:  # the file's documented stray last row
                return None
            self.need(f, line, row, "commune_id", "commune_name")
            return row["commune_id"], row["commune_name"]

        for code, name in self.parse(
            summary, "city_codes.csv", "|", ("commune_id", "commune_name"), parse_city
        ):
            communes.setdefault(code, _commune(code, name))

        path = self.directory / "arrondissements_as_cities.json"
        try:
            for item in json.loads(path.read_text(encoding="utf-8")):
                summary.read += 1
                code = item["code"]
                lon, lat = item["centre"]["coordinates"]
                entry = communes.setdefault(code, _commune(code, item["nom"]))
                entry.update(
                    name=item["nom"],
                    latitude=lat,
                    longitude=lon,
                    population=item.get("population"),
                    parent_code=ARRONDISSEMENT_PARENTS[code[:2]],
                )
                postcodes.update((code, p) for p in item["codesPostaux"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise RowError(path, 0, None, f"unexpected content: {exc}") from None

        upsert(Commune, list(communes.values()), summary)
        upsert(
            CommunePostcode,
            [{"commune_code": c, "postcode": p} for c, p in sorted(postcodes)],
            Summary("commune_postcode"),
        )
        summary.notes["postcodes"] = len(postcodes)
        summary.notes["without coordinates"] = sum(
            1 for c in communes.values() if c["latitude"] is None
        )

    def load_employment_areas(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "code_insee", "code_bassin_emploi")
            return row["code_insee"], row["code_bassin_emploi"]

        areas = dict(
            self.parse(
                summary,
                "lbb-pse_bassin-emploi_code-insee.csv",
                ",",
                ("code_insee", "code_bassin_emploi"),
                parse,
            )
        )
        upsert(
            EmploymentArea, [{"commune_code": c, "area_code": a} for c, a in areas.items()], summary
        )

    def load_related_jobs(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "code_bassin_emploi")
            key = (
                row["code_bassin_emploi"],
                self.rome(f, line, row, "rome"),
                self.rome(f, line, row, "rome_connexe"),
            )
            return key, self.number(f, line, row, "score")

        columns = ("code_bassin_emploi", "rome", "rome_connexe", "score")
        scores = dict(
            self.parse(summary, "lbb-pse_bassin-emploi_rome-connexe.csv", ",", columns, parse)
        )
        rows = [
            {"area_code": a, "rome_code": r, "related_rome_code": c, "score": s}
            for (a, r, c), s in scores.items()
        ]
        upsert(RelatedJob, rows, summary)


def _commune(code: str, name: str) -> dict:
    return {
        "code": code,
        "name": name,
        "department": department_of(code),
        "latitude": None,
        "longitude": None,
        "population": None,
        "parent_code": None,
    }
