"""Versioned index snapshots under `instance/search/`, swapped atomically.

Each build writes a new folder `v<ns>/` (numpy `.npy` files and `meta.json`) under a
temporary name, renames it, then points `CURRENT` at it with an atomic `os.replace`. Readers
memory-map the arrays, so loading is instant and gunicorn workers share the pages; a
reader that still maps a removed older version keeps its pages until it moves on.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

KEEP_VERSIONS = 2


class Snapshots:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pointer = directory / "CURRENT"

    def current(self) -> str | None:
        try:
            return self.pointer.read_text().strip() or None
        except FileNotFoundError:
            return None

    def pointer_stamp(self) -> tuple[int, int] | None:
        """Cheap change detector: (mtime_ns, inode) of the pointer file."""
        try:
            stat = self.pointer.stat()
        except FileNotFoundError:
            return None
        return stat.st_mtime_ns, stat.st_ino

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One writer at a time across processes, so a read-modify-write loses nothing."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / "write.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def write(self, arrays: dict[str, np.ndarray], meta: dict) -> str:
        self.directory.mkdir(parents=True, exist_ok=True)
        version = f"v{time.time_ns()}"
        staging = self.directory / f".tmp-{uuid.uuid4().hex}"
        staging.mkdir()
        try:
            for name, array in arrays.items():
                np.save(staging / f"{name}.npy", np.ascontiguousarray(array))
            (staging / "meta.json").write_text(json.dumps({**meta, "version": version}))
            staging.rename(self.directory / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        temp_pointer = self.directory / f".CURRENT-{uuid.uuid4().hex}"
        temp_pointer.write_text(version)
        os.replace(temp_pointer, self.pointer)
        self._prune(version)
        return version

    def read(self, version: str) -> tuple[dict[str, np.ndarray], dict]:
        folder = self.directory / version
        meta = json.loads((folder / "meta.json").read_text())
        arrays = {path.stem: np.load(path, mmap_mode="r") for path in folder.glob("*.npy")}
        return arrays, meta

    def _prune(self, keep: str) -> None:
        versions = sorted(
            (p for p in self.directory.glob("v*") if p.is_dir()), key=lambda p: p.name
        )
        for old in versions[:-KEEP_VERSIONS]:
            if old.name != keep:
                shutil.rmtree(old, ignore_errors=True)
