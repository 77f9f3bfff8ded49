"""Posting throughput with many client connections: straight to PostgreSQL, and through PgBouncer in transaction mode.

    python -m bench.pooled_posting [--clients 100] [--processes 4] [--seconds 20] [--pool 10]

Each client is a thread with its own app context (so its own connection), posting small receipts (5 serials
of one of 20 items, picked at random, so clerks sometimes wait for one another's item row) through the one
posting path for a fixed time. The same run is made twice on one database: every client on a connection of
its own to PostgreSQL, then every client through a PgBouncer keeping ``--pool`` server connections.
Prints postings per second, median and p95 seconds per posting, refusals, and PostgreSQL's backends.
Uses SOS_SERIAL_BENCH_POSTGRES_URL's server, else a throwaway one; needs pgbouncer installed.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time

from .common import ROOT, create_postgres_database, machine, migrate, postgres_server, save_results, settle

ITEMS = 20
SERIALS = 5


def seed(url: str) -> None:
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location, Settings

    app = _app(url, pgbouncer=False, pool=2)
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        db.session.add(Location(name="Main Warehouse"))
        db.session.add_all(Item(name=f"Bench Clock {n}", track_serials=True) for n in range(ITEMS))
        db.session.commit()
        db.engine.dispose()


def _app(url: str, *, pgbouncer: bool, pool: int):
    from sos_serial import create_app
    from sos_serial.config import engine_options

    options = {**engine_options(url, pgbouncer), "pool_size": pool, "max_overflow": 0}
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "SOS_SERIAL_PGBOUNCER": pgbouncer,
                       "SQLALCHEMY_ENGINE_OPTIONS": options})


def _clients(url: str, pgbouncer: bool, threads: int, seconds: float, tag: str, out) -> None:
    """One process's clients; sends back (durations, refusals) through ``out``."""
    from sqlalchemy import text

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.limits import LIMITS_KEY
    from sos_serial.engine.posting import post_transaction
    from sos_serial.errors import Busy, Conflict
    from sos_serial.extensions import db

    app = _app(url, pgbouncer=pgbouncer, pool=threads)
    with app.app_context():
        items = db.session.scalars(text("SELECT id FROM items ORDER BY id")).all()
        location = db.session.scalar(text("SELECT id FROM locations"))
        db.session.remove()
    limits = app.extensions[LIMITS_KEY]
    durations, refusals, lock = [], [0], threading.Lock()
    start = threading.Barrier(threads)

    def clerk(n: int) -> None:
        rng = random.Random(n)  # noqa: S311 - which item a benchmark clerk posts, not a secret
        mine, refused, k = [], 0, 0
        with app.app_context():
            start.wait()
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                k += 1
                document = {"type": "item_receipt", "date": "2026-03-01", "location_id": location,
                            "lines": [{"item_id": rng.choice(items), "quantity": SERIALS,
                                       "serials": [f"{tag}-{n}-{k}-{s}" for s in range(SERIALS)]}]}
                began = time.perf_counter()
                try:
                    post_transaction(db.session, read_document(document), limits=limits)
                    mine.append(time.perf_counter() - began)
                except (Busy, Conflict):
                    refused += 1
                db.session.remove()
        with lock:
            durations.extend(mine)
            refusals[0] += refused

    workers = [threading.Thread(target=clerk, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with app.app_context():
        db.engine.dispose()
    out.put((durations, refusals[0]))


def measure(url: str, pgbouncer: bool, clients: int, processes: int, seconds: float, tag: str,
            admin_url: str, direct_url: str) -> dict:
    from sqlalchemy import create_engine, text

    settle(direct_url)
    out = multiprocessing.get_context("spawn").Queue()
    ctx = multiprocessing.get_context("spawn")
    per = clients // processes
    started = time.perf_counter()
    children = [ctx.Process(target=_clients, args=(url, pgbouncer, per, seconds, f"{tag}{p}", out))
                for p in range(processes)]
    for child in children:
        child.start()
    # Peak of PostgreSQL's client backends while the clients run, sampled on a direct connection.
    watcher = create_engine(admin_url)
    peak, results = 0, []
    while len(results) < processes:
        with watcher.connect() as conn:
            peak = max(peak, conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")).scalar() - 1)
        while not out.empty():
            results.append(out.get())
        time.sleep(0.5)
    for child in children:
        child.join()
    watcher.dispose()
    wall = time.perf_counter() - started
    durations = sorted(d for ds, _ in results for d in ds)
    refused = sum(r for _, r in results)
    return {"clients": clients, "postings": len(durations), "refused": refused,
            "postings_per_second": round(len(durations) / seconds, 1),
            "median_s": round(statistics.median(durations), 4) if durations else None,
            "p95_s": round(durations[int(len(durations) * 0.95)], 4) if durations else None,
            "peak_server_backends": peak, "wall_s": round(wall, 1)}


def main() -> None:
    from tests.support import pgbouncer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--pool", type=int, default=10, help="PgBouncer's server connections")
    args = parser.parse_args()
    os.chdir(ROOT)
    with postgres_server() as admin_url:
        url = create_postgres_database(admin_url, "sos_serial_pooled_posting")
        migrate(url)
        seed(url)
        folder = tempfile.mkdtemp(prefix="sos-serial-bench-pgbouncer-")
        pooled = pgbouncer.start(folder, url, pool_size=args.pool)
        try:
            figures = {
                "direct": measure(url, False, args.clients, args.processes, args.seconds, "D", admin_url, url),
                f"pgbouncer_pool_{args.pool}": measure(pooled, True, args.clients, args.processes, args.seconds,
                                                       "P", admin_url, url),
            }
        finally:
            pgbouncer.stop(folder)
    print(f"Posting with {args.clients} client connections ({args.processes} processes), {args.seconds:.0f} s each; "
          f"receipts of {SERIALS} serials over {ITEMS} items; {machine()}; load average {os.getloadavg()}")
    for name, row in figures.items():
        print(f"  {name:>20}: {row['postings_per_second']:7.1f} postings/s  median {row['median_s']} s  "
              f"p95 {row['p95_s']} s  refused {row['refused']}  PostgreSQL backends at peak {row['peak_server_backends']}")
    save_results("pooled_posting", {"arguments": vars(args), "figures": figures})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
