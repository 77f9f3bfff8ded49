"""POST /transactions refusals: each with the status and the field the contract names, nothing written."""
import pytest

from sos_serial.engine.limits import LIMITS_KEY, Limits
from tests.support.api import (
    assert_problem,
    each_case,
    line,
    post_doc,
    problem_text,
    receive,
    receive_plain,
    ship,
    snapshot,
)


def refused(app, client, status, *fields, **doc):
    """Post ``doc``; it must be refused with ``status`` naming ``fields`` and change no row. Returns the problem."""
    before = snapshot(app)
    body = assert_problem(post_doc(client, status=None, **doc), status, *fields)
    assert snapshot(app) == before
    return body


@pytest.fixture
def stock(clerk, world):
    receive(clerk, world.clock, ["S-1", "S-2", "S-3"], world.main)
    receive(clerk, world.clock, ["SR-1"], world.showroom)
    receive_plain(clerk, world.oil, 3, world.main)
    ship(clerk, world.clock, ["S-3"], world.main, world.acme)


# ---------------------------------------------------------------------------- serials missing or miscounted
def test_missing_serials_are_a_422_naming_each_line_and_how_many_it_still_needs(app, clerk, world):
    body = refused(app, clerk, 422, "lines[0].serials", "lines[2].serials", type="item_receipt",
                   location_id=world.main, lines=[line(world.clock, 3, serials=["M-1"]), line(world.oil, 5),
                                                  line(world.grandfather, 2)])
    messages = {e["field"]: e["message"] for e in body["errors"]}
    assert "2 more" in messages["lines[0].serials"]
    assert "2 more" in messages["lines[2].serials"]
    assert "lines[1].serials" not in messages


def test_every_inbound_kind_prompts_for_missing_serials(app, clerk, world):
    def check(kind, quantity, role):
        extra = {"role": role} if role else {}
        body = refused(app, clerk, 422, "lines[0].serials", type=kind, location_id=world.main,
                       lines=[line(world.clock, quantity, **extra)])
        assert "2 more" in problem_text(body)

    each_case([("adjustment", 2, None), ("build", 2, "output"),
               ("process", 2, "output")], check)


def test_outbound_lines_short_of_serials_are_a_422(app, clerk, world, stock):
    body = refused(app, clerk, 422, "lines[0].serials", type="shipment", location_id=world.main,
                   customer_id=world.acme, lines=[line(world.clock, 2, serials=["S-1"])])
    assert "1 more" in problem_text(body)


def test_a_serial_count_that_differs_from_the_quantity_is_a_422(app, clerk, world, stock):
    def check(kind, quantity, serials):
        refused(app, clerk, 422, "lines[0].serials", type=kind, location_id=world.main, customer_id=world.acme,
                to_location_id=world.showroom, lines=[line(world.clock, quantity, serials=serials)])

    each_case([("item_receipt", 1, ["C-1", "C-2"]),
               ("shipment", 1, ["S-1", "S-2"]), ("transfer", 1, ["S-1", "S-2"]),
               ("adjustment", -1, ["S-1", "S-2"])], check)


def test_a_csv_whose_count_differs_is_a_422_giving_both_counts(app, clerk, world):
    body = refused(app, clerk, 422, "lines[0].serials_csv", type="item_receipt", location_id=world.main,
                   lines=[line(world.clock, 2, serials_csv="serial\nA-1\nA-2\nA-3\n")])
    assert "3" in problem_text(body) and "2" in problem_text(body)


def test_auto_serials_while_switched_off_are_a_422(app, clerk, world):
    refused(app, clerk, 422, "lines[0].auto_serials", type="item_receipt", location_id=world.main,
            lines=[line(world.clock, 2, auto_serials=True)])


def test_a_bad_serial_is_a_422_naming_the_line(app, clerk, world):
    def check(serial):
        refused(app, clerk, 422, "lines[1].serials", type="item_receipt", location_id=world.main,
                lines=[line(world.grandfather, 1, serials=["OK-1"]), line(world.clock, 2, serials=["OK-2", serial])])

    each_case(["", "   ", "x" * 65, "A\tB", "A\nB", "NUL\x07"], check)


def test_a_serial_of_64_characters_is_accepted(clerk, world):
    serial = "L" * 64
    assert receive(clerk, world.clock, [f"  {serial}  "], world.main)["lines"][0]["serials"] == [serial]


# ---------------------------------------------------------------------------- serial conflicts
def test_receiving_a_serial_in_stock_is_a_409_naming_it(app, clerk, world, stock):
    def check(serial):
        body = refused(app, clerk, 409, "lines[0].serials", type="item_receipt", location_id=world.main,
                       lines=[line(world.clock, 2, serials=["NEW-1", serial])])
        assert serial.strip().upper() in problem_text(body)
        assert "NEW-1" not in problem_text(body)

    each_case(["S-1", "s-1", " S-1 ", "SR-1"], check)


