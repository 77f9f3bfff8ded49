"""What stock is worth: specific-ID unit costs, FIFO cost layers, or the running average."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import insert, select, update

from sos_serial.models import CostLayer

_QUANTUM = Decimal("0.0001")


def money(amount) -> Decimal:
    return Decimal(amount).quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def change_item_stock(item, quantity: int, value: Decimal) -> None:
    """Add ``quantity`` units worth ``value`` to the item's totals (negative figures take them out).

    The caller holds the item's row locked, so the figures it loaded are current.
    """
    item.quantity_on_hand += quantity
    item.value = money(item.value + value)


def add_layer(session, item_id: int, line_id: int | None, quantity: int, unit_cost: Decimal) -> None:
    """Record an inbound quantity at one cost, the newest FIFO layer of the item."""
    # Into the table, values as parameters: one compiled statement serves every line, without the ORM's
    # bulk path (which costs more than the insert for one row).
    session.execute(insert(CostLayer.__table__), {"item_id": item_id, "line_id": line_id, "quantity": quantity,
                                                  "quantity_remaining": quantity, "unit_cost": unit_cost})


def consume_layers(session, item_id: int, quantity: int) -> Decimal:
    """Take ``quantity`` from the oldest layers first; return what it cost by FIFO.

    Layers are consumed on every outbound movement, whatever the valuation method, so that
    their remaining quantities always equal the quantity on hand.
    """
    layers = session.execute(
        select(CostLayer.id, CostLayer.quantity_remaining, CostLayer.unit_cost)
        .where(CostLayer.item_id == item_id, CostLayer.quantity_remaining > 0)
        .order_by(CostLayer.id)
    )
    cost, updates = _take_oldest(layers, quantity)
    for layer_id, left in updates:
        session.execute(update(CostLayer).where(CostLayer.id == layer_id).values(quantity_remaining=left))
    return cost


def _take_oldest(layers, quantity: int) -> tuple[Decimal, list[tuple[int, int]]]:
    """What ``quantity`` costs from ``layers`` (id, remaining, cost; oldest first), and each layer's new remainder."""
    remaining, cost, updates = quantity, Decimal(0), []
    for layer_id, available, unit_cost in layers:
        if remaining == 0:
            break
        taken = min(available, remaining)
        updates.append((layer_id, available - taken))
        cost += unit_cost * taken
        remaining -= taken
    # Stock that predates any layer (none should) is costed at zero rather than refused.
    return money(cost), updates


class OpenLayers:
    """The open FIFO layers of a document's items, read in one statement and written back in one.

    A document of hundreds of outbound lines read and updated its items' layers line by line: two
    to four round trips a line. The items are locked by the posting, so nobody else consumes their
    layers meanwhile; a line consumes what the lines before it left.
    """

    def __init__(self, session, item_ids):
        self.session = session
        self.layers: dict[int, list[list]] = {item_id: [] for item_id in item_ids}
        if item_ids:
            for item_id, layer_id, available, unit_cost in session.execute(
                    select(CostLayer.item_id, CostLayer.id, CostLayer.quantity_remaining, CostLayer.unit_cost)
                    .where(CostLayer.item_id.in_(sorted(item_ids)), CostLayer.quantity_remaining > 0)
                    .order_by(CostLayer.item_id, CostLayer.id)):
                self.layers[item_id].append([layer_id, available, unit_cost])
        self.changed: dict[int, int] = {}  # layer id -> its new remainder

    def consume(self, item_id: int, quantity: int) -> Decimal:
        open_layers = self.layers[item_id]
        cost, updates = _take_oldest(open_layers, quantity)
        for (layer_id, left), layer in zip(updates, open_layers):
            layer[1] = left
            self.changed[layer_id] = left
        self.layers[item_id] = [layer for layer in open_layers if layer[1] > 0]
        return cost

    def write(self) -> None:
        if self.changed:
            # By primary key through the ORM, so the bulk-statement rules see the column it sets.
            self.session.execute(update(CostLayer).execution_options(synchronize_session=False),
                                 [{"id": layer_id, "quantity_remaining": left}
                                  for layer_id, left in sorted(self.changed.items())])


def outbound_cost(session, item, quantity: int, settings, unit_costs: list[Decimal] | None,
                  layers: OpenLayers | None = None) -> Decimal:
    """The value that ``quantity`` units of ``item`` take out of stock.

    ``unit_costs`` are the leaving units' own costs (serial items): with "value serials by
    specific ID" on they are the answer. Otherwise the valuation method decides. ``layers``: the
    document's open layers, when it reads them once for all its lines.
    """
    fifo_cost = layers.consume(item.id, quantity) if layers is not None else consume_layers(session, item.id, quantity)
    if unit_costs is not None and settings.value_serials_by_specific_id:
        return money(sum(unit_costs, Decimal(0)))
    if settings.valuation_method == "average":
        return average_cost(item, quantity)
    return fifo_cost


def average_cost(item, quantity: int) -> Decimal:
    """``quantity`` at the running average cost; taking everything takes the whole value."""
    if item.quantity_on_hand <= 0:
        return Decimal(0)
    if quantity >= item.quantity_on_hand:
        return money(item.value)
    return money(item.value * quantity / item.quantity_on_hand)
