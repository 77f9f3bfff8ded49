"""Serial inventory screens: the list and its column chooser, search, filters, export, a unit's
Transaction history, Add new and Edit; and the Serial unit history report."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from sos_serial.engine.serial_unit_edits import edit_serial_unit
from sos_serial.extensions import db
from sos_serial.models import (
    ColumnPreference,
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Transaction,
    User,
)
from sos_serial.models.serial_unit import LOCKED_FIELD_LABELS, serial_key
from sos_serial.views.csv_export import neutralise_cell
from tests.support.statements import statements_sent
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import receive, ship

LIST = "/admin/serial_inventory/"
ADD = "/admin/serial_inventory/new/"
COLUMNS = "/admin/serial_inventory/columns/"
REPORT = "/admin/serial_history/"
DEFAULT_HEADERS = ["Item", "Serial number", "Location / customer", "Status"]
RAW_DATABASE_TEXT = ("IntegrityError", "sqlite3.", "psycopg", "UNIQUE constraint", "duplicate key", "Traceback")


# ---------------------------------------------------------------------------- reading pages
class _Tables(HTMLParser):
    """The header and body cells of each <table> on a page, as text."""

    def __init__(self):
        super().__init__()
        self.tables, self._row, self._cell, self._header_row = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"class": dict(attrs).get("class") or "", "head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self._row, self._header_row = [], False
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._header_row = self._header_row or tag == "th"
        elif tag in ("br", "li") and self._cell is not None and "".join(self._cell).strip():
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            lines = [re.sub(r"\s+", " ", line).strip() for line in "".join(self._cell).split("\n")]
            self._row.append("\n".join(line for line in lines if line))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if self._header_row:
                table["head"] = self._row
            else:
                table["rows"].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table(html: str, css_class: str = "model-list") -> tuple[list[str], list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    found = next(t for t in parser.tables if css_class in t["class"])
    rows = [r for r in found["rows"] if len(r) > 1]  # the one-cell row is "no records"
    return found["head"], rows


def list_headers(html: str) -> list[str]:
    """The list's column titles, without the row-actions column."""
    return [h for h in table(html)[0] if h]


def column(html: str, title: str) -> list[str]:
    head, rows = table(html)
    index = head.index(title)
    return [row[index] for row in rows]


def alerts(html: str) -> list[str]:
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", "", text)).strip() for text in found]


def post_form(client, url, data, follow=True):
    page = client.get(url).text
    return client.post(url, data=dict(read_version_from(page), **data, csrf_token=csrf_token_from(page)), follow_redirects=follow)


def read_csv(response) -> list[list[str]]:
    # The export streams inside the request's context: closing the response ends it (and its
    # database transaction), as a WSGI server does once the download is sent.
    with response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


# ---------------------------------------------------------------------------- data
@dataclass
class Shop:
    clock: int
    grandfather: int
    cuckoo: int
    oil: int
    main: int
    showroom: int
    acme: int
    baker: int


@pytest.fixture
def shop(app, demo) -> Shop:
    with app.app_context():
        item = {i.name: i.id for i in db.session.scalars(select(Item))}
        place = {r.name: r.id for model in (Location, Customer) for r in db.session.scalars(select(model))}
        db.session.remove()
    return Shop(clock=item["Armenian Mantel Clock"], grandfather=item["Grandfather Clock"],
                cuckoo=item["Cuckoo Clock"], oil=item["Clock Oil 10 ml"], main=place["Main Warehouse"],
                showroom=place["Showroom"], acme=place["Acme Clocks"], baker=place["Baker & Sons Jewelers"])


def in_app(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


def unit_of(app, item_id, serial) -> dict:
    def read():
        unit = db.session.scalars(select(SerialUnit).where(
            SerialUnit.item_id == item_id, SerialUnit.serial_key == serial_key(serial))).one()
        return {"id": unit.id, "status": unit.status, "location_id": unit.location_id,
                "customer_id": unit.customer_id, "warranty_start": unit.warranty_start,
                "warranty_end": unit.warranty_end, "notes": unit.notes, "version": unit.version,
                "item_id": unit.item_id, "serial_number": unit.serial_number, "unit_cost": unit.unit_cost}
    return in_app(app, read)


def history_of(app, unit_id) -> list[tuple]:
    return in_app(app, lambda: [(h.transaction_type, h.status, h.changes) for h in db.session.scalars(
        select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id).order_by(SerialHistory.id))])


