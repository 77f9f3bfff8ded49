"""read_document: the API's JSON shape, malformed bodies (400) and invalid values (422)."""
from datetime import date
from decimal import Decimal

import pytest

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.posting_request import MalformedRequest
from sos_serial.errors import InvalidInput


def doc(**changes):
    base = {"type": "item_receipt", "date": "2026-01-05", "location_id": 1,
            "lines": [{"item_id": 1, "quantity": 2, "serials": ["A", "B"]}]}
    base.update(changes)
    return base


def line(**fields):
    return {"item_id": 1, "quantity": 1, **fields}


def fields_of(data):
    with pytest.raises(InvalidInput) as refused:
        read_document(data)
    assert refused.value.status == 422
    return [e.field for e in refused.value.errors]


def test_a_valid_document_is_read_with_every_field():
    request = read_document({
        "type": "build", "date": "2026-02-28", "location_id": 3, "vendor_id": 4, "memo": "batch 7",
        "lines": [{"item_id": 5, "quantity": 2, "role": "input", "serials": ["X", "Y"]},
                  {"item_id": 6, "quantity": 1, "role": "output", "unit_cost": 12.5, "auto_serials": True},
                  {"item_id": 7, "quantity": 3, "role": "output", "serials_csv": b"a\nb\nc\n"}]})
    assert (request.type, request.date, request.location_id, request.vendor_id, request.memo) == \
        ("build", date(2026, 2, 28), 3, 4, "batch 7")
    first, second, third = request.lines
    assert (first.index, first.item_id, first.quantity, first.role, first.serials) == (0, 5, 2, "input", ["X", "Y"])
    assert (second.unit_cost, second.auto_serials, second.field) == (Decimal("12.5000"), True, "lines[1]")
    assert third.serials_csv == b"a\nb\nc\n"


@pytest.mark.parametrize("body", [None, [], "text", 3])
def test_a_body_that_is_not_an_object_is_malformed(body):
    with pytest.raises(MalformedRequest) as refused:
        read_document(body)
    assert refused.value.status == 400


@pytest.mark.parametrize("lines", [None, {"item_id": 1}, "A,B"])
def test_lines_that_are_not_a_list_are_malformed(lines):
    with pytest.raises(MalformedRequest):
        read_document(doc(lines=lines))


def test_a_line_that_is_not_an_object_is_malformed():
    with pytest.raises(MalformedRequest, match=r"lines\[1\] must be an object"):
        read_document(doc(lines=[line(), ["item", 1]]))


@pytest.mark.parametrize("value", [None, "2026-1-5", "20260105", "2026-02-30", 20260105, "05/01/2026"])
def test_the_date_must_be_yyyy_mm_dd(value):
    assert fields_of(doc(date=value)) == ["date"]


@pytest.mark.parametrize("value", ["1", 0, -3, True, 1.0])
def test_ids_must_be_positive_whole_numbers(value):
    assert fields_of(doc(location_id=value)) == ["location_id"]
    assert fields_of(doc(lines=[line(item_id=value)])) == ["lines[0].item_id"]


def test_every_problem_is_reported_at_once():
    fields = fields_of({"type": "shipment", "date": "soon", "lines": [
        line(quantity=0), line(quantity=-1, role="input"), line(serials="A,B", auto_serials="yes"),
        line(unit_cost="cheap", serials_csv=12), line(unit_cost="-1")], "memo": 5})
    assert fields == ["date", "location_id", "customer_id", "memo", "lines[0].quantity", "lines[1].quantity",
                      "lines[1].role", "lines[2].serials", "lines[2].auto_serials", "lines[3].unit_cost",
                      "lines[3].serials_csv", "lines[4].unit_cost"]


@pytest.mark.parametrize("doc_type, parties, missing", [
    ("item_receipt", {}, ["location_id"]),
    ("shipment", {"location_id": 1}, ["customer_id"]),
    ("return", {"customer_id": 1}, ["location_id"]),
    ("rental_return", {}, ["location_id", "customer_id"]),
    ("transfer", {"location_id": 1}, ["to_location_id"]),
    ("transfer", {"location_id": 1, "to_location_id": 1}, ["to_location_id"]),
])
def test_each_kind_needs_its_parties(doc_type, parties, missing):
    data = {"type": doc_type, "date": "2026-01-05", "lines": [line(serials=["A"])], **parties}
    assert fields_of(data) == missing


def test_an_unknown_type_and_no_lines_are_invalid():
    assert fields_of(doc(type="sale", lines=[])) == ["type", "lines"]


def test_roles_belong_to_build_and_process_lines_only():
    assert fields_of(doc(lines=[line(role="output", serials=["A"])])) == ["lines[0].role"]
    assert fields_of(doc(type="process", lines=[line(serials=["A"])])) == ["lines[0].role"]
    assert fields_of(doc(type="build", lines=[line(role="both")])) == ["lines[0].role"]


def test_only_adjustments_take_negative_quantities():
    assert read_document(doc(type="adjustment", lines=[line(quantity=-2)])).lines[0].quantity == -2
    assert fields_of(doc(lines=[line(quantity=-2)])) == ["lines[0].quantity"]


@pytest.mark.parametrize("serials", [["A", 1], [None], "A"])
def test_serials_must_be_a_list_of_text(serials):
    assert fields_of(doc(lines=[line(serials=serials)])) == ["lines[0].serials"]


def test_money_accepts_numbers_and_decimal_strings():
    for given, read in ((149.99, "149.9900"), ("149.99", "149.9900"), (" 7 ", "7.0000"), (0, "0.0000")):
        assert str(read_document(doc(lines=[line(unit_cost=given)])).lines[0].unit_cost) == read
    for bad in ("NaN", "Infinity", "1e400", True, [1]):
        assert fields_of(doc(lines=[line(unit_cost=bad)])) == ["lines[0].unit_cost"]
