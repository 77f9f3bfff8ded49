"""A plugin's Alembic folder is a branch of its own: `flask db upgrade` runs it with the module's."""
import logging

import pytest
from sqlalchemy import inspect

from sos_serial.extensions import db
from tests.support import migrating_plugin
from tests.support.migrating_plugin import BRANCH, TABLE


@pytest.fixture
def empty_database_url(db_backend, tmp_path, request):
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'plugin-migrations.sqlite3'}"
    return request.getfixturevalue("empty_postgres_database")


@pytest.fixture
def make_app(app_config, stock_free_app_factory, empty_database_url):
    def make(*plugins):
        config = {**app_config, "SQLALCHEMY_DATABASE_URI": empty_database_url}
        if plugins:
            config["SOS_SERIAL_PLUGINS"] = list(plugins)
        return stock_free_app_factory(config)

    return make


def _flask_db(app, *args):
    return app.test_cli_runner().invoke(args=["db", *args])


def _tables(app) -> set[str]:
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()
    return tables


def _versions(app) -> set[str]:
    with app.app_context():
        with db.engine.connect() as conn:
            versions = set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
        db.engine.dispose()
    return versions


def _module_head(app) -> str:
    from alembic.script import ScriptDirectory

    with app.app_context():
        config = app.extensions["migrate"].migrate.get_config()
    return ScriptDirectory.from_config(config).get_current_head()


def test_upgrade_runs_the_module_and_the_plugin_branch(make_app):
    app = make_app(migrating_plugin)
    result = _flask_db(app, "upgrade")
    assert result.exit_code == 0, result.output
    assert {TABLE, "serial_units", "plugin_switches"} <= _tables(app)
    assert "acme_audit_0001" in _versions(app)
    assert _module_head(make_app()) in _versions(app)


def test_a_second_upgrade_changes_nothing(make_app):
    app = make_app(migrating_plugin)
    assert _flask_db(app, "upgrade").exit_code == 0
    before = _versions(app)
    with app.app_context():
        with db.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO locations (id, name, created_at) VALUES (1, 'Main', CURRENT_TIMESTAMP)")
    result = _flask_db(app, "upgrade")
    assert result.exit_code == 0, result.output
    assert _versions(app) == before
    with app.app_context():
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT name FROM locations").scalars().all() == ["Main"]
        db.engine.dispose()


def test_heads_and_current_name_the_plugin_branch(make_app):
    app = make_app(migrating_plugin)
    assert _flask_db(app, "upgrade").exit_code == 0
    heads = _flask_db(app, "heads").output
    assert f"acme_audit_0001 ({BRANCH}) (head)" in heads
    assert f"{_module_head(make_app())} (head)" in heads
    current = _flask_db(app, "current").output
    assert "acme_audit_0001" in current and _module_head(make_app()) in current


def test_without_the_plugin_only_the_modules_migrations_run(make_app):
    app = make_app()
    result = _flask_db(app, "upgrade")
    assert result.exit_code == 0, result.output
    assert TABLE not in _tables(app)
    assert "serial_units" in _tables(app)
    assert _versions(app) == {_module_head(app)}
    assert _flask_db(app, "heads").output.strip() == f"{_module_head(app)} (head)"


def test_the_plugin_branch_joins_a_database_already_at_the_modules_head(make_app):
    assert _flask_db(make_app(), "upgrade").exit_code == 0
    app = make_app(migrating_plugin)
    result = _flask_db(app, "upgrade")
    assert result.exit_code == 0, result.output
    assert TABLE in _tables(app)


def test_downgrading_the_plugin_branch_drops_only_its_table(make_app):
    app = make_app(migrating_plugin)
    assert _flask_db(app, "upgrade").exit_code == 0
    before = _tables(app)
    result = _flask_db(app, "downgrade", f"{BRANCH}@base")
    assert result.exit_code == 0, result.output
    assert _tables(app) == before - {TABLE}
    assert _versions(app) == {_module_head(make_app())}
    # Upgraded again, the branch comes back.
    assert _flask_db(app, "upgrade").exit_code == 0
    assert TABLE in _tables(app)


@pytest.mark.parametrize(("plugin", "message"), [
    (migrating_plugin.MissingFolder(), "The plugin 'tests.support.migrating_plugin.MissingFolder' declares the "
                                       "migration folder"),
    (migrating_plugin.Unlabelled(), "the plugin 'tests.support.migrating_plugin.Unlabelled' ships the revision "
                                    "'unlabelled_0001'"),
])
def test_a_wrong_declaration_stops_the_command_naming_the_plugin(make_app, caplog, plugin, message):
    app = make_app(plugin)
    with caplog.at_level(logging.ERROR, logger="flask_migrate"):
        result = _flask_db(app, "upgrade")
    assert result.exit_code == 1
    assert message in caplog.text
    assert "alembic_version" not in _tables(app)
