"""The screens and searches at ten million units: each page requested through the app's test client (in-process,
signed in as ``bench``), first hit and warm, median of several runs; a 10,000-serial shipment through the API.

    python -m bench.ten_million_measure --url postgresql+psycopg://postgres@127.0.0.1:PORT/NAME
        [--rounds 3] [--warm 7] [--pg-dir DIR] [--shipments 3] [--explain]

The database is one bench/ten_million.py filled. First hit: each page once, in a fresh app, after a restart of
the PostgreSQL server when --pg-dir names its folder (its buffers empty; the operating system's cache is not
dropped), --rounds times. Warm: each page --warm more times in the same app. Times are wall-clock per request,
server-side in-process (no network), in milliseconds. --explain prints EXPLAIN (ANALYZE, BUFFERS) of the list's
queries as the pages run them.
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from datetime import date

from .common import machine, make_app

TARGET_MS, SHIPMENT_TARGET_S = 300, 3


def _facts(url: str) -> dict:
    """Ids and texts the pages are asked with, read once from the database."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        one = lambda sql, args=None: conn.execute(sql, args).fetchone()
        units = one("SELECT reltuples::bigint FROM pg_class WHERE relname = 'serial_units'")[0]
        item, location = one("SELECT item_id, location_id FROM serial_units WHERE status = 'in_stock' "
                             "AND id > (SELECT max(id) / 2 FROM serial_units) ORDER BY id LIMIT 1")
        middle = one("SELECT id, serial_number FROM serial_units WHERE id >= (SELECT max(id) / 2 + 1 FROM serial_units)"
                     " AND serial_number NOT LIKE 'A%' ORDER BY id LIMIT 1")
        picker = one("SELECT serial_number FROM serial_units WHERE item_id = %s AND location_id = %s "
                     "AND status = 'in_stock' ORDER BY id LIMIT 1", (item, location))[0]
        customer = one("SELECT customer_id FROM serial_units WHERE status = 'shipped' ORDER BY id DESC LIMIT 1")[0]
        shipped_unit = one("SELECT serial_unit_id FROM serial_history WHERE transaction_type = 'shipment' "
                           "ORDER BY id DESC LIMIT 1")[0]
    return {"units": units, "item": item, "location": location, "unit": middle[0], "serial": middle[1],
            "picker_prefix": picker[:len(picker) - 3], "customer": customer, "history_unit": shipped_unit}


