"""`flask scores compute|report`, and `flask data generate-hires` (the synthetic history)."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from server.data.cli import cli as data_cli
from server.extensions import db
from server.models import ScoreRun
from server.scoring import report
from server.scoring.checks import run_checks
from server.scoring.formula import Anchors
from server.scoring.history import NoHistory, load_history
from server.scoring.pipeline import run
from server.scoring.publish import publish
from server.scoring.synthetic_store import generate, hires_exist, is_synthetic, last_complete_month

cli = AppGroup("scores", help="Hiring potential: train, check and publish scores.")
log = logging.getLogger(__name__)
TAGS = {"model": "hgb", "baseline": "ols", "mixed": "hgb+ols", "fallback": "fallback"}


def _anchors(text: str | None):
    text = text or current_app.config.get("SCORE_ANCHORS") or ""
    if not text or text == "auto":
        return None
    try:
        return Anchors.parse(text)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--anchors / SCORE_ANCHORS") from None


def _metrics_table(metrics: dict) -> list[str]:
    lines = [f"{'':10} {'RMSE':>8} {'Poisson dev.':>13} {'top 10 %':>9} {'top 20 %':>9}"]
    for name, label in (("baseline", "baseline"), ("model", "ours")):
        m = metrics[name]
        lines.append(
            f"{label:10} {m['rmse']:8.3f} {m['mean_poisson_deviance']:13.3f} "
            f"{m['capture_top_10']:9.1%} {m['capture_top_20']:9.1%}"
        )
    return lines


@cli.command("compute")
@click.option("--force", is_flag=True, help="Publish even if a check fails (logged).")
@click.option(
    "--anchors",
    envvar="SCORE_ANCHORS",
    help="S50,S60,S80,S100 predicted hires for scores 50/60/80/100 (default: derived).",
)
@click.option("--seed", default=0, show_default=True, help="Random state of the model.")
def compute(force: bool, anchors: str | None, seed: int) -> None:
    """Train both models, evaluate, check, and publish scores in one transaction."""
    fixed = _anchors(anchors)
    try:
        history = load_history()
        click.echo(
            f"history: {len(history.sirets)} companies, {history.first_month:%Y-%m} to "
            f"{history.last_month:%Y-%m}"
        )
        outcome = run(history.companies, fixed, seed, step=lambda m: click.echo(f"… {m}"))
    except (NoHistory, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    synthetic = is_synthetic()
    if synthetic:
        click.echo("note: the hiring history is SYNTHETIC (flask data generate-hires)")
    checks = run_checks(outcome, history.companies.counts, history.previous_scores)
    failed = [c for c in checks if not c.passed]
    publishing = not failed or force
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")[:-3]
    version = f"{stamp}-{TAGS[outcome.kind]}"
    content = report.build(
        outcome,
        checks,
        version=version,
        synthetic=synthetic,
        first_month=f"{history.first_month:%Y-%m}",
        last_month=f"{history.last_month:%Y-%m}",
        department_labels=history.department_labels,
        published=publishing,
        forced=bool(failed) and force,
    )
    json_path, png_path = report.write(content, Path(current_app.instance_path) / "reports")
    for line in _metrics_table(outcome.metrics):
        click.echo(line)
    click.echo(
        f"published choice: {outcome.kind}; fallback companies: {content['fallback_companies']}; "
        f"anchors {content['anchors']}"
    )
    for check in checks:
        click.echo(check.line())
    run_record = ScoreRun(
        model_version=version,
        source=outcome.kind,
        published=False,
        forced=bool(failed) and force,
        synthetic_history=synthetic,
        metrics={k: content[k] for k in ("metrics", "anchors", "sources", "listed_companies")},
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
    job_rows = publish(history, outcome, version, run_record)
    click.echo(
        f"published {version}: {len(history.sirets)} companies, {content['listed_companies']} "
        f"listed (score ≥ 50), {job_rows} per-job scores" + (" (FORCED)" if failed else "")
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
    for line in _metrics_table(run.metrics["metrics"]):
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
