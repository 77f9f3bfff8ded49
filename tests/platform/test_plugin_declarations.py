"""A plugin's permissions, screens and routes are checked when the app starts: a wrong one stops it, naming the plugin."""
import traceback

import pytest
from flask_admin import BaseView, expose
from flask_login import AnonymousUserMixin

from sos_serial import create_app
from sos_serial.declarations import ApiRoute, Permission
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import User
from sos_serial.security.auth import can
from sos_serial.views import INTEGRATIONS, SecuredBaseView
from tests.support import screens_plugin

PLUGIN = "tests.platform.test_plugin_declarations.Declaring"


class Declaring:
    """A plugin declaring what it is given; views as factories, so each app gets new instances."""

    def __init__(self, permissions=(), views=(), routes=()):
        self._permissions, self._views, self._routes = permissions, views, routes

    @hookimpl
    def permissions(self):
        return list(self._permissions)

    @hookimpl
    def admin_views(self):
        return [make() for make in self._views]

    @hookimpl
    def api_routes(self):
        return list(self._routes)


class Page(SecuredBaseView):
    @expose("/")
    def index(self):
        return "a page"


class OpenPage(BaseView):
    @expose("/")
    def index(self):
        return "open to anyone"


def answer():
    return {}


def refusal(app_config, *plugins) -> str:
    """The message create_app stops with, given these plugins; the half-built app's engine is disposed."""
    with pytest.raises(RuntimeError) as refused:
        create_app(dict(app_config, SOS_SERIAL_PLUGINS=list(plugins)))
    for frame, _line in traceback.walk_tb(refused.value.__traceback__):
        half_built = frame.f_locals.get("app")
        if frame.f_code.co_name == "create_app" and half_built is not None:
            with half_built.app_context():
                db.engine.dispose()
    return str(refused.value)


def test_a_permission_redeclaring_a_module_right_stops_the_app(app_config):
    message = refusal(app_config, Declaring(permissions=[Permission("manage_settings", "Settings", ("clerk",))]))
    assert f"The plugin '{PLUGIN}' declares the permission 'manage_settings', which is one of the module's own" in message


def test_a_permission_another_plugin_declared_stops_the_app_naming_both(app_config):
    message = refusal(app_config, screens_plugin, Declaring(permissions=[Permission("acme.audit", "Mine")]))
    assert f"The plugin '{PLUGIN}' declares the permission 'acme.audit'" in message
    assert "the plugin 'tests.support.screens_plugin' already declared" in message


def test_a_permission_for_an_unknown_role_stops_the_app(app_config):
    message = refusal(app_config, Declaring(permissions=[Permission("acme.x", "X", ("admin", "auditor"))]))
    assert f"The plugin '{PLUGIN}' gives the permission 'acme.x' to the unknown role(s) 'auditor'" in message


def test_a_view_not_on_the_secured_base_stops_the_app(app_config):
    message = refusal(app_config, Declaring(views=[lambda: OpenPage(name="Open", endpoint="acme_open")]))
    assert f"The plugin '{PLUGIN}' adds the screen 'Open' (OpenPage), which is not built on" in message
    assert "SecuredBaseView" in message and "open to anyone" in message


def test_something_not_a_view_stops_the_app(app_config):
    message = refusal(app_config, Declaring(views=[lambda: "a page"]))
    assert f"The plugin '{PLUGIN}' returned 'a page' from the hook 'admin_views'" in message


def test_a_view_requiring_an_undeclared_right_stops_the_app(app_config):
    class Secret(Page):
        read_right = "acme.secret"

    message = refusal(app_config, Declaring(views=[lambda: Secret(name="Secret", endpoint="acme_secret")]))
    assert f"The plugin '{PLUGIN}' adds the screen 'Secret', which requires the right 'acme.secret'" in message


def test_a_view_taking_a_module_endpoint_stops_the_app(app_config):
    message = refusal(app_config, Declaring(views=[lambda: Page(name="Mine", category=INTEGRATIONS,
                                                                endpoint="plugins")]))
    assert f"The plugin '{PLUGIN}' adds the screen 'Mine' under the endpoint 'plugins', which the module" in message


def test_a_route_requiring_an_undeclared_right_stops_the_app(app_config):
    route = ApiRoute(rule="/acme/x", method="GET", view=answer, right="acme.nobody", summary="X")
    message = refusal(app_config, Declaring(routes=[route]))
    assert f"The plugin '{PLUGIN}' adds the API route GET /api/v1/acme/x, which requires the right 'acme.nobody'" \
        in message


def test_a_route_clashing_with_a_module_route_stops_the_app(app_config):
    route = ApiRoute(rule="/items/<int:number>", method="GET", view=answer, right="read", summary="Mine")
    message = refusal(app_config, Declaring(routes=[route]))
    assert f"The plugin '{PLUGIN}' adds the API route GET /api/v1/items/<int:number>, which the module already " \
        "answers" in message


def test_a_route_clashing_with_another_plugins_stops_the_app_naming_both(app_config):
    route = ApiRoute(rule="/acme/shelves", method="POST", view=answer, right="read", summary="Mine")
    message = refusal(app_config, screens_plugin, Declaring(routes=[route]))
    assert f"The plugin '{PLUGIN}' adds the API route POST /api/v1/acme/shelves, which the plugin " \
        "'tests.support.screens_plugin' already answers" in message


def test_a_route_model_named_like_a_module_shape_stops_the_app(app_config):
    from pydantic import BaseModel

    class Item(BaseModel):
        name: str

    route = ApiRoute(rule="/acme/y", method="GET", view=answer, right="read", summary="Y", response=Item)
    message = refusal(app_config, Declaring(routes=[route]))
    assert f"The plugin '{PLUGIN}' adds the API route GET /api/v1/acme/y with the model 'Item'" in message


def test_the_hook_must_return_a_list(app_config):
    class Careless:
        @hookimpl
        def permissions(self):
            return Permission("acme.one", "One")

    message = refusal(app_config, Careless())
    assert "returned Permission from the hook 'permissions'; it must return a list" in message


def test_a_plugins_right_is_held_by_its_app_alone(app_config, stock_free_app_factory):
    with_plugin = stock_free_app_factory(dict(app_config, SOS_SERIAL_PLUGINS=[screens_plugin]))
    without = stock_free_app_factory(dict(app_config))
    support, clerk = User(username="s", role="support"), User(username="c", role="clerk")
    with with_plugin.app_context():
        assert can(support, "acme.audit") and not can(clerk, "acme.audit")
        assert not can(AnonymousUserMixin(), "acme.audit")
        assert can(support, "read_serial_units")
    with without.app_context():
        assert not can(support, "acme.audit")
        assert can(support, "read_serial_units")
