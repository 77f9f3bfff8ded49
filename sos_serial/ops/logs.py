"""Where the app's log goes and how it reads: JSON lines (or plain text) on stderr, each carrying its request id."""
from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from flask.logging import default_handler

from sos_serial.security.request_id import request_id

LOGGER = "sos_serial"
FORMATS = ("json", "text")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# The attributes every LogRecord has; anything else on a record was passed in ``extra`` and is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "fields", "request_id"}


class RequestIdFilter(logging.Filter):
    """Stamps each record with the request it was logged in ("" outside a request): a posting, a plugin's
    incident and the request's own line then share one id, the one its answer and error page show."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", ""):
            record.request_id = request_id()
        return True


class JsonLines(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, then the record's fields."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        line.update(getattr(record, "fields", None) or {})
        line.update({key: value for key, value in vars(record).items() if key not in _STANDARD})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        elif record.exc_text:
            line["exception"] = record.exc_text
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # default=str: a date or a Decimal among the fields is written as text rather than losing the line.
        return json.dumps(line, ensure_ascii=False, default=str)


class StderrHandler(logging.StreamHandler):
    """Writes to the stderr of the moment, not the one there was at start (a test's capture, a redirect)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def formatter(log_format: str) -> logging.Formatter:
    if log_format == "json":
        return JsonLines()
    if log_format == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise RuntimeError(f"SOS_SERIAL_LOG_FORMAT must be one of {', '.join(FORMATS)}, not {log_format!r}.")


def configure(app) -> None:
    """One handler on the ``sos_serial`` logger, in the format the config names.

    Kept once per process however many apps are built (the tests build many); the latest app's format and
    level win. Records still propagate, so a host application's own handlers see them too.
    """
    logger = logging.getLogger(LOGGER)
    # Flask's app.logger is this same logger: its own handler would write every line a second time.
    logger.removeHandler(default_handler)
    handler = next((h for h in logger.handlers if isinstance(h, StderrHandler)), None)
    if handler is None:
        handler = StderrHandler()
        handler.addFilter(RequestIdFilter())
        logger.addHandler(handler)
    handler.setFormatter(formatter(app.config["SOS_SERIAL_LOG_FORMAT"]))
    logger.setLevel(app.config["SOS_SERIAL_LOG_LEVEL"])
