"""A throwaway PostgreSQL server for a test run: initdb in a new folder, served on a free local port.

The project's own suite starts one when SOS_SERIAL_TEST_POSTGRES_URL is not set; .ci/run starts one
through tests/support/postgres_server.py. PostgreSQL refuses to run as root, so as root the server
runs as the postgres user.
"""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    pass


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable(
        "The PostgreSQL server is not installed (no initdb found). Install it with "
        "`apt-get install -y postgresql`, or set SOS_SERIAL_TEST_POSTGRES_URL to a server you run."
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(args, cwd="/"):
    # initdb and postgres refuse to run as root: run them as the postgres user.
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    # Safe to run: PostgreSQL's own initdb, pg_ctl and postgres, with arguments this module builds (a temporary folder).
    result = subprocess.run(args, cwd=cwd, capture_output=True, text=True)  # noqa: S603
    if result.returncode != 0:
        raise PostgresUnavailable(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def start(directory: str | None = None) -> tuple[str, str]:
    """Start a server in a new directory; return (directory, admin URL of database 'postgres')."""
    bin_dir = _bin_dir()
    directory = directory or tempfile.mkdtemp(prefix="sos-serial-pg-")
    Path(directory).mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres", "postgres")
    os.chmod(directory, 0o700)
    port = _free_port()
    _run([str(bin_dir / "initdb"), "-D", f"{directory}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8",
          "--locale=C.UTF-8", "--no-sync"])
    _serve(directory, port)
    Path(directory, "port").write_text(str(port))
    os.chmod(Path(directory, "port"), 0o644)
    return directory, f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"


def _serve(directory: str, port: int) -> None:
    _run([str(_bin_dir() / "pg_ctl"), "-D", f"{directory}/data", "-l", f"{directory}/server.log",
          "-o", f"-h 127.0.0.1 -p {port} -k {directory} -c fsync=off -c max_connections=200", "-w", "start"])


def restart(directory: str) -> None:
    """Stop the server as a crash would (every connection dropped), then start it again on its port."""
    _run([str(_bin_dir() / "pg_ctl"), "-D", f"{directory}/data", "-m", "immediate", "stop"])
    _serve(directory, int(Path(directory, "port").read_text()))


def stop(directory: str) -> None:
    _run([str(_bin_dir() / "pg_ctl"), "-D", f"{directory}/data", "-m", "immediate", "stop"])
    shutil.rmtree(directory, ignore_errors=True)

