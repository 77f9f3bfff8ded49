"""Adding one unit directly, at a location or as a historical unit at a customer, on the posting's stock functions."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sos_serial.database.session_rules import rules_of
from sos_serial.engine.custom_fields import NO_CUSTOM_FIELDS, CustomFields, check_custom_fields
from sos_serial.engine.gs1 import UnreadableScan, gtin_mismatch, read_scanned_serial
from sos_serial.engine.plan_gating import require_serial_tracking
from sos_serial.engine.unit_of_work import unit_of_work
from sos_serial.engine.valuation import add_layer, change_item_stock
from sos_serial.engine.warranty_dates import implausible_warranty_dates, warranty_end
from sos_serial.errors import Conflict, FieldError, InvalidInput, SerialInventoryError
from sos_serial.models import Customer, Item, Location, SerialHistory, SerialUnit
from sos_serial.models.serial_unit import IN_STOCK, RENTED, SHIPPED, looks_alike, serial_key
from sos_serial.money import to_money

from .context import is_serial_taken


def create_serial_unit(session, *, item_id, serial_number, location_id=None, customer_id=None, unit_cost=None,
                       warranty_start=None, warranty_end=None, notes=None, user=None, on=None,
                       custom_fields=None, fields: CustomFields = NO_CUSTOM_FIELDS) -> SerialUnit:
    """Add one unit directly: in stock at a location, or a historical unit at a customer (shipped).

    The unit gets its first history row ("created"); a unit in stock adds to the item's
    quantity and value like a one-unit receipt, through the posting's own stock functions.
    ``custom_fields`` are checked against the app's ``fields`` as a direct create: required
    serial-unit fields must be given, and locked ones may not be.
    """
    from datetime import date as date_type

    def conflict(exc: IntegrityError) -> SerialInventoryError:
        if is_serial_taken(exc):
            return Conflict(f"Serial {serial_number.strip()} already exists for this item.")
        return Conflict("This unit conflicts with a record saved at the same moment; nothing was saved.")

    with unit_of_work(session, conflict, posting=True):
        unit = _create_unit(session, item_id, serial_number, location_id, customer_id, unit_cost,
                            warranty_start, warranty_end, notes, getattr(user, "id", None), on or date_type.today(),
                            custom_fields, fields)
    return unit


def _create_unit(session, item_id, serial_number, location_id, customer_id, unit_cost, warranty_start,
                 warranty_end_, notes, user_id, on, custom_fields, fields) -> SerialUnit:
    require_serial_tracking(session, "No serial unit was added")
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
    try:
        scan = read_scanned_serial(serial_number)
    except UnreadableScan as exc:
        raise InvalidInput(exc.message, [FieldError("serial_number", exc.message)]) from None
    if scan.gtin14 is not None and scan.gtin14 != item.gtin14:
        holder = session.scalar(select(Item).where(Item.gtin14 == scan.gtin14)) if item.gtin14 else None
        message = gtin_mismatch(scan, item, holder).replace("the line's item", "the item")
        raise InvalidInput(message, [FieldError("serial_number", message)])
    serial = scan.serial.strip()
    try:
        rules_of(session).validate_serial_numbers(session=session, item=item, serial_numbers=[serial], document=None,
                                                  line=None, new_serials=True)
    except InvalidInput as exc:
        raise InvalidInput(exc.message, [FieldError("serial_number", exc.message)]) from None
    existing = session.scalars(select(SerialUnit).where(
        SerialUnit.item_id == item.id, SerialUnit.serial_key == serial_key(serial))).one_or_none()
    if existing is not None:
        same = (f"{serial} looks the same as {existing.serial_number}, already a unit of {item.name}"
                if looks_alike(serial, existing.serial_number) else
                f"{existing.serial_number} of {item.name} already exists")
        raise Conflict(f"{same}: it is "
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
    if customer_id is not None and warranty_start and warranty_end_ is None and item.warranty is not None:
        # A historical unit's warranty ran from the start given for its item's warranty, as a shipment's would;
        # the end stays editable on the unit afterwards.
        try:
            warranty_end_ = warranty_end(warranty_start, item.warranty)
        except InvalidInput as exc:
            problems.append(FieldError("warranty_start", exc.message))
    if warranty_start and warranty_end_ and warranty_end_ < warranty_start:
        problems.append(FieldError("warranty_end", "The warranty cannot end before it starts."))
    problems += implausible_warranty_dates(serial, warranty_start, warranty_end_)
    if problems:
        raise InvalidInput(problems[0].message, problems)
    values = check_custom_fields(fields, "serial_unit", f"Serial {serial} of {item.name}", custom_fields,
                                 creating=True)
    in_stock = location_id is not None
    unit = SerialUnit(item=item, serial_number=serial, serial_key=serial_key(serial),
                      status=IN_STOCK if in_stock else SHIPPED, location_id=location_id, customer_id=customer_id,
                      unit_cost=cost, warranty_id=item.warranty_id, warranty_start=warranty_start,
                      warranty_end=warranty_end_, notes=notes, custom_fields=values, **scan.unit_data)
    session.add(unit)
    session.flush()
    session.add(SerialHistory(serial_unit_id=unit.id, transaction_type="created", date=on, status=unit.status,
                              location_id=location_id, customer_id=customer_id, user_id=user_id))
    if in_stock:
        add_layer(session, item.id, None, 1, cost)
        change_item_stock(item, 1, cost)
    session.flush()
    return unit
