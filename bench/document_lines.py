"""Documents of many lines: receipts of 1,000, 5,000 and 20,000 lines, half of serial-tracked items (one
new serial a line) and half of plain items, each posted on a fresh database, to choose the lines limit.

    python -m bench.document_lines [--db sqlite|postgresql|both] [--lines 1000,5000,20000] [--profile]
"""
from __future__ import annotations

import argparse
import os
import time

from .common import machine, make_app, prepared_databases, save_results, settle

LINES = (1_000, 5_000, 20_000)
ITEMS = 200  # half tracked, half plain: the lines cycle through them


def seed(url: str) -> None:
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location

    app = make_app(url)
    with app.app_context():
        db.session.add(Location(name="Main Warehouse"))
        for n in range(ITEMS):
            db.session.add(Item(name=f"Line Clock {n:03d}", track_serials=n % 2 == 0))
        db.session.commit()
        db.engine.dispose()


def document(lines: int, round_: int, items: list[tuple[int, bool]], location: int) -> dict:
    body = []
    for n in range(lines):
        item_id, tracked = items[n % len(items)]
        line = {"item_id": item_id, "quantity": 1, "unit_cost": "3.50"}
        if tracked:
            line["serials"] = [f"LN-{round_}-{n:06d}"]
        body.append(line)
    return {"type": "item_receipt", "date": "2026-03-01", "location_id": location, "lines": body}


def measure(url: str, lines: int, round_: int, profile: bool = False) -> dict:
    from sqlalchemy import text

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
        payload = document(lines, round_, items, location)
        limits = Limits(lines_per_document=10**9) if "lines_per_document" in Limits.__dataclass_fields__ else Limits()
        start = time.perf_counter()
        request = read_document(payload)
        read = time.perf_counter() - start
        if profile:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.enable()
        post_transaction(db.session, request, limits=limits)
        seconds = time.perf_counter() - start
        if profile:
            profiler.disable()
            pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(45)
        db.engine.dispose()
    return {"lines": lines, "read_s": round(read, 3), "seconds": round(seconds, 3),
            "ms_per_line": round(seconds * 1000 / lines, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--lines", default=",".join(str(n) for n in LINES))
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    sizes = [int(n) for n in args.lines.split(",")]
    print(f"Documents of many lines ({machine()}); seconds from the JSON body to the commit")
    results = {}
    with prepared_databases(args.db, "document_lines", seed) as urls:
        print("| lines | " + " | ".join(f"{kind} s | {kind} ms/line" for kind in urls) + " |")
        print("|---|" + "---|---|" * len(urls))
        for round_, lines in enumerate(sizes):
            row = {kind: measure(url, lines, round_, args.profile) for kind, url in urls.items()}
            results[lines] = row
            print(f"| {lines:,} | " + " | ".join(f"{r['seconds']:.2f} | {r['ms_per_line']:.2f}"
                                                 for r in row.values()) + " |", flush=True)
    save_results("document_lines", {"results": results})


if __name__ == "__main__":
    main()
