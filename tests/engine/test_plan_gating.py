"""Plan gating in the engine: the switch refused while items are tracked; on a plan without serial tracking no
posting of a tracked item, no unit added or edited; a historical unit's warranty end from its item's warranty."""
from __future__ import annotations

from datetime import date

import pytest

from sos_serial.engine.plan_gating import check_plan_change
from sos_serial.engine.posting import create_serial_unit
from sos_serial.engine.serial_unit_edits import edit_serial_unit
from sos_serial.errors import Conflict, PermissionDenied
from sos_serial.extensions import db
from sos_serial.models import Item, SerialUnit
from tests.support.world import line, post, receive, receive_plain, set_settings


def test_the_switch_to_companion_names_every_tracked_item_and_what_to_do(co):
    with pytest.raises(Conflict) as refused:
        check_plan_change(db.session, "pro", "companion")
    assert "2 items are tracked by serial number: Armenian Mantel Clock, Grandfather Clock." in refused.value.message
    assert "Adjust out" in refused.value.message
    # Between the plans with serial tracking, and back to one, nothing is asked.
    check_plan_change(db.session, "pro", "plus")
    check_plan_change(db.session, "companion", "pro")


def test_many_tracked_items_are_counted_past_the_fifth(co):
    db.session.add_all([Item(name=f"Clock {n}", track_serials=True) for n in range(6)])
    db.session.commit()
    with pytest.raises(Conflict) as refused:
        check_plan_change(db.session, "plus", "companion")
    assert "8 items are tracked" in refused.value.message and "and 3 more" in refused.value.message


def test_on_companion_nothing_serial_is_written(co):
    receive(co.clock, ["CLK-1"], co.main)
    unit_id = db.session.query(SerialUnit.id).scalar()
    set_settings(plan="companion")
    with pytest.raises(PermissionDenied) as refused:
        post(type="item_receipt", location_id=co.main,
             lines=[line(co.oil, 1), line(co.clock, 1, serials=["CLK-2"])])
    assert [e.field for e in refused.value.errors] == ["lines[1].item_id"]
    with pytest.raises(PermissionDenied):
        create_serial_unit(db.session, item_id=co.clock, serial_number="CLK-3", location_id=co.main)
    with pytest.raises(PermissionDenied):
        edit_serial_unit(db.session, unit_id, {"notes": "moved"})
    assert db.session.query(SerialUnit).count() == 1
    assert receive_plain(co.oil, 3, co.main).lines[0].quantity == 3


def test_a_historical_unit_takes_its_warranty_end_from_the_start_and_its_items_warranty(co):
    unit = create_serial_unit(db.session, item_id=co.clock, serial_number="OLD-1", customer_id=co.acme,
                              warranty_start=date(2024, 2, 29))
    assert (unit.warranty_start, unit.warranty_end) == (date(2024, 2, 29), date(2025, 2, 28))
    plain = create_serial_unit(db.session, item_id=co.clock, serial_number="NEW-1", location_id=co.main)
    assert (plain.warranty_start, plain.warranty_end) == (None, None)
