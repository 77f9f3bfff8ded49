"""Posting a transaction: the single write path for stock and serial units.

Every save of a transaction, from an admin form, the API, the CLI or a fixture, comes here.
A posting checks the whole document first, collecting every problem into one refusal,
then writes with set-based statements, and commits all or nothing.
"""
from __future__ import annotations

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, insert, literal, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.constraints import constraint_name
from sos_serial.database.session_rules import rules_of
from sos_serial.database.statements import one_of, rows_matching
from sos_serial.database.trigger_switch import INSERT, UPDATE, Write, has_rewrite_rules, keys_checked_once
from sos_serial.engine.event_delivery import AFTER_COMMIT, deliver_due
from sos_serial.engine.events import plugin_subscribers, record_transaction_posted
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting_request import LineRequest, PostingRequest
from sos_serial.engine.serial_csv import CsvSerials, read_serials_csv
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.engine.valuation import add_layer, average_cost, change_item_stock, money, outbound_cost
from sos_serial.engine.warranty_coverage import units_keeping_coverage
from sos_serial.engine.warranty_dates import warranty_end
from sos_serial.errors import Conflict, FieldError, InvalidInput, SerialInventoryError
from sos_serial.models import (
    Customer,
    Item,
    Location,
    SerialHistory,
    SerialUnit,
    Settings,
    StockLevel,
    Transaction,
    TransactionLine,
    TransactionLineSerial,
    Vendor,
)
from sos_serial.models.document_kind import CUSTOMER, OUTPUT
from sos_serial.models.serial_unit import (
    IN_STOCK,
    RENTED,
    SHIPPED,
    USED,
    serial_key,
)
from sos_serial.money import to_money, to_storage

log = logging.getLogger(__name__)
DEFAULT_LIMITS = Limits()


@dataclass
class UnitRow:
    """The state of one existing serial unit, as the posting reads it."""

    id: int
    serial_number: str
    key: str
    status: str
    location_id: int | None
    customer_id: int | None
    unit_cost: Decimal


def post_transaction(session, request: PostingRequest, user=None, limits: Limits = DEFAULT_LIMITS) -> Transaction:
    """Check and post ``request``; commit and return the saved document, or raise and write nothing.

    ``limits`` are the app's (``Limits.from_config``); the documented defaults otherwise. The posting's
    event goes into the outbox in the same transaction, then is offered to its subscribers at once.
    """
    rules = rules_of(session)
    with unit_of_work(session, _posting_conflict, posting=True):
        document = _Posting(session, request, user, limits).run()
        # The event commits with the posting, or neither does.
        event_id = record_transaction_posted(session, document, getattr(user, "id", None),
                                             plugin_subscribers(rules)).id
    _notify_posted(session, rules, event_id)
    return document


def _notify_posted(session, rules, event_id: str) -> None:
    try:
        deliver_due(session, rules, AFTER_COMMIT, event_id=event_id)
    except Exception:  # the posting stands; what this attempt missed, the events worker delivers
        session.rollback()
        log.exception("Delivering event %s right after its posting failed; it stays in the outbox", event_id)


def _posting_conflict(exc: IntegrityError) -> SerialInventoryError:
    # Another clerk's posting committed the same new serial between our check and our insert.
    if _is_serial_taken(exc):
        return Conflict("A serial number on this document was just received by another transaction. "
                        "Reload and check the serials, then post again.")
    return Conflict("This transaction conflicts with one posted at the same moment; nothing was saved. "
                    "Reload and try again.")


def _is_serial_taken(exc: IntegrityError) -> bool:
    """Whether the unique serial per item refused the write (named as PostgreSQL and SQLite name it)."""
    return constraint_name(exc) in ("uq_serial_units_item_serial_key", "serial_units.item_id, serial_units.serial_key")


