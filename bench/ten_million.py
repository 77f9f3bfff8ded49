"""The ten-million generator: a PostgreSQL database of N serial units with three years of receipts, transfers and
shipments, their documents, lines, cost layers, history and events, consistent as the posting would leave them,
bulk-loaded with COPY.

    python -m bench.ten_million --url postgresql+psycopg://postgres@127.0.0.1:PORT/NAME [--units 10000000]
        --work DIR [--seed 1] [--check]

The database named by --url is created (dropped first if it exists) and migrated. Master data (5,000 items, 40
locations, 5,000 customers, 200 vendors, 4 warranties, the user ``bench`` with password ``bench-password``) is
written through the models; the movements are worked out in one pass in posting order (per receipt: the receipt,
a transfer of part of it, its shipments), written as COPY text files under --work, then loaded with the big
tables' foreign keys and secondary indexes set aside and rebuilt afterwards exactly as the migrations made them
(rebuilding them validates every key). Each unit's history replays to its state; an item's quantity on hand and
value equal its units in stock and its open cost layers (FIFO, as the posting consumes them).
"""
from __future__ import annotations

import argparse
import json
import random
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from .common import create_postgres_database, migrate

ITEMS, LOCATIONS, CUSTOMERS, VENDORS = 5_000, 40, 5_000, 200
YEARS = 3
SHIPPED_SHARE = 0.45  # of units old enough to have left
TRANSFERRED_RECEIPTS = 0.3  # receipts part of which moves to another location
TRANSFERRED_SHARE = 0.3  # of such a receipt's units
NOUNS = ("Barometer", "Mantel Clock", "Wall Clock", "Cuckoo Clock", "Pocket Watch", "Hygrometer", "Chronometer",
         "Metronome", "Sundial", "Hourglass", "Alarm Clock", "Tide Clock", "Regulator", "Stopwatch", "Thermometer")
ADJECTIVES = ("Brass", "Oak", "Walnut", "Marine", "Antique", "Compact", "Grand", "Travel", "Desk", "Pilot",
              "Silver", "Cherry", "Ebony", "Nautical", "Railway", "Skeleton", "Lunar", "Vienna", "Bracket", "Carriage")
SURNAMES = ("Hovhannisyan", "Petrosyan", "Baker", "Smith", "Novak", "Garcia", "Kim", "Okafor", "Ivanova", "Rossi",
            "Sargsyan", "Muller", "Dubois", "Tanaka", "Silva", "Kowalski", "Jensen", "Haddad", "Nguyen", "Brown")
PLACES = ("Main Warehouse", "Showroom", "Receiving Dock", "Repair Bench", "Returns Cage", "Quarantine", "Overflow",
          "Outlet", "Yerevan Store", "Gyumri Store", "Vanadzor Store", "Dilijan Store")
WARRANTIES = (("90 days parts", 90, "days"), ("1 year parts and labor", 1, "years"),
              ("2 year extended", 24, "months"), ("3 year premium", 3, "years"))
# The tables the movements fill, in the order they are loaded (a referenced table before its referrers).
BIG_TABLES = ("transactions", "transaction_lines", "cost_layers", "serial_units", "transaction_line_serials",
              "serial_history", "events")
COLUMNS = {
    "transactions": ("id", "type", "number", "date", "vendor_id", "customer_id", "location_id", "to_location_id",
                     "created_by_id", "status"),
    "transaction_lines": ("id", "transaction_id", "line_no", "item_id", "quantity", "unit_cost", "cost"),
    "cost_layers": ("id", "item_id", "line_id", "quantity", "quantity_remaining", "unit_cost"),
    "serial_units": ("id", "item_id", "serial_number", "serial_key", "status", "location_id", "customer_id",
                     "unit_cost", "warranty_id", "warranty_start", "warranty_end", "version"),
    "transaction_line_serials": ("line_id", "serial_unit_id"),
    "serial_history": ("id", "serial_unit_id", "transaction_id", "transaction_type", "date", "status", "location_id",
                       "customer_id", "user_id", "changes"),
    "events": ("id", "type", "transaction_id", "user_id", "data"),
}
PREFIX = {"item_receipt": "IR", "shipment": "SH", "transfer": "TR"}
N = r"\N"


def _sku(item: int) -> str:
    return f"{NOUNS[item % len(NOUNS)][:3].upper()}-{item:05d}"


