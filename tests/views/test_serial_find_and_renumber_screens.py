"""The Serial inventory's find-anything search, the navigation bar's "scan or type a serial" box, and correcting a
unit's serial number from its edit page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit
from sos_serial.models.serial_unit import serial_key
from tests.support.web import csrf_token_from
from tests.support.world import receive, ship

LIST = "/admin/serial_inventory/"
FIND = "/admin/serial_inventory/find/"


@pytest.fixture
def shop(app, demo):
    """Clocks A00-17 and XA00-2 at Main, 7-A00 shipped to Acme; Grandfather Clock GF-100 in the Showroom."""
    with app.app_context():
        item = {i.name: i.id for i in db.session.scalars(select(Item))}
        place = {r.name: r.id for model in (Location, Customer) for r in db.session.scalars(select(model))}
        clock, grandfather = item["Armenian Mantel Clock"], item["Grandfather Clock"]
        receive(clock, ["A00-17", "XA00-2", "7-A00"], place["Main Warehouse"], date="2026-01-05")
        receive(grandfather, ["GF-100"], place["Showroom"], date="2026-01-06")
        ship(clock, ["7-A00"], place["Main Warehouse"], place["Acme Clocks"], date="2026-02-01")
        ids = {u.serial_number: u.id for u in db.session.scalars(select(SerialUnit))}
        db.session.remove()
    return ids


def serials_listed(html: str) -> list[str]:
    return sorted(re.findall(r'<td class="col-serial_number">\s*(.*?)\s*</td>', html, re.S))


def alerts(html: str) -> list[str]:
    found = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>|&times;", "", text)).strip() for text in found]


# ---------------------------------------------------------------------------- the list's search
@pytest.mark.parametrize(("search", "expected"), [
    ("A00", ["7-A00", "A00-17", "XA00-2"]),
    ("grandfather", ["GF-100"]),
    ("acme", ["7-A00"]),
    ("showroom", ["GF-100"]),
    ("nothing-like-it", []),
])
def test_the_list_search_finds_serials_items_customers_and_locations(login, shop, search, expected):
    html = login("support").get(LIST, query_string={"search": search}).text
    assert serials_listed(html) == expected
    assert 'placeholder="Serial, item, SKU, customer or location"' in html


# ---------------------------------------------------------------------------- the navigation bar's box
def test_every_page_has_the_serial_box_in_the_navigation_bar(login, shop):
    client = login("clerk")
    for page in ("/admin/", LIST, "/admin/items/", f"/admin/serial_inventory/history/?id={shop['GF-100']}"):
        html = client.get(page).text
        box = re.search(r'<form[^>]*serial-find[^>]*action="([^"]+)"', html, re.S)
        assert box and box.group(1) == FIND, page
        assert 'placeholder="Scan or type a serial"' in html


def test_a_serial_typed_in_the_box_opens_its_unit(login, shop):
    client = login("clerk")
    for typed in ("A00-17", "  a00-17 ", "\u0410" + "00-17"):  # as stored, as scanned, with a look-alike А
        answer = client.get(FIND, query_string={"q": typed})
        assert answer.status_code == 302
        assert f"/admin/serial_inventory/edit/?id={shop['A00-17']}" in answer.headers["Location"], typed


def test_several_matches_open_the_list_searched_and_none_says_so(login, shop):
    client = login("support")
    answer = client.get(FIND, query_string={"q": "A00"})
    assert answer.status_code == 302 and "/admin/serial_inventory/?search=A00" in answer.headers["Location"]
    assert serials_listed(client.get(answer.headers["Location"]).text) == ["7-A00", "A00-17", "XA00-2"]

    html = client.get(FIND, query_string={"q": "QQ-404"}, follow_redirects=True).text
    assert any("No serial unit matches" in a and "QQ-404" in a for a in alerts(html))
    assert serials_listed(html) == []


def test_the_box_refuses_overlong_text_with_a_message(login, shop):
    html = login("support").get(FIND, query_string={"q": "x" * 201}, follow_redirects=True).text
    assert any("at most 200 characters" in a for a in alerts(html))


# ---------------------------------------------------------------------------- correcting the serial number
def renumber(client, unit_id, **fields):
    url = f"/admin/serial_inventory/renumber/?id={unit_id}"
    page = client.get(url).text
    version = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', page)
    data = {"version": next(v for v in version.groups() if v), "csrf_token": csrf_token_from(page), **fields}
    return client.post(url, data=data)


def test_a_clerk_corrects_a_serial_from_the_edit_page(app, login, shop):
    client = login("clerk")
    edit = client.get(f"/admin/serial_inventory/edit/?id={shop['A00-17']}").text
    assert f'href="/admin/serial_inventory/renumber/?id={shop["A00-17"]}"' in edit
    answer = renumber(client, shop["A00-17"], serial_number=" A00-71 ", reason="Digits swapped on the label")
    assert answer.status_code == 302 and "/admin/serial_inventory/edit/" in answer.headers["Location"]
    html = client.get(answer.headers["Location"]).text
    assert any("A00-17" in a and "now A00-71" in a for a in alerts(html))
    assert 'data-field="serial_number">A00-71<' in html

    history = client.get(f"/admin/serial_inventory/history/?id={shop['A00-17']}").text
    assert "Serial number corrected" in history
    assert "Serial number: A00-17 → A00-71" in history and "Reason: Digits swapped on the label" in history
    with app.app_context():
        unit = db.session.get(SerialUnit, shop["A00-17"])
        assert (unit.serial_key, unit.status) == (serial_key("A00-71"), "in_stock")
        row = db.session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == unit.id)
                                 .order_by(SerialHistory.id.desc())).first()
        assert row.transaction_type == "renumber" and row.user_id is not None
        db.session.remove()


def test_a_taken_serial_or_a_missing_reason_is_refused_on_the_page(app, login, shop):
    client = login("clerk")
    taken = renumber(client, shop["A00-17"], serial_number="xa00-2", reason="typo")
    assert taken.status_code == 200
    assert any("XA00-2" in a and "already exists" in a for a in alerts(taken.text))
    missing = renumber(client, shop["A00-17"], serial_number="A00-18", reason="")
    assert missing.status_code == 200 and "Say why the serial number is corrected." in missing.text
    with app.app_context():
        assert db.session.get(SerialUnit, shop["A00-17"]).serial_number == "A00-17"
        db.session.remove()


def test_support_neither_sees_nor_opens_the_correction(login, shop):
    client = login("support")
    edit = client.get(f"/admin/serial_inventory/edit/?id={shop['A00-17']}").text
    assert "renumber" not in edit
    assert client.get(f"/admin/serial_inventory/renumber/?id={shop['A00-17']}").status_code == 403


def test_renumbering_an_unknown_unit_is_a_404(login, shop):
    assert login("clerk").get("/admin/serial_inventory/renumber/?id=999999").status_code == 404
