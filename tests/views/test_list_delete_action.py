"""The lists' "With selected > Delete" on both databases: the chosen ids arrive as text and still select their rows."""
from __future__ import annotations

from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Location
from tests.support.web import csrf_token_from


def names(app) -> set[str]:
    with app.app_context():
        try:
            return set(db.session.scalars(select(Location.name)))
        finally:
            db.session.remove()


def test_deleting_the_chosen_locations_deletes_them_and_no_others(app, login):
    with app.app_context():
        spare, annex, kept = Location(name="Spare shelf"), Location(name="Old annex"), Location(name="Main")
        db.session.add_all([spare, annex, kept])
        db.session.commit()
        chosen = [str(spare.id), str(annex.id), "not-an-id"]
        db.session.remove()
    client = login("admin")
    token = csrf_token_from(client.get("/admin/locations/").text)
    answer = client.post("/admin/locations/action/", data={
        "csrf_token": token, "action": "delete", "rowid": chosen, "url": "/admin/locations/"},
        follow_redirects=True)
    assert answer.status_code == 200
    assert "Database error" not in answer.text and "operator does not exist" not in answer.text
    assert names(app) == {"Main"}
