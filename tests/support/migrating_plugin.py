"""Plugins shipping Alembic revisions: one with a branch of its own, and two declaring it wrongly."""
from pathlib import Path

from sos_serial.hookspecs import hookimpl

HERE = Path(__file__).resolve().parent
BRANCH = "acme_audit"
TABLE = "acme_audit_notes"


@hookimpl
def migration_folders():
    return [str(HERE / "migrating_plugin_versions")]


class MissingFolder:
    """Declares a folder its package did not ship."""

    @hookimpl
    def migration_folders(self):
        return [str(HERE / "no_such_versions_folder")]


class Unlabelled:
    """Ships a revision with no branch label, which would hang off nothing the plugin can name."""

    @hookimpl
    def migration_folders(self):
        return [str(HERE / "unlabelled_plugin_versions")]
