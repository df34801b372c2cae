"""Benchmark: costing + margins + payment for N synthetic cases with 12 months of ledgers.

    python -m casemix.costing.bench --cases 1000000 --hospitals 10 --work /tmp/costing-bench

Cases are synthesised directly in DuckDB (front_page.discharges with the fee items), the grouper and
weights marts are stood in by plain tables (random DRGs and RWs), the costing inputs come from
``casemix.generate.costing`` sized on those cases (the case-mix discharge stand-in also carries the columns
the efficiency quadrant's case-mix measures read, with per-DRG benchmark means). Then ``dbt seed`` (costing seeds) and ``dbt build``
of the costing models (no tests; ``--with-tests`` adds them) are timed: wall and CPU seconds and the load
average, since the machine may be shared. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

SELECT = ("stg_front_page__discharges path:models/staging/costing path:models/intermediate/costing "
          "path:models/marts/costing path:models/marts/payment")


def synthesise(con, n_cases: int, n_hospitals: int, seed: int, year: int = 2024):
    from casemix.generate.roster import roster
    from casemix.ingest.stage import ensure_schema, insert_discharges

    r = roster(seed, n_hospitals)
    wards = r.departments[r.departments["is_ward"]][["zzjgdm", "dept_code"]].reset_index(drop=True)
    wards["i"] = range(len(wards))
    con.register("_wards", wards)
    ensure_schema(con)
    con.execute("DELETE FROM front_page_stage.rows")
    con.execute(f"SELECT setseed({(seed % 1000) / 1000})")
    insert_discharges(con, ["discharge_id", "patient_id", "partition_month", "zzjgdm", "bah", "zycs", "cykb",
                            "rysj", "cysj", "sjzyts", "zzys", "zfy", "xyf", "yyclf", "ycxyyclf", "hlf", "ylfuf",
                            "syszdf", "yxxzdf", "blzdf", "sszlf", "xf"], f"""
        WITH c AS (
            SELECT range AS k,
                   CAST(floor(random() * {len(wards)}) AS INTEGER) AS w,
                   CAST(floor(random() * 12) AS INTEGER) AS m,
                   CAST(1 + floor(random() * random() * 25) AS INTEGER) AS los,
                   random() AS u1, random() AS u2, random() AS u3,
                   CAST(floor(random() * {max(n_cases // 20, 1)}) AS INTEGER) AS p
            FROM range({n_cases})
        )
        SELECT 'd' || k, 'p' || p, make_date({year}, m + 1, 1), wd.zzjgdm, 'B' || k, 1, wd.dept_code,
               make_date({year}, m + 1, 1)::TIMESTAMP,
               (make_date({year}, m + 1, 1) + INTERVAL (los) DAY)::TIMESTAMP, los, 'DOC-' || wd.dept_code || '-' || (k % 9),
               0, round(los * (300 + 500 * u1), 2), round(los * 60 * u2, 2),
               CASE WHEN u3 < 0.3 THEN round(3000 * u1, 2) ELSE 0 END, round(los * 40, 2), round(los * 30, 2),
               round(los * 80 * u3, 2), round(los * 60 * u2 * u3, 2), CASE WHEN u1 < 0.1 THEN 300 ELSE 0 END,
               CASE WHEN u3 < 0.3 THEN round(8000 * u2, 2) ELSE 0 END, CASE WHEN u2 < 0.05 THEN 400 ELSE 0 END
        FROM c JOIN _wards AS wd ON wd.i = c.w""")
    con.execute("""UPDATE front_page_stage.rows SET zfy = coalesce(xyf,0) + coalesce(yyclf,0) + coalesce(ycxyyclf,0)
                   + coalesce(hlf,0) + coalesce(ylfuf,0) + coalesce(syszdf,0) + coalesce(yxxzdf,0)
                   + coalesce(blzdf,0) + coalesce(sszlf,0) + coalesce(xf,0)""")
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("""CREATE OR REPLACE TABLE marts.fct_discharge_groupings AS
        SELECT discharge_id, zzjgdm AS hospital_id, partition_month, CAST(cysj AS DATE) AS discharge_date,
               'BENCH' AS scheme_version, NULL::VARCHAR AS mdc_code, NULL::VARCHAR AS adrg_code,
               NULL::VARCHAR AS adrg_name, NULL::VARCHAR AS adrg_kind,
               CASE WHEN h < 95 THEN 'G' || lpad(CAST(h2 AS VARCHAR), 3, '0') WHEN h < 97 THEN 'QY' END AS drg_code,
               NULL::VARCHAR AS severity_level,
               CASE WHEN h < 95 THEN 'grouped' WHEN h < 97 THEN 'qy' ELSE '0000' END AS grouping_status,
               NULL::VARCHAR AS status_reason, NULL::VARCHAR AS dx_match, h < 95 AS is_grouped,
               false AS is_excluded
        FROM (SELECT *, hash(discharge_id) % 100 AS h, hash(discharge_id || 'g') % 300 AS h2
              FROM front_page.discharges)""")
    # The case-mix discharge fact: RW for costing and payment, plus what the case-mix measures read
    # (fct_efficiency_quadrants): unit, status, LOS, charge and per-DRG benchmark means (here the loaded means).
    con.execute("""CREATE OR REPLACE TABLE marts.fct_case_mix_discharges AS
        WITH c AS (
            SELECT g.discharge_id, g.hospital_id, d.cykb AS discharge_dept_code, d.zzys AS attending_doctor,
                   g.partition_month AS discharge_month, g.discharge_date, g.scheme_version, g.mdc_code,
                   g.adrg_code, g.drg_code, g.grouping_status, g.is_excluded,
                   CAST(d.sjzyts AS DOUBLE) AS los_days, CAST(d.zfy AS DECIMAL(18,2)) AS total_cost_amount,
                   CASE WHEN g.grouping_status = 'grouped'
                        THEN round(0.3 + (hash(g.drg_code) % 300) / 100.0, 4) END AS rw
            FROM marts.fct_discharge_groupings AS g
            JOIN front_page.discharges AS d ON d.discharge_id = g.discharge_id
        )
        SELECT discharge_id, rw, 'BENCH' AS weight_version, hospital_id, discharge_dept_code, attending_doctor,
               discharge_month, discharge_date, scheme_version, mdc_code, adrg_code, drg_code, grouping_status,
               is_excluded, los_days, total_cost_amount, false AS is_death,
               CASE WHEN rw IS NOT NULL THEN 'weighted' ELSE 'not_grouped' END AS weight_status,
               rw IS NOT NULL AS is_grouped_for_cmi,
               CASE WHEN rw IS NOT NULL THEN avg(CAST(total_cost_amount AS DOUBLE)) OVER (PARTITION BY drg_code) END
                   AS benchmark_mean_cost_amount,
               CASE WHEN rw IS NOT NULL THEN avg(los_days) OVER (PARTITION BY drg_code) END AS benchmark_mean_los_days,
               false AS is_own_benchmark, NULL::INTEGER AS mortality_risk_level
        FROM c""")
    summary = con.execute("""
        SELECT zzjgdm AS hospital_id, cykb AS dept_code, strftime(partition_month, '%Y-%m') AS month,
               count(*) AS cases, sum(greatest(sjzyts, 1)) AS bed_days, sum(zfy) AS total_amount,
               sum(coalesce(xyf, 0)) AS drug_amount, sum(coalesce(yyclf, 0) + coalesce(ycxyyclf, 0)) AS material_amount,
               sum(coalesce(syszdf, 0)) AS lab_amount, sum(coalesce(yxxzdf, 0)) AS imaging_amount,
               sum(coalesce(blzdf, 0)) AS pathology_amount, sum(coalesce(sszlf, 0)) AS surgery_amount
        FROM front_page.discharges GROUP BY ALL""").df()
    for c in summary.columns[3:]:
        summary[c] = summary[c].astype(float)
    return r.departments, summary


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--hospitals", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--work", default="/tmp/costing-bench")
    ap.add_argument("--with-tests", action="store_true")
    a = ap.parse_args(argv)

    import duckdb

    from casemix.costing.load import load_costing
    from casemix.dbt_runner import run_dbt
    from casemix.generate.costing import generate_costing_inputs

    work = Path(a.work)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    wh = work / "wh.duckdb"
    t0 = time.perf_counter()
    con = duckdb.connect(str(wh))
    deps, summary = synthesise(con, a.cases, a.hospitals, a.seed)
    t1 = time.perf_counter()
    generate_costing_inputs(work / "landing", a.seed, deps, [f"2024-{m:02d}" for m in range(1, 13)], summary)
    t2 = time.perf_counter()
    stats = load_costing(con, work / "landing" / "costing")
    con.close()
    t3 = time.perf_counter()
    print(f"synthesise {a.cases:,} cases: {t1 - t0:.1f} s; costing inputs: {t2 - t1:.1f} s; "
          f"load ({sum(s.rows_loaded for s in stats):,} rows, "
          f"{sum(s.rows_quarantined for s in stats)} quarantined): {t3 - t2:.1f} s")

    t = time.perf_counter()
    res = run_dbt(["seed", "--select", "costing_parameters", "payment_parameters", "indicator_parameters"],
                  warehouse=wh, work_dir=work, check=False)
    print(f"dbt seed: {time.perf_counter() - t:.1f} s ({'ok' if res.success else 'FAILED'})")
    args = ["build", "--select", SELECT, "--exclude-resource-type", "seed", "--indirect-selection", "cautious"]
    if not a.with_tests:
        args += ["--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    load_before = os.getloadavg()
    t, cpu = time.perf_counter(), time.process_time()
    res = run_dbt(args, warehouse=wh, work_dir=work, check=False)
    wall, cpu = time.perf_counter() - t, time.process_time() - cpu
    timings = {}
    if res.result is not None and hasattr(res.result, "results"):
        timings = {r.node.name: round(r.execution_time, 2) for r in res.result.results}
    print(f"dbt build costing + margins + payment ({'with' if a.with_tests else 'without'} tests): "
          f"{wall:.1f} s wall, {cpu:.1f} s CPU (all threads of this process; dbt runs in-process) "
          f"({'ok' if res.success else 'FAILED'}); {os.cpu_count()} cores, load average before "
          f"{load_before[0]:.2f} / after {os.getloadavg()[0]:.2f} (1 min)")
    for k, v in sorted(timings.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {v:6.2f} s  {k}")
    con = duckdb.connect(str(wh))
    print(json.dumps(con.execute("""
        select costing_method, count(*) as cases, round(sum(item_revenue_amount) / 1e6, 1) as revenue_m,
               round(sum(variable_cost_amount) / 1e6, 1) as variable_m, round(sum(direct_cost_amount) / 1e6, 1) as direct_m,
               round(sum(medical_business_cost_amount) / 1e6, 1) as mbc_m, round(sum(full_cost_amount) / 1e6, 1) as full_m,
               sum(case when has_negative_pool then 1 else 0 end) as negative_pool_cases
        from marts.fct_discharge_costs group by 1 order by 1""").df().to_dict("records"), default=str))
    con.close()


if __name__ == "__main__":
    main()
