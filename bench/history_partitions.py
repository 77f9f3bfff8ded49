"""Serial history partitioned by month, as evidence for docs/scaling.md: the app's history queries on the table as it
is, and on a copy declared PARTITION BY RANGE (date) with one partition a month, on PostgreSQL.

    python -m bench.history_partitions [--units 1000000] [--events 3] [--plans FILE]

Fills a fresh database (the real migrations) with ``--units`` units and ``--events`` history rows each (a receipt,
a transfer, a shipment), spread over five years (2021-2025) and grouped into documents of one type and day, all
in SQL on the server, written in date order as postings append them (``--order unit``: unit by unit, so that
each day's rows lie scattered over the table, as backdated documents and imports leave them). Then copies the history into ``serial_history_by_month`` (the same columns, indexes, keys
and append-only trigger; its primary key becomes (id, date), as a partitioned table's must hold the partition
key) and runs each query on both, printing planning and execution time (median of 5) and writing the plans to
``--plans``. The app's schema is not changed: the partitioned copy lives only in this benchmark's database.
Uses SOS_SERIAL_BENCH_POSTGRES_URL's server, else a throwaway one.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import time
from pathlib import Path

from .common import ROOT, create_postgres_database, machine, migrate, postgres_server, save_results

FIRST_DAY, DAYS = "2021-01-01", 1826
ROUNDS = 5

SEED = """
SET session_replication_role = replica;  -- bench data: the keys are right by construction, skip per-row checks
INSERT INTO locations (name) SELECT 'Location ' || n FROM generate_series(1, 12) n;
INSERT INTO customers (name) SELECT 'Customer ' || n FROM generate_series(1, 2000) n;
INSERT INTO items (name, track_serials, cost, quantity_on_hand, value)
    SELECT 'Item ' || n, true, 1000, 0, 0 FROM generate_series(1, 1000) n;
-- One document per day and kind: ids (day * 3 + kind + 1), kind 0 receipt, 1 transfer, 2 shipment.
INSERT INTO transactions (id, type, number, date, location_id, to_location_id, customer_id)
    SELECT d * 3 + k + 1, (ARRAY['item_receipt', 'transfer', 'shipment'])[k + 1], 'B-' || (d * 3 + k + 1),
           DATE '{first}' + d, 1, CASE WHEN k = 1 THEN 2 END, CASE WHEN k = 2 THEN 1 + d % 2000 END
    FROM generate_series(0, {days} + 400) d, generate_series(0, 2) k;
SELECT setval('transactions_id_seq', (SELECT max(id) FROM transactions));
-- A unit's receipt day spreads the units over the five years; its transfer 30 days later, its shipment 200.
INSERT INTO serial_units (id, item_id, serial_number, serial_key, status, customer_id, unit_cost)
    SELECT u, 1 + u % 1000, 'SN-' || lpad(u::text, 9, '0'), 'sn-' || lpad(u::text, 9, '0'), 'shipped',
           1 + ((u::bigint * 7919) % {days}) % 2000, 1000
    FROM generate_series(1, {units}) u;
SELECT setval('serial_units_id_seq', {units});
INSERT INTO serial_history (serial_unit_id, transaction_id, transaction_type, date, status, location_id, customer_id)
    SELECT u, d * 3 + k + 1, (ARRAY['item_receipt', 'transfer', 'shipment'])[k + 1], DATE '{first}' + d,
           CASE WHEN k = 2 THEN 'shipped' ELSE 'in_stock' END,
           CASE k WHEN 0 THEN 1 WHEN 1 THEN 2 END, CASE WHEN k = 2 THEN 1 + d % 2000 END
    FROM generate_series(0, {events} - 1) k, generate_series(1, {units}) u,
         LATERAL (SELECT ((u::bigint * 7919) % ({days} - 230))::int + (ARRAY[0, 30, 200])[k + 1] AS d) day
    ORDER BY {order};
