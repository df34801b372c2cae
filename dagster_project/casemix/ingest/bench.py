"""Ingest benchmark: ``python -m casemix.ingest.bench EXTRACT.csv [--xlsx-cases N] [--workdir DIR]``.

Stages and publishes one CSV extract into a fresh warehouse (as ``casemix.bench`` does, without the
other stages), then the same for an XLSX made of its first ``--xlsx-cases`` cases (the conversion is
not timed), and prints for each (after the imports, timed apart): wall and CPU seconds, peak RSS of
the whole process tree (sampled every 50 ms), cases/s, and the load average before and after. DuckDB's memory limit, temp directory
and threads come from the configuration (``CASEMIX_DUCKDB_*``), as in the pipeline.

Nothing here asserts a time: it prints measured figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path

from casemix.bench import Stage, measure


def _ingest(path: Path, warehouse: Path, key: bytes) -> tuple[int, str]:
    from casemix.ingest.stage import load_extract_to_duckdb, read_loaded_quarantined
    from casemix.warehouse import connection

    for p in (warehouse, Path(str(warehouse) + ".wal")):
        p.unlink(missing_ok=True)
    with connection(warehouse) as con:
        stats = load_extract_to_duckdb(con, path, key, first_month=dt.date(2000, 1, 1), today=None)
    return sum(p.rows_read for p in stats), read_loaded_quarantined(stats)


def _to_xlsx(csv_path: Path, out: Path, cases: int) -> int:
    """The first ``cases`` records of a UTF-8 CSV as a one-sheet workbook (all cells text)."""
    import csv

    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet()
    n = 0
    with csv_path.open(encoding="utf-8-sig", newline="") as f:
        for i, row in enumerate(csv.reader(f)):
            if i > cases:
                break
            ws.append(row)
            n = i
    wb.save(out)
    return n


def _load() -> str:
    return "/".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("extract", type=Path, help="a UTF-8 CSV extract")
    ap.add_argument("--xlsx-cases", type=int, default=20_000, help="0 = no XLSX run")
    ap.add_argument("--workdir", type=Path, default=Path("warehouse/ingest_bench"))
    a = ap.parse_args(argv)
    from casemix.config import settings

    a.workdir.mkdir(parents=True, exist_ok=True)
    key = b"ingest-bench-key"
    s = settings()
    print(f"DuckDB memory_limit {s.memory_limit}, threads {s.threads or 'all'}, cores {os.cpu_count()}")
    stages: list[Stage] = []
    runs = [("CSV", a.extract)]
    if a.xlsx_cases:
        xlsx = a.workdir / f"{a.extract.stem}_{a.xlsx_cases}.xlsx"
        if not xlsx.exists():
            _to_xlsx(a.extract, xlsx, a.xlsx_cases)
        runs.append(("XLSX", xlsx))
    print(f"{'run':<40}{'wall s':>8}{'cpu s':>8}{'peak RSS GB':>13}{'cases/s':>10}"
          f"{'cases/cpu-s':>13}  note", flush=True)
    # fixed costs of the process, apart from the work (as casemix.bench does): the modules, and pandas,
    # which DuckDB's Python client imports at the first query with parameters (≈ 0.8 s once a process;
    # in the pipeline the quality step and dbt import it anyway)
    with measure(stages, "start-up: imports") as st:
        import pandas  # noqa: F401

        import casemix.ingest.stage  # noqa: F401
        import casemix.warehouse  # noqa: F401
    print(f"{st.name:<40}{st.wall_s:>8.1f}{st.cpu_s:>8.1f}{st.peak_rss_gb:>13.2f}  pandas, casemix.ingest",
          flush=True)
    for label, path in runs:
        before = _load()
        with measure(stages, f"ingest {label} ({path.name})") as st:
            cases, st.note = _ingest(path, a.workdir / f"bench_{label.lower()}.duckdb", key)
        st.cases_per_s = cases / st.wall_s
        st.note += f"; load average before {before}, after {_load()}"
        print(f"{st.name:<40}{st.wall_s:>8.1f}{st.cpu_s:>8.1f}{st.peak_rss_gb:>13.2f}"
              f"{st.cases_per_s:>10,.0f}{cases / st.cpu_s:>13,.0f}  {st.note}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
