"""Locations, customers, vendors and warranty definitions."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Customer, Location, Vendor, Warranty
from sos_serial.models.warranty import WARRANTY_UNITS, duration_problem

from . import bp, require
from .representations import named_json, page_json, warranty_json
from .request_parsing import json_body, pagination, refuse_unknown, text_field

NAMED = {"locations": Location, "customers": Customer, "vendors": Vendor}


def _list(model, represent):
    page, per_page = pagination()
    total = db.session.scalar(select(func.count()).select_from(model))
    records = db.session.scalars(select(model).order_by(model.name).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_json([represent(r) for r in records], total, page, per_page))


def _register_named(collection, model):
    def create():
        require("edit_master")
        data = json_body()
        refuse_unknown(data, ("name", "notes"), f"A {model.__name__.lower()}")
        record = model(name=text_field(data, "name", max_length=120, required=True),
                       notes=text_field(data, "notes", max_length=10_000))
        with unit_of_work(db.session):
            db.session.add(record)
        return jsonify(named_json(record)), 201

    def read(record_id):
        return jsonify(named_json(db.get_or_404(model, record_id)))

    def listing():
        return _list(model, named_json)

    bp.add_url_rule(f"/{collection}", f"create_{collection}", create, methods=["POST"])
    bp.add_url_rule(f"/{collection}", f"list_{collection}", listing, methods=["GET"])
    bp.add_url_rule(f"/{collection}/<int:record_id>", f"get_{collection}", read, methods=["GET"])


for _collection, _model in NAMED.items():
    _register_named(_collection, _model)


@bp.post("/warranties")
def create_warranty():
    require("manage_warranties")
    data = json_body()
    refuse_unknown(data, ("name", "duration", "unit", "terms"), "A warranty")
    duration = data.get("duration")
    problems = []
    message = duration_problem(duration, data.get("unit"))
    if message:
        problems.append(FieldError("duration", message))
    if data.get("unit") not in WARRANTY_UNITS:
        problems.append(FieldError("unit", f"The unit must be one of {', '.join(WARRANTY_UNITS)}."))
    name = text_field(data, "name", max_length=120, required=True)
    if problems:
        raise InvalidInput(" ".join(p.message for p in problems), problems)
    warranty = Warranty(name=name, duration=duration, unit=data["unit"],
                        terms=text_field(data, "terms", max_length=10_000))
    with unit_of_work(db.session):
        db.session.add(warranty)
    return jsonify(warranty_json(warranty)), 201


@bp.get("/warranties")
def list_warranties():
    return _list(Warranty, warranty_json)


@bp.get("/warranties/<int:warranty_id>")
def get_warranty(warranty_id):
    return jsonify(warranty_json(db.get_or_404(Warranty, warranty_id)))
