"""Faults under a served app: a worker killed mid-posting, PostgreSQL restarted under load, a SQLite disk filled.

    python -m bench.faults kill-worker        # kill -9 the gunicorn worker posting a 100,000-serial receipt
    python -m bench.faults restart-postgres   # restart PostgreSQL (as a crash would) while clerks and clients work
    python -m bench.faults fill-disk          # a 20 MiB tmpfs holds the SQLite file; a receipt meets a full disk
    python -m bench.faults all

Each prints what it did and what it found, and ends with PASSED or FAILED: after a fault nothing of the interrupted
posting is written, the check passes, and the same server answers the next requests without a restart.
fill-disk mounts a tmpfs, so it runs as root.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path

from .common import create_postgres_database, machine
from .load.sanity import after_run
from .load.servers import Server
from .load.world import seed

BIG_RECEIPT = 100_000


class Client:
    """API calls with one clerk's token, each answer kept: (seconds since the fault run began, kind, status, text)."""

    def __init__(self, base: str, token: str, started: float):
        import requests

        self.base, self.started = base, started
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.answers: list[tuple[float, str, object, str]] = []
        self._lock = threading.Lock()

    def call(self, kind: str, method: str, path: str, **kwargs):
        import requests

        try:
            response = self.session.request(method, self.base + "/api/v1" + path, timeout=60, **kwargs)
            answer = (response.status_code, response.text[:300])
        except requests.RequestException as exc:
            response, answer = None, (f"no answer ({type(exc).__name__})", str(exc)[:300])
        with self._lock:
            self.answers.append((round(time.monotonic() - self.started, 2), kind, *answer))
        return response


def _receipt(config: dict, serials: list[str]) -> dict:
    return {"type": "item_receipt", "date": date.today().isoformat(), "vendor_id": config["vendor"],
            "location_id": config["locations"][0],
            "lines": [{"item_id": config["items"][1], "quantity": len(serials), "unit_cost": "3.00",
                       "serials": serials}]}


def _units_named(url: str, prefix: str) -> int:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT COUNT(*) FROM serial_units WHERE serial_number LIKE :p"),
                                {"p": prefix + "%"}).scalar_one()
    finally:
        engine.dispose()


def _recovers(client: Client, config: dict, tag: str, rounds: int = 10) -> bool:
    """The next requests, on the same server: reads and small receipts all answered 200 and 201."""
    ok = True
    for n in range(rounds):
        read = client.call("after: GET /items", "GET", "/items")
        posted = client.call("after: small receipt", "POST", "/transactions",
                             json=_receipt(config, [f"{tag}-after-{n}-{i}" for i in range(3)]))
        ok = ok and read is not None and read.status_code == 200 and posted is not None and posted.status_code == 201
    print(f"  next {rounds} reads and {rounds} small receipts on the same server: "
          f"{'all answered 200/201' if ok else 'NOT all succeeded'}")
    return ok


def _statuses(answers, since: float = 0, until: float = 1e9) -> Counter:
    return Counter(f"{kind}: {status}" for at, kind, status, _text in answers if since <= at < until)


@contextmanager
def _postgres():
    """A throwaway PostgreSQL server: (its folder, for a restart; a new database's URL)."""
    from tests.support import postgres_server as pg

    directory, admin_url = pg.start()
    try:
        yield directory, create_postgres_database(admin_url, "sos_serial_faults")
    finally:
        pg.stop(directory)


def _signed_in(base: str, config: dict):
    """A browser's session of the seeded admin, signed in through the sign-in form."""
    import re

    import requests

    session = requests.Session()
    form = session.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form)
    session.post(base + "/login", timeout=30, allow_redirects=False, data={
        "username": config["admin"]["username"], "password": config["admin"]["password"],
        "csrf_token": token.group(1) if token else ""})
    return session


def _pg_backend_of(worker: int, url: str):
    """The worker's PostgreSQL session that has a transaction open, from pg_stat_activity: (xid, state, query)."""
    import psutil
    from sqlalchemy import create_engine, text

    pg_port = int(url.rsplit(":", 1)[1].split("/")[0])
    ports = [c.laddr.port for c in psutil.Process(worker).net_connections("tcp") if c.raddr and c.raddr.port == pg_port]
    if not ports:
        return None
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(
                "SELECT backend_xid::text, state, left(query, 70), EXTRACT(EPOCH FROM now() - xact_start) "
                "FROM pg_stat_activity WHERE client_port = ANY(:ports) AND xact_start IS NOT NULL"),
                {"ports": ports}).first()
    finally:
        engine.dispose()


