"""A plugin's page, reached from the menu the way a support user does: the plugin's own menu, then its page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.support import screens_plugin
from tests.support.web import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def app(app_config, stock_free_app_factory):
    """The served app loads the screens plugin of tests/support."""
    return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[screens_plugin]))


def test_support_opens_the_plugin_page_from_its_menu(page, make_user, shot):
    make_user("support", "sam")
    page.goto("/login")
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/$"))

    navbar = page.locator("#admin-navbar-collapse")
    # The menus open by script: click only once the page's scripts have run.
    page.wait_for_load_state("load")
    navbar.locator("a.dropdown-toggle.nav-link", has_text=screens_plugin.AUDIT_MENU).click()
    entry = navbar.locator("a.dropdown-item", has_text=re.compile(r"^\s*Audit log\s*$"))
    expect(entry).to_be_visible()
    shot(page, "plugin-menu-open")
    entry.click()

    expect(page).to_have_url(re.compile(r"/admin/acme_audit/$"))
    expect(page.get_by_role("heading", name="Acme audit log")).to_be_visible()
    # The module's layout around it: the menu bar and the signed-in user.
    expect(page.locator("#user-menu")).to_contain_text("sam")
    expect(navbar.locator("a.dropdown-toggle.nav-link", has_text="Operations")).to_be_visible()
    shot(page, "plugin-page")
