"""WSGI entry point: `flask --app wsgi ...`, or any WSGI server pointed at wsgi:app."""
from sos_serial import create_app

app = create_app()
