"""The company settings: read by everyone, changed by administrators."""
from flask import jsonify

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
    settings = Settings.current(db.session, for_update=True)
    apply_settings(settings, json_body())
    db.session.commit()
    return jsonify(settings_as_dict(settings))
