"""The company settings: read by everyone, changed by administrators."""
from flask import jsonify

from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.extensions import db
from sos_serial.models import Settings

from . import bp, require
from .reading import json_object
from .schemas.settings import apply_settings, settings_answer
from .versions import answer_tag, refuse_if_stale, with_tag


@bp.get("/settings")
def get_settings():
    answer = settings_answer(Settings.current(db.session))
    return with_tag(jsonify(answer), answer_tag(answer))


@bp.patch("/settings")
def change_settings():
    require("manage_settings")
    with unit_of_work(db.session):
        settings = Settings.current(db.session, for_update=True)
        refuse_if_stale(answer_tag(settings_answer(settings)), "The settings")
        apply_settings(settings, json_object())
    answer = settings_answer(settings)
    return with_tag(jsonify(answer), answer_tag(answer))
