"""WSGI entry point for a server pointed at ``wsgi:app`` from a checkout.

The installed package needs no file of its own: ``flask --app sos_serial ...``, or a WSGI server
given ``sos_serial:create_app()``.
"""
from sos_serial import create_app

app = create_app()
