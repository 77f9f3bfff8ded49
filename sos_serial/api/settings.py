"""The company settings: read by everyone, changed by administrators."""
from flask import jsonify

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Settings

from . import bp, require
from .reading import json_object
from .schemas.settings import apply_settings, settings_answer


@bp.get("/settings")
def get_settings():
    return jsonify(settings_answer(Settings.current(db.session)))


@bp.patch("/settings")
def change_settings():
    require("manage_settings")
    with unit_of_work(db.session):
        settings = Settings.current(db.session, for_update=True)
        apply_settings(settings, json_object())
    return jsonify(settings_answer(settings))
