"""GET /api/v1/audit, and the audit entries of changes made through the API."""
from __future__ import annotations

from sos_serial.extensions import db
from sos_serial.models import AuditEntry
from tests.support.audit import only


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


# ------------------------------------------------------------------------------------------- GET /audit
def write_entries(app) -> None:
    """Entries at known moments, as the app writes them (the database only ever takes new ones)."""
    from datetime import datetime, timezone

    with app.app_context():
        db.session.add_all([
            AuditEntry(at=datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc), actor_name="ada", via="screen",
                       action="customer.created", target_type="customer", target_id=1, target_label="Acme Clocks",
                       detail={"changes": {"name": [None, "Acme Clocks"]}}, client_address="10.0.0.5"),
            AuditEntry(at=datetime(2026, 11, 29, 23, 59, tzinfo=timezone.utc), actor_name="bob", via="api",
                       action="export", target_type="screen", target_label="Items",
                       detail={"screen": "Items", "rows": 12}),
            AuditEntry(at=datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc), actor_name="ada", via="cli",
                       action="user.deactivated", target_type="user", target_id=7, target_label="carl"),
        ])
        db.session.commit()
        db.session.remove()


def actions(answer: dict) -> list[str]:
    return [entry["action"] for entry in answer["items"]]


def test_an_administrator_reads_the_audit_log_newest_first_a_page_at_a_time(app, admin):
    write_entries(app)
    answer = admin.ok("GET", "/audit")
    assert actions(answer) == ["user.deactivated", "export", "customer.created"] and answer["total"] == 3
    first = answer["items"][2]
    assert {key: first[key] for key in ("actor_id", "actor_name", "via", "target_type", "target_id", "target_label",
                                        "detail", "client_address")} == {
        "actor_id": None, "actor_name": "ada", "via": "screen", "target_type": "customer", "target_id": 1,
        "target_label": "Acme Clocks", "detail": {"changes": {"name": [None, "Acme Clocks"]}},
        "client_address": "10.0.0.5"}
    assert first["at"].startswith("2026-11-28T09:00:00")
    page = admin.ok("GET", "/audit", query_string={"per_page": 2, "page": 2})
    assert actions(page) == ["customer.created"] and (page["total"], page["page"], page["per_page"]) == (3, 2, 2)


def test_the_audit_log_filters_by_actor_action_and_days(app, admin):
    write_entries(app)
    assert actions(admin.ok("GET", "/audit", query_string={"actor": "ada"})) == ["user.deactivated",
                                                                              "customer.created"]
    assert actions(admin.ok("GET", "/audit", query_string={"action": "export"})) == ["export"]
    # Whole days in UTC, both included: the 29th ends at midnight and the 30th begins there.
    assert actions(admin.ok("GET", "/audit", query_string={"since": "2026-11-29", "until": "2026-11-29"})) == [
        "export"]
    assert actions(admin.ok("GET", "/audit", query_string={"since": "2026-11-30"})) == ["user.deactivated"]
    assert actions(admin.ok("GET", "/audit", query_string={"until": "2026-11-28", "actor": "ada"})) == [
        "customer.created"]
    assert admin.ok("GET", "/audit", query_string={"actor": "nobody", "since": ""})["total"] == 0


def test_a_date_that_is_not_yyyy_mm_dd_is_refused(admin):
    from tests.support.api import assert_problem

    for bad in ("20261130", "30/11/2026", "yesterday"):
        assert_problem(admin.get("/audit", query_string={"since": bad}), 422, "since")
    assert_problem(admin.get("/audit", query_string={"until": "2026-02-30"}), 422, "until")


def test_only_an_administrator_reads_the_audit_log(clerk, support, anonymous):
    from tests.support.api import assert_problem

    assert_problem(clerk.get("/audit"), 403)
    assert_problem(support.get("/audit"), 403)
    assert_problem(anonymous.get("/audit"), 401)


def test_the_audit_endpoint_is_in_the_openapi_document(admin):
    document = admin.ok("GET", "/openapi.json")
    operation = document["paths"]["/audit"]["get"]
    assert {parameter["name"] for parameter in operation["parameters"]} >= {"actor", "action", "since", "until",
                                                                          "page", "per_page"}
    assert "403" in operation["responses"]
