"""Stock counts by scanning: start a count at a location, scan serials into it, read where it stands, close it.

What is expected is what the location holds now: a count starts from the units in stock there, and every
figure after that (the live totals, the lists, the close) reads the units' places anew, so a unit shipped
from the location while the count is open is no longer missing, and a unit moved in meanwhile is expected.
A scan is one indexed look-up by serial key and one insert; the unique (count, key) index makes two clerks
scanning the same unit at once one scan. Closing posts, through ``post_transaction`` only, a transfer in per
other location units were found from, one adjustment out for the missing units, and one adjustment in for
units found that had left stock and, when the clerk names their item, the unknown serials.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from sos_serial.database.constraints import constraint_name
from sos_serial.engine.custom_fields import NO_CUSTOM_FIELDS, CustomFields
from sos_serial.engine.gs1 import UnreadableScan, may_be_scan, read_scanned_serial
from sos_serial.engine.limits import Limits
from sos_serial.engine.posting import post_transaction
from sos_serial.engine.posting_request import LineRequest, PostingRequest
from sos_serial.engine.serial_csv import decode_csv, serial_column
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.errors import Conflict, FieldError, InvalidInput, NotFound
from sos_serial.limits import SERIAL_MAX_LENGTH
from sos_serial.models import (
    Customer,
    Item,
    Location,
    SerialUnit,
    Settings,
    StockCount,
    StockCountDocument,
    StockCountScan,
)
from sos_serial.models.serial_key import is_invisible, serial_key
from sos_serial.models.serial_unit import ADJUSTED_OUT, IN_STOCK, RENTED, SHIPPED, STATUS_LABELS, USED
from sos_serial.models.stock_count import CANCELLED as COUNT_CANCELLED
from sos_serial.models.stock_count import CLOSED as COUNT_CLOSED
from sos_serial.models.stock_count import NUMBER_PREFIX, OPEN
from sos_serial.models.stock_count_document import FOUND, MISSING, TRANSFER
from sos_serial.models.stock_count_scan import COUNTED, ELSEWHERE, UNKNOWN

ALREADY_SCANNED = "already_scanned"
REFUSED = "refused"
# What a scan answers: the three a scan records, and the two it does not.
SCAN_ANSWERS = (COUNTED, ELSEWHERE, UNKNOWN, ALREADY_SCANNED, REFUSED)
# The lists of the live view.
COUNTED_LIST, MISSING_LIST, FOUND_LIST = "counted", "missing", "found"
LISTS = (COUNTED_LIST, MISSING_LIST, FOUND_LIST)
# Units that left stock and may come back by an adjustment in, as the same unit with its history continued.
RETURNABLE = (SHIPPED, USED, ADJUSTED_OUT)
# Serials one insert carries: well below SQLite's limit of bound values.
CHUNK = 500
SHOWN = 10


def counted_serial(text: str) -> tuple[str, str | None]:
    """The serial a scan (or typed entry) stands for, trimmed, and why it cannot be counted (None when it can).

    Every serial a count takes in, from the scan box, a batch or a CSV file, passes here: a GS1 barcode
    counts the serial of its AI 21 (engine/gs1.py), any other text is the serial as typed."""
    if may_be_scan(text):
        try:
            text = read_scanned_serial(text).serial
        except UnreadableScan as exc:
            return text.strip(), exc.message
    serial = text.strip()
    return serial, serial_problem(serial)


def serial_problem(serial: str) -> str | None:
    """Why ``serial`` cannot be a serial number, in the clerk's words, or None."""
    if not serial:
        return "An empty scan: nothing to count."
    if len(serial) > SERIAL_MAX_LENGTH:
        return f"{serial[:24]}... is {len(serial)} characters long; serial numbers have at most {SERIAL_MAX_LENGTH}."
    if not serial.isprintable() or (not serial.isascii() and any(is_invisible(ch) for ch in serial)):
        return f"{serial!r} holds a control or invisible character; scan it again."
    return None


