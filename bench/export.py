"""Exports at scale: the Serial inventory CSV export of 200,000 units, streamed (rows read 1,000 at a time
while the answer is sent) against every row read first (Flask-Admin's own export, as before issue 11):
time to the first byte, time to the last, and the peak memory of the process serving it.

    python -m bench.export [--db sqlite|postgresql|both] [--units 200000]
"""
from __future__ import annotations

import json
import sys
import time

from .common import machine, make_app, on_each_database, peak_rss_mb, run_child, save_results
from .posting import seed

MODES = ("streamed", "all rows first")


def _prepare(url: str, units: int) -> None:
    from sos_serial.extensions import db
    from sos_serial.models import User

    seed(url, units)
    app = make_app(url)
    with app.app_context():
        user = User(username="bench", role="admin")
        user.set_password("bench-password")
        db.session.add(user)
        db.session.commit()
        db.engine.dispose()


def child(url: str, mode: str) -> None:
    """One export in this fresh process; prints its figures as JSON on the last line."""
    from flask_admin.contrib.sqla import ModelView

    from sos_serial.extensions import db
    from sos_serial.views.csv_export import StreamedCsvExport

    if mode == "all rows first":
        StreamedCsvExport._export_data = ModelView._export_data  # Flask-Admin's: get_list(...) into a list
    app = make_app(url)
    app.config["WTF_CSRF_ENABLED"] = False
    client = app.test_client()
    client.post("/login", data={"username": "bench", "password": "bench-password"})
    before = peak_rss_mb()
    start = time.perf_counter()
    response = client.get("/admin/serial_inventory/export/csv/", buffered=False)
    chunks = iter(response.response)
    size = len(next(chunks))
    first = time.perf_counter() - start
    lines = 1
    for chunk in chunks:
        size += len(chunk)
        lines += 1
    total = time.perf_counter() - start
    response.close()
    with app.app_context():
        db.engine.dispose()
    print(json.dumps({"rows": lines - 1, "megabytes": round(size / 1e6, 1), "first_byte_s": round(first, 2),
                      "total_s": round(total, 1), "peak_rss_mb": round(peak_rss_mb()),
                      "rss_before_mb": round(before)}))


def measure(url: str, label: str) -> dict:
    figures = {}
    for mode in MODES:
        figures[mode] = run_child("bench.export", "--child", url, mode)
        f = figures[mode]
        print(f"  {label:10} {mode:15} {f['rows']:,} rows, {f['megabytes']} MB: first byte {f['first_byte_s']} s, "
              f"all {f['total_s']} s, peak memory {f['peak_rss_mb']} MB (app ready: {f['rss_before_mb']} MB)",
              flush=True)
    return figures


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3])
        return
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--units", type=int, default=200_000)
    units = parser.parse_args().units
    which = parser.parse_args().db
    print(f"Machine: {machine()}")
    print(f"Serial inventory CSV export of {units:,} units.")
    results = on_each_database(which, "export", lambda url: _prepare(url, units), measure)
    save_results("export", {"units": units, **results})


if __name__ == "__main__":
    main()
