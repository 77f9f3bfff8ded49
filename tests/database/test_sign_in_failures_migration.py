"""Migration 0011: the users who exist before it start with no failed sign-ins and no lock."""
import flask_migrate
from sqlalchemy import inspect, text

from sos_serial.extensions import db


def test_existing_users_start_unlocked_and_a_downgrade_keeps_them(app_config, stock_free_app_factory, db_backend,
                                                                  tmp_path, request):
    empty = (f"sqlite:///{tmp_path / 'before-0011.sqlite3'}" if db_backend == "sqlite"
             else request.getfixturevalue("empty_postgres_database"))
    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty})
    with app.app_context():
        flask_migrate.upgrade(revision="0009_sessions_and_token_expiry")
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO users (id, username, password_hash, role, active, created_at) "
                              "VALUES (1, 'dana', 'hash', 'clerk', true, CURRENT_TIMESTAMP)"))
        flask_migrate.upgrade(revision="0011_sign_in_failures")
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT username, session_version, failed_sign_ins, locked_until "
                                        "FROM users").all() == [("dana", 1, 0, None)]
        flask_migrate.downgrade(revision="0009_sessions_and_token_expiry")
        with db.engine.connect() as conn:
            columns = {c["name"] for c in inspect(conn).get_columns("users")}
            assert not {"failed_sign_ins", "locked_until"} & columns
            assert conn.exec_driver_sql("SELECT username FROM users").scalars().all() == ["dana"]
        flask_migrate.upgrade()
