"""Shared set-up for the benchmarks: a database of a given size, and child processes to measure."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def make_app(url: str):
    from sos_serial import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def migrate(url: str) -> None:
    import flask_migrate

    from sos_serial.extensions import db

    app = make_app(url)
    with app.app_context():
        flask_migrate.upgrade()
        db.engine.dispose()


@contextmanager
def postgres_server():
    """A throwaway server, unless SOS_SERIAL_BENCH_POSTGRES_URL names one."""
    url = os.environ.get("SOS_SERIAL_BENCH_POSTGRES_URL")
    if url:
        yield url
        return
    from tests.support import postgres_server as pg

    directory, admin_url = pg.start()
    try:
        yield admin_url
    finally:
        pg.stop(directory)


def create_postgres_database(admin_url: str, name: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin_url.rsplit("/", 1)[0] + "/" + name


def settle(url: str) -> None:
    """Start each measurement from a quiet database: the previous one's maintenance done.

    PostgreSQL's autovacuum otherwise wakes up after a 100,000-row posting and shares the two
    cores with the next measurement; SQLite's write-ahead log is checkpointed into the file.
    """
    from sqlalchemy import create_engine, text

    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("VACUUM (ANALYZE)"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def run_child(module: str, *args: str) -> dict:
    """Run one measurement in a fresh process, so its peak memory is its own."""
    result = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's own peak resident memory (VmHWM).

    Not ru_maxrss: Linux carries that across fork and exec, so a child started by a parent
    holding a large seed would report the parent's peak as its own.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {cpu}, {mem:.0f} GiB RAM, Python {sys.version.split()[0]}"


def arguments(description: str):
    import argparse

    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--units", type=int, default=1_000_000)
    return parser.parse_args()


@contextmanager
def prepared_databases(which: str, name: str, prepare):
    """Fresh databases of each kind asked for, migrated and prepared, all open at once: {kind: url}."""
    import tempfile

    with ExitStack() as stack:
        urls = {}
        if which in ("sqlite", "both"):
            directory = stack.enter_context(tempfile.TemporaryDirectory())
            urls["sqlite"] = f"sqlite:///{Path(directory) / (name + '.sqlite3')}"
        if which in ("postgresql", "both"):
            admin_url = stack.enter_context(postgres_server())
            urls["postgresql"] = create_postgres_database(admin_url, f"sos_serial_{name}")
        for url in urls.values():
            migrate(url)
            prepare(url)
        yield urls


def on_each_database(which: str, name: str, prepare, measure) -> dict:
    """Prepare a database of each kind asked for and measure each in turn: {kind: figures}."""
    with prepared_databases(which, name, prepare) as urls:
        return {kind: measure(url, kind) for kind, url in urls.items()}


def save_results(name: str, payload: dict) -> None:
    out = Path(__file__).with_name("results")
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps({"machine": machine(), **payload}, indent=2))