def _serial(n: int, item: int) -> str:
    """Two shapes, as companies number: the item's prefix and a running number, or a scrambled code."""
    if n % 2:
        return f"{_sku(item).replace('-', '')}-{n:08d}"
    scrambled = (n * 2_654_435_761) % 4_294_967_296
    return f"A{scrambled % 1000:03d}{chr(65 + n % 26)}{n:07d}"


def _warranty_end(start: date, duration: int, unit: str) -> date:
    from sos_serial.engine.warranty_dates import add_period

    return add_period(start, duration, unit)


def _master_data(url: str, rng: random.Random) -> dict:
    """Items, places, parties, warranties and the bench user, through the models; returns their ids and terms."""
    from sqlalchemy import select

    from sos_serial.extensions import db
    from sos_serial.models import Customer, Item, Location, User, Vendor, Warranty

    from .common import make_app

    app = make_app(url)
    with app.app_context():
        session = db.session
        warranties = [Warranty(name=name, duration=duration, unit=unit) for name, duration, unit in WARRANTIES]
        session.add_all(warranties)
        session.add_all([Location(name=PLACES[i] if i < len(PLACES) else f"Van {i - len(PLACES) + 1}")
                         for i in range(LOCATIONS)])
        session.add_all([Customer(name=f"{SURNAMES[c % 20]} {ADJECTIVES[c // 20 % 20]} Trading {c}")
                         for c in range(CUSTOMERS)])
        session.add_all([Vendor(name=f"{ADJECTIVES[v % 20]} {NOUNS[v // 20 % 15]} Works {v}") for v in range(VENDORS)])
        session.flush()
        items = []
        for i in range(ITEMS):
            warranty = warranties[i % 5] if i % 5 < 4 else None  # one item in five has none
            items.append(Item(name=f"{ADJECTIVES[i // 15 % 20]} {NOUNS[i % 15]} {i}", sku=_sku(i), track_serials=True,
                              warranty_id=warranty.id if warranty else None, cost=(5_000 + rng.randrange(200_000)) * 100))
        session.add_all(items)
        user = User(username="bench", role="admin")
        user.set_password("bench-password")
        session.add(user)
        session.commit()
        found = {
            "items": [(i.id, int(i.cost * 10_000), i.warranty_id) for i in
                      session.scalars(select(Item).order_by(Item.id))],
            "warranties": {w.id: (w.duration, w.unit) for w in session.scalars(select(Warranty))},
            "locations": session.scalars(select(Location.id).order_by(Location.id)).all(),
            "customers": session.scalars(select(Customer.id).order_by(Customer.id)).all(),
            "vendors": session.scalars(select(Vendor.id).order_by(Vendor.id)).all(),
            "user": user.id,
        }
        db.session.remove()
        db.engine.dispose()
    return found


class _Writer:
    """The COPY text files, one per table, and the running ids."""

    def __init__(self, work: Path):
        work.mkdir(parents=True, exist_ok=True)
        self.paths = {table: work / f"{table}.copy" for table in BIG_TABLES}
        self.files = {table: path.open("w", buffering=4 << 20) for table, path in self.paths.items()}
        self.next = {"transactions": 1, "transaction_lines": 1, "cost_layers": 1, "serial_history": 1}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value

    def row(self, table: str, *values) -> None:
        self.files[table].write("\t".join(N if v is None else str(v) for v in values) + "\n")

    def close(self) -> None:
        for f in self.files.values():
            f.close()


