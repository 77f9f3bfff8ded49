"""At most SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT serials (200,000 by default) in one document."""
import codecs

import pytest

from sos_serial.errors import InvalidInput
from tests.support.world import line, post, set_settings, snapshot, units_of

LIMIT = 5

# The company lives in an app that takes at most five serials per document.
pytestmark = pytest.mark.own_app(SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT=LIMIT)


def test_the_default_limit_is_200000(app):
    assert app.config["SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT"] == 200_000


def serials(n, prefix="S"):
    return [f"{prefix}-{i}" for i in range(n)]


def assert_refused_for_size(doc, carried):
    before = snapshot()
    with pytest.raises(InvalidInput) as refused:
        post(**doc)
    assert refused.value.message.startswith(f"This document carries {carried} serial numbers; at most {LIMIT} fit")
    assert "Split it into several transactions" in refused.value.message
    assert [e.field for e in refused.value.errors] == ["lines"]
    assert snapshot() == before


def test_typed_serials_over_the_limit_are_refused_before_anything_is_looked_up(co):
    # Unknown location and item: the size is the first thing checked.
    assert_refused_for_size(dict(type="item_receipt", location_id=999, lines=[
        line(999, 3, serials=serials(3, "A")), line(co.clock, 3, serials=serials(3, "B"))]), 6)


def test_outbound_serials_count_too(co):
    assert_refused_for_size(dict(type="shipment", location_id=co.main, customer_id=co.acme, lines=[
        line(co.clock, 6, serials=serials(6))]), 6)


def test_auto_numbered_quantities_count(co):
    set_settings(auto_serial_enabled=True)
    assert_refused_for_size(dict(type="item_receipt", location_id=co.main, lines=[
        line(co.clock, 4, auto_serials=True), line(co.grandfather, 2, serials=serials(2))]), 6)


@pytest.mark.parametrize("data", [
    "S-0\nS-1\nS-2\nS-3\nS-4\nS-5\n",
    "S-0\nS-1\nS-2\nS-3\nS-4\nS-5",          # no line break after the last row
    "S-0\rS-1\rS-2\rS-3\rS-4\rS-5\r",        # old Mac line ends
    codecs.BOM_UTF16_LE + "S-0\r\nS-1\r\nS-2\r\nS-3\r\nS-4\r\nS-5".encode("utf-16-le"),
], ids=["lf", "no-final-break", "cr", "utf-16"])
def test_csv_rows_count(co, data):
    assert_refused_for_size(dict(type="item_receipt", location_id=co.main, lines=[
        line(co.clock, 6, serials_csv=data)]), 6)


def test_a_document_of_exactly_the_limit_posts(co):
    post(type="item_receipt", location_id=co.main, lines=[
        line(co.clock, 2, serials=serials(2)),
        line(co.grandfather, 3, serials_csv="Serial\r\n\r\nG-1\r\nG-2\r\n\r\nG-3\r\n\r\n"),
        line(co.oil, 100)])  # plain quantities carry no serials
    assert len(units_of(co.clock)) == 2 and len(units_of(co.grandfather)) == 3