@pytest.fixture
def clocks(app, shop) -> dict:
    """Three clocks received at Main Warehouse (one shipped to Acme), one Grandfather Clock in the Showroom."""
    def make():
        receipt = receive(shop.clock, ["CLK-001", "CLK-002", "CLK-003"], shop.main, date="2026-01-05")
        receive(shop.grandfather, ["GF-100"], shop.showroom, date="2026-01-06")
        shipment = ship(shop.clock, ["CLK-002"], shop.main, shop.acme, date="2026-02-01")
        return {"receipt": (receipt.id, receipt.number), "shipment": (shipment.id, shipment.number)}
    return in_app(app, make)


# ---------------------------------------------------------------------------- the list
def test_list_shows_item_serial_place_and_status_label_with_warranty_columns_off(login, clocks):
    html = login("support").get(LIST).text
    assert list_headers(html) == DEFAULT_HEADERS
    serials = column(html, "Serial number")
    assert sorted(serials) == ["CLK-001", "CLK-002", "CLK-003", "GF-100"]
    places = dict(zip(serials, column(html, "Location / customer")))
    statuses = dict(zip(serials, column(html, "Status")))
    assert places == {"CLK-001": "Main Warehouse", "CLK-002": "Acme Clocks", "CLK-003": "Main Warehouse",
                      "GF-100": "Showroom"}
    assert statuses["CLK-002"] == "Shipped" and statuses["CLK-001"] == "In stock"
    assert column(html, "Item")[0] == "Armenian Mantel Clock"


def test_each_row_offers_transaction_history(app, login, clocks, shop):
    html = login("support").get(LIST).text
    unit_id = unit_of(app, shop.clock, "CLK-001")["id"]
    assert f'href="/admin/serial_inventory/history/?id={unit_id}"' in html
    assert 'title="Transaction history"' in html


def test_column_chooser_turns_warranty_columns_on_and_remembers_per_user(app, login, make_user, clocks, shop):
    client = login("clerk")
    in_app(app, lambda: edit_serial_unit(db.session, unit_of(app, shop.clock, "CLK-002")["id"],
                                         {"warranty_start": date(2026, 2, 1), "warranty_end": date(2027, 2, 1)}))
    page = client.get(LIST).text
    assert 'action="/admin/serial_inventory/columns/"' in page and "Warranty type" in page
    response = client.post(COLUMNS, data={
        "csrf_token": csrf_token_from(page), "url": LIST + "?page_size=50",
        "columns": ["item", "place", "status", "warranty", "warranty_start", "warranty_end", "no_such_column"]})
    assert response.status_code == 302 and response.headers["Location"].endswith(LIST + "?page_size=50")

    html = client.get(LIST).text
    assert list_headers(html) == DEFAULT_HEADERS + ["Warranty type", "Warranty start", "Warranty end"]
    ends = dict(zip(column(html, "Serial number"), column(html, "Warranty end")))
    types = dict(zip(column(html, "Serial number"), column(html, "Warranty type")))
    assert ends["CLK-002"] == "2027-02-01" and types["CLK-002"] == "1 year parts and labor"

    # Stored for this user and this view only; the serial number cannot be turned off.
    def stored():
        return db.session.execute(select(User.username, ColumnPreference.view, ColumnPreference.columns)
                                  .join(User, User.id == ColumnPreference.user_id)).all()
    assert in_app(app, stored) == [("clerk", "serial_inventory", [
        "item", "serial_number", "place", "status", "warranty", "warranty_start", "warranty_end"])]

    # Another user still sees the defaults.
    other = app.test_client()
    make_user("support", "sam")
    login_page = other.get("/login")
    other.post("/login", data={"username": "sam", "password": "correct horse battery",
                               "csrf_token": csrf_token_from(login_page.text)})
    assert list_headers(other.get(LIST).text) == DEFAULT_HEADERS

    # Default columns puts the list back and forgets the choice.
    client.post(COLUMNS, data={"csrf_token": csrf_token_from(html), "reset": "1"})
    assert list_headers(client.get(LIST).text) == DEFAULT_HEADERS
    assert in_app(app, stored) == []


def test_column_chooser_can_show_only_the_serial_and_the_cost(login, clocks):
    client = login("clerk")
    client.post(COLUMNS, data={"csrf_token": csrf_token_from(client.get(LIST).text), "columns": ["unit_cost"]})
    html = client.get(LIST).text
    assert list_headers(html) == ["Serial number", "Unit cost"]
    assert "149.99" in column(html, "Unit cost")


