"""The rows the lines of a many-line document write together: new units, their history and line links, cost layers.

A document of thousands of lines of a serial or two each spent its time in round trips, not in rows:
each line reserved its ids, inserted its units, history and links, and its cost layer, about nine
statements a line on PostgreSQL. Its lines now hand those rows over here as they are written, and
``write_shared_rows`` sends them once the last line is done: one id reservation, one insert each of units,
history, line links and cost layers, whatever the number of lines. A line of many serials keeps its own
statements (``SERIALS_OF_A_SMALL_LINE``), where the values its units share are bound once; its cost layer
still joins the others, so the layers keep the lines' order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.trigger_switch import hold_rows
from sos_serial.models import CostLayer, SerialHistory, SerialUnit, TransactionLineSerial, Warranty
from sos_serial.models.serial_unit import IN_STOCK
from sos_serial.money import to_storage

from .context import PostingContext
from .statements import allocate_unit_ids, history_values

# A line receiving more new serials than this writes its units with statements of its own: the
# values its units share (item, cost, warranty) are then sent once, not once a row.
SERIALS_OF_A_SMALL_LINE = 1_000

# The columns a unit keeps from a scanned GS1 barcode (engine/gs1.py, Scan.unit_data).
GS1_COLUMNS = ("lot", "expiry_date", "production_date")


@dataclass
class NewUnit:
    """A unit a small line receives, waiting for the document's shared insert."""

    serial: str
    key: str
    item_id: int
    unit_cost: int  # stored form (money.to_storage)
    warranty_id: int | None
    line_id: int
    data: dict | None  # what its scanned barcode carried, if anything


@dataclass
class SharedRows:
    """What the lines of one document have handed over, in line order."""

    units: list[NewUnit] = field(default_factory=list)
    layers: list[tuple[int, int, int, int]] = field(default_factory=list)  # item, line, quantity, stored cost

    def receive(self, item, unit_cost: Decimal, line_id: int, fresh) -> None:
        """``fresh``: the line's new units as (serial, key, scanned data) triples."""
        cost = to_storage(unit_cost)
        self.units.extend(NewUnit(serial, key, item.id, cost, item.warranty_id, line_id, data)
                          for serial, key, data in fresh)

    def add_layer(self, item_id: int, line_id: int, quantity: int, unit_cost: Decimal) -> None:
        self.layers.append((item_id, line_id, quantity, to_storage(unit_cost)))


def write_shared_rows(ctx: PostingContext, shared: SharedRows, document_id: int) -> None:
    """Send what the lines handed over: the units, their history and line links, then the cost layers."""
    if shared.units:
        _insert_units(ctx, shared.units, document_id)
    if shared.layers:
        # Items are locked by the posting and lines inserted by it: both keys are held.
        bulk_insert(ctx.session, CostLayer.__table__, ["item_id", "line_id", "quantity", "quantity_remaining",
                                                       "unit_cost"],
                    [(item_id, line_id, quantity, quantity, cost)
                     for item_id, line_id, quantity, cost in shared.layers],
                    held=("item_id", "line_id"))


def _insert_units(ctx: PostingContext, units: list[NewUnit], document_id: int) -> None:
    session = ctx.session
    ids = allocate_unit_ids(ctx, len(units))
    columns = ["id", "serial_number", "serial_key", "item_id", "unit_cost"]
    same = {"status": IN_STOCK, "location_id": ctx.req.location_id}
    warranties = {unit.warranty_id for unit in units}
    with_warranty = len(warranties) > 1
    if with_warranty:
        # Several warranties, one a row: locked here as a key check would, so the insert may skip its
        # per-row checks (database/trigger_switch.py), as it does for the items the posting locked.
        hold_rows(session, Warranty.__table__, warranties - {None})
        columns.append("warranty_id")
    else:
        same["warranty_id"] = warranties.pop()
    scanned = any(unit.data for unit in units)
    if scanned:
        columns.extend(GS1_COLUMNS)
    rows = []
    for unit_id, unit in zip(ids, units):
        row = [unit_id, unit.serial, unit.key, unit.item_id, unit.unit_cost]
        if with_warranty:
            row.append(unit.warranty_id)
        if scanned:
            row.extend((unit.data or {}).get(name) for name in GS1_COLUMNS)
        rows.append(tuple(row))
    bulk_insert(session, SerialUnit.__table__, columns, rows, same=same, held=("item_id", "warranty_id"))
    target = {"status": IN_STOCK, "location_id": ctx.req.location_id, "customer_id": None}
    bulk_insert(session, TransactionLineSerial.__table__, ["serial_unit_id", "line_id"],
                [(unit_id, unit.line_id) for unit_id, unit in zip(ids, units)], held=("serial_unit_id", "line_id"))
    bulk_insert(session, SerialHistory.__table__, ["serial_unit_id"], [(unit_id,) for unit_id in ids],
                held=("serial_unit_id",), same=history_values(ctx, document_id, target))
