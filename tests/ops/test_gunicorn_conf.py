"""gunicorn's settings for sos-serial: read from the environment, and no start without the shared secret key."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READ = ("import json, sos_serial.ops.gunicorn_conf as c; print(json.dumps({k: getattr(c, k) for k in "
        "('bind', 'workers', 'worker_class', 'timeout', 'graceful_timeout', 'max_requests', 'max_requests_jitter', "
        "'accesslog', 'forwarded_allow_ips')}))")


def _environment(**values) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOS_SERIAL_") and k != "WEB_CONCURRENCY"}
    env.update(values)
    return env


def _settings(**values) -> dict:
    result = subprocess.run([sys.executable, "-c", READ], env=_environment(**values), capture_output=True, text=True,
                            timeout=60, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_settings_come_from_the_environment():
    settings = _settings(SOS_SERIAL_BIND="10.0.0.5:9000 127.0.0.1:9001", SOS_SERIAL_WORKERS="3",
                         SOS_SERIAL_TIMEOUT_SECONDS="300", SOS_SERIAL_PROXY_HOPS="1")
    assert settings["bind"] == ["10.0.0.5:9000", "127.0.0.1:9001"]
    assert settings["workers"] == 3 and settings["worker_class"] == "sync" and settings["timeout"] == 300
    assert settings["accesslog"] is None
    # With a proxy in front, gunicorn trusts its X-Forwarded-Proto from this machine only.
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"


def test_the_defaults_listen_locally_and_trust_no_forwarded_headers():
    settings = _settings(WEB_CONCURRENCY="4")
    assert settings["bind"] == ["127.0.0.1:8000"]
    assert settings["workers"] == 4
    assert settings["timeout"] == 120 and settings["graceful_timeout"] == 60
    assert settings["max_requests"] == 2000 and settings["max_requests_jitter"] == 200
    assert settings["forwarded_allow_ips"] == ""


def test_gunicorn_refuses_to_start_without_the_shared_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-c", "python:sos_serial.ops.gunicorn_conf", "sos_serial:create_app()"],
        env=_environment(SOS_SERIAL_BIND="127.0.0.1:0", SOS_SERIAL_INSTANCE_PATH=str(tmp_path)),
        capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 1
    assert "SOS_SERIAL_SECRET_KEY is not set. Every app process must sign sessions with the same key" in result.stderr
    # Refused before any worker was started or any key made.
    assert "Booting worker" not in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_a_setting_that_is_not_a_number_is_named():
    result = subprocess.run([sys.executable, "-c", READ], env=_environment(SOS_SERIAL_WORKERS="many"),
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode != 0
    assert "SOS_SERIAL_WORKERS must be a whole number, not 'many'." in result.stderr
