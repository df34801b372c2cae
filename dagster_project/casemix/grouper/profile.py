"""Per-model profile of the grouper (not a test): re-runs each grouping model's compiled SQL on a copy of
the benchmark's scratch DuckDB file with DuckDB's profiler on, and prints wall and CPU seconds per model
and its slowest operators.

    python -m casemix.grouper.bench --scheme …/CHS_DRG_11 --cases 1000000 --work /tmp/gb
    python -m casemix.grouper.profile --work /tmp/gb [--top 6] [--models int_discharges_assigned_to_adrg]

Views are skipped (their work is done inside the models that read them). The copy keeps the file name
(the compiled SQL names its catalog after it). Each table model is written as
`<model>__profiled` next to the model the benchmark built, then dropped; the benchmark's own tables are
the inputs, so every model is timed on the same upstream data. CPU seconds are the process's user+sys
time (DuckDB's threads included): compare them, not wall seconds, when the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import time
from pathlib import Path

from casemix.grouper.bench import GROUPER_MODELS


def _walk(node, out, depth=0):
    out.append((node.get("operator_timing", 0.0), depth, node.get("operator_name", ""),
                node.get("operator_cardinality", 0), node.get("extra_info") or {}))
    for child in node.get("children", []):
        _walk(child, out, depth + 1)


def main(argv: list[str] | None = None) -> int:
    import duckdb

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--work", required=True, help="the benchmark's --work folder")
    ap.add_argument("--models", default=",".join(m for m in GROUPER_MODELS if m != "int_scheme_codes_keyed_to_mdcs"))
    ap.add_argument("--top", type=int, default=6, help="slowest operators to print per model")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    work = Path(a.work)
    compiled = work / "dbt" / "target" / "compiled"
    tmp = Path(tempfile.mkdtemp(prefix="casemix-grouper-profile-"))
    try:
        db = tmp / "bench.duckdb"
        shutil.copy(work / "bench.duckdb", db)
        con = duckdb.connect(str(db))
        prof = tmp / "profile.json"
        con.execute(f"set threads={a.threads}; set memory_limit='4GB'; set preserve_insertion_order=false; "
                    f"set temp_directory='{tmp / 'spill'}'")
        con.execute(f"set enable_profiling='json'; set profiling_output='{prof}'; set profiling_mode='detailed'")
        manifest = json.loads((work / "dbt" / "target" / "manifest.json").read_text())
        materialized = {n["name"]: n["config"].get("materialized") for n in manifest["nodes"].values()
                        if n.get("resource_type") == "model"}
        total_wall = total_cpu = 0.0
        print(f"load average before {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
        for model in a.models.split(","):
            files = list(compiled.rglob(model + ".sql"))
            if not files:
                print(f"== {model}: no compiled SQL (ephemeral or not built)")
                continue
            # the batched table's compiled SQL is its statement over every case (one batch)
            if materialized.get(model) not in ("table", "grouper_batched_table"):
                print(f"== {model}: {materialized.get(model)} (computed inside the models that read it)")
                continue
            schema = "marts" if model.startswith("fct_") else "intermediate"
            r0, t0 = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
            con.execute(f"create or replace table {schema}.{model}__profiled as {files[0].read_text()}")
            wall, r1 = time.perf_counter() - t0, resource.getrusage(resource.RUSAGE_SELF)
            cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
            con.execute(f"drop table {schema}.{model}__profiled")
            total_wall, total_cpu = total_wall + wall, total_cpu + cpu
            ops: list = []
            for child in json.loads(prof.read_text()).get("children", []):
                _walk(child, ops)
            print(f"== {model}: wall {wall:.2f} s, CPU {cpu:.2f} s")
            for timing, depth, name, rows, extra in sorted(ops, key=lambda o: -o[0])[:a.top]:
                info = {k: str(v)[:100] for k, v in extra.items() if k in ("Join Type", "Conditions", "Groups", "Table")}
                print(f"    {timing:6.2f} s  depth {depth:<2} {name:<18} rows {rows:>10,}  {info}")
        print(f"total: wall {total_wall:.2f} s, CPU {total_cpu:.2f} s; load average after "
              f"{'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
        con.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