def pages(facts: dict) -> dict[str, str]:
    today = date.today()
    month_ago = date.fromordinal(today.toordinal() - 30).isoformat()
    serial = facts["serial"]
    last_page = max(facts["units"] // 50 - 1, 0)
    return {
        "Serial inventory, first page": "/admin/serial_inventory/",
        "Serial inventory, page 10,000 by number (OFFSET)": "/admin/serial_inventory/?page=9999",
        "Serial inventory, last page by number (OFFSET)": f"/admin/serial_inventory/?page={last_page}",
        # The same rows by keyset: ids run 1..N in the generated data, so after=499950 is page 10,000.
        "Serial inventory, page 10,000 by keyset (after=)": "/admin/serial_inventory/?after=499950",
        "Serial inventory, last page by keyset (last=1)": "/admin/serial_inventory/?last=1",
        "Serial inventory, by item": f"/admin/serial_inventory/?flt0_item_equals={facts['item']}",
        "Serial inventory, by location": f"/admin/serial_inventory/?flt0_location_equals={facts['location']}",
        "Serial inventory, by status (shipped)": "/admin/serial_inventory/?flt0_status_equals=shipped",
        "Serial inventory, by customer": f"/admin/serial_inventory/?flt0_customer_equals={facts['customer']}",
        "Serial inventory, search a whole serial": f"/admin/serial_inventory/?search={serial}",
        "Serial inventory, search a fragment (7 chars)": f"/admin/serial_inventory/?search={serial[-9:-2]}",
        "API serials ?q= whole serial": f"/api/v1/serials?q={serial}",
        "API serials ?q= fragment (7 chars)": f"/api/v1/serials?q={serial[-9:-2]}",
        "Shipment dropdown search (serial-options)":
            f"/admin/shipments/serial-options/?item_id={facts['item']}&location_id={facts['location']}"
            f"&type=shipment&q={facts['picker_prefix']}",
        "One unit's history page": f"/admin/serial_inventory/history/?id={facts['history_unit']}",
        "History report, first page": "/admin/serial_history/",
        "History report, last 30 days": f"/admin/serial_history/?flt0_date_from={month_ago}",
        "History report, by customer": f"/admin/serial_history/?flt0_customer_equals={facts['customer']}",
        "Warranties expiring (30 days)": "/admin/warranties_expiring/",
    }


def _signed_in(url: str):
    from sos_serial.testing.api import issue_token

    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    token = issue_token(app, "bench")
    client = app.test_client()
    answer = client.post("/login", data={"username": "bench", "password": "bench-password"})
    if answer.status_code not in (200, 302):
        raise RuntimeError(f"sign-in answered {answer.status_code}")
    return app, client, {"Authorization": f"Bearer {token}"}


def _get(client, headers, path, statements: list | None = None) -> float:
    """One request's wall-clock milliseconds; ``statements`` collects (ms, SQL, parameters) of what it ran."""
    from sqlalchemy import event

    from sos_serial.extensions import db

    def before(conn, cursor, statement, parameters, context, executemany):
        conn.info["sos_bench_started"] = time.perf_counter()

    def after(conn, cursor, statement, parameters, context, executemany):
        took = (time.perf_counter() - conn.info.pop("sos_bench_started", time.perf_counter())) * 1000
        statements.append((took, statement, parameters))

    engine = None
    if statements is not None:
        with client.application.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", before)
        event.listen(engine, "after_cursor_execute", after)
    try:
        started = time.perf_counter()
        answer = client.get(path, headers=headers if path.startswith("/api/") else {})
        elapsed = (time.perf_counter() - started) * 1000
    finally:
        if engine is not None:
            event.remove(engine, "before_cursor_execute", before)
            event.remove(engine, "after_cursor_execute", after)
    if answer.status_code != 200:
        raise RuntimeError(f"{path} answered {answer.status_code}: {answer.text[:300]}")
    return elapsed


def explain_pages(url: str, slowest: int = 2) -> dict[str, list[str]]:
    """Each page's slowest statements (warm), with PostgreSQL's EXPLAIN (ANALYZE, BUFFERS) of each."""
    from sos_serial.extensions import db

    facts = _facts(url)
    app, client, headers = _signed_in(url)
    plans = {}
    for name, path in pages(facts).items():
        _get(client, headers, path)
        statements: list = []
        _get(client, headers, path, statements)
        plans[name] = []
        with app.app_context():
            for took, sql, parameters in sorted(statements, key=lambda s: -s[0])[:slowest]:
                rows = db.session.connection().exec_driver_sql(
                    "EXPLAIN (ANALYZE, BUFFERS) " + sql, parameters).scalars().all()
                db.session.rollback()
                plans[name].append(f"-- {took:.1f} ms in the request\n{sql}\n{parameters}\n" + "\n".join(rows))
            db.session.remove()
        print(f"\n===== {name}: {path}\n" + "\n\n".join(plans[name]), flush=True)
    with app.app_context():
        db.engine.dispose()
    return plans


def _restart(pg_dir: str | None) -> None:
    if pg_dir:
        from tests.support import postgres_server as pg

        pg.restart(pg_dir)


def measure_pages(url: str, rounds: int, warm: int, pg_dir: str | None) -> dict:
    from sos_serial.extensions import db

    facts = _facts(url)
    asked = pages(facts)
    first: dict[str, list[float]] = {name: [] for name in asked}
    warm_times: dict[str, list[float]] = {name: [] for name in asked}
    for round_no in range(rounds):
        _restart(pg_dir)
        app, client, headers = _signed_in(url)
        for name, path in asked.items():
            first[name].append(_get(client, headers, path))
        if round_no == rounds - 1:
            for _ in range(warm):
                for name, path in asked.items():
                    warm_times[name].append(_get(client, headers, path))
        with app.app_context():
            db.engine.dispose()
    figures = {}
    for name, path in asked.items():
        figures[name] = {"path": path, "first_hit_ms": [round(t) for t in first[name]],
                         "first_hit_median_ms": round(statistics.median(first[name]), 1),
                         "warm_median_ms": round(statistics.median(warm_times[name]), 1) if warm_times[name] else None,
                         "warm_worst_ms": round(max(warm_times[name]), 1) if warm_times[name] else None}
        f = figures[name]
        verdict = "ok" if (f["warm_median_ms"] or 0) < TARGET_MS and f["first_hit_median_ms"] < TARGET_MS else "MISS"
        print(f"  {name:48} first hit median {f['first_hit_median_ms']:8.1f} ms {f['first_hit_ms']!s:22} "
              f"warm median {f['warm_median_ms']:8.1f} ms  worst {f['warm_worst_ms']:8.1f} ms  {verdict}", flush=True)
    return {"facts": facts, "pages": figures}


def _post(client, headers, body) -> float:
    started = time.perf_counter()
    answer = client.post("/api/v1/transactions", json=body, headers=headers)
    elapsed = time.perf_counter() - started
    if answer.status_code != 201:
        raise RuntimeError(f"the {body['type']} answered {answer.status_code}: {answer.text[:500]}")
    return elapsed


def measure_shipments(url: str, count: int, size: int = 10_000) -> dict:
    """10,000-serial shipments through POST /transactions (post_transaction), into the full tables: ``count`` of one
    line (an item received for it first, 10,000 units a run), and one spread over many lines (the units in stock at
    the fullest location, newest first)."""
    import psycopg

    from sos_serial.extensions import db

    app, client, headers = _signed_in(url)
    today = date.today().isoformat()
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        location = conn.execute("SELECT location_id FROM serial_units WHERE status = 'in_stock' "
                                "GROUP BY location_id ORDER BY count(*) DESC LIMIT 1").fetchone()[0]
        customer = conn.execute("SELECT min(id) FROM customers").fetchone()[0]
        item = conn.execute("SELECT min(id) FROM items").fetchone()[0]
        runs = conn.execute("SELECT count(*) FROM transactions WHERE type = 'shipment' AND date = %s",
                            (date.today(),)).fetchone()[0]
        many = conn.execute("SELECT item_id, serial_number FROM serial_units WHERE status = 'in_stock' "
                            "AND location_id = %s ORDER BY id DESC LIMIT %s", (location, size)).fetchall()
    one_line, receipts = [], []
    for n in range(count):
        serials = [f"TM{runs}-{n}-{i:06d}" for i in range(size)]
        receipts.append(_post(client, headers, {"type": "item_receipt", "date": today, "location_id": location,
                                                "lines": [{"item_id": item, "quantity": size, "serials": serials}]}))
        one_line.append(_post(client, headers, {
            "type": "shipment", "date": today, "customer_id": customer, "location_id": location,
            "lines": [{"item_id": item, "quantity": size, "serials": serials}]}))
        print(f"  one-line run {n + 1}: receipt of {size:,} in {receipts[-1]:.2f} s, shipment of {size:,} in "
              f"{one_line[-1]:.2f} s", flush=True)
    by_item: dict[int, list[str]] = {}
    for item_id, serial in many:
        by_item.setdefault(item_id, []).append(serial)
    spread = _post(client, headers, {"type": "shipment", "date": today, "customer_id": customer,
                                     "location_id": location,
                                     "lines": [{"item_id": i, "quantity": len(s), "serials": s}
                                               for i, s in by_item.items()]})
    print(f"  many-line shipment: {len(many):,} serials on {len(by_item)} lines in {spread:.2f} s", flush=True)
    with app.app_context():
        db.engine.dispose()
    return {"serials": size, "one_line_shipment_s": [round(t, 2) for t in one_line],
            "one_line_median_s": round(statistics.median(one_line), 2) if one_line else None,
            "receipt_s": [round(t, 2) for t in receipts], "many_lines": len(by_item), "many_line_shipment_s":
            round(spread, 2)}


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warm", type=int, default=7)
    parser.add_argument("--pg-dir")
    parser.add_argument("--shipments", type=int, default=3)
    parser.add_argument("--out", help="a JSON file for the figures")
    parser.add_argument("--explain", action="store_true", help="only the plans of each page's slowest statements")
    args = parser.parse_args()
    if args.explain:
        explain_pages(args.url)
        return
    print(f"Machine: {machine()}; load average {os.getloadavg()}")
    result = {"machine": machine(), "load_before": os.getloadavg(), **measure_pages(args.url, args.rounds, args.warm,
                                                                                    args.pg_dir)}
    if args.shipments:
        result["shipment"] = measure_shipments(args.url, args.shipments)
    result["load_after"] = os.getloadavg()
    print(f"load average after: {result['load_after']}")
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=2)


if __name__ == "__main__":
    main()
