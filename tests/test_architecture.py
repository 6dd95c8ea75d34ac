"""Architecture as code: the import-linter contracts of pyproject.toml hold, and would catch
a circle brought back."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_reintroduced_circle_breaks_them(tmp_path):
    for name in ("server", "emails"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    # Delivery composing with the answers package: answers → delivery → answers.
    compose = tmp_path / "server" / "delivery" / "compose.py"
    compose.write_text(compose.read_text() + "\nfrom server.answers import quick_answers  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode == 1
    assert "server.delivery is not allowed to import server.answers" in result.stdout


def test_no_module_imports_another_through_importlib():
    offenders = [
        str(path.relative_to(ROOT))
        for package in ("server", "emails")
        for path in (ROOT / package).rglob("*.py")
        if "importlib" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_modules_stay_small():
    sizes = {
        str(path.relative_to(ROOT)): len(path.read_text(encoding="utf-8").splitlines())
        for package in ("server", "emails")
        for path in (ROOT / package).rglob("*.py")
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}
