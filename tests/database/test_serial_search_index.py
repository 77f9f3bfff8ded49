"""The index behind "find anything": pg_trgm's GIN index on PostgreSQL, the FTS5 trigram table and its triggers on
SQLite, in place at the head of the migrations and used by the search."""
import pytest
from sqlalchemy import select, text

from sos_serial.engine.serial_search import anything_conditions
from sos_serial.extensions import db
from sos_serial.models import SerialUnit
from sos_serial.models.serial_search_index import POSTGRESQL_INDEX, SQLITE_TABLE, SQLITE_TRIGGERS
from tests.support.world import receive


def test_the_search_index_is_built_by_the_migrations(app):
    with app.app_context(), db.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            assert conn.scalar(text("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) == 1
            definition = conn.scalar(text("SELECT indexdef FROM pg_indexes WHERE indexname = :n"),
                                     {"n": POSTGRESQL_INDEX})
            assert "USING gin" in definition and "gin_trgm_ops" in definition
        else:
            names = set(conn.scalars(text("SELECT name FROM sqlite_master WHERE tbl_name IN "
                                          "('serial_units', :t)"), {"t": SQLITE_TABLE}))
            assert {SQLITE_TABLE, *SQLITE_TRIGGERS} <= names


def test_a_serial_search_is_planned_on_the_index(co):
    receive(co.clock, [f"PLN-{n:05d}" for n in range(2000)], co.main)
    db.session.execute(text("ANALYZE"))
    statement = select(SerialUnit.id).where(*anything_conditions(db.session, "N-0123"))
    sql = str(statement.compile(db.engine, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL enable_seqscan = off"))  # 2,000 rows: a scan would be as good
        plan = "\n".join(db.session.execute(text("EXPLAIN " + sql)).scalars())
        assert POSTGRESQL_INDEX in plan
    else:
        plan = "\n".join(str(row[-1]) for row in db.session.execute(text("EXPLAIN QUERY PLAN " + sql)))
        assert "VIRTUAL TABLE INDEX" in plan and "SCAN serial_units" not in plan.replace(SQLITE_TABLE, "")
    db.session.rollback()
    assert sorted(db.session.scalars(select(SerialUnit.serial_number)
                                     .where(*anything_conditions(db.session, "N-0123")))) == [
        f"PLN-{n:05d}" for n in range(1230, 1240)]


@pytest.mark.sqlite_only
def test_the_sqlite_search_table_holds_every_unit_and_passes_its_integrity_check(co):
    receive(co.clock, [f"CHK-{n:03d}" for n in range(50)], co.main)
    db.session.execute(text(f"INSERT INTO {SQLITE_TABLE} ({SQLITE_TABLE}, rank) VALUES ('integrity-check', 1)"))
    assert db.session.scalar(text(f"SELECT count(*) FROM {SQLITE_TABLE}")) == 50
    db.session.rollback()