# ------------------------------------------------------------------------------------------------ starting
def start_count(session, location_id: int, user=None) -> StockCount:
    """Open a count at the location; refused while another count is open there."""
    if session.get(Location, location_id) is None:
        raise InvalidInput("There is no such location.", [FieldError("location_id", "There is no such location.")])
    user_id = getattr(user, "id", None)
    with unit_of_work(session, _open_count_conflict):
        already = _open_count_at(session, location_id)
        if already is not None:
            raise _already_open(already)
        expected = session.scalar(select(func.count()).select_from(SerialUnit).where(*_at(location_id)))
        count = StockCount(location_id=location_id, status=OPEN, expected_at_start=expected, started_by_id=user_id)
        session.add(count)
        session.flush()
        count.number = f"{NUMBER_PREFIX}{count.id:05d}"
    return count


def _open_count_at(session, location_id: int) -> StockCount | None:
    return session.scalar(select(StockCount).where(StockCount.location_id == location_id, StockCount.status == OPEN))


def _already_open(count: StockCount) -> Conflict:
    message = (f"Count {count.number} is still open at {count.location.name}: scan into it, or close or cancel it "
               "before starting another.")
    return Conflict(message, [FieldError("location_id", message)])


def _open_count_conflict(exc: IntegrityError) -> Conflict:
    if constraint_name(exc) in ("uq_stock_counts_open_location", "stock_counts.location_id"):
        return Conflict("Another count was just started at this location: scan into it instead.",
                        [FieldError("location_id", "A count is already open at this location.")])
    return Conflict("This count conflicts with a change saved at the same moment; nothing was saved. Try again.")


def cancel_count(session, count_id: int, user=None) -> StockCount:
    """Cancel an open count: its scans are kept for reference, nothing is posted."""
    with unit_of_work(session):
        count = _open(session, count_id, "cancelled")
        count.status = COUNT_CANCELLED
        count.closed_by_id = getattr(user, "id", None)
        count.closed_at = func.now()
    session.refresh(count)
    return count


def get_count(session, count_id: int) -> StockCount:
    count = session.get(StockCount, count_id)
    if count is None:
        raise NotFound(f"There is no stock count {count_id}.")
    return count


def _open(session, count_id: int, doing: str) -> StockCount:
    count = session.get(StockCount, count_id, with_for_update=True, populate_existing=True)
    if count is None:
        raise NotFound(f"There is no stock count {count_id}.")
    if count.status != OPEN:
        raise Conflict(f"Count {count.number} is {count.status_label.lower()}; it cannot be {doing}.")
    return count


def _at(location_id: int):
    return SerialUnit.status == IN_STOCK, SerialUnit.location_id == location_id


# ------------------------------------------------------------------------------------------------ scanning
@dataclass
class Scan:
    """What one scanned serial turned out to be, and where the system places its unit."""

    serial_number: str
    result: str
    message: str
    unit_id: int | None = None
    item_id: int | None = None
    item_name: str | None = None
    status: str | None = None
    location_id: int | None = None
    customer_id: int | None = None
    place: str | None = None


@dataclass
class Totals:
    """Where a count stands: units expected here now, counted, still missing, found that should not be here."""

    expected: int
    counted: int
    missing: int
    found_elsewhere: int
    unknown: int
    scanned: int


@dataclass
class ScanReport:
    scans: list[Scan]
    totals: Totals


@dataclass
class _Unit:
    id: int
    item_id: int
    item_name: str
    status: str
    location_id: int | None
    customer_id: int | None
    location_name: str | None
    customer_name: str | None

    @property
    def place(self) -> str:
        if self.status == IN_STOCK:
            return f"in stock at {self.location_name}"
        if self.status == SHIPPED:
            return f"shipped to {self.customer_name}"
        if self.status == RENTED:
            return f"out on rental to {self.customer_name}"
        return STATUS_LABELS.get(self.status, self.status).lower()


