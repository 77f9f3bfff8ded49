"""A line's serial_ranges on the API (1.1): the serials of each range, counted with the line's serials against its
quantity; a range that does not read, or holds more serials than a document may carry, is a 422 naming its line."""
from __future__ import annotations

from sos_serial.engine.limits import LIMITS_KEY, Limits
from sos_serial.limits import SERIALS_PER_DOCUMENT
from tests.support.api import assert_problem, each_case, post_doc, problem_text, snapshot
from tests.support.world import line


def receipt(world, quantity, **fields) -> dict:
    return {"type": "item_receipt", "location_id": world.main, "lines": [line(world.clock, quantity, **fields)]}


def serials_found(client, text) -> list[str]:
    page = client.get("/serials", query_string={"q": text, "per_page": 500}).get_json()
    return sorted(unit["serial_number"] for unit in page["items"])


def test_a_range_by_count_receives_each_serial_of_it(clerk, world):
    document = post_doc(clerk, **receipt(world, 500, serial_ranges=[{"first": "SN-0001", "count": 500}]))
    served = document["lines"][0]["serials"]
    assert len(served) == 500 and served[0] == "SN-0001" and served[-1] == "SN-0500"
    found = serials_found(clerk, "SN-0")
    assert len(found) == 500 and found[-1] == "SN-0500"
    units = clerk.get("/serials", query_string={"q": "SN-0250"}).get_json()["items"]
    assert units[0]["location_id"] == world.main and units[0]["status"] == "in_stock"


def test_a_range_by_last_serial_and_listed_serials_count_together(clerk, world):
    document = post_doc(clerk, **receipt(world, 4, serials=["ODD-7"],
                                         serial_ranges=[{"first": "SN-0998", "last": "SN-1000"}]))
    assert sorted(document["lines"][0]["serials"]) == ["ODD-7", "SN-0998", "SN-0999", "SN-1000"]


def test_a_shipment_names_its_units_by_range(clerk, world):
    post_doc(clerk, **receipt(world, 10, serial_ranges=[{"first": "R-01", "count": 10}]))
    shipped = post_doc(clerk, type="shipment", location_id=world.main, customer_id=world.acme,
                       lines=[line(world.clock, 3, serial_ranges=[{"first": "R-04", "last": "R-06"}])])
    assert sorted(shipped["lines"][0]["serials"]) == ["R-04", "R-05", "R-06"]
    unit = clerk.get("/serials", query_string={"q": "R-05"}).get_json()["items"][0]
    assert unit["status"] == "shipped" and unit["customer_id"] == world.acme


def test_ranges_that_do_not_read_are_422s_naming_the_line_and_range(app, clerk, world):
    def check(ranges, field, says):
        before = snapshot(app)
        answer = post_doc(clerk, None, **{**receipt(world, 3, serial_ranges=ranges),
                                          "lines": [line(world.grandfather, 1, serials=["GF-1"]),
                                                    line(world.clock, 3, serial_ranges=ranges)]})
        body = assert_problem(answer, 422, field)
        assert says in problem_text(body), body
        assert snapshot(app) == before

    each_case([
        ([{"first": "SN-0003", "last": "SN-0001"}], "lines[1].serial_ranges[0]", "SN-0001 comes before SN-0003"),
        ([{"first": "SN-0001", "last": "SX-0003"}], "lines[1].serial_ranges[0]", "differ before the number"),
        ([{"first": "SN-A", "count": 3}], "lines[1].serial_ranges[0]", "SN-A does not end in a number"),
        ([{"first": "SN-0001", "count": 3, "last": "SN-0003"}], "lines[1].serial_ranges[0]", "not both"),
        ([{"first": "SN-0001"}], "lines[1].serial_ranges[0]", "last serial or its count"),
        ([{"first": "SN-9998", "count": 1}, {"first": "SN-0001", "last": "SN-01"}], "lines[1].serial_ranges[1]",
         "different numbers of digits"),
        ([{"first": "SN-0998", "count": 9003}], "lines[1].serial_ranges[0]", "run past the 4 digits"),
        ([{"first": "SN-0001", "count": 0}], "lines[1].serial_ranges[0].count", "from 1 to"),
        ([{"first": "SN-0001", "count": "3"}], "lines[1].serial_ranges[0].count", "whole number"),
        ([{"first": "SN-0001", "count": 3, "step": 2}], "lines[1].serial_ranges[0].step", "Unknown field"),
        ({"first": "SN-0001", "count": 3}, "lines[1].serial_ranges", "Must be a list"),
    ], check)


def test_a_plain_number_grows_past_its_digits(clerk, world):
    document = post_doc(clerk, **receipt(world, 3, serial_ranges=[{"first": "SN-9998", "count": 3}]))
    assert sorted(document["lines"][0]["serials"]) == ["SN-10000", "SN-9998", "SN-9999"]


def test_a_range_over_the_documents_serial_limit_is_a_422_naming_the_line_and_nothing_is_listed(app, clerk, world):
    before = snapshot(app)
    answer = post_doc(clerk, None, **receipt(world, 1_000_000_000, serial_ranges=[
        {"first": "SN-0000000001", "count": 1_000_000_000}]))
    body = assert_problem(answer, 422, "lines[0].serial_ranges")
    assert f"Line 1's serial ranges hold 1,000,000,000 serial numbers; at most {SERIALS_PER_DOCUMENT:,} fit" \
        in problem_text(body)
    answer = post_doc(clerk, None, **receipt(world, 10, serial_ranges=[
        {"first": "SN-0000000001", "last": "SN-9999999999"}]))
    assert "hold 9,999,999,999 serial numbers" in problem_text(assert_problem(answer, 422, "lines[0].serial_ranges"))
    assert snapshot(app) == before


def test_the_companys_lower_limit_counts_ranges_with_listed_serials(app, clerk, world, monkeypatch):
    monkeypatch.setitem(app.extensions, LIMITS_KEY, Limits(serials_per_document=5))
    before = snapshot(app)
    answer = post_doc(clerk, None, **receipt(world, 6, serials=["A-1", "A-2"],
                                             serial_ranges=[{"first": "SN-1", "count": 4}]))
    body = assert_problem(answer, 422, "lines[0].serial_ranges")
    assert "This document carries 6 serial numbers; at most 5 fit" in body["detail"]
    assert snapshot(app) == before


def test_a_range_whose_count_differs_from_the_quantity_is_refused_like_serials(app, clerk, world):
    before = snapshot(app)
    answer = post_doc(clerk, None, **receipt(world, 5, serial_ranges=[{"first": "SN-0001", "count": 4}]))
    assert "needs 1 more serial number (4 of 5 given)" in problem_text(assert_problem(answer, 422))
    assert snapshot(app) == before


def test_the_openapi_document_describes_serial_ranges(anonymous):
    schemas = anonymous.get("/openapi.json").get_json()["components"]["schemas"]
    line_schema = schemas["TransactionLineInput"]["properties"]["serial_ranges"]
    assert "leading zeros" in line_schema["description"]
    assert set(schemas["SerialRangeInput"]["properties"]) == {"first", "count", "last"}
