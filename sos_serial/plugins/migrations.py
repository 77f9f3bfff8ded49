"""Plugin migrations: each plugin's Alembic folder joins the module's as a branch of its own.

Flask-Migrate builds a fresh Alembic config for every ``flask db`` command; the callback below adds
the folders every installed plugin declares (``migration_folders``) to its ``version_locations``, so
``db heads``, ``db current``, ``db history`` and ``db downgrade acme@base`` see the plugins'
revisions next to the module's. With a plugin installed there are several heads, and Alembic's
``head`` names only one: ``flask db upgrade`` here means ``heads``, the module's and every plugin's.
"""
from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

from flask import current_app

from .manager import EXTENSION_KEY

HOOK = "migration_folders"
ALL_HEADS = "heads"


def plugin_migration_folders(manager) -> list[tuple[str, Path]]:
    """Every installed plugin's migration folders as ``(plugin name, folder)``, switched off or not.

    A plugin switched off keeps its tables, and its revisions stay in ``alembic_version``: Alembic
    must still find them, or every ``db`` command would fail on a revision it cannot locate.
    """
    declared = []
    for name, plugin in manager.loaded.items():
        function = getattr(plugin, HOOK, None)
        if function is None or manager.parse_hookimpl_opts(plugin, HOOK) is None:
            continue
        folders = function()
        if isinstance(folders, (str, os.PathLike)) or not isinstance(folders, (list, tuple)):
            raise RuntimeError(f"The plugin '{name}' must return a list of folders from {HOOK}(), "
                               f"not {folders!r}.")
        for folder in folders:
            path = Path(folder)
            if not path.is_dir():
                raise RuntimeError(f"The plugin '{name}' declares the migration folder {path}, which does "
                                   f"not exist. Reinstall the plugin, or correct its {HOOK}().")
            declared.append((name, path.resolve()))
    return declared


def add_plugin_folders(config):
    """Flask-Migrate's configure callback: the module's versions folder, then each plugin's."""
    # Alembic's Config defaults to the stdout of the moment alembic was imported: `db heads` and
    # `db current` print to the one in use now (a redirected one, a test's CLI runner).
    config.stdout = sys.stdout
    manager = current_app.extensions.get(EXTENSION_KEY)
    if manager is None:
        return config
    declared = plugin_migration_folders(manager)
    if not declared:
        return config
    module_versions = Path(config.get_main_option("script_location")) / "versions"
    folders = [str(module_versions.resolve())] + [str(path) for _, path in declared]
    config.set_main_option("path_separator", "os")
    config.set_main_option("version_locations", os.pathsep.join(folders).replace("%", "%%"))
    _require_branch_labels(config, declared)
    return config


def _require_branch_labels(config, declared) -> None:
    # A plugin revision without a branch would hang off the module's line or start an anonymous one,
    # and "acme@base" could not name it: refuse before Alembic runs anything.
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(config)
    owners = {path: name for name, path in declared}
    problems = []
    for revision in script.walk_revisions(base="base", head=ALL_HEADS):
        owner = owners.get(Path(revision.path).resolve().parent)
        if owner is not None and not revision.branch_labels:
            problems.append(f"the plugin '{owner}' ships the revision '{revision.revision}' ({revision.path}) "
                            f"without a branch label")
    if problems:
        raise RuntimeError("; ".join(problems) + ". Give the first revision of each plugin's folder "
                           "branch_labels = (\"<plugin>\",) and depends_on a revision of sos-serial.")


def db_commands(group):
    """Flask-Migrate's ``db`` group with ``upgrade`` going to every head unless told otherwise."""
    ours = copy.copy(group)
    ours.commands = dict(group.commands)
    upgrade = copy.copy(group.commands["upgrade"])
    upgrade.params = [copy.copy(param) for param in upgrade.params]
    for param in upgrade.params:
        if param.name == "revision":
            param.default = ALL_HEADS
    upgrade.help = ("Upgrade the module and every plugin to their newest revisions (default 'heads'); "
                    "name a revision, or '<plugin>@head', to go elsewhere.")
    ours.commands["upgrade"] = upgrade
    return ours


def init_app(app) -> None:
    from flask_migrate.cli import db as flask_migrate_db

    from sos_serial.extensions import migrate

    if add_plugin_folders not in migrate.configure_callbacks:
        migrate.configure(add_plugin_folders)
    app.cli.add_command(db_commands(flask_migrate_db), name=migrate.command)
