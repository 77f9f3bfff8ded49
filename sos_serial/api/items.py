"""Items: create, read, change; and the serial picker's list of units available at a location."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, FieldError, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Item, Location, SerialUnit, Warranty
from sos_serial.models.serial_unit import IN_STOCK

from . import bp, require
from .representations import item_json, page_json, serial_unit_json
from .request_parsing import (
    bool_field,
    id_field,
    json_body,
    money_field,
    pagination,
    query_int,
    refuse_unknown,
    text_field,
)
from .serial_search import prefix_filter

WRITABLE = ("name", "sku", "description", "track_serials", "warranty_id", "cost")
POSTING_ONLY = ("quantity_on_hand", "value", "id")


def _apply(item: Item, data: dict) -> None:
    locked = [name for name in POSTING_ONLY if name in data]
    if locked:
        raise Conflict(f"{' and '.join(locked)} change only by posting a transaction (a receipt or an adjustment).",
                       [FieldError(name, "Only transactions change it.") for name in locked])
    refuse_unknown(data, WRITABLE, "An item")
    if "name" in data:
        item.name = text_field(data, "name", max_length=200, required=True)
    if "sku" in data:
        item.sku = text_field(data, "sku", max_length=64)
    if "description" in data:
        item.description = text_field(data, "description", max_length=10_000)
    if "warranty_id" in data:
        warranty_id = id_field(data, "warranty_id", nullable=True)
        if warranty_id is not None and db.session.get(Warranty, warranty_id) is None:
            raise InvalidInput(f"There is no warranty with id {warranty_id}.",
                               [FieldError("warranty_id", "Unknown warranty.")])
        item.warranty_id = warranty_id
    if "cost" in data:
        item.cost = money_field(data, "cost")
    if "track_serials" in data:
        item.track_serials = bool_field(data, "track_serials")


@bp.get("/items")
def list_items():
    page, per_page = pagination()
    query = select(Item).order_by(Item.name)
    total = db.session.scalar(select(func.count()).select_from(Item))
    items = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([item_json(i) for i in items], total, page, per_page))


@bp.post("/items")
def create_item():
    require("edit_master")
    data = json_body()
    if "name" not in data:
        raise InvalidInput("An item needs a name.", [FieldError("name", "Required.")])
    with unit_of_work(db.session):
        item = Item(track_serials=False)
        _apply(item, data)
        db.session.add(item)
    return jsonify(item_json(item)), 201


@bp.get("/items/<int:item_id>")
def get_item(item_id):
    return jsonify(item_json(db.get_or_404(Item, item_id)))


@bp.patch("/items/<int:item_id>")
def change_item(item_id):
    require("edit_master")
    with unit_of_work(db.session):
        item = db.get_or_404(Item, item_id)
        _apply(item, json_body())
    return jsonify(item_json(item))


@bp.get("/items/<int:item_id>/available-serials")
def available_serials(item_id):
    item = db.get_or_404(Item, item_id)
    page, per_page = pagination()
    location_id = query_int("location_id")
    if location_id is not None and db.session.get(Location, location_id) is None:
        raise InvalidInput(f"There is no location with id {location_id}.",
                           [FieldError("location_id", "Unknown location.")])
    conditions = [SerialUnit.item_id == item.id, SerialUnit.status == IN_STOCK]
    if location_id is not None:
        conditions.append(SerialUnit.location_id == location_id)
    conditions.extend(prefix_filter())
    total = db.session.scalar(select(func.count(SerialUnit.id)).where(*conditions))
    units = db.session.scalars(select(SerialUnit).where(*conditions).order_by(SerialUnit.serial_key)
                               .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([serial_unit_json(u) for u in units], total, page, per_page))
