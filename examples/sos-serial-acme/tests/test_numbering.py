"""Task 2, the numbering scheme: chosen items numbered PREFIX-YEAR-00001, afresh each year, through the rule too."""
import pytest
import sos_serial_acme

from sos_serial.errors import InvalidInput

pytestmark = pytest.mark.sos_serial_app(plugins=[sos_serial_acme], ACME_YEAR_NUMBERING={"Wall Clock": "WCL"})


@pytest.fixture
def clock(sos_make):
    # No numbering of its own and the company's numbering off: the plugin numbers it all the same.
    return sos_make.item("Wall Clock")


@pytest.fixture
def main(sos_make):
    return sos_make.location("Main Warehouse")


def _auto_receipt(item, location, count, date="2026-03-01") -> dict:
    return {"type": "item_receipt", "date": date, "location_id": location.id,
            "lines": [{"item_id": item.id, "quantity": count, "auto_serials": True}]}


def test_numbers_carry_the_documents_year_and_count_on(sos_api, clock, main):
    api = sos_api("clerk")
    first = api.ok("POST", "/transactions", _auto_receipt(clock, main, 2), status=201)
    assert first["lines"][0]["serials"] == ["WCL-2026-00001", "WCL-2026-00002"]
    second = api.ok("POST", "/transactions", _auto_receipt(clock, main, 1), status=201)
    assert second["lines"][0]["serials"] == ["WCL-2026-00003"]


def test_a_new_year_starts_at_one(sos_api, clock, main):
    api = sos_api("clerk")
    api.ok("POST", "/transactions", _auto_receipt(clock, main, 2, date="2026-12-30"), status=201)
    posted = api.ok("POST", "/transactions", _auto_receipt(clock, main, 1, date="2027-01-02"), status=201)
    assert posted["lines"][0]["serials"] == ["WCL-2027-00001"]


@pytest.mark.sos_serial_app(plugins=[sos_serial_acme], ACME_YEAR_NUMBERING={"Wall Clock": "WCL"},
                            ACME_SERIAL_PATTERNS={"Wall Clock": r"CLK-\d{4}"})
def test_automatic_numbers_pass_through_the_serial_rule(sos_post, clock, main):
    with pytest.raises(InvalidInput, match="these do not: WCL-2026-00001"):
        sos_post(**_auto_receipt(clock, main, 1))


def test_other_items_keep_the_modules_numbering(sos_api, sos_make, main):
    lamp = sos_make.item("Desk Lamp", auto_serial_prefix="LMP-", auto_serial_length=3)
    posted = sos_api("clerk").ok("POST", "/transactions", _auto_receipt(lamp, main, 2), status=201)
    assert posted["lines"][0]["serials"] == ["LMP-001", "LMP-002"]


def test_an_item_nobody_numbers_is_refused_naming_the_line(sos_api, sos_make, main):
    vase = sos_make.item("Vase")
    refused = sos_api("clerk").post("/transactions", _auto_receipt(vase, main, 1))
    assert refused.status_code == 422
    assert [e["field"] for e in refused.get_json()["errors"]] == ["lines[0].auto_serials"]
