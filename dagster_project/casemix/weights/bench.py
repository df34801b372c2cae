"""Benchmark of the case-mix models (weights + CMI facts + indicators) on synthetic cases.

    python -m casemix.weights.bench --cases 1000000 --work /tmp/case-mix-bench

Writes a warehouse with a synthetic front page (front_page.discharges) and stand-ins for the grouper's
outputs (intermediate.int_discharges_grouped, marts.fct_discharge_groupings; ~600 DRGs in 300 ADRGs and
26 MDCs, 95 % grouped), seeds the configuration (the default weight version: data-derived, mean ± 3 SD on
ln cost), then times `dbt run` of the case-mix models and, separately, their tests. Prints figures; asserts
nothing (a benchmark, not a test).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

import duckdb

DBT_DIR = Path(__file__).resolve().parents[3] / "dbt"
SELECT = "stg_front_page__discharges path:models/intermediate/case_mix path:models/marts/case_mix"


def make_inputs(wh: Path, cases: int, hospitals: int, seed: int) -> None:
    from casemix.ingest.stage import ensure_schema, insert_discharges

    con = duckdb.connect(str(wh))
    try:
        ensure_schema(con)
        con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
        # two years of discharges, log-normal costs around a DRG-specific level, LOS tied to cost
        con.execute(f"""
        CREATE TEMP TABLE c AS
        SELECT i,
               'd' || i AS discharge_id,
               'H' || (i % {hospitals}) AS hospital_id,
               'D' || (i % {hospitals}) || '-' || ((i // {hospitals}) % 30) AS dept,
               'DR' || (i % {hospitals}) || '-' || ((i // {hospitals}) % 300) AS doctor,
               DATE '2023-01-01' + CAST(floor(random() * 730) AS INTEGER) AS discharge_date,
               CAST(floor(pow(random(), 2) * 600) AS INTEGER) AS drg_no,
               random() AS u_status, random() AS u_cost, random() AS u_death
        FROM range({cases}) t(i)""")
        insert_discharges(con, ["discharge_id", "patient_id", "partition_month", "zzjgdm", "bah", "zycs", "cykb",
                                "zzys", "cysj", "sjzyts", "zfy", "lyfs", "xb", "nl"], """
        SELECT discharge_id, 'p' || i, CAST(date_trunc('month', discharge_date) AS DATE), hospital_id,
               'B' || i, 1, dept, doctor, CAST(discharge_date AS TIMESTAMP),
               greatest(1, CAST(round(exp(1.5 + (drg_no % 7) * 0.1 + (u_cost - 0.5)) ) AS INTEGER)),
               round(exp(7.5 + (drg_no % 40) * 0.05 + 0.6 * (u_cost - 0.5) * 3), 2),
               CASE WHEN u_death < 0.002 * (1 + drg_no % 10) THEN '5' ELSE '1' END, '1', 50
        FROM c""")
        con.execute("CREATE SCHEMA IF NOT EXISTS intermediate; CREATE SCHEMA IF NOT EXISTS marts")
        con.execute("""
        CREATE OR REPLACE TABLE intermediate.int_discharges_grouped AS
        SELECT discharge_id, 'BENCH' AS scheme_version, true AS is_primary_scheme,
               chr(65 + (drg_no // 2) % 26) AS mdc_code,
               chr(65 + (drg_no // 2) % 26) || lpad(CAST(drg_no // 2 AS VARCHAR), 3, '0') AS adrg_code,
               CASE WHEN u_status < 0.95
                    THEN chr(65 + (drg_no // 2) % 26) || lpad(CAST(drg_no // 2 AS VARCHAR), 3, '0')
                         || CASE WHEN drg_no % 2 = 0 THEN '3' ELSE '5' END
                    WHEN u_status < 0.97 THEN chr(65 + (drg_no // 2) % 26) || 'QY'
                    ELSE '0000' END AS drg_code,
               NULL::VARCHAR AS severity_level,
               CASE WHEN u_status < 0.95 THEN 'grouped' WHEN u_status < 0.97 THEN 'qy'
                    WHEN u_status < 0.99 THEN '0000' ELSE 'invalid' END AS grouping_status,
               false AS is_excluded
        FROM c""")
        con.execute("""
        CREATE OR REPLACE TABLE marts.fct_discharge_groupings AS
        SELECT g.discharge_id, d.zzjgdm AS hospital_id, d.partition_month, CAST(d.cysj AS DATE) AS discharge_date,
               g.scheme_version, g.mdc_code, g.adrg_code, NULL::VARCHAR AS adrg_name, NULL::VARCHAR AS adrg_kind,
               g.drg_code, g.severity_level, g.grouping_status, NULL::VARCHAR AS status_reason,
               NULL::VARCHAR AS dx_match, g.grouping_status = 'grouped' AS is_grouped, g.is_excluded
        FROM intermediate.int_discharges_grouped g JOIN front_page.discharges d USING (discharge_id)""")
    finally:
        con.close()


def dbt(wh: Path, work: Path, args: list[str]) -> tuple[float, float]:
    """(wall s, CPU s of this process: dbt runs in-process, so its DuckDB threads are counted)."""
    from casemix.dbt_runner import run_dbt

    t, c = time.perf_counter(), time.process_time()
    run_dbt(args, warehouse=wh, work_dir=work, threads=2)
    return time.perf_counter() - t, time.process_time() - c


def _fmt(wc: tuple[float, float]) -> str:
    return f"{wc[0]:.1f} s wall, {wc[1]:.1f} s CPU"


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--hospitals", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default="/tmp/case-mix-bench")
    a = ap.parse_args(argv)
    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    wh = work / "wh.duckdb"
    t = time.perf_counter()
    make_inputs(wh, a.cases, a.hospitals, a.seed)
    print(f"inputs: {a.cases:,} cases, {a.hospitals} hospitals, 2023-2024: {time.perf_counter() - t:.1f} s")
    print(f"load average before dbt: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} cores)")
    seeds = ["weight_versions", "official_weights", "indicator_parameters", "reasonable_ranges"]
    print(f"dbt seed ({len(seeds)} case-mix seeds): {_fmt(dbt(wh, work, ['seed', '--select', *seeds]))}")
    dbt(wh, work, ["parse"])
    runs = [dbt(wh, work, ["run", "--select", SELECT]) for _ in range(2)]
    print(f"dbt run of the case-mix models (weights + CMI facts + indicators), 2 threads: "
          f"{_fmt(runs[0])}; again {_fmt(runs[1])} (dbt start-up included)")
    timing = json.loads((work / "target" / "run_results.json").read_text())
    print(f"    {len(timing['results'])} models, sum of model times {sum(r['execution_time'] for r in timing['results']):.1f} s;"
          f" slowest:")
    for r in sorted(timing["results"], key=lambda r: -r["execution_time"])[:8]:
        print(f"    {r['unique_id'].split('.')[-1]:<44} {r['execution_time']:6.2f} s")
    t_test = dbt(wh, work, ["test", "--select", SELECT + " path:tests/case_mix", "--exclude", "test_type:unit",
                            "--indirect-selection", "cautious"])
    n_tests = len(json.loads((work / "target" / "run_results.json").read_text())["results"])
    print(f"dbt test of the case-mix models ({n_tests} data tests incl. the invariants): {_fmt(t_test)}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    con = duckdb.connect(str(wh))  # run_dbt has released dbt's in-process DuckDB
    try:
        for q in ("SELECT count(*) FROM marts.fct_case_mix_discharges",
                  "SELECT count(*), round(sum(case_count * rw) / sum(case_count), 6) FROM marts.dim_drg_weights",
                  "SELECT count(*) FROM marts.fct_case_mix_monthly",
                  "SELECT count(*) FROM marts.fct_cmi_change_decomposition",
                  "SELECT status, count(*) FROM marts.fct_case_mix_range_checks GROUP BY 1 ORDER BY 1"):
            print(f"    {q}: {con.execute(q).fetchall()}")
    finally:
        con.close()


if __name__ == "__main__":
    main()
