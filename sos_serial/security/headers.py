"""The headers every answer carries: the Content-Security-Policy and its per-request script nonce, nosniff, no framing, the referrer policy."""
from __future__ import annotations

import secrets

from flask import g

# Scripts: only the app's own files, and inline scripts carrying this request's nonce (Flask-Admin's
# templates mark theirs with ``admin_csp_nonce_attribute``). No 'unsafe-inline' and no 'unsafe-eval'
# for scripts, so markup injected into a page cannot run. Styles keep 'unsafe-inline': Flask-Admin's
# templates and its select2 and x-editable widgets write style attributes, which a nonce cannot cover,
# and a style cannot run code. Nothing is loaded from another site; no plugin object, no <base>.
POLICY = (
    "default-src 'self'",
    "script-src 'self' 'report-sample'{nonce}",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
)

HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # frame-ancestors above for today's browsers, X-Frame-Options for older ones: no page of the
    # module (the Settings form, a delete button) can be framed by another page to be clicked blind.
    "X-Frame-Options": "DENY",
    # Links out of the app do not carry its URLs (a search for a serial, a customer's id) to other sites.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def csp_nonce() -> str:
    """This request's script nonce, made when a page first asks for it."""
    nonce = g.get("sos_csp_nonce")
    if nonce is None:
        nonce = g.sos_csp_nonce = secrets.token_urlsafe(18)
    return nonce


def content_security_policy() -> str:
    # Only a page that asked for a nonce (one that renders an inline script) names it: the API, the
    # static files and the error pages get the policy with no inline script allowed at all.
    nonce = g.get("sos_csp_nonce")
    return "; ".join(POLICY).format(nonce=f" 'nonce-{nonce}'" if nonce else "")


def add_security_headers(response):
    response.headers["Content-Security-Policy"] = content_security_policy()
    for name, value in HEADERS.items():
        response.headers[name] = value
    # The app names no server; the WSGI server in front decides its own (see SECURITY.md).
    response.headers.pop("Server", None)
    return response


def init_app(app) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce
    app.after_request(add_security_headers)
