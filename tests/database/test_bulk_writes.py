"""The posting's bulk writes: values stored exactly, and every reference still checked.

On PostgreSQL the posting copies rows with the per-row foreign-key triggers off when it can
check the references itself (sos_serial/database/trigger_switch.py); these tests hold it to the same guarantees
the triggers give, and show where it must leave the triggers on.
"""
import uuid
from contextlib import contextmanager

import pytest
from flask import current_app
from sqlalchemy import create_engine, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from sos_serial.database import trigger_switch
from sos_serial.database.bulk_insert import bulk_insert
from sos_serial.database.guard import posting_scope
from sos_serial.database.statements import one_of
from sos_serial.errors import Conflict
from sos_serial.hookspecs import hookimpl
from sos_serial.models import SerialHistory, SerialUnit, TransactionLineSerial
from sos_serial.plugins import EXTENSION_KEY
from tests.support.world import count, receive, receive_plain, ship, unit

# Characters each storage path must carry through untouched: COPY's escapes (backslash, tab
# sequences written as text), JSON's (quotes, backslash), and text beyond ASCII.
AWKWARD_SERIALS = ["C:\\SN\\0001", 'QUOTE"D-02', "TAB\\tLIKE-03", "ÄÖÜ-ß-04", "雪-05", "\\N", "\\.", "END\\"]


def assert_deleting_waits(database_url, table, record_id):
    """Another connection trying to delete the row waits on this transaction's lock (given up after 1 s)."""
    other = create_engine(database_url)
    try:
        with other.connect() as conn:
            conn.execute(text("SET lock_timeout = '1s'"))
            with pytest.raises(OperationalError, match="lock timeout"):
                conn.execute(text(f"DELETE FROM {table} WHERE id = :id"), {"id": record_id})
    finally:
        other.dispose()