def test_receiving_a_serial_out_on_rental_is_a_409(app, clerk, world, stock):
    post_doc(clerk, type="rental", location_id=world.main, customer_id=world.baker,
             lines=[line(world.clock, 1, serials=["S-2"])])
    body = refused(app, clerk, 409, "lines[0].serials", type="adjustment", location_id=world.main,
                   lines=[line(world.clock, 1, serials=["S-2"])])
    assert "S-2" in problem_text(body) and "rental" in problem_text(body)


def test_a_serial_repeated_within_the_document_is_a_409_naming_it(app, clerk, world):
    def check(lines_of):
        body = refused(app, clerk, 409, type="item_receipt", location_id=world.main, lines=lines_of(world))
        assert "DUP-1" in problem_text(body).upper()

    each_case([
        lambda w: [line(w.clock, 2, serials=["DUP-1", "dup-1"])],
        lambda w: [line(w.clock, 1, serials=["DUP-1"]), line(w.clock, 1, serials=[" DUP-1"])],
    ], check)


def test_a_repeated_csv_row_is_a_409_listing_the_rows(app, clerk, world):
    body = refused(app, clerk, 409, "lines[0].serials_csv", type="item_receipt", location_id=world.main,
                   lines=[line(world.clock, 3, serials_csv="serial\nR-1\nR-2\nr-1\n")])
    assert "2" in problem_text(body) and "4" in problem_text(body)


def test_the_same_serial_may_exist_for_different_items(clerk, world, stock):
    doc = receive(clerk, world.grandfather, ["S-1"], world.main)
    assert doc["lines"][0]["serials"] == ["S-1"]


def test_shipping_a_serial_not_available_is_a_409_saying_where_it_is(app, clerk, world, stock):
    def check(serial, where):
        body = refused(app, clerk, 409, "lines[0].serials", type="shipment", location_id=world.main,
                       customer_id=world.baker, lines=[line(world.clock, 2, serials=["S-1", serial])])
        text = problem_text(body)
        assert serial in text and where in text
        assert "S-1 " not in text

    each_case([
        ("S-3", "shipped to customer Acme Clocks"),
        ("SR-1", "in stock at Showroom"),
        ("NOPE-1", "not in the inventory"),
    ], check)


def test_every_outbound_kind_refuses_a_unit_that_is_elsewhere(app, clerk, world, stock):
    def check(kind):
        quantity = -1 if kind == "adjustment" else 1
        body = refused(app, clerk, 409, "lines[0].serials", type=kind, location_id=world.main,
                       to_location_id=world.showroom, customer_id=world.baker,
                       lines=[line(world.clock, quantity, serials=["S-3"])])
        assert "S-3" in problem_text(body) and "Acme Clocks" in problem_text(body)

    each_case(["transfer", "pick_ticket", "rental", "adjustment"], check)


def test_building_from_a_unit_that_is_elsewhere_is_a_409(app, clerk, world, stock):
    body = refused(app, clerk, 409, "lines[0].serials", type="build", location_id=world.main, lines=[
        line(world.clock, 1, role="input", serials=["SR-1"]),
        line(world.grandfather, 1, role="output", serials=["GF-1"])])
    assert "SR-1" in problem_text(body) and "Showroom" in problem_text(body)


def test_a_return_takes_only_units_shipped_to_that_customer(app, clerk, world, stock):
    body = refused(app, clerk, 409, "lines[0].serials", type="return", location_id=world.main,
                   customer_id=world.baker, lines=[line(world.clock, 1, serials=["S-3"])])
    assert "Acme Clocks" in problem_text(body)
    refused(app, clerk, 409, "lines[0].serials", type="return", location_id=world.main, customer_id=world.acme,
            lines=[line(world.clock, 1, serials=["S-1"])])


def test_a_rental_return_takes_only_units_rented_to_that_customer(app, clerk, world, stock):
    refused(app, clerk, 409, "lines[0].serials", type="rental_return", location_id=world.main,
            customer_id=world.acme, lines=[line(world.clock, 1, serials=["S-3"])])


# ---------------------------------------------------------------------------- plain items
def test_lines_of_plain_items_take_no_serials(app, admin, clerk, world):
    def check(fields):
        admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_enabled": True}})
        refused(app, clerk, 422, "lines[0].serials", type="item_receipt", location_id=world.main,
                lines=[line(world.oil, 1, **fields)])

    each_case([{"serials": ["OIL-1"]}, {"serials": []}, {"auto_serials": True},
               {"serials_csv": "OIL-1\n"}], check)


