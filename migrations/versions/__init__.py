"""Alembic revisions of the module's own schema (Alembic skips this file)."""
