"""A plugin's field on serial units in Chromium: typed into a unit's Edit form, then shown in the Serial inventory list."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.support import custom_fields_plugin

from .conftest import check_page
from .test_serial_inventory import SERIAL_INVENTORY, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def app(app_config, stock_free_app_factory):
    """The served app, with the test plugin's custom fields."""
    return stock_free_app_factory({**app_config, "SOS_SERIAL_PLUGINS": [custom_fields_plugin]})


@pytest.fixture
def received_clock(app):
    from sos_serial.extensions import db
    from sos_serial.models import SerialUnit
    from tests.support.world import make_company, receive

    with app.app_context():
        co = make_company(db.session)
        receive(co.clock, ["CLK-001", "CLK-002"], co.main)
        unit_id = db.session.scalar(select(SerialUnit.id).where(SerialUnit.serial_number == "CLK-001"))
        db.session.remove()
    return unit_id


def test_a_units_custom_field_is_edited_and_shown_in_the_list(page, app, make_user, received_clock, shot):
    from sos_serial.extensions import db
    from sos_serial.models import SerialUnit

    make_user("clerk", "cleo")
    sign_in(page, "cleo")
    page.goto(f"/admin/serial_inventory/edit/?id={received_clock}")
    form = page.locator("form.admin-form")
    expect(form.get_by_label("RFID tag")).to_be_disabled()
    form.get_by_label("Calibrated on").fill("2026-04-01")
    form.get_by_label("Inspector").fill("Ani Petrosyan")
    shot(page, "custom-fields-typed")
    form.get_by_role("button", name="Save").click()
    expect(page).to_have_url(SERIAL_INVENTORY)

    # The column chooser offers the field; ticked, the list shows it.
    headers = page.locator("table.model-list thead th")
    expect(headers.filter(has_text="Inspector")).to_have_count(0)
    # Bootstrap opens the menu once its script has loaded, at the end of the page.
    page.wait_for_load_state("load")
    page.locator("#column-chooser-toggle").click()
    chooser = page.locator(".column-chooser .dropdown-menu")
    expect(chooser).to_be_visible()
    chooser.get_by_label("Inspector", exact=True).check()
    chooser.get_by_label("Calibrated on", exact=True).check()
    chooser.get_by_role("button", name="Apply").click()
    expect(page).to_have_url(SERIAL_INVENTORY)
    expect(headers.filter(has_text="Inspector")).to_have_count(1)
    row = page.locator("table.model-list tbody tr", has_text="CLK-001")
    expect(row).to_contain_text("Ani Petrosyan")
    expect(row).to_contain_text("2026-04-01")
    expect(page.locator("table.model-list tbody tr", has_text="CLK-002")).not_to_contain_text("Ani")
    shot(page, "custom-field-column-shown")

    # The unit's history names the change.
    row.get_by_role("link", name="Transaction history").click()
    expect(page.locator("table.unit-history tbody tr").last).to_contain_text("Inspector: (none) → Ani Petrosyan")
    check_page(page)
    with app.app_context():
        assert db.session.get(SerialUnit, received_clock).custom_fields == {
            "calibrated_on": "2026-04-01", "inspector": "Ani Petrosyan"}
