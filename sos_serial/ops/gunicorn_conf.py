"""gunicorn's settings for sos-serial, read from the environment: `gunicorn -c python:sos_serial.ops.gunicorn_conf
"sos_serial:create_app()"` (shipped in the package, so an installed wheel serves without a checkout).

Every worker is a separate process built by create_app() from the same environment and keeps nothing another
worker needs: sessions are signed cookies checked against the user's row, sign-in locks live in the database,
and the per-address counts live in SOS_SERIAL_RATELIMIT_STORAGE_URI (one process's own unless that is shared).
"""
from __future__ import annotations

import logging
import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise RuntimeError(f"{name} must be a whole number, not {value!r}.") from None


# Where to listen: 127.0.0.1 by default, for a reverse proxy on the same machine (README, "Production").
bind = os.environ.get("SOS_SERIAL_BIND", "127.0.0.1:8000").split()
# Sync workers: a posting is one database transaction that holds its process while it runs; more workers
# serve more clerks at once. gunicorn's usual rule of thumb (two per core, plus one).
workers = _int("SOS_SERIAL_WORKERS", _int("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# A 100,000-serial receipt takes about 2 s on a quiet machine and 200,000 serials is the largest document:
# a worker is killed only when a request has taken far longer than any posting should.
timeout = _int("SOS_SERIAL_TIMEOUT_SECONDS", 120)
# On a restart (HUP) or stop (TERM), a worker finishes the posting it is writing for this long before it is killed;
# a killed posting writes nothing (its transaction rolls back).
graceful_timeout = _int("SOS_SERIAL_GRACEFUL_TIMEOUT_SECONDS", 60)
# Each worker is replaced after about this many requests (a jitter apart, so they do not all restart at once):
# whatever a long-running process gathers (fragmented memory, a plugin's cache) is let go.
max_requests = _int("SOS_SERIAL_MAX_REQUESTS", 2000)
max_requests_jitter = _int("SOS_SERIAL_MAX_REQUESTS_JITTER", 200)
keepalive = 5
# The app writes one JSON line per request itself (route, user, request id: sos_serial/ops/request_log.py);
# gunicorn's access log would say the same with less.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("SOS_SERIAL_LOG_LEVEL", "info").lower()
# The app takes X-Forwarded-For/-Proto/-Host from SOS_SERIAL_PROXY_HOPS proxies (werkzeug's ProxyFix). gunicorn's
# own trust of X-Forwarded-Proto (the peers listed here) follows it: none unless the app is told it has a proxy.
forwarded_allow_ips = os.environ.get(
    "SOS_SERIAL_FORWARDED_ALLOW_IPS", "127.0.0.1,::1" if _int("SOS_SERIAL_PROXY_HOPS", 0) > 0 else "")
proc_name = "sos-serial"


def _gunicorn_log_format() -> dict:
    # gunicorn's own lines (workers starting, timing out) in the same format as the app's.
    if os.environ.get("SOS_SERIAL_LOG_FORMAT", "json") != "json":
        return {}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "sos_serial.ops.logs.JsonLines"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        # The app's own logger has its handler (sos_serial/ops/logs.py); one on the root too would print its lines twice.
        "root": {"level": "WARNING", "handlers": []},
        "loggers": {"gunicorn.error": {"level": loglevel.upper(), "handlers": ["stderr"], "propagate": False},
                    "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False}},
    }


logconfig_dict = _gunicorn_log_format()


def on_starting(server) -> None:
    """Refuse to start on settings that would break sessions or limits across workers."""
    if not os.environ.get("SOS_SERIAL_SECRET_KEY"):
        # Without it each host would make its own key in its instance folder: a session signed by one host
        # would be refused by the next, and a restore on a new machine would sign everyone out.
        raise RuntimeError("SOS_SERIAL_SECRET_KEY is not set. Every app process must sign sessions with the same "
                           "key: set it to a long random value (python3 -c 'import secrets; "
                           "print(secrets.token_hex(32))') in the environment of every worker.")
    storage = os.environ.get("SOS_SERIAL_RATELIMIT_STORAGE_URI", "memory://")
    if server.cfg.workers > 1 and storage.startswith("memory://"):
        logging.getLogger("gunicorn.error").warning(
            "SOS_SERIAL_RATELIMIT_STORAGE_URI is memory://: each of the %d workers counts failed sign-ins per "
            "address on its own, so an address may try %d times the limit. Set it to a shared store "
            "(redis://host:6379 or memcached://host:11211). The lock per account is counted in the database "
            "either way.", server.cfg.workers, server.cfg.workers)
