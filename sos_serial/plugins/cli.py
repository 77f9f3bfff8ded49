"""`flask --app sos_serial plugins list|disable|enable`: the loaded plugins, their hooks' order, and their switches."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from sos_serial.errors import SerialInventoryError
from sos_serial.extensions import db

from .catalog import describe_plugins
from .declared import declarations_of
from .manager import EXTENSION_KEY
from .switches import switch_off, switch_on

plugins_cli = AppGroup("plugins", help="List the loaded plugins and switch third-party ones off and on.")


@plugins_cli.command("list")
def list_plugins() -> None:
    """Every plugin: where it came from, whether it is on, for each of its hooks the order of the calls, and
    what it declared at start-up (permissions, screens, routes)."""
    for plugin in describe_plugins(current_app.extensions[EXTENSION_KEY]):
        source = f"{plugin.distribution} {plugin.version}" if plugin.distribution else "given in SOS_SERIAL_PLUGINS"
        state = "switched off" if plugin.switched_off else "on"
        click.echo(f"{plugin.name}  [{plugin.origin}, {state}]  {plugin.module}  ({source})")
        for hook, calls in plugin.hooks.items():
            click.echo(f"    {hook}: " + " -> ".join(call.label for call in calls))
        for line in declarations_of(current_app, plugin.name):
            click.echo(f"    declares {line}")


@plugins_cli.command("disable")
@click.argument("name")
def disable(name: str) -> None:
    """Switch the third-party plugin NAME off in every app process (within a few seconds)."""
    _switch(switch_off, name)
    click.echo(f"The plugin '{name}' is switched off; running app processes stop calling it within a few seconds.")


@plugins_cli.command("enable")
@click.argument("name")
def enable(name: str) -> None:
    """Switch the plugin NAME on again."""
    _switch(switch_on, name)
    click.echo(f"The plugin '{name}' is switched on; running app processes call it again within a few seconds.")


def _switch(switch, name: str) -> None:
    try:
        switch(db.session, current_app.extensions[EXTENSION_KEY], name)
    except SerialInventoryError as exc:
        raise click.ClickException(exc.message) from None
