"""What a posting reads before it checks: the parties, the items (locked), and the units its serials name."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from sos_serial.database.statements import rows_matching, rows_matching_pairs
from sos_serial.errors import FieldError, InvalidInput
from sos_serial.models import Customer, Item, Location, SerialUnit, Vendor

from .context import PostingContext, UnitRow


def load_parties(ctx: PostingContext) -> None:
    models = {"vendor_id": Vendor, "customer_id": Customer, "location_id": Location, "to_location_id": Location}
    problems = []
    for name, model in models.items():
        record_id = getattr(ctx.req, name)
        if record_id is None:
            continue
        record = ctx.session.get(model, record_id)
        if record is None:
            problems.append(FieldError(name, f"There is no {model.__name__.lower()} with id {record_id}."))
        ctx.parties[name] = record
    if problems:
        raise InvalidInput("; ".join(p.message for p in problems), problems)


def load_items(ctx: PostingContext) -> None:
    ids = sorted({line.item_id for line in ctx.req.lines})
    query = select(Item).where(Item.id.in_(ids)).order_by(Item.id).execution_options(populate_existing=True)
    # Lock the items' rows: postings on the same items queue, so counts and costs stay exact.
    # Only the items' rows (of=Item): PostgreSQL cannot lock the outer-joined warranty.
    ctx.items = {item.id: item for item in ctx.session.scalars(query.with_for_update(of=Item))}
    missing = [FieldError(f"{line.field}.item_id", f"There is no item with id {line.item_id}.")
               for line in ctx.req.lines if line.item_id not in ctx.items]
    if missing:
        raise InvalidInput("; ".join(p.message for p in missing), missing)


# Up to this many items, each item's units are looked up by a statement of its own (the plan measured on
# documents of 100,000 serials of one item); past it, one statement looks up every (item, serial) pair.
ITEMS_LOOKED_UP_ONE_BY_ONE = 8


def load_units(ctx: PostingContext) -> None:
    wanted: dict[int, set[str]] = defaultdict(set)
    for line in ctx.req.lines:
        wanted[line.item_id].update(ctx.keys.get(line.index, ()))
    columns = (SerialUnit.id, SerialUnit.serial_number, SerialUnit.serial_key, SerialUnit.status,
               SerialUnit.location_id, SerialUnit.customer_id, SerialUnit.unit_cost, SerialUnit.warranty_id,
               SerialUnit.warranty_start, SerialUnit.warranty_end, SerialUnit.lot, SerialUnit.expiry_date,
               SerialUnit.production_date)
    wanted = {item_id: keys for item_id, keys in wanted.items() if keys}
    if len(wanted) > ITEMS_LOOKED_UP_ONE_BY_ONE:
        # Many items, typically a serial or two each: one statement for them all, not one per item.
        rows = rows_matching_pairs(ctx.session, select(SerialUnit.item_id, *columns),
                                   (SerialUnit.item_id, SerialUnit.serial_key),
                                   [(item_id, key) for item_id, keys in wanted.items() for key in keys])
        for item_id, *row in rows:
            ctx.units[item_id][row[2]] = UnitRow(*row)
        return
    for item_id, keys in wanted.items():
        found = ctx.units[item_id]
        rows = rows_matching(ctx.session, select(*columns).where(SerialUnit.item_id == item_id),
                             SerialUnit.serial_key, keys)
        for row in rows:
            found[row.serial_key] = UnitRow(*row)
