"""The rejects CSV written by `--skip-invalid`: each bad row with where and why."""

from __future__ import annotations

import csv
from pathlib import Path

from server.data.reader import RowError


class Rejects:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.rows: list[dict[str, str]] = []

    def add(self, error: RowError, raw: dict[str, str]) -> None:
        self.rows.append(
            {
                "line": str(error.line),
                "field": error.field or "",
                "reason": error.reason,
                "row": ",".join(raw.values()),
            }
        )

    def write(self) -> Path | None:
        if not self.rows:
            return None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=["line", "field", "reason", "row"])
            writer.writeheader()
            writer.writerows(self.rows)
        return self.path
