"""Random sequences of every transaction kind, valid and invalid, with the books checked after each step.

A Hypothesis state machine posts receipts (typed, auto-numbered and CSV serials, re-entries),
shipments, transfers, adjustments in and out, returns, pick tickets, rentals, rental returns,
builds and processes, some through ``post_transaction`` and some through
``POST /api/v1/transactions``, and deliberately wrong documents among them (serials that are
elsewhere, unknown, missing, repeated, already in stock, badly written; more plain units than
are on hand). It keeps its own model of where every unit and piece is, from the documents alone,
and after every step checks (issue 3, "Tests"; DESIGN.md rules 2, 3, 8, 9 and 11):

- each unit is in exactly one place, consistent with its status, and where the model says;
- an item's quantity on hand equals its units in stock (tracked) or its stock levels (plain),
  its open cost layers hold exactly what is on hand, and its value is what is in stock (the units'
  own costs with "value serials by specific ID", the open layers by FIFO; never value without stock);
- replaying each unit's history, row by row against the documents that moved it, gives its
  current status, location and customer;
- a refused posting is refused with the right status and changed nothing at all;
- the `check` command's invariants (engine/invariants.py) hold over the whole database.

Each Hypothesis example works on locations, customers and items of its own (unique names), so
examples share one app and one database without touching each other's figures; each example
also draws the company's auto-numbering mode and valuation settings.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from operator import attrgetter
from types import SimpleNamespace

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from sos_serial.api.schemas.transactions import read_document
from sos_serial.engine.invariants import find_problems
from sos_serial.engine.posting import post_transaction
from sos_serial.errors import Conflict, InvalidInput, SerialInventoryError
from sos_serial.extensions import db
from sos_serial.models import (
    ApiToken,
    CostLayer,
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
    User,
    Vendor,
    Warranty,
)
from sos_serial.models.serial_unit import (
    ADJUSTED_OUT,
    IN_STOCK,
    RENTED,
    SHIPPED,
    USED,
    serial_key,
)

DATE = "2026-04-01"
LEFT_STOCK = (SHIPPED, ADJUSTED_OUT, USED)
OUTBOUND_KINDS = ("shipment", "transfer", "pick_ticket", "rental", "adjustment", "build", "process",
                  "return", "rental_return")
STATUS_OF_ERROR = {Conflict: 409, InvalidInput: 422}
_examples = itertools.count(1)
SERIAL = attrgetter("serial")  # not a lambda: Hypothesis would parse its source to describe it


@dataclass
class Unit:
    serial: str          # as stored: the spelling first received
    status: str
    location: int | None
    customer: int | None

    @property
    def place(self) -> tuple:
        return (self.status, self.location, self.customer)


class InventoryMachine(RuleBasedStateMachine):
    """One small company per example; the test sets ``app``, ``token`` and ``user_id``."""

    app = None
    token = None
    user_id = None

    def __init__(self):
        super().__init__()
        self.context = self.app.app_context()
        self.context.push()
        self.session = db.session
        self.client = self.app.test_client()
        self.user = SimpleNamespace(id=self.user_id)
        tag = f"x{next(_examples)}"
        self.tag = tag
        self.numbers = itertools.count(1)
        warranty = Warranty(name=f"One year {tag}", duration=1, unit="years")
        locations = [Location(name=f"Main {tag}"), Location(name=f"Showroom {tag}")]
        customers = [Customer(name=f"Acme {tag}"), Customer(name=f"Baker {tag}")]
        vendor = Vendor(name=f"Vendor {tag}")
        tracked = [Item(name=f"Mantel clock {tag}", track_serials=True, cost=Decimal("149.99"), warranty=warranty),
                   Item(name=f"Wall clock {tag}", track_serials=True, cost=Decimal("20.50"))]
        plain = [Item(name=f"Clock oil {tag}", cost=Decimal("4.25")), Item(name=f"Pendulum {tag}", cost=Decimal("7"))]
        self.session.add_all([warranty, *locations, *customers, vendor, *tracked, *plain])
        self.session.commit()
        self.locations = [r.id for r in locations]
        self.customers = [r.id for r in customers]
        self.vendor = vendor.id
        self.tracked = [r.id for r in tracked]
        self.plain = [r.id for r in plain]
        self.items = self.tracked + self.plain
        self.names = {r.id: r.name for r in tracked + plain}
        self.units: dict[int, dict[str, Unit]] = {item: {} for item in self.tracked}  # item -> key -> unit
        self.stock = {(item, loc): 0 for item in self.plain for loc in self.locations}
        self.session.rollback()

    def teardown(self):
        self.session.rollback()
        db.session.remove()
        self.context.pop()

    @initialize(mode=st.sampled_from(["sequential", "random"]), specific_id=st.booleans(),
                method=st.sampled_from(["fifo", "average"]))
    def company_settings(self, mode, specific_id, method):
        current = Settings.current(self.session)
        current.auto_serial_enabled = True
        current.auto_serial_mode = mode
        current.auto_serial_prefix = "A-"
        current.auto_serial_length = 6
        current.value_serials_by_specific_id = specific_id
        current.valuation_method = method
        self.session.commit()
        self.specific_id, self.method = specific_id, method

    # ------------------------------------------------------------------ the model
    def new_serial(self, data) -> str:
        serial = f"SN{self.tag}-{next(self.numbers)}"
        return data.draw(st.sampled_from([serial, serial.lower(), f" {serial} "]), label="new serial")

    def spelled(self, data, serial: str) -> str:
        """An existing serial as a clerk might type or scan it: any letter case, stray spaces."""
        return data.draw(st.sampled_from([serial, serial.upper(), serial.lower(), f"{serial} "]), label="typed")

    def units_at(self, item, status, place) -> list[Unit]:
        column = "location" if status == IN_STOCK else "customer"
        return [u for u in self.units[item].values()
                if u.status == status and (status not in (IN_STOCK, SHIPPED, RENTED) or getattr(u, column) == place)]

    def left_stock(self, item) -> list[Unit]:
        return [u for u in self.units[item].values() if u.status in LEFT_STOCK]

    def anything_in_stock(self) -> bool:
        return any(u.status == IN_STOCK for units in self.units.values() for u in units.values()) \
            or any(self.stock.values())

    def anything_with(self, status) -> bool:
        return any(u.status == status for units in self.units.values() for u in units.values())

    def places_with_stock(self) -> list[int]:
        return [loc for loc in self.locations
                if any(self.units_at(item, IN_STOCK, loc) for item in self.tracked)
                or any(self.stock[(item, loc)] for item in self.plain)]

    def customers_with(self, status) -> list[int]:
        return [c for c in self.customers if any(self.units_at(item, status, c) for item in self.tracked)]

    # ------------------------------------------------------------------ building documents
    def inbound_lines(self, data, role=None, items=None) -> list[dict]:
        """At least one inbound line: new serials (typed, auto or CSV), re-entries, plain pieces."""
        items = list(items if items is not None else self.items)
        # An item may come on two lines of one document.
        chosen = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=len(items) + 1),
                           label="inbound items")
        lines, coming_back = [], set()
        for item in chosen:
            line = {"item_id": item}
            if role:
                line["role"] = role
            if data.draw(st.booleans(), label="unit cost given"):
                line["unit_cost"] = data.draw(st.sampled_from(["0", "12.5", "99.99", 3]), label="unit cost")
            if item in self.plain:
                line["quantity"] = data.draw(st.integers(1, 5), label="pieces")
                lines.append(line)
                continue
            source = data.draw(st.sampled_from(["typed", "auto", "csv"]), label="serial source")
            if source == "auto":
                line.update(quantity=data.draw(st.integers(1, 3), label="auto count"), auto_serials=True)
                lines.append(line)
                continue
            serials = [self.new_serial(data) for _ in range(data.draw(st.integers(0, 3), label="new count"))]
            back = [u for u in self.left_stock(item) if (item, u.serial) not in coming_back]
            if back:
                again = data.draw(st.lists(st.sampled_from(back), max_size=2, unique_by=SERIAL), label="re-entries")
                coming_back.update((item, u.serial) for u in again)
                serials += [self.spelled(data, u.serial) for u in again]
            if not serials:
                serials = [self.new_serial(data)]
            serials = data.draw(st.permutations(serials), label="order")
            line["quantity"] = len(serials)
            if source == "csv":
                header = data.draw(st.sampled_from(["", "Serial Number\r\n", "S/N\n"]), label="csv header")
                line["serials_csv"] = header + "\n".join(serials) + "\n"
            else:
                line["serials"] = serials
            lines.append(line)
        return lines

    def picked_lines(self, data, status, place, *, plain=True, sign=1, role=None, items=None) -> list[dict]:
        """Lines naming units that are where the document takes them from (status at place)."""
        items = list(items if items is not None else self.items)
        lines = []
        for item in items:
            line = {"item_id": item}
            if role:
                line["role"] = role
            if item in self.plain:
                on_hand = self.stock[(item, place)] if plain and status == IN_STOCK else 0
                if on_hand:
                    pieces = data.draw(st.integers(0, min(on_hand, 4)), label="pieces taken")
                    for part in self.split(data, list(range(pieces))):
                        lines.append({**line, "quantity": sign * len(part)})
                continue
            there = self.units_at(item, status, place)
            if there:
                picked = data.draw(st.lists(st.sampled_from(there), max_size=3, unique_by=SERIAL),
                                   label="units taken")
                for part in self.split(data, picked):
                    lines.append({**line, "quantity": sign * len(part),
                                  "serials": [self.spelled(data, u.serial) for u in part]})
        if not lines:  # take at least one thing that is there
            for item in items:
                there = self.units_at(item, status, place) if item in self.tracked else []
                if there:
                    return [{"item_id": item, "quantity": sign, "serials": [there[0].serial],
                             **({"role": role} if role else {})}]
                if item in self.plain and plain and status == IN_STOCK and self.stock[(item, place)]:
                    return [{"item_id": item, "quantity": sign, **({"role": role} if role else {})}]
        return lines

    @staticmethod
    def split(data, taken: list) -> list[list]:
        """What one item's line takes, sometimes spread over two lines of the same item."""
        if len(taken) >= 2 and data.draw(st.booleans(), label="two lines"):
            cut = data.draw(st.integers(1, len(taken) - 1), label="cut")
            return [taken[:cut], taken[cut:]]
        return [taken] if taken else []

    # ------------------------------------------------------------------ posting
    def snapshot(self) -> dict:
        """Row counts of every table, and every row that holds this example's stock and settings."""
        s = self.session
        tables = db.metadata.sorted_tables
        counted = s.execute(select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))).one()
        counts = dict(zip((t.name for t in tables), counted))
        ours = {
            "items": select(Item.__table__).where(Item.id.in_(self.items)),
            "units": select(SerialUnit.__table__).where(SerialUnit.item_id.in_(self.tracked)),
            "stock": select(StockLevel.__table__).where(StockLevel.item_id.in_(self.plain)),
            "layers": select(CostLayer.__table__).where(CostLayer.item_id.in_(self.items)),
            "settings": select(Settings.__table__),
        }
        rows = {name: sorted((tuple(r) for r in s.execute(query)), key=repr) for name, query in ours.items()}
        s.rollback()
        return {"counts": counts, **rows}

    def post(self, data, doc: dict, refused=None, naming: str | None = None):
        """Post ``doc``; ``refused`` is the error class it must get, or None if it must post."""
        doc = {"date": DATE, **doc}
        before = self.snapshot() if refused is not None else None
        answered = None  # the API's answer: each line's serials
        if data.draw(st.booleans(), label="through the API"):
            response = self.client.post("/api/v1/transactions", json=doc,
                                        headers={"Authorization": f"Bearer {self.token}"})
            body = response.get_json()
            if refused is None:
                assert response.status_code == 201, (doc, response.status_code, body)
                posted_id, answered = body["id"], [line["serials"] for line in body["lines"]]
            else:
                assert response.status_code == STATUS_OF_ERROR[refused], (doc, response.status_code, body)
                assert response.mimetype == "application/problem+json"
                message = body["detail"] + " " + " ".join(e["message"] for e in body["errors"])
        else:
            try:
                document = post_transaction(self.session, read_document(doc), self.user)
            except SerialInventoryError as exc:
                assert refused is not None, f"a valid document was refused: {exc.message}\n{doc}"
                assert isinstance(exc, refused), (type(exc).__name__, exc.message, doc)
                message = exc.message + " " + " ".join(e.message for e in exc.errors)
            else:
                assert refused is None, f"an invalid document posted as {document.number}:\n{doc}"
                posted_id = document.id
        if refused is not None:
            if naming is not None:
                assert naming.strip().casefold() in message.casefold(), (naming, message)
            assert self.snapshot() == before, f"a refused posting changed the database:\n{doc}"
            return
        posted = self.posted_serials(posted_id)
        if answered is not None:
            assert [sorted(serials) for serials in answered] == \
                [sorted(posted.get(index, [])) for index in range(len(doc["lines"]))], (answered, posted)
        self.apply(doc, posted)

    def posted_serials(self, document_id) -> dict[int, list[str]]:
        """{line index: serials as stored} of a posted document."""
        rows = self.session.execute(
            select(TransactionLine.line_no, SerialUnit.serial_number)
            .join(TransactionLineSerial, TransactionLineSerial.line_id == TransactionLine.id)
            .join(SerialUnit, SerialUnit.id == TransactionLineSerial.serial_unit_id)
            .where(TransactionLine.transaction_id == document_id))
        found: dict[int, list[str]] = {}
        for line_no, serial in rows:
            found.setdefault(line_no - 1, []).append(serial)
        self.session.rollback()
        return found

    def apply(self, doc: dict, posted: dict[int, list[str]]) -> None:
        """Move the model as the document says (API.md, "Where serials go")."""
        kind, loc, to, customer = doc["type"], doc.get("location_id"), doc.get("to_location_id"), doc.get("customer_id")
        for index, line in enumerate(doc["lines"]):
            item, quantity = line["item_id"], line["quantity"]
            inbound = kind == "item_receipt" or (kind == "adjustment" and quantity > 0) or line.get("role") == "output"
            taking = kind in ("shipment", "rental", "transfer") or (kind == "adjustment" and quantity < 0) \
                or line.get("role") == "input"
            if item in self.plain:
                assert index not in posted
                if kind == "pick_ticket":
                    continue
                if taking:
                    self.stock[(item, loc)] -= abs(quantity)
                if kind == "transfer":
                    self.stock[(item, to)] += quantity
                elif not taking:
                    self.stock[(item, loc)] += quantity
                continue
            stored = posted.get(index, [])
            assert len(stored) == abs(quantity), (line, stored)
            if "serials" in line or "serials_csv" in line:
                typed = line.get("serials") or [r for r in line["serials_csv"].splitlines()
                                                 if r and r not in ("Serial Number", "S/N")]
                assert sorted(map(serial_key, stored)) == sorted(map(serial_key, typed)), (line, stored)
            units = self.units[item]
            for serial in stored:
                key = serial_key(serial)
                if inbound:
                    if key in units:
                        assert units[key].status in LEFT_STOCK and units[key].serial == serial
                        units[key].status, units[key].location, units[key].customer = IN_STOCK, loc, None
                    else:
                        assert not line.get("auto_serials") or serial.startswith("A-"), serial
                        units[key] = Unit(serial, IN_STOCK, loc, None)
                    continue
                unit = units[key]
                assert unit.serial == serial
                target = {
                    "shipment": (SHIPPED, None, customer), "rental": (RENTED, None, customer),
                    "transfer": (IN_STOCK, to, None), "return": (IN_STOCK, loc, None),
                    "rental_return": (IN_STOCK, loc, None), "adjustment": (ADJUSTED_OUT, None, None),
                    "build": (USED, None, None), "process": (USED, None, None),
                    "pick_ticket": unit.place,
                }[kind]
                unit.status, unit.location, unit.customer = target

    # ------------------------------------------------------------------ valid documents
    @rule(data=st.data())
    def receive(self, data):
        self.post(data, {"type": "item_receipt", "vendor_id": self.vendor,
                         "location_id": data.draw(st.sampled_from(self.locations)),
                         "lines": self.inbound_lines(data)})

    def take_from_stock(self, data, kind):
        loc = data.draw(st.sampled_from(self.places_with_stock()), label="from")
        doc = {"type": kind, "location_id": loc, "lines": self.picked_lines(data, IN_STOCK, loc)}
        if kind in ("shipment", "rental"):
            doc["customer_id"] = data.draw(st.sampled_from(self.customers), label="customer")
        if kind == "transfer":
            doc["to_location_id"] = next(other for other in self.locations if other != loc)
        self.post(data, doc)

    @precondition(lambda self: self.anything_in_stock())
    @rule(data=st.data())
    def ship(self, data):
        self.take_from_stock(data, "shipment")

    @precondition(lambda self: self.anything_in_stock())
    @rule(data=st.data())
    def rent(self, data):
        self.take_from_stock(data, "rental")

    @precondition(lambda self: self.anything_in_stock())
    @rule(data=st.data())
    def transfer(self, data):
        self.take_from_stock(data, "transfer")

    @precondition(lambda self: self.anything_in_stock())
    @rule(data=st.data())
    def pick(self, data):
        self.take_from_stock(data, "pick_ticket")

    @rule(data=st.data(), inbound=st.booleans(), outbound=st.booleans())
    def adjust(self, data, inbound, outbound):
        loc = data.draw(st.sampled_from(self.places_with_stock() or self.locations), label="at")
        lines = self.inbound_lines(data) if inbound or not self.anything_in_stock() else []
        if outbound and loc in self.places_with_stock():
            lines += self.picked_lines(data, IN_STOCK, loc, sign=-1)
        if not lines:
            lines = self.inbound_lines(data)
        self.post(data, {"type": "adjustment", "location_id": loc,
                         "lines": data.draw(st.permutations(lines), label="line order")})

    def take_back(self, data, kind, status):
        customer = data.draw(st.sampled_from(self.customers_with(status)), label="customer")
        lines = self.picked_lines(data, status, customer, plain=False)
        if data.draw(st.booleans(), label="new unit cost"):
            lines = [{**line, "unit_cost": "55.5"} for line in lines]
        self.post(data, {"type": kind, "customer_id": customer, "lines": lines,
                         "location_id": data.draw(st.sampled_from(self.locations), label="into")})

    @precondition(lambda self: self.anything_with(SHIPPED))
    @rule(data=st.data())
    def take_back_shipped(self, data):
        self.take_back(data, "return", SHIPPED)

    @precondition(lambda self: self.anything_with(RENTED))
    @rule(data=st.data())
    def take_back_rented(self, data):
        self.take_back(data, "rental_return", RENTED)

    @precondition(lambda self: self.anything_in_stock())
    @rule(data=st.data(), kind=st.sampled_from(["build", "process"]))
    def build(self, data, kind):
        loc = data.draw(st.sampled_from(self.places_with_stock()), label="at")
        inputs = self.picked_lines(data, IN_STOCK, loc, role="input")
        outputs = self.inbound_lines(data, role="output")
        lines = data.draw(st.permutations(inputs + outputs), label="line order")
        self.post(data, {"type": kind, "location_id": loc, "lines": lines})

    # ------------------------------------------------------------------ invalid documents
    @rule(data=st.data(), mistake=st.sampled_from(["unavailable", "unknown", "repeated_picked", "too_many"]))
    def refused_taking(self, data, mistake):
        self.refuse(data, mistake)

    @rule(data=st.data(), mistake=st.sampled_from([
        "missing", "repeated_new", "already_here", "plain_with_serials", "bad_text"]))
    def refused_receiving(self, data, mistake):
        self.refuse(data, mistake)

    def refuse(self, data, mistake):
        """Post a document with exactly one mistake, among valid lines, and expect its refusal."""
        loc = data.draw(st.sampled_from(self.locations), label="at")
        customer = data.draw(st.sampled_from(self.customers), label="customer")
        item = data.draw(st.sampled_from(self.tracked), label="item")
        others = [i for i in self.items if i != item]
        naming = None
        kind = data.draw(st.sampled_from(OUTBOUND_KINDS), label="kind")
        if mistake in ("unavailable", "unknown", "repeated_picked"):
            status, place = ((SHIPPED, customer) if kind == "return" else (RENTED, customer)
                             if kind == "rental_return" else (IN_STOCK, loc))
            elsewhere = [u for u in self.units[item].values() if (u.status, u.location if status == IN_STOCK
                                                                  else u.customer) != (status, place)]
            here = self.units_at(item, status, place)
            if mistake == "repeated_picked" and here:
                unit = data.draw(st.sampled_from(here), label="unit")
                serials, error = [unit.serial, self.spelled(data, unit.serial)], Conflict
            elif mistake == "unavailable" and elsewhere:
                unit = data.draw(st.sampled_from(elsewhere), label="unit")
                serials, error, naming = [self.spelled(data, unit.serial)], Conflict, unit.serial
            else:
                naming = f"NEVER{self.tag}-{next(self.numbers)}"
                serials, error = [naming], Conflict
            role = "input" if kind in ("build", "process") else None
            sign = -1 if kind == "adjustment" else 1
            bad = {"item_id": item, "quantity": sign * len(serials), "serials": serials}
            extra = self.picked_lines(data, status, place, plain=kind not in ("return", "rental_return"),
                                      sign=sign, role=role, items=others) if data.draw(st.booleans()) else []
            doc = self.outbound_doc(kind, loc, customer)
        elif mistake == "too_many":
            kind = data.draw(st.sampled_from(["shipment", "transfer", "rental", "adjustment", "build", "pick_ticket"]))
            item = data.draw(st.sampled_from(self.plain), label="plain item")
            sign = -1 if kind == "adjustment" else 1
            bad = {"item_id": item, "quantity": sign * (self.stock[(item, loc)] + data.draw(st.integers(1, 3)))}
            role = "input" if kind == "build" else None
            extra = self.picked_lines(data, IN_STOCK, loc, sign=sign, role=role, items=[i for i in self.tracked])
            doc, error = self.outbound_doc(kind, loc, customer), Conflict
        else:
            kind = data.draw(st.sampled_from(["item_receipt", "adjustment", "build", "process"]), label="kind")
            role = "output" if kind in ("build", "process") else None
            extra = self.inbound_lines(data, role=role, items=others) if data.draw(st.booleans()) else []
            doc = {"type": kind, "location_id": loc}
            if mistake == "missing":
                given = [self.new_serial(data) for _ in range(data.draw(st.integers(0, 2)))]
                bad = {"item_id": item, "quantity": len(given) + data.draw(st.integers(1, 3)), "serials": given}
                error = InvalidInput
            elif mistake == "repeated_new":
                serial = self.new_serial(data)
                bad = {"item_id": item, "quantity": 3, "serials": [serial, self.new_serial(data), serial.upper()]}
                error, naming = Conflict, serial.strip()
            elif mistake == "already_here":
                present = [u for u in self.units[item].values() if u.status in (IN_STOCK, RENTED)]
                if present:
                    unit = data.draw(st.sampled_from(present), label="unit")
                    bad = {"item_id": item, "quantity": 1, "serials": [self.spelled(data, unit.serial)]}
                    error, naming = Conflict, unit.serial
                else:  # nothing to collide with yet: more serials than the quantity instead
                    bad = {"item_id": item, "quantity": 1, "serials": [self.new_serial(data), self.new_serial(data)]}
                    error = InvalidInput
            elif mistake == "plain_with_serials":
                item = data.draw(st.sampled_from(self.plain), label="plain item")
                extra = [line for line in extra if line["item_id"] != item]
                bad = {"item_id": item, "quantity": 1, "serials": [self.new_serial(data)]}
                error = InvalidInput
            else:  # bad_text
                text = data.draw(st.sampled_from(["TAB\tSN", "LINE\nBREAK", "X" * 65, "   "]), label="bad serial")
                bad = {"item_id": item, "quantity": 1, "serials": [text]}
                error = InvalidInput
        if role:
            bad["role"] = role
            if kind in ("build", "process") and not any(li.get("role") == "output" for li in extra + [bad]):
                extra = extra + [{"item_id": self.plain[0], "quantity": 1, "role": "output"}]
        lines = data.draw(st.permutations(extra + [bad]), label="line order")
        self.post(data, {**doc, "lines": lines}, refused=error, naming=naming)

    def outbound_doc(self, kind, loc, customer) -> dict:
        doc = {"type": kind, "location_id": loc}
        if kind in ("shipment", "rental", "return", "rental_return"):
            doc["customer_id"] = customer
        if kind == "transfer":
            doc["to_location_id"] = next(other for other in self.locations if other != loc)
        return doc

    # ------------------------------------------------------------------ the books
    @invariant()
    def books_balance(self):
        s = self.session
        rows = s.execute(select(SerialUnit.id, SerialUnit.item_id, SerialUnit.serial_number, SerialUnit.serial_key,
                                SerialUnit.status, SerialUnit.location_id, SerialUnit.customer_id,
                                SerialUnit.unit_cost).where(SerialUnit.item_id.in_(self.tracked))).all()
        # Each unit is in exactly one place, the one its status says, and the one the model says.
        stored = {}
        for row in rows:
            if row.status == IN_STOCK:
                assert row.location_id in self.locations and row.customer_id is None, row
            elif row.status in (SHIPPED, RENTED):
                assert row.customer_id in self.customers and row.location_id is None, row
            else:
                assert row.status in (USED, ADJUSTED_OUT) and row.location_id is None and row.customer_id is None, row
            stored[(row.item_id, row.serial_key)] = (row.serial_number, row.status, row.location_id, row.customer_id)
        expected = {(item, key): (u.serial, *u.place) for item, units in self.units.items() for key, u in units.items()}
        assert stored == expected

        # Quantity on hand, value and cost layers.
        items = {i.id: i for i in s.execute(select(Item.id, Item.quantity_on_hand, Item.value)
                                            .where(Item.id.in_(self.items)))}
        layers = dict(s.execute(select(CostLayer.item_id, func.sum(CostLayer.quantity_remaining))
                                .where(CostLayer.item_id.in_(self.items)).group_by(CostLayer.item_id)).all())
        fifo = dict.fromkeys(self.items, Decimal(0))  # what the open layers hold
        for item, remaining, cost in s.execute(select(CostLayer.item_id, CostLayer.quantity_remaining,
                                                      CostLayer.unit_cost).where(CostLayer.item_id.in_(self.items))):
            fifo[item] += remaining * cost
        for item in self.tracked:
            in_stock = [r for r in rows if r.item_id == item and r.status == IN_STOCK]
            assert items[item].quantity_on_hand == len(in_stock), (self.names[item], items[item])
            if self.specific_id:  # the value is the in-stock units' own costs
                assert items[item].value == sum((r.unit_cost for r in in_stock), Decimal(0)), self.names[item]
            elif self.method == "fifo":
                assert items[item].value == fifo[item], (self.names[item], items[item].value, fifo[item])
        levels = {(r.item_id, r.location_id): r.quantity for r in s.execute(
            select(StockLevel.item_id, StockLevel.location_id, StockLevel.quantity)
            .where(StockLevel.item_id.in_(self.plain)))}
        for item in self.plain:
            for loc in self.locations:
                assert levels.get((item, loc), 0) == self.stock[(item, loc)], (self.names[item], loc)
            assert items[item].quantity_on_hand == sum(q for (i, _), q in levels.items() if i == item)
            if self.method == "fifo":
                assert items[item].value == fifo[item], (self.names[item], items[item].value, fifo[item])
        for item in self.items:
            # Every valuation: the open layers hold exactly what is on hand, and no value without stock.
            assert (layers.get(item) or 0) == items[item].quantity_on_hand, self.names[item]
            assert items[item].value >= 0, (self.names[item], items[item])
            assert items[item].quantity_on_hand or not items[item].value, (self.names[item], items[item])

        self.check_history([r.id for r in rows], {r.id: (r.status, r.location_id, r.customer_id) for r in rows})
        s.rollback()

    @invariant()
    def check_command_finds_nothing(self):
        # The whole database, every example's records so far: what `flask check` runs (sos_serial/engine/invariants.py).
        report = find_problems(self.session)
        assert report.clean, [str(finding) for finding in report.findings]

    def check_history(self, unit_ids, current) -> None:
        """Replay each unit's history against the documents that moved it."""
        s = self.session
        if not unit_ids:
            return
        lines = {}  # (unit, document) -> (type, location, to, customer, quantity, role)
        for r in s.execute(
                select(TransactionLineSerial.serial_unit_id, Transaction.id, Transaction.type, Transaction.location_id,
                       Transaction.to_location_id, Transaction.customer_id, TransactionLine.quantity,
                       TransactionLine.role)
                .join(TransactionLine, TransactionLine.id == TransactionLineSerial.line_id)
                .join(Transaction, Transaction.id == TransactionLine.transaction_id)
                .where(TransactionLineSerial.serial_unit_id.in_(unit_ids))):
            assert (r[0], r[1]) not in lines, f"unit {r[0]} is on two lines of document {r[1]}"
            lines[(r[0], r[1])] = tuple(r[2:])
        history: dict[int, list] = {unit_id: [] for unit_id in unit_ids}
        for r in s.execute(select(SerialHistory.serial_unit_id, SerialHistory.transaction_id,
                                  SerialHistory.transaction_type, SerialHistory.status, SerialHistory.location_id,
                                  SerialHistory.customer_id)
                           .where(SerialHistory.serial_unit_id.in_(unit_ids)).order_by(SerialHistory.id)):
            history[r[0]].append(tuple(r[1:]))
        for unit_id, rows in history.items():
            moved_by = {doc for (unit, doc), line in lines.items() if unit == unit_id and line[0] != "pick_ticket"}
            assert sorted(row[0] for row in rows) == sorted(moved_by), (unit_id, rows, moved_by)
            state = None
            for document_id, kind, status, loc, customer in rows:
                doc_kind, doc_loc, to, doc_customer, quantity, role = lines[(unit_id, document_id)]
                assert kind == doc_kind
                before, after = _transition(doc_kind, doc_loc, to, doc_customer, quantity, role)
                if before is None:  # new serial: a first receipt, or a re-entry of a unit that left stock
                    assert state is None or state[0] in LEFT_STOCK, (unit_id, state, kind)
                else:
                    assert state == before, (unit_id, state, kind, before)
                assert (status, loc, customer) == after, (unit_id, kind, (status, loc, customer), after)
                state = after
            assert state == current[unit_id], (unit_id, state, current[unit_id])


