"""Serial units: search, read, add one directly, correct warranty dates and notes, and history."""
from flask import g, jsonify, request
from sqlalchemy import func, select

from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.serial_unit_edits import LOCKED, edit_serial_unit, refuse_locked
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import SerialHistory, SerialUnit
from sos_serial.models.serial_unit import STATUSES

from . import bp, require
from .representations import history_json, page_json, serial_unit_json
from .request_parsing import (
    date_field,
    id_field,
    json_body,
    money_field,
    pagination,
    query_int,
    refuse_unknown,
    text_field,
)
from .serial_search import prefix_filter


@bp.get("/serials")
def list_serials():
    page, per_page = pagination()
    conditions = []
    for name, column in (("item_id", SerialUnit.item_id), ("location_id", SerialUnit.location_id),
                         ("customer_id", SerialUnit.customer_id)):
        value = query_int(name)
        if value is not None:
            conditions.append(column == value)
    status = request.args.get("status")
    if status:
        if status not in STATUSES:
            raise InvalidInput(f"status must be one of {', '.join(STATUSES)}.", [FieldError("status", "Unknown.")])
        conditions.append(SerialUnit.status == status)
    conditions.extend(prefix_filter())
    total = db.session.scalar(select(func.count(SerialUnit.id)).where(*conditions))
    order = SerialUnit.serial_key if request.args.get("q") else SerialUnit.id
    units = db.session.scalars(select(SerialUnit).where(*conditions).order_by(order)
                               .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([serial_unit_json(u) for u in units], total, page, per_page))


@bp.get("/serials/<int:unit_id>")
def get_serial(unit_id):
    return jsonify(serial_unit_json(db.get_or_404(SerialUnit, unit_id)))


@bp.post("/serials")
def add_serial():
    require("create_serial")
    data = json_body()
    refuse_unknown(data, ("item_id", "serial_number", "location_id", "customer_id", "unit_cost", "warranty_start",
                          "warranty_end", "notes"), "A serial unit")
    if "serial_number" not in data:
        raise InvalidInput("serial_number is required.", [FieldError("serial_number", "Required.")])
    unit = create_serial_unit(
        db.session, item_id=id_field(data, "item_id"), serial_number=data["serial_number"],
        location_id=id_field(data, "location_id", nullable=True),
        customer_id=id_field(data, "customer_id", nullable=True),
        unit_cost=money_field(data, "unit_cost") if data.get("unit_cost") is not None else None,
        warranty_start=date_field(data, "warranty_start"), warranty_end=date_field(data, "warranty_end"),
        notes=text_field(data, "notes", max_length=10_000), user=g.api_user)
    return jsonify(serial_unit_json(unit)), 201


@bp.patch("/serials/<int:unit_id>")
def change_serial(unit_id):
    require("edit_warranty_dates")
    db.get_or_404(SerialUnit, unit_id)
    data = json_body()
    # A locked field refuses the whole request first, whatever else it holds: nothing in it is applied.
    refuse_locked(data)
    changes = {}
    for name in ("warranty_start", "warranty_end"):
        if name in data:
            changes[name] = date_field(data, name)
    if "notes" in data:
        changes["notes"] = data["notes"]
    refuse_unknown(data, (*LOCKED, "warranty_start", "warranty_end", "notes", "version"), "A serial unit")
    version = id_field(data, "version") if "version" in data else None
    unit = edit_serial_unit(db.session, unit_id, changes, user=g.api_user, expected_version=version)
    return jsonify(serial_unit_json(unit))


@bp.get("/serials/<int:unit_id>/history")
def serial_history(unit_id):
    db.get_or_404(SerialUnit, unit_id)
    rows = db.session.scalars(select(SerialHistory).where(SerialHistory.serial_unit_id == unit_id)
                              .order_by(SerialHistory.id))
    return jsonify([history_json(row) for row in rows])
