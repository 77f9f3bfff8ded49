"""Every screen's CSV export: streamed in batches while it is sent, capped for support, and recorded in the audit log."""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import event, select

from sos_serial.extensions import db
from sos_serial.models import AuditEntry, Customer, Item
from sos_serial.views import csv_export
from sos_serial.views.named_record import NamedRecordView
from tests.support.world import receive, ship

CUSTOMERS = 60


@pytest.fixture
def customers(app) -> None:
    with app.app_context():
        db.session.add_all([Customer(name=f"Customer {n:03}") for n in range(CUSTOMERS - 1)]
                           + [Customer(name="=cmd|' /C calc'!A0")])
        db.session.commit()
        db.session.remove()


def exports(app) -> list[AuditEntry]:
    with app.app_context():
        found = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export").order_by(AuditEntry.id)))
        db.session.expunge_all()
        db.session.remove()
    return found


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_an_export_is_streamed_and_reads_its_rows_a_batch_at_a_time(app, login, customers, monkeypatch):
    monkeypatch.setattr(NamedRecordView, "export_batch_size", 7)
    client = login("clerk")
    loaded = []

    def note(target, context):
        loaded.append(target.name)

    event.listen(Customer, "load", note)
    try:
        response = client.get("/admin/customers/export/csv/", buffered=False)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        # A generator behind the answer, not a body built before it was sent.
        assert response.is_streamed
        chunks = iter(response.response)
        received = [next(chunks) for _ in range(3)]  # the titles and two rows
        # Only the first batch has been read from the database so far.
        assert 0 < len(loaded) <= 7
        received += list(chunks)
    finally:
        event.remove(Customer, "load", note)
        response.close()
    text = b"".join(chunk if isinstance(chunk, bytes) else chunk.encode() for chunk in received).decode()
    rows = rows_of(text)
    assert rows[0][0] == "Name" and len(rows) == CUSTOMERS + 1
    names = [row[0] for row in rows[1:]]
    assert sorted(names) == sorted([f"Customer {n:03}" for n in range(CUSTOMERS - 1)] + ["'=cmd|' /C calc'!A0"])
    assert not any(name.startswith(csv_export.FORMULA_STARTS) for name in names)


def test_an_export_is_recorded_with_the_screen_its_filters_and_the_rows(app, login, customers):
    client = login("clerk")
    response = client.get("/admin/customers/export/csv/?search=calc")
    assert response.status_code == 200
    assert len(rows_of(response.get_data(as_text=True))) == 2
    response = client.get("/admin/items/export/csv/?flt0_0=1")
    assert response.status_code == 200
    customers_export, items_export = exports(app)
    assert (customers_export.actor_name, customers_export.via, customers_export.target_label) == (
        "clerk", "screen", "Customers")
    assert customers_export.detail == {"screen": "Customers", "endpoint": "customers", "filters": [],
                                       "search": "calc", "rows": 1, "row_limit": None}
    assert customers_export.client_address == "127.0.0.1"
    assert items_export.detail["screen"] == "Items" and items_export.detail["rows"] == 0
    assert items_export.detail["filters"] == [{"filter": "Serial tracked equals", "value": "1"}]


def test_supports_exports_stop_at_its_cap_and_the_list_says_so(app, login, monkeypatch):
    monkeypatch.setitem(csv_export.EXPORT_ROW_LIMITS, "support", 5)
    with app.app_context():
        db.session.add_all([Item(name=f"Item {n:02}") for n in range(12)])
        db.session.commit()
        db.session.remove()
    client = login("support")
    page = client.get("/admin/items/")
    assert page.status_code == 200
    assert "This list has 12 rows; an export gives its first 5, the most the support role may export at once." \
        in page.get_data(as_text=True)
    rows = rows_of(client.get("/admin/items/export/csv/").get_data(as_text=True))
    assert [row[0] for row in rows[1:]] == [f"Item {n:02}" for n in range(5)]
    (entry,) = exports(app)
    assert (entry.actor_name, entry.detail["rows"], entry.detail["row_limit"]) == ("support", 5, 5)


def test_a_clerks_exports_are_not_capped_and_the_list_says_nothing(app, login, monkeypatch):
    monkeypatch.setitem(csv_export.EXPORT_ROW_LIMITS, "support", 5)
    with app.app_context():
        db.session.add_all([Item(name=f"Item {n:02}") for n in range(12)])
        db.session.commit()
        db.session.remove()
    client = login("clerk")
    assert "an export gives its first" not in client.get("/admin/items/").get_data(as_text=True)
    assert len(rows_of(client.get("/admin/items/export/csv/").get_data(as_text=True))) == 13
    assert exports(app)[0].detail["rows"] == 12


def test_the_warranties_expiring_report_streams_and_records_its_export(app, co, login):
    receive(co.clock, ["EXP-1", "EXP-2"], co.main)
    ship(co.clock, ["EXP-1", "EXP-2"], co.main, co.acme)
    db.session.remove()
    client = login("admin")
    response = client.get("/admin/warranties_expiring/?format=csv&days=3650", buffered=False)
    assert response.is_streamed
    rows = rows_of(response.get_data(as_text=True))
    assert [row[2] for row in rows[1:]] == ["EXP-1", "EXP-2"]
    (entry,) = exports(app)
    assert entry.detail == {"screen": "Warranties expiring", "endpoint": "warranties_expiring",
                            "filters": [{"filter": "days", "value": 3650}], "search": None, "rows": 2,
                            "row_limit": None}
