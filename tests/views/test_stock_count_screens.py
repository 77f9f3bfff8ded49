"""The stock count screens: start a count, scan through the page's endpoint, upload a file, close with confirmation."""
import io

import pytest

from sos_serial.extensions import db
from sos_serial.models import StockCount
from tests.support.web import csrf_token_from
from tests.support.world import make_company, receive


@pytest.fixture
def co(app):
    """The small company, its shelves stocked, made in an app context of its own: each request opens its own."""
    with app.app_context():
        made = make_company(db.session, with_clerk=False)
        receive(made.clock, ["SCR-1", "SCR-2", "SCR-3"], made.main, unit_cost="100.00")
        receive(made.clock, ["SHW-1"], made.showroom, unit_cost="100.00")
        db.session.remove()
    return made


def status_of(app, count_id):
    with app.app_context():
        status = db.session.get(StockCount, count_id).status
        db.session.remove()
    return status


@pytest.fixture
def clerk(co, login):
    client = login("clerk")
    client.csrf_token = csrf_token_from(client.get("/admin/stock_counts/").text)
    return client


def start(client, location_id):
    answer = client.post("/admin/stock_counts/start/", data={"location_id": location_id,
                                                             "csrf_token": client.csrf_token})
    assert answer.status_code == 302, answer.text
    return int(answer.headers["Location"].rsplit("id=", 1)[1])


def scan(client, count_id, *serials):
    return client.post(f"/admin/stock_counts/scan/?id={count_id}", json={"serials": list(serials)},
                       headers={"X-CSRFToken": client.csrf_token})


def test_a_clerk_starts_a_count_scans_uploads_and_closes_it(co, clerk):
    count_id = start(clerk, co.main)
    page = clerk.get(f"/admin/stock_counts/count/?id={count_id}")
    assert page.status_code == 200 and 'id="scan-box"' in page.text and "Main Warehouse" in page.text

    answer = scan(clerk, count_id, "SCR-1", "SHW-1", "NOPE-1")
    assert answer.status_code == 200
    assert [s["result"] for s in answer.json["scans"]] == ["counted", "elsewhere", "unknown"]
    assert answer.json["totals"]["missing"] == 2

    uploaded = clerk.post(f"/admin/stock_counts/upload/?id={count_id}",
                          data={"file": (io.BytesIO(b"serial\nSCR-2\nSCR-1\n"), "shelf.csv"),
                                "csrf_token": clerk.csrf_token}, content_type="multipart/form-data",
                          follow_redirects=True)
    assert "shelf.csv: 2 serials read; 1 counted" in uploaded.text and "1 already scanned" in uploaded.text

    listed = clerk.get(f"/admin/stock_counts/serials/?id={count_id}&show=missing").json
    assert [row["serial_number"] for row in listed["items"]] == ["SCR-3"]
    found = clerk.get(f"/admin/stock_counts/count/?id={count_id}&show=found").text
    assert "in stock at Showroom" in found and "unknown serial" in found

    unconfirmed = clerk.post(f"/admin/stock_counts/close/?id={count_id}",
                             data={"csrf_token": clerk.csrf_token, "scans_seen": "4"}, follow_redirects=True)
    assert "Tick the confirmation" in unconfirmed.text
    stale = clerk.post(f"/admin/stock_counts/close/?id={count_id}",
                       data={"csrf_token": clerk.csrf_token, "confirm": "yes", "scans_seen": "3"},
                       follow_redirects=True)
    assert "was not closed" in stale.text and "not the 3 you confirmed" in stale.text
    closed = clerk.post(f"/admin/stock_counts/close/?id={count_id}",
                        data={"csrf_token": clerk.csrf_token, "confirm": "yes", "scans_seen": "4",
                              "unknown_item_id": ""}, follow_redirects=True)
    assert "closed. Posted" in closed.text and "Listed, not posted: NOPE-1" in closed.text
    assert status_of(clerk.application, count_id) == "closed"
    assert 'id="scan-box"' not in closed.text and "Posted by this count" in closed.text
    assert scan(clerk, count_id, "SCR-3").status_code == 409


def test_what_the_screens_refuse_is_said_not_crashed(co, clerk):
    count_id = start(clerk, co.main)
    again = clerk.post("/admin/stock_counts/start/", data={"location_id": co.main, "csrf_token": clerk.csrf_token},
                       follow_redirects=True)
    assert "still open at Main Warehouse" in again.text
    assert scan(clerk, count_id).status_code == 400
    assert clerk.post(f"/admin/stock_counts/scan/?id={count_id}", json={"serials": [1]},
                      headers={"X-CSRFToken": clerk.csrf_token}).status_code == 400
    assert clerk.get("/admin/stock_counts/count/?id=999").status_code == 404
    assert clerk.get(f"/admin/stock_counts/serials/?id={count_id}&show=all").status_code == 400
    cancelled = clerk.post(f"/admin/stock_counts/cancel/?id={count_id}", data={"csrf_token": clerk.csrf_token},
                           follow_redirects=True)
    assert "cancelled; nothing was posted" in cancelled.text


def test_support_does_not_count(co, login):
    client = login("support")
    assert client.get("/admin/stock_counts/").status_code == 403
