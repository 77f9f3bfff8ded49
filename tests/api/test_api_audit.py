"""GET /api/v1/audit, and the audit entries of changes made through the API."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import AuditEntry


def entries(app, action: str | None = None) -> list[AuditEntry]:
    with app.app_context():
        query = select(AuditEntry).order_by(AuditEntry.id)
        if action is not None:
            query = query.where(AuditEntry.action == action)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        db.session.remove()
    return found


def only(app, action: str) -> AuditEntry:
    found = entries(app, action)
    assert len(found) == 1, [(e.action, e.actor_name, e.target_label) for e in entries(app)]
    return found[0]


def test_master_data_warranties_and_settings_changed_through_the_api_are_recorded(app, admin, clerk):
    made = clerk.post("/vendors", json={"name": "Yerevan Clockworks"})
    assert made.status_code == 201, made.text
    assert clerk.patch(f"/vendors/{made.get_json()['id']}", json={"name": "Yerevan Clocks"}).status_code == 200
    item = clerk.post("/items", json={"name": "Armenian Mantel Clock", "track_serials": True, "cost": "149.99"})
    assert item.status_code == 201, item.text
    warranty = admin.post("/warranties", json={"name": "1 year", "duration": 1, "unit": "years"})
    assert warranty.status_code == 201, warranty.text
    assert admin.patch("/settings", json={"purchasing": {"auto_serial_prefix": "CLK-"}}).status_code == 200

    vendor = only(app, "vendor.changed")
    assert (vendor.actor_name, vendor.via, vendor.target_id) == ("clerk", "api", made.get_json()["id"])
    assert vendor.detail == {"changes": {"name": ["Yerevan Clockworks", "Yerevan Clocks"]}}
    assert only(app, "vendor.created").target_label == "Yerevan Clockworks"
    assert only(app, "item.created").detail["changes"]["cost"] == [None, "149.9900"]
    assert (only(app, "warranty.created").actor_name, only(app, "warranty.created").target_label) == ("admin", "1 year")
    settings = only(app, "settings.changed")
    assert (settings.actor_name, settings.via, settings.target_label) == ("admin", "api", "Settings")
    assert settings.detail == {"changes": {"auto_serial_prefix": ["", "CLK-"]}}
