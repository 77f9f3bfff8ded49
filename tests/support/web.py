"""Speaking to the screens as a clerk does: the test users' password and the CSRF token a form carries."""
from __future__ import annotations

import re

# Every user the ``make_user`` and ``login`` fixtures create signs in with this password.
PASSWORD = "correct horse battery"


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html
    )
    assert match, "the page carries no CSRF token"
    return match.group(1)


def read_version_from(html: str) -> dict:
    """The edit form's hidden ``read_version`` (the version of the record the page showed), as a browser posts it back."""
    match = re.search(r'name="read_version"[^>]*value="([^"]*)"', html) or re.search(
        r'value="([^"]*)"[^>]*name="read_version"', html
    )
    return {"read_version": match.group(1)} if match else {}