def test_column_chooser_needs_sign_in_and_a_csrf_token(client, login, clocks):
    anonymous = client.post(COLUMNS, data={"columns": ["warranty"]})
    assert anonymous.status_code in (302, 400)
    signed_in = login("clerk")
    refused = signed_in.post(COLUMNS, data={"columns": ["warranty"]})
    assert refused.status_code == 400
    assert list_headers(signed_in.get(LIST).text) == DEFAULT_HEADERS


def test_sort_links_follow_the_columns_shown(login, clocks):
    client = login("clerk")
    client.post(COLUMNS, data={"csrf_token": csrf_token_from(client.get(LIST).text),
                               "columns": ["serial_number", "warranty_end"]})
    html = client.get(LIST).text
    assert list_headers(html) == ["Serial number", "Warranty end"]
    # Column 0 of what is shown is the serial number.
    assert column(client.get(LIST + "?sort=0&desc=1").text, "Serial number") == [
        "GF-100", "CLK-003", "CLK-002", "CLK-001"]
    assert column(client.get(LIST + "?sort=0").text, "Serial number") == ["CLK-001", "CLK-002", "CLK-003", "GF-100"]


def test_sort_by_item_and_by_status(login, clocks):
    client = login("clerk")
    by_item = client.get(LIST + "?sort=0&desc=1").text
    assert column(by_item, "Item")[0] == "Grandfather Clock"
    by_status = client.get(LIST + "?sort=3").text
    assert column(by_status, "Status")[0] == "In stock" and column(by_status, "Status")[-1] == "Shipped"


# ---------------------------------------------------------------------------- search
def test_search_finds_any_part_of_the_serial_through_the_trigram_index(app, login, clocks):
    client = login("support")
    with statements_sent(app) as statements:
        found = client.get(LIST + "?search=clk-00").text
    assert sorted(column(found, "Serial number")) == ["CLK-001", "CLK-002", "CLK-003"]
    assert "List (3)" in found
    listing = [s for s in statements if "FROM serial_units" in s]
    # Through the serial's trigram index (pg_trgm's LIKE on the key, SQLite's FTS5 table), never a scan
    # of the units' joined names.
    assert listing and all("serial_units_search" in s or "serial_key LIKE" in s for s in listing)
    assert not any("lower(items.name)" in s or "items.name ILIKE" in s for s in listing)
    # Nor joined to the items at all: given the join, SQLite's planner drove a broad search from the items.
    assert not any("JOIN items" in s for s in listing)

    assert column(client.get(LIST + "?search=  Gf-1").text, "Serial number") == ["GF-100"]
    assert column(client.get(LIST + "?search=LK-001").text, "Serial number") == ["CLK-001"]  # inside a serial


# ---------------------------------------------------------------------------- filters
def test_filters_item_status_location_customer(login, clocks, shop):
    client = login("support")
    page = client.get(LIST).text
    for name in ("item_equals", "status_equals", "location_equals", "customer_equals",
                 "warranty_end_before", "warranty_end_after"):
        assert f'"arg": "{name}"' in page
    # The dropdowns are read when the page is shown: only serial-tracked items are offered.
    assert '"Armenian Mantel Clock"' in page and '"Clock Oil 10 ml"' not in page

    def serials(query):
        return sorted(column(client.get(LIST + "?" + query).text, "Serial number"))
    assert serials(f"flt0_item_equals={shop.grandfather}") == ["GF-100"]
    assert serials("flt0_status_equals=shipped") == ["CLK-002"]
    assert serials(f"flt0_location_equals={shop.main}") == ["CLK-001", "CLK-003"]
    assert serials(f"flt0_customer_equals={shop.acme}") == ["CLK-002"]
    assert serials(f"flt0_item_equals={shop.clock}&flt1_status_equals=in_stock") == ["CLK-001", "CLK-003"]
    refused = client.get(LIST + "?flt0_item_equals=clock")
    assert refused.status_code == 200 and "Invalid Filter Value" in refused.text


