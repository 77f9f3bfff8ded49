"""Serial units: search, read, add one directly, correct warranty dates, notes and the serial, and history."""
from flask import g, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from sos_serial.engine.custom_fields import equals_condition, filter_value
from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.queries import unit_history
from sos_serial.engine.serial_renumber import renumber_serial_unit
from sos_serial.engine.serial_search import anything_conditions, prefix_conditions
from sos_serial.engine.serial_unit_edits import edit_serial_unit, refuse_locked
from sos_serial.extensions import db
from sos_serial.models import SerialUnit

from . import bp, require
from .reading import body, custom_fields, json_object, query
from .schemas.common import page_of, read
from .schemas.serials import HistoryEntry, SerialQuery, SerialRenumber, SerialUnitChange, SerialUnitInput
from .schemas.serials import SerialUnit as SerialUnitAnswer
from .versions import asked_unit_versions, unit_tag, with_tag


@bp.get("/serials")
def list_serials():
    asked = query(SerialQuery)
    page, per_page = asked.window()
    conditions = [column == value for column, value in ((SerialUnit.item_id, asked.item_id),
                                                         (SerialUnit.location_id, asked.location_id),
                                                         (SerialUnit.customer_id, asked.customer_id),
                                                         (SerialUnit.status, asked.status)) if value is not None]
    conditions.extend(prefix_conditions(asked.serial))
    conditions.extend(anything_conditions(db.session, asked.q))
    # ?custom_fields.NAME=value: units whose custom field holds that value.
    dialect = db.session.get_bind().dialect.name
    for key, text in request.args.items():
        if key.startswith("custom_fields."):
            name = key.removeprefix("custom_fields.")
            value = filter_value(custom_fields(), "serial_unit", name, text)
            conditions.append(equals_condition(SerialUnit.custom_fields, name, value, dialect))
    total = db.session.scalar(select(func.count(SerialUnit.id)).where(*conditions))
    # A prefix reads the key's index in order; any other search lists its matches in the order they came, as the
    # Serial inventory does: sorting a broad match (an item's name: 100,000 units) by serial would read every row.
    order = SerialUnit.serial_key if asked.serial and not asked.q and asked.after is None else SerialUnit.id
    # Items by a second query, not joined: given the join, SQLite drives a search from the items and reads every
    # unit of each (3.4 s for the units at the Dock locations among a million) instead of the matches' indexes.
    statement = (select(SerialUnit).options(selectinload(SerialUnit.item)).where(*conditions).order_by(order)
                 .limit(per_page))
    if asked.after is not None:
        # Keyset: the rows after the given id, read from the primary key in order, however deep.
        statement = statement.where(SerialUnit.id > asked.after)
    else:
        statement = statement.offset((page - 1) * per_page)
    units = db.session.scalars(statement).all()
    answer = page_of(SerialUnitAnswer, units, total, page, per_page)
    if asked.after is not None:
        # Only when asked for by ?after=: the answer of the paged list keeps its four keys.
        answer["next_after"] = units[-1].id if len(units) == per_page else None
    return jsonify(answer)


@bp.get("/serials/<int:unit_id>")
def get_serial(unit_id):
    unit = db.get_or_404(SerialUnit, unit_id)
    return with_tag(jsonify(SerialUnitAnswer.of(unit)), unit_tag(unit.version))


@bp.post("/serials")
def add_serial():
    require("create_serial")
    new = body(SerialUnitInput, "The serial unit")
    unit = create_serial_unit(db.session, user=g.api_user, fields=custom_fields(), **new.model_dump())
    return jsonify(SerialUnitAnswer.of(unit)), 201


@bp.patch("/serials/<int:unit_id>")
def change_serial(unit_id):
    require("edit_warranty_dates")
    db.get_or_404(SerialUnit, unit_id)
    data = json_object()
    if "custom_fields" in data:
        # Support corrects warranty dates and notes only; custom fields are the clerk's.
        require("edit_serial")
    # A locked field refuses the whole request first, whatever else it holds: nothing in it is applied.
    refuse_locked(data)
    change = read(SerialUnitChange, data, "The correction")
    # The version read, from If-Match or the body's version (both: the edit needs both to be current).
    expected = asked_unit_versions()
    if change.version is not None:
        expected = {change.version} if expected is None else expected & {change.version}
    unit = edit_serial_unit(db.session, unit_id, change.changes(), user=g.api_user, expected_version=expected,
                            fields=custom_fields())
    return with_tag(jsonify(SerialUnitAnswer.of(unit)), unit_tag(unit.version))


@bp.post("/serials/<int:unit_id>/renumber")
def renumber_serial(unit_id):
    require("edit_serial")
    db.get_or_404(SerialUnit, unit_id)
    asked = body(SerialRenumber, "The correction")
    expected = asked_unit_versions()
    if asked.version is not None:
        expected = {asked.version} if expected is None else expected & {asked.version}
    unit = renumber_serial_unit(db.session, unit_id, asked.serial_number, asked.reason, user=g.api_user,
                                expected_version=expected)
    return with_tag(jsonify(SerialUnitAnswer.of(unit)), unit_tag(unit.version))


@bp.get("/serials/<int:unit_id>/history")
def serial_history(unit_id):
    db.get_or_404(SerialUnit, unit_id)
    return jsonify([HistoryEntry.of(row) for row in unit_history(db.session, unit_id)])
