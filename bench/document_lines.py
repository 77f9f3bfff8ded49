"""Documents of many lines: receipts of 100 to 10,000 lines, plain items only or mixed (every other line a
serial-tracked item with one new serial), and shipments of a mixed receipt's lines (the units and quantities it
brought in, shipped to a customer), on a fresh database and on one that already holds history.

    python -m bench.document_lines [--db sqlite|postgresql|both] [--lines 100,1000,2000,5000,10000]
                                   [--mix plain,mixed,shipped] [--history 200000] [--profile]

Prints, per database state, document kind and size, the seconds from the JSON body to the commit, the
milliseconds a line (flat from 100 to 10,000 lines when the engine works per document, not per line), and
the app's own CPU seconds (the part a busy machine disturbs least; PostgreSQL's server work is not in it), and
the SQL statements the posting sent through SQLAlchemy. ``--history N`` seeds N serial units of the
tracked items, each with its history row and its item's stock and cost layer, before the second set of
runs (0: fresh databases only). The lines limit is lifted for the benchmark, whatever the default.
"""
from __future__ import annotations

import argparse
import os
import time
from datetime import date

from .common import machine, make_app, prepared_databases, save_results, settle

LINES = (100, 1_000, 2_000, 5_000, 10_000)
MIXES = ("plain", "mixed", "shipped")
HISTORY = 200_000
ITEMS = 400  # half tracked, half plain: a document's lines cycle through the ones its mix takes


def seed(url: str, history: int = 0) -> None:
    """Master data; then ``history`` units of the tracked items in stock, each with its history row, in bulk."""
    from sqlalchemy import insert, text

    from sos_serial.database.guard import posting_scope
    from sos_serial.extensions import db
    from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit

    app = make_app(url)
    with app.app_context():
        session = db.session
        session.add(Location(name="Main Warehouse"))
        session.add(Customer(name="Line Clock Buyer"))
        for n in range(ITEMS):
            session.add(Item(name=f"Line Clock {n:03d}", track_serials=n % 2 == 0))
        session.commit()
        if history:
            tracked = [row[0] for row in session.execute(text("SELECT id FROM items WHERE track_serials ORDER BY id"))]
            location = session.scalar(text("SELECT id FROM locations"))
            with posting_scope(session):
                batch = 50_000
                for start in range(0, history, batch):
                    rows = [{"id": n, "item_id": tracked[n % len(tracked)], "serial_number": f"HS-{n:08d}",
                             "serial_key": f"hs-{n:08d}", "status": "in_stock", "location_id": location,
                             "unit_cost": 10 * 10_000} for n in range(start + 1, min(start + batch, history) + 1)]
                    session.execute(insert(SerialUnit.__table__), rows)
                    session.execute(insert(SerialHistory.__table__), [
                        {"serial_unit_id": r["id"], "transaction_type": "created", "date": date(2026, 1, 1),
                         "status": "in_stock", "location_id": location} for r in rows])
                per_item = {item_id: history // len(tracked) + (1 if i < history % len(tracked) else 0)
                            for i, item_id in enumerate(tracked)}
                for item_id, count in per_item.items():
                    session.execute(text("UPDATE items SET quantity_on_hand = :n, value = :v WHERE id = :i"),
                                    {"n": count, "v": count * 10 * 10_000, "i": item_id})
                    session.execute(text("INSERT INTO cost_layers (item_id, quantity, quantity_remaining, unit_cost) "
                                         "VALUES (:i, :n, :n, :c)"), {"i": item_id, "n": count, "c": 10 * 10_000})
            session.commit()
            if db.engine.dialect.name == "postgresql":
                with db.engine.connect() as conn:
                    conn.execute(text("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), :n)"),
                                 {"n": history})
                    conn.commit()
        db.engine.dispose()


def document(lines: int, tag: str, mix: str, items: list[tuple[int, bool]], location: int) -> dict:
    """A receipt of ``lines`` lines: plain items only, or every other line a tracked item with one new serial
    (``shipped`` is received so, then shipped)."""
    plain = [item for item in items if not item[1]]
    tracked = [item for item in items if item[1]]
    body = []
    for n in range(lines):
        if mix == "plain" or n % 2:
            item_id, _ = plain[n % len(plain)]
            body.append({"item_id": item_id, "quantity": 1 + n % 5, "unit_cost": "3.50"})
        else:
            item_id, _ = tracked[n % len(tracked)]
            body.append({"item_id": item_id, "quantity": 1, "unit_cost": "3.50", "serials": [f"LN-{tag}-{n:06d}"]})
    return {"type": "item_receipt", "date": "2026-03-01", "location_id": location, "lines": body}