def scan_serials(session, count_id: int, texts: list[str], user=None) -> ScanReport:
    """Scan ``texts`` into the count, in order; each answers counted, found elsewhere, unknown, already
    scanned or refused. The accepted ones are saved together; a bad scan refuses only itself."""
    user_id = getattr(user, "id", None)
    with unit_of_work(session):
        count = session.get(StockCount, count_id)
        if count is None:
            raise NotFound(f"There is no stock count {count_id}.")
        if count.status != OPEN:
            raise Conflict(f"Count {count.number} is {count.status_label.lower()}: it takes no more scans.")
        location_id = count.location_id
        answers: list[Scan | None] = []
        wanted: dict[str, int] = {}  # key -> index of its first scan in this batch
        for index, text in enumerate(texts):
            serial, problem = counted_serial(text)
            if problem is not None:
                answers.append(Scan(serial, REFUSED, problem))
                continue
            key = serial_key(serial)
            if key in wanted:
                answers.append(Scan(serial, ALREADY_SCANNED, f"{serial} was already scanned into this count."))
                continue
            wanted[key] = index
            answers.append(None)
        units = _units_by_key(session, list(wanted), location_id)
        rows = []
        for key, index in wanted.items():
            serial, _ = counted_serial(texts[index])
            unit = units.get(key)
            answers[index] = scan = _classified(serial, unit, location_id)
            rows.append({"count_id": count_id, "serial_number": serial, "serial_key": key,
                         "unit_id": unit.id if unit else None, "result": scan.result, "scanned_by_id": user_id})
        inserted = _insert_new(session, rows)
        for key, index in wanted.items():
            if key not in inserted:
                serial = answers[index].serial_number
                answers[index] = Scan(serial, ALREADY_SCANNED, f"{serial} was already scanned into this count.")
        found = {result: sum(1 for scan in answers if scan.result == result) for result in (COUNTED, ELSEWHERE,
                                                                                              UNKNOWN)}
        # Added to what is stored, in the statement itself: a clerk scanning at the same moment adds too.
        figures = session.execute(update(StockCount).where(StockCount.id == count_id).values(
            scanned=StockCount.scanned + len(inserted),
            scanned_counted=StockCount.scanned_counted + found[COUNTED],
            scanned_elsewhere=StockCount.scanned_elsewhere + found[ELSEWHERE],
            scanned_unknown=StockCount.scanned_unknown + found[UNKNOWN])
            .returning(*AS_SCANNED).execution_options(synchronize_session=False)).one()
    return ScanReport(answers, _as_scanned(*figures))


def _units_by_key(session, keys: list[str], location_id: int) -> dict[str, _Unit]:
    """The unit each key names; where units of several items share a serial, the one in stock here first,
    then one in stock elsewhere, then the most recent."""
    found: dict[str, _Unit] = {}
    for start in range(0, len(keys), CHUNK):
        rows = session.execute(
            select(SerialUnit.serial_key, SerialUnit.id, SerialUnit.item_id, Item.name, SerialUnit.status,
                   SerialUnit.location_id, SerialUnit.customer_id, Location.name, Customer.name)
            .join(Item, Item.id == SerialUnit.item_id)
            .outerjoin(Location, Location.id == SerialUnit.location_id)
            .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
            .where(SerialUnit.serial_key.in_(keys[start:start + CHUNK])))
        for key, *values in rows:
            unit = _Unit(*values)
            if key not in found or _preference(unit, location_id) < _preference(found[key], location_id):
                found[key] = unit
    return found


def _preference(unit: _Unit, location_id: int) -> tuple:
    return (unit.status != IN_STOCK or unit.location_id != location_id, unit.status != IN_STOCK, -unit.id)


def _classified(serial: str, unit: _Unit | None, location_id: int) -> Scan:
    if unit is None:
        return Scan(serial, UNKNOWN, f"{serial}: unknown serial, no unit has it.")
    here = unit.status == IN_STOCK and unit.location_id == location_id
    result = COUNTED if here else ELSEWHERE
    message = (f"{serial} ({unit.item_name}) counted." if here
               else f"{serial} ({unit.item_name}) should not be here: the system has it {unit.place}.")
    return Scan(serial, result, message, unit.id, unit.item_id, unit.item_name, unit.status, unit.location_id,
                unit.customer_id, unit.place)


def _insert_new(session, rows: list[dict]) -> set[str]:
    """Insert the scans no one has made yet; the keys inserted. A scan another clerk saved first, a moment
    before, is skipped by the unique (count, key) index, not refused."""
    if not rows:
        return set()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # One statement, cached once compiled, its rows sent as the driver's batches; RETURNING names the rows
    # written, so a key another clerk wrote first is simply not among them.
    statement = (dialect.insert(StockCountScan).on_conflict_do_nothing(index_elements=["count_id", "serial_key"])
                 .returning(StockCountScan.serial_key))
    return set(session.execute(statement, rows).scalars())