def test_filter_warranty_end_before_and_after(app, login, clocks, shop):
    def set_warranties():
        for serial, end in (("CLK-001", date(2026, 6, 30)), ("CLK-002", date(2027, 2, 1))):
            unit_id = db.session.scalar(select(SerialUnit.id).where(SerialUnit.serial_key == serial_key(serial)))
            edit_serial_unit(db.session, unit_id, {"warranty_start": date(2026, 1, 1), "warranty_end": end})
    in_app(app, set_warranties)
    client = login("support")
    assert column(client.get(LIST + "?flt0_warranty_end_before=2027-01-01").text, "Serial number") == ["CLK-001"]
    assert column(client.get(LIST + "?flt0_warranty_end_after=2027-01-01").text, "Serial number") == ["CLK-002"]


# ---------------------------------------------------------------------------- pagination
def test_pages_of_fifty(app, login, shop):
    in_app(app, lambda: receive(shop.cuckoo, [f"CK-{n:03d}" for n in range(1, 61)], shop.main))
    client = login("support")
    first = client.get(LIST).text
    assert "List (60)" in first and len(column(first, "Serial number")) == 50
    second = client.get(LIST + "?page=1").text
    assert column(second, "Serial number") == [f"CK-{n:03d}" for n in range(51, 61)]


# ---------------------------------------------------------------------------- CSV export
@pytest.mark.parametrize("value, cell", [
    ("=HYPERLINK(\"http://evil\")", "'=HYPERLINK(\"http://evil\")"),
    ("+SUM(A1)", "'+SUM(A1)"), ("-2+3", "'-2+3"), ("@cmd", "'@cmd"), ("\tTabbed", "'\tTabbed"),
    ("\rReturn", "'\rReturn"), ("Plain = text", "Plain = text"), ("", ""), (None, ""),
])
def test_neutralise_cell(value, cell):
    assert neutralise_cell(value) == cell


def test_csv_export_has_every_column_and_neutralises_formula_cells(app, login, shop):
    def make():
        evil_place = Location(name="=HYPERLINK(\"http://evil.example\",\"x\")")
        evil_customer = Customer(name="@SUM(1+1)")
        db.session.add_all([evil_place, evil_customer])
        db.session.commit()
        receive(shop.clock, ["=1+1", "+CMD", "-2", "SAFE-1"], evil_place.id)
        ship(shop.clock, ["SAFE-1"], evil_place.id, evil_customer.id)
    in_app(app, make)
    # Support's export leaves the cost out: tests/views/test_support_role_screens.py.
    client = login("clerk")
    page = client.get(LIST).text
    assert 'href="/admin/serial_inventory/export/csv/' in page
    rows = read_csv(client.get("/admin/serial_inventory/export/csv/"))
    assert rows[0] == ["Item", "Serial number", "Location / customer", "Status", "Warranty type", "Warranty start",
                       "Warranty end", "Unit cost"]
    by_serial = {row[1]: row for row in rows[1:]}
    assert set(by_serial) == {"'=1+1", "'+CMD", "'-2", "SAFE-1"}
    assert by_serial["'=1+1"][2] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert by_serial["SAFE-1"][2] == "'@SUM(1+1)" and by_serial["SAFE-1"][3] == "Shipped"
    assert by_serial["'-2"][7] == "149.99"
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_csv_export_follows_search_and_filters(login, clocks, shop):
    client = login("support")
    rows = read_csv(client.get("/admin/serial_inventory/export/csv/?search=clk-0&flt0_status_equals=in_stock"))
    assert sorted(row[1] for row in rows[1:]) == ["CLK-001", "CLK-003"]


# ---------------------------------------------------------------------------- Transaction history
def test_transaction_history_lists_events_oldest_first_with_documents(app, login, clocks, shop):
    unit = unit_of(app, shop.clock, "CLK-002")
    in_app(app, lambda: edit_serial_unit(db.session, unit["id"], {"warranty_end": date(2027, 3, 1)},
                                         user=db.session.scalar(select(User).where(User.username == "ed"))))
    client = login("support", "ed")
    in_app(app, lambda: edit_serial_unit(db.session, unit["id"], {"notes": "Dent on the left side"},
                                         user=db.session.scalar(select(User).where(User.username == "ed"))))
    html = client.get(f"/admin/serial_inventory/history/?id={unit['id']}").text
    assert "Transaction history of CLK-002" in html and "Shipped, Acme Clocks" in html
    head, rows = table(html, "unit-history")
    assert head == ["Date", "Event", "Document", "Status", "Location / customer", "User", "Changes"]
    receipt_number, shipment_number = clocks["receipt"][1], clocks["shipment"][1]
    assert [row[:5] for row in rows] == [
        ["2026-01-05", "Item receipt", receipt_number, "In stock", "Main Warehouse"],
        ["2026-02-01", "Shipment", shipment_number, "Shipped", "Acme Clocks"],
        [date.today().isoformat(), "Edited", "", "Shipped", "Acme Clocks"],
        [date.today().isoformat(), "Edited", "", "Shipped", "Acme Clocks"],
    ]
    assert rows[2][5] == "" and rows[3][5] == "ed"
    assert rows[2][6].startswith("Warranty end: ") and rows[2][6].endswith("→ 2027-03-01")
    assert rows[3][6] == "Notes: (none) → Dent on the left side"


