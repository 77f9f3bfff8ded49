"""Fixtures of the platform tests: the wheel, built once per run as a customer builds it, and plugin apps."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sos_serial.extensions import db
from sos_serial.models import ApiToken, Item, Location, User

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def wheel(tmp_path_factory):
    """The sos-serial wheel, built from a clean copy of the source."""
    out = tmp_path_factory.mktemp("wheel")
    # Built from a copy of the source alone: setuptools reuses a build/ folder it finds, and a module
    # deleted from the tree would live on there and be packed again.
    source = tmp_path_factory.mktemp("build-src") / "sos-serial"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "instance", "test-artifacts", ".hypothesis"))
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(source)],
        check=True, capture_output=True, cwd=source,
    )
    (path,) = out.glob("*.whl")
    return path


@pytest.fixture
def clerk_app(app_config, stock_free_app_factory, password_hash):
    """An app with the given settings, one serial-tracked item at one location, and a clerk whose API token
    is ``app.config["TEST_TOKEN"]`` (the item's id: ``app.config["TEST_ITEM"]``)."""

    def make(item_name: str, **settings):
        app = stock_free_app_factory(dict(app_config, **settings))
        with app.app_context():
            item = Item(name=item_name, track_serials=True)
            db.session.add_all([item, Location(name="Main Warehouse")])
            user = User(username="clerk", role="clerk", password_hash=password_hash)
            record, token = ApiToken.issue(user)
            db.session.add_all([user, record])
            db.session.commit()
            app.config["TEST_TOKEN"], app.config["TEST_ITEM"] = token, item.id
        return app

    return make
