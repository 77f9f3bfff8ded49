"""Screens at scale: the Serial inventory list, a filtered page, a serial search, the shipment
picker's search, and one unit's history, on a database of 1,000,000 serial units. Each page is
requested 20 times in-process and timed server-side (median and worst).

    python -m bench.screens [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import statistics
import time

from .common import arguments, machine, make_app, on_each_database, save_results
from .posting import seed

REQUESTS = 20
SHIPPED = 30_000
TARGETS = "list pages and searches < 300 ms median; the dropdown < 100 ms median"


def _prepare(url: str, units: int) -> None:
    """The seeded units, 30,000 of them shipped (so customers and history have rows), and a user."""
    from sqlalchemy import text

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db
    from sos_serial.models import User

    seed(url, units)
    app = make_app(url)
    with app.app_context():
        item = db.session.scalar(text("SELECT id FROM items WHERE name = 'Seeded Clock'"))
        post_transaction(db.session, read_document({
            "type": "shipment", "date": "2026-03-01", "location_id": 1, "customer_id": 1,
            "lines": [{"item_id": item, "quantity": SHIPPED,
                       "serials": [f"SC-{n:08d}" for n in range(units - SHIPPED + 1, units + 1)]}]}))
        user = User(username="bench", role="admin")
        user.set_password("bench-password")
        db.session.add(user)
        db.session.commit()
        db.engine.dispose()


def _filter_arg(view, label: str, operation: str) -> str:
    for arg, (_index, flt) in view._filter_args.items():
        if flt.name == label and flt.operation() == operation:
            return f"flt0_{arg}"
    raise LookupError(f"{label} {operation}")


def _pages(app, units: int) -> dict[str, str]:
    from sqlalchemy import text

    from sos_serial.extensions import db

    with app.app_context():
        item = db.session.scalar(text("SELECT id FROM items WHERE name = 'Seeded Clock'"))
        middle = units // 2
        unit_id = db.session.scalar(text("SELECT id FROM serial_units WHERE serial_key = :k"),
                                    {"k": f"sc-{middle:08d}"})
    views = {v.endpoint: v for v in app.extensions["admin"][0]._views}
    inventory = views["serial_inventory"]
    location = _filter_arg(inventory, "Location", "equals")
    status = _filter_arg(inventory, "Status", "equals")
    history = views["serial_history"]
    serial_filter = next(f"flt0_{arg}" for arg, (_i, flt) in history._filter_args.items()
                         if flt.name == "Serial number")
    return {
        "Serial inventory, first page": "/admin/serial_inventory/",
        "Serial inventory, filtered (location + status)": f"/admin/serial_inventory/?{location}=1&{status}=in_stock",
        "Serial inventory, serial search": f"/admin/serial_inventory/?search=SC-{middle:08d}",
        "Shipment picker search": f"/admin/shipments/serial-options/?type=shipment&item_id={item}&location_id=1"
                                  f"&q=sc-{middle // 1000:05d}",
        "Unit transaction history": f"/admin/serial_inventory/history/?id={unit_id}",
        "Serial unit history report, one unit": f"/admin/serial_history/?{serial_filter}=SC-{middle:08d}",
        "Serial unit history report, first page": "/admin/serial_history/",
    }


def measure(url: str, units: int, label: str) -> dict:
    app = make_app(url)
    client = app.test_client()
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    figures = {}
    for name, path in _pages(app, units).items():
        times = []
        for _ in range(REQUESTS + 1):
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
        times = times[1:]  # the first request warms caches; 20 are measured
        figures[name] = {"median_ms": round(statistics.median(times), 1), "worst_ms": round(max(times), 1),
                         "path": path}
        print(f"  {label:10} {name:48} median {figures[name]['median_ms']:7.1f} ms  "
              f"worst {figures[name]['worst_ms']:7.1f} ms", flush=True)
    from sos_serial.extensions import db

    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(f"Machine: {machine()}")
    print(f"{args.units:,} serial units ({SHIPPED:,} shipped). Targets: {TARGETS}.")
    results = on_each_database(args.db, "screens", lambda url: _prepare(url, args.units),
                               lambda url, label: measure(url, args.units, label))
    save_results("screens", {"units": args.units, **results})


if __name__ == "__main__":
    main()
