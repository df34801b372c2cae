"""A short, plain-text account of what the warehouse holds (printed by ``make demo``)."""

from __future__ import annotations

import duckdb

from casemix.config import settings
from casemix.warehouse import connection


def _table_exists(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = ? AND table_name = ?",
        [schema, table]).fetchone()[0])


def warehouse_summary(con: duckdb.DuckDBPyConnection) -> dict:
    out: dict = {}
    if not _table_exists(con, "front_page", "partition_stats"):
        return out
    out["hospitals"] = con.execute(
        "SELECT count(DISTINCT zzjgdm) FROM front_page.discharges").fetchone()[0]
    first, last, months = con.execute(
        "SELECT min(partition_month), max(partition_month), count(*) FROM front_page.partition_stats"
    ).fetchone()
    out.update(first_month=first, last_month=last, months=months)
    read, loaded, quarantined, superseded = con.execute(
        "SELECT sum(rows_read), sum(rows_loaded), sum(rows_quarantined), sum(rows_superseded) "
        "FROM front_page.partition_stats").fetchone()
    out.update(rows_read=int(read or 0), rows_loaded=int(loaded or 0),
               rows_quarantined=int(quarantined or 0), rows_superseded=int(superseded or 0))
    out["files"] = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE status = 'rejected'), "
        "string_agg(DISTINCT encoding, ', ' ORDER BY encoding) FROM front_page_stage.files").fetchone()
    out["quarantine_reasons"] = con.execute(
        "SELECT regexp_replace(reason, ' by .*', ''), count(*) FROM front_page.quarantine "
        "GROUP BY 1 ORDER BY 2 DESC LIMIT 8").fetchall()
    return out


def print_summary() -> int:
    s = settings()
    if not s.warehouse.exists():
        print(f"no warehouse at {s.warehouse}: run `make demo` first")
        return 1
    with connection(s=s, read_only=True) as con:
        info = warehouse_summary(con)
        extra = []
        if _table_exists(con, "quality", "qc_case_issues"):
            n, cases = con.execute("SELECT count(*), count(DISTINCT discharge_id) "
                                   "FROM quality.qc_case_issues").fetchone()
            extra.append(("quality", f"{n:,} findings on {cases:,} cases (quality.qc_case_issues)"))
        if _table_exists(con, "marts", "fct_discharge_groupings"):
            rows = con.execute("SELECT grouping_status, count(*) FROM marts.fct_discharge_groupings "
                               "GROUP BY 1 ORDER BY 2 DESC").fetchall()
            extra.append(("grouping", ", ".join(f"{st} {n:,}" for st, n in rows)))
        for schema, table in [("marts", "fct_case_mix_hospital_monthly"), ("marts", "fct_discharge_costs"),
                              ("marts", "fct_drg_margins"), ("marts", "fct_discharge_payments")]:
            if _table_exists(con, schema, table):
                n = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()[0]
                extra.append(("mart", f"{schema}.{table}: {n:,} rows"))
    if not info:
        print("the warehouse holds no front-page data yet")
        return 1
    n_files, n_rejected, encodings = info["files"]
    print(f"warehouse   {s.warehouse}")
    print(f"hospitals   {info['hospitals']}")
    print(f"months      {info['months']} ({info['first_month']:%Y-%m} .. {info['last_month']:%Y-%m})")
    print(f"files       {n_files} ({n_rejected} rejected; encodings: {encodings})")
    print(f"cases       read {info['rows_read']:,} = loaded {info['rows_loaded']:,} "
          f"+ quarantined {info['rows_quarantined']:,} "
          f"(of which {info['rows_superseded']:,} superseded by a later file)")
    for reason, n in info["quarantine_reasons"]:
        print(f"            {n:>6,}  {reason}")
    for label, text in extra:
        print(f"{label:<11} {text}")
    return 0
