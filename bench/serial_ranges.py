"""Serial ranges at scale: a 100,000-serial receipt given as one range against the same receipt with its serials
listed, through the API's JSON and as a CSV file, on a database already holding serial units.

    python -m bench.serial_ranges [--db sqlite|postgresql|both] [--units 100000]
    python -m bench.serial_ranges parts

Each measurement runs in its own process, from the request's JSON text to the committed posting. ``parts``
times, in one process and without a database, only what differs between the two: reading the body into the
posting's request, and for the range making its serials.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from datetime import date

from .common import arguments, machine, make_app, peak_rss_mb, prepared_databases, run_child, save_results, settle

RECEIPT = 100_000
ROUNDS = 3
# scenario -> the item it receives
SCENARIOS = {"listed": "Listed Clock", "range": "Range Clock", "csv_rows": "Csv Rows Clock",
             "csv_range": "Csv Range Clock"}


def prepare(url: str, units: int) -> None:
    from sos_serial.extensions import db
    from sos_serial.models import Item

    from .posting import seed

    seed(url, units)
    app = make_app(url)
    with app.app_context():
        db.session.add_all([Item(name=name, track_serials=True) for name in SCENARIOS.values()])
        db.session.commit()
        db.engine.dispose()


def _body(scenario: str, item_id: int, location_id: int, round_: int) -> str:
    """The request's JSON text; each round receives serials of its own."""
    prefix = f"{scenario[:2].upper()}{round_}-"
    line = {"item_id": item_id, "quantity": RECEIPT}
    if scenario == "listed":
        line["serials"] = [f"{prefix}{n:07d}" for n in range(1, RECEIPT + 1)]
    elif scenario == "range":
        line["serial_ranges"] = [{"first": f"{prefix}0000001", "count": RECEIPT}]
    elif scenario == "csv_rows":
        line["serials_csv"] = "Serial Number\r\n" + "".join(f"{prefix}{n:07d}\r\n" for n in range(1, RECEIPT + 1))
    else:
        line["serials_csv"] = f"Serial Number\r\n{prefix}0000001 +{RECEIPT}\r\n"
    return json.dumps({"type": "item_receipt", "date": "2026-03-01", "location_id": location_id, "lines": [line]})


def child(url: str, scenario: str, round_: int) -> None:
    from sqlalchemy import text

    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.posting import post_transaction
    from sos_serial.extensions import db

    app = make_app(url)
    with app.app_context():
        item_id = db.session.scalar(text("SELECT id FROM items WHERE name = :n"), {"n": SCENARIOS[scenario]})
        location_id = db.session.scalar(text("SELECT min(id) FROM locations"))
        db.session.commit()
        body = _body(scenario, item_id, location_id, round_)
        start = time.perf_counter()
        document = post_transaction(db.session, read_document(json.loads(body)))
        seconds = time.perf_counter() - start
        units = abs(document.lines[0].quantity)
        db.engine.dispose()
    print(json.dumps({"seconds": round(seconds, 3), "peak_rss_mb": round(peak_rss_mb(), 1), "units": units,
                      "body_bytes": len(body), "date": date.today().isoformat()}))


def parts(rounds: int = 7) -> None:
    from sos_serial.api.schemas.transactions import read_document
    from sos_serial.engine.serial_ranges import range_serials

    listed, ranged = _body("listed", 1, 1, 0), _body("range", 1, 1, 0)

    def read_listed():
        return read_document(json.loads(listed)).lines[0].serials

    def read_range():
        return range_serials(read_document(json.loads(ranged)).lines[0].serial_ranges)

    for name, read in (("listed: JSON + read_document", read_listed),
                       ("range: JSON + read_document + its serials made", read_range)):
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            serials = read()
            times.append(time.perf_counter() - start)
        if len(serials) != RECEIPT:
            raise RuntimeError(f"{name} read {len(serials):,} serials, not {RECEIPT:,}")
        print(f"{name:48} median {statistics.median(times) * 1000:6.1f} ms (fastest {min(times) * 1000:.1f} ms)")


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    args.units = args.units if args.units != 1_000_000 else 100_000  # this bench's own default
    print(f"Machine: {machine()}")
    print(f"Database holds {args.units:,} serial units before each measurement.")
    runs: dict[str, dict[str, list]] = {}
    with prepared_databases(args.db, "ranges", lambda url: prepare(url, args.units)) as urls:
        for round_ in range(ROUNDS):
            for scenario in SCENARIOS:
                for kind, url in urls.items():
                    settle(url)
                    shown = run_child("bench.serial_ranges", "child", url, scenario, str(round_))
                    runs.setdefault(kind, {}).setdefault(scenario, []).append(shown)
                    print(f"  {kind:10} {scenario:9} round {round_ + 1}  {shown['seconds']:7.3f} s"
                          f"  peak {shown['peak_rss_mb']:6.1f} MB  body {shown['body_bytes']:,} bytes", flush=True)
    lines = ["", (f"Median of {ROUNDS} runs (fastest-slowest), peak memory of the largest run, "
                  f"{RECEIPT:,} serials a receipt."), "",
             "| scenario | " + " | ".join(f"{kind} s | {kind} peak MB | {kind} ×listed" for kind in runs) + " |",
             "|---" * (1 + 3 * len(runs)) + "|"]
    results = {}
    for scenario in SCENARIOS:
        cells = []
        for kind, taken in runs.items():
            times = sorted(run["seconds"] for run in taken[scenario])
            median = statistics.median(times)
            listed = statistics.median(run["seconds"] for run in taken["listed"])
            results.setdefault(kind, {})[scenario] = {"seconds": median, "runs": times,
                                                      "peak_rss_mb": max(r["peak_rss_mb"] for r in taken[scenario])}
            cells.append(f"{median:.2f} ({times[0]:.2f}-{times[-1]:.2f}) | "
                         f"{results[kind][scenario]['peak_rss_mb']:.0f} | {median / listed:.2f}")
        lines.append(f"| {scenario} | " + " | ".join(cells) + " |")
    print("\n".join(lines))
    save_results("serial_ranges", {"units": args.units, **results})


if __name__ == "__main__":
    if sys.argv[1:2] == ["child"]:
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    elif sys.argv[1:2] == ["parts"]:
        parts()
    else:
        main()
