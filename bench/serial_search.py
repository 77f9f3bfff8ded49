"""Find anything at scale: GET /api/v1/serials?q= and the Serial inventory's search box on 1,000,000 serial units
of 1,000 items, 2,000 customers and 12 locations, q-searches of several shapes, each requested 10 times in-process
and timed server-side (median and worst); on PostgreSQL the query plans of the searches too.

    python -m bench.serial_search [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import random
import statistics
import time
from datetime import date

from .common import arguments, machine, make_app, on_each_database, save_results, timed

REQUESTS = 10
# The screen is measured for these searches; the API for every one.
SCREEN_SEARCHES = ("a whole serial", "a common fragment (A00)", "an item's name word (Barometer)",
                   "a location's name (Dock)", "one character (7)")
ITEMS, CUSTOMERS = 1_000, 2_000
LOCATIONS = ("Main Warehouse", "Showroom", "Receiving Dock", "Repair Bench", "Van 1", "Van 2", "Yerevan Store",
             "Gyumri Store", "Returns Cage", "Quarantine", "Overflow", "Outlet")
NOUNS = ("Barometer", "Mantel Clock", "Wall Clock", "Cuckoo Clock", "Pocket Watch", "Hygrometer", "Chronometer",
         "Metronome", "Sundial", "Hourglass")
ADJECTIVES = ("Brass", "Oak", "Walnut", "Marine", "Antique", "Compact", "Grand", "Travel", "Desk", "Pilot")
SURNAMES = ("Hovhannisyan", "Petrosyan", "Baker", "Smith", "Novak", "Garcia", "Kim", "Okafor", "Ivanova", "Rossi")
SHIPPED_EVERY = 20  # one unit in 20 is at a customer
TARGET = "< 300 ms median per search"


def _serial(n: int, item: int) -> str:
    """Two shapes, as companies number: the item's prefix and a running number, or a scrambled code."""
    if n % 2:
        return f"{_sku(item).split('-')[0]}{item % 100:02d}-{n:08d}"
    scrambled = (n * 2_654_435_761) % 4_294_967_296
    return f"A{scrambled % 1000:03d}{chr(65 + n % 26)}{n:07d}"


def _sku(item: int) -> str:
    return f"{NOUNS[item % len(NOUNS)][:3].upper()}-{item:04d}"