def test_plain_stock_never_goes_below_zero(app, clerk, world, stock):
    def check(kind, quantity):
        role = {"role": "input"} if kind in ("build", "process") else {}
        lines = [line(world.oil, quantity, **role)]
        if role:
            lines.append(line(world.grandfather, 1, role="output", serials=["GF-9"]))
        body = refused(app, clerk, 409, "lines[0].quantity", type=kind, location_id=world.main,
                       to_location_id=world.showroom, customer_id=world.acme, lines=lines)
        assert "3" in problem_text(body)

    each_case([("shipment", 4), ("transfer", 4), ("adjustment", -4), ("rental", 4),
               ("build", 4), ("process", 4)], check)


def test_plain_stock_is_counted_per_location(app, clerk, world, stock):
    refused(app, clerk, 409, "lines[0].quantity", type="shipment", location_id=world.showroom,
            customer_id=world.acme, lines=[line(world.oil, 1)])


# ---------------------------------------------------------------------------- malformed bodies
def test_a_body_that_is_not_a_json_object_is_a_400(app, clerk, world):
    def check(raw):
        before = snapshot(app)
        assert_problem(clerk.post("/transactions", data=raw, headers={"Content-Type": "application/json"}), 400)
        assert snapshot(app) == before

    each_case(["not json", "[]", '[{"type": "item_receipt"}]', "null", "42", '"item_receipt"',
               '{"type": "item_receipt", '], check)


def test_a_body_sent_as_a_form_is_a_400(app, clerk, world):
    before = snapshot(app)
    assert_problem(clerk.post("/transactions", data={"type": "item_receipt"}), 400)
    assert snapshot(app) == before


def test_lines_that_are_not_a_list_are_a_400(app, clerk, world):
    def check(lines):
        doc = {"type": "item_receipt", "location_id": world.main}
        if lines is not None:
            doc["lines"] = lines
        refused(app, clerk, 400, **doc)

    each_case([None, {}, "lines", 1, {"0": {"item_id": 1}}], check)


def test_a_line_that_is_not_an_object_is_a_400(app, clerk, world):
    def check(entry):
        refused(app, clerk, 400, type="item_receipt", location_id=world.main, lines=[line(world.oil, 1), entry])

    each_case([1, "line", None, [], [1, 2]], check)


HUGE = 2**70


def test_bad_document_fields_are_refused_naming_the_field(app, clerk, world):
    def check(doc_change, status, field):
        doc = {"type": "item_receipt", "location_id": world.main, "lines": [line(world.oil, 1)], **doc_change}
        refused(app, clerk, status, field, **doc)

    each_case([
        ({"type": "receipt"}, 422, "type"),
        ({"type": ""}, 422, "type"),
        ({"type": None}, 422, "type"),
        ({"type": 1}, 422, "type"),
        ({"date": "2026-13-01"}, 422, "date"),
        ({"date": "20260101"}, 422, "date"),
        ({"date": "2026-02-30"}, 422, "date"),
        ({"date": "2026-1-5"}, 422, "date"),
        ({"date": "2026-01-05T00:00:00"}, 422, "date"),
        ({"date": ""}, 422, "date"),
        ({"date": None}, 422, "date"),
        ({"date": 20260101}, 422, "date"),
        ({"location_id": "1"}, 422, "location_id"),
        ({"location_id": True}, 422, "location_id"),
        ({"location_id": 0}, 422, "location_id"),
        ({"location_id": -1}, 422, "location_id"),
        ({"location_id": 1.0}, 422, "location_id"),
        ({"location_id": None}, 422, "location_id"),
        ({"location_id": 999_999}, 422, "location_id"),
        ({"vendor_id": 999_999}, 422, "vendor_id"),
        ({"vendor_id": False}, 422, "vendor_id"),
        ({"memo": 5}, 422, "memo"),
        ({"lines": []}, 422, "lines"),
    ], check)


