"""Flask CLI: each concern keeps its commands in its own package's `cli.py`, as one group."""

from __future__ import annotations

from flask import Flask

from server.answers.cli import cli as answers_cli
from server.applications.cli import cli as applications_cli
from server.auth.cli import admin_cli, api_users_cli
from server.data.cli import cli as data_cli
from server.delivery.cli import attachments_cli, mail_cli
from server.offers.cli import cli as offers_cli
from server.platforms.cli import cli as platforms_cli
from server.processes.cli import commands as process_commands
from server.retention.cli import cli as retention_cli
from server.scoring.cli import cli as scores_cli
from server.search.cli import cli as search_cli

GROUPS = (
    api_users_cli,
    admin_cli,
    data_cli,
    scores_cli,
    search_cli,
    platforms_cli,
    offers_cli,
    mail_cli,
    answers_cli,
    applications_cli,
    attachments_cli,
    retention_cli,
)


def register(app: Flask) -> None:
    for command in (*GROUPS, *process_commands):
        app.cli.add_command(command)
