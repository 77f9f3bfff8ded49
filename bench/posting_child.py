"""One posting measurement in its own process: prints {"seconds", "peak_rss_mb", "rows"} as JSON."""
from __future__ import annotations

import json
import sys
import time
from datetime import date

from .common import make_app, peak_rss_mb
from .posting import RECEIPT, SHIPMENT


def _ids(session):
    from sqlalchemy import text

    names = session.execute(text("SELECT name, id FROM items")).all()
    return dict(names), session.scalar(text("SELECT id FROM locations")), session.scalar(text("SELECT id FROM customers"))


def _document(kind, items, location, customer, round_):
    """The document of one measurement; each round takes serials of its own."""
    if kind == "ship":
        first = round_ * SHIPMENT + 1
        serials = [f"SC-{n:08d}" for n in range(first, first + SHIPMENT)]
        return {"type": "shipment", "date": "2026-03-01", "location_id": location, "customer_id": customer,
                "lines": [{"item_id": items["Seeded Clock"], "quantity": SHIPMENT, "serials": serials}]}
    line = {"quantity": RECEIPT, "unit_cost": "12.50"}
    if kind == "typed":
        line.update(item_id=items["Typed Clock"], serials=[f"TC-{round_}-{n:08d}" for n in range(RECEIPT)])
    elif kind == "auto":
        line.update(item_id=items["Auto Clock"], auto_serials=True)
    else:
        line.update(item_id=items["Csv Clock"],
                    serials_csv="Serial Number\r\n" + "".join(f"CC-{round_}-{n:08d}\r\n" for n in range(RECEIPT)))
    return {"type": "item_receipt", "date": "2026-03-01", "location_id": location, "lines": [line]}


def _raw_insert(session, items, location) -> tuple[float, int]:
    """The same rows a 100,000-serial receipt writes (units, line links, history), by plain executemany."""
    from sqlalchemy import text

    conn = session.connection()
    dbapi = conn.connection.dbapi_connection
    postgres = conn.dialect.name == "postgresql"
    mark = "%s" if postgres else "?"
    item = items["Raw Clock"]
    doc = session.execute(text("INSERT INTO transactions (type, date, location_id, created_at) VALUES "
                               "('item_receipt', '2026-03-01', :l, CURRENT_TIMESTAMP) RETURNING id"),
                          {"l": location}).scalar()
    line = session.execute(text("INSERT INTO transaction_lines (transaction_id, line_no, item_id, quantity, cost) "
                                "VALUES (:d, 1, :i, :q, 0) RETURNING id"), {"d": doc, "i": item, "q": RECEIPT}).scalar()
    first = (session.scalar(text("SELECT max(id) FROM serial_units")) or 0) + 1
    ids = range(first, first + RECEIPT)
    start = time.perf_counter()
    cursor = dbapi.cursor()
    cursor.executemany(
        f"INSERT INTO serial_units (id, item_id, serial_number, serial_key, status, location_id, unit_cost, "
        f"version, created_at, updated_at) VALUES ({', '.join([mark] * 8)}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        [(n, item, f"RC-{n:08d}", f"rc-{n:08d}", "in_stock", location, 125000, 1) for n in ids])
    cursor.executemany(f"INSERT INTO transaction_line_serials (line_id, serial_unit_id) VALUES ({mark}, {mark})",
                       [(line, n) for n in ids])
    cursor.executemany(
        f"INSERT INTO serial_history (serial_unit_id, transaction_id, transaction_type, date, status, location_id, "
        f"recorded_at) VALUES ({', '.join([mark] * 6)}, CURRENT_TIMESTAMP)",
        [(n, doc, "item_receipt", "2026-03-01", "in_stock", location) for n in ids])
    if postgres:  # ids were given explicitly: move the sequence past them, as the posting does
        cursor.execute("SELECT setval(pg_get_serial_sequence('serial_units', 'id'), (SELECT max(id) FROM serial_units))")
    session.commit()
    return time.perf_counter() - start, 3 * RECEIPT


def main(url: str, kind: str, round_: int) -> None:
    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db

    app = make_app(url)
    with app.app_context():
        items, location, customer = _ids(db.session)
        db.session.commit()
        if kind == "raw":
            seconds, rows = _raw_insert(db.session, items, location)
        else:
            payload = _document(kind, items, location, customer, round_)
            start = time.perf_counter()
            request = read_document(payload)
            document = post_transaction(db.session, request)
            seconds = time.perf_counter() - start
            rows = 3 * abs(document.lines[0].quantity)
        db.engine.dispose()
    print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1), "rows": rows,
                      "date": date.today().isoformat()}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
