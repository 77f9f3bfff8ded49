"""Before and after in one run: the posting and screen benchmarks of this checkout against another's.

    python -m bench.compare --before DIR [--db sqlite|postgresql|both] [--units 1000000]

DIR is a checkout of the code to compare with (e.g. `git worktree add DIR <commit>`) holding its own
virtual environment in DIR/.venv with that checkout installed. Both versions measure the same
databases, seeded once, taking turns measurement by measurement, so a busy minute of this shared
machine falls on both alike; the ratio after / before is given by medians and round by round.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
from pathlib import Path

from .common import ROOT, machine, prepared_databases, save_results, settle
from .posting import SHIPMENT
from .screens import SHIPPED
from .screens import _prepare as prepare_screens

# Even, so each version runs first as often as second: the second of a pair ran slower in both orders.
ROUNDS = 4
# The screens are quick to measure and their medians of a few milliseconds move with any neighbour: more rounds.
SCREEN_ROUNDS = 8
SCENARIOS = ("typed", "auto", "csv", "ship")


def _child(checkout: Path, *args: str) -> dict:
    python = checkout / ".venv" / "bin" / "python"
    result = subprocess.run([str(python), *args], cwd=checkout, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{checkout}: {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _screens(checkout: Path, url: str, units: int) -> dict:
    code = ("import json, sys; from bench.screens import measure; "
            f"print(json.dumps(measure({url!r}, {units}, {checkout.name!r})))")
    return _child(checkout, "-c", code)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--units", type=int, default=1_000_000)
    args = parser.parse_args()
    versions = {"before": args.before.resolve(), "after": ROOT}
    # Each posting ships serials of its own: 2 versions x ROUNDS shipments, below the screens' shipped tail.
    if args.units < (2 * ROUNDS) * SHIPMENT + SHIPPED:
        parser.error(f"--units must be at least {(2 * ROUNDS) * SHIPMENT + SHIPPED:,}")
    print(f"Machine: {machine()}")
    print(f"{args.units:,} serial units; before = {versions['before']}, after = {ROOT}")
    with prepared_databases(args.db, "compare", lambda url: prepare_screens(url, args.units)) as urls:
        # The screens take turns too, round by round, each version first as often as second.
        screens = {kind: {v: [] for v in versions} for kind in urls}
        for round_ in range(SCREEN_ROUNDS):
            order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
            for kind, url in urls.items():
                for version in order:
                    settle(url)
                    screens[kind][version].append(_screens(versions[version], url, args.units))
                print(f"  {kind:10} screens round {round_ + 1} measured", flush=True)
        postings = {kind: {s: {v: [] for v in versions} for s in SCENARIOS} for kind in urls}
        for round_ in range(ROUNDS):
            # Which version goes first alternates, so neither always meets the other's leftovers.
            order = list(versions) if round_ % 2 == 0 else list(reversed(versions))
            for scenario in SCENARIOS:
                for kind, url in urls.items():
                    for version in order:
                        tag = 2 * round_ + order.index(version)
                        settle(url)
                        shown = _child(versions[version], "-m", "bench.posting_child", url, scenario, str(tag))
                        postings[kind][scenario][version].append(shown["seconds"])
                        print(f"  {kind:10} {scenario:6} round {round_ + 1} {version:6} {shown['seconds']:7.3f} s"
                              f"  peak {shown['peak_rss_mb']:6.1f} MB", flush=True)
    print(_summary(postings, screens))
    save_results("compare", {"units": args.units, "before": str(versions["before"]), "postings": postings,
                             "screens": screens})


def _summary(postings: dict, screens: dict) -> str:
    lines = ["", f"Postings, median of {ROUNDS} (seconds); after / before by medians (by round):", "",
             "| database | posting | before | after | after / before |", "|---|---|---|---|---|"]
    for kind, scenarios in postings.items():
        for scenario, runs in scenarios.items():
            before, after = statistics.median(runs["before"]), statistics.median(runs["after"])
            rounds = [a / b for a, b in zip(runs["after"], runs["before"])]
            lines.append(f"| {kind} | {scenario} | {before:.2f} | {after:.2f} | {after / before:.2f} "
                         f"({min(rounds):.2f}–{max(rounds):.2f}) |")
    lines += ["", f"Screens, median over {SCREEN_ROUNDS} rounds of each round's median of 20 requests (ms); "
              "after / before by medians (by round):", "",
              "| database | page | before | after | after / before |", "|---|---|---|---|---|"]
    for kind, versions in screens.items():
        for page in versions["after"][0]:
            runs = {v: [r[page]["median_ms"] for r in rounds] for v, rounds in versions.items()}
            before, after = statistics.median(runs["before"]), statistics.median(runs["after"])
            rounds = [a / b for a, b in zip(runs["after"], runs["before"])]
            lines.append(f"| {kind} | {page} | {before:.1f} | {after:.1f} | {after / before:.2f} "
                         f"({min(rounds):.2f}–{max(rounds):.2f}) |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
