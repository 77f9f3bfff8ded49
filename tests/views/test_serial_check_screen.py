"""The entry form asks the server how entered serials read and which repeat, instead of deciding itself."""
import io
from pathlib import Path

import pytest

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.serial_csv import read_serials_csv
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.models import Item, Location
from sos_serial.models.serial_unit import serial_key
from tests.support.web import csrf_token_from

CHECK = "/admin/item_receipts/serial-check/"


@pytest.fixture
def clerk(login):
    client = login("clerk")
    client.csrf_token = csrf_token_from(client.get("/admin/item_receipts/new/").text)
    return client


def check(client, **json):
    return client.post(CHECK, json=json, headers={"X-CSRFToken": client.csrf_token})


def upload(client, content: bytes, name="serials.csv"):
    return client.post(CHECK, data={"file": (io.BytesIO(content), name)}, headers={"X-CSRFToken": client.csrf_token},
                       content_type="multipart/form-data")


def test_repeats_are_found_by_the_server_s_key_where_lower_casing_would_miss_them(clerk):
    typed = ["Straße-1", "STRASSE-1", "ﬁx-9", "FIX-9", " ok ", "OK", "", "   "]
    answer = check(clerk, serials=typed)
    assert answer.status_code == 200
    assert answer.json["serials"] == [s.strip() for s in typed]
    assert answer.json["keys"] == [serial_key(s) for s in typed]
    assert answer.json["repeated"] == [True, True, True, True, True, True, False, False]
    # "ß" lower-cases to itself and "ﬁ" stays one letter: only folding finds these repeats.
    assert "Straße-1".lower() != "STRASSE-1".lower() and "ﬁx-9".lower() != "FIX-9".lower()


def test_the_same_serial_on_two_items_is_not_a_repeat(clerk):
    answer = check(clerk, serials=["A-1", "a-1", "A-1"], groups=["3", "4", "4"])
    assert answer.json["repeated"] == [False, True, True]


def test_the_screen_and_the_posting_agree_on_what_repeats(app, demo, clerk):
    typed = ["STRASSE-7", "straße-7"]
    assert check(clerk, serials=typed).json["repeated"] == [True, True]
    with app.app_context():
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id
        warehouse = db.session.query(Location).filter_by(name="Main Warehouse").one().id
        with pytest.raises(Conflict, match="appears more than once"):
            post_transaction(db.session, read_document({
                "type": "item_receipt", "date": "2026-01-05", "location_id": warehouse,
                "lines": [{"item_id": clock, "quantity": 2, "serials": typed}]}))


def test_an_uploaded_semicolon_file_reads_as_the_posting_reads_it(clerk):
    content = "\ufeffBeschreibung;S/N;Preis\r\nNussbaum;EU-1;12,50\r\n\r\nEiche;EU-2;9,90\r\nKirsche;eu-1;1,00\r\n"
    answer = upload(clerk, content.encode("utf-8"), "europe.csv")
    assert answer.status_code == 200
    assert answer.json["serials"] == ["EU-1", "EU-2", "eu-1"]
    assert answer.json["repeated"] == [True, False, True]  # flagged here; the posting refuses the file
    assert answer.json["text"] == content.removeprefix("\ufeff")
    with pytest.raises(Conflict, match="EU-1 on rows 2, 5"):
        read_serials_csv(content.encode("utf-8"))


def test_a_utf16_file_is_decoded_by_the_server(clerk):
    answer = upload(clerk, "S/N\tNote\nTAB-1\toak\nTAB-2\telm\n".encode("utf-16"), "copied.csv")
    assert answer.json["serials"] == ["TAB-1", "TAB-2"]


def test_an_unreadable_file_is_answered_for_the_clerk(clerk):
    answer = upload(clerk, b"\xff\xfeA\x00\x00\xd8", "clocks.csv")
    assert answer.status_code == 422
    assert "clocks.csv" in answer.json["error"] and "UTF-16" in answer.json["error"]
    answer = upload(clerk, "caf\xe9\n".encode("latin-1"), "latin.csv")
    assert answer.status_code == 422 and "CSV UTF-8" in answer.json["error"]


def test_a_malformed_question_is_refused(clerk):
    assert check(clerk, serials="A-1").status_code == 400
    assert check(clerk, serials=["A-1", 2]).status_code == 400
    assert check(clerk, serials=["A-1"], groups=["3", "4"]).status_code == 400


def test_the_check_needs_a_signed_in_user_and_the_form_s_token(app, clerk):
    assert clerk.post(CHECK, json={"serials": ["A-1"]}).status_code == 400  # no CSRF token
    stranger = app.test_client()
    stranger.csrf_token = csrf_token_from(stranger.get("/login").text)
    refused = check(stranger, serials=["A-1"])
    assert refused.status_code == 302 and "/login" in refused.headers["Location"]


def test_the_picker_takes_a_scanned_serial_only_when_it_matches_whole(app, demo, login):
    with app.app_context():
        clock = db.session.query(Item).filter_by(name="Armenian Mantel Clock").one().id
        warehouse = db.session.query(Location).filter_by(name="Main Warehouse").one().id
        post_transaction(db.session, read_document({
            "type": "item_receipt", "date": "2026-01-05", "location_id": warehouse,
            "lines": [{"item_id": clock, "quantity": 2, "serials": ["STRASSE-1", "STRASSE-10"]}]}))
    client = login("clerk")
    url = "/admin/shipments/serial-options/"
    ask = {"type": "shipment", "item_id": clock, "location_id": warehouse}
    assert [o["serial_number"] for o in client.get(url, query_string={**ask, "q": "straße-1"}).json] == \
        ["STRASSE-1", "STRASSE-10"]
    exact = client.get(url, query_string={**ask, "q": " straße-1 ", "exact": "1"}).json
    assert [o["serial_number"] for o in exact] == ["STRASSE-1"]
    assert client.get(url, query_string={**ask, "q": "strasse-", "exact": "1"}).json == []


def test_the_form_s_script_neither_folds_serials_nor_reads_csv_files_itself():
    script = (Path(__file__).resolve().parents[2] / "views/static/transaction_form.js").read_text(encoding="utf-8")
    for restated in ("toLowerCase", "toUpperCase", "localeCompare", "FileReader", "TextDecoder", "readAsText"):
        assert restated not in script


def test_a_check_sent_as_a_page_loads_leaves_the_page_s_messages_alone(clerk):
    # The form checks its serials as the clerk saves; the next page shows "posted" and takes it from the
    # session. A check answered meanwhile must not reissue the session with the message in it: the
    # message came back on the page after (seen when a voided receipt's copy opened with both).
    with clerk.session_transaction() as session:
        session["_flashes"] = [("success", "Item receipt IR-000001 posted: 2 units of Armenian Mantel Clock.")]
    answer = check(clerk, serials=["A-1"])
    assert answer.status_code == 200
    assert answer.headers.getlist("Set-Cookie") == []
