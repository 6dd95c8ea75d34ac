"""Figures per platform and month (stats module, `flask applications stats`, /admin/stats)
and the answers export, checked against the values computed by hand in admin_support."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from server.applications import stats
from tests.admin_support import SIRET_A, admin_client, stats_world

NB = "\u00a0"
NNB = "\u202f"


@pytest.fixture
def world(app):
    with app.app_context():
        return stats_world()


def _by_key(rows):
    return {(r.platform, r.month): r for r in rows}


def test_figures_match_the_hand_computed_ones(app, world):
    with app.app_context():
        rows = _by_key(stats.compute())
        total = stats.totals(rows.values(), "Total")
    assert list(rows) == [("Alpha", "2027-01"), ("Alpha", "2027-02"), ("Beta", "2027-01")]
    jan = rows["Alpha", "2027-01"]
    assert (jan.started, jan.sent, jan.candidates, jan.companies, jan.answered) == (5, 3, 2, 2, 2)
    assert jan.answers == {"interview": 1, "information": 0, "rejection": 1, "hired": 1}
    assert jan.answer_rate == pytest.approx(2 / 3) and jan.median_delay == 27 * 3600
    feb = rows["Alpha", "2027-02"]  # made 31 January 23:30 UTC: February in Paris
    assert (feb.started, feb.sent, feb.answered, feb.answers["information"]) == (2, 1, 1, 1)
    assert feb.median_delay == 96 * 3600 and feb.answer_rate == 1
    beta = rows["Beta", "2027-01"]
    assert (beta.started, beta.sent, beta.answers["interview"]) == (1, 1, 1)
    assert beta.median_delay == 1.5 * 3600
    assert (total.started, total.sent, total.candidates, total.companies) == (8, 5, 3, 2)
    assert total.answers == {"interview": 2, "information": 1, "rejection": 1, "hired": 1}
    assert total.answer_rate == pytest.approx(0.8) and total.median_delay == 27 * 3600
    fr = stats.cells(jan, "fr")
    assert fr["month"] == "janvier 2027" and fr["answer_rate"] == f"66,7{NB}%"
    assert fr["median_delay"] == f"27{NNB}h" and stats.cells(feb, "fr")["median_delay"] == (
        f"4{NNB}j"
    )
    assert stats.cells(jan, "en")["answer_rate"] == "66.7%"


def test_filters_by_platform_and_month(app, world):
    with app.app_context():
        feb = stats.compute(since=dt.date(2027, 2, 1), until=dt.date(2027, 3, 1))
        assert [(r.platform, r.month, r.started, r.sent) for r in feb] == [
            ("Alpha", "2027-02", 2, 1)
        ]
        beta_id = stats.compute()[-1]
        assert beta_id.platform == "Beta"


def test_cli_prints_an_aligned_french_table(app, runner, world):
    result = runner.invoke(args=["applications", "stats"])
    assert result.exit_code == 0, result.output
    lines = result.output.rstrip("\n").split("\n")
    assert len({len(line) for line in lines}) == 1  # every column aligned, figures right
    header, jan, feb, beta, total = lines
    assert header.split("  ")[0].strip() == "Plateforme"
    for heading in ("Commencées", "Envoyées", "Taux de réponse", "Délai médian de réponse"):
        assert heading in header
    cells = [re.split(r" {2,}", line.strip()) for line in lines]
    # Platform, month, started, sent, candidates, companies, answered, interview,
    # information, rejection, hired, rate, median delay.
    assert cells[1] == ["Alpha", "janvier 2027", "5", "3", "2", "2", "2", "1", "0", "1", "1"] + [
        f"66,7{NB}%",
        f"27{NNB}h",
    ]
    assert cells[2][-2:] == [f"100,0{NB}%", f"4{NNB}j"]
    assert cells[3][-2:] == [f"100,0{NB}%", f"1,5{NNB}h"]
    assert cells[4] == ["Total", "8", "5", "3", "2", "4", "2", "1", "1", "1", f"80,0{NB}%"] + [
        f"27{NNB}h"
    ]
    # Each figure sits under its heading's right edge.
    end = header.index("Envoyées") + len("Envoyées")
    assert jan[end - 1] == "3" and total[end - 1] == "5"


def test_cli_options(app, runner, world):
    one = runner.invoke(args=["applications", "stats", "--platform", world["beta"]])
    assert one.exit_code == 0 and "Beta" in one.output and "Alpha" not in one.output
    assert "Total" not in one.output  # one row: nothing to add up
    month = runner.invoke(args=["applications", "stats", "--month", "2027-02"])
    assert month.exit_code == 0 and "février 2027" in month.output
    assert "janvier" not in month.output
    since = runner.invoke(args=["applications", "stats", "--since", "2027-02"])
    assert since.output == month.output
    english = runner.invoke(args=["applications", "stats", "--lang", "en"])
    assert "Answer rate" in english.output and "66.7%" in english.output
    bad = runner.invoke(args=["applications", "stats", "--month", "2027-13"])
    assert bad.exit_code == 2 and "--month" in bad.output
    both = runner.invoke(args=["applications", "stats", "--month", "2027-01", "--since", "2027-01"])
    assert both.exit_code == 2
    unknown = runner.invoke(args=["applications", "stats", "--platform", "spc_nope"])
    assert unknown.exit_code == 2 and "--platform" in unknown.output


def test_stats_page_table_and_chart(app, runner, world):
    admin = admin_client(app, runner)
    page = admin.get("/admin/stats?since=2027-01&until=2027-02")
    assert page.status_code == 200
    text = page.text
    assert "Statistiques par plateforme et par mois" in text
    assert f"66,7{NB}%" in text and f"27{NNB}h" in text and f"80,0{NB}%" in text
    assert text.count("<rect ") == 2 * 3  # two months, three series
    assert "janvier 2027, Commencées" in text and "<title>" in text  # each bar worded
    assert "<script" not in text
    csp = page.headers["Content-Security-Policy"]
    assert "script-src" not in csp and "default-src 'none'" in csp
    beta = admin.get(f"/admin/stats?since=2027-01&until=2027-02&platform={_beta_id(app)}")
    assert "Alpha" not in beta.text.split('id="stats"')[1]
    bad = admin.get("/admin/stats?since=2027-13")
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    assert "Un mois tel que 2027-03 est attendu." in bad.text


def _beta_id(app) -> int:
    from server.extensions import db
    from server.models import Platform

    with app.app_context():
        return db.session.scalar(db.select(Platform.id).where(Platform.name == "Beta"))


def test_answers_export_columns(app, runner, world, tmp_path):
    out = tmp_path / "answers.csv"
    result = runner.invoke(args=["answers", "dump", world["alpha"], str(out)])
    assert result.exit_code == 0 and "4 answer(s)" in result.output
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and "Léa".encode() in raw  # UTF-8, no BOM
    rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert list(rows[0]) == [
        "application_id",
        "applied_at",
        "platform",
        "company_name",
        "company_email",
        "siret",
        "candidate_first_name",
        "candidate_last_name",
        "candidate_email",
        "candidate_phone",
        "rome",
        "job_label",
        "answered_at",
        "action",
        "delay_hours",
        "reason",
        "interview_date",
        "interview_time",
        "interview_mode",
    ]
    first = rows[0]
    assert first["platform"] == "Alpha" and first["company_name"] == "BOULANGERIE DUPONT"
    assert first["siret"] == SIRET_A and first["rome"] == "D1102"
    assert first["job_label"].startswith("Boulangerie") and first["candidate_first_name"] == "Léa"
    assert first["applied_at"] == "2027-01-10T10:00:00+01:00"  # Paris time
    assert first["answered_at"] == "2027-01-10T16:00:00+01:00"
    assert (first["action"], first["delay_hours"], first["interview_mode"]) == (
        "interview",
        "6.0",
        "phone",
    )
    assert [(r["action"], r["delay_hours"]) for r in rows] == [
        ("interview", "6.0"),
        ("rejection", "48.0"),
        ("hired", "360.0"),
        ("information", "96.0"),
    ]
    assert rows[1]["reason"] == "no_vacancy"
