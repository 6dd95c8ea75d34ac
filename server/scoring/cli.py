"""`flask scores compute|report`, and `flask data generate-hires` (the synthetic history)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click
import numpy as np
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.data.cli import cli as data_cli
from server.extensions import db
from server.models import ScoreRun
from server.scoring import report
from server.scoring.backtest import MODEL
from server.scoring.checks import drift_checks, forecast_checks, run_checks
from server.scoring.formula import CURRENT, Anchors
from server.scoring.history import NoHistory, load_history
from server.scoring.job_scores import Affinities, job_scores
from server.scoring.job_scores import summary as job_summary
from server.scoring.pipeline import Outcome, run
from server.scoring.publish import publish
from server.scoring.synthetic_store import generate, hires_exist, is_synthetic, last_complete_month

cli = AppGroup("scores", help="Hiring potential: train, check and publish scores.")
log = logging.getLogger(__name__)
MIN_APPRENTICESHIPS = 100  # apprenticeship contracts in the history needed to rank them
TAGS = {"model": "ours", "lbb_ols": "lbb", "glm": "glm", "last_12_months": "last12",
        "all_visible": "all"}  # fmt: skip
# What the run record keeps of each ranking (the report file has everything).
METRICS = ("backtest", "published_method", "decision", "young_companies_forecast_over_actual",
           "anchors", "stars", "listed_companies")  # fmt: skip


def _anchors(text: str | None):
    text = text or current_app.config.get("SCORE_ANCHORS") or ""
    if not text or text == "auto":
        return None
    try:
        return Anchors.parse(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--anchors / SCORE_ANCHORS") from None


def _ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def _ci(pair: list[float]) -> str:
    return f"[{pair[0]:.1%}–{pair[1]:.1%}]"


def backtest_table(section: dict) -> list[str]:
    """The backtest, as printed: top-10 % capture per test window, means with 95 % bootstrap
    intervals, Poisson deviance, and young companies (forecast / actual)."""
    table, backs = section["backtest"], list(next(iter(section["backtest"].values()))["origins"])
    windows = " ".join(f"{'−' + b + ' mo':>8}" for b in backs)
    lines = [
        "backtest: top-10 % capture per test window (months back), means with 95 % intervals",
        f"{'method':38} {windows}   {'top 10 % mean':24} {'top 20 % mean':24} {'deviance':>8}",
    ]
    for method, t in table.items():
        name = ("ours" if method == MODEL else t["name"]) + (
            " *" if method == section["published_method"] else ""
        )
        per = " ".join(f"{t['origins'][b]['capture_top_10']:8.1%}" for b in backs)
        m, ci = t["mean"], t["ci"]
        lines.append(
            f"{name:38} {per}   {m['capture_top_10']:6.1%} {_ci(ci['capture_top_10']):17} "
            f"{m['capture_top_20']:6.1%} {_ci(ci['capture_top_20']):17} "
            f"{m['poisson_deviance']:8.3f}"
        )
    ours = table[MODEL]["origins"]
    sizes = list(next(iter(ours.values()))["mae_by_size"])
    for method in dict.fromkeys([section["published_method"], MODEL, "lbb_ols"]):
        maes = [
            np.mean([o["mae_by_size"][k] or 0 for o in table[method]["origins"].values()])
            for k in sizes
        ]
        label = "ours" if method == MODEL else table[method]["name"]
        lines.append(
            f"MAE by headcount, {label}: "
            + ", ".join(f"{k}: {v:.2f}" for k, v in zip(sizes, maes, strict=True))
        )
    best = max((m for m in table if m != MODEL), key=lambda m: table[m]["mean"]["capture_top_10"])
    low, high = table[best]["ci_model_minus_this"]["capture_top_10"]
    gap = table[MODEL]["mean"]["capture_top_10"] - table[best]["mean"]["capture_top_10"]
    lines.append(
        f"ours − best baseline ({table[best]['name']}), top 10 %: {gap * 100:+.1f} points, "
        f"95 % interval [{low * 100:+.1f}, {high * 100:+.1f}]"
    )
    young = section["young_companies_forecast_over_actual"]
    per_window = ", ".join(f"{_ratio(young.get(b))} (−{b} mo)" for b in backs)
    lines.append(
        f"young companies (first hire within 12 months), forecast / actual: {per_window}; "
        f"mean {_ratio(young['mean'])}"
    )
    lines.append(f"* published — {section['decision']}")
    return lines


def _rank(companies, anchors, seed: int, kind: str) -> Outcome:
    click.echo(f"… {kind}: rolling-origin backtest and live forecast")
    return run(companies, anchors, seed, step=lambda m: click.echo(f"…   {m}"), kind=kind)


@cli.command("compute")
@click.option("--force", is_flag=True, help="Publish even if a check fails (logged).")
@click.option(
    "--anchors",
    envvar="SCORE_ANCHORS",
    help="S50,S60,S80,S100 predicted hires for scores 50/60/80/100 "
    f"(default: the published version {CURRENT['dpae']}).",
)
@click.option("--seed", default=0, show_default=True, help="Random state of the model.")
def compute(force: bool, anchors: str | None, seed: int) -> None:
    """Backtest every method, publish the best, check, and write scores in one transaction."""
    fixed = _anchors(anchors)
    try:
        history = load_history()
        click.echo(
            f"history: {len(history.sirets)} companies, {history.first_month:%Y-%m} to "
            f"{history.last_month:%Y-%m}"
        )
        outcome = _rank(history.companies, fixed, seed, "dpae")
        apprenticeship = None
        if history.apprenticeships.sum() >= MIN_APPRENTICESHIPS:
            alternance = history.companies.with_counts(history.apprenticeships)
            apprenticeship = _rank(alternance, None, seed, "alternance")
    except (NoHistory, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    synthetic = is_synthetic()
    if synthetic:
        click.echo("note: the hiring history is SYNTHETIC (flask data generate-hires)")
    checks = run_checks(outcome, history.companies.counts, history.previous_scores)
    affinities = Affinities.from_database()
    jobs = job_scores(history.naf_codes, outcome.predicted, outcome.score, outcome.anchors,
                      affinities)  # fmt: skip
    apprenticeship_jobs, apprenticeship_section = None, None
    if apprenticeship is not None:
        checks += drift_checks(apprenticeship, history.previous_apprenticeship_scores, "alt_")
        checks += forecast_checks(apprenticeship, "alt_")
        apprenticeship_jobs = job_scores(
            history.naf_codes,
            apprenticeship.predicted,
            apprenticeship.score,
            apprenticeship.anchors,
            affinities,
        )
        apprenticeship_section = report.section(
            apprenticeship, history.sirets, job_summary(apprenticeship_jobs)
        )
    failed = [c for c in checks if not c.passed]
    publishing = not failed or force
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    version = f"{stamp}-{TAGS[outcome.published]}"
    content = report.build(
        outcome,
        checks,
        version=version,
        synthetic=synthetic,
        first_month=f"{history.first_month:%Y-%m}",
        last_month=f"{history.last_month:%Y-%m}",
        sirets=history.sirets,
        published=publishing,
        forced=bool(failed) and force,
        jobs=job_summary(jobs),
        apprenticeship=apprenticeship_section,
    )
    json_path, png_path = report.write(content, Path(current_app.instance_path) / "reports")
    for line in backtest_table(content["hires"]):
        click.echo(line)
    hires = content["hires"]
    click.echo(
        f"anchors {hires['anchors']}; stars of listed companies {hires['stars']['listed']}; "
        f"forecasts cut to their plausible maximum: {hires['outliers']['count']}"
    )
    if apprenticeship_section is None:
        click.echo("apprenticeships: too few in the history, not ranked")
    else:
        click.echo(f"apprenticeships: {apprenticeship_section['decision']}")
    for check in checks:
        click.echo(check.line())
    run_record = ScoreRun(
        model_version=version,
        source=outcome.published,
        published=False,
        forced=bool(failed) and force,
        synthetic_history=synthetic,
        anchor_version=outcome.anchor_version,
        metrics={
            "hires": {k: hires[k] for k in METRICS},
            "apprenticeships": apprenticeship_section
            and {k: apprenticeship_section[k] for k in METRICS},
        },
        checks=content["checks"],
        report_json=str(json_path),
        report_png=str(png_path),
    )
    click.echo(f"report: {json_path} and {png_path.name}")
    if not publishing:
        db.session.add(run_record)
        db.session.commit()
        names = ", ".join(c.name for c in failed)
        raise click.ClickException(
            f"check failed ({names}): previous scores kept (--force publishes anyway)"
        )
    if failed:
        log.warning(
            "scores published with --force despite failed checks",
            extra={"model_version": version, "failed": [c.detail for c in failed]},
        )
    publish(history, outcome, apprenticeship, jobs, apprenticeship_jobs, version, run_record)
    click.echo(
        f"published {version}: {len(history.sirets)} companies, {hires['listed_companies']} "
        f"listed (score ≥ 50), {len(jobs)} per-job scores"
        + ("" if apprenticeship_jobs is None else f", {len(apprenticeship_jobs)} for alternance")
        + (" (FORCED)" if failed else "")
    )


@cli.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the latest report's JSON.")
def report_cmd(as_json: bool) -> None:
    """Show the latest scoring run."""
    run = db.session.scalars(select(ScoreRun).order_by(ScoreRun.id.desc()).limit(1)).first()
    if run is None:
        raise click.ClickException("no scoring run yet: run `flask scores compute`")
    if as_json:
        if not run.report_json or not Path(run.report_json).exists():
            raise click.ClickException(f"report file {run.report_json} is missing")
        click.echo(Path(run.report_json).read_text(encoding="utf-8"))
        return
    state = "published" + (" (forced)" if run.forced else "") if run.published else "NOT published"
    click.echo(f"{run.model_version} ({run.created_at:%Y-%m-%d %H:%M}): {state}, {run.source}")
    if run.synthetic_history:
        click.echo("the hiring history is SYNTHETIC")
    for line in backtest_table(run.metrics["hires"]):
        click.echo(line)
    for check in run.checks:
        click.echo(f"{'ok  ' if check['passed'] else 'FAIL'} {check['detail']}")
    click.echo(f"report: {run.report_json} and {run.report_png}")


# Reads as an import step, beside the real importers (`flask data generate-hires`), but lives
# with the model it feeds.
@data_cli.command("generate-hires")
@click.option("--months", default=42, show_default=True, type=click.IntRange(24, 240))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option(
    "--end-month",
    type=click.DateTime(["%Y-%m"]),
    help="Last month of the history, YYYY-MM (default: last complete month).",
)
@click.option("--if-empty", is_flag=True, help="Do nothing when a hiring history exists.")
@click.option("--replace", is_flag=True, help="Delete the existing hiring history first.")
def generate_hires_cmd(
    months: int, seed: int, end_month: dt.datetime | None, if_empty: bool, replace: bool
) -> None:
    """Write a SYNTHETIC hiring history for the loaded companies (demos and tests)."""
    if hires_exist() and not replace:
        if if_empty:
            click.echo("a hiring history exists: nothing generated (--if-empty)")
            return
        raise click.ClickException(
            "a hiring history exists: --replace deletes it first, --if-empty skips"
        )
    end = end_month.date().replace(day=1) if end_month else last_complete_month()
    try:
        summary = generate(months, seed, end, replace=replace)
        db.session.commit()
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from None
    except BaseException:
        db.session.rollback()
        raise
    click.echo(
        f"synthetic hires: {summary['hires']} hires and {summary['apprenticeships']} "
        f"apprenticeships in {summary['cells']} monthly cells for "
        f"{summary['companies']} companies, {summary['first_month'][:7]} to "
        f"{summary['last_month'][:7]} (seed {seed})"
    )
    # No after-import hooks: hires are not searchable; `flask scores compute` runs them.
