"""Tests of what the database itself holds to: bulk writes, guard rules, constraints, migrations, concurrency."""