def kill_worker(scratch: Path) -> bool:
    """kill -9 the worker serving a 100,000-serial receipt once its transaction has begun writing."""
    import psutil

    print(f"\n== kill -9 a gunicorn worker in the middle of a {BIG_RECEIPT:,}-serial receipt (PostgreSQL)")
    with _postgres() as (_directory, url):
        config = seed(url, 20)
        server = Server(url, scratch, "gunicorn", 4)
        try:
            workers_before = server.workers()
            tag = f"K{config['tag']}"
            body = json.dumps(_receipt(config, [f"{tag}-{n:06d}" for n in range(BIG_RECEIPT)]))
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
            connection.connect()
            client_port = connection.sock.getsockname()[1]
            outcome: dict = {}

            def send():
                try:
                    connection.request("POST", "/api/v1/transactions", body=body, headers={
                        "Authorization": f"Bearer {config['tokens']['clerk'][0]}",
                        "Content-Type": "application/json"})
                    response = connection.getresponse()
                    outcome["answer"] = f"{response.status}: {response.read()[:200]!r}"
                except (OSError, http.client.HTTPException) as exc:
                    outcome["answer"] = f"no answer ({type(exc).__name__}: {exc})"

            sender = threading.Thread(target=send)
            sender.start()
            started, worker, backend = time.monotonic(), None, None
            while time.monotonic() - started < 60 and sender.is_alive():
                if worker is None:
                    for pid in server.workers():
                        conns = psutil.Process(pid).net_connections("tcp")
                        if any(c.raddr and c.raddr.port == client_port for c in conns):
                            worker = pid
                if worker is not None:
                    backend = _pg_backend_of(worker, url)
                    # The posting's own rows: its transaction is inserting units or history, not still loading.
                    if backend is not None and backend[0] is not None and backend[2].upper().startswith(
                            ("INSERT", "COPY", "UPDATE")):
                        break
                time.sleep(0.05)
            if worker is None or backend is None or not backend[2].upper().startswith(("INSERT", "COPY", "UPDATE")):
                print(f"  could not catch the posting while it wrote (worker {worker}, backend {backend})")
                return False
            os.kill(worker, signal.SIGKILL)
            print(f"  worker {worker} killed (SIGKILL) {time.monotonic() - started:.2f} s after the request was sent; "
                  f"its transaction (xid {backend[0]}, {backend[1]}, open {float(backend[3]):.2f} s) was running "
                  f"'{backend[2]}...'")
            sender.join(120)
            print(f"  the clerk's request got: {outcome.get('answer')}")
            time.sleep(2)
            written = _units_named(url, tag)
            print(f"  units of the killed receipt in the database: {written} (of {BIG_RECEIPT:,})")
            workers_after = server.workers()
            print(f"  gunicorn's master still up: {server.process.poll() is None}; workers before {workers_before}, "
                  f"after {workers_after} (a new one replaced {worker})")
            client = Client(server.base, config["tokens"]["clerk"][0], time.monotonic())
            recovered = _recovers(client, config, tag)
        finally:
            server.stop()
        checks = after_run(url, scratch)
    passed = written == 0 and recovered and checks["passed"] and worker not in workers_after
    print(f"kill-worker: {'PASSED' if passed else 'FAILED'}")
    return passed


def restart_postgres(scratch: Path, seconds: float = 30, restart_at: float = 10, clients: int = 6) -> bool:
    """Clerks posting small receipts and clients reading while PostgreSQL stops as in a crash and starts again."""
    from tests.support import postgres_server as pg

    print(f"\n== restart PostgreSQL during the load mix ({clients} API clients and a signed-in screen for "
          f"{seconds:.0f} s, restart at "
          f"{restart_at:.0f} s; gunicorn -w 4)")
    with _postgres() as (directory, url):
        config = seed(url, 20)
        server = Server(url, scratch, "gunicorn", 4)
        started = time.monotonic()
        client = Client(server.base, config["tokens"]["clerk"][0], started)
        tag = f"P{config['tag']}"
        stop = threading.Event()

        def work(n: int):
            count = 0
            while not stop.is_set():
                count += 1
                client.call("small receipt", "POST", "/transactions",
                            json=_receipt(config, [f"{tag}-{n}-{count}-{i}" for i in range(3)]))
                client.call("GET /serials", "GET", "/serials", params={"per_page": 20})
                time.sleep(0.1)

        screens = _signed_in(server.base, config)

        def browse():
            while not stop.is_set():
                try:
                    response = screens.get(server.base + "/admin/serial_inventory/", timeout=60, allow_redirects=False)
                    answer = (response.status_code, response.text[:300])
                except OSError as exc:
                    answer = (f"no answer ({type(exc).__name__})", str(exc)[:300])
                with client._lock:
                    client.answers.append((round(time.monotonic() - started, 2), "screen: Serial inventory", *answer))
                time.sleep(0.2)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(clients)]
        threads.append(threading.Thread(target=browse))
        try:
            for thread in threads:
                thread.start()
            time.sleep(restart_at)
            down = time.monotonic() - started
            pg.restart(directory)
            up = time.monotonic() - started
            print(f"  PostgreSQL stopped (immediate: every connection dropped) at {down:.1f} s, serving again at "
                  f"{up:.1f} s")
            time.sleep(max(0.0, seconds - (time.monotonic() - started)))
        finally:
            stop.set()
            for thread in threads:
                thread.join(90)
        answers = list(client.answers)
        for label, since, until in (("before", 0, down), ("during and just after (5 s)", down, up + 5),
                                    ("afterwards", up + 5, 1e9)):
            print(f"  {label}: {dict(_statuses(answers, since, until))}")
        errors = [a for a in answers if not (isinstance(a[2], int) and a[2] < 500)]
        server_errors = [a for a in answers if a[2] == 500 or (isinstance(a[2], int) and a[2] > 503)]
        for at, kind, status, text in errors[:3]:
            print(f"  e.g. at {at} s, {kind}: {status}: {text[:200]}")
        late = [a for a in answers if a[0] >= up + 5]
        recovered_alone = bool(late) and all(isinstance(a[2], int) and a[2] < 400 for a in late)
        print(f"  5xx other than 503: {len(server_errors)}; after the restart every answer 2xx without restarting "
              f"gunicorn: {recovered_alone}")
        recovered = _recovers(client, config, tag)
        server.stop()
        checks = after_run(url, scratch)
    passed = not server_errors and recovered_alone and recovered and checks["passed"]
    print(f"restart-postgres: {'PASSED' if passed else 'FAILED'}")
    return passed


