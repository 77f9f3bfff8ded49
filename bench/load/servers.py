"""The app served as in production for a load or fault run: gunicorn with the package's settings (README, "Production")."""
from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from ..common import ROOT

# One key for every worker of a run: a session signed by one worker is read by the others.
SECRET_KEY = secrets.token_hex(32)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_environment(url: str, instance: Path) -> dict:
    instance.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "SOS_SERIAL_DATABASE_URL": url, "SOS_SERIAL_SECRET_KEY": SECRET_KEY,
            "SOS_SERIAL_INSTANCE_PATH": str(instance)}


def _gunicorn_config() -> list[str]:
    # The production settings (README, "Production"), where the package has them; else gunicorn's defaults.
    config = ROOT / "sos_serial" / "ops" / "gunicorn_conf.py"
    return ["-c", "python:sos_serial.ops.gunicorn_conf"] if config.exists() else []


class Server:
    """One server process (gunicorn's master, or the documented SQLite server) on 127.0.0.1."""

    def __init__(self, url: str, scratch: Path, kind: str, workers: int = 4, env: dict | None = None):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = scratch / f"server-{kind}-{self.port}.log"
        env = {**app_environment(url, scratch / "instance"), **(env or {})}
        if kind == "gunicorn":
            command = [sys.executable, "-m", "gunicorn", *_gunicorn_config(), "-w", str(workers),
                       "-b", f"127.0.0.1:{self.port}", "--timeout", "120", "sos_serial:create_app()"]
        else:
            # `make run`'s server (one process, threaded), for a look at the difference.
            command = [sys.executable, "-m", "flask", "--app", "sos_serial", "run", "--host", "127.0.0.1",
                       "--port", str(self.port), "--with-threads"]
        self._log_file = self.log.open("w")
        self.process = subprocess.Popen(command, cwd=scratch, env=env, stdout=self._log_file,  # noqa: S603
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.kind = kind
        self.wait_ready()

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped at start; see {self.log}")
            try:
                with urllib.request.urlopen(self.base + "/login", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise RuntimeError(f"the server did not answer within {seconds} s; see {self.log}")

    def workers(self) -> list[int]:
        """The processes serving requests: gunicorn's workers, or the one SQLite server process."""
        import psutil

        if self.kind != "gunicorn":
            return [self.process.pid]
        try:
            return sorted(child.pid for child in psutil.Process(self.process.pid).children())
        except psutil.NoSuchProcess:
            return []

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self._log_file.close()


class MemorySampler(threading.Thread):
    """Resident memory of each serving process every ``every`` seconds: [(seconds since start, pid, MB)]."""

    def __init__(self, server: Server, every: float = 10):
        super().__init__(daemon=True)
        self.server, self.every, self.samples = server, every, []
        self._stop_event = threading.Event()

    def run(self) -> None:
        import psutil

        start = time.monotonic()
        while not self._stop_event.is_set():
            for pid in self.server.workers():
                try:
                    rss = psutil.Process(pid).memory_info().rss / 2**20
                except psutil.NoSuchProcess:
                    continue
                self.samples.append((round(time.monotonic() - start, 1), pid, round(rss, 1)))
            self._stop_event.wait(self.every)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()

    def per_worker(self) -> dict[int, dict]:
        """Each process's first and last sample, and its peak."""
        figures: dict[int, dict] = {}
        for seconds, pid, mb in self.samples:
            entry = figures.setdefault(pid, {"first_s": seconds, "first_mb": mb, "peak_mb": mb})
            entry.update(last_s=seconds, last_mb=mb, peak_mb=max(entry["peak_mb"], mb))
        return figures
