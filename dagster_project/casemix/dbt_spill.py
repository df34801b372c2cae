"""dbt models of a built warehouse at several DuckDB memory limits (printed, never asserted):
``python -m casemix.dbt_spill WAREHOUSE --limits 4GB 1GB 400MB [--select …] [--vars JSON]``.

For each limit it runs the selected models again (``casemix.dbt_runner.run_dbt``, in this process) and
prints the dbt wall time, whether the run succeeded, the slowest models, and the peak size of DuckDB's
spill folder (polled every 0.2 s). Shows how a model slows down once it no longer fits in memory.
The models are rebuilt in place: use a benchmark warehouse, not a production one.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path

DEFAULT_SELECT = ["path:models/intermediate/grouping", "fct_discharge_costs",
                  "fct_drg_margins"]


def _folder_bytes(d: Path) -> int:
    try:
        return sum(f.stat().st_size for f in d.rglob("*") if f.is_file())
    except OSError:
        return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("warehouse", type=Path)
    ap.add_argument("--limits", nargs="+", default=["4GB", "1GB", "400MB"])
    ap.add_argument("--select", nargs="+", default=DEFAULT_SELECT)
    ap.add_argument("--work-dir", type=Path, default=None,
                    help="dbt work folder (default: dbt_spill_work beside the warehouse)")
    ap.add_argument("--vars", type=json.loads, default=None,
                    help='dbt vars as JSON, e.g. \'{"grouper_batch_cases": 1000000000}\'')
    a = ap.parse_args(argv)
    from casemix.dbt_runner import run_dbt, scoped_env

    work = a.work_dir or a.warehouse.parent / "dbt_spill_work"
    spill = work / "duckdb_tmp"        # run_dbt points DuckDB's temp_directory here
    peak = [0]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _folder_bytes(spill))
            time.sleep(0.2)

    threading.Thread(target=watch, daemon=True).start()
    try:
        for limit in a.limits:
            peak[0] = 0
            t = time.perf_counter()
            with scoped_env(CASEMIX_DUCKDB_MEMORY_LIMIT=limit):
                res = run_dbt(["run", "--select", *a.select], warehouse=a.warehouse, work_dir=work,
                              dbt_vars=a.vars, check=False)
            results = list(getattr(res.result, "results", None) or [])
            slow = sorted(((r.node.name, float(r.execution_time or 0)) for r in results), key=lambda x: -x[1])
            failed = [r.node.name for r in results if str(r.status).lower() == "error"]
            print(f"memory_limit {limit}: {time.perf_counter() - t:.1f} s wall, "
                  f"{'ok' if res.success else 'FAILED ' + ', '.join(failed)}; spill peak {peak[0] / 1e9:.2f} GB; "
                  + ", ".join(f"{n} {x:.1f} s" for n, x in slow[:6]), flush=True)
    finally:
        done.set()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
