"""Plan gating on the screens: Settings refuses Companion while items are tracked, naming them; on Companion
the serial screens leave the menu and answer a page saying why."""
from __future__ import annotations

import pytest

from sos_serial.extensions import db
from sos_serial.models import Item, Settings
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import make_company

SETTINGS = "/admin/settings/"
FORM = {"plan": "companion", "value_serials_by_specific_id": "y", "valuation_method": "fifo", "auto_serial_prefix": "",
        "auto_serial_length": "6", "auto_serial_mode": "sequential", "auto_serial_next_number": "1",
        "show_warranty_on_serial_units": "y"}
SERIAL_SCREENS = ("/admin/serial_inventory/", "/admin/serial_history/", "/admin/warranties_expiring/",
                  "/admin/warranty_lookup/")


@pytest.fixture
def company(app):
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        db.session.remove()
    return made


def menu(page: str) -> str:
    return page[page.index("<nav"):page.index("</nav>")]


def plan(app) -> str:
    with app.app_context():
        try:
            return Settings.current(db.session).plan
        finally:
            db.session.remove()


def test_switching_to_companion_on_the_settings_screen_names_the_tracked_items(app, login, company):
    client = login("admin")
    page = client.get(SETTINGS).text
    answer = client.post(SETTINGS, data={**FORM, "csrf_token": csrf_token_from(page), **read_version_from(page)},
                         follow_redirects=True).text
    assert "The Companion plan has no serial tracking" in answer
    assert "Armenian Mantel Clock" in answer and "Grandfather Clock" in answer
    assert "Settings saved." not in answer
    assert plan(app) == "pro"


def test_on_companion_the_serial_screens_say_why_and_leave_the_menu(app, login, company):
    client = login("clerk")
    home = menu(client.get("/admin/").text)
    assert all(f'href="{url}"' in home for url in SERIAL_SCREENS[:3])
    assert "Scan or type a serial" in client.get("/admin/").text
    with app.app_context():
        Settings.current(db.session).plan = "companion"
        db.session.commit()
        db.session.remove()
    home = menu(client.get("/admin/").text)
    assert not any(f'href="{url}"' in home for url in SERIAL_SCREENS)
    # The navigation bar's serial box would only lead to that page: it is not offered.
    assert "Scan or type a serial" not in client.get("/admin/").text
    for url in SERIAL_SCREENS:
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Not on this plan" in response.text and "Companion plan" in response.text
        assert 'class="navbar' in response.text
    unit_page = client.get("/admin/serial_inventory/new/")
    assert unit_page.status_code == 403


def test_on_companion_a_receipt_of_a_tracked_item_is_refused_on_the_screen(app, login, company):
    client = login("clerk")
    with app.app_context():
        Settings.current(db.session).plan = "companion"
        db.session.commit()
        db.session.remove()
    url = "/admin/item_receipts/new/"
    page = client.get(url).text
    answer = client.post(url, data={"csrf_token": csrf_token_from(page), "date": "2026-01-05",
                                    "location_id": str(company.main), "lines-0-item_id": str(company.clock),
                                    "lines-0-quantity": "1", "lines-0-serials": "CLK-77"},
                         follow_redirects=True).text
    assert "Armenian Mantel Clock is tracked by serial number, and nothing was posted" in answer
    with app.app_context():
        assert db.session.get(Item, company.clock).quantity_on_hand == 0
        db.session.remove()
