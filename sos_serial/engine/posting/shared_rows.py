"""The rows the lines of a many-line document write together: units received and moved, their history and
line links, cost layers.

A document of thousands of lines of a serial or two each spent its time in round trips, not in rows:
each line reserved its ids, inserted its units, history and links, and its cost layer, about nine
statements a line on PostgreSQL. Its lines now hand those rows over here as they are written, and
``write_shared_rows`` sends them once the last line is done: one id reservation, one insert each of units,
history, line links and cost layers, whatever the number of lines. A line of many new serials keeps its
own statements (``SERIALS_OF_A_SMALL_LINE``), where the values its units share are bound once; its cost
layer still joins the others, so the layers keep the lines' order.

Units a document moves (a shipment of hundreds of lines, a transfer, an adjustment out) are handed over
the same way: one UPDATE for every unit that ends up alike, then their links and history in one insert
each. Nothing a later line reads depends on an earlier line's units having moved: each unit is on one
line only, and the document's units were read and checked before the first line was written.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.trigger_switch import hold_rows
from sos_serial.engine.valuation import OpenLayers
from sos_serial.models import CostLayer, SerialHistory, SerialUnit, TransactionLineSerial, Warranty
from sos_serial.models.serial_unit import IN_STOCK
from sos_serial.money import to_storage

from .context import PostingContext
from .statements import allocate_unit_ids, history_values, set_units

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
class Moves:
    """Units that end up alike: the same new values, the same place in their history."""

    changes: dict  # the units' new values
    target: dict  # where they now are, as their history rows say (history_values)
    unit_ids: list[int] = field(default_factory=list)


@dataclass
class SharedRows:
    """What the lines of one document have handed over, in line order."""

    units: list[NewUnit] = field(default_factory=list)
    layers: list[tuple[int, int, int, int]] = field(default_factory=list)  # item, line, quantity, stored cost
    moves: dict[tuple, Moves] = field(default_factory=dict)  # by the changes and target they share
    links: list[tuple[int, int]] = field(default_factory=list)  # (unit id, line id) of the units moved
    listed: list[tuple[int, int]] = field(default_factory=list)  # (unit id, line id) of units named, not moved
    replaced: dict[int, dict] = field(default_factory=dict)  # unit id -> what its move replaced (statements.move)
    open_layers: OpenLayers | None = None  # the outbound items' FIFO layers, read at the first outbound line
    coverage_kept: set[int] | None = None  # units a sale to the document's customer covers, asked once
    plain_out: Counter = field(default_factory=Counter)  # (item id, location id) -> plain quantity taken

    def receive(self, item, unit_cost: Decimal, line_id: int, fresh) -> None:
        """``fresh``: the line's new units as (serial, key, scanned data) triples."""
        cost = to_storage(unit_cost)
        self.units.extend(NewUnit(serial, key, item.id, cost, item.warranty_id, line_id, data)
                          for serial, key, data in fresh)

    def add_layer(self, item_id: int, line_id: int, quantity: int, unit_cost: Decimal) -> None:
        self.layers.append((item_id, line_id, quantity, to_storage(unit_cost)))

    def move(self, unit_ids, changes: dict, line_id: int, target: dict, replaced: dict | None = None) -> None:
        """Existing units a line moves: written with every unit of the document that ends up alike."""
        if not unit_ids:
            return
        key = (tuple(sorted(changes.items())), tuple(sorted(target.items())))
        self.moves.setdefault(key, Moves(dict(changes), dict(target))).unit_ids.extend(unit_ids)
        self.links.extend((unit_id, line_id) for unit_id in unit_ids)
        if replaced:
            self.replaced.update(replaced)

    def link(self, unit_ids, line_id: int) -> None:
        """Units a line names without moving them (a document that moves no stock)."""
        self.listed.extend((unit_id, line_id) for unit_id in unit_ids)


def write_shared_rows(ctx: PostingContext, shared: SharedRows, document_id: int) -> None:
    """Send what the lines handed over: units moved and received, their history and line links, the cost layers."""
    if shared.listed:
        # Units not moved are not held by this posting: their keys are checked row by row.
        bulk_insert(ctx.session, TransactionLineSerial.__table__, ["serial_unit_id", "line_id"],
                    sorted(shared.listed), held=("line_id",))
    if shared.moves:
        _move_units(ctx, shared, document_id)
    if shared.units:
        _insert_units(ctx, shared.units, document_id)
    if shared.open_layers is not None:
        shared.open_layers.write()
    if shared.layers:
        # Items are locked by the posting and lines inserted by it: both keys are held.
        bulk_insert(ctx.session, CostLayer.__table__, ["item_id", "line_id", "quantity", "quantity_remaining",
                                                       "unit_cost"],
                    [(item_id, line_id, quantity, quantity, cost)
                     for item_id, line_id, quantity, cost in shared.layers],
                    held=("item_id", "line_id"))


def _move_units(ctx: PostingContext, shared: SharedRows, document_id: int) -> None:
    session = ctx.session
    for moves in shared.moves.values():
        set_units(ctx, moves.unit_ids, expected=ctx.source[:2], **moves.changes)
    # The units were updated just now and the lines inserted by this posting: both keys are held.
    bulk_insert(session, TransactionLineSerial.__table__, ["serial_unit_id", "line_id"], sorted(shared.links),
                held=("serial_unit_id", "line_id"))
    columns = ["serial_unit_id", "changes"] if shared.replaced else ["serial_unit_id"]
    by_target: dict[tuple, list[int]] = {}
    for moves in shared.moves.values():
        by_target.setdefault(tuple(sorted(moves.target.items())), []).extend(moves.unit_ids)
    for target, unit_ids in by_target.items():
        # One order for history on both databases: by unit, as record() writes a line's.
        rows = [(unit_id, _changes_text(shared.replaced.get(unit_id))) if shared.replaced else (unit_id,)
                for unit_id in sorted(unit_ids)]
        bulk_insert(session, SerialHistory.__table__, columns, rows, held=("serial_unit_id",),
                    same=history_values(ctx, document_id, dict(target)))


def _changes_text(replaced: dict | None) -> str | None:
    return json.dumps(replaced) if replaced else None


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
