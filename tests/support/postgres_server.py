"""The throwaway PostgreSQL server as the suite and .ci/run know it; the server itself lives in the testing kit.

    python tests/support/postgres_server.py start DIR   -> prints the server's URL
    python tests/support/postgres_server.py stop DIR

.ci/run calls this with the system Python before anything is installed, so the kit's module is
loaded from its file (it needs only the standard library), not through the sos_serial package.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

_SOURCE = Path(__file__).resolve().parents[2] / "sos_serial" / "testing" / "postgres_server.py"
_spec = importlib.util.spec_from_file_location("_sos_serial_postgres_server", _SOURCE)
_server = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_server)

PostgresUnavailable, restart, start, stop = _server.PostgresUnavailable, _server.restart, _server.start, _server.stop

__all__ = ["PostgresUnavailable", "restart", "start", "stop"]

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop"):
        sys.exit("usage: postgres_server.py start|stop DIR")
    if sys.argv[1] == "start":
        print(start(sys.argv[2])[1])
    else:
        stop(sys.argv[2])
