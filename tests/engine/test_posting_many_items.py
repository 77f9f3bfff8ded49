"""Documents of many lines, each of another item: every item's units are found by one statement."""
import pytest

from sos_serial.engine.posting.loading import ITEMS_LOOKED_UP_ONE_BY_ONE
from sos_serial.errors import Conflict
from sos_serial.extensions import db
from sos_serial.models import Item
from tests.support.world import line, post, unit


@pytest.fixture
def twelve_items(co):
    """Twelve tracked items: past the number of items whose units are looked up one item at a time."""
    items = [Item(name=f"Wall Clock {n:02d}", track_serials=True) for n in range(12)]
    db.session.add_all(items)
    db.session.commit()
    assert len(items) > ITEMS_LOOKED_UP_ONE_BY_ONE
    return [item.id for item in items]


def test_a_document_of_many_items_finds_each_items_units(co, twelve_items):
    post(type="item_receipt", location_id=co.main, lines=[line(i, 1, serials=[f"W-{i}"]) for i in twelve_items])
    # The same serial for another item is another unit; for the same item, a unit already in stock.
    with pytest.raises(Conflict, match=f"W-{twelve_items[3]}"):
        post(type="item_receipt", location_id=co.main, lines=[
            line(i, 1, serials=[f"w-{twelve_items[3]}" if i == twelve_items[3] else f"NEW-{i}"])
            for i in twelve_items])
    post(type="shipment", location_id=co.main, customer_id=co.acme,
         lines=[line(i, 1, serials=[f"W-{i}"]) for i in twelve_items])
    assert {unit(i, f"W-{i}").status for i in twelve_items} == {"shipped"}
    # Received back: the same units, their history continued.
    post(type="return", location_id=co.main, customer_id=co.acme,
         lines=[line(i, 1, serials=[f"W-{i}"]) for i in twelve_items])
    assert {unit(i, f"W-{i}").status for i in twelve_items} == {"in_stock"}
