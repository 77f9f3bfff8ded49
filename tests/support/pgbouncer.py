"""A throwaway PgBouncer in transaction mode in front of a PostgreSQL server, for tests and benchmarks.

    python tests/support/pgbouncer.py start DIR POSTGRES_URL   -> prints the pooled URL
    python tests/support/pgbouncer.py stop DIR

Transaction mode hands each transaction whichever server connection is free, so anything a connection
keeps between transactions (session SETs, prepared statements, advisory locks, LISTEN) is lost or
seen by another client: running the app's tests through it shows what the app relies on. Every
database of the server is reachable through it (``*``), so the suite's CREATE DATABASE works too.
PgBouncer refuses to run as root: as root it runs as the postgres user, like the server.
"""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

# The PgBouncers this process started, by folder, so stop() can wait for its own child.
_started: dict[str, subprocess.Popen] = {}


class PgBouncerUnavailable(RuntimeError):
    pass


def binary() -> str | None:
    return shutil.which("pgbouncer") or (os.path.exists("/usr/sbin/pgbouncer") and "/usr/sbin/pgbouncer") or None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(directory: str, postgres_url: str, *, pool_size: int = 20) -> str:
    """Start PgBouncer (transaction mode, ``pool_size`` server connections per database) in front of
    the server of ``postgres_url``; return the same URL pointed at PgBouncer."""
    program = binary()
    if program is None:
        raise PgBouncerUnavailable("PgBouncer is not installed: `apt-get install -y pgbouncer`.")
    server = urlsplit(postgres_url)
    port = _free_port()
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    user = server.username or "postgres"
    (folder / "pgbouncer.ini").write_text(f"""[databases]
* = host={server.hostname} port={server.port} user={user}

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = any
pool_mode = transaction
default_pool_size = {pool_size}
max_client_conn = 2000
max_db_connections = {pool_size}
logfile = {folder / 'pgbouncer.log'}
pidfile = {folder / 'pgbouncer.pid'}
admin_users = {user}
ignore_startup_parameters = extra_float_digits,options
server_reset_query =
""")
    command = [program, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
        command = ["runuser", "-u", "postgres", "--", *command]
    # Safe to run: the pgbouncer binary with the config file written just above.
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = folder / "pgbouncer.log"
            raise PgBouncerUnavailable(f"PgBouncer did not start: {log.read_text() if log.exists() else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        process.wait()
        raise PgBouncerUnavailable("PgBouncer did not listen within 10 s.")
    _started[str(folder)] = process
    return postgres_url.replace(f"{server.hostname}:{server.port}", f"127.0.0.1:{port}", 1)


def stop(directory: str) -> None:
    """Stop the PgBouncer started in ``directory``: this process's child, else the pid it wrote there."""
    process = _started.pop(str(Path(directory)), None)
    if process is not None:
        process.terminate()
        process.wait(timeout=10)
        return
    pid_file = Path(directory, "pgbouncer.pid")
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text()), signal.SIGTERM)
        except (ProcessLookupError, ValueError):
            pass


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in ("start", "stop") or (sys.argv[1] == "start" and len(sys.argv) != 4):
        sys.exit("usage: pgbouncer.py start DIR POSTGRES_URL | stop DIR")
    if sys.argv[1] == "start":
        print(start(sys.argv[2], sys.argv[3]))
    else:
        stop(sys.argv[2])
