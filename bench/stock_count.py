"""Stock counts at scale: a count of 100,000 units at a location, among 1,000,000 serial units, with a few
hundred units missing, a few hundred misplaced (recorded at another location) and some unknown serials.
The shelf is scanned in batches of 1,000 (a CSV upload, or a scanner's buffer), then single scans are timed
through the screen's scan endpoint, one serial per request as a hand scanner sends them, against the full
count; then the count is closed.

    python -m bench.stock_count [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import statistics
import time
from datetime import date

from .common import arguments, machine, make_app, on_each_database, save_results, settle

SHELF = 100_000
MISSING = 300
MISPLACED = 300
UNKNOWN = 50
SINGLE_SCANS = 300
BATCH = 1_000
TARGETS = "a scan answers in < 100 ms at 1,000,000 units"
DOCK, MAIN, SHOWROOM = 1, 2, 3


def _serial(n: int) -> str:
    return f"SC-{n:08d}"


def seed(url: str, units: int) -> None:
    """Dock Shelf holds units 1..100,000; the Showroom the next MISPLACED; Main Warehouse the rest."""
    from sqlalchemy import insert, text

    from sos_serial.database.guard import posting_scope
    from sos_serial.extensions import db
    from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit, Settings, StockLevel, User

    app = make_app(url)
    with app.app_context():
        session = db.session
        session.add_all([Location(name="Dock Shelf"), Location(name="Main Warehouse"), Location(name="Showroom"),
                         Customer(name="Acme Clocks"), Item(name="Seeded Clock", track_serials=True)])
        Settings.current(session)
        user = User(username="bench", role="admin")
        user.set_password("bench-password")
        session.add(user)
        session.commit()
        item_id = session.scalar(text("SELECT id FROM items WHERE name = 'Seeded Clock'"))

        def place(n: int) -> int:
            return DOCK if n <= SHELF else SHOWROOM if n <= SHELF + MISPLACED else MAIN

        with posting_scope(session):
            batch = 50_000
            for start in range(0, units, batch):
                rows = [{"id": n, "item_id": item_id, "serial_number": _serial(n), "serial_key": _serial(n).lower(),
                         "status": "in_stock", "location_id": place(n), "unit_cost": 10}
                        for n in range(start + 1, min(start + batch, units) + 1)]
                session.execute(insert(SerialUnit.__table__), rows)
                session.execute(insert(SerialHistory.__table__), [
                    {"serial_unit_id": r["id"], "transaction_type": "created", "date": date(2026, 1, 1),
                     "status": "in_stock", "location_id": r["location_id"]} for r in rows])
            counts = {DOCK: SHELF, SHOWROOM: MISPLACED, MAIN: units - SHELF - MISPLACED}
            session.execute(insert(StockLevel.__table__), [
                {"item_id": item_id, "location_id": location, "quantity": quantity}
                for location, quantity in counts.items()])
            session.execute(text("UPDATE items SET quantity_on_hand = :n, value = :v WHERE id = :i"),
                            {"n": units, "v": units * 10 * 10_000, "i": item_id})
            session.execute(text("INSERT INTO cost_layers (item_id, quantity, quantity_remaining, unit_cost) "
                                 "VALUES (:i, :n, :n, :c)"), {"i": item_id, "n": units, "c": 10 * 10_000})
        session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), :n)"), {"n": units})
                conn.commit()
        db.engine.dispose()
    settle(url)


def measure(url: str, units: int, label: str) -> dict:
    from sos_serial.engine import stock_counts as counts
    from sos_serial.extensions import db
    from sos_serial.models import Item, User

    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    figures = {}
    with app.app_context():
        user = db.session.query(User).filter_by(username="bench").one()
        count = counts.start_count(db.session, DOCK, user)
        count_id = count.id
        # Everything on the shelf but the missing units and the ones kept for single scans, plus the misplaced.
        kept = range(SHELF - MISSING - SINGLE_SCANS + 1, SHELF - MISSING + 1)
        batched = [_serial(n) for n in range(1, kept.start)]
        batched += [_serial(n) for n in range(SHELF + 1, SHELF + MISPLACED + 1)]
        batched += [f"NEW-{n:05d}" for n in range(UNKNOWN)]
        start = time.perf_counter()
        for first in range(0, len(batched), BATCH):
            counts.scan_serials(db.session, count_id, batched[first:first + BATCH], user)
        batch_seconds = time.perf_counter() - start
        figures["batched scans"] = {"scans": len(batched), "seconds": round(batch_seconds, 1),
                                    "per_scan_ms": round(batch_seconds * 1000 / len(batched), 2)}
        print(f"  {label:10} {len(batched):,} scans in batches of {BATCH:,}: {batch_seconds:.1f} s "
              f"({figures['batched scans']['per_scan_ms']} ms a scan)", flush=True)
        db.session.remove()
    settle(url)
    times = []
    for n in kept:
        begin = time.perf_counter()
        response = client.post(f"/admin/stock_counts/scan/?id={count_id}", json={"serials": [_serial(n)]})
        times.append((time.perf_counter() - begin) * 1000)
        if response.status_code != 200 or response.json["scans"][0]["result"] != "counted":
            raise RuntimeError(f"scan of {_serial(n)} answered {response.status_code}: {response.text[:300]}")
    times.sort()
    figures["single scan"] = {"scans": len(times), "median_ms": round(statistics.median(times), 1),
                              "p95_ms": round(times[int(len(times) * 0.95) - 1], 1), "worst_ms": round(times[-1], 1)}
    print(f"  {label:10} one scan a request, {len(times)} scans into the full count: median "
          f"{figures['single scan']['median_ms']} ms, p95 {figures['single scan']['p95_ms']} ms, worst "
          f"{figures['single scan']['worst_ms']} ms", flush=True)
    page = []
    for _ in range(5):
        begin = time.perf_counter()
        client.get(f"/admin/stock_counts/count/?id={count_id}&show=found")
        page.append((time.perf_counter() - begin) * 1000)
    figures["count page"] = {"median_ms": round(statistics.median(page), 1)}
    print(f"  {label:10} the count's page (totals + a list page): median {figures['count page']['median_ms']} ms",
          flush=True)
    with app.app_context():
        totals = counts.totals(db.session, count_id)
        user = db.session.query(User).filter_by(username="bench").one()
        item_id = db.session.query(Item).filter_by(name="Seeded Clock").one().id
        settle(url)
        begin = time.perf_counter()
        report = counts.close_count(db.session, count_id, user, on=date(2026, 3, 1), unknown_item_id=item_id,
                                    scans_seen=totals.scanned, limits=app.extensions["sos_serial.limits"])
        close_seconds = time.perf_counter() - begin
        documents = sorted(link.purpose for link in report.documents)
        after = counts.totals(db.session, count_id)
        db.session.remove()
        db.engine.dispose()
    figures["close"] = {"seconds": round(close_seconds, 2), "documents": documents,
                        "totals_before": totals.__dict__, "totals_after": after.__dict__}
    print(f"  {label:10} close: {close_seconds:.2f} s, documents {documents}; before {totals}; after {after}",
          flush=True)
    return figures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(f"Machine: {machine()}")
    print(f"{args.units:,} serial units; a count of {SHELF:,} with {MISSING} missing, {MISPLACED} misplaced and "
          f"{UNKNOWN} unknown serials. Target: {TARGETS}.")
    results = on_each_database(args.db, "stock_count", lambda url: seed(url, args.units),
                               lambda url, label: measure(url, args.units, label))
    save_results("stock_count", {"units": args.units, **results})


if __name__ == "__main__":
    main()
