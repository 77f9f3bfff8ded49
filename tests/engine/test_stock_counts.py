"""Stock counts by scanning: what a scan answers, the live figures and lists, and the documents a close posts."""
from datetime import date

import pytest
from sqlalchemy import select

from sos_serial.engine import stock_counts as counts
from sos_serial.errors import Conflict, InvalidInput
from sos_serial.extensions import db
from sos_serial.models import Location, Transaction, TransactionLine
from tests.support.world import history, line, post, receive, ship, unit

ON = date(2026, 2, 1)


@pytest.fixture
def shelf(co):
    """Main Warehouse holds CLK-001..CLK-010 and GF-1, GF-2; the Showroom CLK-101, CLK-102; CLK-201 was shipped."""
    receive(co.clock, [f"CLK-{n:03d}" for n in range(1, 11)], co.main, unit_cost="100.00")
    receive(co.grandfather, ["GF-1", "GF-2"], co.main, unit_cost="900.00")
    receive(co.clock, ["CLK-101", "CLK-102"], co.showroom, unit_cost="100.00")
    receive(co.clock, ["CLK-201"], co.main, unit_cost="100.00")
    ship(co.clock, ["CLK-201"], co.main, co.acme)
    return co


def results(report):
    return [(scan.serial_number, scan.result) for scan in report.scans]


