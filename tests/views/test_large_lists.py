"""Lists of millions of rows (views/large_list.py): deep pages by keyset, every row once whatever the ties in the
sort column, and the count estimated past a threshold."""
from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select, text

from sos_serial.extensions import db
from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit
from sos_serial.views.serial_history_report import SerialHistoryReportView
from sos_serial.views.serial_unit import SerialUnitView
from tests.support.world import receive, ship

LIST = "/admin/serial_inventory/"
REPORT = "/admin/serial_history/"
UNITS = 47  # pages of 20: 20, 20, 7


def in_app(app, work):
    with app.app_context():
        try:
            return work()
        finally:
            db.session.remove()


@pytest.fixture
def stock(app, demo):
    """47 clocks over three receipts on two days, 19 of them shipped: long runs of equal status and date."""
    def make():
        item = db.session.scalars(select(Item.id).where(Item.name == "Cuckoo Clock")).one()
        main = db.session.scalars(select(Location.id).where(Location.name == "Main Warehouse")).one()
        acme = db.session.scalars(select(Customer.id).where(Customer.name == "Acme Clocks")).one()
        serials = [f"LL-{n:03d}" for n in range(1, UNITS + 1)]
        receive(item, serials[:20], main, date="2026-01-05")
        receive(item, serials[20:], main, date="2026-01-05")
        ship(item, serials[::3][:8], main, acme, date="2026-01-20")
        ship(item, serials[1::3][:11], main, acme, date="2026-01-20")
        return {s: i for s, i in db.session.execute(
            select(SerialUnit.serial_number, SerialUnit.id).where(SerialUnit.serial_number.like("LL-%")))}
    return in_app(app, make)


def unit_ids(page: str) -> list[int]:
    """The units a Serial inventory page lists, by the id its "Transaction history" link carries."""
    return [int(i) for i in re.findall(r'/admin/serial_inventory/history/\?id=(\d+)"', page)]


def link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a class="page-link" rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def walk(client, start: str, rel: str, read) -> list[list]:
    """Each page's rows, following the ``rel`` link (next or prev) from ``start`` until there is none."""
    pages, url = [], start
    while url is not None:
        answer = client.get(url)
        assert answer.status_code == 200, url
        pages.append(read(answer.text))
        url = link(answer.text, rel)
        assert len(pages) <= 10, "the pager goes round in circles"
    return pages


@pytest.mark.parametrize("order", ["", "sort=3", "sort=3&desc=1", "sort=1&desc=1"], ids=[
    "by id", "by status (ties)", "by status descending (ties)", "by serial descending"])
def test_keyset_pages_list_every_unit_exactly_once_forwards_and_backwards(login, stock, order):
    client = login("clerk")
    args = f"page_size=20&{order}"
    first = client.get(f"{LIST}?{args}").text
    ordered = unit_ids(first) + unit_ids(client.get(f"{LIST}?{args}&page=1").text) + unit_ids(
        client.get(f"{LIST}?{args}&page=2").text)
    assert sorted(ordered) == sorted(stock.values())  # the page numbers' order, complete: the reference
    # Forwards: from the first page's last row, by "Next" links carrying the last row's id.
    forwards = [unit_ids(first)] + walk(client, f"{LIST}?{args}&after={unit_ids(first)[-1]}", "next", unit_ids)
    assert [len(p) for p in forwards if p] == [20, 20, 7]
    assert [u for p in forwards for u in p] == ordered
    # Backwards: from the last page, by "Previous" links carrying the first row's id.
    backwards = walk(client, f"{LIST}?{args}&last=1", "prev", unit_ids)
    assert [u for p in reversed(backwards) for u in p] == ordered


def test_the_last_page_and_previous_show_the_ends_of_the_list(login, stock):
    client = login("clerk")
    last = client.get(f"{LIST}?page_size=20&last=1").text
    assert unit_ids(last) == sorted(stock.values())[-20:]
    assert link(last, "next") is None and link(last, "last") is None and link(last, "first")


def test_a_cursor_keeps_the_search_and_filters(login, stock):
    client = login("clerk")
    shipped = sorted(i for s, i in stock.items() if s in {f"LL-{n:03d}" for n in [*range(1, 48, 3)][:8]
                                                          + [*range(2, 48, 3)][:11]})
    page = client.get(f"{LIST}?page_size=20&flt0_status_equals=shipped&after={shipped[4]}").text
    assert unit_ids(page) == shipped[5:]
    assert "flt0_status_equals=shipped" in link(page, "prev")


def test_a_cursor_that_is_not_an_id_is_the_first_page(login, stock):
    client = login("clerk")
    for cursor in ("after=abc", "after=-5", "before=99999999999999999999", "after=0"):
        assert unit_ids(client.get(f"{LIST}?page_size=20&{cursor}").text) == sorted(stock.values())[:20]


