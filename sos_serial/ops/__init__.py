"""Running the module: the command line for the demo data, posting files and serials, the events worker, the check."""
from __future__ import annotations


def init_app(app) -> None:
    from . import check_cli, cli, events_cli, serials_cli

    cli.init_app(app)
    app.cli.add_command(check_cli.check)
    app.cli.add_command(serials_cli.serials_cli)
    app.cli.add_command(events_cli.events_cli)
