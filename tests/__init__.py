"""The test suite: one folder per layer of sos_serial, fixtures in each folder's conftest.py."""
