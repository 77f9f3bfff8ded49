"""Browser-test fixtures: a live werkzeug server for the test app, and Debian Chromium via Playwright.

Every browser test runs on both databases (``--db``) like the rest of the suite. A missing
Chromium fails the tests; it never skips them. Each test gets:

* ``live_server`` / ``base_url``: the per-test ``app`` served on 127.0.0.1 on a free port;
* ``page``: pytest-playwright's page, watched by ``PageGuard`` for 5xx responses, raw
  database errors and JavaScript errors;
* ``shot(page, name)``: a screenshot saved as ``test-artifacts/<test>-<db>/NN-name.png``.
"""
from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_ROOT = REPO_ROOT / "test-artifacts"

# Text that must never reach a screen: server errors and raw database/driver messages.
FORBIDDEN_TEXT = (
    "Internal Server Error",
    "Traceback",
    "IntegrityError",
    "OperationalError",
    "ProgrammingError",
    "sqlalchemy.exc",
    "sqlite3.",
    "psycopg",
    "Background on this error",
)


# --- The app, served for real -------------------------------------------------------------

@pytest.fixture
def live_server(app):
    """The test ``app`` served by werkzeug in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def base_url(live_server) -> str:
    """Replaces pytest-playwright's session ``base_url``: relative ``page.goto`` paths hit the live server."""
    return live_server


# --- Debian Chromium ----------------------------------------------------------------------

@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, browser_name):
    if browser_name != "chromium":
        pytest.fail(f"The browser tests drive Debian Chromium only; --browser {browser_name} is not supported.")
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}. The browser tests are required, never skipped: "
            "install it with `apt-get install -y chromium` (never `playwright install`).",
            pytrace=False,
        )
    args = [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": args}


@pytest.fixture
def browser_context_args(pytestconfig, playwright, device, base_url, _pw_artifacts_folder):
    """pytest-playwright's own is session-scoped; the live server is per test, so this one is too."""
    context_args = {}
    if device:
        context_args.update(playwright.devices[device])
    context_args["base_url"] = base_url
    context_args.setdefault("viewport", {"width": 1280, "height": 900})
    if pytestconfig.getoption("--video") in ("on", "retain-on-failure"):
        context_args["record_video_dir"] = _pw_artifacts_folder.name
    return context_args


# --- Guarding every page against server errors and leaked database text -------------------

# Each Content-Security-Policy violation a page meets is written to the console with this mark.
# Init scripts run outside the page's policy, so the listener is in place before any page script.
CSP_MARK = "CSP violation:"
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (e) => {
  console.error(%r + " " + e.violatedDirective + " blocked " + (e.blockedURI || "inline") +
                " at " + e.sourceFile + ":" + e.lineNumber + (e.sample ? " (" + e.sample + ")" : "") +
                (e.target && e.target.outerHTML ? " on " + e.target.outerHTML.slice(0, 160) : ""));
});
""" % CSP_MARK


class PageGuard:
    """Collects what went wrong on a page: 5xx responses, forbidden text, JavaScript errors, and
    anything the Content-Security-Policy refused (a script, a style, a frame)."""

    def __init__(self, page):
        self.page = page
        self.problems: list[str] = []
        page.on("response", self._on_response)
        page.on("load", self._on_load)
        page.on("pageerror", self._on_page_error)
        page.on("console", self._on_console)
        page.add_init_script(REPORT_CSP_VIOLATIONS)

    def _on_console(self, message) -> None:
        # The browser's own refusal ("Refused to execute inline script because it violates the
        # following Content Security Policy directive...") and the listener's report above.
        text = message.text
        if CSP_MARK in text or "Content Security Policy" in text:
            self.problems.append(f"Content-Security-Policy refused something on {self.page.url}: {text}")

    def _on_response(self, response) -> None:
        if response.status >= 500:
            self.problems.append(f"HTTP {response.status} from {response.request.method} {response.url}")

    def _on_load(self, page) -> None:
        try:
            html = page.content()
        except PlaywrightError:
            return  # navigated on or closed before it could be read: the next check reads the page again
        self._scan(page.url, html)

    def _on_page_error(self, error) -> None:
        self.problems.append(f"JavaScript error on {self.page.url}: {error}")

    def _scan(self, url: str, html: str) -> None:
        for text in FORBIDDEN_TEXT:
            if text in html:
                self.problems.append(f"{url} shows {text!r}")
                break

    def check(self) -> None:
        """Fail the test now if any page so far went wrong (reads the current page too)."""
        self.page.wait_for_load_state()
        self._scan(self.page.url, self.page.content())
        if self.problems:
            problems, self.problems = self.problems, []
            pytest.fail("The browser saw errors:\n  " + "\n  ".join(dict.fromkeys(problems)), pytrace=False)


@pytest.fixture
def page(page, base_url):
    """pytest-playwright's page, guarded: the test fails on any 5xx, raw database text, JavaScript error or
    Content-Security-Policy violation."""
    page.guard = PageGuard(page)
    page.set_default_timeout(10_000)
    return page


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """After a browser test's body passes, check its page once more: errors fail the test, not its teardown."""
    result = yield
    page = getattr(item, "funcargs", {}).get("page")
    guard = getattr(page, "guard", None)
    if guard is not None and not page.is_closed():
        guard.check()
    return result


def check_page(page) -> None:
    """Fail the test if this page, or any page before it, showed an error."""
    page.guard.check()


# --- Screenshots as test artifacts --------------------------------------------------------

@pytest.fixture
def artifacts_dir(request, db_backend) -> Path:
    """``test-artifacts/<test name>-<db>/``, emptied at the start of the test."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.originalname)
    directory = ARTIFACTS_ROOT / f"{name}-{db_backend}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def shot(artifacts_dir):
    """``shot(page, name)``: save ``NN-name.png`` (full page), then fail the test if the page shows an error."""
    counter = 0

    def take(page, name: str) -> Path:
        nonlocal counter
        counter += 1
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")
        path = artifacts_dir / f"{counter:02d}-{slug}.png"
        page.wait_for_load_state()
        page.screenshot(path=str(path), full_page=True)
        check_page(page)
        return path

    return take