def _generate(units: int, master: dict, work: Path, rng: random.Random, progress) -> dict:
    """Work out every movement in posting order and write the rows; returns the items' totals."""
    from sos_serial.models.serial_key import serial_key

    items, locations, customers, vendors = master["items"], master["locations"], master["customers"], master["vendors"]
    warranties, user = master["warranties"], master["user"]
    today = date.today()
    first = today - timedelta(days=365 * YEARS)
    span = (today - first).days
    out = _Writer(work)
    # Per item: open cost layers oldest first ([id, remaining]), units in stock, and the cost of each unit.
    layers: dict[int, list[list[int]]] = {item_id: [] for item_id, _, _ in items}
    on_hand = {item_id: 0 for item_id, _, _ in items}
    task = progress.add_task("movements", total=units)
    unit_id = 0
    history = out.files["serial_history"]
    day_text: dict[date, str] = {}
    shipped_changes: dict[tuple[int, date], tuple[date, str]] = {}

    def text_of(day: date) -> str:
        found = day_text.get(day)
        if found is None:
            found = day_text[day] = day.isoformat()
        return found

    def next_history_ids(count: int) -> range:
        start = out.next["serial_history"]
        out.next["serial_history"] = start + count
        return range(start, start + count)

    def document(kind: str, when: date, **parties) -> int:
        doc = out.take("transactions")
        out.row("transactions", doc, kind, f"{PREFIX[kind]}-{doc:06d}", when, parties.get("vendor"),
                parties.get("customer"), parties.get("location"), parties.get("to_location"), user, "posted")
        data = json.dumps({"transaction": {"id": doc, "number": f"{PREFIX[kind]}-{doc:06d}", "type": kind,
                                           "date": when.isoformat()}})
        out.row("events", uuid.UUID(int=rng.getrandbits(128), version=4), "transaction.posted", doc, user, data)
        return doc

    def lines(doc: int, by_item: dict[int, list[int]], cost_of: dict[int, int], unit_cost: bool) -> dict[int, int]:
        """One line per item with its units; returns the line id of each item."""
        ids = {}
        for line_no, (item_id, unit_ids) in enumerate(by_item.items(), start=1):
            line = ids[item_id] = out.take("transaction_lines")
            count = len(unit_ids)
            out.row("transaction_lines", line, doc, line_no, item_id, count, cost_of[item_id] if unit_cost else None,
                    cost_of[item_id] * count)
            out.files["transaction_line_serials"].write("".join(f"{line}\t{u}\n" for u in unit_ids))
        return ids

    while unit_id < units:
        # A receipt: one vendor, one location, 1-4 lines of 20-80 units, dated by how far the run has got.
        when = first + timedelta(days=unit_id * span // units)
        when_text = text_of(when)
        home = rng.choice(locations)
        by_item: dict[int, list[int]] = {}
        for _ in range(rng.randint(1, 4)):
            item_id, _cost, _warranty = items[rng.randrange(len(items))]
            if item_id in by_item:
                continue
            count = min(rng.randint(20, 80), units - unit_id)
            if count <= 0:
                break
            by_item[item_id] = list(range(unit_id + 1, unit_id + count + 1))
            unit_id += count
        cost_of = {item_id: items[item_id - items[0][0]][1] for item_id in by_item}
        doc = document("item_receipt", when, vendor=rng.choice(vendors), location=home)
        line_of = lines(doc, by_item, cost_of, unit_cost=True)
        state: dict[int, list] = {}  # unit -> [item, location, customer, warranty start, end, version]
        for item_id, unit_ids in by_item.items():
            layer = out.take("cost_layers")
            layers[item_id].append([layer, len(unit_ids), line_of[item_id], len(unit_ids)])
            on_hand[item_id] += len(unit_ids)
            for u, h in zip(unit_ids, next_history_ids(len(unit_ids))):
                state[u] = [item_id, home, None, None, None, 1]
                history.write(f"{h}\t{u}\t{doc}\titem_receipt\t{when_text}\tin_stock\t{home}\t\\N\t{user}\t\\N\n")
        # Part of it moves to another location three days later.
        moved_on = when + timedelta(days=3)
        if rng.random() < TRANSFERRED_RECEIPTS and moved_on <= today:
            there = rng.choice([loc for loc in locations[:12] if loc != home])
            moving = {item_id: [u for u in unit_ids if rng.random() < TRANSFERRED_SHARE]
                      for item_id, unit_ids in by_item.items()}
            moving = {item_id: unit_ids for item_id, unit_ids in moving.items() if unit_ids}
            if moving:
                doc = document("transfer", moved_on, location=home, to_location=there)
                lines(doc, moving, cost_of, unit_cost=False)
                moved_text = text_of(moved_on)
                for unit_ids in moving.values():
                    for u, h in zip(unit_ids, next_history_ids(len(unit_ids))):
                        state[u][1] = there
                        state[u][5] += 1
                        history.write(f"{h}\t{u}\t{doc}\ttransfer\t{moved_text}\tin_stock\t{there}\t\\N\t{user}"
                                      "\t\\N\n")
        # Shipments: the units that leave, by where they are, in documents of 3-12 units to one customer each.
        leaving: dict[int, list[int]] = {}
        for u, (item_id, place, *_rest) in state.items():
            if rng.random() < SHIPPED_SHARE:
                leaving.setdefault(place, []).append(u)
        for place, unit_ids in leaving.items():
            start = 0
            while start < len(unit_ids):
                batch = unit_ids[start:start + rng.randint(3, 12)]
                start += len(batch)
                shipped_on = when + timedelta(days=rng.randint(7, 420))
                if shipped_on > today:
                    continue  # not gone yet: stays in stock
                customer = rng.choice(customers)
                doc = document("shipment", shipped_on, customer=customer, location=place)
                by_item_out: dict[int, list[int]] = {}
                for u in batch:
                    by_item_out.setdefault(state[u][0], []).append(u)
                lines(doc, by_item_out, cost_of, unit_cost=False)
                for item_id, shipped in by_item_out.items():
                    # FIFO: the item's oldest open layers give up the quantity, as consume_layers does.
                    left = len(shipped)
                    on_hand[item_id] -= left
                    for layer in layers[item_id]:
                        if left == 0:
                            break
                        taken = min(layer[1], left)
                        layer[1] -= taken
                        left -= taken
                    warranty_id = items[item_id - items[0][0]][2]
                    end, changes = None, N
                    if warranty_id is not None:
                        known = shipped_changes.get((warranty_id, shipped_on))
                        if known is None:
                            end = _warranty_end(shipped_on, *warranties[warranty_id])
                            known = shipped_changes[(warranty_id, shipped_on)] = (end, json.dumps({
                                "warranty_id": [warranty_id, warranty_id],
                                "warranty_start": [None, shipped_on.isoformat()],
                                "warranty_end": [None, end.isoformat()]}))
                        end, changes = known
                    shipped_text = text_of(shipped_on)
                    for u, h in zip(shipped, next_history_ids(len(shipped))):
                        s = state[u]
                        s[1], s[2], s[5] = None, customer, s[5] + 1
                        if end is not None:
                            s[3], s[4] = shipped_on, end
                        history.write(f"{h}\t{u}\t{doc}\tshipment\t{shipped_text}\tshipped\t\\N\t{customer}\t{user}"
                                      f"\t{changes}\n")
        unit_rows = []
        for u, (item_id, place, customer, w_start, w_end, version) in state.items():
            serial = _serial(u, item_id)
            warranty_id = items[item_id - items[0][0]][2]
            where = f"in_stock\t{place}\t\\N" if place else f"shipped\t\\N\t{customer}"
            unit_rows.append(f"{u}\t{item_id}\t{serial}\t{serial_key(serial)}\t{where}\t{cost_of[item_id]}\t"
                             f"{N if warranty_id is None else warranty_id}\t"
                             f"{text_of(w_start) if w_start else N}\t{text_of(w_end) if w_end else N}\t{version}\n")
        out.files["serial_units"].write("".join(unit_rows))
        progress.update(task, completed=unit_id)
    for item_id, item_layers in layers.items():
        for layer_id, remaining, line, quantity in item_layers:
            out.row("cost_layers", layer_id, item_id, line, quantity, remaining, items[item_id - items[0][0]][1])
    out.close()
    return {"on_hand": on_hand, "paths": out.paths, "next": out.next}



def _set_aside(conn) -> list[str]:
    """Drop the big tables' foreign keys, unique constraints and secondary indexes; return the DDL that restores them.

    Read from the catalog, so what comes back is exactly what the migrations made."""
    tables = list(BIG_TABLES)
    restore, drop = [], []
    for table, name, definition in conn.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE contype IN ('f', 'u') AND (conrelid::regclass::text = ANY(%(t)s)"
            " OR confrelid::regclass::text = ANY(%(t)s)) ORDER BY contype DESC, conname", {"t": tables}):
        drop.append(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        restore.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    # Unique constraints go back before the keys that may refer to them.
    restore.sort(key=lambda ddl: "FOREIGN KEY" in ddl)
    for name, definition in conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%(t)s)"
            " AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))", {"t": tables}):
        drop.append(f'DROP INDEX "{name}"')
        restore.insert(0, definition)
    for ddl in drop:
        conn.execute(ddl)
    return restore


