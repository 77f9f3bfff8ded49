"""The item form's GTIN: checked as it is typed in, one item per GTIN, listed and searchable."""
from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.web import csrf_token_from, read_version_from


def post_form(client, url, data):
    page = client.get(url).text
    return client.post(url, data=dict(read_version_from(page), **data, csrf_token=csrf_token_from(page)),
                       follow_redirects=True)


def test_the_item_form_saves_a_gtin_and_the_list_finds_the_item_by_it(app, login):
    client = login("clerk")
    post_form(client, "/admin/items/new/", {"name": "Scanned Barometer", "gtin": " 09506000134352 "})
    with app.app_context():
        item = db.session.query(Item).filter_by(name="Scanned Barometer").one()
        assert (item.gtin, item.gtin14) == ("09506000134352", "09506000134352")
    listing = client.get("/admin/items/?search=0950600013").text
    assert "Scanned Barometer" in listing


def test_a_wrong_check_digit_is_refused_on_the_form_and_nothing_is_saved(app, login):
    response = post_form(login("clerk"), "/admin/items/new/", {"name": "Misread Barometer", "gtin": "09506000134353"})
    assert "wrong check digit" in response.text and "need 2" in response.text
    with app.app_context():
        assert db.session.query(Item).filter_by(name="Misread Barometer").count() == 0


def test_a_gtin_another_item_has_is_refused_in_the_clerks_words(app, login):
    client = login("clerk")
    post_form(client, "/admin/items/new/", {"name": "UPC Barometer", "gtin": "012345678905"})
    response = post_form(client, "/admin/items/new/", {"name": "Twin Barometer", "gtin": "00012345678905"})
    assert "An item with this GTIN already exists" in response.text
    assert "IntegrityError" not in response.text and "UNIQUE" not in response.text
    with app.app_context():
        assert db.session.query(Item).filter_by(name="Twin Barometer").count() == 0
