"""Tests of the JSON API contract (/api/v1)."""
