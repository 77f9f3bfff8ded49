"""Quantity on hand and value change only by posting a transaction: never by editing or bulk edits."""
from sos_serial.errors import Conflict
from sos_serial.hookspecs import hookimpl

STOCK_COLUMNS = ("quantity_on_hand", "value")
_STOCK_TABLES = {"stock_levels", "cost_layers"}


@hookimpl
def validate_item_change(item, changes, posting):
    if posting:
        return
    moved = [c for c in STOCK_COLUMNS if c in changes and (changes[c][0] is not None or changes[c][1])]
    if moved:
        raise Conflict(
            f"The {' and '.join(c.replace('_', ' ') for c in moved)} of {item.name} change only by "
            "posting a transaction: use an item receipt or an adjustment."
        )


@hookimpl
def validate_bulk_statement(table, columns, kind, posting):
    if posting:
        return
    if table == "items" and kind == "update":
        moved = [c for c in STOCK_COLUMNS if c in columns]
        if moved:
            raise Conflict(
                "A bulk edit cannot change items' quantity on hand or value. Post an adjustment "
                "for each item instead."
            )
        if "track_serials" in columns:
            raise Conflict(
                "Serial tracking is turned on or off one item at a time, on the item's own page, "
                "so that each item can be checked for stock on hand."
            )
    if table in _STOCK_TABLES:
        raise Conflict("Stock levels and cost layers change only by posting a transaction.")
