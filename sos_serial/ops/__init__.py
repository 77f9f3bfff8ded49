"""Running the module: the command line for the demo data, posting files and the events worker."""
from __future__ import annotations


def init_app(app) -> None:
    from . import cli, events_cli

    cli.init_app(app)
    app.cli.add_command(events_cli.events_cli)
