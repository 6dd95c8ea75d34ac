"""`flask scores compute|report` on the Metz companies with a synthetic history."""

import datetime as dt
import json
import logging
import re
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Company, CompanyJobScore, Hire, JobTension, RomeNafHiring, ScoreRun
from server.scoring.formula import Anchors, score
from server.signals import companies_changed

GENERATE = ["data", "generate-hires", "--end-month", "2026-10", "--seed", "5"]


def invoke(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


def company_scores(app):
    with app.app_context():
        return dict(db.session.execute(select(Company.siret, Company.score)).all())


def job_rows(app):
    with app.app_context():
        return db.session.execute(
            select(CompanyJobScore.siret, CompanyJobScore.rome_code, CompanyJobScore.score)
        ).all()


def test_compute_publishes_on_metz(metz_app):
    hooks = []

    def listen(sender) -> None:
        hooks.append("ran")

    companies_changed.connect(listen, sender=metz_app)
    assert invoke(metz_app, *GENERATE).exit_code == 0
    result = invoke(metz_app, "scores", "compute")
    assert result.exit_code == 0, result.output
    assert "FAIL" not in result.output and "SYNTHETIC" in result.output
    assert hooks == ["ran"]  # the search index refresh runs after publishing

    with metz_app.app_context():
        run = db.session.scalars(select(ScoreRun)).one()
        assert run.published and not run.forced and run.synthetic_history
        companies = db.session.scalars(select(Company)).all()
        assert all(c.score is not None and c.model_version == run.model_version for c in companies)
        sources = {c.score_source for c in companies}
        assert sources <= {"model", "baseline", "fallback"} and "fallback" in sources
        listed = [c for c in companies if c.score >= 50]
        assert len(listed) >= 100
        assert all(2.5 <= c.stars <= 5 and c.trend in ("up", "flat", "down") for c in companies)
        assert {c.predicted_band for c in listed} - {"0"}  # listed companies expect hires

        # The explanation's last 12 months are the stored hires of Nov 2025 – Oct 2026.
        busiest = max(companies, key=lambda c: c.hires_last_12m)
        stored = db.session.scalar(
            select(func.sum(Hire.count)).where(
                Hire.siret == busiest.siret, Hire.month >= dt.date(2025, 11, 1)
            )
        )
        assert busiest.hires_last_12m == stored > 0

        # Per-job rows: listed companies with an activity only, each above its job's threshold.
        by_siret = {c.siret: c for c in companies}
        rows = db.session.scalars(select(CompanyJobScore)).all()
        assert rows and all(r.model_version == run.model_version for r in rows)
        tension = dict(
            db.session.execute(select(JobTension.rome_code, JobTension.tension_pct)).all()
        )
        for r in rows:
            company = by_siret[r.siret]
            assert company.score >= 50 and company.naf_code is not None
            limit = (
                20 if r.rome_code not in tension else 5 + 15 * (100 - tension[r.rome_code]) / 100
            )
            assert r.score >= min(20, limit) - 1e-6
        # One row recomputed by hand: score(predicted hires × affinity).
        r = rows[0]
        naf = by_siret[r.siret].naf_code
        hirings = dict(
            db.session.execute(
                select(RomeNafHiring.rome_code, RomeNafHiring.hirings).where(
                    RomeNafHiring.naf_code == naf
                )
            ).all()
        )
        anchors = Anchors(*run.metrics["anchors"].values())
        affinity = hirings[r.rome_code] / sum(hirings.values())
        expected = score(np.array([by_siret[r.siret].predicted_hires * affinity]), anchors)[0]
        assert r.score == pytest.approx(expected, abs=0.05)

    report = json.loads(Path(run.report_json).read_text())
    assert report["synthetic_history"] and "SYNTHETIC" in report["note"]
    assert report["windows"]["semester_lags"] == 5 and report["fallback_companies"] > 0
    for name in ("baseline", "model"):
        assert {"rmse", "mean_poisson_deviance", "capture_top_10", "capture_top_20"} <= set(
            report["metrics"][name]
        )
    assert Path(run.report_png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(run.report_json).parent == Path(metz_app.instance_path) / "reports"

    shown = invoke(metz_app, "scores", "report")
    assert shown.exit_code == 0 and run.model_version in shown.output
    assert "SYNTHETIC" in shown.output and "top 20 %" in shown.output


def test_failed_check_keeps_previous_scores_and_force_overrides(metz_app, caplog):
    assert invoke(metz_app, *GENERATE).exit_code == 0
    assert invoke(metz_app, "scores", "compute").exit_code == 0
    before, before_jobs = company_scores(metz_app), job_rows(metz_app)

    # Anchors far above every prediction: almost nobody would be listed.
    failed = invoke(metz_app, "scores", "compute", "--anchors", "200,300,400,500")
    assert failed.exit_code == 1
    assert re.search(r"FAIL companies with score ≥ 50: \d ≥ 100 \(9\d short\)", failed.output)
    assert "FAIL change in companies with score ≥ 50" in failed.output
    assert "over the limit" in failed.output and "ok   test MSE" in failed.output
    assert "previous scores kept" in failed.output
    assert company_scores(metz_app) == before and job_rows(metz_app) == before_jobs
    with metz_app.app_context():
        last = db.session.scalars(select(ScoreRun).order_by(ScoreRun.id.desc())).first()
        assert not last.published
        assert {c["name"] for c in last.checks if not c["passed"]} == {
            "listed_companies",
            "listed_change",
        }

    with caplog.at_level(logging.WARNING, logger="server.scoring.cli"):
        forced = invoke(metz_app, "scores", "compute", "--force", "--anchors", "200,300,400,500")
    assert forced.exit_code == 0 and "(FORCED)" in forced.output
    assert any("--force" in r.getMessage() for r in caplog.records)
    after = company_scores(metz_app)
    assert sum(s >= 50 for s in after.values()) < 10 and after != before
    with metz_app.app_context():
        last = db.session.scalars(select(ScoreRun).order_by(ScoreRun.id.desc())).first()
        assert last.published and last.forced


def test_compute_needs_a_history(metz_app):
    result = invoke(metz_app, "scores", "compute")
    assert result.exit_code == 1 and "generate-hires" in result.output
    assert invoke(metz_app, "scores", "report").exit_code == 1


def test_bad_anchors_name_the_option(metz_app):
    result = invoke(metz_app, "scores", "compute", "--anchors", "3,2,1")
    assert result.exit_code == 2 and "--anchors" in result.output