def _load(url: str, generated: dict, progress) -> None:
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SET maintenance_work_mem = '1GB'")
        restore = _set_aside(conn)
        for table in BIG_TABLES:
            path = generated["paths"][table]
            task = progress.add_task(f"COPY {table}", total=path.stat().st_size)
            # TRUNCATE and COPY in one transaction: the rows are written frozen, with no WAL on wal_level=minimal.
            with conn.transaction():
                conn.execute(f"TRUNCATE {table}")
                with conn.cursor().copy(f"COPY {table} ({', '.join(COLUMNS[table])}) FROM STDIN (FREEZE)") as copy, \
                        path.open("rb") as f:
                    while chunk := f.read(1 << 20):
                        copy.write(chunk)
                        progress.advance(task, len(chunk))
        task = progress.add_task("indexes and keys", total=len(restore))
        for ddl in restore:
            progress.console.log(ddl[:110])
            conn.execute(ddl)
            progress.advance(task)
        for table, column in (("transactions", "id"), ("transaction_lines", "id"), ("cost_layers", "id"),
                              ("serial_units", "id"), ("serial_history", "id")):
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                         f"(SELECT coalesce(max({column}), 1) FROM {table}))")
        # The items' totals: what their units in stock and open layers hold.
        conn.execute("""UPDATE items SET quantity_on_hand = s.n, value = s.v
                        FROM (SELECT item_id, count(*) AS n, sum(unit_cost) AS v FROM serial_units
                              WHERE status = 'in_stock' GROUP BY item_id) s WHERE s.item_id = items.id""")
        progress.console.log("VACUUM (ANALYZE)")
        conn.execute("VACUUM (ANALYZE)")


