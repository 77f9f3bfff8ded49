"""The audit log: each recorded action names its actor, target and detail, and the database keeps every entry."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DatabaseError

from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.models import AuditEntry, Customer, Item, Settings, Warranty
from tests.support.audit import entries, only
from tests.support.web import PASSWORD, csrf_token_from, read_version_from


def sign_in(client, username: str, password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_token_from(page.text)})


# ------------------------------------------------------------------------------------------- signing in
def test_a_sign_in_its_failure_and_a_sign_out_are_recorded(app, client, make_user):
    clerk_id = make_user("clerk")
    assert sign_in(client, "clerk", "not the password").status_code == 401
    assert sign_in(client, "nobody", "a guess at it").status_code == 401
    assert sign_in(client, "clerk").status_code == 302
    page = client.get("/admin/")
    assert client.post("/logout", data={"csrf_token": csrf_token_from(page.text)}).status_code == 302

    failed = entries(app, "sign_in_failed")
    assert [(e.target_label, e.detail, e.actor_id, e.via) for e in failed] == [
        ("clerk", {"username": "clerk"}, None, "screen"), ("nobody", {"username": "nobody"}, None, "screen")]
    for entry in entries(app):
        assert "not the password" not in str(entry.detail) and "a guess at it" not in str(entry.detail)
    signed_in = only(app, "sign_in")
    assert (signed_in.actor_id, signed_in.actor_name, signed_in.target_type, signed_in.target_id) == (
        clerk_id, "clerk", "user", clerk_id)
    assert signed_in.client_address == "127.0.0.1" and signed_in.at is not None
    signed_out = only(app, "sign_out")
    assert (signed_out.actor_name, signed_out.target_id) == ("clerk", clerk_id)


# ------------------------------------------------------------------------------------------- the users command
def test_the_users_commands_are_recorded(app, runner):
    steps = [["create", "dana", "--role", "clerk", "--password", "a long password"],
             ["token", "dana", "--expires-in", "30"], ["tokens", "revoke", "1"], ["deactivate", "dana"],
             ["activate", "dana"], ["sign-out", "dana"], ["reset-password", "dana", "--generate"]]
    for step in steps:
        result = runner.invoke(args=["users", *step])
        assert result.exit_code == 0, result.output
    recorded = [(e.action, e.target_type, e.target_label, e.via) for e in entries(app)]
    assert recorded == [
        ("user.created", "user", "dana", "cli"), ("token.created", "token", "API token of dana", "cli"),
        ("token.revoked", "token", "API token of dana", "cli"), ("user.deactivated", "user", "dana", "cli"),
        ("user.activated", "user", "dana", "cli"), ("user.signed_out", "user", "dana", "cli"),
        ("user.password_reset", "user", "dana", "cli")]
    assert only(app, "user.created").detail == {"role": "clerk"}
    assert only(app, "token.created").detail == {"user": "dana", "expires_in_days": 30}
    assert only(app, "token.created").target_id == only(app, "token.revoked").target_id == 1
    for entry in entries(app):
        assert "a long password" not in str(entry.detail)


# ------------------------------------------------------------------------------------------- records changed
def test_master_data_changed_on_a_screen_is_recorded_with_old_and_new(app, login):
    client = login("clerk")
    page = client.get("/admin/customers/new/")
    assert client.post("/admin/customers/new/", data={"name": "Acme Clocks",
                                                      "csrf_token": csrf_token_from(page.text)}).status_code == 302
    created = only(app, "customer.created")
    assert (created.actor_name, created.via, created.target_type, created.target_label) == (
        "clerk", "screen", "customer", "Acme Clocks")
    assert created.detail["changes"]["name"] == [None, "Acme Clocks"]
    url = f"/admin/customers/edit/?id={created.target_id}"
    page = client.get(url)
    response = client.post(url, data={"name": "Acme Clock Co.", "csrf_token": csrf_token_from(page.text),
                                      **read_version_from(page.text)})
    assert response.status_code == 302, response.text
    changed = only(app, "customer.changed")
    assert changed.detail == {"changes": {"name": ["Acme Clocks", "Acme Clock Co."]}}
    assert (changed.target_id, changed.target_label) == (created.target_id, "Acme Clock Co.")


def test_a_deletion_is_recorded_with_what_the_record_held(app, session):
    warranty = Warranty(name="90 days", duration=90, unit="days")
    session.add(warranty)
    session.commit()
    session.delete(warranty)
    session.commit()
    deleted = only(app, "warranty.deleted")
    assert deleted.detail["changes"]["name"] == ["90 days", None] and deleted.via == "cli"


def test_postings_are_left_to_their_own_history(app, co):
    from tests.support.world import receive

    before = len(entries(app))
    receive(co.clock, ["AUD-1", "AUD-2"], co.main)
    assert len(entries(app)) == before


# ------------------------------------------------------------------------------------------- append-only
def test_the_database_refuses_to_change_or_delete_an_entry(app, session):
    session.add(Customer(name="Baker & Sons Jewelers"))
    session.commit()
    entry_id = session.scalar(select(AuditEntry.id))
    # Past the app's own guard, as another program connected to the database would write.
    for statement in ("UPDATE audit_log SET actor_name = 'someone else' WHERE id = :id",
                      "DELETE FROM audit_log WHERE id = :id"):
        with pytest.raises(DatabaseError, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text(statement), {"id": entry_id})
    assert session.get(AuditEntry, entry_id).action == "customer.created"


def test_the_app_refuses_to_change_or_delete_an_entry_before_the_database_is_asked(app, session):
    session.add(Item(name="Clock Oil 10 ml"))
    session.commit()
    entry = session.scalars(select(AuditEntry)).one()
    entry.action = "nothing.happened"
    with pytest.raises(Conflict, match="permanent record"):
        session.flush()
    session.rollback()
    session.delete(session.scalars(select(AuditEntry)).one())
    with pytest.raises(Conflict, match="permanent record"):
        session.flush()
    session.rollback()
    for statement in (update(AuditEntry).values(action="x"), delete(AuditEntry)):
        with pytest.raises(Conflict, match="permanent record"):
            session.execute(statement)
        session.rollback()
    assert session.scalars(select(AuditEntry.action)).all() == ["item.created"]


def test_settings_made_on_first_read_are_not_an_entry(app, session):
    Settings.current(session)
    session.commit()
    assert entries(app) == []


def test_a_username_tried_is_kept_no_longer_than_a_note(app, client):
    from sos_serial.limits import TEXT_MAX_LENGTH

    assert sign_in(client, "x" * 50_000, "whatever it was").status_code == 401
    failed = only(app, "sign_in_failed")
    assert len(failed.detail["username"]) == TEXT_MAX_LENGTH and len(failed.target_label) == 200


def test_a_settings_change_on_the_screen_is_recorded_with_old_and_new(app, login):
    client = login("admin")
    page = client.get("/admin/settings/")
    response = client.post("/admin/settings/", data={
        "plan": "plus", "value_serials_by_specific_id": "y", "valuation_method": "average",
        "auto_serial_enabled": "y", "auto_serial_prefix": "CLK-", "auto_serial_length": "6",
        "auto_serial_mode": "sequential", "auto_serial_next_number": "1", "csrf_token": csrf_token_from(page.text),
        **read_version_from(page.text)},
        follow_redirects=True)
    assert "Settings saved." in response.text
    changed = only(app, "settings.changed")
    assert (changed.actor_name, changed.via, changed.target_type, changed.target_label) == (
        "admin", "screen", "settings", "Settings")
    assert changed.detail["changes"] == {"plan": ["pro", "plus"], "valuation_method": ["fifo", "average"],
                                         "auto_serial_enabled": [False, True], "auto_serial_prefix": ["", "CLK-"],
                                         "show_warranty_on_serial_units": [True, False]}  # its box left unticked


def test_a_settings_change_on_an_existing_row_is_recorded_too(app, login):
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        db.session.remove()
    client = login("admin")
    page = client.get("/admin/settings/")
    client.post("/admin/settings/", data={
        "plan": "pro", "value_serials_by_specific_id": "y", "valuation_method": "fifo",
        "auto_serial_prefix": "SN-", "auto_serial_length": "6", "auto_serial_mode": "random",
        "auto_serial_next_number": "1", "csrf_token": csrf_token_from(page.text), **read_version_from(page.text)})
    assert only(app, "settings.changed").detail == {"changes": {"auto_serial_prefix": ["", "SN-"],
                                                                "auto_serial_mode": ["sequential", "random"],
                                                                "show_warranty_on_serial_units": [True, False]}}