def test_transaction_history_links_documents(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    receipt_id, receipt_number = clocks["receipt"]
    # Support sees the number without the link: tests/views/test_support_role_screens.py.
    client = login("clerk")
    linked = client.get(f"/admin/serial_inventory/history/?id={unit_id}").text
    with app.test_request_context():
        from flask import url_for
        url = url_for("transactions.details_view", id=receipt_id)
    assert f'<a href="{url}" class="document-link">{receipt_number}</a>' in linked


def test_transaction_history_of_an_unknown_unit_is_not_found(login):
    assert login("support").get("/admin/serial_inventory/history/?id=999").status_code == 404


# ---------------------------------------------------------------------------- Add new
def add_data(**fields):
    data = {"item": "", "serial_number": "", "place": "location", "location": "__None", "customer": "__None",
            "unit_cost": "", "warranty_start": "", "warranty_end": "", "notes": ""}
    data.update(fields)
    return data


def test_add_new_is_offered_to_clerks_and_admins_not_to_support(login, make_user, client, clocks):
    support_page = login("support").get(LIST).text
    assert 'href="/admin/serial_inventory/new/' not in support_page and "Add new" not in support_page
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, data=add_data(serial_number="X")).status_code in (400, 403)


def test_add_new_form_offers_only_serial_tracked_items(login, shop):
    client = login("clerk")
    assert "Add new" in client.get(LIST).text
    html = client.get(ADD).text
    assert "Armenian Mantel Clock" in html and "Clock Oil 10 ml" not in html
    for name in ("item", "serial_number", "place", "location", "customer", "unit_cost", "warranty_start",
                 "warranty_end", "notes"):
        assert f'name="{name}"' in html


def test_add_new_unit_at_a_location_goes_through_posting(app, login, shop):
    client = login("clerk")
    response = post_form(client, ADD, add_data(item=shop.clock, serial_number=" CLK-900 ", location=shop.showroom,
                                               unit_cost="120.50", notes="Floor model"))
    assert "Serial CLK-900 of Armenian Mantel Clock saved." in response.text
    unit = unit_of(app, shop.clock, "CLK-900")
    assert (unit["serial_number"], unit["status"], unit["location_id"], unit["customer_id"]) == (
        "CLK-900", "in_stock", shop.showroom, None)
    assert unit["unit_cost"] == Decimal("120.50") and unit["notes"] == "Floor model"
    assert [h[:2] for h in history_of(app, unit["id"])] == [("created", "in_stock")]
    assert in_app(app, lambda: db.session.get(Item, shop.clock).quantity_on_hand) == 1


def test_add_new_historical_unit_at_a_customer_with_warranty_dates(app, login, shop):
    client = login("admin")
    response = post_form(client, ADD, add_data(
        item=shop.grandfather, serial_number="GF-OLD-1", place="customer", customer=shop.baker,
        location=shop.main, warranty_start="2024-05-01", warranty_end="2026-05-01"))
    assert "Serial GF-OLD-1 of Grandfather Clock saved." in response.text
    unit = unit_of(app, shop.grandfather, "GF-OLD-1")
    assert (unit["status"], unit["customer_id"], unit["location_id"]) == ("shipped", shop.baker, None)
    assert (unit["warranty_start"], unit["warranty_end"]) == (date(2024, 5, 1), date(2026, 5, 1))
    assert in_app(app, lambda: db.session.get(Item, shop.grandfather).quantity_on_hand) == 0


