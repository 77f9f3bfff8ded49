"""Serial history is append-only: posting adds rows; nothing edits or deletes them."""
from sos_serial.errors import Conflict
from sos_serial.hookspecs import hookimpl


@hookimpl
def validate_history_write(kind, posting):
    if kind in ("update", "delete"):
        raise Conflict("Serial history is a permanent record: its rows can be neither changed nor deleted.")
    if not posting:
        raise Conflict("Serial history rows are written only by posting a transaction or editing a unit.")