def report_rows(page: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", page, re.S)
    found = []
    for row in rows:
        cells = [re.sub(r"<[^>]+>|\s+", " ", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if len(cells) > 4:
            found.append((cells[0], cells[1], cells[4]))
    return found


def test_history_report_pages_by_date_and_id_every_event_once(app, login, stock):
    client = login("support")
    events = in_app(app, lambda: db.session.scalar(select(db.func.count(SerialHistory.id))))
    reference = [r for p in range(0, events // 20 + 1)
                 for r in report_rows(client.get(f"{REPORT}?page_size=20&page={p}").text)]
    assert len(reference) == events  # 47 receipts on one day, then 19 shipments on another, plus the demo's
    backwards = walk(client, f"{REPORT}?page_size=20&last=1", "prev", report_rows)
    assert [r for p in reversed(backwards) for r in p] == reference
    assert [d for d, *_ in reference] == sorted(d for d, *_ in reference)


def test_a_large_count_is_estimated_and_shown_as_about(app, login, stock, db_backend, monkeypatch):
    monkeypatch.setattr(SerialUnitView, "count_exact_up_to", 10)
    monkeypatch.setattr(SerialHistoryReportView, "count_exact_up_to", 10)
    if db_backend == "postgresql":
        in_app(app, lambda: db.session.execute(text("ANALYZE serial_units, serial_history")))
    client = login("clerk")
    page = client.get(f"{LIST}?page_size=20").text
    report = client.get(f"{REPORT}?page_size=20").text
    if db_backend == "postgresql":
        count = re.search(r"List \(about ([\d,]+)\)", page)
        assert count and int(count.group(1).replace(",", "")) > 10
        assert re.search(r"List \(about [\d,]+\)", report)
        # Estimated: the pager follows the rows (Next carries the page's last id), no page numbers.
        assert link(page, "next") == f"{LIST}?page_size=20&after={unit_ids(page)[-1]}"
        assert "page=2" not in page
        # A filtered list whose rows fit on its first page knows its count, whatever the estimate said.
        few = client.get(f"{LIST}?page_size=20&search=LL-04").text
        assert "List (8)" in few
    else:
        # SQLite keeps no estimate: the rows are counted.
        units = in_app(app, lambda: db.session.scalar(select(db.func.count(SerialUnit.id))))
        assert f"List ({units})" in page and "List (about" not in page


def test_a_page_number_past_the_offset_cap_is_refused_when_the_count_is_estimated(app, login, stock, db_backend,
                                                                                  monkeypatch):
    monkeypatch.setattr(SerialUnitView, "count_exact_up_to", 10)
    monkeypatch.setattr(SerialUnitView, "max_offset_rows", 20)
    if db_backend == "postgresql":
        in_app(app, lambda: db.session.execute(text("ANALYZE serial_units")))
    client = login("clerk")
    deep = client.get(f"{LIST}?page_size=20&page=2")
    assert deep.status_code == 200
    if db_backend == "postgresql":
        assert unit_ids(deep.text) == [] and "Page 3 is past row 20" in html.unescape(deep.text)
    else:
        assert len(unit_ids(deep.text)) == 7  # counted exactly: page numbers go all the way


def test_history_by_a_customer_of_many_events_lists_the_same_rows_sorted_without_the_date_index(app, login, stock,
                                                                                                monkeypatch):
    from sos_serial.views import serial_history_report

    client = login("support")
    acme = in_app(app, lambda: db.session.scalars(select(Customer.id).where(Customer.name == "Acme Clocks")).one())
    named = report_rows(client.get(f"{REPORT}?page_size=20&flt0_customer_equals={acme}").text)
    # Past the ids it names, the filter keeps its condition and the rows are sorted, not read by the date index.
    monkeypatch.setattr(serial_history_report, "EVENTS_NAMED_MAX", 3)
    sorted_rows = report_rows(client.get(f"{REPORT}?page_size=20&flt0_customer_equals={acme}").text)
    assert len(named) == 19 and sorted_rows == named
    backwards = walk(client, f"{REPORT}?page_size=5&flt0_customer_equals={acme}&last=1", "prev", report_rows)
    assert [r for p in reversed(backwards) for r in p] == named


def test_warranties_expiring_counts_every_unit_and_lists_those_ending_soonest(app, demo, login, monkeypatch):
    from datetime import date, timedelta

    from sos_serial.views import warranty_expiring_report

    def make():
        item = db.session.scalars(select(Item.id).where(Item.name == "Cuckoo Clock")).one()  # 90 days parts
        main = db.session.scalars(select(Location.id).where(Location.name == "Main Warehouse")).one()
        acme = db.session.scalars(select(Customer.id).where(Customer.name == "Acme Clocks")).one()
        # Shipped 75, 85 and 80 days ago: their warranties end in about 15, 5 and 10 days.
        for n, days_ago in enumerate((75, 85, 80)):
            serial = f"WE-{n}"
            receive(item, [serial], main, date=(date.today() - timedelta(days=100)).isoformat())
            ship(item, [serial], main, acme, date=(date.today() - timedelta(days=days_ago)).isoformat())
    client = login("support")
    in_app(app, make)
    everything = client.get("/admin/warranties_expiring/?days=30").text
    assert "3 units." in everything and "Shown:" not in everything
    monkeypatch.setattr(warranty_expiring_report, "SHOWN_MAX", 2)
    capped = client.get("/admin/warranties_expiring/?days=30").text
    assert "3 units. Shown: the 2 ending soonest" in capped
    assert "WE-1" in capped and "WE-2" in capped and "WE-0" not in capped
