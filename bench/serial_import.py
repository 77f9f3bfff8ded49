"""`flask serials import` at scale: a file of 1,000,000 serials (and one of 100,000, to compare the peak memory)
checked and received in item receipts of 10,000 serials, on SQLite and PostgreSQL; each import in a fresh process
(its time and peak memory), then `check` over the result.

    python -m bench.serial_import [--db sqlite|postgresql|both] [--units 1000000]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .common import arguments, machine, make_app, on_each_database, peak_rss_mb, run_child, save_results, settle

PART_SIZE = 10_000
TARGET = "memory bounded by the part, not the file"


def prepare(url: str) -> None:
    from sos_serial.extensions import db
    from sos_serial.models import Item, Location, Settings

    app = make_app(url)
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        db.session.add_all([Location(name="Main Warehouse"),
                            Item(name="Small Clock", sku="CLK-S", track_serials=True, cost=10),
                            Item(name="Large Clock", sku="CLK-L", track_serials=True, cost=10)])
        db.session.commit()
        db.engine.dispose()


def write_file(path: Path, count: int, prefix: str) -> None:
    with open(path, "w", encoding="utf-8") as file:
        file.write("Serial Number\n")
        for start in range(0, count, 100_000):
            file.write("".join(f"{prefix}-{n:08d}\n" for n in range(start, min(start + 100_000, count))))


def child(url: str, path: str, sku: str) -> None:
    """One import in this process, as the command runs it: its time and this process's peak memory, as JSON."""
    app = make_app(url)
    runner = app.test_cli_runner()
    started = time.perf_counter()
    result = runner.invoke(args=["serials", "import", path, "--item", sku, "--location", "Main Warehouse",
                                 "--part-size", str(PART_SIZE), "--quiet"])
    seconds = time.perf_counter() - started
    if result.exit_code != 0:
        raise SystemExit(result.output[-2000:])
    print(json.dumps({"seconds": round(seconds, 1), "peak_rss_mb": round(peak_rss_mb()),
                      "last_line": result.output.strip().splitlines()[-1][:200]}))


def check_child(url: str) -> None:
    from sos_serial.engine.invariants import find_problems
    from sos_serial.extensions import db

    app = make_app(url)
    with app.app_context():
        started = time.perf_counter()
        report = find_problems(db.session)
        seconds = time.perf_counter() - started
        db.engine.dispose()
    print(json.dumps({"seconds": round(seconds, 1), "findings": len(report.findings), "units": report.units}))


def measure(url: str, kind: str, units: int, directory: Path) -> dict:
    figures = {}
    for label, sku, count in (("small", "CLK-S", units // 10), ("large", "CLK-L", units)):
        path = directory / f"{label}.csv"
        settle(url)
        run = run_child("bench.serial_import", "child", url, str(path), sku)
        figures[label] = {"serials": count, **run, "serials_per_s": round(count / run["seconds"]),
                          "load_average": os.getloadavg()}
        print(f"{kind}: imported {count:,} serials in {run['seconds']:.1f} s ({count / run['seconds']:,.0f}/s), "
              f"peak {run['peak_rss_mb']} MB; load {os.getloadavg()[0]:.1f}", flush=True)
    checked = run_child("bench.serial_import", "check", url)
    figures["check_after"] = checked
    print(f"{kind}: check after the imports: {checked['units']:,} units, {checked['findings']} findings, "
          f"{checked['seconds']:.1f} s", flush=True)
    return figures


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    print(machine(), flush=True)
    with tempfile.TemporaryDirectory(prefix="sos-import-bench-") as scratch:
        directory = Path(scratch)
        write_file(directory / "small.csv", args.units // 10, "SML")
        write_file(directory / "large.csv", args.units, "LRG")
        results = on_each_database(args.db, "serial_import", prepare,
                                   lambda url, kind: measure(url, kind, args.units, directory))
    save_results("serial_import", {"units": args.units, "part_size": PART_SIZE, "target": TARGET, "results": results})


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "check":
        check_child(sys.argv[2])
    else:
        main()
