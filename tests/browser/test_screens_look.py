"""Every main screen, as administrator, at a desk (1366 px) and on a tablet at the dock (768 px): a screenshot
of each into test-artifacts/, no sideways scrolling of the page, and axe-core finding no serious or critical
accessibility violation on the screens a clerk works in all day.

axe-core is the npm package's own build (tests/support/vendor/axe-core), handed to the page by the test, so
nothing is fetched from a network and the app's Content-Security-Policy stays as it is served.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.web import PASSWORD

from .test_login_and_item import sign_in

pytestmark = pytest.mark.browser

AXE = (Path(__file__).resolve().parents[1] / "support" / "vendor" / "axe-core" / "axe.min.js").read_text()

# The main screens: (name, path). The shipment and history screens need the demo's documents.
MAIN_SCREENS = [
    ("home", "/admin/"),
    ("items", "/admin/items/"),
    ("item-form", "/admin/items/new/"),
    ("serial-inventory", "/admin/serial_inventory/"),
    ("item-receipt", "/admin/item_receipts/new/"),
    ("shipment", "/admin/shipments/new/"),
    ("transfer", "/admin/transfers/new/"),
    ("adjustment", "/admin/adjustments/new/"),
    ("all-transactions", "/admin/transactions/"),
    ("serial-history", "/admin/serial_history/"),
    ("warranties-expiring", "/admin/warranties_expiring/"),
    ("warranty-lookup", "/admin/warranty_lookup/"),
    ("customers", "/admin/customers/"),
    ("settings", "/admin/settings/"),
]
# The screens of a clerk's whole day, held to axe-core's serious and critical rules.
CHECKED_FOR_ACCESS = {"item-receipt", "shipment", "serial-inventory", "warranty-lookup"}


@pytest.fixture
def demo_company(app, make_user):
    from sos_serial.extensions import db
    from sos_serial.fixtures import load_demo_data

    make_user("admin", "ada")
    with app.app_context():
        load_demo_data(db.session)
        db.session.remove()


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def serious_violations(page) -> list[str]:
    page.evaluate(AXE)
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ["violations"]});
        return result.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => `${v.impact} ${v.id}: ${v.help} (${v.nodes.slice(0, 3).map(n => n.target.join(" ")).join("; ")})`);
    }""")
    return found


def test_every_main_screen_is_shot_and_fits_the_width(page, demo_company, shot):
    # Both widths in one test: its screenshots land in one folder, side by side (docs/screens.md uses them).
    sign_in(page, "ada", PASSWORD)
    too_wide = []
    for width in (1366, 768):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path in MAIN_SCREENS:
            page.goto(path)
            page.wait_for_load_state("load")
            shot(page, f"{name}-{width}")
            overflow = sideways_overflow(page)
            if overflow > 0:
                too_wide.append(f"{name} at {width}px ({path}) by {overflow}px")
    assert not too_wide, f"these screens scroll sideways: {too_wide}"


def test_the_clerks_screens_have_no_serious_accessibility_violation(page, demo_company):
    sign_in(page, "ada", PASSWORD)
    found = {}
    for name, path in MAIN_SCREENS:
        if name not in CHECKED_FOR_ACCESS:
            continue
        page.goto(path)
        page.wait_for_load_state("load")
        violations = serious_violations(page)
        if violations:
            found[name] = violations
    assert not found, found
