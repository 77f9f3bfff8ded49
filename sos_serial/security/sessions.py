"""The screens' sessions: idle and absolute timeouts, Secure cookies and HSTS over HTTPS, and the proxy switch."""
from __future__ import annotations

import time

from flask import current_app, has_request_context, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

SIGNED_IN_AT = "sos_signed_in_at"  # session keys: seconds since the epoch
SEEN_AT = "sos_seen_at"
# The last-seen time is rewritten at most this often, so reading pages does not reissue the cookie each time.
SEEN_AT_STEP = 60


def start(now: float | None = None) -> None:
    """Stamp a session that has just signed in."""
    now = time.time() if now is None else now
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now)


def still_current(now: float | None = None) -> bool:
    """Whether the signed-in session is within its idle and absolute limits; notes that it was seen now."""
    now = time.time() if now is None else now
    signed_in_at, seen_at = session.get(SIGNED_IN_AT), session.get(SEEN_AT)
    if not isinstance(signed_in_at, int) or not isinstance(seen_at, int):
        return False  # a session from before the timeouts, or one tampered with: sign in again
    config = current_app.config
    if now - signed_in_at >= config["SOS_SERIAL_SESSION_ABSOLUTE_HOURS"] * 3600:
        return False
    if now - seen_at >= config["SOS_SERIAL_SESSION_IDLE_MINUTES"] * 60:
        return False
    if now - seen_at >= SEEN_AT_STEP:
        session[SEEN_AT] = int(now)
    return True


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie sessions, marked Secure whenever the request came over HTTPS (or always,
    with SESSION_COOKIE_SECURE)."""

    def get_cookie_secure(self, app) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (has_request_context() and request.is_secure))


def _strict_transport_security(response):
    seconds = current_app.config["SOS_SERIAL_HSTS_SECONDS"]
    if request.is_secure and seconds:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={int(seconds)}")
    return response


def init_app(app) -> None:
    app.session_interface = SessionCookies()
    app.after_request(_strict_transport_security)
    hops = int(app.config["SOS_SERIAL_PROXY_HOPS"])
    if hops > 0:
        # Behind that many proxies, the client's address, scheme and host come from their X-Forwarded headers;
        # without a proxy those headers are anyone's to send, so they are trusted only when this is set.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops, x_prefix=hops)
