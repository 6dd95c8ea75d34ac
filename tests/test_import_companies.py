"""`flask data load-companies`: both layouts, validation, rejects, upserts."""

import csv

import pytest
from sqlalchemy import func, select

from server.data.validation import in_france, siret
from server.extensions import db
from server.models import Company
from tests.conftest import METZ_FILE

NATIVE_HEADER = (
    "siret,name,sign,naf,headcount,street_number,street,postcode,commune,latitude,longitude,"
    "email,phone,website,flag_junior,flag_senior,flag_handicap"
)
GOOD = "73282932000074,ACME,Acme Metz,4711D,12,3,RUE SERPENOISE,57000,57463,49.1167,6.1756,rh@acme.example,0387000000,https://acme.example,1,0,1"


def write(tmp_path, *rows, header=NATIVE_HEADER, name="companies.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_metz_file_loads_completely(metz_app):
    with metz_app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Company)) == 17091
        placed = db.session.scalars(select(Company).where(Company.geocoded_from_commune)).all()
        assert len(placed) == 221
        assert all(c.latitude != 0 and in_france(c.latitude, c.longitude) for c in placed)
        la_poste = db.session.get(Company, "35600000022499")
        assert la_poste is not None  # La Poste's documented Luhn exception
        shoes = db.session.get(Company, "01625043300220")
        assert (shoes.name, shoes.sign, shoes.naf_code) == ("CHAUSSURES CENDRY", "GEP", "4772A")
        assert shoes.longitude == pytest.approx(6.17528) and shoes.latitude == pytest.approx(
            49.1187
        )
        assert shoes.flag_junior and shoes.flag_handicap and not shoes.flag_senior


def test_summary_and_rerun(runner, tmp_path):
    path = write(tmp_path, GOOD)
    first = runner.invoke(args=["data", "load-companies", str(path)])
    assert first.exit_code == 0, first.output
    assert "read 1, inserted 1, updated 0, rejected 0" in first.output
    second = runner.invoke(args=["data", "load-companies", str(path)])
    assert "read 1, inserted 0, updated 1, rejected 0" in second.output


@pytest.mark.parametrize(
    ("bad", "field", "reason"),
    [
        (GOOD.replace("73282932000074", "73282932000075"), "siret", "invalid Luhn key"),
        (GOOD.replace("73282932000074", "7328293200007"), "siret", "14 digits"),
        (GOOD.replace("4711D", "47.1X"), "naf", "look like 4711D"),
        (GOOD.replace("4711D", "9999Z"), "naf", "unknown NAF code"),
        (GOOD.replace("57463", "57999"), "commune", "unknown commune"),
        (GOOD.replace("49.1167,6.1756", "40.7,-74.0"), "latitude", "outside France"),
        (GOOD.replace("49.1167,6.1756", "north,6.1756"), "latitude", "must be a number"),
        (GOOD.replace(",1,0,1", ",1,0,maybe"), "flag_handicap", "0 or 1"),
    ],
)
def test_bad_rows_fail_the_whole_file(runner, app, tmp_path, bad, field, reason):
    path = write(tmp_path, GOOD.replace("73282932000074", "55208131766522"), bad)
    result = runner.invoke(args=["data", "load-companies", str(path)])
    assert result.exit_code != 0
    assert f"companies.csv, line 3, field '{field}'" in result.output
    assert reason in result.output
    with app.app_context():  # the good first row was not kept either
        assert db.session.scalar(select(func.count()).select_from(Company)) == 0


def test_skip_invalid_writes_rejects(runner, app, tmp_path):
    bad = GOOD.replace("73282932000074", "73282932000075")
    path = write(tmp_path, GOOD, bad)
    rejects = tmp_path / "rejects.csv"
    result = runner.invoke(
        args=["data", "load-companies", str(path), "--skip-invalid", "--rejects", str(rejects)]
    )
    assert result.exit_code == 0, result.output
    assert "read 2, inserted 1, updated 0, rejected 1" in result.output
    rows = list(csv.DictReader(rejects.open(encoding="utf-8")))
    assert rows == [{"line": "3", "field": "siret", "reason": rows[0]["reason"], "row": bad}]
    assert "Luhn" in rows[0]["reason"]


def test_zero_coordinates_take_the_commune_centre(runner, app, tmp_path):
    path = write(tmp_path, GOOD.replace("49.1167,6.1756", "0,0"))
    result = runner.invoke(args=["data", "load-companies", str(path)])
    assert "placed at commune centre 1" in result.output
    with app.app_context():
        company = db.session.get(Company, "73282932000074")
        assert company.geocoded_from_commune
        assert company.latitude == pytest.approx(49.11, abs=0.05)


def test_unknown_layout_is_refused(runner, tmp_path):
    path = write(tmp_path, "1,2", header="a,b")
    result = runner.invoke(args=["data", "load-companies", str(path)])
    assert result.exit_code != 0
    assert "companies.csv, line 1: unknown layout" in result.output


def test_lbb_layout_header_is_detected():
    from server.data.companies import detect_layout

    header = METZ_FILE.read_text(encoding="utf-8").split("\n", 1)[0].split(",")
    assert detect_layout(METZ_FILE, header) == "labonneboite"


def test_siret_rules():
    assert siret("732 829 320 00074") == "73282932000074"
    with pytest.raises(ValueError, match="La Poste"):
        siret("35600000022498")


def test_work_trials_and_social_network_are_optional_columns(runner, app, tmp_path):
    header = NATIVE_HEADER + ",flag_pmsmp,social_network"
    path = write(tmp_path, GOOD + ",1,https://social.example/acme", header=header)
    assert runner.invoke(args=["data", "load-companies", str(path)]).exit_code == 0
    without = write(tmp_path, GOOD.replace("73282932000074", "55208131766522"), name="b.csv")
    assert runner.invoke(args=["data", "load-companies", str(without)]).exit_code == 0
    with app.app_context():
        acme = db.session.get(Company, "73282932000074")
        assert acme.flag_pmsmp and acme.social_network == "https://social.example/acme"
        other = db.session.get(Company, "55208131766522")
        assert not other.flag_pmsmp and other.social_network is None
    bad = write(tmp_path, GOOD + ",yes please,", header=header, name="c.csv")
    result = runner.invoke(args=["data", "load-companies", str(bad)])
    assert result.exit_code != 0 and "field 'flag_pmsmp'" in result.output
