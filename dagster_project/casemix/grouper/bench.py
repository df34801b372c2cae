"""Grouper benchmark (not a test): synthetic front-page cases drawn from a scheme's own code lists, grouped
by the grouper's dbt models; prints the models' own time and cases per second.

    python -m casemix.grouper.bench --scheme /path/to/CHS_DRG_11 --cases 1000000 [--work /tmp/grouper-bench]
                                    [--repeat N]

Cases are written straight into front_page.* of a scratch DuckDB file (never the project warehouse):
principal dx drawn from the MDC principal-dx tables, 0-6 secondary dx (half from the MCC/CC list), 0-3
procedures for 40 % of the cases (OR procedures and list codes), 3 % newborns, LOS 1-70 days.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import time
from pathlib import Path

GROUPER_MODELS = ["int_scheme_codes_keyed_to_mdcs", "int_grouper_inputs_mapped", "int_discharges_prechecked",
                  "int_discharges_joined_to_schemes", "int_discharges_assigned_to_mdc",
                  "int_discharges_assigned_to_adrg", "int_discharges_assessed_for_severity",
                  "int_discharges_grouped", "int_discharge_grouping_traces", "fct_discharge_groupings",
                  "fct_discharge_grouping_traces"]


def make_cases(con, n: int, seed: int = 7) -> None:
    from casemix.ingest.stage import ensure_schema, insert_discharges, insert_slots

    ensure_schema(con)
    con.execute(f"select setseed({(seed % 100) / 100})")
    con.execute("""
        create or replace temp table dx_pool as
        select row_number() over (order by dx_code) - 1 as i, dx_code from (select distinct dx_code from scheme.mdc_principal_dx);
        create or replace temp table sdx_pool as
        select row_number() over (order by dx_code) - 1 as i, dx_code from (
            select distinct dx_code from scheme.cc_codes
            union select distinct dx_code from scheme.mdc_principal_dx);
        create or replace temp table px_pool as
        select row_number() over (order by code) - 1 as i, code from (
            select distinct code from scheme.code_lists where code_type = 'px'
            union select px_code from scheme.or_procedures);
    """)
    ndx, nsdx, npx = (con.execute(f"select count(*) from {t}").fetchone()[0]
                      for t in ("dx_pool", "sdx_pool", "px_pool"))
    con.execute(f"""
        create or replace temp table cases as
        select
            i,
            md5('bench' || i)[1:32]                                   as discharge_id,
            hash(i, 1) % 100 < 3                                       as newborn,
            hash(i, 2) % {ndx}                                         as pdx_i,
            hash(i, 3) % 7                                             as n_sdx,
            case when hash(i, 4) % 100 < 40 then 1 + hash(i, 5) % 3 else 0 end as n_px
        from range({n}) t(i)
    """)
    insert_discharges(con, ["discharge_id", "patient_id", "partition_month", "zzjgdm", "bah", "zycs", "xb",
                            "nl", "bzyzs_nl", "xsecstz", "cysj", "sjzyts", "zfy", "jbdm"], """
        select c.discharge_id, c.discharge_id, date '2023-06-01', 'H' || (c.i % 50), 'B' || c.i, 1,
               case when hash(c.i, 6) % 2 = 0 then '1' else '2' end,
               case when c.newborn then 0 else 1 + hash(c.i, 7) % 90 end,
               case when c.newborn then hash(c.i, 8) % 365 end,
               case when c.newborn then 800 + hash(c.i, 9) % 3500 end,
               timestamp '2023-06-15 10:00:00',
               1 + hash(c.i, 10) % 70,
               100 + hash(c.i, 11) % 50000,
               d.dx_code
        from cases as c join dx_pool as d on d.i = c.pdx_i
    """)
    insert_slots(con, "diagnoses", ["discharge_id", "dx_seq", "jbdm"], f"""
        select c.discharge_id, 0, d.dx_code
        from cases as c join dx_pool as d on d.i = c.pdx_i
        union all
        select c.discharge_id, s.k, p.dx_code
        from cases as c
        cross join range(1, 7) s(k)
        join sdx_pool as p on p.i = hash(c.i, 20 + s.k) % {nsdx}
        where s.k <= c.n_sdx
    """)
    insert_slots(con, "procedures", ["discharge_id", "px_seq", "ssjczbm"], f"""
        select c.discharge_id, s.k, p.code
        from cases as c
        cross join range(1, 4) s(k)
        join px_pool as p on p.i = hash(c.i, 40 + s.k) % {npx}
        where s.k <= c.n_px
    """)


def main(argv: list[str] | None = None) -> int:
    import duckdb

    from casemix.grouper.run import run_grouper_dbt
    from casemix.scheme import load_scheme, write_scheme_duckdb

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scheme", required=True)
    ap.add_argument("--cases", type=int, default=1_000_000)
    ap.add_argument("--work", default="/tmp/casemix-grouper-bench")
    ap.add_argument("--qy-mode", default="principal")
    ap.add_argument("--repeat", type=int, default=1,
                    help="time the grouper's dbt run this many times on the same cases and print the median "
                         "as well (the machine's speed drifts between runs)")
    args = ap.parse_args(argv)

    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    wh = work / "bench.duckdb"
    for p in (wh, Path(str(wh) + ".wal")):
        if p.exists():
            p.unlink()
    tables = load_scheme(args.scheme)
    version = tables["scheme_versions"]["scheme_version"].iloc[0]
    con = duckdb.connect(str(wh))
    write_scheme_duckdb(tables, con)
    t0 = time.perf_counter()
    make_cases(con, args.cases)
    con.close()
    print(f"generated {args.cases:,} cases in {time.perf_counter() - t0:.1f} s")

    dbt_work = work / "dbt"
    # staging views and the seed first, so the timed run holds the grouper models only
    run_grouper_dbt(wh, {"scheme_version": version}, work_dir=dbt_work,
                    select="stg_front_page__discharges stg_front_page__diagnoses stg_front_page__procedures "
                           "code_map")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    times = []
    for run in range(1, args.repeat + 1):
        # each run after the first replaces the grouper's tables, as a re-run of the pipeline does
        load_before = os.getloadavg()
        t0 = time.perf_counter()
        r0 = resource.getrusage(resource.RUSAGE_SELF)
        run_grouper_dbt(wh, {"scheme_version": version, "qy_mode": args.qy_mode}, work_dir=dbt_work,
                        select=" ".join(GROUPER_MODELS), extra_args=["--threads", "1"])
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        wall = time.perf_counter() - t0
        cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
        results = json.loads((dbt_work / "target" / "run_results.json").read_text())["results"]
        model_time = 0.0
        if args.repeat > 1:
            print(f"run {run} of {args.repeat}:")
        for r in results:
            name = r["unique_id"].split(".")[-1]
            model_time += r["execution_time"]
            print(f"  {name:<42} {r['execution_time']:7.2f} s")
        times.append(model_time)
        print(f"models' own time {model_time:.2f} s ({args.cases / model_time:,.0f} cases/s); "
              f"dbt wall time incl. parse {wall:.1f} s (start-up and parse {wall - model_time:.1f} s)")
        print(f"CPU of the dbt run (dbt + DuckDB threads, user+sys) {cpu:.1f} s; peak RSS {r1.ru_maxrss / 1024:,.0f} MB "
              f"(before the timed run {rss_before:,.0f} MB); load average 1/5/15 min before "
              f"{'/'.join(f'{x:.2f}' for x in load_before)}, after {'/'.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.repeat > 1:
        med = statistics.median(times)
        print(f"models' own time over {args.repeat} runs: median {med:.2f} s ({args.cases / med:,.0f} cases/s), "
              f"fastest {min(times):.2f} s ({args.cases / min(times):,.0f} cases/s), slowest {max(times):.2f} s")
    con = duckdb.connect(str(wh), read_only=True)
    for row in con.execute("select grouping_status, count(*) from marts.fct_discharge_groupings "
                           "group by 1 order by 2 desc").fetchall():
        print(f"  {row[0]:<10} {row[1]:>9,}")
    # the trace is written on read (view fct_discharge_grouping_traces): what reading it costs
    t0 = time.perf_counter()
    n, chars = con.execute("select count(*), sum(length(trace)) from marts.fct_discharge_grouping_traces").fetchone()
    t_all = time.perf_counter() - t0
    one = con.execute("select discharge_id from marts.fct_discharge_groupings order by discharge_id limit 1").fetchone()
    t0 = time.perf_counter()
    con.execute("select trace from marts.fct_discharge_grouping_traces where discharge_id = ?", [one[0]]).fetchone()
    t_one = time.perf_counter() - t0
    print(f"reading the traces (a view): all {n:,} ({(chars or 0) / max(n, 1):.0f} characters each) {t_all:.2f} s, "
          f"one case {t_one:.2f} s")
    con.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
