"""The schema's Alembic migrations (imported as sos_serial.migrations, found by Flask-Migrate)."""
if __name__ != "sos_serial.migrations":
    raise ImportError(
        f"This package must be imported as 'sos_serial.migrations', not as '{__name__}'. "
        "Install the project (pip install -e .) and import it through sos_serial."
    )