SET session_replication_role = origin;
"""

PARTITION = """
CREATE TABLE serial_history_by_month (LIKE serial_history INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
    PARTITION BY RANGE (date);
ALTER TABLE serial_history_by_month ADD CONSTRAINT pk_serial_history_by_month PRIMARY KEY (id, date);
{partitions}
CREATE TABLE serial_history_by_month_other PARTITION OF serial_history_by_month DEFAULT;
CREATE INDEX ix_shm_unit ON serial_history_by_month (serial_unit_id, id);
CREATE INDEX ix_shm_transaction ON serial_history_by_month (transaction_id);
CREATE INDEX ix_shm_date ON serial_history_by_month (date, id);
CREATE INDEX ix_shm_customer ON serial_history_by_month (customer_id, id) WHERE customer_id IS NOT NULL;
ALTER TABLE serial_history_by_month
    ADD FOREIGN KEY (serial_unit_id) REFERENCES serial_units (id) ON DELETE RESTRICT,
    ADD FOREIGN KEY (transaction_id) REFERENCES transactions (id) ON DELETE RESTRICT,
    ADD FOREIGN KEY (location_id) REFERENCES locations (id) ON DELETE RESTRICT,
    ADD FOREIGN KEY (customer_id) REFERENCES customers (id) ON DELETE RESTRICT,
    ADD FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL;
CREATE TRIGGER serial_history_by_month_append_only BEFORE UPDATE OR DELETE ON serial_history_by_month
    FOR EACH ROW EXECUTE FUNCTION serial_history_append_only();
SET session_replication_role = replica;
INSERT INTO serial_history_by_month SELECT * FROM serial_history;
SET session_replication_role = origin;
"""

# The app's history queries (engine/queries.py unit_history, the History report's page and count, a void's
# rows of its document, the dashboard's month), as the ORM sends them, on table {t}.
QUERIES = {
    "one unit's history": "SELECT * FROM {t} WHERE serial_unit_id = {unit} ORDER BY id",
    "history report, one month, first page": "SELECT * FROM {t} WHERE date >= '2024-03-01' AND date <= '2024-03-31' "
                                             "ORDER BY date, id LIMIT 20",
    "history report, one month, count": "SELECT count(*) FROM {t} WHERE date >= '2024-03-01' AND date <= '2024-03-31'",
    "history report, one year, count": "SELECT count(*) FROM {t} WHERE date >= '2024-01-01' AND date <= '2024-12-31'",
    "history report, no filter, first page": "SELECT * FROM {t} ORDER BY date, id LIMIT 20",
    "history report, no filter, count": "SELECT count(*) FROM {t}",
    "a void's rows of its document": "SELECT * FROM {t} WHERE transaction_id = {document} "
                                     "AND transaction_type = 'shipment'",
    "a void's rows, its date given": "SELECT * FROM {t} WHERE transaction_id = {document} "
                                     "AND transaction_type = 'shipment' AND date = '{document_date}'",
    "dashboard: units shipped this month": "SELECT count(DISTINCT serial_unit_id) FROM {t} WHERE date >= '2025-06-01' "
                                           "AND date <= '2025-06-30' AND transaction_type = 'shipment' "
                                           "AND status = 'shipped'",
}
TABLES = {"as is": "serial_history", "by month": "serial_history_by_month"}


def _partitions() -> str:
    statements = []
    for year in range(2021, 2027):
        for month in range(1, 13):
            end_year, end_month = (year, month + 1) if month < 12 else (year + 1, 1)
            statements.append(f"CREATE TABLE serial_history_by_month_{year}_{month:02d} PARTITION OF "
                              f"serial_history_by_month FOR VALUES FROM ('{year}-{month:02d}-01') "
                              f"TO ('{end_year}-{end_month:02d}-01');")
    return "\n".join(statements)


def _explain(conn, query: str) -> tuple[float, float, str]:
    plan = "\n".join(row[0] for row in conn.execute("EXPLAIN (ANALYZE, BUFFERS) " + query))
    planning = float(re.search(r"Planning Time: ([\d.]+) ms", plan).group(1))
    execution = float(re.search(r"Execution Time: ([\d.]+) ms", plan).group(1))
    return planning, execution, plan


def _insert_cost(conn, table: str, rows: int, units: int) -> float:
    """Seconds to append one posting's ``rows`` history rows (with the key checks), rolled back."""
    started = time.perf_counter()
    conn.execute(f"INSERT INTO {table} (serial_unit_id, transaction_id, transaction_type, date, status, location_id) "
                 f"SELECT 1 + u % {units}, 1, 'item_receipt', DATE '2025-06-15', 'in_stock', 1 "
                 f"FROM generate_series(1, {rows}) u")
    seconds = time.perf_counter() - started
    conn.rollback()
    return seconds


def main() -> None:
    import psycopg

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=3)
    parser.add_argument("--order", choices=("date", "unit"), default="date",
                        help="the order the history rows are written in: by date, as postings append them, or "
                             "unit by unit (each day's rows then lie scattered over the unpartitioned table)")
    parser.add_argument("--plans", default=str(ROOT / "bench" / "results" / "history_partitions_plans.txt"))
    args = parser.parse_args()
    os.chdir(ROOT)
    with postgres_server() as admin_url:
        url = create_postgres_database(admin_url, "sos_serial_history_partitions")
        migrate(url)
        dsn = url.replace("postgresql+psycopg://", "postgresql://", 1)
        with psycopg.connect(dsn, autocommit=True) as conn:
            started = time.perf_counter()
            order = "day.d, u" if args.order == "date" else "k, u"
            conn.execute(SEED.format(first=FIRST_DAY, days=DAYS, units=args.units, events=args.events, order=order))
            seeded = time.perf_counter() - started
            started = time.perf_counter()
            conn.execute(PARTITION.format(partitions=_partitions()))
            partitioned = time.perf_counter() - started
            conn.execute("VACUUM (ANALYZE)")
            rows = conn.execute("SELECT count(*) FROM serial_history").fetchone()[0]
            sizes = {name: conn.execute(f"SELECT pg_size_pretty(pg_total_relation_size('{table}')), "
                                        f"pg_size_pretty((SELECT sum(pg_total_relation_size(relid)) "
                                        f"FROM pg_partition_tree('{table}')))").fetchone()
                     for name, table in TABLES.items()}
            document, document_date = conn.execute(
                "SELECT id, date FROM transactions WHERE type = 'shipment' AND date = '2024-05-20'").fetchone()
            values = {"unit": args.units // 2 + 7, "document": document, "document_date": document_date}
            figures, plans = {}, []
            for label, query in QUERIES.items():
                for name, table in TABLES.items():
                    sql = query.format(t=table, **values)
                    runs = [_explain(conn, sql) for _ in range(ROUNDS)]
                    figures[f"{label} | {name}"] = {
                        "planning_ms": round(statistics.median(r[0] for r in runs), 2),
                        "execution_ms": round(statistics.median(r[1] for r in runs), 2)}
                    plans.append(f"-- {label} | {name}\n{sql}\n{runs[-1][2]}\n")
            conn.autocommit = False
            for name, table in TABLES.items():
                _insert_cost(conn, table, 10_000, args.units)
                figures[f"append a 10,000-row posting's history | {name}"] = {"seconds": round(statistics.median(
                    _insert_cost(conn, table, 10_000, args.units) for _ in range(ROUNDS)), 3)}
            conn.autocommit = True
            # The append-only trigger, declared on the partitioned table, holds on every partition...
            try:
                conn.execute("UPDATE serial_history_by_month SET status = 'used' WHERE id = 1")
                refused = "not refused"
            except psycopg.Error as exc:
                refused = f"refused: {exc.diag.message_primary}"
    Path(args.plans).parent.mkdir(parents=True, exist_ok=True)
    Path(args.plans).write_text("\n".join(plans))
    print(f"History of {rows:,} rows ({args.units:,} units x {args.events} events, 2021-2025, written in {args.order} "
          f"order), seeded in {seeded:.0f} s, "
          f"copied into 73 monthly partitions in {partitioned:.0f} s; {machine()}; load average {os.getloadavg()}")
    print(f"  sizes with indexes: as is {sizes['as is'][0]}; by month {sizes['by month'][1]}")
    for label, row in figures.items():
        print(f"  {label:<62} " + "  ".join(f"{k} {v}" for k, v in row.items()))
    print(f"  an UPDATE of a partitioned history row: {refused}")
    print(f"  plans: {args.plans}")
    save_results("history_partitions", {"arguments": vars(args), "rows": rows, "figures": figures})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
