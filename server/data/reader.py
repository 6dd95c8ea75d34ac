"""CSV reading that knows which file and line it is on, for precise error messages."""

from __future__ import annotations

import csv
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm


class RowError(ValueError):
    """A row the importer cannot accept, located by file, line and field."""

    def __init__(self, path: Path | str, line: int, field_name: str | None, message: str) -> None:
        where = f"{Path(path).name}, line {line}" + (
            f", field {field_name!r}" if field_name else ""
        )
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line
        self.field = field_name
        self.reason = message


@dataclass
class Summary:
    """What an import did; printed at the end of every `flask data` command."""

    name: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    rejected: int = 0
    started: float = field(default_factory=time.monotonic)
    notes: dict[str, int] = field(default_factory=dict)
    finished: float | None = None
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step, if timed

    def finish(self) -> Summary:
        self.finished = time.monotonic()
        return self

    @property
    def seconds(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    def line(self) -> str:
        extra = "".join(f", {k.replace('_', ' ')} {v}" for k, v in self.notes.items())
        return (
            f"{self.name}: read {self.read}, inserted {self.inserted}, updated {self.updated}, "
            f"rejected {self.rejected}{extra}, {self.seconds:.1f} s{self._phases()}"
        )

    def _phases(self) -> str:
        if not self.phases:
            return ""
        return " (" + ", ".join(f"{k} {v:.1f} s" for k, v in self.phases.items()) + ")"


def read_rows(
    path: Path, delimiter: str, required: tuple[str, ...] = (), progress: bool = False
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with surrounding blanks stripped; check the header first.

    With `progress`, a bar counts the rows (sized by a cheap scan of the file first).
    """
    rows = _rows(path, delimiter, required)
    if progress:
        rows = tqdm(rows, total=count_lines(path), desc=path.name, unit=" rows", leave=False)
    yield from rows


def _rows(
    path: Path, delimiter: str, required: tuple[str, ...]
) -> Iterator[tuple[int, dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = reader.fieldnames or []
        missing = [name for name in required if name not in header]
        if missing:
            raise RowError(
                path, 1, missing[0], f"missing column (header is {delimiter.join(header)})"
            )
        for row in reader:
            line = reader.line_num
            if None in row or any(value is None for value in row.values()):
                raise RowError(
                    path, line, None, f"expected {len(header)} fields separated by {delimiter!r}"
                )
            yield line, {key: value.strip() for key, value in row.items()}


def count_lines(path: Path) -> int:
    """Rows after the header, for progress bars (a cheap byte scan)."""
    with open(path, "rb") as handle:
        return max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")) - 1, 0
        )