def _consistent(url: str) -> list[str]:
    """The generator's own checks of what the posting would guarantee; each query returns the rows that break one."""
    import psycopg

    checks = {
        "an item's quantity on hand differs from its units in stock or its open layers": """
            SELECT i.id FROM items i
            LEFT JOIN (SELECT item_id, count(*) n, sum(unit_cost) v FROM serial_units WHERE status = 'in_stock'
                       GROUP BY item_id) u ON u.item_id = i.id
            LEFT JOIN (SELECT item_id, sum(quantity_remaining) n, sum(quantity_remaining * unit_cost) v
                       FROM cost_layers GROUP BY item_id) l ON l.item_id = i.id
            WHERE i.quantity_on_hand <> coalesce(u.n, 0) OR i.quantity_on_hand <> coalesce(l.n, 0)
               OR i.value <> coalesce(u.v, 0) OR i.value <> coalesce(l.v, 0) LIMIT 5""",
        "a unit's last history row is not its state": """
            SELECT u.id FROM serial_units u JOIN LATERAL (SELECT * FROM serial_history h WHERE h.serial_unit_id = u.id
                ORDER BY h.id DESC LIMIT 1) h ON true
            WHERE h.status <> u.status OR h.location_id IS DISTINCT FROM u.location_id
               OR h.customer_id IS DISTINCT FROM u.customer_id LIMIT 5""",
        "a unit's history goes back in time": """
            SELECT serial_unit_id FROM (SELECT serial_unit_id, date,
                lag(date) OVER (PARTITION BY serial_unit_id ORDER BY id) AS before FROM serial_history) h
            WHERE date < before LIMIT 5""",
        "a line's quantity differs from its serials": """
            SELECT l.id FROM transaction_lines l JOIN (SELECT line_id, count(*) n FROM transaction_line_serials
                GROUP BY line_id) s ON s.line_id = l.id WHERE s.n <> l.quantity LIMIT 5""",
    }
    found = []
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        for problem, sql in checks.items():
            rows = conn.execute(sql).fetchall()
            if rows:
                found.append(f"{problem}: {[r[0] for r in rows]}")
    return found


def main() -> None:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the database to create: postgresql+psycopg://.../NAME")
    parser.add_argument("--units", type=int, default=10_000_000)
    parser.add_argument("--work", type=Path, required=True, help="a folder for the COPY files (GBs at 10M)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--check", action="store_true", help="run the consistency checks at the end (minutes at 10M)")
    args = parser.parse_args()
    rng = random.Random(args.seed)  # noqa: S311 - repeatable made-up data, not a secret
    admin_url, name = args.url.rsplit("/", 1)
    url = create_postgres_database(admin_url + "/postgres", name)
    started = time.perf_counter()
    migrate(url)
    master = _master_data(url, rng)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  refresh_per_second=1) as progress:
        generated = _generate(args.units, master, args.work, rng, progress)
        progress.console.log(f"generated in {time.perf_counter() - started:.0f} s: "
                             + ", ".join(f"{t} {n - 1:,}" for t, n in generated["next"].items()))
        _load(url, generated, progress)
    print(f"{args.units:,} units loaded into {name} in {time.perf_counter() - started:.0f} s", flush=True)
    for path in generated["paths"].values():
        path.unlink()
    if args.check:
        problems = _consistent(url)
        print("\n".join(problems) if problems else "consistent: totals, history, dates, lines", flush=True)
        if problems:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
