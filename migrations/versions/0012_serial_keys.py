"""serial keys: every stored serial key recomputed, look-alike characters folded (UTS #39)

Revision ID: 0012_serial_keys
Revises: 0011_sign_in_failures
Create Date: 2026-12-01

A serial's key is now its NFKC, case-folded form with look-alike characters mapped
(``models/serial_key.py``). An all-ASCII serial keeps the key it had; a serial with other characters may
get a new one. If two units of one item would share a key (``CLK-0002`` and ``СLK-0002`` with a Cyrillic
С), the upgrade stops before writing anything and lists them: which physical unit each one is, only a
person can say. Rename one of each pair (its serial number, in SQL, keeping its history), then upgrade
again. The downgrade puts back the plain case-folded keys.
"""
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

from sos_serial.models.serial_key import serial_key

# revision identifiers, used by Alembic.
revision = '0012_serial_keys'
down_revision = '0011_sign_in_failures'
branch_labels = None
depends_on = None

UNITS = sa.table("serial_units", sa.column("id", sa.Integer), sa.column("item_id", sa.Integer),
                 sa.column("serial_number", sa.String), sa.column("serial_key", sa.String))
ITEMS = sa.table("items", sa.column("id", sa.Integer), sa.column("name", sa.String))
BATCH = 5000


class LookalikeSerials(RuntimeError):
    """Units of one item whose serials now share a key; nothing was changed."""


def upgrade():
    _rekey(serial_key)


def downgrade():
    _rekey(lambda serial: serial.strip().casefold())


def _rekey(key_of):
    conn = op.get_bind()
    changed = {}  # unit id -> (item id, new key)
    for unit_id, item_id, serial, stored in conn.execute(sa.select(UNITS.c.id, UNITS.c.item_id,
                                                                   UNITS.c.serial_number, UNITS.c.serial_key)):
        if not serial.isascii():  # an ASCII serial's key is the same under either rule
            key = key_of(serial)
            if key != stored:
                changed[unit_id] = (item_id, key)
    if not changed:
        return
    _refuse_lookalikes(conn, changed)
    # The unique index is rebuilt after the keys change: one key moving onto another's old value
    # must not trip over it halfway.
    with op.batch_alter_table("serial_units") as batch_op:
        batch_op.drop_index("uq_serial_units_item_serial_key")
    ids = list(changed)
    for start in range(0, len(ids), BATCH):
        conn.execute(sa.update(UNITS).where(UNITS.c.id == sa.bindparam("unit_id"))
                     .values(serial_key=sa.bindparam("new_key")),
                     [{"unit_id": unit_id, "new_key": changed[unit_id][1]} for unit_id in ids[start:start + BATCH]])
    with op.batch_alter_table("serial_units") as batch_op:
        batch_op.create_index("uq_serial_units_item_serial_key", ["item_id", "serial_key"], unique=True)


def _refuse_lookalikes(conn, changed):
    """Stop, naming every group of units that would share a key, before anything is written."""
    wanted = defaultdict(set)  # item id -> the new keys
    for item_id, key in changed.values():
        wanted[item_id].add(key)
    holders = defaultdict(list)  # (item id, key) -> [(unit id, serial)]
    for unit_id, item_id, serial, stored in conn.execute(sa.select(UNITS.c.id, UNITS.c.item_id,
                                                                   UNITS.c.serial_number, UNITS.c.serial_key)
                                                         .where(UNITS.c.item_id.in_(list(wanted)))):
        key = changed[unit_id][1] if unit_id in changed else stored
        if key in wanted[item_id]:
            holders[item_id, key].append((unit_id, serial))
    clashes = {where: units for where, units in holders.items() if len(units) > 1}
    if not clashes:
        return
    names = dict(conn.execute(sa.select(ITEMS.c.id, ITEMS.c.name).where(
        ITEMS.c.id.in_(sorted({item_id for item_id, _ in clashes})))).all())
    listed = "\n".join(
        f"  {names.get(item_id, f'item {item_id}')} (item {item_id}): "
        + ", ".join(f"{serial!r} (unit {unit_id})" for unit_id, serial in sorted(units))
        for (item_id, _), units in sorted(clashes.items()))
    raise LookalikeSerials(
        f"Serial numbers that look the same now share a key, and each item keeps one unit per key:\n{listed}\n"
        "Nothing was changed. Give one unit of each group a serial number of its own (in SQL: change "
        "serial_units.serial_number of that unit's id; its history stays), then run the upgrade again.")
