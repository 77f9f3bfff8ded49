"""The index that finds a serial by any part of it: pg_trgm on PostgreSQL, an FTS5 trigram table on SQLite.

PostgreSQL indexes ``serial_units.serial_key`` itself with a trigram GIN index (declared on the model),
so ``serial_key LIKE '%text%'`` is an index scan. SQLite keeps a separate FTS5 table, tokenized in
trigrams, with one row per unit (its rowid is the unit's id) over the same key; triggers on
``serial_units`` keep it in step with every writer: the posting's bulk inserts, a unit added on its
own, a renumbered serial. A migration that rebuilds ``serial_units`` on SQLite (batch mode with a new
constraint) drops the table's triggers with it: it must run :func:`create_sqlite_search` again.
"""
from __future__ import annotations

SQLITE_TABLE = "serial_units_search"
SQLITE_TRIGGERS = ("serial_units_search_insert", "serial_units_search_update", "serial_units_search_delete")
# PostgreSQL's trigram index over the serial key (the model declares it; the migration creates it).
POSTGRESQL_INDEX = "ix_serial_units_serial_key_trgm"

# Spelled out (the table's name is SQLITE_TABLE) so each statement reads as the database runs it.
_SQLITE_DDL = (
    # External content: the text lives in serial_units; the FTS table holds only the trigram index.
    "CREATE VIRTUAL TABLE IF NOT EXISTS serial_units_search USING fts5("
    "serial_key, content='serial_units', content_rowid='id', tokenize='trigram', detail='none')",
    """CREATE TRIGGER IF NOT EXISTS serial_units_search_insert AFTER INSERT ON serial_units BEGIN
    INSERT INTO serial_units_search (rowid, serial_key) VALUES (new.id, new.serial_key);
END""",
    # Only a change of the key touches the index: a unit moving (status, place) costs nothing here.
    """CREATE TRIGGER IF NOT EXISTS serial_units_search_update AFTER UPDATE OF serial_key ON serial_units BEGIN
    INSERT INTO serial_units_search (serial_units_search, rowid, serial_key) VALUES ('delete', old.id, old.serial_key);
    INSERT INTO serial_units_search (rowid, serial_key) VALUES (new.id, new.serial_key);
END""",
    """CREATE TRIGGER IF NOT EXISTS serial_units_search_delete AFTER DELETE ON serial_units BEGIN
    INSERT INTO serial_units_search (serial_units_search, rowid, serial_key) VALUES ('delete', old.id, old.serial_key);
END""",
)


def create_sqlite_search(execute) -> None:
    """Create the SQLite search table and its triggers (if missing), then index every unit already stored.

    ``execute`` runs one SQL string (a migration passes ``op.execute``)."""
    for statement in _SQLITE_DDL:
        execute(statement)
    execute("INSERT INTO serial_units_search (serial_units_search) VALUES ('rebuild')")


def drop_sqlite_search(execute) -> None:
    for trigger in SQLITE_TRIGGERS:
        execute(f"DROP TRIGGER IF EXISTS {trigger}")
    execute("DROP TABLE IF EXISTS serial_units_search")


def is_search_table(name: str) -> bool:
    """Whether a table SQLite reports is the search index or one of FTS5's own tables behind it."""
    return name == SQLITE_TABLE or name.startswith(SQLITE_TABLE + "_")