def fill_disk(scratch: Path, size_mb: int = 20, receipt: int = 20_000) -> bool:
    """A receipt posted while the SQLite file's file system is full; then space freed, and the same server goes on."""
    print(f"\n== fill the disk of a SQLite database's folder during a posting ({size_mb} MiB tmpfs, "
          f"a {receipt:,}-serial receipt; gunicorn -w 3, the README's SQLite server)")
    disk = scratch / "disk"
    disk.mkdir(parents=True, exist_ok=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(disk)], check=True)  # noqa: S607
    try:
        url = f"sqlite:///{disk / 'sos.sqlite3'}"
        config = seed(url, 20)
        server = Server(url, scratch, "gunicorn", 3)
        try:
            client = Client(server.base, config["tokens"]["clerk"][0], time.monotonic())
            filler = disk / "filler"
            with filler.open("wb") as f:
                try:
                    while True:
                        f.write(b"\0" * 65536)
                        f.flush()
                except OSError:
                    pass
            # Leave room for a few pages: the posting starts writing, then meets the full disk.
            with filler.open("r+b") as f:
                f.truncate(max(0, filler.stat().st_size - 256 * 1024))
            free = os.statvfs(disk)
            print(f"  filled: {free.f_bavail * free.f_frsize // 1024} KiB left on {disk}")
            tag = f"D{config['tag']}"
            answer = client.call("big receipt on a full disk", "POST", "/transactions",
                                 json=_receipt(config, [f"{tag}-{n:06d}" for n in range(receipt)]))
            status = answer.status_code if answer is not None else None
            print(f"  the clerk's receipt got: {client.answers[-1][2]}: {client.answers[-1][3]}")
            read = client.call("GET /items on a full disk", "GET", "/items")
            print(f"  a read while the disk is full: {client.answers[-1][2]}")
            written = _units_named(url, tag)
            print(f"  units of that receipt in the database: {written} (of {receipt:,})")
            filler.unlink()
            print("  space freed (filler removed)")
            recovered = _recovers(client, config, tag)
            again = client.call("the same receipt again", "POST", "/transactions",
                                json=_receipt(config, [f"{tag}-{n:06d}" for n in range(receipt)]))
            print(f"  the same receipt posted again: {client.answers[-1][2]}")
        finally:
            server.stop()
        checks = after_run(url, scratch)
    finally:
        subprocess.run(["umount", str(disk)], check=False)  # noqa: S607
    clear = status is not None and status != 500 and status >= 400
    passed = (clear and read is not None and read.status_code == 200 and written == 0 and recovered
              and again is not None and again.status_code == 201 and checks["passed"])
    print(f"fill-disk: {'PASSED' if passed else 'FAILED'}")
    return passed


FAULTS = {"kill-worker": kill_worker, "restart-postgres": restart_postgres, "fill-disk": fill_disk}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fault", choices=(*FAULTS, "all"))
    parser.add_argument("--out", help="folder for the servers' logs (default: a new temporary one)")
    args = parser.parse_args()
    print(f"Machine: {machine()}; load average {os.getloadavg()}")
    with ExitStack() as stack:
        scratch = Path(args.out) if args.out else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        scratch.mkdir(parents=True, exist_ok=True)
        results = {name: fault(scratch / name) for name, fault in FAULTS.items() if args.fault in (name, "all")}
    print(f"\nLoad average at the end: {os.getloadavg()}")
    print("Faults: " + ", ".join(f"{name} {'PASSED' if ok else 'FAILED'}" for name, ok in results.items()))
    sys.exit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
