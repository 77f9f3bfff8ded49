"""The invariant check at scale: `flask check` over 1,000,000 serial units of 100 items at 12 locations, their
history, and 12 documents posted through the engine (shipments and transfers, each of one item's units at one
location: 833 units each at a million), on SQLite and PostgreSQL; each run in a fresh process (time per check,
peak memory), 3 runs, median.

    python -m bench.check [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date

from .common import arguments, machine, make_app, on_each_database, peak_rss_mb, run_child, save_results, settle

ITEMS = 100
LOCATIONS = ("Main Warehouse", "Showroom", "Receiving Dock", "Repair Bench", "Van 1", "Van 2", "Yerevan Store",
             "Gyumri Store", "Returns Cage", "Quarantine", "Overflow", "Outlet")
CUSTOMERS = 100
MOVED = 5_000  # units per document
DOCUMENTS = 6  # of each kind: shipments and transfers
ROUNDS = 3
TARGET = "a million units in seconds"


def seed(url: str, units: int) -> None:
    """Units added directly in bulk (each with its "created" history row and cost layer, as create_serial_unit
    leaves them), then shipments and transfers posted through the engine."""
    from sqlalchemy import insert, select, text

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.database.guard import posting_scope
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db
    from sos_serial.models import CostLayer, Customer, Item, Location, SerialHistory, SerialUnit, Settings

    app = make_app(url)
    with app.app_context():
        session = db.session
        Settings.current(session)
        session.commit()
        session.add_all([Location(name=name) for name in LOCATIONS])
        session.add_all([Customer(name=f"Customer {c}") for c in range(CUSTOMERS)])
        session.add_all([Item(name=f"Clock {i}", sku=f"CLK-{i:03d}", track_serials=True) for i in range(ITEMS)])
        session.commit()
        items = session.scalars(select(Item.id).order_by(Item.id)).all()
        locations = session.scalars(select(Location.id).order_by(Location.id)).all()
        customers = session.scalars(select(Customer.id).order_by(Customer.id)).all()
        started = time.perf_counter()
        per_item = {item: 0 for item in items}
        with posting_scope(session):
            batch = 50_000
            for start in range(0, units, batch):
                rows = []
                for n in range(start + 1, min(start + batch, units) + 1):
                    item = items[n % ITEMS]
                    per_item[item] += 1
                    rows.append({"id": n, "item_id": item, "serial_number": f"SN-{n:08d}",
                                 "serial_key": f"sn-{n:08d}", "status": "in_stock",
                                 "location_id": locations[n // ITEMS % len(LOCATIONS)], "unit_cost": 10})
                session.execute(insert(SerialUnit.__table__), rows)
                session.execute(insert(SerialHistory.__table__), [
                    {"serial_unit_id": r["id"], "transaction_type": "created", "date": date(2026, 1, 1),
                     "status": "in_stock", "location_id": r["location_id"]} for r in rows])
            for item, count in per_item.items():
                session.execute(insert(CostLayer.__table__).values(item_id=item, quantity=count,
                                                                  quantity_remaining=count, unit_cost=10))
                session.execute(text("UPDATE items SET quantity_on_hand = :n, value = :v WHERE id = :i"),
                                {"n": count, "v": count * 10 * 10_000, "i": item})
        session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), :n)"), {"n": units})
                conn.commit()
        print(f"  seeded {units:,} units in {time.perf_counter() - started:.0f} s", flush=True)
        started = time.perf_counter()
        # Units of item k sit at location (n // ITEMS) % 12: MOVED of them, from one location, per document.
        for d in range(DOCUMENTS * 2):
            item_index, location_index = d, 0
            serials = [f"SN-{n:08d}" for n in range(1, units + 1)
                       if n % ITEMS == item_index and n // ITEMS % len(LOCATIONS) == location_index][:MOVED]
            kind = "shipment" if d % 2 == 0 else "transfer"
            doc = {"type": kind, "date": "2026-02-01", "location_id": locations[location_index],
                   "lines": [{"item_id": items[item_index], "quantity": len(serials), "serials": serials}]}
            if kind == "shipment":
                doc["customer_id"] = customers[d]
            else:
                doc["to_location_id"] = locations[1]
            post_transaction(session, read_document(doc))
            session.expunge_all()
        print(f"  posted {DOCUMENTS * 2} shipments and transfers in {time.perf_counter() - started:.0f} s", flush=True)
        db.engine.dispose()
    settle(url)


def child(url: str) -> None:
    """One check in this process: its time, each check's time, the findings and the peak memory, as JSON."""
    from sos_serial.engine.invariants import find_problems
    from sos_serial.extensions import db

    app = make_app(url)
    with app.app_context():
        marks = []
        started = time.perf_counter()
        report = find_problems(db.session, limit=100, on_check=lambda check: marks.append((check.label,
                                                                                          time.perf_counter())))
        ended = time.perf_counter()
        db.engine.dispose()
    steps = {label: round((marks[i + 1][1] if i + 1 < len(marks) else ended) - at, 2)
             for i, (label, at) in enumerate(marks)}
    print(json.dumps({"seconds": round(ended - started, 2), "steps": steps, "findings": len(report.findings),
                      "units": report.units, "peak_rss_mb": round(peak_rss_mb())}))


def measure(url: str, kind: str) -> dict:
    runs = [run_child("bench.check", "child", url) for _ in range(ROUNDS)]
    median = statistics.median(run["seconds"] for run in runs)
    figures = {"median_s": median, "runs_s": [run["seconds"] for run in runs],
               "steps_of_median_run": min(runs, key=lambda run: abs(run["seconds"] - median))["steps"],
               "findings": runs[0]["findings"], "units": runs[0]["units"],
               "peak_rss_mb": max(run["peak_rss_mb"] for run in runs), "load_average": os.getloadavg()}
    print(f"{kind}: check over {figures['units']:,} units: median {median:.1f} s "
          f"(runs {', '.join(f'{s:.1f}' for s in figures['runs_s'])}), {figures['findings']} findings, "
          f"peak {figures['peak_rss_mb']} MB; load {os.getloadavg()[0]:.1f}", flush=True)
    for label, seconds in figures["steps_of_median_run"].items():
        print(f"    {label}: {seconds:.2f} s", flush=True)
    return figures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(machine(), flush=True)
    results = on_each_database(args.db, "check", lambda url: seed(url, args.units), measure)
    save_results("check", {"units": args.units, "target": TARGET, "results": results})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2])
    else:
        main()
