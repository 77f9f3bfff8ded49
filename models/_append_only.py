"""Tables the database itself keeps append-only: an UPDATE or DELETE is refused whoever connects."""
from sqlalchemy import DDL, Table, event


def refuse_changes(table: Table, message: str) -> None:
    """Create, with ``table``, the triggers that refuse changing or deleting its rows with ``message``:
    on PostgreSQL one trigger function, on SQLite a trigger per verb. (Each table's migration creates the
    same triggers as they stood when it was written.)"""
    name = table.name
    postgresql = [
        f"""CREATE FUNCTION {name}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{message}' USING ERRCODE = 'restrict_violation';
END $$""",
        f"""CREATE TRIGGER {name}_append_only BEFORE UPDATE OR DELETE ON {name}
FOR EACH ROW EXECUTE FUNCTION {name}_append_only()""",
    ]
    sqlite = [
        f"""CREATE TRIGGER {name}_no_{verb} BEFORE {verb.upper()} ON {name}
BEGIN SELECT RAISE(ABORT, '{message}'); END"""
        for verb in ("update", "delete")
    ]
    for statement in postgresql:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="postgresql"))
    for statement in sqlite:
        event.listen(table, "after_create", DDL(statement).execute_if(dialect="sqlite"))
