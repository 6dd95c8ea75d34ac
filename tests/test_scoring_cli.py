"""`flask scores compute|report` on the Metz companies with a synthetic history."""

import datetime as dt
import json
import logging
import re
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Company, CompanyJobScore, Hire, JobTension, RomeNafHiring, ScoreRun
from server.models.score import CompanyApprenticeshipJobScore, CompanyScoreDetail
from server.scoring.backtest import MODEL
from server.scoring.baselines import NAMES
from server.scoring.formula import ANCHORS, BANDS, CURRENT, score
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
    # The backtest table, every baseline included, with the published method marked.
    for name in NAMES.values():
        assert name in result.output
    assert re.search(r"\* published — (ours published|BASELINE published)", result.output)

    with metz_app.app_context():
        run = db.session.scalars(select(ScoreRun)).one()
        assert run.published and not run.forced and run.synthetic_history
        assert run.anchor_version == CURRENT["dpae"] and run.source in (MODEL, *NAMES)
        companies = db.session.scalars(select(Company)).all()
        assert all(c.score is not None and c.model_version == run.model_version for c in companies)
        assert {c.score_source for c in companies} == {run.source}
        # Hire counts are confidential: none is published, bands and codes are.
        assert all(c.hires_last_12m is None for c in companies)
        listed = [c for c in companies if c.score >= 50]
        assert len(listed) >= 100 and all(c.predicted_hires >= 1 for c in listed)  # S50 = 1
        assert all(2.5 <= c.stars <= 5 and c.trend in ("up", "flat", "down") for c in companies)
        details = {d.siret: d for d in db.session.scalars(select(CompanyScoreDetail))}
        assert set(details) == {c.siret for c in companies}
        codes = {code for _, code in BANDS} | {"100+"}
        assert {d.hiring_band for d in details.values()} <= codes
        assert {d.past_band for d in details.values()} <= codes
        assert all(details[c.siret].trend == c.trend for c in companies)
        # The trend is read off the forecast: up means more than the same months last year.
        same_months = dict(
            db.session.execute(
                select(Hire.siret, func.sum(Hire.count))
                .where(Hire.month.between(dt.date(2025, 11, 1), dt.date(2026, 4, 1)))
                .where(Hire.contract_type.in_(["CDI", "CDD"]))
                .group_by(Hire.siret)
            ).all()
        )
        for c in companies:
            if c.trend == "up":
                assert c.predicted_hires > same_months.get(c.siret, 0)
        # Apprenticeships: a forecast per company and per-job rows of their own.
        assert all(d.apprenticeship_score is not None for d in details.values())
        assert db.session.scalar(select(func.count()).select_from(CompanyApprenticeshipJobScore))

        # Per-job rows: listed companies with an activity only, each above its job's threshold
        # and for a job that makes enough of the sector's hires (or one of its top sectors).
        by_siret = {c.siret: c for c in companies}
        rows = db.session.scalars(select(CompanyJobScore)).all()
        assert rows and all(r.model_version == run.model_version for r in rows)
        tension = dict(
            db.session.execute(select(JobTension.rome_code, JobTension.tension_pct)).all()
        )
        # A sector making under 2 % of a job's hires is listed only as one of its 3 biggest.
        sectors = defaultdict(list)
        for rome, naf, n in db.session.execute(
            select(RomeNafHiring.rome_code, RomeNafHiring.naf_code, RomeNafHiring.hirings)
        ):
            sectors[rome].append((n, naf))
        biggest = {(rome, naf) for rome, ns in sectors.items() for _n, naf in sorted(ns)[-3:]}
        for r in rows:
            company = by_siret[r.siret]
            assert company.score >= 50 and company.naf_code is not None
            limit = (
                20 if r.rome_code not in tension else 5 + 15 * (100 - tension[r.rome_code]) / 100
            )
            assert r.score >= min(20, limit) - 1e-6
            assert 0 < r.affinity <= 1 and 0 < r.sector_share <= 1
            assert r.sector_share >= 0.02 or (r.rome_code, company.naf_code) in biggest
        # One row recomputed by hand: score(predicted hires × affinity).
        r = max(rows, key=lambda row: row.affinity)
        naf = by_siret[r.siret].naf_code
        hirings = dict(
            db.session.execute(
                select(RomeNafHiring.rome_code, RomeNafHiring.hirings).where(
                    RomeNafHiring.naf_code == naf
                )
            ).all()
        )
        affinity = hirings[r.rome_code] / sum(hirings.values())
        assert r.affinity == pytest.approx(affinity, abs=1e-5)
        anchors = ANCHORS[run.anchor_version]
        expected = score(np.array([by_siret[r.siret].predicted_hires * affinity]), anchors)[0]
        assert r.score == pytest.approx(expected, abs=0.05)

    report = json.loads(Path(run.report_json).read_text())
    assert report["synthetic_history"] and "SYNTHETIC" in report["note"]
    hires = report["hires"]
    assert hires["windows"]["test_origins_months_back"] == [6, 9, 12]
    assert set(hires["backtest"]) == {MODEL, *NAMES}
    for figures in hires["backtest"].values():
        assert set(figures["origins"]) == {"6", "9", "12"}
        low, high = figures["ci"]["capture_top_10"]
        assert low <= figures["mean"]["capture_top_10"] <= high
        for window in figures["origins"].values():
            assert len(window["calibration"]) == 10 and set(window["mae_by_size"]) == set(
                ["0-9", "10-49", "50-249", "250+"]
            )
    assert 0.7 <= hires["young_companies_forecast_over_actual"]["mean"] <= 1.3
    assert sum(hires["stars"]["all"].values()) == len(companies)
    assert report["apprenticeships"]["anchors"]["version"] == CURRENT["alternance"]
    assert Path(run.report_png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert Path(run.report_json).parent == Path(metz_app.instance_path) / "reports"

    shown = invoke(metz_app, "scores", "report")
    assert shown.exit_code == 0 and run.model_version in shown.output
    assert "SYNTHETIC" in shown.output and "top 20 % mean" in shown.output


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
        # Scores mean the same hires from run to run, so the drift checks see the change.
        assert {c["name"] for c in last.checks if not c["passed"]} == {
            "listed_companies",
            "listed_change",
            "mean_score_change",
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
