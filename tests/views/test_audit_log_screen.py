"""The audit log screen: administrators only, newest first, filtered by who, action, record and date, and as CSV."""
from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timezone

from sos_serial.extensions import db
from sos_serial.models import AuditEntry
from tests.support.web import PASSWORD, csrf_token_from

LIST = "/admin/audit_log/"


def write_entries(app) -> None:
    """Entries as the app writes them, at known moments (the database only ever takes new ones)."""
    moments = [datetime(2026, 11, 28, 9, 0, tzinfo=timezone.utc), datetime(2026, 11, 29, 23, 59, tzinfo=timezone.utc),
               datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc)]
    with app.app_context():
        db.session.add_all([
            AuditEntry(at=moments[0], actor_name="ada", via="screen", action="customer.created", target_type="customer",
                       target_id=1, target_label="Acme Clocks", detail={"changes": {"name": [None, "Acme Clocks"]}}),
            AuditEntry(at=moments[1], actor_name="bob", via="api", action="item.changed", target_type="item",
                       target_id=2, target_label="=1+2", detail={"changes": {"cost": ["1.0000", "2.0000"]}}),
            AuditEntry(at=moments[2], actor_name=None, via="screen", action="sign_in_failed", target_type="user",
                       target_label="<script>alert(1)</script>", detail={"username": "<script>alert(1)</script>"}),
        ])
        db.session.commit()
        db.session.remove()


def labels(client, query: str = "") -> list[str]:
    response = client.get(LIST + ("?" + query if query else ""))
    assert response.status_code == 200, response.text
    return re.findall(r'<td class="col-action">\s*(\S+)\s*</td>', response.text)


def test_only_an_administrator_opens_the_audit_log(app, client, login, make_user):
    assert client.get(LIST).status_code == 302  # to the sign-in page
    for role in ("clerk", "support"):
        with app.test_client() as other:
            make_user(role)
            page = other.get("/login")
            other.post("/login", data={"username": role, "password": PASSWORD,
                                       "csrf_token": csrf_token_from(page.text)})
            assert other.get(LIST).status_code == 403
            assert other.get(LIST + "export/csv/").status_code == 403
            assert "Audit log" not in other.get("/admin/").text
    admin = login("admin")
    assert "Audit log" in admin.get("/admin/").text


def test_the_list_is_newest_first_and_filters_by_who_action_record_and_date(app, login):
    write_entries(app)
    client = login("admin")
    # Signing in wrote the newest entry.
    assert labels(client) == ["sign_in", "sign_in_failed", "item.changed", "customer.created"]
    assert labels(client, "flt0_who_equals=bob") == ["item.changed"]
    assert labels(client, "flt0_who_contains=ad") == ["sign_in", "customer.created"]  # admin, ada
    assert labels(client, "flt0_action_equals=item.changed") == ["item.changed"]
    assert labels(client, "flt0_action_contains=sign_in") == ["sign_in", "sign_in_failed"]
    assert labels(client, "flt0_record_equals=customer") == ["customer.created"]
    # A date range takes whole days in UTC: the 29th ends at midnight, the 30th begins there.
    assert labels(client, "flt0_date_from=2026-11-29&flt1_date_to=2026-11-29") == ["item.changed"]
    assert labels(client, "flt0_date_from=2026-11-30&flt1_date_to=2026-11-30") == ["sign_in_failed"]
    assert labels(client, "flt0_date_to=2026-11-28") == ["customer.created"]


def test_the_detail_is_shown_as_text_and_never_as_markup(app, login):
    write_entries(app)
    page = login("admin").get(LIST).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_audit_log_exports_as_csv_and_the_export_is_recorded_too(app, login):
    write_entries(app)
    client = login("admin")
    response = client.get(LIST + "export/csv/?flt0_who_equals=bob")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["When (UTC)", "Who", "Through", "Action"]
    assert rows[1][1:7] == ["bob", "api", "item.changed", "item", "2", "'=1+2"]
    assert rows[1][7] == '{"changes": {"cost": ["1.0000", "2.0000"]}}'
    assert len(rows) == 2
    with app.app_context():
        export = db.session.query(AuditEntry).filter_by(action="export").one()
        assert export.detail["screen"] == "Audit log" and export.detail["rows"] == 1
        assert export.detail["filters"] == [{"filter": "Who equals", "value": "bob"}]
        db.session.remove()
