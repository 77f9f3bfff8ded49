"""Migrations build the schema on an empty database and match the models exactly."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.exc import IntegrityError

from sos_serial.extensions import db
from sos_serial.models._columns import built_on


def test_migrations_match_the_models(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": False,
                                                             "include_object": built_on(conn.dialect.name)})
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


def test_upgrade_keeps_a_database_in_use(app_config, stock_free_app_factory, empty_database_url):
    """An existing company's database migrates to the head with its rows: tables SQLite rebuilds (batch
    mode) are copied while other tables point at their rows, and every key still holds afterwards."""
    import flask_migrate
    from sqlalchemy import text

    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0005_events_outbox")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO locations (id, name, created_at) VALUES (1, 'Main', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO items (id, name, track_serials, cost, quantity_on_hand, value, created_at, "
                              "updated_at) VALUES (1, 'Clock', true, 0, 1, 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO serial_units (id, item_id, serial_number, serial_key, status, location_id, "
                              "unit_cost, version, created_at, updated_at) VALUES (1, 1, 'CLK-1', 'clk-1', 'in_stock', "
                              "1, 0, 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO serial_history (serial_unit_id, transaction_type, date, status, "
                              "location_id, recorded_at) VALUES (1, 'created', '2026-01-05', 'in_stock', 1, "
                              "CURRENT_TIMESTAMP)"))
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == _head(app)
            assert conn.exec_driver_sql("SELECT name, quantity_on_hand FROM items").all() == [("Clock", 1)]
            assert conn.exec_driver_sql("SELECT serial_number FROM serial_units").scalars().all() == ["CLK-1"]
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


@pytest.fixture
def empty_database_url(db_backend, tmp_path, request):
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'in-use.sqlite3'}"
    return request.getfixturevalue("empty_postgres_database")


def test_custom_fields_migrate_up_and_down_with_rows(app_config, stock_free_app_factory, empty_database_url):
    """Rows that exist before custom fields arrive get ``{}``; a downgrade drops the column and keeps the rows."""
    import flask_migrate
    from sqlalchemy import text

    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0007_plugin_switches")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO customers (id, name, created_at) VALUES (1, 'Ada', CURRENT_TIMESTAMP)"))
        flask_migrate.upgrade(revision="0008_custom_fields")
        with db.engine.connect() as conn:
            stored = conn.exec_driver_sql("SELECT custom_fields FROM customers").scalar()
            assert stored in ({}, "{}")
            if conn.dialect.name == "postgresql":
                indexes = {row[0] for row in conn.execute(text(
                    "SELECT indexname FROM pg_indexes WHERE indexname LIKE :pattern"), {"pattern": "%custom_fields"})}
                assert {f"ix_{t}_custom_fields" for t in ("items", "customers", "vendors", "locations",
                                                          "transactions", "serial_units")} <= indexes
        flask_migrate.downgrade(revision="0007_plugin_switches")
        with db.engine.connect() as conn:
            assert "custom_fields" not in {c["name"] for c in inspect(conn).get_columns("customers")}
            assert conn.exec_driver_sql("SELECT name FROM customers").scalars().all() == ["Ada"]
        flask_migrate.upgrade()


@pytest.mark.postgresql_only
def test_a_filter_on_a_units_custom_field_is_answered_by_the_partial_gin_index(app):
    from sqlalchemy import select

    from sos_serial.engine.custom_fields import equals_condition
    from sos_serial.models import SerialUnit

    query = select(SerialUnit.id).where(equals_condition(SerialUnit.custom_fields, "inspector", "Ani", "postgresql"))
    with app.app_context():
        with db.engine.begin() as conn:
            sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = "\n".join(conn.exec_driver_sql(f"EXPLAIN {sql}").scalars())
    assert "ix_serial_units_custom_fields" in plan, plan


def test_session_versions_and_token_expiry_migrate_with_users_and_tokens(app_config, stock_free_app_factory,
                                                                        empty_database_url):
    """Users and tokens that exist before 0009 keep working: each user at session version 1, each token
    without an expiry and not revoked; a downgrade drops the columns and keeps the rows."""
    import flask_migrate
    from sqlalchemy import text

    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0008_custom_fields")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, password_hash, role, active, created_at) "
                              "VALUES (1, 'dana', 'hash', 'clerk', true, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO api_tokens (id, user_id, token_hash, created_at) "
                              "VALUES (1, 1, :digest, CURRENT_TIMESTAMP)"), {"digest": "d" * 64})
        flask_migrate.upgrade(revision="0009_sessions_and_token_expiry")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT username, session_version FROM users").all() == [("dana", 1)]
            assert conn.exec_driver_sql("SELECT user_id, expires_at, revoked_at, last_used_at "
                                        "FROM api_tokens").all() == [(1, None, None, None)]
            if conn.dialect.name == "sqlite":
                assert conn.exec_driver_sql("PRAGMA foreign_key_check").all() == []
        flask_migrate.downgrade(revision="0008_custom_fields")
        with db.engine.connect() as conn:
            assert "session_version" not in {c["name"] for c in inspect(conn).get_columns("users")}
            assert "expires_at" not in {c["name"] for c in inspect(conn).get_columns("api_tokens")}
            assert conn.exec_driver_sql("SELECT token_hash FROM api_tokens").scalars().all() == ["d" * 64]
        flask_migrate.upgrade()


def _units_before_serial_keys(app_config, stock_free_app_factory, empty_database_url, serials):
    """An app at 0009 holding one tracked item with ``serials`` (used units), keyed as 0009 keyed them."""
    import flask_migrate
    from sqlalchemy import text

    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0009_sessions_and_token_expiry")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO items (id, name, track_serials, cost, quantity_on_hand, value) "
                              "VALUES (1, 'Armenian Mantel Clock', true, 0, 0, 0)"))
            for number, serial in enumerate(serials, start=1):
                conn.execute(text("INSERT INTO serial_units (id, item_id, serial_number, serial_key, status, unit_cost)"
                                  " VALUES (:id, 1, :serial, :key, 'used', 0)"),
                             {"id": number, "serial": serial, "key": serial.strip().casefold()})
    return app


def _stored_keys(conn):
    return conn.exec_driver_sql("SELECT serial_number, serial_key FROM serial_units ORDER BY id").all()


def test_serial_keys_are_recomputed_with_lookalikes_folded(app_config, stock_free_app_factory, empty_database_url):
    """0012 rekeys every unit whose serial is not plain ASCII; a downgrade puts the case-folded keys back."""
    import flask_migrate

    serials = ["CLK-0001", "\uff23\uff2c\uff2b-0002", "L\u0301-3", "Stra\u00dfe-4"]
    app = _units_before_serial_keys(app_config, stock_free_app_factory, empty_database_url, serials)
    with app.app_context():
        flask_migrate.upgrade(revision="0012_serial_keys")
        with db.engine.connect() as conn:
            assert _stored_keys(conn) == [("CLK-0001", "clk-0001"), ("\uff23\uff2c\uff2b-0002", "clk-0002"),
                                          ("L\u0301-3", "\u013a-3"), ("Stra\u00dfe-4", "strasse-4")]
        flask_migrate.downgrade(revision="0009_sessions_and_token_expiry")
        with db.engine.connect() as conn:
            assert _stored_keys(conn) == [(serial, serial.casefold()) for serial in serials]
        flask_migrate.upgrade()


def test_units_that_would_share_a_key_stop_the_upgrade_naming_them(app_config, stock_free_app_factory,
                                                                    empty_database_url, capfd):
    """CLK-0002 and a Cyrillic СLK-0002 of one item: the upgrade refuses, lists both, and changes nothing."""
    import flask_migrate

    serials = ["CLK-0002", "\u0421LK-0002", "\uff23\uff2c\uff2b-0009"]
    app = _units_before_serial_keys(app_config, stock_free_app_factory, empty_database_url, serials)
    with app.app_context():
        # The migrations before 0012 go through; 0012 alone is refused.
        flask_migrate.upgrade(revision="0011_sign_in_failures")
        capfd.readouterr()
        with pytest.raises(SystemExit):  # flask db upgrade logs the message and exits 1
            flask_migrate.upgrade(revision="0012_serial_keys")
        message = capfd.readouterr().err
        assert "Serial numbers that look the same now share a key" in message
        assert "Armenian Mantel Clock (item 1): 'CLK-0002' (unit 1), '\u0421LK-0002' (unit 2)" in message
        assert "Nothing was changed" in message and "(unit 3)" not in message
        db.engine.dispose()
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() \
                == "0011_sign_in_failures"
            assert _stored_keys(conn) == [(serial, serial.casefold()) for serial in serials]
