"""The company settings: read by everyone, changed by administrators."""
from flask import jsonify

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Settings
from sos_serial.models.settings import apply_settings, settings_as_dict

from . import bp, require
from .request_parsing import json_body


@bp.get("/settings")
def get_settings():
    return jsonify(settings_as_dict(Settings.current(db.session)))


@bp.patch("/settings")
def change_settings():
    require("manage_settings")
    with unit_of_work(db.session):
        settings = Settings.current(db.session, for_update=True)
        apply_settings(settings, json_body())
    return jsonify(settings_as_dict(settings))
