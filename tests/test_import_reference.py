"""`flask data load-reference` on the real files, and on broken copies of them."""

import shutil

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import (
    Commune,
    CommunePostcode,
    ContactMode,
    HeadcountBracket,
    JobTension,
    Naf,
    Ogr,
    RelatedJob,
    Rome,
    RomeNafHiring,
    RomeTreeNode,
)
from tests.conftest import DATA_DIR


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_every_table_is_loaded(app):
    # The app fixture's template ran `flask data load-reference` on ../shared/data.
    with app.app_context():
        assert count(Rome) == 532
        assert count(Ogr) == 11118
        assert count(Naf) == 732
        assert count(RomeNafHiring) == 5071
        assert count(HeadcountBracket) == 15
        # 2 rows of the file recommend nothing, 1 is malformed (see the next test)
        assert count(ContactMode) == 1285
        assert count(RelatedJob) == 60206
        assert count(RomeTreeNode) == 14 + 110
        assert db.session.get(Ogr, "10200").rome_code == "F1402"
        assert db.session.get(Naf, "4772A").section_code == "G"
        assert db.session.get(HeadcountBracket, "32").size_class == "ETI"
        # Tension keeps the highest figure of the job families mapped to a ROME.
        assert 0 < db.session.get(JobTension, "A1101").tension_pct <= 100
        metz = db.session.get(Commune, "57463")
        assert metz.name == "METZ" and metz.department == "57"
        assert metz.latitude == pytest.approx(49.11, abs=0.05)
        paris_1 = db.session.get(Commune, "75101")
        assert paris_1.parent_code == "75056" and paris_1.population > 0
        assert db.session.get(Commune, "97411").department == "974"
        assert (
            db.session.scalar(
                select(CommunePostcode.commune_code).where(CommunePostcode.postcode == "57000")
            )
            == "57463"
        )


def test_the_shipped_malformed_row_is_reported_then_skipped(runner, app, tmp_path):
    strict = runner.invoke(args=["data", "load-reference"])
    assert strict.exit_code != 0
    assert (
        "contact_modes.csv, line 995, field 'rome': ROME code must look like A1101, "
        "got 'K1401Conception'"
    ) in strict.output
    lenient = runner.invoke(
        args=["data", "load-reference", "--skip-invalid", "--rejects", str(tmp_path)]
    )
    assert lenient.exit_code == 0, lenient.output
    assert "contact_mode: read 1288, inserted 0, updated 1285, rejected 1" in lenient.output
    rejects = (tmp_path / "contact_modes.csv").read_text(encoding="utf-8")
    assert "995,rome," in rejects and "K1401Conception" in rejects


def test_reloading_updates_instead_of_duplicating(runner, app):
    result = runner.invoke(args=["data", "load-reference", "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "rome: read 532, inserted 0, updated 532" in result.output
    with app.app_context():
        assert count(Rome) == 532


@pytest.fixture
def broken_copy(tmp_path):
    folder = tmp_path / "data"
    shutil.copytree(DATA_DIR, folder)
    return folder


def test_a_malformed_file_names_file_line_and_field_and_keeps_nothing(runner, app, broken_copy):
    path = broken_copy / "rome_naf_mapping.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10].replace(lines[10].split(",")[0], "N9999", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (broken_copy / "rome_labels.csv").write_text(
        (DATA_DIR / "rome_labels.csv")
        .read_text(encoding="utf-8")
        .replace("Bûcheronnage", "Bûcheronnage réécrit"),
        encoding="utf-8",
    )
    result = runner.invoke(args=["data", "load-reference", str(broken_copy)])
    assert result.exit_code != 0
    assert "contact_modes.csv" not in result.output  # stopped at the first bad file
    assert (
        "rome_naf_mapping.csv, line 11, field 'rome_id': unknown ROME code 'N9999'" in result.output
    )
    with app.app_context():
        # The ROME labels read before the bad file were rolled back too.
        assert "réécrit" not in db.session.get(Rome, "A1201").label


def test_wrong_delimiter_is_reported(runner, broken_copy):
    path = broken_copy / "naf_labels.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("|", ";"), encoding="utf-8")
    result = runner.invoke(args=["data", "load-reference", str(broken_copy)])
    assert result.exit_code != 0
    assert "naf_labels.csv, line 1, field 'naf_id': missing column" in result.output


def test_missing_directory_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(args=["data", "load-reference", str(tmp_path / "nope")])
    assert result.exit_code != 0
    assert "does not exist" in result.output