# ------------------------------------------------------------------------------------------------ reading
def totals_as_scanned(session, count_id: int) -> Totals:
    """The figures as the scans found the units, read from the count's own row: what a scan answers with.

    ``expected`` is what the location held at the start; a unit moved since is counted where ``totals``
    finds it, which the live view and the close read."""
    return _as_scanned(*session.execute(select(*AS_SCANNED).where(StockCount.id == count_id)).one())


AS_SCANNED = (StockCount.expected_at_start, StockCount.scanned, StockCount.scanned_counted,
              StockCount.scanned_elsewhere, StockCount.scanned_unknown)


def _as_scanned(expected: int, scanned: int, counted: int, elsewhere: int, unknown: int) -> Totals:
    return Totals(expected=expected, counted=counted, missing=max(expected - counted, 0), found_elsewhere=elsewhere,
                  unknown=unknown, scanned=scanned)


def totals(session, count_id: int) -> Totals:
    """The count's figures as the units stand now, by query."""
    count = get_count(session, count_id)
    location_id = count.location_id
    mine = StockCountScan.count_id == count_id
    expected = session.scalar(select(func.count()).select_from(SerialUnit).where(*_at(location_id)))
    scanned = session.scalar(select(func.count()).select_from(StockCountScan).where(mine))
    unknown = session.scalar(select(func.count()).select_from(StockCountScan)
                             .where(mine, StockCountScan.unit_id.is_(None)))
    counted = session.scalar(select(func.count()).select_from(StockCountScan)
                             .join(SerialUnit, SerialUnit.id == StockCountScan.unit_id)
                             .where(mine, *_at(location_id)))
    return Totals(expected=expected, counted=counted, missing=expected - counted,
                  found_elsewhere=scanned - unknown - counted, unknown=unknown, scanned=scanned)


@dataclass
class ListedSerial:
    """One row of a live list: the serial, its unit (if any) and where the system places it now."""

    serial_number: str
    unit_id: int | None
    item_id: int | None
    item_name: str | None
    status: str | None
    location_id: int | None
    customer_id: int | None
    place: str
    scanned_at: object = None


