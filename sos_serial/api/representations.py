"""The API's JSON shapes of items, warranties, serial units and transactions (API.md)."""
from __future__ import annotations

from sos_serial.engine.queries import line_serials
from sos_serial.extensions import db
from sos_serial.money import format_money


def iso(value):
    return value.isoformat() if value is not None else None


def item_json(item) -> dict:
    return {"id": item.id, "name": item.name, "sku": item.sku, "description": item.description,
            "track_serials": item.track_serials, "warranty_id": item.warranty_id, "cost": format_money(item.cost),
            "quantity_on_hand": item.quantity_on_hand, "value": format_money(item.value)}


def named_json(record) -> dict:
    return {"id": record.id, "name": record.name}


def warranty_json(warranty) -> dict:
    return {"id": warranty.id, "name": warranty.name, "duration": warranty.duration, "unit": warranty.unit,
            "terms": warranty.terms}


def serial_unit_json(unit) -> dict:
    return {"id": unit.id, "item_id": unit.item_id, "item_name": unit.item.name,
            "serial_number": unit.serial_number, "status": unit.status, "location_id": unit.location_id,
            "customer_id": unit.customer_id, "unit_cost": format_money(unit.unit_cost),
            "warranty_id": unit.warranty_id, "warranty_name": unit.warranty.name if unit.warranty else None,
            "warranty_start": iso(unit.warranty_start), "warranty_end": iso(unit.warranty_end),
            "notes": unit.notes, "version": unit.version}


def transaction_json(document) -> dict:
    serials = line_serials(db.session, [line.id for line in document.lines]) if document.lines else {}
    return {
        "id": document.id, "type": document.type, "number": document.number, "date": iso(document.date),
        "vendor_id": document.vendor_id, "customer_id": document.customer_id,
        "location_id": document.location_id, "to_location_id": document.to_location_id,
        "memo": document.memo, "created_at": iso(document.created_at),
        "lines": [{"id": line.id, "item_id": line.item_id, "quantity": line.quantity,
                   "unit_cost": format_money(line.unit_cost), "cost": format_money(line.cost), "role": line.role,
                   "serials": serials.get(line.id, [])} for line in document.lines],
    }


def history_json(row) -> dict:
    entry = {"date": iso(row.date), "transaction_id": row.transaction_id, "transaction_type": row.transaction_type,
             "status": row.status, "location_id": row.location_id, "customer_id": row.customer_id,
             "user_id": row.user_id, "recorded_at": iso(row.recorded_at)}
    if row.changes is not None:
        entry["changes"] = row.changes
    return entry


def page_json(items, total, page, per_page) -> dict:
    return {"items": items, "total": total, "page": page, "per_page": per_page}
