"""Locations, customers, vendors and warranty definitions."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.custom_fields import check_custom_fields
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Customer, Location, Vendor, Warranty

from . import bp, require
from .reading import body, custom_fields, locked, query
from .schemas.common import page_of
from .schemas.master_data import (
    Named,
    NamedChange,
    NamedInput,
    Party,
    PartyChange,
    PartyInput,
    WarrantyInput,
)
from .schemas.master_data import Warranty as WarrantyAnswer
from .versions import answer_tag, refuse_if_stale, with_tag

NAMED = {"locations": Location, "customers": Customer, "vendors": Vendor}
# The model each collection's custom fields are declared on.
FIELD_MODEL = {"locations": "location", "customers": "customer", "vendors": "vendor"}
# What each collection reads and answers: customers and vendors carry addresses too.
SHAPES = {"locations": (NamedInput, NamedChange, Named), "customers": (PartyInput, PartyChange, Party),
          "vendors": (PartyInput, PartyChange, Party)}


def _list(model, answer):
    page, per_page = query().window()
    total = db.session.scalar(select(func.count()).select_from(model))
    records = db.session.scalars(select(model).order_by(model.name).limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(answer, records, total, page, per_page))


def _register_named(collection, model):
    given_shape, change_shape, answer_shape = SHAPES[collection]

    def create():
        require("edit_master")
        given = body(given_shape, f"The {model.__name__.lower()}").model_dump()
        given["custom_fields"] = check_custom_fields(
            custom_fields(), FIELD_MODEL[collection], f"The new {model.__name__.lower()} {given['name']}",
            given["custom_fields"], creating=True)
        record = model(**given)
        with unit_of_work(db.session):
            db.session.add(record)
        return jsonify(answer_shape.of(record)), 201

    def change(record_id):
        require("edit_master")
        with unit_of_work(db.session):
            record = locked(model, record_id)
            refuse_if_stale(answer_tag(answer_shape.of(record)), f"The {model.__name__.lower()} {record.name}")
            given = body(change_shape, f"The {model.__name__.lower()}").given()
            if "custom_fields" in given:
                given["custom_fields"] = check_custom_fields(
                    custom_fields(), FIELD_MODEL[collection], f"{model.__name__} {record.name}",
                    given["custom_fields"], stored=record.custom_fields)
            for name, value in given.items():
                setattr(record, name, value)
        answer = answer_shape.of(record)
        return with_tag(jsonify(answer), answer_tag(answer))

    def read(record_id):
        answer = answer_shape.of(db.get_or_404(model, record_id))
        return with_tag(jsonify(answer), answer_tag(answer))

    def listing():
        return _list(model, answer_shape)

    bp.add_url_rule(f"/{collection}", f"create_{collection}", create, methods=["POST"])
    bp.add_url_rule(f"/{collection}", f"list_{collection}", listing, methods=["GET"])
    bp.add_url_rule(f"/{collection}/<int:record_id>", f"get_{collection}", read, methods=["GET"])
    bp.add_url_rule(f"/{collection}/<int:record_id>", f"change_{collection}", change, methods=["PATCH"])


for _collection, _model in NAMED.items():
    _register_named(_collection, _model)


@bp.post("/warranties")
def create_warranty():
    require("manage_warranties")
    warranty = Warranty(**body(WarrantyInput, "The warranty").model_dump())
    with unit_of_work(db.session):
        db.session.add(warranty)
    return jsonify(WarrantyAnswer.of(warranty)), 201


@bp.get("/warranties")
def list_warranties():
    return _list(Warranty, WarrantyAnswer)


@bp.get("/warranties/<int:warranty_id>")
def get_warranty(warranty_id):
    return jsonify(WarrantyAnswer.of(db.get_or_404(Warranty, warranty_id)))
