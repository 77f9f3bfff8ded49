"""0021: the index that finds a customer's documents, made and dropped on both databases."""
import pytest
from sqlalchemy import inspect

from sos_serial.extensions import db


@pytest.fixture
def empty_database_url(db_backend, tmp_path, request):
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'ten-million.sqlite3'}"
    return request.getfixturevalue("empty_postgres_database")


def _indexes(conn) -> dict[str, list[str]]:
    return {index["name"]: index["column_names"] for index in inspect(conn).get_indexes("transactions")}


def test_the_customer_index_upgrades_and_downgrades(app_config, stock_free_app_factory, empty_database_url):
    import flask_migrate

    app = stock_free_app_factory({**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url})
    with app.app_context():
        flask_migrate.upgrade(revision="0021_ten_million_indexes")
        with db.engine.connect() as conn:
            assert _indexes(conn)["ix_transactions_customer"] == ["customer_id"]
            # Partial: receipts and transfers, which name no customer, are not in it.
            if conn.dialect.name == "postgresql":
                definition = conn.exec_driver_sql(
                    "SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_transactions_customer'").scalar()
            else:
                definition = conn.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = 'ix_transactions_customer'").scalar()
            assert "customer_id IS NOT NULL" in definition
        flask_migrate.downgrade(revision="0020_serial_search")
        with db.engine.connect() as conn:
            assert "ix_transactions_customer" not in _indexes(conn)
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar() == "0020_serial_search"
        flask_migrate.upgrade()
        db.engine.dispose()
