"""`flask data load-hires`: CDI and CDD over 31 days count as hires, apprenticeship and
professionalisation contracts as apprenticeships; reloads replace."""

from sqlalchemy import select

from server.extensions import db
from server.models import Hire

HEADER = "siret,hiring_date,contract_type,contract_duration_days"
COMPANIES = (
    "siret,name,sign,naf,headcount,street_number,street,postcode,commune,latitude,longitude,"
    "email,phone,website,flag_junior,flag_senior,flag_handicap\n"
    "73282932000074,ACME,,4711D,12,,,57000,57463,49.1167,6.1756,,,,0,0,0\n"
)


def setup_company(runner, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(COMPANIES, encoding="utf-8")
    assert runner.invoke(args=["data", "load-companies", str(path)]).exit_code == 0


def hires_file(tmp_path, *rows):
    path = tmp_path / "hires.csv"
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def cells(app):
    with app.app_context():
        return {
            (h.month.isoformat(), h.contract_type): h.count
            for h in db.session.scalars(select(Hire))
        }


def test_counting_rules_and_reload(runner, app, tmp_path):
    setup_company(runner, tmp_path)
    path = hires_file(
        tmp_path,
        "73282932000074,2024-03-04,CDI,",
        "73282932000074,2024-03-20,CDI,",
        "73282932000074,2024-03-21,CDD,32",
        "73282932000074,2024-03-22,CDD,31",  # not over 31 days: not a hire
        "73282932000074,2024-04-01,CTT,5",  # temping: not a hire
    )
    result = runner.invoke(args=["data", "load-hires", str(path)])
    assert result.exit_code == 0, result.output
    assert "read 5" in result.output and "not counted (short CDD, temping) 2" in result.output
    assert cells(app) == {("2024-03-01", "CDI"): 2, ("2024-03-01", "CDD"): 1}
    again = runner.invoke(args=["data", "load-hires", str(path)])
    assert "inserted 0, updated 2" in again.output
    assert cells(app) == {("2024-03-01", "CDI"): 2, ("2024-03-01", "CDD"): 1}


def test_apprenticeship_contracts_are_kept_whatever_their_length(runner, app, tmp_path):
    setup_company(runner, tmp_path)
    path = hires_file(
        tmp_path,
        "73282932000074,2024-09-02,APR,730",
        "73282932000074,2024-09-16,apr,",
        "73282932000074,2024-10-01,CP,20",
        "73282932000074,2024-10-03,CDI,",
    )
    result = runner.invoke(args=["data", "load-hires", str(path)])
    assert result.exit_code == 0, result.output
    assert cells(app) == {
        ("2024-09-01", "APR"): 2,
        ("2024-10-01", "CP"): 1,
        ("2024-10-01", "CDI"): 1,
    }


def test_errors_name_the_field(runner, app, tmp_path):
    setup_company(runner, tmp_path)
    for row, field in [
        ("73282932000074,2024-13-01,CDI,", "hiring_date"),
        ("73282932000074,2024-03-01,CDD,", "contract_duration_days"),
        ("73282932000074,2024-03-01,STAGE,", "contract_type"),
        ("55208131766522,2024-03-01,CDI,", "siret"),
    ]:
        path = hires_file(tmp_path, "73282932000074,2024-03-04,CDI,", row)
        result = runner.invoke(args=["data", "load-hires", str(path)])
        assert result.exit_code != 0
        assert f"hires.csv, line 3, field '{field}'" in result.output
    assert cells(app) == {}


def test_real_hires_do_not_mix_with_a_synthetic_history(runner, app, tmp_path):
    setup_company(runner, tmp_path)
    generated = runner.invoke(args=["data", "generate-hires", "--seed", "1"])
    assert generated.exit_code == 0, generated.output
    path = hires_file(tmp_path, "73282932000074,2024-03-04,CDI,")
    refused = runner.invoke(args=["data", "load-hires", str(path)])
    assert refused.exit_code != 0 and "--replace-synthetic" in refused.output
    assert len(cells(app)) > 1  # the synthetic history is untouched
    replaced = runner.invoke(args=["data", "load-hires", str(path), "--replace-synthetic"])
    assert replaced.exit_code == 0, replaced.output
    assert cells(app) == {("2024-03-01", "CDI"): 1}
