"""The app as gunicorn serves it in the smoke test, each answer naming the worker process that gave it.

Tests only: the header proves two workers really answered, so a session ended on one is seen ended on the other.
"""
from __future__ import annotations

import os

from sos_serial import create_app

HEADER = "X-Test-Worker-Pid"
_app = create_app()


def app(environ, start_response):
    def start_naming_the_worker(status, headers, exc_info=None):
        return start_response(status, [*headers, (HEADER, str(os.getpid()))], exc_info)

    return _app(environ, start_naming_the_worker)
