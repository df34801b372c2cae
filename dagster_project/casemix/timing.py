"""Small measuring helpers of the benchmark and profiling scripts (printed figures, never asserted)."""

from __future__ import annotations

import resource
import time


def process_cpu() -> float:
    """CPU seconds (user + system) of this process so far, every thread included (DuckDB's too)."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def time_write(con, select_sql: str, scratch: str) -> tuple[float, float]:
    """Wall and CPU seconds of writing the rows of ``select_sql`` into the table ``scratch``: the table
    is created empty with the query's columns and checkpointed first (not timed), then the rows are
    inserted and checkpointed (timed), so the figure is the write and its compression, not the DDL."""
    con.execute(f"CREATE OR REPLACE TABLE {scratch} AS {select_sql} LIMIT 0")
    con.execute("CHECKPOINT")
    t, c = time.perf_counter(), process_cpu()
    con.execute(f"INSERT INTO {scratch} {select_sql}")
    con.execute("CHECKPOINT")
    return time.perf_counter() - t, process_cpu() - c
