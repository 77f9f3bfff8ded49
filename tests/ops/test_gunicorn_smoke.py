"""gunicorn with two sync workers on the run's database: ready, a sign-in, a posting, and a sign-out that ends the
session on the other worker too. Run on both databases (SQLite's file: the small site's documented server)."""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import pytest

from sos_serial.testing.api import issue_token
from tests.support.web import PASSWORD, csrf_token_from
from tests.support.worker_pid_app import HEADER

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 90  # two workers each build the app: seconds on a quiet machine, more on a busy shared one
HEAR_BOTH_SECONDS = 30  # how long the same request is repeated at most to hear from both workers


class Answer:
    def __init__(self, response: http.client.HTTPResponse):
        self.status = response.status
        self.headers = response.headers
        self.text = response.read().decode("utf-8", "replace")
        self.worker = int(response.headers[HEADER])

    def cookie(self, name: str = "session") -> str | None:
        for header in self.headers.get_all("Set-Cookie") or []:
            if header.startswith(f"{name}="):
                return header.split(";", 1)[0].split("=", 1)[1]
        return None


class Server:
    def __init__(self, port: int):
        self.port = port

    def open(self, method: str, path: str, *, cookie: str | None = None, form: dict | None = None,
             body: dict | None = None, token: str | None = None) -> Answer:
        headers = {}
        payload = None
        if cookie:
            headers["Cookie"] = f"session={cookie}"
        if form is not None:
            payload, headers["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        if body is not None:
            payload, headers["Content-Type"] = json.dumps(body), "application/json"
        if token:
            headers["Authorization"] = f"Bearer {token}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request(method, path, body=payload, headers=headers)
            return Answer(connection.getresponse())
        finally:
            connection.close()

    def from_each_worker(self, method: str, path: str, **kwargs) -> dict[int, Answer]:
        """The same request repeated until both workers have answered it: {worker pid: its answer}."""
        answers: dict[int, Answer] = {}
        deadline = time.monotonic() + HEAR_BOTH_SECONDS
        while time.monotonic() < deadline:
            answer = self.open(method, path, **kwargs)
            answers.setdefault(answer.worker, answer)
            if len(answers) == 2:
                return answers
            # An idle moment lets the other worker, waiting on the same socket, take the next connection.
            time.sleep(0.01)
        raise AssertionError(f"only worker {sorted(answers)} answered {path} in {HEAR_BOTH_SECONDS} s")


@pytest.fixture
def gunicorn(app, database_url, tmp_path):
    """gunicorn serving the test's database with two workers; yields the Server and its log file."""
    log = tmp_path / "gunicorn.log"
    env = {**os.environ, "SOS_SERIAL_DATABASE_URL": database_url, "SOS_SERIAL_SECRET_KEY": "smoke-test-shared-key",
           "SOS_SERIAL_WORKERS": "2", "SOS_SERIAL_BIND": "127.0.0.1:0", "SOS_SERIAL_INSTANCE_PATH": str(tmp_path),
           "SOS_SERIAL_LOG_FORMAT": "json"}
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "python:sos_serial.ops.gunicorn_conf",
             "tests.support.worker_pid_app:app"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        server = Server(_listening_port(process, log))
        _wait_until_ready(server, process, log)
        yield server, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _listening_port(process, log: Path) -> int:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", log.read_text())
        if found:
            return int(found.group(1))
        assert process.poll() is None, log.read_text()
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start listening:\n" + log.read_text())


def _wait_until_ready(server: Server, process, log: Path) -> None:
    """Until both workers answer /readyz with 200: each builds its own app, one may take longer than the other."""
    ready: set[int] = set()
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and len(ready) < 2:
        assert process.poll() is None, log.read_text()
        try:
            answer = server.open("GET", "/readyz")
        except (ConnectionError, http.client.HTTPException, OSError):
            time.sleep(0.2)
            continue
        if answer.status == 200:
            ready.add(answer.worker)
        time.sleep(0.02)
    assert len(ready) == 2, "gunicorn's workers did not both become ready:\n" + log.read_text()


def test_two_workers_serve_a_sign_in_a_posting_and_a_sign_out_that_ends_the_session_on_both(
        gunicorn, app, make_user, world):
    server, log = gunicorn
    make_user("admin", "boss")
    token = issue_token(app, "clerk", "clerk")

    ready = server.from_each_worker("GET", "/readyz")
    assert {answer.status for answer in ready.values()} == {200}

    # Sign in through the form: the page from one worker, the post to whichever answers (one shared key).
    page = server.open("GET", "/login")
    signed_in = server.open("POST", "/login", cookie=page.cookie(), form={
        "username": "boss", "password": PASSWORD, "csrf_token": csrf_token_from(page.text)})
    assert signed_in.status == 302, signed_in.text
    session = signed_in.cookie()
    assert session
    screens = server.from_each_worker("GET", "/admin/", cookie=session)
    assert {answer.status for answer in screens.values()} == {200}

    # A posting through the API.
    posted = server.open("POST", "/api/v1/transactions", token=token, body={
        "type": "item_receipt", "date": date.today().isoformat(), "location_id": world.main,
        "lines": [{"item_id": world.clock, "quantity": 2, "serials": ["SMOKE-1", "SMOKE-2"]}]})
    assert posted.status == 201, posted.text
    found = server.from_each_worker("GET", "/api/v1/serials?serial=SMOKE-", token=token)
    for answer in found.values():
        assert sorted(unit["serial_number"] for unit in json.loads(answer.text)["items"]) == ["SMOKE-1", "SMOKE-2"]

    # Sign out on one worker, with the cookie its page left (the page's CSRF token lives in it); the session is
    # ended everywhere: both cookies are refused by both workers afterwards.
    shown = next(iter(screens.values()))
    latest = shown.cookie() or session
    out = server.open("POST", "/logout", cookie=latest, form={"csrf_token": csrf_token_from(shown.text)})
    assert out.status == 302 and out.headers["Location"].endswith("/login"), out.text
    for cookie in (session, latest):
        refused = server.from_each_worker("GET", "/admin/", cookie=cookie)
        for answer in refused.values():
            assert answer.status == 302 and "/login" in answer.headers["Location"]

    # The workers' log: JSON lines, the posting's carrying its request's id.
    lines = [json.loads(text) for text in log.read_text().splitlines() if text.startswith("{")]
    (posting,) = [line for line in lines if line.get("event") == "posting"]
    assert posting["request_id"] == posted.headers["X-Request-Id"]
    assert posting["units_moved"] == 2 and posting["user"] == "clerk"
    requests = [line for line in lines if line.get("event") == "request"]
    assert {"/login", "/admin/", "/logout", "/api/v1/transactions", "/readyz"} <= {line["route"] for line in requests}
    assert any(line["user"] == "boss" and line["route"] == "/admin/" for line in requests)
