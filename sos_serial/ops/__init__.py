"""Running the module: the command line for the demo data, posting files and serials, backups, the events worker,
the check; the log lines, the health checks and the gunicorn settings of a production server."""
from __future__ import annotations


def init_app(app) -> None:
    from . import backup_cli, check_cli, cli, events_cli, health, logs, request_log, serials_cli

    logs.configure(app)
    request_log.init_app(app)
    health.init_app(app)
    cli.init_app(app)
    app.cli.add_command(check_cli.check)
    app.cli.add_command(serials_cli.serials_cli)
    app.cli.add_command(events_cli.events_cli)
    # Beside `db upgrade` in the app's own copy of Flask-Migrate's group (plugins/migrations.py made it).
    app.cli.commands["db"].add_command(backup_cli.backup_command)
