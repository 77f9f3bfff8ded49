"""The screens' CPU work, counted: instructions per request (valgrind callgrind) of this checkout and another's.

    python -m bench.screen_counts --before DIR [--units 60000] [--requests 3]

Wall time on a shared machine moves with the neighbours; an instruction count does not. One SQLite
database is seeded (bench.screens's units, 30,000 shipped) and copied for each version; each version
then serves every page of bench.screens under callgrind, in its own process and its own checkout
(DIR with its own .venv, as for bench.compare). Only the requests themselves are counted: each runs
inside ``itertools.starmap``, and callgrind collects only inside that function and writes one count
each time it returns, so app start, sign-in and two warming requests per page are left out. Prints
the median count per request of each page and the ratio after / before.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from .common import ROOT, machine, migrate
from .screens import SHIPPED
from .screens import _prepare as prepare_screens

# Runs in the measured checkout: its own bench.screens names the pages and builds the app.
CHILD = """
import itertools, json, sys
from bench.common import make_app
from bench.screens import _pages
url, units, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
app = make_app(url)
app.config["WTF_CSRF_ENABLED"] = False
# A request under callgrind takes seconds, so the plugin switches (read at most every 2 s of real
# time) would be read on almost every request, where a real process reads them once in hundreds.
watch = app.extensions.get("sos_serial.plugin_switches")
if watch is not None:
    watch.interval = float("inf")
client = app.test_client()
client.post("/login", data={"username": "bench", "password": "bench-password"})
pages = _pages(app, units)
for path in pages.values():
    for _ in range(2):
        assert client.get(path).status_code == 200, path
    list(itertools.starmap(client.get, [(path,)] * n))
print(json.dumps(list(pages)))
"""


def _count(checkout: Path, database: Path, units: int, requests: int, out: Path) -> dict[str, list[int]]:
    out.mkdir()
    command = ["valgrind", "--tool=callgrind", "--collect-atstart=no", "--toggle-collect=starmap_next",
               "--dump-after=starmap_next", f"--callgrind-out-file={out}/cg.%p",
               str(checkout / ".venv" / "bin" / "python"), "-c", CHILD, f"sqlite:///{database}", str(units),
               str(requests)]
    result = subprocess.run(command, cwd=checkout, capture_output=True, text=True,
                            env={"PYTHONPATH": str(checkout), "PATH": "/usr/bin:/bin"})
    if result.returncode != 0:
        raise RuntimeError(f"{checkout} failed under callgrind:\n{result.stderr[-3000:]}")
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    dumps = sorted(out.glob("cg.*.*"), key=lambda f: int(f.suffix[1:]))
    counts = [int(re.search(r"^summary: (\d+)", f.read_text(), re.M).group(1)) for f in dumps]
    # starmap returns once per request and once more when it runs out: a page is requests + 1 dumps.
    if len(counts) != len(pages) * (requests + 1):
        raise RuntimeError(f"{checkout}: {len(counts)} counts for {len(pages)} pages of {requests} requests")
    step = requests + 1
    return {page: counts[i * step:i * step + requests] for i, page in enumerate(pages)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--units", type=int, default=60_000)
    parser.add_argument("--requests", type=int, default=3)
    args = parser.parse_args()
    if args.units <= SHIPPED:
        parser.error(f"--units must be more than {SHIPPED:,}")
    print(f"Machine: {machine()}")
    with tempfile.TemporaryDirectory() as work:
        seeded = Path(work) / "seeded.sqlite3"
        migrate(f"sqlite:///{seeded}")
        prepare_screens(f"sqlite:///{seeded}", args.units)
        counts = {}
        for version, checkout in (("before", args.before.resolve()), ("after", ROOT)):
            database = Path(work) / f"{version}.sqlite3"
            shutil.copy(seeded, database)
            counts[version] = _count(checkout, database, args.units, args.requests, Path(work) / version)
    print(f"\nInstructions per request, SQLite, {args.units:,} units; median of {args.requests} (millions):\n")
    print("| page | before | after | after / before |\n|---|---|---|---|")
    for page, after in counts["after"].items():
        before = statistics.median(counts["before"][page])
        after = statistics.median(after)
        print(f"| {page} | {before / 1e6:.1f} M | {after / 1e6:.1f} M | {after / before:.2f} |")


if __name__ == "__main__":
    main()