class _Posting:
    def __init__(self, session, request: PostingRequest, user, limits: Limits = DEFAULT_LIMITS):
        self.session = session
        self.req = request
        self.kind = request.kind
        self.limits = limits
        self.user_id = getattr(user, "id", None)
        self.rules = rules_of(session)
        self.settings = None
        self.items: dict[int, Item] = {}
        self.parties: dict[str, object] = {}
        self.units: dict[int, dict[str, UnitRow]] = defaultdict(dict)  # item id -> key -> unit
        self.keys: dict[int, list[str]] = {}  # line index -> serial keys, in line order
        self.csv_files: dict[int, CsvSerials] = {}  # line index -> the serials its CSV file holds

    # ------------------------------------------------------------------ checking
    def run(self) -> Transaction:
        req = self.req
        self._check_size()
        numbering = any(line.auto_serials for line in req.lines)
        self.settings = Settings.current(self.session, for_update=numbering)
        self._load_parties()
        self._load_items()
        self._check_lines()
        self._resolve_serials()
        self._number_auto_serials()
        # Validated after numbering, so an integrator's serial rule sees automatic numbers as well as typed ones.
        self._validate_serial_text()
        # After numbering: an automatic number may equal a serial typed on another line.
        self._check_repeats()
        self._load_units()
        self._check_units()
        self._check_plain_stock()
        self.rules.validate_transaction(session=self.session, document=req, settings=self.settings)
        return self._write()

    def _check_size(self) -> None:
        limit = self._limit()
        total = 0
        for line in self.req.lines:
            given = len(line.serials or ())
            if line.serials_csv is not None:
                # Read the file to count it: its line breaks miscount headers, blank rows and CR line ends.
                self.csv_files[line.index] = read_serials_csv(line.serials_csv, f"{line.field}.serials_csv")
                given = max(given, len(self.csv_files[line.index].serials))
            total += max(given, abs(line.quantity) if line.auto_serials else 0)
        if total > limit:
            raise InvalidInput(
                f"This document carries {total:,} serial numbers; at most {limit:,} fit in one document. "
                "Split it into several transactions.",
                [FieldError("lines", f"At most {limit:,} serials per document.")],
            )

    def _limit(self) -> int:
        return self.limits.serials_per_document

    def _load_parties(self) -> None:
        models = {"vendor_id": Vendor, "customer_id": Customer, "location_id": Location, "to_location_id": Location}
        problems = []
        for name, model in models.items():
            record_id = getattr(self.req, name)
            if record_id is None:
                continue
            record = self.session.get(model, record_id)
            if record is None:
                problems.append(FieldError(name, f"There is no {model.__name__.lower()} with id {record_id}."))
            self.parties[name] = record
        if problems:
            raise InvalidInput("; ".join(p.message for p in problems), problems)

    def _load_items(self) -> None:
        ids = sorted({line.item_id for line in self.req.lines})
        query = select(Item).where(Item.id.in_(ids)).order_by(Item.id).execution_options(populate_existing=True)
        # Lock the items' rows: postings on the same items queue, so counts and costs stay exact.
        # Only the items' rows (of=Item): PostgreSQL cannot lock the outer-joined warranty.
        self.items = {item.id: item for item in self.session.scalars(query.with_for_update(of=Item))}
        missing = [FieldError(f"{line.field}.item_id", f"There is no item with id {line.item_id}.")
                   for line in self.req.lines if line.item_id not in self.items]
        if missing:
            raise InvalidInput("; ".join(p.message for p in missing), missing)

    def item_of(self, line: LineRequest) -> Item:
        return self.items[line.item_id]

    def _check_lines(self) -> None:
        problems = []
        for line in self.req.lines:
            item = self.item_of(line)
            sources = [line.serials is not None, line.serials_csv is not None, line.auto_serials]
            if not item.track_serials:
                if any(sources):
                    problems.append(FieldError(f"{line.field}.serials",
                                               f"{item.name} is not tracked by serial number; give only a quantity."))
                continue
            if sum(sources) > 1:
                problems.append(FieldError(f"{line.field}.serials",
                                           f"{item.name}: give typed serials, a CSV file or auto numbering, "
                                           "not more than one."))
            new = self.req.receives_new_serials(line)
            if not new and (line.auto_serials or line.serials_csv is not None):
                problems.append(FieldError(f"{line.field}.serials",
                                           f"{item.name}: this line takes existing units; pick their serials."))
            if line.auto_serials and not self.settings.auto_serial_enabled:
                problems.append(FieldError(f"{line.field}.auto_serials",
                                           "Automatic serial numbers are turned off in the purchasing settings."))
        if problems:
            raise InvalidInput("; ".join(p.message for p in problems), problems)

    def _resolve_serials(self) -> None:
        """Gather each tracked line's serials; list every line still short of them at once."""
        prompts, mismatches = [], []
        for line in self.req.lines:
            item = self.item_of(line)
            if not item.track_serials or line.auto_serials:
                continue
            needed = abs(line.quantity)
            if line.serials_csv is not None:
                parsed = self.csv_files[line.index]
                if len(parsed.serials) != needed:
                    mismatches.append(FieldError(
                        f"{line.field}.serials_csv",
                        f"{item.name}: the file holds {len(parsed.serials)} serial numbers but the line's "
                        f"quantity is {needed}."))
                line.resolved_serials = [s.strip() for s in parsed.serials]
                continue
            given = [s.strip() for s in (line.serials or [])]
            if len(given) < needed:
                prompts.append(FieldError(
                    f"{line.field}.serials",
                    f"{item.name} needs {needed - len(given)} more serial number"
                    f"{'s' if needed - len(given) != 1 else ''} ({len(given)} of {needed} given)."))
            elif len(given) > needed:
                mismatches.append(FieldError(
                    f"{line.field}.serials",
                    f"{item.name}: {len(given)} serial numbers given for a quantity of {needed}."))
            line.resolved_serials = given
        if prompts or mismatches:
            problems = prompts + mismatches
            lead = ("Serial numbers are missing: " if prompts else "Serial counts do not match quantities: ")
            raise InvalidInput(lead + " ".join(p.message for p in problems), problems)

    def _validate_serial_text(self) -> None:
        problems = []
        for line in self.req.lines:
            if not line.resolved_serials:
                continue
            try:
                self.rules.validate_serial_numbers(item=self.item_of(line), serial_numbers=line.resolved_serials)
            except InvalidInput as exc:
                source = "auto_serials" if line.auto_serials else "serials"
                problems.append(FieldError(f"{line.field}.{source}", exc.message))
        if problems:
            raise InvalidInput(" ".join(p.message for p in problems), problems)

    def _check_repeats(self) -> None:
        """A serial may appear once per item in a document."""
        seen: dict[int, set[str]] = defaultdict(set)  # item id -> keys so far
        repeats = []
        for line in self.req.lines:
            keys = self.keys.get(line.index) or [serial_key(s) for s in line.resolved_serials]
            self.keys[line.index] = keys
            item_keys, line_keys = seen[line.item_id], set(keys)
            if len(line_keys) == len(keys) and item_keys.isdisjoint(line_keys):
                item_keys |= line_keys  # no repeats: the common case, checked without a Python loop
                continue
            for serial, key in zip(line.resolved_serials, keys):
                if key in item_keys:
                    repeats.append(FieldError(f"{line.field}.serials",
                                              f"{serial} of {self.item_of(line).name} appears more than once."))
                else:
                    item_keys.add(key)
        if repeats:
            raise Conflict("A serial number is repeated in this document: "
                           + " ".join(p.message for p in repeats[:20]), repeats)

    def _number_auto_serials(self) -> None:
        for line in self.req.lines:
            if not line.auto_serials:
                continue
            item = self.item_of(line)
            serials = self.rules.next_serial_numbers(
                session=self.session, item=item, count=line.quantity, settings=self.settings)
            if serials is None or len(serials) != line.quantity:
                raise InvalidInput(f"No serial numbers could be generated for {item.name}.")
            line.resolved_serials = list(serials)
            self.keys[line.index] = [serial_key(s) for s in serials]

    def _load_units(self) -> None:
        wanted: dict[int, set[str]] = defaultdict(set)
        for line in self.req.lines:
            wanted[line.item_id].update(self.keys.get(line.index, ()))
        columns = (SerialUnit.id, SerialUnit.serial_number, SerialUnit.serial_key, SerialUnit.status,
                   SerialUnit.location_id, SerialUnit.customer_id, SerialUnit.unit_cost)
        for item_id, keys in wanted.items():
            found = self.units[item_id]
            rows = rows_matching(self.session, select(*columns).where(SerialUnit.item_id == item_id),
                                 SerialUnit.serial_key, keys)
            for row in rows:
                found[row.serial_key] = UnitRow(*row)

    def _check_units(self) -> None:
        problems = []
        for line in self.req.lines:
            if not line.resolved_serials:
                continue
            item, units = self.item_of(line), self.units[line.item_id]
            new = self.req.receives_new_serials(line)
            for serial, key in zip(line.resolved_serials, self.keys[line.index]):
                message = self._refusal(item, units.get(key), serial, new)
                if message:
                    problems.append(FieldError(f"{line.field}.serials", message))
        if problems:
            shown = " ".join(p.message for p in problems[:20])
            more = f" ({len(problems) - 20} more not shown.)" if len(problems) > 20 else ""
            raise Conflict(shown + more, problems)

    def _refusal(self, item, unit: UnitRow | None, serial: str, new: bool) -> str | None:
        if new:
            if unit is not None and unit.status in (IN_STOCK, RENTED):
                return f"{unit.serial_number} of {item.name} already exists: it is {self._place(unit)}."
            return None
        if unit is None:
            return f"{serial} of {item.name} is not in the inventory."
        status, place_id, wanted = self._source()
        here = unit.location_id if status == IN_STOCK else unit.customer_id
        if unit.status != status or here != place_id:
            return f"{unit.serial_number} of {item.name} is {self._place(unit)}, not {wanted}."
        return None

    _SOURCE_WORDS = {IN_STOCK: "in stock at {}", SHIPPED: "shipped to customer {}", RENTED: "rented to customer {}"}

    def _source(self) -> tuple[str, int, str]:
        """Where this document takes existing units from: (status, place id, in words)."""
        status, party = self.kind.takes_status, self.kind.takes_from
        return status, getattr(self.req, party), self._SOURCE_WORDS[status].format(self.parties[party].name)

    def _place(self, unit: UnitRow) -> str:
        if unit.status == IN_STOCK:
            return f"in stock at {self.session.get(Location, unit.location_id).name}"
        if unit.status == SHIPPED:
            return f"shipped to customer {self.session.get(Customer, unit.customer_id).name}"
        if unit.status == RENTED:
            return f"out on rental to customer {self.session.get(Customer, unit.customer_id).name}"
        if unit.status == USED:
            return "used in a build or process"
        return "adjusted out of stock"

    def _check_plain_stock(self) -> None:
        """Items tracked by quantity: an outbound line may not take more than is at the location."""
        demand: dict[int, int] = defaultdict(int)
        for line in self.req.lines:
            item = self.item_of(line)
            if not item.track_serials and self.req.stock_effect(line) <= 0:
                demand[item.id] += abs(line.quantity)
        problems = []
        for item_id, needed in demand.items():
            on_hand = self.session.scalar(select(StockLevel.quantity).where(
                StockLevel.item_id == item_id, StockLevel.location_id == self.req.location_id)) or 0
            if needed > on_hand:
                item = self.items[item_id]
                line = next(li for li in self.req.lines if li.item_id == item_id)
                problems.append(FieldError(
                    f"{line.field}.quantity",
                    f"{item.name}: {needed} needed but only {on_hand} on hand at "
                    f"{self.parties['location_id'].name}."))
        if problems:
            raise Conflict(" ".join(p.message for p in problems), problems)

    # ------------------------------------------------------------------ writing
    def _write(self) -> Transaction:
        req = self.req
        document = Transaction(type=req.type, date=req.date, vendor_id=req.vendor_id, customer_id=req.customer_id,
                               location_id=req.location_id, to_location_id=req.to_location_id, memo=req.memo,
                               created_by_id=self.user_id)
        self.session.add(document)
        lines = {}
        for line in req.lines:
            lines[line.index] = TransactionLine(transaction=document, line_no=line.index + 1, item_id=line.item_id,
                                                quantity=line.quantity, role=line.role, unit_cost=line.unit_cost)
            self.session.add(lines[line.index])
        self.session.flush()
        document.number = f"{self.kind.number_prefix}-{document.id:06d}"
        # Inputs first: build and process outputs are costed from what the inputs consumed.
        ordered = sorted(req.lines, key=req.stock_effect)
        consumed = Decimal(0)
        for line in (li for li in ordered if req.stock_effect(li) < 0):
            lines[line.index].cost = cost = self._write_line(line, lines[line.index].id, document.id)
            consumed += cost
        if self.kind.line_roles:
            self._cost_outputs(consumed, lines)
        for line in (li for li in ordered if req.stock_effect(li) >= 0):
            lines[line.index].cost = self._write_line(line, lines[line.index].id, document.id)
        self.session.flush()
        return document

    def _cost_outputs(self, consumed: Decimal, lines) -> None:
        """Outputs without a unit cost share the inputs' cost evenly, unit by unit."""
        uncosted = [li for li in self.req.lines if li.role == OUTPUT and li.unit_cost is None]
        units = sum(li.quantity for li in uncosted)
        for line in uncosted:
            line.unit_cost = lines[line.index].unit_cost = money(consumed / units)

    def _write_line(self, line: LineRequest, line_id: int, document_id: int) -> Decimal:
        item = self.item_of(line)
        if not item.track_serials:
            return self._write_plain_line(line, item, line_id)
        if self.req.receives_new_serials(line):
            return self._receive_units(line, item, line_id, document_id)
        return self._move_units(line, item, line_id, document_id)

    def _receive_units(self, line, item, line_id, document_id) -> Decimal:
        unit_cost = line.unit_cost if line.unit_cost is not None else item.cost
        known = self.units[item.id]
        fresh, returning = [], []
        for serial, key in zip(line.resolved_serials, self.keys[line.index]):
            (returning if key in known else fresh).append((serial, key))
        ids = self._allocate_unit_ids(len(fresh))
        cost = to_storage(unit_cost)
        bulk_insert(self.session, SerialUnit.__table__, ["id", "serial_number", "serial_key"],
                    [(unit_id, serial, key) for unit_id, (serial, key) in zip(ids, fresh)],
                    same={"item_id": item.id, "status": IN_STOCK, "location_id": self.req.location_id,
                          "unit_cost": cost, "warranty_id": item.warranty_id})
        returning_ids = [known[key].id for _, key in returning]
        self._set_units(returning_ids, status=IN_STOCK, location_id=self.req.location_id, customer_id=None,
                        unit_cost=unit_cost)
        unit_ids = ids + returning_ids
        self._record(unit_ids, line_id, document_id,
                     {"status": IN_STOCK, "location_id": self.req.location_id, "customer_id": None})
        quantity = len(unit_ids)
        value = money(unit_cost * quantity)
        add_layer(self.session, item.id, line_id, quantity, unit_cost)
        self._change_item_stock(item, quantity, value)
        return value

    def _move_units(self, line, item, line_id, document_id) -> Decimal:
        req = self.req
        units = [self.units[item.id][key] for key in self.keys[line.index]]
        unit_ids = [u.id for u in units]
        costs = [u.unit_cost for u in units]
        effect = req.stock_effect(line)
        if not self.kind.moves_stock:
            self._link(unit_ids, line_id)
            return Decimal(0)
        target = self._target(line)
        changes = dict(target)
        if effect > 0 and line.unit_cost is not None:
            changes["unit_cost"] = line.unit_cost
            costs = [line.unit_cost] * len(units)
        if self.kind.starts_warranty and item.warranty is not None:
            # Units going back to the customer whose sale covers them keep that coverage.
            keeping = units_keeping_coverage(self.session, unit_ids, req.customer_id)
            self._move([i for i in unit_ids if i in keeping], changes, line_id, document_id, target)
            changes.update(warranty_id=item.warranty_id, warranty_start=req.date,
                           warranty_end=warranty_end(req.date, item.warranty))
            self._move([i for i in unit_ids if i not in keeping], changes, line_id, document_id, target)
        else:
            self._move(unit_ids, changes, line_id, document_id, target)
        if effect < 0:
            cost = outbound_cost(self.session, item, len(units), self.settings, costs)
            self._change_item_stock(item, -len(units), -cost)
            return cost
        if effect > 0:
            value = money(sum(costs, Decimal(0)))
            # A layer per cost: one at the rounded mean would leave value behind once FIFO takes them out.
            for unit_cost, quantity in Counter(costs).items():
                add_layer(self.session, item.id, line_id, quantity, unit_cost)
            self._change_item_stock(item, len(units), value)
            return value
        return money(sum(costs, Decimal(0)))  # a transfer moves value between locations

    def _target(self, line) -> dict:
        """Where the units of an existing-unit line end up."""
        party = self.kind.puts_at
        place_id = getattr(self.req, party) if party else None
        at_customer = party == CUSTOMER
        return {"status": self.kind.status_after, "location_id": None if at_customer else place_id,
                "customer_id": place_id if at_customer else None}

    def _write_plain_line(self, line, item, line_id) -> Decimal:
        req = self.req
        quantity = abs(line.quantity)
        effect = req.stock_effect(line)
        if not self.kind.moves_stock:
            return Decimal(0)
        if effect <= 0:
            self._take_plain(item, req.location_id, quantity)
        if effect == 0:  # moved within stock, to another location
            self._put_plain(item, getattr(req, self.kind.puts_at), quantity)
            return average_cost(item, quantity)
        if effect < 0:
            cost = outbound_cost(self.session, item, quantity, self.settings, None)
            self._change_item_stock(item, -quantity, -cost)
            return cost
        self._put_plain(item, req.location_id, quantity)
        unit_cost = line.unit_cost
        if unit_cost is None:
            unit_cost = money(item.value / item.quantity_on_hand) if self.kind.returns_from_customer \
                and item.quantity_on_hand else item.cost
        value = money(unit_cost * quantity)
        add_layer(self.session, item.id, line_id, quantity, unit_cost)
        self._change_item_stock(item, quantity, value)
        return value

    # ------------------------------------------------------------------ statements
    def _allocate_unit_ids(self, count: int) -> list[int]:
        """Ids for new units, known before inserting so history and links are written in bulk."""
        if count == 0:
            return []
        if self.session.get_bind().dialect.name == "postgresql":
            # Usually the sequence hands out one unbroken run: send back its ends, not every id.
            # The sequence is looked up once (OFFSET 0 keeps the planner from folding that subquery
            # into the rows): pg_get_serial_sequence on every row took seven times as long as nextval.
            first, last, scattered = self.session.execute(text(
                "WITH taken AS (SELECT nextval(s.seq) AS id FROM generate_series(1, :n), "
                "(SELECT pg_get_serial_sequence('serial_units', 'id')::regclass AS seq OFFSET 0) AS s) "
                "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
                "ELSE array_agg(id) END FROM taken"), {"n": count}).one()
            return list(range(first, last + 1)) if scattered is None else sorted(scattered)
        # SQLite: the posting holds the database's write lock, so nobody else takes ids meanwhile.
        start = (self.session.scalar(select(func.max(SerialUnit.id))) or 0) + 1
        return list(range(start, start + count))

    def _set_units(self, unit_ids, expected=None, **values) -> None:
        if not unit_ids:
            return
        statement = self._unit_update(unit_ids, expected, values)
        with keys_checked_once(self.session, Write(SerialUnit.__table__, UPDATE, same=values)):
            result = self.session.execute(statement.execution_options(synchronize_session=False))
        self._check_moved(result.rowcount, unit_ids)

    def _unit_update(self, unit_ids, expected, values):
        """UPDATE of these units, only while they are still where ``expected`` says (status, place id)."""
        statement = update(SerialUnit).where(one_of(self.session, SerialUnit.id, unit_ids))
        if expected is not None:
            status, place_id = expected
            column = SerialUnit.location_id if status == IN_STOCK else SerialUnit.customer_id
            statement = statement.where(SerialUnit.status == status, column == place_id)
        return statement.values(**values, version=SerialUnit.version + 1, updated_at=func.now())

    @staticmethod
    def _check_moved(count: int, unit_ids) -> None:
        if count != len(unit_ids):
            # Only possible if the units changed after they were checked: refuse, never half-move.
            raise Conflict("Some of these serial units were moved by another transaction just now. "
                           "Reload and post again.")

    def _move(self, unit_ids, changes: dict, line_id: int, document_id: int, target: dict) -> None:
        """Take units from where the document takes them, with their history rows and line links."""
        if not unit_ids:
            return
        links, history = TransactionLineSerial.__table__, SerialHistory.__table__
        if self.session.get_bind().dialect.name != "postgresql" or \
                has_rewrite_rules(self.session, (SerialUnit.__table__, links, history)):
            self._set_units(unit_ids, expected=self._source()[:2], **changes)
            self._record(unit_ids, line_id, document_id, target)
            return
        # One statement: the moved units feed their line links and history on the server
        # (WITH … UPDATE … RETURNING), instead of coming back to be sent out again twice.
        moved = self._unit_update(unit_ids, self._source()[:2], changes).returning(SerialUnit.id).cte("moved")
        linked = insert(links).from_select(["line_id", "serial_unit_id"],
                                           select(_bound(links.c.line_id, line_id), moved.c.id),
                                           include_defaults=False).cte("linked")
        shared = self._history_values(document_id, target)
        recorded = insert(history).from_select(
            ["serial_unit_id", *shared],
            select(moved.c.id, *(_bound(history.c[name], value) for name, value in shared.items()))
            .order_by(moved.c.id),  # history ids follow unit ids, as _record writes them
            include_defaults=False).cte("recorded")  # recorded_at: the server's clock, as COPY leaves it
        unit = ("serial_unit_id",)
        with keys_checked_once(self.session, Write(SerialUnit.__table__, UPDATE, same=changes),
                               Write(links, INSERT, columns=unit, same={"line_id": line_id}, held=unit),
                               Write(history, INSERT, columns=unit, same=shared, held=unit)):
            count = self.session.scalar(select(func.count()).select_from(moved).add_cte(linked).add_cte(recorded))
        self._check_moved(count, unit_ids)

    def _history_values(self, document_id: int, target: dict) -> dict:
        """What every history row of a line says besides the unit: the document, and where the units now are."""
        req = self.req
        return {"transaction_id": document_id, "transaction_type": req.type, "date": req.date,
                "status": target["status"], "location_id": target["location_id"],
                "customer_id": target["customer_id"], "user_id": self.user_id}

    def _record(self, unit_ids, line_id, document_id, target: dict) -> None:
        """History and line links for units this posting has just inserted or moved (so holds)."""
        unit_ids = sorted(unit_ids)  # one order for history on both databases: by unit
        self._link(unit_ids, line_id, held=("serial_unit_id",))
        bulk_insert(self.session, SerialHistory.__table__, ["serial_unit_id"], [(unit_id,) for unit_id in unit_ids],
                    held=("serial_unit_id",), same=self._history_values(document_id, target))

    def _link(self, unit_ids, line_id, held=()) -> None:
        bulk_insert(self.session, TransactionLineSerial.__table__, ["serial_unit_id"],
                    [(unit_id,) for unit_id in unit_ids], same={"line_id": line_id}, held=held)

    def _change_item_stock(self, item, quantity: int, value: Decimal) -> None:
        change_item_stock(item, quantity, value)  # the item's row is locked by this posting

    def _take_plain(self, item, location_id, quantity) -> None:
        result = self.session.execute(
            update(StockLevel)
            .where(StockLevel.item_id == item.id, StockLevel.location_id == location_id,
                   StockLevel.quantity >= quantity)
            .values(quantity=StockLevel.quantity - quantity).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            raise Conflict(f"{item.name}: not enough on hand at {self.session.get(Location, location_id).name}.")

    def _put_plain(self, item, location_id, quantity) -> None:
        dialect = postgresql if self.session.get_bind().dialect.name == "postgresql" else sqlite
        statement = dialect.insert(StockLevel).values(item_id=item.id, location_id=location_id, quantity=quantity)
        statement = statement.on_conflict_do_update(
            index_elements=[StockLevel.item_id, StockLevel.location_id],
            set_={"quantity": StockLevel.quantity + quantity})
        self.session.execute(statement)


def _bound(column, value):
    """``value`` as a bound parameter of ``column``'s type, for a SELECT list that feeds an INSERT."""
    return literal(value, type_=column.type)


def create_serial_unit(session, *, item_id, serial_number, location_id=None, customer_id=None, unit_cost=None,
                       warranty_start=None, warranty_end=None, notes=None, user=None, on=None) -> SerialUnit:
    """Add one unit directly: in stock at a location, or a historical unit at a customer (shipped).

    The unit gets its first history row ("created"); a unit in stock adds to the item's
    quantity and value like a one-unit receipt, through the posting's own stock functions.
    """
    from datetime import date as date_type

    def conflict(exc: IntegrityError) -> SerialInventoryError:
        if _is_serial_taken(exc):
            return Conflict(f"Serial {serial_number.strip()} already exists for this item.")
        return Conflict("This unit conflicts with a record saved at the same moment; nothing was saved.")

    with unit_of_work(session, conflict, posting=True):
        unit = _create_unit(session, item_id, serial_number, location_id, customer_id, unit_cost,
                            warranty_start, warranty_end, notes, getattr(user, "id", None), on or date_type.today())
    return unit


def _create_unit(session, item_id, serial_number, location_id, customer_id, unit_cost, warranty_start,
                 warranty_end_, notes, user_id, on) -> SerialUnit:
    problems = []
    item = session.scalars(select(Item).where(Item.id == item_id).with_for_update(of=Item)).one_or_none() \
        if isinstance(item_id, int) and not isinstance(item_id, bool) else None
    if item is None:
        raise InvalidInput(f"There is no item with id {item_id}.", [FieldError("item_id", "Unknown item.")])
    if not item.track_serials:
        raise Conflict(f"{item.name} is not tracked by serial number; turn on Track serial numbers first.",
                       [FieldError("item_id", "The item is not serial-tracked.")])
    if (location_id is None) == (customer_id is None):
        raise InvalidInput("A unit is added either at a location (in stock) or at a customer (a historical "
                           "unit), so give exactly one of them.",
                           [FieldError("location_id", "Give a location or a customer, not both.")])
    place = session.get(Location, location_id) if location_id is not None else session.get(Customer, customer_id)
    if place is None:
        field = "location_id" if location_id is not None else "customer_id"
        raise InvalidInput(f"There is no {field[:-3]} with id {location_id or customer_id}.",
                           [FieldError(field, "Unknown record.")])
    if not isinstance(serial_number, str):
        raise InvalidInput("The serial number must be text.", [FieldError("serial_number", "Must be text.")])
    serial = serial_number.strip()
    try:
        rules_of(session).validate_serial_numbers(item=item, serial_numbers=[serial])
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [FieldError("serial_number", exc.message)]) from None
    existing = session.scalars(select(SerialUnit).where(
        SerialUnit.item_id == item.id, SerialUnit.serial_key == serial_key(serial))).one_or_none()
    if existing is not None:
        raise Conflict(f"{existing.serial_number} of {item.name} already exists: it is "
                       f"{existing.status.replace('_', ' ')}"
                       f"{' at ' + existing.place if existing.status in (IN_STOCK, SHIPPED, RENTED) else ''}.",
                       [FieldError("serial_number", "Already exists for this item.")])
    cost = item.cost
    if unit_cost is not None:
        try:
            cost = to_money(unit_cost, "unit_cost")
        except InvalidInput as exc:
            problems.append(FieldError("unit_cost", exc.message))
        else:
            if cost < 0:
                problems.append(FieldError("unit_cost", "A unit cost cannot be negative."))
    if warranty_start and warranty_end_ and warranty_end_ < warranty_start:
        problems.append(FieldError("warranty_end", "The warranty cannot end before it starts."))
    if problems:
        raise InvalidInput(problems[0].message, problems)
    in_stock = location_id is not None
    unit = SerialUnit(item=item, serial_number=serial, serial_key=serial_key(serial),
                      status=IN_STOCK if in_stock else SHIPPED, location_id=location_id, customer_id=customer_id,
                      unit_cost=cost, warranty_id=item.warranty_id, warranty_start=warranty_start,
                      warranty_end=warranty_end_, notes=notes)
    session.add(unit)
    session.flush()
    session.add(SerialHistory(serial_unit_id=unit.id, transaction_type="created", date=on, status=unit.status,
                              location_id=location_id, customer_id=customer_id, user_id=user_id))
    if in_stock:
        add_layer(session, item.id, None, 1, cost)
        change_item_stock(item, 1, cost)
    session.flush()
    return unit
