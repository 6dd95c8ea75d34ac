"""Load every reference table listed in the data README, in one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from server.data.places import PlaceTables
from server.data.reader import RowError, Summary, read_rows
from server.data.rejects import Rejects
from server.data.upsert import upsert
from server.data.validation import naf
from server.models import (
    ContactMode,
    HeadcountBracket,
    JobTension,
    Naf,
    NafSection,
    Ogr,
    Rome,
    RomeNafHiring,
    RomeTreeNode,
)

ROME_PATTERN = re.compile(r"^[A-N]\d{4}$")

Row = dict[str, str]


class ReferenceLoader(PlaceTables):
    """Reads each file, checks every row, and upserts its table; one Summary per table.

    With a `rejects_dir`, a bad row is written to `<file>.csv` there and skipped;
    without, the first bad row stops the load (the caller rolls everything back).
    """

    def __init__(self, directory: Path, progress: bool = True, rejects_dir: Path | None = None):
        self.directory = directory
        self.progress = progress
        self.rejects_dir = rejects_dir
        self.rejects: list[Rejects] = []
        self.summaries: list[Summary] = []
        self.romes: set[str] = set()
        self.nafs: set[str] = set()
        self.section_of: dict[str, str] = {}

    # -- the generic part -------------------------------------------------------------

    def parse(
        self,
        summary: Summary,
        name: str,
        delimiter: str,
        required: tuple[str, ...],
        parse_row: Callable[[str, int, Row], object],
    ) -> list:
        """Apply `parse_row` to each row; None results are dropped, RowErrors rejected."""
        path = self.directory / name
        if not path.exists():
            raise RowError(path, 0, None, "file not found")
        rejects = Rejects(self.rejects_dir / f"{path.stem}.csv") if self.rejects_dir else None
        results = []
        rows = read_rows(path, delimiter, required, self.progress)
        for line, row in rows:
            summary.read += 1
            try:
                result = parse_row(name, line, row)
            except RowError as err:
                if rejects is None:
                    raise
                rejects.add(err, row)
                summary.rejected += 1
                continue
            if result is not None:
                results.append(result)
        if rejects is not None and rejects.rows:
            self.rejects.append(rejects)
        return results

    def load(self) -> list[Summary]:
        steps: list[tuple[str, Callable[[Summary], None]]] = [
            ("rome", self.load_romes),
            ("rome_tree", self.load_rome_tree),
            ("ogr", self.load_ogrs),
            ("naf_section", self.load_naf_sections),
            ("naf", self.load_nafs),
            ("rome_naf_hiring", self.load_rome_naf),
            ("job_tension", self.load_tension),
            ("contact_mode", self.load_contact_modes),
            ("headcount_bracket", self.load_headcounts),
            ("commune", self.load_communes),
            ("employment_area", self.load_employment_areas),
            ("related_job", self.load_related_jobs),
        ]
        for table, step in steps:
            summary = Summary(table)
            step(summary)
            self.summaries.append(summary.finish())
        return self.summaries

    # -- field checks -----------------------------------------------------------------

    @staticmethod
    def need(name: str, line: int, row: Row, *fields: str) -> None:
        for field in fields:
            if not row[field]:
                raise RowError(name, line, field, "is empty")

    def rome(self, name: str, line: int, row: Row, field: str, known: bool = True) -> str:
        code = row[field]
        if not ROME_PATTERN.match(code):
            raise RowError(name, line, field, f"ROME code must look like A1101, got {code!r}")
        if known and code not in self.romes:
            raise RowError(name, line, field, f"unknown ROME code {code!r}")
        return code

    @staticmethod
    def number(name: str, line: int, row: Row, field: str, kind: type = float):
        try:
            return kind(row[field])
        except ValueError:
            raise RowError(name, line, field, f"expected a number, got {row[field]!r}") from None

    # -- one method a table -------------------------------------------------------------

    def load_romes(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "rome_label")
            return {
                "code": self.rome(f, line, row, "rome_id", known=False),
                "label": row["rome_label"],
            }

        rows = self.parse(summary, "rome_labels.csv", "|", ("rome_id", "rome_label"), parse)
        self.romes = {r["code"] for r in rows}
        upsert(Rome, rows, summary)

    def load_rome_tree(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "Rome1", "Intitule")
            if not row["Rome2"]:
                return {"code": row["Rome1"], "level": "domain", "label": row["Intitule"]}
            if not row["Rome3"]:
                return {
                    "code": row["Rome1"] + row["Rome2"],
                    "level": "subdomain",
                    "label": row["Intitule"],
                }
            return None  # ROME and job-title rows: loaded from their own files

        rows = self.parse(
            summary, "arbo_rome_ogr_202107.csv", ";", ("Rome1", "Rome2", "Rome3", "Intitule"), parse
        )
        upsert(RomeTreeNode, rows, summary)

    def load_ogrs(self, summary: Summary) -> None:
        def parse_mapping(f, line, row):
            self.need(f, line, row, "ogr_id")
            return row["ogr_id"], self.rome(f, line, row, "rome_id")

        mapping = Summary("ogr_rome_mapping")
        rome_of = dict(
            self.parse(mapping, "ogr_rome_mapping.csv", "|", ("ogr_id", "rome_id"), parse_mapping)
        )
        summary.rejected += mapping.rejected

        def parse(f, line, row):
            self.need(f, line, row, "ogr_id", "ogr_label")
            return {
                "code": row["ogr_id"],
                "label": row["ogr_label"],
                "rome_code": rome_of.get(row["ogr_id"]),
            }

        rows = self.parse(summary, "ogr_labels.csv", "|", ("ogr_id", "ogr_label"), parse)
        summary.notes["without ROME"] = sum(1 for r in rows if r["rome_code"] is None)
        upsert(Ogr, rows, summary)

    def load_naf_sections(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "code", "label")
            return {"code": row["code"], "label": row["label"]}

        upsert(
            NafSection,
            self.parse(summary, "naf_section_labels.csv", ",", ("code", "label"), parse),
            summary,
        )

        def parse_prefix(f, line, row):
            self.need(f, line, row, "naf_prefix2", "naf_section_code")
            return row["naf_prefix2"], row["naf_section_code"]

        prefixes = Summary("naf_section_to_prefix")
        self.section_of = dict(
            self.parse(
                prefixes,
                "naf_section_to_prefix.csv",
                ",",
                ("naf_prefix2", "naf_section_code"),
                parse_prefix,
            )
        )
        summary.rejected += prefixes.rejected

    def load_nafs(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "naf_id", "naf_label")
            try:
                code = naf(row["naf_id"])
            except ValueError as exc:
                raise RowError(f, line, "naf_id", str(exc)) from None
            return {
                "code": code,
                "label": row["naf_label"],
                "section_code": self.section_of.get(code[:2]),
            }

        rows = self.parse(summary, "naf_labels.csv", "|", ("naf_id", "naf_label"), parse)
        self.nafs = {r["code"] for r in rows}
        upsert(Naf, rows, summary)

    def load_rome_naf(self, summary: Summary) -> None:
        def parse(f, line, row):
            if row["naf_id"] not in self.nafs:
                raise RowError(f, line, "naf_id", f"unknown NAF code {row['naf_id']!r}")
            return (self.rome(f, line, row, "rome_id"), row["naf_id"]), self.number(
                f, line, row, "hirings", int
            )

        weights: dict[tuple[str, str], int] = {}
        for key, hirings in self.parse(
            summary, "rome_naf_mapping.csv", ",", ("rome_id", "naf_id", "hirings"), parse
        ):
            weights[key] = weights.get(key, 0) + hirings
        rows = [{"rome_code": r, "naf_code": n, "hirings": h} for (r, n), h in weights.items()]
        upsert(RomeNafHiring, rows, summary)

    def load_tension(self, summary: Summary) -> None:
        def parse(f, line, row):
            return self.rome(f, line, row, "rome_code"), self.number(f, line, row, "tension_pct")

        best: dict[str, float] = {}
        for rome, pct in self.parse(
            summary, "metiers_tension.csv", ",", ("tension_pct", "rome_code"), parse
        ):
            # Several job families map to one ROME: keep the highest tension.
            best[rome] = max(pct, best.get(rome, pct))
        upsert(JobTension, [{"rome_code": r, "tension_pct": p} for r, p in best.items()], summary)

    def load_contact_modes(self, summary: Summary) -> None:
        def parse(f, line, row):
            self.need(f, line, row, "naf_prefix")
            rome = self.rome(f, line, row, "rome")
            if not row["contact_mode"]:  # a pair with no recommendation: nothing to store
                summary.notes["without a mode"] = summary.notes.get("without a mode", 0) + 1
                return None
            return (row["naf_prefix"], rome), row["contact_mode"]

        modes = dict(
            self.parse(
                summary, "contact_modes.csv", ",", ("naf_prefix", "rome", "contact_mode"), parse
            )
        )
        rows = [{"naf_prefix": p, "rome_code": r, "mode": m} for (p, r), m in modes.items()]
        upsert(ContactMode, rows, summary)

    def load_headcounts(self, summary: Summary) -> None:
        def parse_size(f, line, row):
            self.need(f, line, row, "effectif", "taille")
            return row["effectif"], row["taille"]

        sizes_summary = Summary("effectif_to_taille")
        sizes = dict(
            self.parse(
                sizes_summary, "effectif_to_taille.csv", ",", ("effectif", "taille"), parse_size
            )
        )
        summary.rejected += sizes_summary.rejected

        def parse(f, line, row):
            self.need(f, line, row, "code", "label")
            return {
                "code": row["code"],
                "label": row["label"],
                "size_class": sizes.get(row["code"]),
            }

        upsert(
            HeadcountBracket,
            self.parse(summary, "effectif_labels.csv", ",", ("code", "label"), parse),
            summary,
        )
