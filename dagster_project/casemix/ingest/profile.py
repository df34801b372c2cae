"""Time each DuckDB statement of staging and publishing one extract:
``python -m casemix.ingest.profile EXTRACT.csv [--warehouse /tmp/profile.duckdb]``.

Prints every statement that took more than 0.3 s (wall and CPU seconds, peak RSS so far), then the
stage and publish totals. A scratch
warehouse is used (deleted first); the key is a fixed test key.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path

from casemix.ingest import stage as st
from casemix.timing import process_cpu
from casemix.warehouse import connect


def _peak_gb() -> float:
    """Peak RSS of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e9


class _Timed:
    def __init__(self, con):
        self._con = con

    def execute(self, query, *args):
        t, c = time.perf_counter(), process_cpu()
        r = self._con.execute(query, *args)
        d = time.perf_counter() - t
        if d > 0.3:
            print(f"{d:6.1f}s wall {process_cpu() - c:6.1f}s cpu {_peak_gb():5.2f} GB peak  "
                  f"{' '.join(str(query).split())[:80]}")
        return r

    def __getattr__(self, name):
        return getattr(self._con, name)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("extract", type=Path)
    ap.add_argument("--warehouse", type=Path, default=Path("warehouse/profile.duckdb"))
    a = ap.parse_args(argv)
    a.warehouse.unlink(missing_ok=True)
    con = connect(a.warehouse)
    st.ensure_schema(con)
    timed = _Timed(con)
    t0, c0 = time.perf_counter(), process_cpu()
    r = st.stage_file(timed, a.extract, b"profile-key", first_month=dt.date(2000, 1, 1))
    t1, c1 = time.perf_counter(), process_cpu()
    st.publish_months(timed, st.staged_months(con))
    t2, c2 = time.perf_counter(), process_cpu()
    print(f"stage {t1 - t0:.1f}s wall {c1 - c0:.1f}s cpu, publish {t2 - t1:.1f}s wall {c2 - c1:.1f}s cpu: "
          f"{r.rows_read:,} rows, {r.rows_read / (t2 - t0):,.0f} cases/s wall, "
          f"{r.rows_read / (c2 - c0):,.0f} cases per cpu-second")
    con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
