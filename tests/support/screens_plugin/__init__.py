"""A plugin package for the tests: a permission, two screens (one in a menu of its own) and two API routes.

Written as an integrator writes one, from the public names alone: the declarations, the secured
base views and menu names of sos_serial.views, the API's Shape and Answer, and the unit of work.
"""
from __future__ import annotations

from flask_admin import expose
from pydantic import Field

from sos_serial.api import Answer, Shape
from sos_serial.declarations import ApiRoute, Permission
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.hookspecs import hookimpl
from sos_serial.models import Item, Location
from sos_serial.views import INVENTORY, SecuredBaseView

AUDIT = "acme.audit"
AUDIT_MENU = "Acme audit"


class AuditLogView(SecuredBaseView):
    """A page of the plugin's own, on the module's layout, from the plugin's own template folder."""

    read_right = AUDIT
    template_folder = "templates"

    @expose("/")
    def index(self):
        items = db.session.query(Item).order_by(Item.name).all()
        return self.render("acme_screens/audit.html", items=items)


class StockCheckView(SecuredBaseView):
    read_right = AUDIT
    template_folder = "templates"

    @expose("/")
    def index(self):
        return self.render("acme_screens/stock_check.html", count=db.session.query(Item).count())


class ItemAudit(Answer):
    """What the audit says of one item."""

    item_id: int
    name: str
    track_serials: bool


class ShelfInput(Shape):
    """A shelf to add: a name and its aisle."""

    name: str = Field(min_length=1, max_length=60)
    aisle: int = Field(ge=1, le=99)


class Shelf(Answer):
    id: int
    name: str


def item_audit(item_id: int) -> ItemAudit:
    item = db.get_or_404(Item, item_id)
    return ItemAudit(item_id=item.id, name=item.name, track_serials=item.track_serials)


def add_shelf(body: ShelfInput) -> Shelf:
    with unit_of_work(db.session):
        shelf = Location(name=f"{body.name} (aisle {body.aisle})")
        db.session.add(shelf)
        db.session.flush()
        if body.name == "crash":
            # A fault after the write: the route's unit of work must leave nothing behind.
            raise RuntimeError("the shelf printer is out of paper: INSERT INTO locations ...")
    return Shelf.model_validate(shelf)


@hookimpl
def permissions():
    return [Permission(AUDIT, "Audit serial units", ("admin", "support"))]


@hookimpl
def admin_views():
    return [AuditLogView(name="Audit log", category=AUDIT_MENU, endpoint="acme_audit"),
            StockCheckView(name="Stock check", category=INVENTORY, endpoint="acme_stock_check")]


@hookimpl
def api_routes():
    return [
        ApiRoute(rule="/acme/items/<int:item_id>/audit", method="GET", view=item_audit, right=AUDIT,
                 summary="What the audit says of one item", response=ItemAudit),
        ApiRoute(rule="/acme/shelves", method="POST", view=add_shelf, right=AUDIT, summary="Add a shelf",
                 request=ShelfInput, response=Shelf, status=201),
    ]