@contextmanager
def logging_trigger(session, table, event, logged):
    """An integrator's row trigger on ``table`` copying ``logged`` (SQL over NEW) into trigger_log."""
    session.execute(text("CREATE TABLE trigger_log (value text)"))
    session.execute(text("CREATE FUNCTION log_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                         f"INSERT INTO trigger_log VALUES ({logged}); RETURN NEW; END $$"))
    session.execute(text(f"CREATE TRIGGER log_row AFTER {event} ON {table} FOR EACH ROW EXECUTE FUNCTION log_row()"))
    session.commit()
    try:
        yield
    finally:
        session.rollback()
        session.execute(text(f"DROP TRIGGER log_row ON {table}"))
        session.execute(text("DROP FUNCTION log_row()"))
        session.execute(text("DROP TABLE trigger_log"))
        session.commit()


def test_awkward_serials_are_stored_and_found_exactly(co, session):
    receive(co.clock, AWKWARD_SERIALS, co.main)
    stored = session.scalars(select(SerialUnit.serial_number).where(SerialUnit.item_id == co.clock)).all()
    assert sorted(stored) == sorted(AWKWARD_SERIALS)
    # ...and an outbound posting finds each one by its key.
    ship(co.clock, AWKWARD_SERIALS, co.main, co.acme)
    assert {unit(co.clock, s).status for s in AWKWARD_SERIALS} == {"shipped"}


def test_one_of_matches_long_lists_of_ids_and_serials(co, session):
    serials = [f"LONG-{n:05d}" for n in range(3000)]
    receive(co.clock, serials, co.main)
    ids = session.scalars(select(SerialUnit.id).where(SerialUnit.item_id == co.clock)).all()
    wanted = ids[::2] + [10**12]  # an id that does not exist matches nothing
    assert session.scalar(select(func.count()).where(one_of(session, SerialUnit.id, wanted))) == len(ids[::2])
    keys = [s.casefold() for s in serials[1::3]] + ["not-there", "with\x1fseparator"]
    found = session.scalars(select(SerialUnit.serial_key).where(one_of(session, SerialUnit.serial_key, keys))).all()
    assert sorted(found) == sorted(keys[:-2])


def test_a_row_naming_a_missing_location_is_refused_and_nothing_is_written(co, session):
    units_before = count(SerialUnit)
    next_id = session.scalar(select(func.max(SerialUnit.id))) or 0
    rows = [(next_id + 1, "GHOST-1", "ghost-1"), (next_id + 2, "GHOST-2", "ghost-2")]
    same = {"item_id": co.clock, "status": "in_stock", "location_id": 987654, "unit_cost": 0}
    expected = Conflict if session.get_bind().dialect.name == "postgresql" else IntegrityError
    with pytest.raises(expected) as refused:
        bulk_insert(session, SerialUnit.__table__, ["id", "serial_number", "serial_key"], rows, same=same)
    if expected is Conflict:
        assert "(locations id 987654)" in refused.value.message
    session.rollback()
    assert count(SerialUnit) == units_before


@pytest.mark.postgresql_only
def test_a_location_in_use_by_an_open_posting_cannot_be_deleted_meanwhile(co, session, database_url):
    # The lock the skipped trigger would have taken: until the posting ends, nobody may delete
    # the location its new rows name (the deleting side waits, and here gives up after 1 s).
    spare = session.execute(text("INSERT INTO locations (name, created_at) VALUES ('Spare Room', now()) "
                                 "RETURNING id")).scalar()
    session.commit()
    next_id = session.scalar(select(func.max(SerialUnit.id))) or 0
    bulk_insert(session, SerialUnit.__table__, ["id", "serial_number", "serial_key"],
                [(next_id + 1, "HELD-1", "held-1")],
                same={"item_id": co.clock, "status": "in_stock", "location_id": spare, "unit_cost": 0})
    assert_deleting_waits(database_url, "locations", spare)
    session.rollback()


@pytest.mark.postgresql_only
def test_an_insert_trigger_of_an_integrator_still_fires_for_every_unit(co, session):
    with logging_trigger(session, "serial_history", "INSERT", "NEW.serial_unit_id"):
        receive(co.clock, [f"LOG-{n}" for n in range(25)], co.main)
        assert session.scalar(text("SELECT count(*) FROM trigger_log")) == 25
        assert count(SerialHistory) == 25


@pytest.mark.postgresql_only
def test_the_triggers_stay_on_for_a_role_that_may_not_switch_them_off(session, database_url):
    role = f"sos_serial_clerk_{uuid.uuid4().hex[:8]}"
    session.execute(text(f"CREATE ROLE {role} LOGIN"))
    session.commit()
    engine = create_engine(database_url.replace("postgres@", f"{role}@", 1))
    try:
        def decided() -> bool:
            with engine.connect() as conn:
                cursor = conn.connection.dbapi_connection.cursor()
                return trigger_switch._references_checked_here(conn, cursor, trigger_switch.Write(
                    SerialHistory.__table__, trigger_switch.INSERT, ("serial_unit_id",), {"transaction_id": 1, "location_id": 1},
                    ("serial_unit_id",)))

        assert decided() is False
        session.execute(text(f"GRANT SET ON PARAMETER session_replication_role TO {role}"))
        session.commit()
        assert decided() is True
    finally:
        engine.dispose()
        session.rollback()
        session.execute(text(f"REVOKE SET ON PARAMETER session_replication_role FROM {role}"))
        session.execute(text(f"DROP ROLE {role}"))
        session.commit()


def test_a_column_not_held_keeps_its_check(co, session):
    # A pick ticket names units it does not move, so it holds no lock on them: the line links
    # it writes must be checked row by row, and a unit that does not exist is refused.
    line_id = receive_plain(co.oil, 1, co.main).lines[0].id
    with pytest.raises(IntegrityError):
        bulk_insert(session, TransactionLineSerial.__table__, ["serial_unit_id"], [(10**9,)],
                    same={"line_id": line_id})
    session.rollback()


def test_moving_units_to_a_missing_customer_is_refused(co, session):
    receive(co.clock, ["MOVE-1"], co.main)
    moved = unit(co.clock, "MOVE-1").id
    values = {"status": "shipped", "location_id": None, "customer_id": 987654}
    expected = Conflict if session.get_bind().dialect.name == "postgresql" else IntegrityError
    with pytest.raises(expected) as refused, posting_scope(session):
        with trigger_switch.keys_checked_once(session, trigger_switch.Write(SerialUnit.__table__, trigger_switch.UPDATE, same=values)):
            session.execute(update(SerialUnit).where(SerialUnit.id == moved).values(**values)
                            .execution_options(synchronize_session=False))
    if expected is Conflict:
        assert "(customers id 987654)" in refused.value.message
    session.rollback()
    assert unit(co.clock, "MOVE-1").status == "in_stock"


@pytest.mark.postgresql_only
def test_a_customer_in_an_open_shipment_cannot_be_deleted_meanwhile(co, session, database_url):
    receive(co.clock, ["HOLD-1"], co.main)
    newcomer = session.execute(text("INSERT INTO customers (name, created_at) VALUES ('Newcomer', now()) "
                                    "RETURNING id")).scalar()
    session.commit()
    values = {"status": "shipped", "location_id": None, "customer_id": newcomer}
    moving = trigger_switch.Write(SerialUnit.__table__, trigger_switch.UPDATE, same=values)
    with posting_scope(session), trigger_switch.keys_checked_once(session, moving):
        session.execute(update(SerialUnit).where(SerialUnit.serial_key == "hold-1").values(**values)
                        .execution_options(synchronize_session=False))
    assert_deleting_waits(database_url, "customers", newcomer)
    session.rollback()


@pytest.mark.postgresql_only
def test_an_update_trigger_of_an_integrator_still_fires_for_every_shipped_unit(co, session):
    serials = [f"UPD-{n}" for n in range(12)]
    receive(co.clock, serials, co.main)
    with logging_trigger(session, "serial_units", "UPDATE", "NEW.status"):
        ship(co.clock, serials, co.main, co.acme)
        assert session.execute(text("SELECT count(*), min(value) FROM trigger_log")).one() == (12, "shipped")


@pytest.mark.postgresql_only
@pytest.mark.parametrize("table", ["serial_history", "transaction_line_serials"])
def test_an_insert_trigger_of_an_integrator_still_fires_for_every_shipped_unit(co, session, table):
    # A shipment writes history and line links in the same statement as it moves the units.
    serials = [f"INS-{n}" for n in range(12)]
    receive(co.clock, serials, co.main)
    with logging_trigger(session, table, "INSERT", "NEW.serial_unit_id"):
        ship(co.clock, serials, co.main, co.acme)
        logged = session.scalars(text("SELECT value FROM trigger_log")).all()
    assert sorted(map(int, logged)) == sorted(unit(co.clock, s).id for s in serials)


def test_a_shipment_writes_one_history_row_and_one_link_per_unit(co, session):
    serials = [f"SHIP-{n}" for n in range(7)]
    receive(co.clock, serials, co.main)
    document = ship(co.clock, serials[::-1], co.main, co.acme)
    ids = sorted(unit(co.clock, s).id for s in serials)
    rows = session.execute(select(SerialHistory.serial_unit_id, SerialHistory.status, SerialHistory.location_id,
                                  SerialHistory.customer_id, SerialHistory.transaction_type,
                                  SerialHistory.recorded_at)
                           .where(SerialHistory.transaction_id == document.id)
                           .order_by(SerialHistory.id)).all()
    assert [r.serial_unit_id for r in rows] == ids  # in unit order on both databases, whatever the document's
    assert {(r.status, r.location_id, r.customer_id, r.transaction_type) for r in rows} == \
        {("shipped", None, co.acme, "shipment")}
    assert all(r.recorded_at is not None for r in rows)
    linked = session.scalars(select(TransactionLineSerial.serial_unit_id)
                             .where(TransactionLineSerial.line_id == document.lines[0].id)).all()
    assert sorted(linked) == ids
    assert {unit(co.clock, s).version for s in serials} == {2}


class RecordingRules:
    """An integrator's plugin that notes every bulk statement the guard shows it."""

    def __init__(self):
        self.seen = []

    @hookimpl
    def validate_bulk_statement(self, table, columns, kind, posting):
        self.seen.append((table, kind, posting, tuple(columns)))


def test_an_integrators_rule_sees_a_shipments_update_of_its_units(co, session):
    serials = [f"SEEN-{n}" for n in range(4)]
    receive(co.clock, serials, co.main)
    rules, manager = RecordingRules(), current_app.extensions[EXTENSION_KEY]
    manager.register(rules)
    try:
        ship(co.clock, serials, co.main, co.acme)
    finally:
        manager.unregister(rules)
    updates = [seen for seen in rules.seen if seen[:3] == ("serial_units", "update", True)]
    assert len(updates) == 1
    assert {"status", "location_id", "customer_id"} <= set(updates[0][3])


@pytest.mark.postgresql_only
def test_a_shipment_posts_when_an_integrator_has_a_rewrite_rule_on_history(co, session):
    # PostgreSQL refuses such rules on tables written inside WITH, so the move is written in
    # steps instead. (COPY never invokes rules: integrators use triggers, see docs/integrators.md.)
    serials = [f"RULE-{n}" for n in range(6)]
    receive(co.clock, serials, co.main)
    session.execute(text("CREATE TABLE rule_log (value integer)"))
    session.execute(text("CREATE RULE log_history AS ON INSERT TO serial_history "
                         "DO ALSO INSERT INTO rule_log VALUES (NEW.serial_unit_id)"))
    session.commit()
    try:
        document = ship(co.clock, serials, co.main, co.acme)
    finally:
        session.rollback()
        session.execute(text("DROP RULE log_history ON serial_history"))
        session.execute(text("DROP TABLE rule_log"))
        session.commit()
    assert {unit(co.clock, s).status for s in serials} == {"shipped"}
    assert session.scalar(select(func.count()).select_from(SerialHistory)
                          .where(SerialHistory.transaction_id == document.id)) == 6
