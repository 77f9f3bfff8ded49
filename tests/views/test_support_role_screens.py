"""What the support role reads on the screens (issue 11, row 14): serial units, items and customers, no costs.

Support signed in walks every screen of the admin, its list, its forms and its export: a screen the role
does not read is a 403 and has no menu entry; the screens it reads show, list, sort and export no
cost or value.
"""
from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import select

from sos_serial.engine.posting import create_serial_unit
from sos_serial.extensions import db
from sos_serial.models import Item, Location, SerialUnit
from sos_serial.security.auth import RIGHTS
from sos_serial.views.secured_view import SecuredModelView
from tests.support.web import csrf_token_from
from tests.support.world import receive

SUPPORT_SCREENS = {"admin", "items", "serial_inventory", "customers", "serial_history", "warranties_expiring",
                   "warranty_lookup"}
COST_HEADERS = ("Default cost", "Value", "Unit cost", "Cost")


def admin_views(app):
    return app.extensions["admin"][0]._views


def read_csv(response) -> list[list[str]]:
    with response:
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


@pytest.fixture
def unit(app, demo) -> int:
    with app.app_context():
        item = db.session.scalars(select(Item).where(Item.track_serials.is_(True)).order_by(Item.id)).first()
        location = db.session.scalars(select(Location.id).order_by(Location.id)).first()
        made = create_serial_unit(db.session, user=None, item_id=item.id, serial_number="SUP-1",
                                  location_id=location, unit_cost="987.65")
        db.session.commit()
        unit_id = made.id
        db.session.remove()
    return unit_id


def test_support_walks_every_screen_and_opens_only_its_own(app, login, unit):
    client = login("support")
    opened = set()
    for view in admin_views(app):
        url = view.url.rstrip("/") + "/"
        response = client.get(url)
        if view.endpoint in SUPPORT_SCREENS:
            assert response.status_code == 200, url
            assert view.read_right in RIGHTS["support"], view.endpoint
            opened.add(view.endpoint)
        else:
            assert response.status_code == 403, url
        if isinstance(view, SecuredModelView):
            # Support adds nothing and exports only what it reads.
            assert client.get(url + "new/").status_code == 403, url
            if view.can_export:
                export = client.get(url + "export/csv/")
                assert export.status_code == (200 if view.endpoint in SUPPORT_SCREENS else 403), url
                export.close()
    assert opened == SUPPORT_SCREENS


def test_the_menu_shows_support_no_screen_it_may_not_open(app, login, unit):
    home = login("support").get("/admin/").text
    for view in admin_views(app)[1:]:  # after Home
        entry = f'href="{view.url.rstrip("/")}/"'
        assert (entry in home) == (view.endpoint in SUPPORT_SCREENS), view.endpoint


def test_the_items_screen_shows_support_no_cost_or_value(app, login, unit):
    item_id = next(iter_ids(app, Item))
    clerks = login("clerk").get("/admin/items/").text
    assert "Default cost" in clerks and "Value" in clerks
    client = login("support", "sam")
    listing = client.get("/admin/items/").text
    assert "Armenian Mantel Clock" in listing and "On hand" in listing
    for header in ("Default cost", "Value"):
        assert header not in listing
    details = client.get(f"/admin/items/details/?id={item_id}").text
    assert "Default cost" not in details and "Value" not in details and "149.99" not in details
    header = read_csv(client.get("/admin/items/export/csv/"))[0]
    assert "Name" in header and not set(COST_HEADERS) & set(header)
    # Sorting by every column the list offers never reaches a cost.
    for index in range(10):
        assert client.get(f"/admin/items/?sort={index}").status_code == 200


def test_the_serial_inventory_shows_support_no_unit_cost(app, login, unit):
    clerk_header = read_csv(login("clerk").get("/admin/serial_inventory/export/csv/"))[0]
    assert "Unit cost" in clerk_header
    client = login("support", "sam")
    listing = client.get("/admin/serial_inventory/").text
    assert "SUP-1" in listing
    assert "Unit cost" not in listing and "987.65" not in listing
    rows = read_csv(client.get("/admin/serial_inventory/export/csv/"))
    assert "Unit cost" not in rows[0] and "987.65" not in {cell for row in rows for cell in row}
    # Choosing the cost column by hand shows nothing more.
    token = client.get("/admin/serial_inventory/").text
    client.post("/admin/serial_inventory/columns/", data={"columns": ["serial_number", "unit_cost"],
                                                           "csrf_token": csrf_token_from(token)})
    assert "987.65" not in client.get("/admin/serial_inventory/").text
    edit = client.get(f"/admin/serial_inventory/edit/?id={unit}").text
    assert "987.65" not in edit and "Unit cost" not in edit


def iter_ids(app, model):
    with app.app_context():
        ids = db.session.scalars(select(model.id).order_by(model.id)).all()
        db.session.remove()
    return iter(ids)


def test_support_sees_a_units_documents_by_number_without_a_link_it_may_not_open(app, login, demo):
    with app.app_context():
        item = db.session.scalars(select(Item).where(Item.track_serials.is_(True)).order_by(Item.id)).first()
        location = db.session.scalars(select(Location.id).order_by(Location.id)).first()
        receipt = receive(item.id, ["DOC-1"], location, unit_cost="55.00")
        unit_id = db.session.scalars(select(SerialUnit.id).where(SerialUnit.serial_number == "DOC-1")).one()
        number, document_id = receipt.number, receipt.id
        db.session.remove()
    link = f"/admin/transactions/details/?id={document_id}"
    assert link in login("clerk").get(f"/admin/serial_inventory/history/?id={unit_id}").text
    client = login("support", "sam")
    for page in (f"/admin/serial_inventory/history/?id={unit_id}", "/admin/warranty_lookup/?serial=DOC-1",
                 "/admin/serial_history/"):
        html = client.get(page).text
        assert number in html and link not in html, page
    assert client.get(link).status_code == 403
