"""Running the module: its command-line tools for the demo data and for posting files."""
from __future__ import annotations


def init_app(app) -> None:
    from . import cli

    cli.init_app(app)
