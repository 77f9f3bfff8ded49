"""Tests of running the app as in production: servers, load, faults."""
