"""What the tests share that is not a fixture: the world builder, API speech, the PostgreSQL server."""