def test_a_count_expects_the_units_at_its_location(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    assert count.number == f"SC-{count.id:05d}"
    assert count.expected_at_start == 12
    assert counts.totals(db.session, count.id) == counts.Totals(
        expected=12, counted=0, missing=12, found_elsewhere=0, unknown=0, scanned=0)


def test_each_scan_says_what_it_found(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    report = counts.scan_serials(db.session, count.id, [" clk-001 ", "CLK-101", "CLK-201", "NOPE-9", "CLK-001",
                                                        "", "BAD\tTAB", "gf-1"], shelf.user)
    assert results(report) == [("clk-001", "counted"), ("CLK-101", "elsewhere"), ("CLK-201", "elsewhere"),
                               ("NOPE-9", "unknown"), ("CLK-001", "already_scanned"), ("", "refused"),
                               ("BAD\tTAB", "refused"), ("gf-1", "counted")]
    elsewhere = report.scans[1]
    assert elsewhere.place == "in stock at Showroom" and elsewhere.location_id == shelf.showroom
    assert report.scans[2].place == "shipped to Acme Clocks"
    assert "unknown serial" in report.scans[3].message
    assert report.totals == counts.Totals(expected=12, counted=2, missing=10, found_elsewhere=2, unknown=1,
                                          scanned=5)
    again = counts.scan_serials(db.session, count.id, ["CLK-101"], shelf.user)
    assert results(again) == [("CLK-101", "already_scanned")]


def test_a_scanned_gs1_barcode_counts_the_serial_of_its_ai_21(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    gs = "\x1d"
    report = counts.scan_serials(db.session, count.id, [
        "]d2010950600013435221CLK-003" + gs + "10LOT7",  # as a scanner sends a DataMatrix
        "(01)09506000134352(21)CLK-004",  # the printed form
        "(01)09506000134352",  # a GTIN alone: no serial to count
    ], shelf.user)
    assert results(report)[:2] == [("CLK-003", "counted"), ("CLK-004", "counted")]
    assert report.scans[2].result == "refused" and "21" in report.scans[2].message
    assert report.totals.counted == 2


def test_the_lists_page_through_counted_missing_and_found(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.scan_serials(db.session, count.id, ["CLK-001", "CLK-002", "CLK-101", "NOPE-9"], shelf.user)
    counted, total = counts.listed(db.session, count.id, "counted", 1, 50)
    assert total == 2 and [row.serial_number for row in counted] == ["CLK-002", "CLK-001"]
    missing, total = counts.listed(db.session, count.id, "missing", 1, 4)
    assert total == 10 and [row.serial_number for row in missing] == ["CLK-003", "CLK-004", "CLK-005", "CLK-006"]
    page_3, _ = counts.listed(db.session, count.id, "missing", 3, 4)
    assert [row.serial_number for row in page_3] == ["GF-1", "GF-2"]
    found, total = counts.listed(db.session, count.id, "found", 1, 50)
    assert total == 2
    assert [(row.serial_number, row.place) for row in found] == [("NOPE-9", "unknown serial"),
                                                                 ("CLK-101", "in stock at Showroom")]


def test_movements_posted_while_the_count_is_open_are_taken_into_account(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.scan_serials(db.session, count.id, ["CLK-101"], shelf.user)
    # Shipped from the shelf meanwhile: no longer expected, so not missing.
    ship(shelf.clock, ["CLK-010"], shelf.main, shelf.baker)
    # The unit found here is transferred in by someone else: now it is counted, not found elsewhere.
    post(type="transfer", location_id=shelf.showroom, to_location_id=shelf.main,
         lines=[line(shelf.clock, 1, serials=["CLK-101"])])
    # Received here after the count started: expected too.
    receive(shelf.clock, ["CLK-301"], shelf.main, unit_cost="100.00")
    assert counts.totals(db.session, count.id) == counts.Totals(
        expected=13, counted=1, missing=12, found_elsewhere=0, unknown=0, scanned=1)
    # A scan's answer stays as fast as one row: the figures as the scans found them, from the start's 12.
    assert counts.totals_as_scanned(db.session, count.id) == counts.Totals(
        expected=12, counted=0, missing=12, found_elsewhere=1, unknown=0, scanned=1)
    missing, _ = counts.listed(db.session, count.id, "missing", 1, 50)
    assert "CLK-010" not in {row.serial_number for row in missing} and "CLK-301" in {
        row.serial_number for row in missing}


def test_one_open_count_per_location(shelf):
    first = counts.start_count(db.session, shelf.main, shelf.user)
    with pytest.raises(Conflict, match=f"{first.number} is still open at Main Warehouse"):
        counts.start_count(db.session, shelf.main, shelf.user)
    counts.start_count(db.session, shelf.showroom, shelf.user)
    counts.cancel_count(db.session, first.id, shelf.user)
    assert counts.start_count(db.session, shelf.main, shelf.user).status == "open"


def test_a_closed_or_cancelled_count_takes_no_scans(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.cancel_count(db.session, count.id, shelf.user)
    with pytest.raises(Conflict, match="cancelled: it takes no more scans"):
        counts.scan_serials(db.session, count.id, ["CLK-001"], shelf.user)
    with pytest.raises(Conflict, match="already cancelled"):
        counts.close_count(db.session, count.id, shelf.user, on=ON)


def documents_of(report):
    found = {}
    for link in report.documents:
        document = db.session.get(Transaction, link.transaction_id)
        lines = db.session.scalars(select(TransactionLine).where(TransactionLine.transaction_id == document.id)
                                   .order_by(TransactionLine.line_no)).all()
        found.setdefault(link.purpose, []).append((document, lines))
    return found


@pytest.fixture
def big_shelf(co):
    """About a hundred units: 90 clocks and 10 grandfather clocks at Main, 5 clocks at the Showroom, 3 shipped."""
    receive(co.clock, [f"CLK-{n:03d}" for n in range(1, 91)], co.main, unit_cost="100.00")
    receive(co.grandfather, [f"GF-{n:02d}" for n in range(1, 11)], co.main, unit_cost="900.00")
    receive(co.clock, [f"SHW-{n}" for n in range(1, 6)], co.showroom, unit_cost="110.00")
    receive(co.clock, ["OUT-1", "OUT-2", "OUT-3"], co.main, unit_cost="100.00")
    ship(co.clock, ["OUT-1", "OUT-2", "OUT-3"], co.main, co.acme)
    return co


def test_a_count_closes_into_the_right_documents_with_history(big_shelf):
    co = big_shelf
    count = counts.start_count(db.session, co.main, co.user)
    present = [f"CLK-{n:03d}" for n in range(1, 91) if n % 10] + [f"GF-{n:02d}" for n in range(1, 9)]
    scanned = present + ["SHW-1", "SHW-2", "OUT-1", "NEW-1", "NEW-2"]
    counts.scan_serials(db.session, count.id, scanned[:50], co.user)
    counts.scan_serials(db.session, count.id, scanned[50:], co.user)
    assert counts.totals(db.session, count.id) == counts.Totals(
        expected=100, counted=89, missing=11, found_elsewhere=3, unknown=2, scanned=94)

    report = counts.close_count(db.session, count.id, co.user, on=ON, unknown_item_id=co.clock, scans_seen=94)

    assert report.count.status == "closed" and report.count.closed_by_id == co.user.id
    assert report.left_unposted == []
    docs = documents_of(report)
    assert sorted(docs) == ["found", "missing", "transfer"]
    [(transfer, transfer_lines)] = docs["transfer"]
    assert (transfer.type, transfer.location_id, transfer.to_location_id) == ("transfer", co.showroom, co.main)
    assert transfer.memo == f"Stock count {count.number} at Main Warehouse: units found here that were " \
                            "recorded at Showroom"
    assert [(line.item_id, line.quantity) for line in transfer_lines] == [(co.clock, 2)]
    [(missing, missing_lines)] = docs["missing"]
    assert (missing.type, missing.location_id) == ("adjustment", co.main)
    assert missing.memo == f"Stock count {count.number} at Main Warehouse: units missing"
    assert sorted((line.item_id, line.quantity) for line in missing_lines) == [(co.clock, -9), (co.grandfather, -2)]
    [(found, found_lines)] = docs["found"]
    assert (found.type, found.location_id) == ("adjustment", co.main)
    assert [(line.item_id, line.quantity) for line in found_lines] == [(co.clock, 3)]

    for serial in ("CLK-010", "CLK-090"):
        assert unit(co.clock, serial).status == "adjusted_out"
    assert unit(co.grandfather, "GF-10").status == "adjusted_out"
    shw = unit(co.clock, "SHW-1")
    assert (shw.status, shw.location_id) == ("in_stock", co.main)
    assert history(shw.id)[-1] == ("transfer", "in_stock", co.main, None)
    back = unit(co.clock, "OUT-1")
    assert (back.status, back.location_id) == ("in_stock", co.main)
    assert [row[0] for row in history(back.id)] == ["item_receipt", "shipment", "adjustment"]
    new = unit(co.clock, "NEW-1")
    assert (new.status, new.location_id) == ("in_stock", co.main)
    assert history(new.id) == [("adjustment", "in_stock", co.main, None)]
    assert history(unit(co.clock, "CLK-010").id)[-1] == ("adjustment", "adjusted_out", None, None)
    assert counts.totals(db.session, count.id) == counts.Totals(
        expected=94, counted=94, missing=0, found_elsewhere=0, unknown=0, scanned=94)
    # The shelf now holds exactly what was scanned.
    after = counts.start_count(db.session, co.main, co.user)
    assert after.expected_at_start == 94


def test_unknown_serials_without_an_item_stay_listed_unposted(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.scan_serials(db.session, count.id, [f"CLK-{n:03d}" for n in range(1, 11)] + ["GF-1", "GF-2", "NOPE-9"],
                        shelf.user)
    report = counts.close_count(db.session, count.id, shelf.user, on=ON)
    assert report.documents == [] and report.left_unposted == ["NOPE-9"]
    assert report.count.status == "closed"


def test_the_close_is_refused_when_scans_arrived_after_the_confirmation(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.scan_serials(db.session, count.id, ["CLK-001"], shelf.user)
    with pytest.raises(Conflict, match="has 1 scans now, not the 0 you confirmed"):
        counts.close_count(db.session, count.id, shelf.user, on=ON, scans_seen=0)
    with pytest.raises(InvalidInput, match="serial-tracked item"):
        counts.close_count(db.session, count.id, shelf.user, on=ON, unknown_item_id=shelf.oil)
    assert counts.get_count(db.session, count.id).status == "open"


def test_a_close_stopped_by_a_refusal_carries_on_when_closed_again(shelf):
    """The first document posts; the next is refused; closing again posts only what is left."""
    count = counts.start_count(db.session, shelf.main, shelf.user)
    counts.scan_serials(db.session, count.id, [f"CLK-{n:03d}" for n in range(1, 10)] + ["GF-1", "GF-2",
                                                                                        "CLK-101"], shelf.user)
    # The missing unit moved on the 20th: an adjustment out dated the 10th is refused, after the transfer posted.
    for source, target in ((shelf.main, shelf.showroom), (shelf.showroom, shelf.main)):
        post(type="transfer", date="2026-01-20", location_id=source, to_location_id=target,
             lines=[line(shelf.clock, 1, serials=["CLK-010"])])
    with pytest.raises(Conflict, match="CLK-010"):
        counts.close_count(db.session, count.id, shelf.user, on=date(2026, 1, 10), scans_seen=12)
    db.session.expire_all()
    assert counts.get_count(db.session, count.id).status == "open"
    assert [link.purpose for link in counts.count_documents(db.session, count.id)] == ["transfer"]
    report = counts.close_count(db.session, count.id, shelf.user, on=ON, scans_seen=12)
    assert sorted(link.purpose for link in report.documents) == ["missing", "transfer"]
    assert unit(shelf.clock, "CLK-010").status == "adjusted_out"


def test_a_large_close_is_split_by_the_document_limits(shelf):
    from sos_serial.engine.limits import Limits

    count = counts.start_count(db.session, shelf.main, shelf.user)
    report = counts.close_count(db.session, count.id, shelf.user, on=ON, limits=Limits(serials_per_document=5))
    posted = documents_of(report)["missing"]
    assert [sum(-line.quantity for line in lines) for _, lines in posted] == [5, 5, 2]
    assert db.session.get(Location, shelf.main) is not None


def test_a_serial_unknown_when_scanned_and_received_since_is_that_unit_at_the_close(shelf):
    count = counts.start_count(db.session, shelf.main, shelf.user)
    everything = [f"CLK-{n:03d}" for n in range(1, 11)] + ["GF-1", "GF-2"]
    report = counts.scan_serials(db.session, count.id, everything + ["LATE-1", "LATE-2"], shelf.user)
    assert [scan.result for scan in report.scans[-2:]] == ["unknown", "unknown"]
    receive(shelf.clock, ["LATE-1"], shelf.main, unit_cost="100.00")
    receive(shelf.clock, ["LATE-2"], shelf.showroom, unit_cost="100.00")
    closed = counts.close_count(db.session, count.id, shelf.user, on=ON)
    assert closed.left_unposted == []
    [link] = closed.documents
    assert link.purpose == "transfer"
    late_1, late_2 = unit(shelf.clock, "LATE-1"), unit(shelf.clock, "LATE-2")
    assert (late_1.status, late_1.location_id) == ("in_stock", shelf.main)
    assert (late_2.status, late_2.location_id) == ("in_stock", shelf.main)