def _prepare(url: str, units: int) -> None:
    """Master data and `units` serial units written in bulk, through the same tables and triggers as a posting."""
    from sqlalchemy import insert, text

    from sos_serial.database.guard import posting_scope
    from sos_serial.extensions import db
    from sos_serial.models import Customer, Item, Location, SerialUnit, User

    app = make_app(url)
    with app.app_context():
        session = db.session
        session.add_all([Location(name=name) for name in LOCATIONS])
        session.add_all([Customer(name=f"{SURNAMES[c % len(SURNAMES)]} {ADJECTIVES[c // 10 % 10]} Trading {c}")
                         for c in range(CUSTOMERS)])
        session.add_all([Item(name=f"{ADJECTIVES[i // 10 % 10]} {NOUNS[i % 10]} {i}", sku=_sku(i), track_serials=True)
                         for i in range(ITEMS)])
        user = User(username="bench", role="admin")
        user.set_password("bench-password")
        session.add(user)
        session.commit()
        item_ids = session.scalars(text("SELECT id FROM items ORDER BY id")).all()
        customer_ids = session.scalars(text("SELECT id FROM customers ORDER BY id")).all()
        location_ids = session.scalars(text("SELECT id FROM locations ORDER BY id")).all()
        started = time.perf_counter()
        with posting_scope(session):
            batch = 50_000
            for start in range(0, units, batch):
                rows = []
                for n in range(start + 1, min(start + batch, units) + 1):
                    item = n % ITEMS
                    serial = _serial(n, item)
                    shipped = n % SHIPPED_EVERY == 0
                    rows.append({"id": n, "item_id": item_ids[item], "serial_number": serial,
                                 "serial_key": serial.lower(), "status": "shipped" if shipped else "in_stock",
                                 "location_id": None if shipped else location_ids[n % len(LOCATIONS)],
                                 "customer_id": customer_ids[n // SHIPPED_EVERY % CUSTOMERS] if shipped else None, "unit_cost": 10})
                session.execute(insert(SerialUnit.__table__), rows)
        session.commit()
        print(f"  seeded {units:,} units in {time.perf_counter() - started:.0f} s", flush=True)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as conn:
                conn.execute(text("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), :n)"), {"n": units})
                conn.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("ANALYZE")
                conn.commit()
        db.engine.dispose()


def _searches(units: int) -> dict[str, str]:
    middle = units // 2 + 1  # odd: the item-prefix shape
    even = units // 2
    return {
        "a whole serial": _serial(middle, middle % ITEMS),
        "the middle of a serial (7 characters)": _serial(even, even % ITEMS)[3:10],
        "a common fragment (A00)": "A00",
        "an item's name word (Barometer)": "Barometer",
        "one item's name (Brass Barometer 500)": "Brass Barometer 500",
        "a SKU (BAR-0500)": "BAR-0500",
        "a customer's name (Okafor)": "Okafor",
        "a location's name (Dock)": "Dock",
        "two characters (K7)": "K7",
        "one character (7)": "7",
        "nothing matches (zzqqxx)": "zzqqxx",
    }


def _explain(app, searches: dict[str, str]) -> dict[str, str]:
    """PostgreSQL's plan of the list's page query for each search, as run (EXPLAIN ANALYZE)."""
    from sqlalchemy import func, select

    from sos_serial.engine.serial_search import anything_conditions
    from sos_serial.extensions import db
    from sos_serial.models import SerialUnit

    plans = {}
    with app.app_context():
        for name, q in searches.items():
            conditions = anything_conditions(db.session, q)
            for label, statement in (
                    ("page", select(SerialUnit.id).where(*conditions).order_by(SerialUnit.serial_key).limit(50)),
                    ("count", select(func.count(SerialUnit.id)).where(*conditions))):
                sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
                rows = db.session.execute(db.text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)).scalars().all()
                plans[f"{name}, {label}"] = sql + "\n\n" + "\n".join(rows)
        db.session.remove()
    return plans


def measure(url: str, units: int, label: str) -> dict:
    from sos_serial.testing.api import issue_token

    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    token = issue_token(app, "bench")
    headers = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    searches = _searches(units)
    figures = {}
    for name, q in searches.items():
        for where, path, args in (("API", "/api/v1/serials", {"q": q}),
                                  ("screen", "/admin/serial_inventory/", {"search": q})):
            if where == "screen" and not any(name.startswith(s) for s in SCREEN_SEARCHES):
                continue
            times, total = [], None
            for _ in range(REQUESTS + 1):
                elapsed, response = timed(lambda: client.get(path, query_string=args,
                                                             headers=headers if where == "API" else {}))
                if response.status_code != 200:
                    raise RuntimeError(f"{path} {args} answered {response.status_code}")
                times.append(elapsed * 1000)
                if where == "API":
                    total = response.get_json()["total"]
            times = times[1:]  # the first request warms caches; 10 are measured
            key = f"{where}: {name}"
            figures[key] = {"q": q, "median_ms": round(statistics.median(times), 1), "worst_ms": round(max(times), 1),
                            **({"found": total} if total is not None else {})}
            print(f"  {label:10} {key:52} q={q!r:24} median {figures[key]['median_ms']:7.1f} ms  "
                  f"worst {figures[key]['worst_ms']:7.1f} ms{'' if total is None else f'  found {total:,}'}",
                  flush=True)
    result = {"searches": figures}
    if label == "postgresql":
        result["plans"] = _explain(app, searches)
    from sos_serial.extensions import db
    with app.app_context():
        db.engine.dispose()
    return result


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(f"Machine: {machine()}")
    print(f"{args.units:,} serial units of {ITEMS:,} items, {CUSTOMERS:,} customers, {len(LOCATIONS)} locations "
          f"({date.today().isoformat()}). Target: {TARGET}.")
    random.seed(1)
    results = on_each_database(args.db, "serial_search", lambda url: _prepare(url, args.units),
                               lambda url, label: measure(url, args.units, label))
    save_results("serial_search", {"units": args.units, **results})
    for kind, figures in results.items():
        for name, plan in figures.get("plans", {}).items():
            print(f"\n--- {kind} plan: {name}\n{plan}")


if __name__ == "__main__":
    main()
