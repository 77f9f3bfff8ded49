"""Ranges of serials on the entry screens: the server's reading of S/N fields and uploads, and a save with ranges."""
import io

import pytest
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import Item, Location, SerialUnit, Settings, Transaction
from tests.support.web import csrf_token_from

CHECK = "/admin/item_receipts/serial-check/"
NEW = "/admin/item_receipts/new/"


@pytest.fixture
def clerk(login):
    client = login("clerk")
    client.csrf_token = csrf_token_from(client.get(NEW).text)
    return client


@pytest.fixture
def ids(app, demo):
    with app.app_context():
        found = {"clock": db.session.scalar(select(Item.id).where(Item.name == "Armenian Mantel Clock")),
                 "warehouse": db.session.scalar(select(Location.id).where(Location.name == "Main Warehouse"))}
        db.session.remove()
    return found


def check(client, **json):
    return client.post(CHECK, json=json, headers={"X-CSRFToken": client.csrf_token})


def receive_form(client, ids, quantity, serials):
    return client.post(NEW, data={
        "date": "2026-02-01", "location_id": str(ids["warehouse"]), "csrf_token": client.csrf_token,
        "lines-0-item_id": str(ids["clock"]), "lines-0-quantity": str(quantity), "lines-0-serials": serials})


def units(app, prefix):
    with app.app_context():
        found = sorted(db.session.scalars(select(SerialUnit.serial_number).where(
            SerialUnit.serial_number.startswith(prefix))))
        db.session.remove()
    return found


def test_the_server_reads_a_range_entry_and_says_what_it_expands_to(clerk):
    answer = check(clerk, serials=["SN-0001 - SN-0500", "ODD-1", "SN-0001 +3", "SN-9 - SN-1", ""],
                   groups=["1", "1", "2", "1", "1"])
    assert answer.status_code == 200
    assert answer.json["ranges"] == [{"count": 500, "first": "SN-0001", "last": "SN-0500"}, None,
                                     {"count": 3, "first": "SN-0001", "last": "SN-0003"}, None, None]
    assert answer.json["problems"][:3] == [None, None, None] and answer.json["problems"][4] is None
    assert "SN-1 comes before SN-9" in answer.json["problems"][3]
    # The same serials on another item repeat nothing.
    assert answer.json["repeated"] == [False, False, False, False, False]


def test_a_single_serial_inside_a_range_of_the_same_item_is_flagged_on_both(clerk):
    answer = check(clerk, serials=["SN-0001..SN-0500", "sn-0250", "OTHER-1"], groups=["1", "1", "1"])
    assert answer.json["repeated"] == [True, True, False]


def test_a_range_past_the_document_limit_is_not_expanded(app, clerk):
    with app.app_context():
        Settings.current(db.session).max_serials_per_document = 100
        db.session.commit()
    answer = check(clerk, serials=["SN-1 +50", "SN-1000 +1000000000"])
    assert answer.json["ranges"][0]["count"] == 50 and answer.json["ranges"][1] is None
    assert "holds more serials than one document takes (at most 100)" in answer.json["problems"][1]


def test_an_upload_with_range_rows_is_read_as_their_serials(clerk):
    answer = clerk.post(CHECK, data={"file": (io.BytesIO(b"Serial\nSN-0001 - SN-0003\nODD-1\n"), "ranges.csv")},
                        headers={"X-CSRFToken": clerk.csrf_token}, content_type="multipart/form-data")
    assert answer.status_code == 200
    assert answer.json["serials"] == ["SN-0001", "SN-0002", "SN-0003", "ODD-1"]


def test_an_upload_with_a_range_row_that_does_not_read_names_the_row(clerk):
    answer = clerk.post(CHECK, data={"file": (io.BytesIO(b"SN-0001\nSN-0005 - SN-0002\n"), "bad.csv")},
                        headers={"X-CSRFToken": clerk.csrf_token}, content_type="multipart/form-data")
    assert answer.status_code == 422
    assert "Row 2: SN-0005 - SN-0002 reads as a range" in answer.json["error"]


def test_a_saved_receipt_with_ranges_in_its_s_n_fields_receives_each_unit(app, clerk, ids):
    response = receive_form(clerk, ids, 8, ["RNG-01 - RNG-05", "ODD-1", "RNG-20 +2", "", ""])
    assert response.status_code == 302, response.text
    assert units(app, "RNG-") == ["RNG-01", "RNG-02", "RNG-03", "RNG-04", "RNG-05", "RNG-20", "RNG-21"]
    assert units(app, "ODD-") == ["ODD-1"]


def test_a_range_that_does_not_read_is_refused_on_its_line_and_kept_for_correcting(app, clerk, ids):
    with app.app_context():
        before = db.session.query(Transaction).count()
    response = receive_form(clerk, ids, 3, ["RNG-0005 - RNG-0003"])
    assert response.status_code == 422
    assert "RNG-0003 comes before RNG-0005; give the lower serial first." in response.text
    assert "RNG-0005 - RNG-0003" in response.text
    with app.app_context():
        assert db.session.query(Transaction).count() == before


def test_a_range_that_does_not_match_the_quantity_reprompts(app, clerk, ids):
    response = receive_form(clerk, ids, 6, ["RNG-1 +4"])
    assert response.status_code == 422
    assert "Armenian Mantel Clock needs 2 more serial numbers (4 of 6 given)." in response.text
    assert units(app, "RNG-") == []
