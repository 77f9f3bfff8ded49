"""The testing kit in the wheel: absent until a run asks for it, and enough for the example plugin's tests alone.

The last test is the CI proof: the wheel and the example package are built and installed (not
editable) into a fresh virtual environment outside the checkout, and the example's own tests run
there with pytest, on SQLite and, in the PostgreSQL pass, on the run's PostgreSQL server.
"""
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "sos-serial-acme"

A_TEST_OF_THE_KIT = '''
import pytest


def test_the_kit_posts_and_answers(sos_make, sos_post, sos_api, sos_backend):
    item, where = sos_make.item("Wall Clock"), sos_make.location("Back Room")
    document = sos_post(type="item_receipt", location_id=where.id,
                        lines=[{"item_id": item.id, "quantity": 2, "serials": ["W-1", "W-2"]}])
    assert document.id
    assert sos_api("admin").ok("GET", f"/items/{item.id}")["quantity_on_hand"] == 2
    assert sos_backend == "sqlite"


class Loud:
    from sos_serial.hookspecs import hookimpl

    @hookimpl
    def validate_serial_numbers(self, item, serial_numbers):
        from sos_serial.errors import InvalidInput
        raise InvalidInput("No serials today.")


@pytest.mark.sos_serial_app(plugins=[Loud()])
def test_a_plugin_object_for_one_test(sos_make):
    from sos_serial.errors import InvalidInput
    with pytest.raises(InvalidInput, match="No serials today"):
        sos_make.unit()


def test_the_next_test_has_no_such_plugin(sos_make):
    assert sos_make.unit(serial="ANY-1").serial_number == "ANY-1"
'''

NO_KIT = '''
def test_no_kit(pytestconfig):
    assert not pytestconfig.pluginmanager.has_plugin("sos_serial.testing")
'''


def _env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith(("SOS_SERIAL_", "PYTEST_"))}


def _pytest(python, folder: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=folder, env=_env(), capture_output=True, text=True, timeout=600)


def test_the_projects_own_run_has_no_kit(pytestconfig):
    assert not pytestconfig.pluginmanager.has_plugin("sos_serial.testing")


def test_an_unrelated_run_is_left_alone_and_the_kit_comes_when_asked(tmp_path):
    (tmp_path / "test_plain.py").write_text(NO_KIT)
    plain = _pytest(sys.executable, tmp_path)
    assert plain.returncode == 0, plain.stdout + plain.stderr
    assert "sos-serial testing kit" not in plain.stdout

    (tmp_path / "test_plain.py").unlink()
    (tmp_path / "test_kit.py").write_text(A_TEST_OF_THE_KIT)
    without = _pytest(sys.executable, tmp_path)
    assert without.returncode != 0 and "fixture 'sos_make' not found" in without.stdout, without.stdout
    for asking in (["--sos-serial"], ["-o", "sos_serial_testing=true"], ["-p", "sos_serial.testing"]):
        run = _pytest(sys.executable, tmp_path, *asking)
        assert run.returncode == 0, (asking, run.stdout + run.stderr)
        assert "3 passed" in run.stdout and "sos-serial testing kit: SQLite" in run.stdout


@pytest.fixture(scope="module")
def example_wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("example-wheel")
    source = tmp_path_factory.mktemp("example-src") / "sos-serial-acme"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    subprocess.run([sys.executable, "-m", "build", "--wheel", "--no-isolation", "-o", str(out), str(source)],
                   check=True, capture_output=True, cwd=source)
    (path,) = out.glob("*.whl")
    return path


@pytest.fixture(scope="module")
def plugin_author_venv(wheel, example_wheel, tmp_path_factory):
    """A fresh environment outside the checkout with both wheels and the kit's pytest, as an integrator's CI has."""
    where = tmp_path_factory.mktemp("integrator-venv")
    venv.create(where, with_pip=True)
    python = where / "bin" / "python"
    result = subprocess.run([str(python), "-m", "pip", "install", "--quiet", f"{wheel}[testing]", str(example_wheel)],
                            capture_output=True, text=True, cwd=where)
    assert result.returncode == 0, result.stderr
    return python


def test_the_example_plugins_tests_pass_with_the_installed_kit(plugin_author_venv, db_backend, tmp_path, request):
    # Only the tests and their settings are copied: the plugin and the kit come from the environment.
    workdir = tmp_path / "sos-serial-acme"
    workdir.mkdir()
    shutil.copytree(EXAMPLE / "tests", workdir / "tests", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(EXAMPLE / "pyproject.toml", workdir)
    where = subprocess.run([str(plugin_author_venv), "-c",
                            "import sos_serial, sos_serial_acme; print(sos_serial.__file__, sos_serial_acme.__file__)"],
                           cwd=workdir, env=_env(), capture_output=True, text=True)
    assert where.returncode == 0, where.stderr
    assert where.stdout.count("site-packages") == 2 and str(ROOT) not in where.stdout

    args = []
    if db_backend == "postgresql":
        args = ["--sos-serial-postgres", request.getfixturevalue("postgres_admin_url")]
    run = _pytest(plugin_author_venv, workdir, *args)
    assert run.returncode == 0, run.stdout + run.stderr
    assert " passed" in run.stdout and "failed" not in run.stdout and "error" not in run.stdout.lower()
    expected = "PostgreSQL" if db_backend == "postgresql" else "SQLite"
    assert f"sos-serial testing kit: {expected}" in run.stdout
