"""A load run: seed a database, serve it as in production, run the locust mix headless, stop, check, print the figures.

    python -m bench.load_run --db postgresql [--users 20] [--spawn-rate 4] [--run-time 10m] [--workers 4]
    python -m bench.load_run --db sqlite --run-time 3m         # the README's SQLite server: gunicorn, 3 workers

PostgreSQL is a throwaway server unless SOS_SERIAL_BENCH_POSTGRES_URL names one (a URL on which databases may be
created). Gunicorn's workers' resident memory is sampled through the run (the soak's figure). Exit status 1 when a
target of zero failures (no 5xx, no "database is locked" reaching a user) or the check after the run fails.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from .common import create_postgres_database, machine, postgres_server, save_results
from .load.sanity import after_run
from .load.servers import MemorySampler, Server
from .load.world import seed

LOCUSTFILE = Path(__file__).with_name("load") / "locustfile.py"
POSTINGS = ("receipt 1-10", "receipt 11-500", "shipment", "transfer")
SMALL_POSTING_P95_TARGET_MS = 200


def _arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), required=True)
    parser.add_argument("--postgres-url", help="a database URL to use as it is (already empty), instead of a new one")
    parser.add_argument("--sqlite-file", help="a SQLite file to use (migrated already, or empty), instead of a new one")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=4)
    parser.add_argument("--run-time", default="1m", help="locust's form: 30s, 3m, 10m")
    parser.add_argument("--workers", type=int, help="gunicorn workers: 4 on PostgreSQL, 3 on SQLite (the README's)")
    parser.add_argument("--server", choices=("gunicorn", "flask"), default="gunicorn",
                        help="gunicorn as in production (default), or `make run`'s flask run")
    parser.add_argument("--max-requests", type=int, help="SOS_SERIAL_MAX_REQUESTS for the workers; 0 keeps each "
                        "worker for the whole run, so its memory over the run shows any growth (the soak)")
    parser.add_argument("--units", type=int, default=250, help="units seeded per item and location")
    parser.add_argument("--sample-every", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--out", help="folder for the CSV stats, logs, results.json and the SQLite file "
                        "(default: a new temporary one)")
    parser.add_argument("--no-save", action="store_true", help="keep bench/results/ as it is (the CI smoke)")
    return parser.parse_args()


def _seconds(run_time: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    return float(run_time[:-1]) * units[run_time[-1]] if run_time[-1] in units else float(run_time)


def _locust(config_path: Path, base: str, args, prefix: Path) -> int:
    env = {**os.environ, "SOS_LOAD_CONFIG": str(config_path)}
    command = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base, "-u", str(args.users),
               "-r", str(args.spawn_rate), "-t", args.run_time, "--csv", str(prefix), "--only-summary",
               "--stop-timeout", "30", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    # Bounded twice: locust stops itself at --run-time; this waits a minute more at most.
    result = subprocess.run(command, env=env, timeout=_seconds(args.run_time) + 120,  # noqa: S603
                            capture_output=True, text=True)
    (prefix.parent / "locust.log").write_text(result.stdout + result.stderr)
    return result.returncode


def _read_stats(prefix: Path) -> list[dict]:
    with open(f"{prefix}_stats.csv", newline="") as f:
        return list(csv.DictReader(f))


def figures(prefix: Path, statuses: dict, elapsed: float) -> dict:
    """Per kind of request: count, requests/s, median, p95, statuses; postings per second; the targets."""
    rows = _read_stats(prefix)
    by_status: dict[str, dict[str, int]] = {}
    for key, count in statuses["statuses"].items():
        name, status = key.rsplit("|", 1)
        by_status.setdefault(name, {})[status] = count
    kinds = {}
    for row in rows:
        label = "Aggregated" if row["Name"] == "Aggregated" else f"{row['Type']} {row['Name']}"
        kinds[label] = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                        "per_s": round(float(row["Requests/s"]), 2), "median_ms": float(row["50%"] or 0),
                        "p95_ms": float(row["95%"] or 0), "max_ms": float(row["Max Response Time"] or 0),
                        "statuses": by_status.get(label, {})}
    all_statuses: dict[str, int] = {}
    for per_kind in by_status.values():
        for status, count in per_kind.items():
            all_statuses[status] = all_statuses.get(status, 0) + count
    posted = sum(kinds.get(f"POST {name}", {}).get("statuses", {}).get("201", 0) for name in POSTINGS)
    collided = sum(kinds.get(f"POST {name}", {}).get("statuses", {}).get("409", 0) for name in POSTINGS)
    server_errors = sum(count for status, count in all_statuses.items() if status.startswith("5") and status != "503")
    small = kinds.get("POST receipt 1-10", {})
    return {
        "elapsed_s": round(elapsed, 1), "kinds": kinds, "statuses": all_statuses,
        "postings": posted, "postings_per_s": round(posted / elapsed, 2), "collisions_409": collided,
        "requests_per_s": kinds.get("Aggregated", {}).get("per_s"),
        "server_errors_500": server_errors, "busy_503": all_statuses.get("503", 0),
        "database_is_locked": sum(statuses["database_is_locked"].values()),
        "small_posting_p95_ms": small.get("p95_ms"),
    }


def report(result: dict, memory: dict) -> None:
    print(f"\n{'kind of request':48} {'count':>7} {'req/s':>7} {'median':>7} {'p95':>7}  statuses")
    for label, kind in result["kinds"].items():
        statuses = ", ".join(f"{status}: {count}" for status, count in sorted(kind["statuses"].items()))
        print(f"{label:48} {kind['requests']:7} {kind['per_s']:7.2f} {kind['median_ms']:6.0f}ms "
              f"{kind['p95_ms']:6.0f}ms  {statuses}")
    print(f"\nRequests/s {result['requests_per_s']}; postings {result['postings']} "
          f"({result['postings_per_s']}/s); collisions answered 409: {result['collisions_409']}")
    print(f"Statuses: {result['statuses']}")
    print(f"5xx other than 503: {result['server_errors_500']}; 503 (busy, retry): {result['busy_503']}; "
          f"'database is locked' reaching a user: {result['database_is_locked']}")
    print(f"Small posting (receipt of 1-10 serials) p95: {result['small_posting_p95_ms']} ms "
          f"(target < {SMALL_POSTING_P95_TARGET_MS} ms on PostgreSQL with 4 workers)")
    print("Resident memory per serving process (MB): first sample -> last sample (peak):")
    for pid, entry in memory.items():
        print(f"  pid {pid}: {entry['first_mb']} at {entry['first_s']} s -> {entry['last_mb']} at "
              f"{entry['last_s']} s (peak {entry['peak_mb']})")


def run(args) -> dict:
    with ExitStack() as stack:
        scratch = Path(args.out) if args.out else Path(stack.enter_context(tempfile.TemporaryDirectory()))
        scratch.mkdir(parents=True, exist_ok=True)
        if args.db == "sqlite" and args.sqlite_file:
            url = f"sqlite:///{Path(args.sqlite_file).resolve()}"
        elif args.db == "sqlite":
            url = f"sqlite:///{scratch / 'load.sqlite3'}"
            Path(url.removeprefix("sqlite:///")).unlink(missing_ok=True)
        elif args.postgres_url:
            url = args.postgres_url
        else:
            url = create_postgres_database(stack.enter_context(postgres_server()), "sos_serial_load")
        started = time.monotonic()
        config = seed(url, args.units)
        print(f"Seeded {config['seeded_units']:,} units in {time.monotonic() - started:.1f} s", flush=True)
        config["statuses"] = str(scratch / "statuses.json")
        config_path = scratch / "load-config.json"
        config_path.write_text(json.dumps(config))
        kind = args.server
        workers = args.workers or (4 if args.db == "postgresql" else 3)
        env = {} if args.max_requests is None else {"SOS_SERIAL_MAX_REQUESTS": str(args.max_requests)}
        server = Server(url, scratch, kind, workers, env)
        sampler = MemorySampler(server, args.sample_every)
        sampler.start()
        load_before = os.getloadavg()
        try:
            started = time.monotonic()
            exit_code = _locust(config_path, server.base, args, scratch / "locust")
            elapsed = time.monotonic() - started
        finally:
            sampler.stop()
            server.stop()
        load_after = os.getloadavg()
        if not (scratch / "locust_stats.csv").exists():
            raise RuntimeError(f"locust exited {exit_code} without its stats; see {scratch / 'locust.log'}")
        result = figures(scratch / "locust", json.loads(Path(config["statuses"]).read_text()), elapsed)
        memory = sampler.per_worker()
        report(result, memory)
        checks = after_run(url, scratch)
        outcome = {"db": args.db, "server": f"{kind}" + (f" -w {workers}" if kind == "gunicorn" else ""),
                "max_requests": args.max_requests, "users": args.users, "spawn_rate": args.spawn_rate, "run_time": args.run_time,
                "load_average_before": load_before, "load_average_after": load_after,
                **result, "memory": {str(pid): entry for pid, entry in memory.items()},
                "memory_samples": sampler.samples, "after_run": checks}
        (scratch / "results.json").write_text(json.dumps(outcome, indent=2))
        return outcome


def main() -> None:
    args = _arguments()
    print(f"Machine: {machine()}; load average {os.getloadavg()}", flush=True)
    print(f"{args.db}: {args.users} users (spawn rate {args.spawn_rate}/s) for {args.run_time}", flush=True)
    result = run(args)
    if not args.no_save:
        save_results(f"load-{args.db}", result)
    ok = (result["server_errors_500"] == 0 and result["database_is_locked"] == 0 and result["after_run"]["passed"]
          and not any(status.startswith("no answer") for status in result["statuses"]))
    print(f"Load average at the end: {os.getloadavg()}")
    print(f"Targets (zero 500s, nothing locked reaching a user, check passes): {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
