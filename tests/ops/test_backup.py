"""`flask db backup FILE`: SQLite's online backup of the live database; PostgreSQL is told the pg_dump command."""
from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import make_url

from sos_serial.extensions import db
from sos_serial.ops.backup_cli import pg_dump_command
from tests.support.world import receive, ship


def _units(path) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = conn.execute("SELECT item_id, serial_number, status, location_id, customer_id FROM serial_units "
                            "ORDER BY id").fetchall()
    conn.close()
    return rows


@pytest.mark.sqlite_only
def test_a_backup_of_the_live_database_opens_with_the_same_units(app, co, runner, database_url, tmp_path):
    receive(co.clock, [f"BAK-{n}" for n in range(1, 301)], co.main)
    ship(co.clock, ["BAK-7"], co.main, co.acme)
    live = make_url(database_url).database
    # The app is running: its connections stay open, and another reader holds a transaction meanwhile.
    reader = sqlite3.connect(live)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM serial_units").fetchone()
    target = tmp_path / "backups" / "copy.sqlite3"
    target.parent.mkdir()
    try:
        result = runner.invoke(args=["db", "backup", str(target)])
    finally:
        reader.rollback()
        reader.close()
    assert result.exit_code == 0, result.output
    assert f"Backed up {live} to {target}" in result.output
    copied = _units(target)
    assert len(copied) == 300
    assert copied == _units(live)
    assert ("BAK-7", "shipped") in {(serial, status) for _, serial, status, _, _ in copied}
    # Nothing half-made is left beside it.
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite3"]
    db.session.remove()


@pytest.mark.sqlite_only
def test_a_backup_never_replaces_a_file_unless_told(app, runner, tmp_path):
    target = tmp_path / "kept.sqlite3"
    target.write_text("yesterday's backup")
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1
    assert f"{target} exists already. Choose another name, or add --force to replace it." in result.output
    assert target.read_text() == "yesterday's backup"
    assert runner.invoke(args=["db", "backup", "--force", str(target)]).exit_code == 0
    assert _units(target) == []


@pytest.mark.postgresql_only
def test_on_postgresql_the_backup_names_the_pg_dump_command_without_the_password(app, runner, database_url, tmp_path):
    target = tmp_path / "sos.dump"
    result = runner.invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 1
    url = make_url(database_url)
    assert "back it up with pg_dump" in result.output
    assert f"pg_dump --format=custom --file={target} --host={url.host} --port={url.port}" in result.output
    assert not target.exists()


def test_the_pg_dump_command_leaves_the_password_out_and_quotes_what_needs_it():
    url = make_url("postgresql+psycopg://sos:s3cret@db.internal:5433/sos serial")
    command = pg_dump_command(url, "/backups/nightly dump.pgdump")
    assert command == ("pg_dump --format=custom '--file=/backups/nightly dump.pgdump' --host=db.internal "
                       "--port=5433 --username=sos 'sos serial'")
    assert "s3cret" not in command
