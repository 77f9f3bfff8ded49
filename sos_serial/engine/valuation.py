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
    remaining, cost = quantity, Decimal(0)
    layers = session.execute(
        select(CostLayer.id, CostLayer.quantity_remaining, CostLayer.unit_cost)
        .where(CostLayer.item_id == item_id, CostLayer.quantity_remaining > 0)
        .order_by(CostLayer.id)
    )
    updates = []
    for layer_id, available, unit_cost in layers:
        if remaining == 0:
            break
        taken = min(available, remaining)
        updates.append({"layer_id": layer_id, "left": available - taken})
        cost += unit_cost * taken
        remaining -= taken
    for row in updates:
        session.execute(update(CostLayer).where(CostLayer.id == row["layer_id"])
                        .values(quantity_remaining=row["left"]))
    # Stock that predates any layer (none should) is costed at zero rather than refused.
    return money(cost)


def outbound_cost(session, item, quantity: int, settings, unit_costs: list[Decimal] | None) -> Decimal:
    """The value that ``quantity`` units of ``item`` take out of stock.

    ``unit_costs`` are the leaving units' own costs (serial items): with "value serials by
    specific ID" on they are the answer. Otherwise the valuation method decides.
    """
    fifo_cost = consume_layers(session, item.id, quantity)
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
