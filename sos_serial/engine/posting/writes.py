"""The writes of a posting: the document and its lines, units received and moved, stock, value and cost layers.

The items' rows are locked by the loading (``loading.load_items``), so their figures change in place.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.statements import integer_rows, set_by_id
from sos_serial.engine.posting_request import LineRequest
from sos_serial.engine.valuation import (
    OpenLayers,
    add_layer,
    average_cost,
    change_item_stock,
    money,
    outbound_cost,
)
from sos_serial.engine.warranty_coverage import units_keeping_coverage
from sos_serial.engine.warranty_dates import warranty_end
from sos_serial.errors import Conflict
from sos_serial.models import Location, SerialUnit, StockLevel, Transaction, TransactionLine
from sos_serial.models.document_kind import CUSTOMER, OUTPUT
from sos_serial.models.serial_unit import IN_STOCK
from sos_serial.money import to_storage

from .context import PostingContext
from .shared_rows import GS1_COLUMNS, SERIALS_OF_A_SMALL_LINE, SharedRows, write_shared_rows
from .statements import allocate_ids, allocate_unit_ids, link, move, record, set_units

# Up to this many lines, each line sends its own statements (as a document of one line of 100,000 serials
# does); past it, the lines' new units, history, links and cost layers share statements (shared_rows.py).
LINES_WRITTEN_ONE_BY_ONE = 16


def write(ctx: PostingContext) -> Transaction:
    req = ctx.req
    document = Transaction(type=req.type, date=req.date, vendor_id=req.vendor_id, customer_id=req.customer_id,
                           location_id=req.location_id, to_location_id=req.to_location_id, memo=req.memo,
                           created_by_id=ctx.user_id, custom_fields=ctx.custom_fields)
    ctx.session.add(document)
    ctx.session.flush()  # the document's id, for its lines
    many = len(req.lines) > LINES_WRITTEN_ONE_BY_ONE
    lines = insert_many_lines(ctx, document) if many else insert_lines(ctx, document)
    # Given to the document as its loaded lines, not appended one by one: a flush went through the history
    # of an appended collection once a line, N * N for a document of N lines.
    set_committed_value(document, "lines", [lines[index] for index in sorted(lines)])
    document.number = f"{ctx.kind.number_prefix}-{document.id:06d}"
    ctx.shared = SharedRows() if many else None
    # Inputs first: build and process outputs are costed from what the inputs consumed.
    ordered = sorted(req.lines, key=req.stock_effect)
    consumed = Decimal(0)
    # The lines' statements read nothing the session holds unflushed (the items' figures are read from
    # the locked rows in memory, everything else is written by statements), so the items' new figures
    # and the lines' costs are flushed once at the end. Flushing before each line's statements made
    # every line look through every object of the session: 3 ms a line, and growing with the document.
    costs = {}  # line index -> the value the line moved
    with ctx.session.no_autoflush:
        for line in (li for li in ordered if req.stock_effect(li) < 0):
            costs[line.index] = write_line(ctx, line, lines[line.index].id, document.id)
            consumed += costs[line.index]
        if ctx.kind.line_roles:
            cost_outputs(ctx, consumed, lines)
        for line in (li for li in ordered if req.stock_effect(li) >= 0):
            costs[line.index] = write_line(ctx, line, lines[line.index].id, document.id)
        if ctx.shared is not None:
            take_plain_stock(ctx, ctx.shared.plain_out)  # before any is put: no line takes what another puts
        add_plain_stock(ctx)
        if ctx.shared is not None:
            write_shared_rows(ctx, ctx.shared, document.id)
        # One statement for every line's cost: a flush of changed lines updated them one by one on SQLite.
        set_by_id(ctx.session, TransactionLine.__table__, "cost",
                  {lines[index].id: to_storage(cost) for index, cost in costs.items()})
        for index, cost in costs.items():
            set_committed_value(lines[index], "cost", cost)
    ctx.session.flush()
    return document


def insert_lines(ctx: PostingContext, document: Transaction) -> dict[int, TransactionLine]:
    """A few lines in one statement (the ORM's flush sent one a line on SQLite); each comes back by its number,
    in whatever order the database returns them."""
    rows = [{"transaction_id": document.id, "line_no": line.index + 1, "item_id": line.item_id,
             "quantity": line.quantity, "role": line.role, "unit_cost": line.unit_cost, "cost": Decimal(0)}
            for line in ctx.req.lines]
    inserted = ctx.session.scalars(insert(TransactionLine).returning(TransactionLine), rows).all()
    return {row.line_no - 1: row for row in inserted}


def insert_many_lines(ctx: PostingContext, document: Transaction) -> dict[int, TransactionLine]:
    """Thousands of lines: their ids taken first, the rows sent in bulk, then read back as the document's lines.

    Sent through the ORM with RETURNING, ten thousand lines took a second and a half on PostgreSQL,
    most of it the driver reading the placeholders of the statement's seventy thousand values. Read
    back by the document's id, they come as any loaded lines do; made in Python and added to the
    session, each one went through the session's cascades: slower than the query."""
    session, req = ctx.session, ctx.req
    ids = allocate_ids(session, TransactionLine.__table__, len(req.lines))
    # The items are locked by the posting (load_items): held, so their keys need no check a row.
    bulk_insert(session, TransactionLine.__table__, ["id", "line_no", "item_id", "quantity", "role", "unit_cost"],
                [(line_id, line.index + 1, line.item_id, line.quantity, line.role,
                  None if line.unit_cost is None else to_storage(line.unit_cost))
                 for line_id, line in zip(ids, req.lines)],
                same={"transaction_id": document.id, "cost": 0}, held=("item_id",))
    inserted = session.scalars(select(TransactionLine).where(TransactionLine.transaction_id == document.id))
    return {row.line_no - 1: row for row in inserted}


def cost_outputs(ctx: PostingContext, consumed: Decimal, lines) -> None:
    """Outputs without a unit cost share the inputs' cost evenly, unit by unit."""
    uncosted = [li for li in ctx.req.lines if li.role == OUTPUT and li.unit_cost is None]
    units = sum(li.quantity for li in uncosted)
    for line in uncosted:
        line.unit_cost = lines[line.index].unit_cost = money(consumed / units)


def write_line(ctx: PostingContext, line: LineRequest, line_id: int, document_id: int) -> Decimal:
    item = ctx.item_of(line)
    if not item.track_serials:
        return write_plain_line(ctx, line, item, line_id)
    if ctx.req.receives_new_serials(line):
        return receive_units(ctx, line, item, line_id, document_id)
    return move_units(ctx, line, item, line_id, document_id)


def receive_units(ctx: PostingContext, line, item, line_id, document_id) -> Decimal:
    unit_cost = line.unit_cost if line.unit_cost is not None else item.cost
    known = ctx.units[item.id]
    fresh, returning = [], []
    scanned = line.unit_data or [None] * len(line.resolved_serials)
    for serial, key, data in zip(line.resolved_serials, ctx.keys[line.index], scanned):
        (returning if key in known else fresh).append((serial, key, data))
    if ctx.shared is not None and len(fresh) <= SERIALS_OF_A_SMALL_LINE:
        # Written with the other lines' units once every line is done; history and links with them.
        ctx.shared.receive(item, unit_cost, line_id, fresh)
        ids = []
    else:
        ids = allocate_unit_ids(ctx, len(fresh))
        insert_units(ctx, line, item, unit_cost, ids, fresh)
    returning_units = [known[key] for _, key, _ in returning]
    returning_ids = [unit.id for unit in returning_units]
    set_units(ctx, returning_ids, status=IN_STOCK, location_id=ctx.req.location_id, customer_id=None,
                    unit_cost=unit_cost)
    replaced = replaced_costs(returning_units, unit_cost)
    for (_, key, data) in returning:
        if data:
            # A unit received again keeps what its new barcode says; its history keeps what that replaced,
            # so a void of this receipt gives the unit its earlier lot and dates back.
            unit = known[key]
            set_units(ctx, [unit.id], **data)
            changed = {name: [_plain(getattr(unit, name)), _plain(data.get(name))] for name in GS1_COLUMNS
                       if getattr(unit, name) != data.get(name)}
            if changed:
                replaced.setdefault(unit.id, {}).update(changed)
    unit_ids = ids + returning_ids
    if unit_ids:
        record(ctx, unit_ids, line_id, document_id,
               {"status": IN_STOCK, "location_id": ctx.req.location_id, "customer_id": None}, replaced)
    quantity = len(fresh) + len(returning)
    value = money(unit_cost * quantity)
    layer(ctx, item.id, line_id, quantity, unit_cost)
    change_item_stock(item, quantity, value)
    return value


def insert_units(ctx: PostingContext, line, item, unit_cost, ids, fresh) -> None:
    """A line's new units in one statement of its own, the values they share bound once."""
    same = {"item_id": item.id, "status": IN_STOCK, "location_id": ctx.req.location_id,
            "unit_cost": to_storage(unit_cost), "warranty_id": item.warranty_id}
    if line.unit_data is None:
        bulk_insert(ctx.session, SerialUnit.__table__, ["id", "serial_number", "serial_key"],
                    [(unit_id, serial, key) for unit_id, (serial, key, _) in zip(ids, fresh)], same=same)
    else:
        # Scanned GS1 barcodes: each unit keeps the lot, expiry and production date its barcode carried.
        bulk_insert(ctx.session, SerialUnit.__table__, ["id", "serial_number", "serial_key", *GS1_COLUMNS],
                    [(unit_id, serial, key, *((data or {}).get(name) for name in GS1_COLUMNS))
                     for unit_id, (serial, key, data) in zip(ids, fresh)], same=same)


def layer(ctx: PostingContext, item_id, line_id, quantity, unit_cost) -> None:
    """A line's cost layer: with the other lines' once every line is done, or now on a document of few lines."""
    if ctx.shared is not None:
        ctx.shared.add_layer(item_id, line_id, quantity, unit_cost)
    else:
        add_layer(ctx.session, item_id, line_id, quantity, unit_cost)


def move_units(ctx: PostingContext, line, item, line_id, document_id) -> Decimal:
    req = ctx.req
    units = [ctx.units[item.id][key] for key in ctx.keys[line.index]]
    unit_ids = [u.id for u in units]
    costs = [u.unit_cost for u in units]
    effect = req.stock_effect(line)
    if not ctx.kind.moves_stock:
        if ctx.shared is not None:
            ctx.shared.link(unit_ids, line_id)
        else:
            link(ctx, unit_ids, line_id)
        return Decimal(0)
    target = destination(ctx, line)
    changes = dict(target)
    replaced = None
    if effect > 0 and line.unit_cost is not None:
        changes["unit_cost"] = line.unit_cost
        replaced = replaced_costs(units, line.unit_cost)
        costs = [line.unit_cost] * len(units)
    if ctx.kind.starts_warranty and item.warranty is not None:
        # Units going back to the customer whose sale covers them keep that coverage.
        keeping = coverage_kept(ctx, unit_ids)
        move_or_share(ctx, [i for i in unit_ids if i in keeping], changes, line_id, document_id, target)
        changes.update(warranty_id=item.warranty_id, warranty_start=req.date,
                       warranty_end=warranty_end(req.date, item.warranty))
        starting = [u for u in units if u.id not in keeping]
        move_or_share(ctx, [u.id for u in starting], changes, line_id, document_id, target,
                      replaced_warranties(starting, changes))
    else:
        move_or_share(ctx, unit_ids, changes, line_id, document_id, target, replaced)
    if effect < 0:
        cost = outbound_cost(ctx.session, item, len(units), ctx.settings, costs, open_layers(ctx))
        change_item_stock(item, -len(units), -cost)
        return cost
    if effect > 0:
        value = money(sum(costs, Decimal(0)))
        # A layer per cost: one at the rounded mean would leave value behind once FIFO takes them out.
        for unit_cost, quantity in Counter(costs).items():
            layer(ctx, item.id, line_id, quantity, unit_cost)
        change_item_stock(item, len(units), value)
        return value
    return money(sum(costs, Decimal(0)))  # a transfer moves value between locations


def move_or_share(ctx: PostingContext, unit_ids, changes: dict, line_id: int, document_id: int, target: dict,
                  replaced: dict | None = None) -> None:
    """A line's move of existing units: now, or with the other lines' once every line is done."""
    if ctx.shared is not None:
        ctx.shared.move(unit_ids, changes, line_id, target, replaced)
    else:
        move(ctx, unit_ids, changes, line_id, document_id, target, replaced)


def coverage_kept(ctx: PostingContext, unit_ids) -> set[int]:
    """Of these units, those a sale to the document's customer already covers (units_keeping_coverage).

    A many-line document asks once, for every unit of an item with a warranty, not once a line."""
    if ctx.shared is None:
        return units_keeping_coverage(ctx.session, unit_ids, ctx.req.customer_id)
    if ctx.shared.coverage_kept is None:
        named = [unit.id for item_id, units in ctx.units.items() if ctx.items[item_id].warranty is not None
                 for unit in units.values()]
        ctx.shared.coverage_kept = units_keeping_coverage(ctx.session, named, ctx.req.customer_id) if named else set()
    return ctx.shared.coverage_kept


def open_layers(ctx: PostingContext) -> OpenLayers | None:
    """A many-line document's FIFO layers of the items it takes out, read at its first outbound line."""
    if ctx.shared is None:
        return None
    if ctx.shared.open_layers is None:
        req = ctx.req
        ctx.shared.open_layers = OpenLayers(ctx.session, {li.item_id for li in req.lines if req.stock_effect(li) < 0})
    return ctx.shared.open_layers


def replaced_costs(units, unit_cost) -> dict:
    """The costs a posting replaces, per unit id, kept in the history so a void can restore them."""
    new = str(money(unit_cost))
    return {u.id: {"unit_cost": [str(money(u.unit_cost)), new]} for u in units if u.unit_cost != unit_cost}


def replaced_warranties(units, changes: dict) -> dict:
    """The warranty a shipment replaces, per unit id (a void puts the unit's earlier coverage back)."""
    names = ("warranty_id", "warranty_start", "warranty_end")
    return {u.id: {name: [_plain(getattr(u, name)), _plain(changes[name])] for name in names} for u in units}


def _plain(value):
    return value.isoformat() if hasattr(value, "isoformat") else value


def destination(ctx: PostingContext, line) -> dict:
    """Where the units of an existing-unit line end up."""
    party = ctx.kind.puts_at
    place_id = getattr(ctx.req, party) if party else None
    at_customer = party == CUSTOMER
    return {"status": ctx.kind.status_after, "location_id": None if at_customer else place_id,
            "customer_id": place_id if at_customer else None}


def write_plain_line(ctx: PostingContext, line, item, line_id) -> Decimal:
    req = ctx.req
    quantity = abs(line.quantity)
    effect = req.stock_effect(line)
    if not ctx.kind.moves_stock:
        return Decimal(0)
    if effect <= 0:
        take_plain(ctx, item, req.location_id, quantity)
    if effect == 0:  # moved within stock, to another location
        put_plain(ctx, item, getattr(req, ctx.kind.puts_at), quantity)
        return average_cost(item, quantity)
    if effect < 0:
        cost = outbound_cost(ctx.session, item, quantity, ctx.settings, None, open_layers(ctx))
        change_item_stock(item, -quantity, -cost)
        return cost
    put_plain(ctx, item, req.location_id, quantity)
    unit_cost = line.unit_cost
    if unit_cost is None:
        unit_cost = money(item.value / item.quantity_on_hand) if ctx.kind.returns_from_customer \
            and item.quantity_on_hand else item.cost
    value = money(unit_cost * quantity)
    layer(ctx, item.id, line_id, quantity, unit_cost)
    change_item_stock(item, quantity, value)
    return value


def take_plain(ctx: PostingContext, item, location_id, quantity) -> None:
    if ctx.shared is not None:
        # Taken with the other lines' once every line is done (take_plain_stock).
        ctx.shared.plain_out[item.id, location_id] += quantity
        return
    result = ctx.session.execute(
        update(StockLevel)
        .where(StockLevel.item_id == item.id, StockLevel.location_id == location_id,
               StockLevel.quantity >= quantity)
        .values(quantity=StockLevel.quantity - quantity).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise Conflict(f"{item.name}: not enough on hand at {ctx.session.get(Location, location_id).name}.")


def take_plain_stock(ctx: PostingContext, taken) -> None:
    """What a many-line document's plain lines take, per item and location, in one statement.

    Each pair is taken only where it is on hand; the sum of a pair's lines is what its lines
    taken one by one would have needed."""
    if not taken:
        return
    session, levels = ctx.session, StockLevel.__table__
    listed = integer_rows(session, ("item_id", "location_id", "quantity"),
                          [(item_id, location_id, quantity) for (item_id, location_id), quantity in sorted(taken.items())])
    taken_now = set(map(tuple, session.execute(
        update(levels).where(levels.c.item_id == listed.c.item_id, levels.c.location_id == listed.c.location_id,
                             levels.c.quantity >= listed.c.quantity)
        .values(quantity=levels.c.quantity - listed.c.quantity)
        .returning(levels.c.item_id, levels.c.location_id)).all()))
    short = [pair for pair in sorted(taken) if pair not in taken_now]
    if short:
        # Another posting took stock after this one's checks: name what is now short, save nothing.
        item_id, location_id = short[0]
        raise Conflict(f"{ctx.items[item_id].name}: not enough on hand at {session.get(Location, location_id).name}.")


def put_plain(ctx: PostingContext, item, location_id, quantity) -> None:
    """Stock a plain item arrives with, added once every line is written (no line takes what another puts)."""
    ctx.plain_stock_in[item.id, location_id] += quantity


def add_plain_stock(ctx: PostingContext) -> None:
    if not ctx.plain_stock_in:
        return
    dialect = postgresql if ctx.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(StockLevel)
    statement = statement.on_conflict_do_update(
        index_elements=[StockLevel.item_id, StockLevel.location_id],
        set_={"quantity": StockLevel.quantity + statement.excluded.quantity})
    ctx.session.execute(statement, [{"item_id": item_id, "location_id": location_id, "quantity": quantity}
                                    for (item_id, location_id), quantity in sorted(ctx.plain_stock_in.items())])