def test_add_new_refusal_shows_on_the_form_which_keeps_the_input(app, login, clocks, shop):
    client = login("clerk")
    response = post_form(client, ADD, add_data(item=shop.clock, serial_number="clk-001", location=shop.showroom,
                                               unit_cost="99", notes="Second one?"), follow=False)
    assert response.status_code == 200
    assert "CLK-001 of Armenian Mantel Clock already exists: it is in stock at Main Warehouse." in alerts(
        response.text)
    assert "Already exists for this item." in response.text
    assert 'value="clk-001"' in response.text and 'value="99"' in response.text and "Second one?" in response.text
    for text in RAW_DATABASE_TEXT:
        assert text not in response.text
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(SerialUnit))) == 4


def test_add_new_refuses_warranty_ending_before_it_starts_and_missing_choices(app, login, shop):
    client = login("clerk")
    backwards = post_form(client, ADD, add_data(item=shop.clock, serial_number="H-1", place="customer",
                                                customer=shop.acme, warranty_start="2025-02-01",
                                                warranty_end="2025-01-01"), follow=False)
    assert "The warranty cannot end before it starts." in backwards.text
    no_place = post_form(client, ADD, add_data(item=shop.clock, serial_number="H-2", place="customer"), follow=False)
    assert "Choose the customer who has the unit." in no_place.text
    no_item = post_form(client, ADD, add_data(item="__None", serial_number="H-3", location=shop.main), follow=False)
    assert "Choose a serial-tracked item." in no_item.text
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(SerialUnit))) == 0


def test_add_new_refuses_an_item_not_tracked_by_serial(app, login, shop):
    client = login("clerk")
    response = post_form(client, ADD, add_data(item=shop.oil, serial_number="OIL-1", location=shop.main),
                         follow=False)
    assert response.status_code == 200 and "Not a valid choice" in response.text
    assert in_app(app, lambda: db.session.scalar(select(func.count()).select_from(SerialUnit))) == 0


# ---------------------------------------------------------------------------- Edit
def edit_url(unit_id):
    return f"/admin/serial_inventory/edit/?id={unit_id}"


def edit_data(html, **fields):
    version = re.search(r'name="version"[^>]*value="(\d+)"', html) or re.search(
        r'value="(\d+)"[^>]*name="version"', html)
    data = {"csrf_token": csrf_token_from(html), "version": version.group(1), "warranty_start": "",
            "warranty_end": "", "notes": ""}
    data.update(fields)
    return data


