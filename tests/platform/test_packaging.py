"""The installable module: one top-level package, sos_serial, and no second copy by bare folder name.

The wheel is built as a customer builds it, installed (not editable) into a fresh virtual environment
outside the checkout, and run from another folder through ``flask --app sos_serial``.
"""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAPPED = ("models", "views", "hooks", "fixtures", "migrations")
SOURCE_FOLDERS = ("sos_serial", *MAPPED)


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


def test_wheel_holds_every_module_of_the_source_tree(wheel):
    # A module left out of the wheel passes every test run from the checkout and fails installed.
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = set()
    for folder in SOURCE_FOLDERS:
        for path in (ROOT / folder).rglob("*.py"):
            relative = path.relative_to(ROOT / folder).as_posix()
            expected.add(f"sos_serial/{relative}" if folder == "sos_serial" else f"sos_serial/{folder}/{relative}")
    missing = sorted(expected - names)
    assert not missing, f"modules missing from the wheel: {missing}"


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """A fresh virtual environment outside the checkout with the wheel installed, as a customer does."""
    where = tmp_path_factory.mktemp("customer-venv")
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                            capture_output=True, text=True, cwd=where)
    assert result.returncode == 0, result.stderr
    return where / "bin"


@pytest.fixture
def empty_database_url(db_backend, tmp_path, request):
    """A database nothing has migrated yet: the installed package's own `db upgrade` must build it."""
    if db_backend == "sqlite":
        yield None  # the SQLite default in the instance folder
        return
    yield request.getfixturevalue("empty_postgres_database")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, token: str | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode()


def test_installed_wheel_runs_from_another_folder(installed, empty_database_url, tmp_path):
    workdir = tmp_path / "customer"
    workdir.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_SERIAL_")}
    env["PATH"] = f"{installed}:{env['PATH']}"
    if empty_database_url:
        env["SOS_SERIAL_DATABASE_URL"] = empty_database_url.replace("+psycopg", "")

    def flask(*args):
        result = subprocess.run([str(installed / "flask"), "--app", "sos_serial", *args],
                                cwd=workdir, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    # The checkout must play no part: the package comes from the fresh environment.
    where = subprocess.run([str(installed / "python"), "-c", "import sos_serial; print(sos_serial.__file__)"],
                           cwd=workdir, env=env, capture_output=True, text=True)
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout

    flask("db", "upgrade")
    assert "Demo data loaded" in flask("demo", "load")
    flask("users", "create", "owner", "--role", "admin", "--password", "wheel-test-password")
    token = flask("users", "token", "owner").strip().splitlines()[-1]
    if not empty_database_url:
        assert (workdir / "instance" / "sos_serial.sqlite3").exists()
        assert (workdir / "instance" / "secret_key").exists()

    port = _free_port()
    log = tmp_path / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(installed / "flask"), "--app", "sos_serial", "run", "--port", str(port)],
                                  cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                status, page = _get(base + "/login")
                break
            except OSError:
                assert server.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the installed app did not start serving"
                time.sleep(0.2)
        assert status == 200 and 'name="password"' in page
        status, body = _get(base + "/api/v1/items", token)
        skus = {item["sku"] for item in json.loads(body)["items"]}
        assert status == 200 and "CLK-ARM-01" in skus
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_api_names_a_command_that_works_installed(client):
    answer = client.get("/api/v1/items")
    assert answer.status_code == 401
    assert "flask --app sos_serial users token NAME" in answer.get_json()["detail"]