def shipment(receipt: dict, customer: int) -> dict:
    """What ``receipt`` brought in, every line of it, shipped to ``customer``."""
    return {"type": "shipment", "date": "2026-03-02", "location_id": receipt["location_id"], "customer_id": customer,
            "lines": [{key: value for key, value in line.items() if key != "unit_cost"} for line in receipt["lines"]]}


def measure(url: str, lines: int, tag: str, mix: str, profile: bool = False) -> dict:
    from sqlalchemy import event, text

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.limits import Limits
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db

    settle(url)
    app = make_app(url)
    with app.app_context():
        items = [(row.id, row.track_serials) for row in db.session.execute(
            text("SELECT id, track_serials FROM items ORDER BY id"))]
        location = db.session.scalar(text("SELECT id FROM locations"))
        db.session.commit()
        payload = document(lines, tag, mix, items, location)
        limits = Limits(lines_per_document=10**9)
        if mix == "shipped":
            # The receipt is not timed: what is timed is the shipment of everything it brought in.
            post_transaction(db.session, read_document(payload), limits=limits)
            payload = shipment(payload, db.session.scalar(text("SELECT min(id) FROM customers")))
        statements = []
        counter = lambda *args: statements.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", counter)
        start, cpu = time.perf_counter(), time.process_time()
        request = read_document(payload)
        read = time.perf_counter() - start
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        post_transaction(db.session, request, limits=limits)
        seconds = time.perf_counter() - start
        cpu = time.process_time() - cpu
        if profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        event.remove(db.engine, "before_cursor_execute", counter)
        db.engine.dispose()
    return {"lines": lines, "mix": mix, "read_s": round(read, 3), "seconds": round(seconds, 3),
            "ms_per_line": round(seconds * 1000 / lines, 3), "statements": len(statements),
            "app_cpu_s": round(cpu, 3)}


def run(which: str, name: str, prepare, sizes, mixes, profile: bool, state: str) -> dict:
    results = {}
    with prepared_databases(which, name, prepare) as urls:
        print(f"\n{state}: " + ", ".join(urls))
        print("| lines | mix | " + " | ".join(f"{kind} s | {kind} ms/line | {kind} app CPU s | {kind} statements"
                                             for kind in urls) + " |")
        print("|---|---|" + "---|---|---|---|" * len(urls))
        for mix in mixes:
            for round_, lines in enumerate(sizes):
                row = {kind: measure(url, lines, f"{state[0]}{mix[0]}{round_}", mix, profile)
                       for kind, url in urls.items()}
                results[f"{mix} {lines}"] = row
                print(f"| {lines:,} | {mix} | " + " | ".join(
                    f"{r['seconds']:.2f} | {r['ms_per_line']:.2f} | {r['app_cpu_s']:.2f} | {r['statements']}"
                    for r in row.values())
                    + " |", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--lines", default=",".join(str(n) for n in LINES))
    parser.add_argument("--mix", default=",".join(MIXES))
    parser.add_argument("--history", type=int, default=HISTORY)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(n) for n in args.lines.split(",")]
    mixes = [mix for mix in args.mix.split(",") if mix]
    if not set(mixes) <= set(MIXES):
        parser.error(f"--mix takes {', '.join(MIXES)}")
    print(f"Documents of many lines ({machine()}, load average {os.getloadavg()[0]:.2f}); "
          "seconds from the JSON body to the commit")
    results = {"fresh": run(args.db, "document_lines", seed, sizes, mixes, args.profile, "fresh")}
    if args.history:
        results["history"] = run(args.db, "document_lines_history", lambda url: seed(url, args.history), sizes,
                                 mixes, args.profile, f"history ({args.history:,} units)")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")
    save_results("document_lines", {"history_units": args.history, "results": results})


if __name__ == "__main__":
    main()
