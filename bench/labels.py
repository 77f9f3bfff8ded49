"""A label run of 10,000 units: a receipt's labels as a PDF on each layout and as ZPL (python -m bench.labels)."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .common import machine, make_app, migrate, timed

UNITS = 10_000


def main() -> None:
    from sos_serial.engine.labels import labels_of_document, print_labels
    from sos_serial.extensions import db
    from sos_serial.models import Item, Settings
    from tests.support.world import make_company, receive

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'labels.db'}"
        migrate(url)
        app = make_app(url)
        with app.app_context():
            co = make_company(db.session, with_clerk=False)
            print(f"label run of {UNITS:,} units, SQLite; {machine()}")
            for gtin in (None, "09506000134352"):
                item = db.session.get(Item, co.clock if gtin is None else co.grandfather)
                item.gtin = gtin
                db.session.commit()
                prefix = "CODE" if gtin is None else "GS1"
                document = receive(item.id, [f"{prefix}-{n:06d}" for n in range(UNITS)], co.main)
                seconds, labels = timed(lambda document=document: labels_of_document(db.session, document))
                barcode = "Code 128" if gtin is None else "GS1 DataMatrix"
                print(f"  {barcode}: reading the receipt's {UNITS:,} units: {seconds:.2f} s")
                for layout in ("a4_3x7", "roll_62x29mm"):
                    Settings.current(db.session).label_layout = layout
                    db.session.commit()
                    seconds, (body, _, _) = timed(lambda labels=labels: print_labels(db.session, labels, "pdf"))
                    print(f"    PDF, {layout}: {seconds:.2f} s, {len(body) / 1e6:.1f} MB")
                seconds, (body, _, _) = timed(lambda labels=labels: print_labels(db.session, labels, "zpl"))
                print(f"    ZPL: {seconds:.2f} s, {len(body) / 1e6:.1f} MB")
            db.session.remove()


if __name__ == "__main__":
    main()
