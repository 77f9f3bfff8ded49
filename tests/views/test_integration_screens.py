"""The Integrations screens: webhooks an administrator registers, and the deliveries with retry."""
from sqlalchemy import select

from sos_serial.extensions import db
from sos_serial.models import EventDelivery, Webhook
from tests.support.receiver import Receiver
from tests.support.web import csrf_token_from, read_version_from
from tests.support.world import make_company, receive


def post_form(client, url, data):
    page = client.get(url).text
    return client.post(url, data=dict(read_version_from(page), **data, csrf_token=csrf_token_from(page)), follow_redirects=True)


def test_an_administrator_adds_a_webhook_whose_secret_never_comes_back(app, login):
    client = login("admin")
    page = post_form(client, "/admin/webhooks/new/", {"url": " https://example.com/hooks/sos ",
                                                      "new_secret": "kept-quiet", "active": "y"})
    assert page.status_code == 200 and "kept-quiet" not in page.text
    with app.app_context():
        hook = db.session.scalars(select(Webhook)).one()
        assert (hook.url, hook.secret, hook.events, hook.active) == (
            "https://example.com/hooks/sos", "kept-quiet", ["transaction.posted"], True)
        hook_id = hook.id
    edit = client.get(f"/admin/webhooks/edit/?id={hook_id}")
    assert "kept-quiet" not in edit.text
    post_form(client, f"/admin/webhooks/edit/?id={hook_id}", {"url": "https://example.com/v2", "new_secret": ""})
    with app.app_context():
        hook = db.session.get(Webhook, hook_id)
        assert (hook.url, hook.secret, hook.active) == ("https://example.com/v2", "kept-quiet", False)


def test_a_webhook_needs_a_web_address_and_a_secret(app, login):
    client = login("admin")
    page = post_form(client, "/admin/webhooks/new/", {"url": "ftp://example.com/x", "new_secret": "s"})
    assert "Give a full http:// or https:// address" in page.text
    page = post_form(client, "/admin/webhooks/new/", {"url": "https://example.com/x", "new_secret": ""})
    assert "needs a secret" in page.text
    with app.app_context():
        assert db.session.scalars(select(Webhook)).all() == []


def test_clerks_and_support_cannot_open_the_integrations_screens(login, client):
    login("clerk")
    assert client.get("/admin/webhooks/").status_code == 403
    assert client.get("/admin/event_deliveries/").status_code == 403


def test_a_failed_delivery_is_listed_with_its_error_and_retried_from_the_list(app, login):
    receiver = Receiver(answers=[500])
    try:
        with app.app_context():
            company = make_company(db.session)
            db.session.add(Webhook(url=receiver.url, secret="s", events=["transaction.posted"], active=True))
            db.session.commit()
            receive(company.clock, ["CLK-1"], company.main)
            delivery_id = db.session.scalars(select(EventDelivery.id)).one()
        client = login("admin")
        listing = client.get("/admin/event_deliveries/?flt0_0=pending")
        assert "pending" in listing.text and "500" in listing.text and "The receiver answered 500" in listing.text
        page = client.post("/admin/event_deliveries/action/", data={
            "action": "retry", "rowid": [str(delivery_id)], "csrf_token": csrf_token_from(listing.text)},
            follow_redirects=True)
        assert "1 deliveries attempted again: 1 delivered" in page.text
        with app.app_context():
            assert db.session.get(EventDelivery, delivery_id).status == "delivered"
        assert len(receiver.received) == 2
    finally:
        receiver.close()