def _transition(kind, loc, to, customer, quantity, role):
    """(where the unit must be before, where it is after) for a document that moved it; None = new."""
    stock_at = (IN_STOCK, loc, None)
    if kind == "item_receipt" or (kind == "adjustment" and quantity > 0) or role == "output":
        return None, stock_at
    return {
        "shipment": (stock_at, (SHIPPED, None, customer)),
        "rental": (stock_at, (RENTED, None, customer)),
        "transfer": (stock_at, (IN_STOCK, to, None)),
        "adjustment": (stock_at, (ADJUSTED_OUT, None, None)),
        "build": (stock_at, (USED, None, None)),
        "process": (stock_at, (USED, None, None)),
        "return": ((SHIPPED, None, customer), stock_at),
        "rental_return": ((RENTED, None, customer), stock_at),
    }[kind]


def test_random_postings_keep_every_unit_and_figure_straight(app):
    with app.app_context():
        Settings.current(db.session)
        db.session.commit()
        clerk = User(username="stateful-clerk", role="clerk")
        clerk.password_hash = "not-a-usable-hash"  # the clerk uses a token; hashing is slow
        record, token = ApiToken.issue(clerk)
        db.session.add_all([clerk, record])
        db.session.commit()
        user_id = clerk.id
        db.session.remove()

    class Machine(InventoryMachine):
        pass

    Machine.app, Machine.token, Machine.user_id = app, token, user_id
    run_state_machine_as_test(Machine, settings=settings(
        max_examples=15, stateful_step_count=25, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]))