def test_edit_offers_only_warranty_dates_and_notes_and_shows_the_rest_read_only(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    html = login("clerk").get(edit_url(unit_id)).text
    # The edit form's inputs (the navigation bar's serial box is a form of its own).
    form = re.search(r'<form[^>]*admin-form.*?</form>', html, re.S).group(0)
    inputs = set(re.findall(r'<(?:input|select|textarea)[^>]*name="([^"]+)"', form))
    assert inputs == {"csrf_token", "version", "warranty_start", "warranty_end", "notes"}
    assert 'type="hidden"' in re.search(r'<input[^>]*name="version"[^>]*>', html).group(0)
    assert 'data-field="place">Acme Clocks<' in html and 'data-field="status">Shipped<' in html
    assert 'data-field="item">Armenian Mantel Clock<' in html and 'data-field="serial_number">CLK-002<' in html
    assert "change only by posting transactions" in html


def test_edit_saves_warranty_dates_and_notes_through_the_edit_rule(app, login, clocks, shop):
    before = unit_of(app, shop.clock, "CLK-002")
    unit_id = before["id"]
    client = login("support")
    page = client.get(edit_url(unit_id)).text
    response = client.post(edit_url(unit_id), data=edit_data(
        page, warranty_start="2026-01-20", warranty_end="2027-02-28", notes="Customer\r\nsays it chimes late"),
        follow_redirects=True)
    assert "Serial CLK-002 of Armenian Mantel Clock saved." in response.text
    unit = unit_of(app, shop.clock, "CLK-002")
    assert (unit["warranty_start"], unit["warranty_end"]) == (date(2026, 1, 20), date(2027, 2, 28))
    assert unit["notes"] == "Customer\nsays it chimes late" and unit["version"] == before["version"] + 1
    assert history_of(app, unit_id)[-1] == ("edit", "shipped", {
        "warranty_start": [before["warranty_start"] and before["warranty_start"].isoformat(), "2026-01-20"],
        "warranty_end": [before["warranty_end"] and before["warranty_end"].isoformat(), "2027-02-28"],
        "notes": [None, "Customer\nsays it chimes late"]})
    events = len(history_of(app, unit_id))
    # Saving the page again with nothing changed records nothing (the browser's line endings included).
    again = client.get(edit_url(unit_id)).text
    client.post(edit_url(unit_id), data=edit_data(again, warranty_start="2026-01-20", warranty_end="2027-02-28",
                                                  notes="Customer\r\nsays it chimes late"))
    assert len(history_of(app, unit_id)) == events
    assert unit_of(app, shop.clock, "CLK-002")["version"] == before["version"] + 1


def test_edit_from_a_stale_page_is_refused_with_the_message(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    client = login("support")
    page = client.get(edit_url(unit_id)).text
    in_app(app, lambda: edit_serial_unit(db.session, unit_id, {"warranty_end": date(2027, 1, 1)}))
    response = client.post(edit_url(unit_id), data=edit_data(page, warranty_start="2026-02-01",
                                                             warranty_end="2028-01-01", notes="mine"))
    assert response.status_code == 200
    assert any("was changed by someone else after you opened it" in a for a in alerts(response.text))
    assert 'value="2028-01-01"' in response.text  # what was typed stays on the form
    unit = unit_of(app, shop.clock, "CLK-002")
    assert unit["warranty_end"] == date(2027, 1, 1) and unit["notes"] is None


def test_edit_without_a_version_is_refused(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    client = login("clerk")
    data = edit_data(client.get(edit_url(unit_id)).text, notes="no version")
    del data["version"]
    response = client.post(edit_url(unit_id), data=data)
    assert "This page is out of date or incomplete" in response.text
    assert unit_of(app, shop.clock, "CLK-002")["notes"] is None


@pytest.mark.parametrize("field, value", [
    ("location_id", "showroom"), ("customer_id", "baker"), ("status", "in_stock"), ("serial_number", "HACKED"),
    ("item_id", "grandfather"), ("unit_cost", "0.01"),
])
def test_edit_refuses_any_other_field_whatever_the_form_posts(app, login, clocks, shop, field, value):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    before = unit_of(app, shop.clock, "CLK-002")
    client = login("support")
    crafted = edit_data(client.get(edit_url(unit_id)).text, notes="sneaky",
                        **{field: str(getattr(shop, value, value))})
    response = client.post(edit_url(unit_id), data=crafted)
    assert response.status_code == 200
    label = LOCKED_FIELD_LABELS[field]
    assert any(f"The {label} of a serial unit can only be changed by posting a transaction" in a
               for a in alerts(response.text))
    assert unit_of(app, shop.clock, "CLK-002") == before
    assert [h[0] for h in history_of(app, unit_id)] == ["item_receipt", "shipment"]


def test_edit_refuses_a_warranty_ending_before_it_starts(app, login, clocks, shop):
    before = unit_of(app, shop.clock, "CLK-002")
    unit_id = before["id"]
    client = login("clerk")
    response = client.post(edit_url(unit_id), data=edit_data(
        client.get(edit_url(unit_id)).text, warranty_start="2026-05-01", warranty_end="2026-04-01"))
    assert "The warranty of CLK-002 cannot end (2026-04-01) before it starts (2026-05-01)." in alerts(response.text)
    assert "The end is before the start." in response.text
    assert unit_of(app, shop.clock, "CLK-002") == before


def test_support_may_open_edit_but_not_add_new(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-001")["id"]
    client = login("support")
    assert client.get(edit_url(unit_id)).status_code == 200
    assert f'href="/admin/serial_inventory/edit/?id={unit_id}' in client.get(LIST).text
    assert client.get(ADD).status_code == 403


# ---------------------------------------------------------------------------- the history report
def test_history_report_one_row_per_event_oldest_first_with_filters(app, login, clocks, shop):
    unit_id = unit_of(app, shop.clock, "CLK-002")["id"]
    in_app(app, lambda: edit_serial_unit(db.session, unit_id, {"warranty_end": date(2027, 6, 1)}, on=date(2026, 3, 1)))
    client = login("support")
    html = client.get(REPORT).text
    assert list_headers(html) == ["Date", "Event", "Document", "Item", "Serial number", "Status",
                                  "Location / customer", "User", "Changes"]
    rows = table(html)[1]
    assert [(r[0], r[1], r[4]) for r in rows] == [
        ("2026-01-05", "Item receipt", "CLK-001"), ("2026-01-05", "Item receipt", "CLK-002"),
        ("2026-01-05", "Item receipt", "CLK-003"), ("2026-01-06", "Item receipt", "GF-100"),
        ("2026-02-01", "Shipment", "CLK-002"), ("2026-03-01", "Edited", "CLK-002"),
    ]
    assert rows[4][2] == clocks["shipment"][1] and rows[4][6] == "Acme Clocks"
    assert rows[5][8] == "Warranty end: 2027-02-01 → 2027-06-01"

    def serials(query):
        return [(r[1], r[4]) for r in table(client.get(REPORT + "?" + query).text)[1]]
    assert serials(f"flt0_item_equals={shop.grandfather}") == [("Item receipt", "GF-100")]
    assert serials("flt0_serial_number_starts_with=clk-002") == [
        ("Item receipt", "CLK-002"), ("Shipment", "CLK-002"), ("Edited", "CLK-002")]
    assert serials(f"flt0_customer_equals={shop.acme}") == [("Shipment", "CLK-002"), ("Edited", "CLK-002")]
    assert serials("flt0_transaction_type_equals=shipment") == [("Shipment", "CLK-002")]
    assert serials("flt0_date_from=2026-01-06&flt1_date_to=2026-02-01") == [
        ("Item receipt", "GF-100"), ("Shipment", "CLK-002")]
    assert [r[0] for r in table(client.get(REPORT + "?sort=0&desc=1").text)[1]][0] == "2026-03-01"


def test_history_report_customer_filter_includes_returns_from_the_customer(app, login, clocks, shop):
    from tests.support.world import post
    in_app(app, lambda: post(type="return", date="2026-03-05", location_id=shop.main, customer_id=shop.acme,
                             lines=[{"item_id": shop.clock, "quantity": 1, "serials": ["CLK-002"]}]))
    rows = table(login("support").get(REPORT + f"?flt0_customer_equals={shop.acme}").text)[1]
    assert [(r[1], r[6]) for r in rows] == [("Shipment", "Acme Clocks"), ("Return", "Main Warehouse")]


def test_history_report_links_documents_and_exports_neutralised_csv(app, login, shop):
    def make():
        evil = Customer(name="=cmd|' /C calc'!A0")
        db.session.add(evil)
        db.session.commit()
        receive(shop.clock, ["-1"], shop.main, date="2026-01-05")
        ship(shop.clock, ["-1"], shop.main, evil.id, date="2026-01-07")
    in_app(app, make)
    # Support sees the numbers without links: tests/views/test_support_role_screens.py.
    client = login("clerk")
    html = client.get(REPORT).text
    assert 'class="document-link"' in html
    assert 'href="/admin/serial_history/export/csv/' in html
    rows = read_csv(client.get("/admin/serial_history/export/csv/"))
    assert rows[0] == ["Date", "Event", "Document", "Item", "Serial number", "Status", "Location / customer",
                       "User", "Changes"]
    assert [(r[1], r[4], r[6]) for r in rows[1:]] == [
        ("Item receipt", "'-1", "Main Warehouse"), ("Shipment", "'-1", "'=cmd|' /C calc'!A0")]
    number = in_app(app, lambda: db.session.scalar(select(Transaction.number).where(Transaction.type == "shipment")))
    assert rows[2][2] == number and "<a" not in rows[2][2]
    filtered = read_csv(client.get("/admin/serial_history/export/csv/?flt0_transaction_type_equals=shipment"))
    assert len(filtered) == 2


def test_history_report_and_list_are_read_only_screens_for_everyone(login, clocks):
    client = login("admin")
    report = client.get(REPORT).text
    assert "/admin/serial_history/new/" not in report and "/admin/serial_history/edit/" not in report
    assert client.get("/admin/serial_history/new/").status_code == 403
    assert client.get("/admin/serial_inventory/delete/").status_code in (403, 405)


@pytest.mark.parametrize("typed", ["2026-W01-1", "2026-1-5", "20260105"])
def test_edit_takes_warranty_dates_as_yyyy_mm_dd_only(app, login, clocks, shop, typed):
    before = unit_of(app, shop.clock, "CLK-002")
    unit_id = before["id"]
    client = login("clerk")
    response = client.post(edit_url(unit_id), data=edit_data(
        client.get(edit_url(unit_id)).text, warranty_start="2026-01-05", warranty_end=typed))
    assert response.status_code == 200
    assert "Not a date: write it as YYYY-MM-DD, such as 2026-01-05." in response.text
    assert unit_of(app, shop.clock, "CLK-002") == before
