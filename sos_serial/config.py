"""Configuration from the environment, with an embedded SQLite default."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from sos_serial.limits import LINES_PER_DOCUMENT, LOCK_TIMEOUT_SECONDS, REQUEST_MAX_BYTES, SERIALS_PER_DOCUMENT


def database_url(instance_path: str) -> str:
    url = os.environ.get("SOS_SERIAL_DATABASE_URL")
    if url:
        # "postgresql://" would pick psycopg2, which is not installed; psycopg 3 is.
        if url.startswith("postgresql://") or url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url.split("://", 1)[1]
        return url
    # The folder is made here, not only with the secret key's file: a server given SOS_SERIAL_SECRET_KEY reads no
    # file, and SQLite cannot create a database in a folder that does not exist.
    Path(instance_path).mkdir(parents=True, exist_ok=True)
    return "sqlite:///" + str(Path(instance_path) / "sos_serial.sqlite3")


def engine_options(url: str, pgbouncer: bool = False) -> dict:
    """The SQLAlchemy engine's options for ``url``; ``pgbouncer``: the URL is a PgBouncer in transaction mode.

    Such a pooler hands each transaction whichever server connection is free, so nothing may outlive
    a transaction on the server. The app's own settings already do not (SET LOCAL, row locks), but
    psycopg prepares a statement on the server after its fifth run on a connection and reuses it by
    name later: through the pooler that name is missing, or taken by another client's, on the next
    server connection ("prepared statement _pg3_0 already exists"). So psycopg prepares nothing.
    """
    options = {"pool_pre_ping": True}
    if pgbouncer and url.startswith("postgresql"):
        options["connect_args"] = {"prepare_threshold": None}
    return options


def secret_key(instance_path: str) -> str:
    """SOS_SERIAL_SECRET_KEY, else a random key made once and kept in the instance folder.

    Keeping it on disk lets sessions survive a restart without putting a key in the code.
    """
    key = os.environ.get("SOS_SERIAL_SECRET_KEY")
    if key:
        return key
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        # Readable by the owner only; O_EXCL so two first starts agree on one key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as f:
        f.write(key)
    return key


def max_request_bytes(given: dict) -> int:
    """MAX_CONTENT_LENGTH as given, else SOS_SERIAL_MAX_REQUEST_BYTES, else the default of limits.py."""
    if given.get("MAX_CONTENT_LENGTH"):
        return int(given["MAX_CONTENT_LENGTH"])
    return int(os.environ.get("SOS_SERIAL_MAX_REQUEST_BYTES") or REQUEST_MAX_BYTES)


def default_config(instance_path: str, given: dict) -> dict:
    """Defaults for what ``given`` does not set; nothing is read or written that it does."""
    request_bytes = max_request_bytes(given)
    url = given.get("SQLALCHEMY_DATABASE_URI") or database_url(instance_path)
    pgbouncer = bool(given.get("SOS_SERIAL_PGBOUNCER", os.environ.get("SOS_SERIAL_PGBOUNCER") == "1"))
    return {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": given.get("SECRET_KEY") or secret_key(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url, pgbouncer),
        # The database URL points at PgBouncer in transaction mode (docs/scaling.md): see engine_options.
        "SOS_SERIAL_PGBOUNCER": pgbouncer,
        "WTF_CSRF_TIME_LIMIT": None,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        # Secure is also set on any request that came over HTTPS (security/sessions.py); this forces it always.
        "SESSION_COOKIE_SECURE": os.environ.get("SOS_SERIAL_SECURE_COOKIES") == "1",
        # A screen session ends after this long without a request, and this long after sign-in in any case.
        "SOS_SERIAL_SESSION_IDLE_MINUTES": int(os.environ.get("SOS_SERIAL_SESSION_IDLE_MINUTES", "480")),
        "SOS_SERIAL_SESSION_ABSOLUTE_HOURS": int(os.environ.get("SOS_SERIAL_SESSION_ABSOLUTE_HOURS", "168")),
        # Strict-Transport-Security on answers over HTTPS (0: not sent).
        "SOS_SERIAL_HSTS_SECONDS": int(os.environ.get("SOS_SERIAL_HSTS_SECONDS", str(365 * 24 * 3600))),
        # How many proxies (nginx, a load balancer) stand in front of the app and set X-Forwarded-*; 0: none.
        "SOS_SERIAL_PROXY_HOPS": int(os.environ.get("SOS_SERIAL_PROXY_HOPS", "0")),
        # Where the counts per client address are kept (Flask-Limiter's storage): memory:// is one process's own;
        # several app processes need a shared store such as redis://host:6379 or memcached://host:11211.
        "SOS_SERIAL_RATELIMIT_STORAGE_URI": os.environ.get("SOS_SERIAL_RATELIMIT_STORAGE_URI", "memory://"),
        # Failed sign-ins one client address may make; then it is refused until the window ends.
        "SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT": os.environ.get("SOS_SERIAL_SIGN_IN_ADDRESS_LIMIT", "30 per 15 minutes"),
        # Wrong passwords in a row that lock an account (counted in the database), and for how long.
        "SOS_SERIAL_SIGN_IN_MAX_FAILURES": int(os.environ.get("SOS_SERIAL_SIGN_IN_MAX_FAILURES", "10")),
        "SOS_SERIAL_SIGN_IN_LOCK_MINUTES": int(os.environ.get("SOS_SERIAL_SIGN_IN_LOCK_MINUTES", "15")),
        # Unknown, expired or revoked API tokens one client address may send before its API requests are refused.
        "SOS_SERIAL_API_TOKEN_FAILURE_LIMIT": os.environ.get("SOS_SERIAL_API_TOKEN_FAILURE_LIMIT", "100 per minute"),
        # The log on stderr: JSON lines (one object per line, for a log collector) or plain text for a person.
        "SOS_SERIAL_LOG_FORMAT": os.environ.get("SOS_SERIAL_LOG_FORMAT", "json"),
        "SOS_SERIAL_LOG_LEVEL": os.environ.get("SOS_SERIAL_LOG_LEVEL", "INFO").upper(),
        # Plugins named here load in addition to the entry point group, e.g. in tests.
        "SOS_SERIAL_PLUGINS": [],
        "SOS_SERIAL_MAX_SERIALS_PER_DOCUMENT": SERIALS_PER_DOCUMENT,
        "SOS_SERIAL_MAX_LINES_PER_DOCUMENT": LINES_PER_DOCUMENT,
        # A save waits this long for another save's write lock, then answers "try again" (503), nothing written.
        "SOS_SERIAL_LOCK_TIMEOUT_SECONDS": float(os.environ.get("SOS_SERIAL_LOCK_TIMEOUT_SECONDS",
                                                                str(LOCK_TIMEOUT_SECONDS))),
        # The dates a document may carry: this many years before today to this many days after it.
        "SOS_SERIAL_DOCUMENT_YEARS_BACK": int(os.environ.get("SOS_SERIAL_DOCUMENT_YEARS_BACK", "10")),
        "SOS_SERIAL_DOCUMENT_DAYS_AHEAD": int(os.environ.get("SOS_SERIAL_DOCUMENT_DAYS_AHEAD", "366")),
        # A larger body is refused with 413 before any of it is read: nothing is written.
        "MAX_CONTENT_LENGTH": request_bytes,
        # Flask's own default (500 kB a multipart text part) would refuse a 100,000-serial CSV sent as one
        # field of a multipart form (one with a file input, a plugin's say).
        "MAX_FORM_MEMORY_SIZE": request_bytes,
    }
