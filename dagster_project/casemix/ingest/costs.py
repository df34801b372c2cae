"""Where ingest's CPU goes, measured piece by piece (printed, never asserted):

``python -m casemix.ingest.costs hash [--values N]``
    CPU µs a value of DuckDB's ``sha256``, of the keyed HMAC ingest computes in SQL (``hmac_sql``), and of
    the same HMAC in Python through ``hashlib`` (inner and outer states precomputed and copied).
    In Python also the loop as it was until 2026-12-03, with the cleaning (strip, ``'-'``) and the
    ``str.encode`` of each value in it, against the loop over bytes that ``hashing.BatchHasher`` runs.
``python -m casemix.ingest.costs views WAREHOUSE``
    Wall seconds of reading ``front_page.diagnoses`` (a view that unnests the stage lists) with no
    filter, one month, two months as an IN list and the same with their range, and the same reads of a
    table copy of the view (made in memory, not written to the warehouse), second runs.
``python -m casemix.ingest.costs write WAREHOUSE``
    CPU seconds of writing the loaded stage rows of an ingested warehouse into an empty table, for
    column subsets of ``front_page.discharges`` (all, without the keyed hashes, the hashes alone, the
    non-text columns), as publishing does. The warehouse is opened read-write and the scratch table
    dropped after.
"""

from __future__ import annotations

import argparse
import time

import duckdb

from casemix.pseudonymise import hmac_sql, hmac_states
from casemix.timing import process_cpu, time_write

KEY = b"costs-key-0123456789"


def hash_costs(n: int) -> None:
    con = duckdb.connect()
    con.execute(f"CREATE TABLE s AS SELECT 'name' || (i * 7919 % 1000003)::varchar || '张三丰' AS v "
                f"FROM range({n}) t(i)")
    # count(DISTINCT …) makes DuckDB compute every value; 'baseline' is that overhead alone
    for label, expr in [("baseline (hash)", "hash(v)"), ("sha256", "sha256(v)"),
                        ("HMAC-SHA256 in SQL (ingest)", hmac_sql(KEY, "v"))]:
        t, c = time.perf_counter(), process_cpu()
        con.execute(f"SELECT count(DISTINCT {expr}) FROM s").fetchone()
        print(f"{label:<32} {time.perf_counter() - t:6.2f} s wall {process_cpu() - c:6.2f} s cpu "
              f"{1e6 * (process_cpu() - c) / n:6.2f} µs cpu a value", flush=True)
    vals = [r[0].encode() for r in con.execute("SELECT v FROM s").fetchall()]
    ic, oc = hmac_states(KEY)

    def h(v: bytes) -> str:
        i = ic()
        i.update(v)
        o = oc()
        o.update(i.digest())
        return o.hexdigest()

    _time_loop("HMAC-SHA256 in Python (hashlib)", h, vals)
    texts = [v.decode() for v in vals]

    def cleaned_then_hashed(v: str):   # the loop before 2026-12-03: cleaning and encoding per value
        c_ = v.strip(" ") if v[:1] == " " or v[-1:] == " " else v
        if not c_ or c_ == "-":
            return None
        i = ic()
        i.update(c_.encode("utf-8"))
        o = oc()
        o.update(i.digest())
        return o.digest()

    _time_loop("… with str clean + encode", cleaned_then_hashed, texts)


def _time_loop(label: str, f, values: list) -> None:
    """CPU seconds of ``f`` called on every value in a Python loop, printed in total and per value."""
    c = time.process_time()
    for v in values:
        f(v)
    d = time.process_time() - c
    print(f"{label:<32} {'':>13} {d:6.2f} s cpu {1e6 * d / len(values):6.2f} µs cpu a value")


def view_costs(warehouse: str) -> None:
    con = duckdb.connect(warehouse, read_only=True)
    months = [r[0] for r in con.execute("SELECT DISTINCT partition_month FROM front_page_stage.rows "
                                        "WHERE published ORDER BY 1 LIMIT 2").fetchall()]
    if len(months) < 2:
        raise SystemExit(f"{warehouse}: needs two published months")
    a, b = (f"DATE '{m.isoformat()}'" for m in months)
    con.execute("CREATE TEMP TABLE diagnoses_table AS SELECT * FROM front_page.diagnoses")
    filters = [("all", "true"), ("one month", f"partition_month = {a}"),
               ("two months, IN list", f"partition_month IN ({a}, {b})"),
               ("two months, range + IN list",
                f"partition_month BETWEEN {a} AND {b} AND partition_month IN ({a}, {b})")]
    for source in ("front_page.diagnoses", "diagnoses_table"):
        for label, where in filters:
            q = f"SELECT count(*), max(jbdm), max(discharge_id) FROM {source} WHERE {where}"
            con.execute(q).fetchall()
            t = time.perf_counter()
            n = con.execute(q).fetchone()[0]
            print(f"{source:<22} {label:<30} {n:>10,} rows {time.perf_counter() - t:6.3f} s wall", flush=True)
    con.close()


def write_costs(warehouse: str) -> None:
    from casemix.ingest.stage import INGEST_DISABLED_COMPRESSION, fixed_columns, load_column_map

    cols = ["discharge_id", "patient_id", "partition_month", "source_file", "source_file_hash",
            "source_line"] + [name for _, name, _ in fixed_columns(load_column_map())]
    con = duckdb.connect(warehouse)
    # the compression publishing writes with; not its memory limit (as when the figures of docs/ingest.md
    # were measured)
    con.execute(f"SET disabled_compression_methods = '{','.join(INGEST_DISABLED_COMPRESSION)}'; "
                "SET preserve_insertion_order = false")
    types = dict(con.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_schema = 'front_page' AND table_name = 'discharges'").fetchall())
    hashes = [c for c in cols if c.endswith("_hash") and c != "source_file_hash"] + ["discharge_id", "patient_id"]
    subsets = [("all columns", cols), ("without the keyed hashes", [c for c in cols if c not in hashes]),
               ("the keyed hashes alone", hashes),
               ("the non-text columns", [c for c in cols if types.get(c) != "VARCHAR"])]
    try:
        for label, cs in subsets:
            wall, cpu = time_write(con, f"SELECT {', '.join(cs)} FROM front_page_stage.rows WHERE ok",
                                   "main._costs_scratch")
            print(f"{label:<28} {len(cs):4d} columns {wall:6.2f} s wall {cpu:6.2f} s cpu", flush=True)
    finally:
        con.execute("DROP TABLE IF EXISTS main._costs_scratch")
        con.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="what", required=True)
    hp = sub.add_parser("hash")
    hp.add_argument("--values", type=int, default=2_000_000)
    wp = sub.add_parser("write")
    wp.add_argument("warehouse")
    vp = sub.add_parser("views")
    vp.add_argument("warehouse")
    a = ap.parse_args(argv)
    if a.what == "hash":
        hash_costs(a.values)
    elif a.what == "views":
        view_costs(a.warehouse)
    else:
        write_costs(a.warehouse)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
