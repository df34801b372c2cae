"""Benchmark the quality step on one extract: load it (not timed as quality), then prepare + GX + collect.

    python -m casemix.quality.bench --input all.csv [--db bench.duckdb]

Prints per-stage seconds, findings and the process's peak RSS. Not a test: run on demand.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True)
    p.add_argument("--db", default=None, help="DuckDB file to load into (default: in memory)")
    p.add_argument("--threads", type=int, default=None)
    a = p.parse_args(argv)
    import duckdb

    from casemix.ingest.stage import load_extract_to_duckdb
    from casemix.quality.rules import load_ruleset
    from casemix.quality.runner import _GX, check_partitions

    t = time.perf_counter()
    _GX.get()
    t_gx = time.perf_counter() - t
    from casemix.warehouse import connect   # the configured memory_limit / temp dir, as the pipeline

    con = connect(a.db) if a.db else duckdb.connect(":memory:")
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    t = time.perf_counter()
    if not a.db or not con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                                    "table_schema='front_page' AND table_name='discharges'").fetchone()[0]:
        load_extract_to_duckdb(con, Path(a.input))
    t_load = time.perf_counter() - t
    n = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
    ndx = con.execute("SELECT count(*) FROM front_page.diagnoses").fetchone()[0]
    npx = con.execute("SELECT count(*) FROM front_page.procedures").fetchone()[0]
    rs = load_ruleset()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t = time.perf_counter()
    res = check_partitions(con, None, rs, code_table=None)
    total = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"cases {n:,}  diagnoses {ndx:,}  procedures {npx:,}  months {len(res.months)}")
    print(f"GX import+context {t_gx:.1f} s (once per process); load (ingest, not quality) {t_load:.1f} s")
    print(f"quality step {total:.1f} s: " + ", ".join(f"{k} {v:.1f}" for k, v in res.timings.items()))
    print(f"findings {len(res.issues):,} in {res.issues['discharge_id'].nunique():,} cases; "
          f"peak RSS {rss:,.0f} MB (before the quality step {rss0:,.0f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
