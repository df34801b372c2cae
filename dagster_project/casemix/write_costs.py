"""What writing a table costs, column group by column group (printed, never asserted):
``python -m casemix.write_costs WAREHOUSE TABLE [--without COLS ...] [--disable METHODS ...]``.

The table (schema.name) is read once into a temporary table; then, for all its columns and for each
``--without`` list (comma-separated columns left out), its rows are written into an empty table and
checkpointed (``casemix.timing.time_write``), and the wall and CPU seconds are printed. ``--disable`` repeats the runs with DuckDB's
``disabled_compression_methods`` set (e.g. ``fsst`` or ``fsst,dictionary``). The scratch table is dropped
after. Shows which columns a model's write time goes to (docs/grouper.md).
"""

from __future__ import annotations

import argparse

import duckdb

from casemix.timing import time_write


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse")
    ap.add_argument("table", help="schema.table")
    ap.add_argument("--without", nargs="*", default=[], help="comma-separated columns to leave out")
    ap.add_argument("--disable", nargs="*", default=[], help="compression methods to disable, per run")
    ap.add_argument("--memory-limit", default="4GB")
    a = ap.parse_args(argv)
    con = duckdb.connect(a.warehouse)
    con.execute(f"SET memory_limit = '{a.memory_limit}'")
    con.execute(f"CREATE OR REPLACE TEMP TABLE _src AS SELECT * FROM {a.table}")
    n = con.execute("SELECT count(*) FROM _src").fetchone()[0]
    print(f"{a.table}: {n:,} rows", flush=True)
    try:
        for methods in [""] + list(a.disable):
            con.execute(f"SET disabled_compression_methods = '{methods}'")
            for without in [""] + list(a.without):
                cols = "*" if not without else f"* EXCLUDE ({without})"
                wall, cpu = time_write(con, f"SELECT {cols} FROM _src", "main._write_costs_scratch")
                print(f"compression off: {methods or '-':<16} without: {without or '-':<48} "
                      f"{wall:6.2f} s wall {cpu:6.2f} s cpu", flush=True)
    finally:
        con.execute("DROP TABLE IF EXISTS main._write_costs_scratch")
        con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
