"""Tests of the admin screens through the Flask test client."""
