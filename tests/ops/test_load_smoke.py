"""The load run in small: bench/load_run.py's locust mix for ten seconds against the served app, no 500 answered.

The full runs (ten minutes on PostgreSQL with four gunicorn workers, three on SQLite) are benchmarks, run by hand;
this proves in every suite that the script, the servers and the mix still work together.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def load_database(db_backend, tmp_path, request):
    """The run's database: a new PostgreSQL database on the test run's server, or a copy of the migrated SQLite file."""
    if db_backend == "postgresql":
        return ["--postgres-url", request.getfixturevalue("empty_postgres_database")]
    template = Path(request.getfixturevalue("migrated_database").removeprefix("sqlite:///"))
    copy = tmp_path / "load.sqlite3"
    shutil.copyfile(template, copy)
    return ["--sqlite-file", str(copy)]


def test_the_load_mix_gets_no_server_error(db_backend, load_database, tmp_path):
    # Two gunicorn workers on PostgreSQL, the README's server on SQLite; four users (each kind of user once).
    result = subprocess.run(
        [sys.executable, "-m", "bench.load_run", "--db", db_backend, *load_database, "--users", "4",
         "--spawn-rate", "4", "--run-time", "10s", "--workers", "2", "--units", "20", "--sample-every", "2",
         "--out", str(tmp_path), "--no-save"],
        cwd=ROOT, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    figures = json.loads((tmp_path / "results.json").read_text())
    assert figures["server_errors_500"] == 0
    assert figures["database_is_locked"] == 0
    assert figures["postings"] > 0, "no posting was made"
    assert figures["after_run"]["passed"]
    assert figures["requests_per_s"] > 0
