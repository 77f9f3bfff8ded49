"""The audit log, read by administrators: who signed in, changed what, and exported what."""
from flask import jsonify
from sqlalchemy import func, select

from sos_serial.engine.queries import audit_conditions
from sos_serial.extensions import db
from sos_serial.models import AuditEntry

from . import bp, require
from .reading import query
from .schemas.audit import AuditEntry as AuditEntryAnswer
from .schemas.audit import AuditQuery
from .schemas.common import page_of


@bp.get("/audit")
def list_audit_entries():
    require("manage_users")
    asked = query(AuditQuery)
    page, per_page = asked.window()
    conditions = audit_conditions(actor=asked.actor, action=asked.action, since=asked.since, until=asked.until)
    total = db.session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions))
    records = db.session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
                                 .limit(per_page).offset((page - 1) * per_page))
    return jsonify(page_of(AuditEntryAnswer, records, total, page, per_page))
