"""The installable module: one top-level package, sos_serial, and no second copy by bare folder name."""
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAPPED = ("models", "views", "hooks", "fixtures", "migrations")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    build_dir = tmp_path_factory.mktemp("build-src")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(ROOT)],
        check=True, capture_output=True, cwd=build_dir,
    )
    (path,) = out.glob("*.whl")
    return path


def test_wheel_holds_only_the_sos_serial_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/", 1)[0] for n in names if not n.split("/", 1)[0].endswith(".dist-info")}
    assert top_level == {"sos_serial"}
    for folder in MAPPED:
        assert f"sos_serial/{folder}/__init__.py" in names
        assert not any(n.startswith(f"{folder}/") for n in names)


def test_wheel_carries_templates_migrations_fixtures_and_rules(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "sos_serial/views/templates/auth/login.html" in names
    assert "sos_serial/migrations/versions/0001_initial_schema.py" in names
    assert "sos_serial/migrations/script.py.mako" in names
    assert "sos_serial/fixtures/demo.json" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "[sos_serial]" in text and "sos_serial.hooks.serial_unit_locks" in text


@pytest.mark.parametrize("folder", MAPPED)
def test_bare_folder_import_fails_loudly(folder):
    # From the repository root, the folder is importable by its bare name; it must refuse.
    result = subprocess.run(
        [sys.executable, "-c", f"import {folder}"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert f"must be imported as 'sos_serial.{folder}'" in result.stderr


def test_mapped_packages_import_through_sos_serial():
    result = subprocess.run(
        [sys.executable, "-c", "import sos_serial.models, sos_serial.hooks, sos_serial.views; "
         "print(sos_serial.models.__file__)"],
        cwd="/", capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("models/__init__.py")