def listed(session, count_id: int, which: str, page: int, per_page: int) -> tuple[list[ListedSerial], int]:
    """One page of a live list (``counted``, ``missing`` or ``found``) and how many rows the list has."""
    count = get_count(session, count_id)
    location_id = count.location_id
    mine = StockCountScan.count_id == count_id
    columns = (SerialUnit.serial_number, SerialUnit.id, SerialUnit.item_id, Item.name, SerialUnit.status,
               SerialUnit.location_id, SerialUnit.customer_id, Location.name, Customer.name)
    if which == MISSING_LIST:
        scanned = exists().where(mine, StockCountScan.unit_id == SerialUnit.id)
        conditions = (*_at(location_id), ~scanned)
        total = session.scalar(select(func.count()).select_from(SerialUnit).where(*conditions))
        rows = session.execute(select(*columns).join(Item, Item.id == SerialUnit.item_id)
                               .outerjoin(Location, Location.id == SerialUnit.location_id)
                               .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
                               .where(*conditions).order_by(SerialUnit.id)
                               .limit(per_page).offset((page - 1) * per_page))
        return [_listed(row, None) for row in rows], total
    here = and_(SerialUnit.status == IN_STOCK, SerialUnit.location_id == location_id)
    condition = here if which == COUNTED_LIST else ~func.coalesce(here, False)
    base = (select(StockCountScan.serial_number, *columns[1:], StockCountScan.scanned_at)
            .outerjoin(SerialUnit, SerialUnit.id == StockCountScan.unit_id)
            .outerjoin(Item, Item.id == SerialUnit.item_id)
            .outerjoin(Location, Location.id == SerialUnit.location_id)
            .outerjoin(Customer, Customer.id == SerialUnit.customer_id)
            .where(mine, condition))
    total = session.scalar(select(func.count()).select_from(base.subquery()))
    rows = session.execute(base.order_by(StockCountScan.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return [_listed(row[:9], row[9]) for row in rows], total


def _listed(row, scanned_at) -> ListedSerial:
    serial, unit_id, item_id, item_name, status, location_id, customer_id, location_name, customer_name = row
    if unit_id is None:
        place = "unknown serial"
    else:
        place = _Unit(unit_id, item_id, item_name, status, location_id, customer_id, location_name,
                      customer_name).place
    return ListedSerial(serial, unit_id, item_id, item_name, status, location_id, customer_id, place, scanned_at)


def count_documents(session, count_id: int) -> list[StockCountDocument]:
    return list(session.scalars(select(StockCountDocument).where(StockCountDocument.count_id == count_id)
                                .order_by(StockCountDocument.transaction_id)))


# ------------------------------------------------------------------------------------------------ closing
@dataclass
class ClosePlan:
    """What a close would post, read from the units as they stand now."""

    missing: dict[int, list[str]] = field(default_factory=dict)  # item -> serials in stock here, not scanned
    from_elsewhere: dict[int, dict[int, list[str]]] = field(default_factory=dict)  # location -> item -> serials
    returning: dict[int, list[str]] = field(default_factory=dict)  # item -> serials of units that left stock
    rented: list[str] = field(default_factory=list)  # out on rental: a rental return brings them back
    unknown: list[str] = field(default_factory=list)  # serials no unit has


def close_plan(session, count: StockCount) -> ClosePlan:
    plan = ClosePlan()
    location_id = count.location_id
    mine = StockCountScan.count_id == count.id
    scanned = exists().where(mine, StockCountScan.unit_id == SerialUnit.id)
    missing = defaultdict(list)
    for item_id, serial in session.execute(select(SerialUnit.item_id, SerialUnit.serial_number)
                                           .where(*_at(location_id), ~scanned).order_by(SerialUnit.id)):
        missing[item_id].append(serial)
    plan.missing = dict(missing)
    here = and_(SerialUnit.status == IN_STOCK, SerialUnit.location_id == location_id)
    found = session.execute(select(SerialUnit.id, SerialUnit.item_id, SerialUnit.serial_number, SerialUnit.status,
                                   SerialUnit.location_id)
                            .join(StockCountScan, StockCountScan.unit_id == SerialUnit.id)
                            .where(mine, ~here).order_by(StockCountScan.id)).all()
    # A serial unknown when scanned may have been received since: it is then that unit.
    unknown_scans = session.execute(select(StockCountScan.serial_number, StockCountScan.serial_key)
                                    .where(mine, StockCountScan.unit_id.is_(None)).order_by(StockCountScan.id)).all()
    known_now = _units_by_key(session, [key for _, key in unknown_scans], location_id)
    rows = [(unit.id, unit.item_id, serial, unit.status, unit.location_id) for serial, key in unknown_scans
            if (unit := known_now.get(key)) is not None and not (unit.status == IN_STOCK
                                                                  and unit.location_id == location_id)]
    plan.unknown = [serial for serial, key in unknown_scans if key not in known_now]
    elsewhere: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    returning = defaultdict(list)
    for _, item_id, serial, status, unit_location in [*found, *rows]:
        if status == IN_STOCK:
            elsewhere[unit_location][item_id].append(serial)
        elif status in RETURNABLE:
            returning[item_id].append(serial)
        else:
            plan.rented.append(serial)
    plan.from_elsewhere = {place: dict(items) for place, items in elsewhere.items()}
    plan.returning = dict(returning)
    return plan


@dataclass
class CloseReport:
    count: StockCount
    documents: list[StockCountDocument]
    left_unposted: list[str]  # serials listed, not posted: unknown ones without an item, rented units


def close_count(session, count_id: int, user=None, *, on: date, unknown_item_id: int | None = None,
                scans_seen: int | None = None, limits: Limits | None = None,
                fields: CustomFields = NO_CUSTOM_FIELDS) -> CloseReport:
    """Close an open count, posting what it found. ``scans_seen`` is how many scans the clerk saw when
    confirming: a count that took more since is refused, to be looked at again. ``unknown_item_id`` is
    the item the unknown serials are received as; without it they stay listed on the count, unposted.

    Each document is posted on its own; a refusal (a unit moved by another clerk meanwhile) stops the
    close with the count still open and what was posted recorded, and closing again carries on from
    there, since every figure is read from the units as they stand."""
    count = get_count(session, count_id)
    if count.status != OPEN:
        raise Conflict(f"Count {count.number} is already {count.status_label.lower()}.")
    if unknown_item_id is not None:
        item = session.get(Item, unknown_item_id)
        if item is None or not item.track_serials:
            message = "Choose a serial-tracked item for the unknown serials."
            raise InvalidInput(message, [FieldError("unknown_item_id", message)])
    if scans_seen is not None:
        now = session.scalar(select(func.count()).select_from(StockCountScan)
                             .where(StockCountScan.count_id == count_id))
        if now != scans_seen:
            raise Conflict(f"Count {count.number} has {now} scans now, not the {scans_seen} you confirmed: "
                           "look at the totals again, then close.")
    # A serial unknown when scanned and received since (here or elsewhere) is that unit now: linked first,
    # so a unit received here is counted, not taken out as missing.
    with unit_of_work(session):
        _link_received_serials(session, count)
    plan = close_plan(session, count)
    limits = limits or Limits()
    name = f"Stock count {count.number} at {count.location.name}"
    documents = []
    for source, items in sorted(plan.from_elsewhere.items()):
        where = session.get(Location, source).name
        documents += _post(session, count, TRANSFER, "transfer", items, on, user, limits, fields,
                           memo=f"{name}: units found here that were recorded at {where}",
                           location_id=source, to_location_id=count.location_id)
    if plan.missing:
        documents += _post(session, count, MISSING, "adjustment", plan.missing, on, user, limits, fields,
                           memo=f"{name}: units missing", sign=-1, location_id=count.location_id)
    found = {item_id: list(serials) for item_id, serials in plan.returning.items()}
    if unknown_item_id is not None and plan.unknown:
        found.setdefault(unknown_item_id, []).extend(plan.unknown)
    if found:
        documents += _post(session, count, FOUND, "adjustment", found, on, user, limits, fields,
                           memo=f"{name}: units found that were not in stock", location_id=count.location_id)
    with unit_of_work(session):
        count = _open(session, count_id, "closed")
        _link_received_serials(session, count)
        count.status = COUNT_CLOSED
        count.closed_by_id = getattr(user, "id", None)
        count.closed_at = func.now()
    session.refresh(count)
    left = list(plan.rented) + ([] if unknown_item_id is not None else list(plan.unknown))
    return CloseReport(count, count_documents(session, count_id), left)


def _link_received_serials(session, count: StockCount) -> None:
    """Scans of serials unknown when scanned that name a unit now (received by the close, or meanwhile)
    point at it, so the closed count reads them as counted; their result stays what the scan found."""
    unknown = session.execute(select(StockCountScan.id, StockCountScan.serial_key)
                              .where(StockCountScan.count_id == count.id, StockCountScan.unit_id.is_(None))).all()
    units = _units_by_key(session, [key for _, key in unknown], count.location_id)
    for scan_id, key in unknown:
        if key in units:
            session.execute(update(StockCountScan).where(StockCountScan.id == scan_id)
                            .values(unit_id=units[key].id))


def _post(session, count, purpose, kind, items: dict[int, list[str]], on, user, limits, fields, *, memo,
          sign=1, **parties) -> list[StockCountDocument]:
    """Post ``items``' serials as documents of ``kind``, as few as the document limits allow, each recorded
    on the count as soon as it is posted."""
    made = []
    for lines in _documents(session, items, limits):
        request = PostingRequest(type=kind, date=on, memo=memo, lines=[
            LineRequest(index=index, item_id=item_id, quantity=sign * len(serials), serials=serials)
            for index, (item_id, serials) in enumerate(lines)], **parties)
        document = post_transaction(session, request, user, limits, fields=fields)
        with unit_of_work(session):
            link = StockCountDocument(count_id=count.id, transaction_id=document.id, purpose=purpose)
            session.add(link)
        made.append(link)
    return made


def _documents(session, items: dict[int, list[str]], limits: Limits):
    """The lines, split so that no document carries more serials or lines than the company allows."""
    allowed = limits.with_settings(Settings.current(session))
    most_serials, most_lines = allowed.serials_per_document, allowed.lines_per_document
    lines, carried = [], 0
    for item_id, serials in sorted(items.items()):
        for start in range(0, len(serials), most_serials):
            part = serials[start:start + most_serials]
            if lines and (carried + len(part) > most_serials or len(lines) >= most_lines):
                yield lines
                lines, carried = [], 0
            lines.append((item_id, part))
            carried += len(part)
    if lines:
        yield lines


def serials_of_file(data: bytes | str, field: str = "file") -> list[str]:
    """The serials of an uploaded file, one a row as a receipt's file is read (the first column, or the one
    headed serial / S/N); a row repeating an earlier one is scanned again and answers "already scanned"."""
    return serial_column(decode_csv(data, field), field).serials
