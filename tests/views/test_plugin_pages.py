"""A plugin's screens: on the secured base, in the module's layout, behind the right the plugin declares."""
import pytest

from tests.support import screens_plugin
from tests.support.web import PASSWORD, csrf_token_from

AUDIT_PAGE = "/admin/acme_audit/"
STOCK_CHECK_PAGE = "/admin/acme_stock_check/"


@pytest.fixture
def app(app_config, stock_free_app_factory):
    """This module's app loads the screens plugin of tests/support."""
    return stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[screens_plugin]))


@pytest.mark.parametrize("role", ["admin", "support"])
def test_roles_given_the_right_see_the_menu_entries_and_open_the_pages(login, role):
    client = login(role)
    home = client.get("/admin/").text
    assert "Acme audit" in home and 'href="/admin/acme_audit/"' in home
    assert 'href="/admin/acme_stock_check/"' in home

    audit = client.get(AUDIT_PAGE)
    assert audit.status_code == 200
    # The plugin's own template, drawn inside the module's layout (its menu and sign-out form).
    assert "Acme audit log" in audit.text and 'class="acme-audit"' in audit.text
    assert "SOS Serial" in audit.text and "/logout" in audit.text
    stock_check = client.get(STOCK_CHECK_PAGE)
    assert stock_check.status_code == 200 and "items to count." in stock_check.text


def test_the_page_under_inventory_sits_in_the_module_menu(login):
    home = login("admin").get("/admin/").text
    # The Inventory menu lists the module's screens, then the plugin's.
    inventory = home[home.index('dropdown-header">Inventory<'):]
    assert inventory.index("/admin/items/") < inventory.index("/admin/acme_stock_check/")


def test_a_clerk_without_the_right_gets_a_403_and_no_menu_entry(login):
    client = login("clerk")
    home = client.get("/admin/").text
    assert "Acme audit" not in home and "acme_audit" not in home and "acme_stock_check" not in home
    assert "/admin/items/" in home  # the module's own screens are still there
    assert client.get(AUDIT_PAGE).status_code == 403
    assert client.get(STOCK_CHECK_PAGE).status_code == 403


def test_someone_not_signed_in_is_sent_to_the_login_page(client):
    response = client.get(AUDIT_PAGE)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/admin/acme_audit/")


def test_the_plugins_screen_shows_what_the_plugin_declared(login):
    page = login("admin").get("/admin/plugins/").text
    assert 'data-plugin="tests.support.screens_plugin"' in page
    assert "declares permission acme.audit (Audit serial units) for admin, support" in page
    assert "declares screen Acme audit &gt; Audit log at /admin/acme_audit (needs acme.audit)" in page
    assert "declares screen Inventory &gt; Stock check" in page
    assert "declares route POST /api/v1/acme/shelves (needs acme.audit)" in page


def test_plugins_list_shows_what_each_plugin_declared(app):
    result = app.test_cli_runner().invoke(args=["plugins", "list"])
    assert result.exit_code == 0, result.output
    block = result.output[result.output.index("tests.support.screens_plugin  ["):]
    assert "    declares permission acme.audit (Audit serial units) for admin, support" in block
    assert "    declares screen Acme audit > Audit log at /admin/acme_audit (needs acme.audit)" in block
    assert "    declares route GET /api/v1/acme/items/<int:item_id>/audit (needs acme.audit)" in block


def test_another_app_without_the_plugin_has_neither_the_pages_nor_the_right(
        make_user, app_config, stock_free_app_factory):
    make_user("support")
    client = stock_free_app_factory(dict(app_config)).test_client()
    page = client.get("/login")
    signed_in = client.post("/login", data={"username": "support", "password": PASSWORD,
                                            "csrf_token": csrf_token_from(page.text)})
    assert signed_in.status_code == 302
    assert client.get(AUDIT_PAGE).status_code == 404
    home = client.get("/admin/")
    assert home.status_code == 200 and "Acme audit" not in home.text
