"""Task 4, the notification: each posting logged once in the plugin's own table, made by its own migration."""
import pytest
import sos_serial_acme
from sos_serial_acme.notifications import posting_log, transaction_posted
from sqlalchemy import func, inspect, select

pytestmark = pytest.mark.sos_serial_app(plugins=[sos_serial_acme])


def _receipt(item, location, serials) -> dict:
    return {"type": "item_receipt", "date": "2026-01-05", "location_id": location.id,
            "lines": [{"item_id": item.id, "quantity": len(serials), "serials": serials}]}


def test_the_plugins_migration_made_its_table_on_its_own_branch(sos_app, sos_session):
    assert "acme_posting_log" in inspect(sos_session.get_bind()).get_table_names()
    heads = sos_app.test_cli_runner().invoke(args=["db", "heads"])
    assert heads.exit_code == 0, heads.output
    assert "acme_0001 (acme) (head)" in heads.output


def test_a_posting_is_logged_after_it_commits(sos_api, sos_make, sos_session):
    clock, main = sos_make.item("Wall Clock"), sos_make.location("Main Warehouse")
    posted = sos_api("clerk").ok("POST", "/transactions", _receipt(clock, main, ["W-1", "W-2"]), status=201)
    sos_session.rollback()  # see what the request's delivery wrote
    row = sos_session.execute(select(posting_log)).one()
    assert (row.transaction_id, row.number, row.type, row.units) == (posted["id"], posted["number"], "item_receipt", 2)


def test_an_event_delivered_twice_is_logged_once(sos_post, sos_make, sos_session):
    clock, main = sos_make.item("Wall Clock"), sos_make.location("Main Warehouse")
    document = sos_post(**_receipt(clock, main, ["W-9"]))
    for _ in range(2):
        transaction_posted(document=document, units=[{"serial_number": "W-9"}], event_id="event-1")
    sos_session.rollback()
    assert sos_session.scalar(select(func.count()).select_from(posting_log).where(
        posting_log.c.event_id == "event-1")) == 1
