"""The plugin's Alembic revisions: the branch ``acme``, run by ``flask --app sos_serial db upgrade``."""
