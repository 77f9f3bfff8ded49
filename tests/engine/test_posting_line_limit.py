"""At most SOS_SERIAL_MAX_LINES_PER_DOCUMENT lines (10,000 by default) in one document, refused before anything
is looked up, naming the limit and the count."""
import pytest

from sos_serial.engine.limits import Limits
from sos_serial.errors import InvalidInput
from sos_serial.limits import LINES_PER_DOCUMENT
from tests.support.world import line, post, snapshot, stock_at

LIMIT = 3

pytestmark = pytest.mark.own_app(SOS_SERIAL_MAX_LINES_PER_DOCUMENT=LIMIT)


def test_the_default_limit_is_10000(app):
    assert app.config["SOS_SERIAL_MAX_LINES_PER_DOCUMENT"] == LINES_PER_DOCUMENT == 10_000
    assert Limits.from_config(app.config).lines_per_document == 10_000
    assert Limits().lines_per_document == 10_000


def test_a_document_past_the_limit_is_refused_naming_the_limit_and_the_count(co):
    before = snapshot()
    # Unknown items: the count is the first thing checked.
    with pytest.raises(InvalidInput) as refused:
        post(type="item_receipt", location_id=co.main, lines=[line(999, 1) for _ in range(LIMIT + 1)])
    assert refused.value.message == ("This document has 4 lines; at most 3 fit in one document. "
                                     "Split it into several transactions.")
    assert [(e.field, e.message) for e in refused.value.errors] == [("lines", "At most 3 lines per document.")]
    assert snapshot() == before


def test_a_document_of_exactly_the_limit_posts(co):
    before = stock_at(co.oil, co.main)
    post(type="item_receipt", location_id=co.main, lines=[line(co.oil, 1), line(co.oil, 2), line(co.oil, 3)])
    assert stock_at(co.oil, co.main) == before + 6

