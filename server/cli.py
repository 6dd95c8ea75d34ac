"""Flask CLI groups; each concern keeps its commands in its own package."""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from server.api_users_cli import api_users_cli
    from server.data.cli import data_cli
    from server.jobs.cli import worker_cmd
    from server.mail.cli import admin_cli, answers_cli, attachments_cli, mail_cli
    from server.offers.cli import offers_cli
    from server.platforms_cli import platforms_cli
    from server.scoring.cli import generate_hires_cmd, scores_cli
    from server.search.cli import search_cli
    from server.serve_cli import serve_cmd

    # The synthetic history generator lives with the model it feeds (server/scoring).
    data_cli.add_command(generate_hires_cmd)
    commands = (
        api_users_cli,
        data_cli,
        scores_cli,
        search_cli,
        platforms_cli,
        offers_cli,
        mail_cli,
        answers_cli,
        attachments_cli,
        admin_cli,
        worker_cmd,
        serve_cmd,
    )
    for command in commands:
        app.cli.add_command(command)
