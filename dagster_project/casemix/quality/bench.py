"""Benchmark the quality step (prepare + GX + collect) on one extract loaded into a DuckDB file.

    casemix generate --out DIR --cases 1000000 --months 12 --defect-rate 0.02 --single-file all.csv --no-costing
    python -m casemix.quality.bench --input DIR/front_page/all.csv --db bench.duckdb [--chunk-cases N|all]

The extract is loaded (as ingest does) into ``--db`` by a child process the first time, so this process's
peak RSS is the quality step's (plus the GX import), never the loader's; later runs reuse the file. Prints
wall and CPU seconds per stage, the month groups (and slices of months larger than the budget), findings,
peak RSS and the load average before and after.
Not a test: run on demand, and quote the load with the figures.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

from casemix.timing import process_cpu


def _load_child(input_path: str, db: str) -> None:
    """Load the extract into the DuckDB file (run in a child process)."""
    from casemix.ingest.stage import load_extract_to_duckdb
    from casemix.warehouse import connect

    con = connect(db)
    load_extract_to_duckdb(con, Path(input_path))
    con.close()


def _has_tables(db: str) -> bool:
    import duckdb

    if not Path(db).exists():
        return False
    con = duckdb.connect(db, read_only=True)
    try:
        return bool(con.execute("SELECT count(*) FROM information_schema.tables WHERE "
                                "table_schema='front_page' AND table_name='discharges'").fetchone()[0])
    finally:
        con.close()


def main(argv=None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--input", required=True, help="extract to load when --db does not hold it yet")
    p.add_argument("--db", required=True, help="DuckDB file the extract is loaded into (kept, reused)")
    p.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: the configured)")
    p.add_argument("--chunk-cases", default=None,
                   help="cases per month group: a number, 0 = one month at a time, 'all' = every month at "
                        "once (default: CASEMIX_QUALITY_CHUNK_CASES)")
    p.add_argument("--_load", action="store_true", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a._load:
        _load_child(a.input, a.db)
        return 0

    load0 = os.getloadavg()
    t_load = 0.0
    if not _has_tables(a.db):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "casemix.quality.bench", "--input", a.input, "--db", a.db,
                        "--_load"], check=True)
        t_load = time.perf_counter() - t

    from casemix.config import _chunk_cases, settings
    from casemix.quality.rules import load_ruleset
    from casemix.quality.runner import _GX, check_partitions
    from casemix.warehouse import connect   # the configured memory_limit / temp dir, as the pipeline

    chunk = settings().quality_chunk_cases if a.chunk_cases is None else _chunk_cases(a.chunk_cases)
    t, c = time.perf_counter(), process_cpu()
    _GX.get()
    t_gx, c_gx = time.perf_counter() - t, process_cpu() - c
    con = connect(a.db)
    if a.threads:
        con.execute(f"SET threads = {a.threads}")
    n = con.execute("SELECT count(*) FROM front_page.discharges").fetchone()[0]
    ndx = con.execute("SELECT count(*) FROM front_page.diagnoses").fetchone()[0]
    npx = con.execute("SELECT count(*) FROM front_page.procedures").fetchone()[0]
    threads, mem = con.execute("SELECT current_setting('threads'), current_setting('memory_limit')").fetchone()
    rs = load_ruleset()
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t, c = time.perf_counter(), process_cpu()
    res = check_partitions(con, None, rs, code_table=None, chunk_cases=chunk)
    total, cpu = time.perf_counter() - t, process_cpu() - c
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    con.close()
    load1 = os.getloadavg()
    sizes = [len(g) for g in res.chunks]
    print(f"cases {n:,}  diagnoses {ndx:,}  procedures {npx:,}  months {len(res.months)}  "
          f"DuckDB threads {threads}, memory_limit {mem} "
          f"({settings().quality_memory_limit or 'the same'} during the step, CASEMIX_QUALITY_MEMORY_LIMIT)")
    n_sliced = sum(1 for x in res.chunk_slices if x)
    print(f"month groups {len(res.chunks)} (chunk_cases {chunk if chunk is not None else 'all'}, prefetch "
          f"{'on' if settings().quality_prefetch else 'off'} (CASEMIX_QUALITY_PREFETCH); months per "
          f"group {sizes}; of them {n_sliced} slices of large months; cases per group max "
          f"{max(res.chunk_cases, default=0):,})")
    if t_load:
        print(f"load into {a.db} (child process, ingest, not quality) {t_load:.1f} s")
    print(f"GX import+context {t_gx:.1f} s wall, {c_gx:.1f} s CPU (once per process)")
    print(f"quality step {total:.1f} s wall, {cpu:.1f} s CPU: "
          + ", ".join(f"{k} {v:.1f}" for k, v in res.timings.items()))
    print(f"findings {len(res.issues):,} in {res.issues['discharge_id'].nunique():,} cases; "
          f"peak RSS {rss:,.0f} MB (before the quality step {rss0:,.0f} MB)")
    print(f"load average before {load0[0]:.2f} {load0[1]:.2f} {load0[2]:.2f}, "
          f"after {load1[0]:.2f} {load1[1]:.2f} {load1[2]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