def test_bad_line_fields_are_a_422_naming_the_field(app, clerk, world):
    def check(line_change, field):
        refused(app, clerk, 422, field, type="item_receipt", location_id=world.main,
                lines=[{"item_id": world.clock, "quantity": 1, "serials": ["X-1"], **line_change}])

    each_case([
        ({"item_id": "1"}, "lines[0].item_id"),
        ({"item_id": True}, "lines[0].item_id"),
        ({"item_id": None}, "lines[0].item_id"),
        ({"item_id": 999_999}, "lines[0].item_id"),
        ({"quantity": "2"}, "lines[0].quantity"),
        ({"quantity": True}, "lines[0].quantity"),
        ({"quantity": 2.5}, "lines[0].quantity"),
        ({"quantity": 0}, "lines[0].quantity"),
        ({"quantity": -2}, "lines[0].quantity"),
        ({"quantity": None}, "lines[0].quantity"),
        ({"unit_cost": "cheap"}, "lines[0].unit_cost"),
        ({"unit_cost": "-1.00"}, "lines[0].unit_cost"),
        ({"unit_cost": True}, "lines[0].unit_cost"),
        ({"unit_cost": 1e300}, "lines[0].unit_cost"),
        ({"role": "input"}, "lines[0].role"),
        ({"serials": "A-1"}, "lines[0].serials"),
        ({"serials": [1]}, "lines[0].serials"),
        ({"serials": [None]}, "lines[0].serials"),
        ({"auto_serials": "yes"}, "lines[0].auto_serials"),
        ({"serials_csv": ["A-1"]}, "lines[0].serials_csv"),
    ], check)


def test_huge_numbers_are_refused_not_a_500(app, clerk, world):
    def check(doc):
        doc = {"type": "item_receipt", "location_id": world.main, "lines": [line(world.oil, 1)], **doc}
        before = snapshot(app)
        response = post_doc(clerk, status=None, **doc)
        assert response.status_code in (400, 422), response.get_data(as_text=True)
        assert_problem(response, response.status_code)
        assert snapshot(app) == before

    each_case([
        {"location_id": HUGE},
        {"location_id": 2**63},
        {"vendor_id": -HUGE},
        {"lines": [{"item_id": HUGE, "quantity": 1}]},
        {"lines": [{"item_id": 3, "quantity": HUGE}]},
        {"lines": [{"item_id": 3, "quantity": 2**63}]},
        {"lines": [{"item_id": 3, "quantity": -HUGE}]},
        {"lines": [{"item_id": 3, "quantity": 1, "unit_cost": HUGE}]},
        {"lines": [{"item_id": 3, "quantity": 1, "unit_cost": str(HUGE)}]},
    ], check)


def test_a_document_past_the_serial_limit_is_refused_before_any_work(app, admin, clerk, world, monkeypatch):
    admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_enabled": True}})
    # The limits are built from the config when the app is made; this shared app gets them set directly.
    monkeypatch.setitem(app.extensions, LIMITS_KEY, Limits(serials_per_document=5))
    serials = [f"LIM-{n}" for n in range(6)]
    refused(app, clerk, 422, "lines", type="item_receipt", location_id=world.main,
            lines=[line(world.clock, 6, serials=serials)])
    refused(app, clerk, 422, "lines", type="item_receipt", location_id=world.main,
            lines=[line(world.clock, 3, auto_serials=True), line(world.grandfather, 3, auto_serials=True)])
    refused(app, clerk, 422, "lines", type="item_receipt", location_id=world.main,
            lines=[line(world.clock, 6, serials_csv="\n".join(serials))])


def test_each_kind_needs_its_parties(app, clerk, world, stock):
    def check(kind, missing):
        doc = {"type": kind, "location_id": world.main, "customer_id": world.acme, "to_location_id": world.showroom,
               "lines": [line(world.oil, 1)]}
        del doc[missing]
        refused(app, clerk, 422, missing, **doc)

    each_case([("item_receipt", "location_id"), ("shipment", "customer_id"),
               ("transfer", "to_location_id"), ("return", "customer_id"),
               ("rental", "customer_id"), ("rental_return", "customer_id")], check)


def test_a_transfer_to_the_same_location_is_a_422(app, clerk, world, stock):
    refused(app, clerk, 422, "to_location_id", type="transfer", location_id=world.main,
            to_location_id=world.main, lines=[line(world.oil, 1)])


def test_build_lines_need_a_role(app, clerk, world, stock):
    def check(role):
        fields = {} if role is None else {"role": role}
        refused(app, clerk, 422, "lines[0].role", type="build", location_id=world.main,
                lines=[line(world.oil, 1, **fields), line(world.grandfather, 1, role="output", serials=["GF-2"])])

    each_case([None, "both", 1], check)


def test_a_refused_auto_numbered_receipt_does_not_advance_the_next_number(app, admin, clerk, world, stock):
    admin.ok("PATCH", "/settings", {"purchasing": {"auto_serial_enabled": True, "auto_serial_next_number": 40}})
    refused(app, clerk, 409, "lines[1].serials", type="item_receipt", location_id=world.main,
            lines=[line(world.grandfather, 2, auto_serials=True), line(world.clock, 1, serials=["S-1"])])
    assert admin.ok("GET", "/settings")["purchasing"]["auto_serial_next_number"] == 40
