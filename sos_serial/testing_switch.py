"""The pytest11 entry point: the testing kit's options, and the kit itself only when a run asks for it.

pytest loads this module in every run of an environment where sos-serial is installed, so it adds
two options and imports nothing (it lives outside sos_serial.testing so that loading it does not
import the kit). The kit's fixtures (sos_serial.testing) are registered when the run
is given ``--sos-serial`` or its ini file says ``sos_serial_testing = true``; ``-p sos_serial.testing``
and ``pytest_plugins = ["sos_serial.testing"]`` load the same plugin the plain pytest way.
"""
from __future__ import annotations

KIT = "sos_serial.testing"
POSTGRES_ENV = "SOS_SERIAL_TEST_POSTGRES_URL"


def pytest_addoption(parser):
    group = parser.getgroup("sos-serial", "sos-serial testing kit")
    group.addoption("--sos-serial", action="store_true", default=False,
                    help="register the sos-serial testing kit's fixtures (sos_app, sos_api, sos_make, sos_post ...)")
    group.addoption("--sos-serial-postgres", metavar="URL", default=None,
                    help=f"run the kit's apps on PostgreSQL: the URL of a server's admin database, where each "
                         f"run makes and drops its own database (default: ${POSTGRES_ENV}, else SQLite)")
    parser.addini("sos_serial_testing", type="bool", default=False,
                  help="register the sos-serial testing kit's fixtures in every run")


def pytest_configure(config):
    if config.getoption("--sos-serial") or config.getini("sos_serial_testing"):
        config.pluginmanager.import_plugin(KIT)
