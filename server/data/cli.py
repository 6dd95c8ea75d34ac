"""`flask data …`: importers with progress bars, summaries and all-or-nothing files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from server.data.company_load import CompanyFileLoad, LoadBusy
from server.data.hires import SyntheticHistoryError, load_hires
from server.data.reader import RowError, Summary
from server.data.reference import ReferenceLoader
from server.data.rejects import Rejects
from server.extensions import db
from server.signals import companies_changed

cli = AppGroup("data", help="Import reference data, companies and hiring history.")


def _default_rejects(stem: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    return Path(current_app.instance_path) / "reports" / "rejects" / f"{stem}-{stamp}"


def _rejects_for(path: Path, skip_invalid: bool, rejects_path: str | None) -> Rejects | None:
    if not skip_invalid:
        return None
    return Rejects(
        Path(rejects_path) if rejects_path else _default_rejects(path.stem).with_suffix(".csv")
    )


def _run(load, rejects: Rejects | list[Rejects] | None) -> list[Summary]:
    """Run one import in one transaction: an error keeps nothing and exits non-zero."""
    try:
        result = load()
        db.session.commit()
    except RowError as err:
        db.session.rollback()
        raise click.ClickException(
            f"{err} — nothing was imported (--skip-invalid skips bad rows into a rejects file)"
        ) from None
    except BaseException:
        db.session.rollback()
        raise
    summaries = result if isinstance(result, list) else [result]
    for summary in summaries:
        click.echo(summary.line())
    for reject in rejects if isinstance(rejects, list) else [rejects]:
        if reject is not None and (written := reject.write()):
            click.echo(f"rejected rows written to {written}")
    companies_changed.send(current_app._get_current_object())
    return summaries


def _progress() -> bool:
    return not current_app.config.get("TESTING")


@cli.command("load-reference")
@click.argument(
    "directory", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path)
)
@click.option("--skip-invalid", is_flag=True, help="Skip bad rows and write them to rejects CSVs.")
@click.option("--rejects", "rejects_dir", help="Folder for the rejects CSVs (with --skip-invalid).")
def load_reference(directory: Path | None, skip_invalid: bool, rejects_dir: str | None) -> None:
    """Load every reference table from DIRECTORY (default: the DATA_DIR setting)."""
    directory = directory or Path(current_app.config["DATA_DIR"])
    if not directory.is_dir():
        raise click.ClickException(f"{directory}: no such directory (set DATA_DIR or pass DIR)")
    folder = None
    if skip_invalid:
        folder = Path(rejects_dir) if rejects_dir else _default_rejects("reference")
    loader = ReferenceLoader(directory, progress=_progress(), rejects_dir=folder)
    _run(loader.load, loader.rejects)


@cli.command("load-companies")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Skip bad rows and write them to a rejects CSV.")
@click.option(
    "--rejects", "rejects_path", help="Where to write rejected rows (with --skip-invalid)."
)
@click.option("--restart", is_flag=True, help="Start over instead of resuming an interrupted load.")
def load_companies_cmd(
    file: Path, skip_invalid: bool, rejects_path: str | None, restart: bool
) -> None:
    """Load companies from FILE (La Bonne Boite's layout, INSEE's establishments or the
    native one). An interrupted load of the same file resumes where it stopped."""
    rejects = _rejects_for(file, skip_invalid, rejects_path)
    try:
        summary = CompanyFileLoad(file, rejects, _progress(), restart).run()
    except RowError as err:
        raise click.ClickException(
            f"{err} — nothing was imported (--skip-invalid skips bad rows into a rejects file)"
        ) from None
    except LoadBusy as err:
        raise click.ClickException(str(err)) from None
    click.echo(summary.line())
    if rejects is not None and rejects.rows:
        click.echo(f"rejected rows written to {rejects.path}")
    companies_changed.send(current_app._get_current_object())


@cli.command("load-hires")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--skip-invalid", is_flag=True, help="Skip bad rows and write them to a rejects CSV.")
@click.option(
    "--rejects", "rejects_path", help="Where to write rejected rows (with --skip-invalid)."
)
@click.option("--replace-synthetic", is_flag=True, help="Delete a generated history first.")
def load_hires_cmd(
    file: Path, skip_invalid: bool, rejects_path: str | None, replace_synthetic: bool
) -> None:
    """Load a hiring history from FILE (siret,hiring_date,contract_type,contract_duration_days)."""
    rejects = _rejects_for(file, skip_invalid, rejects_path)
    try:
        _run(lambda: load_hires(file, rejects, _progress(), replace_synthetic), rejects)
    except SyntheticHistoryError as exc:
        raise click.ClickException(str(exc)) from None
