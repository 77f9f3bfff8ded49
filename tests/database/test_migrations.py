"""Migrations build the schema on an empty database and match the models exactly."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from sos_serial.extensions import db


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrated_schema_has_every_table(app):
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(app, runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == _head(app)


def _head(app) -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(app.extensions["migrate"].migrate.get_config()).get_current_head()


PARTIAL_INDEXES = {
    "ix_serial_units_customer": "customer_id IS NOT NULL",
    "ix_serial_units_location": "location_id IS NOT NULL",
    "ix_serial_units_warranty_end": "warranty_end IS NOT NULL",
    "ix_serial_history_customer": "customer_id IS NOT NULL",
}


def test_place_indexes_leave_out_units_without_that_place(app):
    # A receipt's new units have no customer and no warranty end: they must not be written
    # into those indexes (the migration and the models agree on the predicate).
    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                rows = conn.exec_driver_sql("SELECT indexname, indexdef FROM pg_indexes").all()
            else:
                rows = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'index'").all()
    definitions = {name: (sql or "") for name, sql in rows}
    for name, condition in PARTIAL_INDEXES.items():
        assert condition.lower() in definitions[name].lower().replace("(", "").replace(")", ""), definitions[name]


def test_an_items_own_numbering_is_kept_in_range_by_the_database(app):
    with app.app_context():
        checks = {c["name"] for c in inspect(db.engine).get_check_constraints("items")}
        assert {"ck_items_auto_serial_length_range", "ck_items_auto_serial_next_number_not_negative"} <= checks
        for column, value in (("auto_serial_length", 0), ("auto_serial_length", 19), ("auto_serial_next_number", -1)):
            with db.engine.connect() as conn, pytest.raises(IntegrityError):
                conn.exec_driver_sql(f"INSERT INTO items (name, track_serials, cost, quantity_on_hand, value, "
                                     f"{column}) VALUES ('Bad numbering', false, 0, 0, 0, {value})")
