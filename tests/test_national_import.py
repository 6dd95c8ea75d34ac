"""National company files: INSEE's layout, streaming in checkpointed chunks, resuming after
a `kill -9`, rejects with their line numbers (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import csv
import time

import pytest
from sqlalchemy import func, select, text

from bench.company_file import generate
from server.extensions import db
from server.models import Company, CompanyLoad, CompanyLoadReject, CompanyStaging
from tests.process_support import flask_process, kill_hard

ROWS = 30_000
CHUNK = 500


@pytest.fixture
def app_settings() -> dict:
    return {"COMPANY_LOAD_CHUNK_ROWS": CHUNK, "SEARCH_REINDEX_AFTER_IMPORT": False}


@pytest.fixture(scope="module")
def national_file(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("national") / "national.csv", ROWS, seed=3)


def companies(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.execute(select(*Company.__table__.columns).order_by(Company.siret)).all()
        db.session.remove()
    return [tuple(row) for row in rows]


def counts(app) -> tuple[int, int, int]:
    with app.app_context():
        staged = db.session.scalar(select(func.count()).select_from(CompanyStaging))
        done = db.session.scalar(select(func.count()).select_from(Company))
        load = db.session.scalar(select(CompanyLoad.line))
        db.session.remove()
    return staged, done, load or 0


def test_killed_load_resumes_and_equals_a_clean_load(app, runner, national_file, tmp_path):
    load = flask_process(
        app,
        tmp_path / "instance",
        *("data", "load-companies", str(national_file), "--skip-invalid"),
        COMPANY_LOAD_CHUNK_ROWS=CHUNK,
        SEARCH_REINDEX_AFTER_IMPORT="false",
    )
    deadline = time.monotonic() + 300
    while counts(app)[0] < 4 * CHUNK:  # a few chunks committed…
        assert load.poll() is None, "the load ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    kill_hard(load)  # …then killed mid-file, as a crash would
    staged, done, line = counts(app)
    assert staged >= 4 * CHUNK and done == 0 and 1 < line < ROWS
    rejects = tmp_path / "resumed.csv"
    resumed = runner.invoke(
        args=["data", "load-companies", str(national_file), "--skip-invalid", "--rejects", rejects]
    )
    assert resumed.exit_code == 0, resumed.output
    assert f"read {ROWS}, inserted" in resumed.output
    assert counts(app)[:2] == (0, len(companies(app)))
    after_resume = companies(app)
    with app.app_context():
        db.session.execute(text("DELETE FROM company"))
        db.session.commit()
        db.session.remove()
    clean_rejects = tmp_path / "clean.csv"
    clean = runner.invoke(
        args=["data", "load-companies", str(national_file), "--skip-invalid"]
        + ["--rejects", str(clean_rejects)]
    )
    assert clean.exit_code == 0, clean.output
    assert companies(app) == after_resume and len(after_resume) > ROWS * 0.98
    assert rejects.read_text() == clean_rejects.read_text()
    summary = lambda out: out.split("companies (labonneboite layout): ")[1].split(", 0.")[0]  # noqa: E731
    assert (
        summary(resumed.output).split(", placed")[0] == summary(clean.output).split(", placed")[0]
    )


def test_rejects_carry_their_line_numbers(app, runner, tmp_path, national_file):
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        args=["data", "load-companies", str(national_file), "--skip-invalid"]
        + ["--rejects", str(rejects)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert rows and [int(r["line"]) for r in rows] == sorted(int(r["line"]) for r in rows)
    with open(national_file, encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    for reject in rows:  # each names the file's line it came from
        assert lines[int(reject["line"]) - 1] == reject["row"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CompanyLoadReject)) == 0
        assert db.session.scalar(select(func.count()).select_from(CompanyLoad)) == 0


def test_a_different_file_starts_over(app, runner, tmp_path, national_file):
    """A checkpoint only resumes the file it was made for."""
    with app.app_context():
        db.session.add(
            CompanyLoad(
                file_name="other.csv",
                fingerprint="1:other",
                layout="labonneboite",
                byte_offset=10_000,
                line=500,
                read=499,
                staged=0,
                rejected=0,
                notes={},
                started_at=db.func.now(),
            )
        )
        db.session.commit()
    result = runner.invoke(args=["data", "load-companies", str(national_file), "--skip-invalid"])
    assert f"read {ROWS}," in result.output


def test_bad_row_without_skip_invalid_keeps_nothing_staged(app, runner, tmp_path):
    header = "siret,name,naf,commune,latitude,longitude"
    good = "73282932000074,ACME,4711D,57463,49.1167,6.1756"
    body = [good.replace("ACME", f"ACME {i}") for i in range(CHUNK * 3)]
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([header, *body, "73282932000075,X,4711D,57463,49.1,6.1"]) + "\n")
    result = runner.invoke(args=["data", "load-companies", str(path)])
    assert result.exit_code != 0
    assert f"bad.csv, line {CHUNK * 3 + 2}, field 'siret'" in result.output
    assert counts(app) == (0, 0, 0)


def test_sirene_layout(app, runner, tmp_path):
    path = generate(tmp_path / "sirene.csv", 2000, seed=5, layout="sirene")
    result = runner.invoke(args=["data", "load-companies", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "companies (sirene layout): read 2000" in result.output
    assert "closed establishments skipped" in result.output
    with open(path, encoding="utf-8") as handle:
        first = next(
            r for r in csv.DictReader(handle) if r["etatAdministratifEtablissement"] == "A"
        )
    with app.app_context():
        company = db.session.get(Company, first["siret"])
        assert company.naf_code == first["activitePrincipaleEtablissement"].replace(".", "")
        assert company.name == first["denominationUsuelleEtablissement"]
        assert company.street.startswith(first["typeVoieEtablissement"])
        assert company.commune_code == first["codeCommuneEtablissement"]
