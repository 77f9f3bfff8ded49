"""Items: create, read, change; and the serial picker's list of units a document may take."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.custom_fields import check_custom_fields
from sos_serial.engine.gtin import read_gtin
from sos_serial.engine.queries import pickable_units
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, FieldError, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, Warranty

from . import bp, require
from .reading import custom_fields, json_object, locked, query
from .schemas.common import PageQuery, page_of, read
from .schemas.items import Item as ItemAnswer
from .schemas.items import ItemChange, ItemInput
from .schemas.serials import AvailableSerialsQuery, SerialUnit
from .versions import answer_tag, refuse_if_stale, with_tag

POSTING_ONLY = ("quantity_on_hand", "value", "id")


def _apply(item: Item, change: ItemChange) -> None:
    given = change.given()
    if "custom_fields" in given or item.id is None:
        record = f"Item {item.name}" if item.id is not None else f"The new item {given.get('name', '')}".rstrip()
        given["custom_fields"] = check_custom_fields(custom_fields(), "item", record, given.get("custom_fields"),
                                                     stored=item.custom_fields, creating=item.id is None)
    if "warranty_id" in given and given["warranty_id"] is not None \
            and db.session.get(Warranty, given["warranty_id"]) is None:
        raise InvalidInput(f"There is no warranty with id {given['warranty_id']}.",
                           [FieldError("warranty_id", "Unknown warranty.")])
    if "gtin" in given:
        given["gtin"] = read_gtin(given["gtin"], f"Item {given.get('name') or item.name or ''}".rstrip())
    for name, value in given.items():
        setattr(item, name, value)


def _read_item(shape):
    data = json_object()
    # The figures a posting keeps are a conflict with the rule, whatever else the body holds.
    locked = [name for name in POSTING_ONLY if name in data]
    if locked:
        raise Conflict(f"{' and '.join(locked)} change only by posting a transaction (a receipt or an adjustment).",
                       [FieldError(name, "Only transactions change it.") for name in locked])
    return read(shape, data, "The item")


@bp.get("/items")
def list_items():
    page, per_page = query(PageQuery).window()
    total = db.session.scalar(select(func.count()).select_from(Item))
    items = db.session.scalars(select(Item).order_by(Item.name).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(ItemAnswer, items, total, page, per_page))


@bp.post("/items")
def create_item():
    require("edit_master")
    with unit_of_work(db.session):
        item = Item(track_serials=False)
        _apply(item, _read_item(ItemInput))
        db.session.add(item)
    return jsonify(ItemAnswer.of(item)), 201


@bp.get("/items/<int:item_id>")
def get_item(item_id):
    answer = ItemAnswer.of(db.get_or_404(Item, item_id))
    return with_tag(jsonify(answer), answer_tag(answer))


@bp.patch("/items/<int:item_id>")
def change_item(item_id):
    require("edit_master")
    with unit_of_work(db.session):
        item = locked(Item, item_id)
        refuse_if_stale(answer_tag(ItemAnswer.of(item)), f"The item {item.name}")
        _apply(item, _read_item(ItemChange))
    answer = ItemAnswer.of(item)
    return with_tag(jsonify(answer), answer_tag(answer))


@bp.get("/items/<int:item_id>/available-serials")
def available_serials(item_id):
    item = db.get_or_404(Item, item_id)
    asked = query(AvailableSerialsQuery)
    page, per_page = asked.window()
    for name, model in (("location_id", Location), ("customer_id", Customer)):
        record_id = getattr(asked, name)
        if record_id is not None and db.session.get(model, record_id) is None:
            raise InvalidInput(f"There is no {model.__name__.lower()} with id {record_id}.",
                               [FieldError(name, f"Unknown {model.__name__.lower()}.")])
    found = pickable_units(db.session, item.id, kind=asked.type, location_id=asked.location_id,
                           customer_id=asked.customer_id, q=asked.q, limit=per_page,
                           offset=(page - 1) * per_page, count=True)
    return jsonify(page_of(SerialUnit, found.units, found.total, page, per_page))
