"""The packing list of one shipment of many serials (2,000 by default): the page and the PDF, each made three
times through the screens' routes, median and each time printed, wall clock and this process's CPU time (the
steadier figure on a shared machine).

    python -m bench.packing_list [--db sqlite|postgresql|both] [--serials 2000]
"""
from __future__ import annotations

import argparse
import io
import statistics
import time

from .common import machine, make_app, on_each_database

ROUNDS = 3


def prepare(serials: int):
    def seed(url: str) -> None:
        from sos_serial.api.schemas.transactions import read_document
        from sos_serial.engine.limits import Limits
        from sos_serial.engine.posting import post_transaction
        from sos_serial.extensions import db
        from sos_serial.models import Customer, Item, Location, Settings, User, Warranty

        app = make_app(url)
        with app.app_context():
            settings = Settings.current(db.session)
            settings.company_name, settings.company_address = "Yerevan Clock Traders", "12 Abovyan Street\nYerevan"
            warranty = Warranty(name="1 year parts and labor", duration=1, unit="years")
            clock = Item(name="Armenian Mantel Clock", sku="CLK", track_serials=True, warranty=warranty)
            main = Location(name="Main Warehouse")
            acme = Customer(name="Acme Clocks", shipping_address="Dock 4\n500 Harbour Road")
            user = User(username="bench", role="admin")
            user.set_password("bench password 2026")
            db.session.add_all([warranty, clock, main, acme, user])
            db.session.commit()
            numbers = [f"PL-{n:06d}" for n in range(serials)]
            for kind, extra in (("item_receipt", {}), ("shipment", {"customer_id": acme.id})):
                post_transaction(db.session, read_document({
                    "type": kind, "date": "2026-03-02", "location_id": main.id, **extra,
                    "lines": [{"item_id": clock.id, "quantity": serials, "serials": numbers}]}), user, Limits())
            db.engine.dispose()

    return seed


def measure(url: str, kind: str) -> dict:
    from pypdf import PdfReader

    from sos_serial.extensions import db
    from sos_serial.models import Transaction

    app = make_app(url)
    with app.app_context():
        shipment = db.session.query(Transaction).filter_by(type="shipment").one().id
        db.session.remove()
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    client.post("/login", data={"username": "bench", "password": "bench password 2026", "csrf_token": token})
    figures = {}
    for name, path in (("page", f"/admin/transactions/packing-list/?id={shipment}"),
                       ("pdf", f"/admin/transactions/packing-list/pdf/?id={shipment}")):
        times, cpu = [], []
        for _ in range(ROUNDS):
            start, start_cpu = time.perf_counter(), time.process_time()
            answer = client.get(path)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
            if answer.status_code != 200:
                raise RuntimeError(f"{path} answered {answer.status_code}")
        figures[name] = {"median_s": statistics.median(times), "times_s": times, "cpu_s": statistics.median(cpu),
                         "kib": len(answer.data) / 1024}
        if name == "pdf":
            figures[name]["pages"] = len(PdfReader(io.BytesIO(answer.data)).pages)
    with app.app_context():
        db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--serials", type=int, default=2_000)
    args = parser.parse_args()
    print(f"Packing list of one shipment of {args.serials:,} serials; {machine()}")
    results = on_each_database(args.db, "packing_list", prepare(args.serials), measure)
    for kind, figures in results.items():
        for name, f in figures.items():
            pages = f", {f['pages']} pages" if "pages" in f else ""
            print(f"{kind:10} {name:4}  median {f['median_s']:.2f} s  ({', '.join(f'{t:.2f}' for t in f['times_s'])})"
                  f"  CPU {f['cpu_s']:.2f} s  {f['kib']:.0f} KiB{pages}")


if __name__ == "__main__":
    main()
