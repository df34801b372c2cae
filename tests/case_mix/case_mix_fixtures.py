"""Fixtures for tests/case_mix: hand-made cases in a temp DuckDB, the case-mix dbt models built once per
session with dbtRunner (their data tests, unit tests and the singular tests in dbt/tests/case_mix).

The grouper's outputs are stand-in tables written here (intermediate.int_discharges_grouped and
marts.fct_discharge_groupings), so these tests check the case-mix logic only. One scheme, S1:
  DRG AA1 (ADRG AA, MDC A), BB1 and BB5 (both ADRG BB, MDC B).

2024 (the benchmark of V_IQR, in force for 2024), 30 grouped cases, 10 per DRG:
  AA1  1000 1100 1200 1300 1400 (H1) | 1500 1600 1700 1800 10000 (H2)          sum 22600, mean 2260
  BB1  2000 ×5 + 4000 (H1)           | 4000 ×4 (H2)                            sum 30000, mean 3000
  BB5  400 450 500 550 600 (H1)      | 400 (2024-01-01) 450 500 550 600 (H2)   sum  5000, mean  500
  LOS: AA1 5 (H1), 7 (H2, the 10000 case 30); BB1 8 for 2000, 10 for 4000; BB5 2 (H1), 4 (H2).
  Deaths: AA1 the H1 1000 case; BB1 three H1 2000s + two H2 4000s; BB5 H1 600 + H2 450 500 550 600.
  H1 also has one case each qy, 0000, invalid and excluded (LOS 70) in 2024-03.
2023 (V_2023, an official table, in force for 2023; all H1):
  AA1 1000, 1200; BB1 2000, 3000 (discharged 2023-12-31); BB5 500.
2022: BB1 1000 (H1; no weight version in force).
Every H1 2024 case is in 2024-03, dept D1 (doctor DR1): AA1 1000 1100 1200, every BB1, the four others;
dept D3 (doctor DR3): AA1 1300 1400, every BB5. H2: dept D2 (doctor DR2), 2024-03 except the 2024-01-01 case.
2023/2022 cases: H1, D1, DR1, March except the 2023-12-31 one.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"
SCHEME = "S1"
DRG = {"AA1": ("A", "AA"), "BB1": ("B", "BB"), "BB5": ("B", "BB")}


def _cases() -> list[dict]:
    rows: list[dict] = []

    def add(h, dept, doc, date, drg, cost, los, death=False, status="grouped", excluded=False):
        mdc, adrg = DRG.get(drg, (None, None))
        if drg == "AQY":
            mdc, adrg = "A", "AQY"
        rows.append(dict(id=f"c{len(rows) + 1:02d}", h=h, dept=dept, doc=doc, date=date, drg=drg, cost=cost,
                         los=los, death=death, status=status, excluded=excluded, mdc=mdc, adrg=adrg))

    h1 = ("H1", "D1", "DR1")
    h3 = ("H1", "D3", "DR3")
    h2 = ("H2", "D2", "DR2")
    # 2024: AA1
    add(*h1, "2024-03-05", "AA1", 1000, 5, death=True)
    add(*h1, "2024-03-06", "AA1", 1100, 5)
    add(*h1, "2024-03-07", "AA1", 1200, 5)
    add(*h3, "2024-03-08", "AA1", 1300, 5)
    add(*h3, "2024-03-09", "AA1", 1400, 5)
    for cost in (1500, 1600, 1700, 1800):
        add(*h2, "2024-03-10", "AA1", cost, 7)
    add(*h2, "2024-03-11", "AA1", 10000, 30)
    # 2024: BB1
    for i in range(5):
        add(*h1, "2024-03-12", "BB1", 2000, 8, death=i < 3)
    add(*h1, "2024-03-13", "BB1", 4000, 10)
    for i in range(4):
        add(*h2, "2024-03-14", "BB1", 4000, 10, death=i < 2)
    # 2024: BB5
    for cost in (400, 450, 500, 550, 600):
        add(*h3, "2024-03-15", "BB5", cost, 2, death=cost == 600)
    add(*h2, "2024-01-01", "BB5", 400, 4)
    for cost in (450, 500, 550, 600):
        add(*h2, "2024-03-16", "BB5", cost, 4, death=True)
    # 2024: H1's ungrouped and excluded cases
    add(*h1, "2024-03-20", "AQY", 800, 5, status="qy")
    add(*h1, "2024-03-21", "0000", 900, 5, status="0000")
    add(*h1, "2024-03-22", None, 700, 5, status="invalid")
    add(*h1, "2024-03-23", "AA1", 5000, 70, status="excluded", excluded=True)
    # 2023
    add(*h1, "2023-03-05", "AA1", 1000, 5)
    add(*h1, "2023-03-06", "AA1", 1200, 5)
    add(*h1, "2023-03-07", "BB1", 2000, 8)
    add(*h1, "2023-12-31", "BB1", 3000, 9)
    add(*h1, "2023-03-08", "BB5", 500, 2)
    # 2022
    add(*h1, "2022-03-05", "BB1", 1000, 8)
    return rows


CASES = _cases()

# Weight versions of the tests (replace the seed's rows). The ones not in force for the data (effective in
# 2030+) exist only to show each trimming rule on the 2024 benchmark.
VERSION_COLUMNS = ["scheme_version", "weight_version", "is_active", "method", "effective_from", "effective_to",
                   "benchmark_from", "benchmark_to", "cost_basis", "costing_method", "trimming", "iqr_k", "sd_k",
                   "p_low", "p_high", "blend", "min_cases", "fallback", "rescale", "los_exclusion_days",
                   "min_cost_amount", "notes"]
_B24 = ("2024-01-01", "2025-01-01")
VERSIONS = [
    # scheme, version, active, method, eff_from, eff_to, bench_from, bench_to, trimming, sd_k, blend
    ("S1", "V_2023", True, "official", "2023-01-01", "2024-01-01", None, None, "none", 3, "none"),
    ("S1", "V_IQR", True, "data", "2024-01-01", "2025-01-01", *_B24, "iqr", 3, "none"),
    ("S1", "V_BLEND", True, "data", "2025-01-01", "2030-01-01", None, None, "none", 3, "1:2:7"),
    ("S1", "V_NONE", True, "data", "2030-01-01", "2031-01-01", *_B24, "none", 3, "none"),
    ("S1", "V_LOGSD3", True, "data", "2031-01-01", "2032-01-01", *_B24, "log_sd", 3, "none"),
    ("S1", "V_LOGSD2", True, "data", "2032-01-01", "2033-01-01", *_B24, "log_sd", 2, "none"),
    ("S1", "V_PCT", True, "data", "2033-01-01", "2034-01-01", *_B24, "percentile", 3, "none"),
    ("S1", "V_OFF", False, "data", "2024-06-01", None, None, None, "none", 3, "none"),  # inactive: ignored
    ("S1", "V_FULL", True, "data", "2034-01-01", "2035-01-01", *_B24, "none", 3, "none"),  # cost layer, below
]
# V_FULL's cost basis: the full-cost layer (医疗成本) of the top-down method from the costing mart, here a
# stand-in: full_cost_amount = 住院总费用 + 100 (top_down) and = 住院总费用 (ccr).
COST_BASIS = {"V_FULL": ("full_cost_amount", "top_down")}
OFFICIAL = [("S1", "V_2023", "AA1", 0.8, None), ("S1", "V_2023", "BB1", None, 160.0),
            ("S1", "V_2023", "BB5", 0.3, None)]
PARAMETERS = {"risk_min_cases": "5", "decomposition_weight_version": "V_IQR"}


def load_inputs(con: duckdb.DuckDBPyConnection) -> None:
    """Raw front page + stand-ins for the grouper's int_discharges_grouped and fct_discharge_groupings."""
    from casemix.ingest.stage import ensure_schema, insert_discharges

    ensure_schema(con)
    insert_discharges(
        con, ["discharge_id", "patient_id", "partition_month", "zzjgdm", "bah", "zycs", "cykb", "zzys", "cysj",
              "sjzyts", "zfy", "lyfs", "xb", "nl"],
        "VALUES (?, ?, CAST(date_trunc('month', CAST(? AS DATE)) AS DATE),"
        " ?, ?, 1, ?, ?, CAST(? AS TIMESTAMP), ?, ?, ?, '1', 50)", many=True, params=
        [(c["id"], "p" + c["id"], c["date"], c["h"], "B" + c["id"], c["dept"], c["doc"], c["date"], c["los"],
          c["cost"], "5" if c["death"] else "1") for c in CASES])
    for schema in ("intermediate", "marts"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    con.execute("""CREATE OR REPLACE TABLE intermediate.int_discharges_grouped (discharge_id VARCHAR,
        scheme_version VARCHAR, is_primary_scheme BOOLEAN, mdc_code VARCHAR, adrg_code VARCHAR, drg_code VARCHAR,
        severity_level VARCHAR, grouping_status VARCHAR, is_excluded BOOLEAN)""")
    con.executemany("INSERT INTO intermediate.int_discharges_grouped VALUES (?, ?, true, ?, ?, ?, null, ?, ?)",
                    [(c["id"], SCHEME, c["mdc"], c["adrg"], c["drg"], c["status"], c["excluded"])
                     for c in CASES])
    con.execute("""CREATE OR REPLACE TABLE marts.fct_discharge_groupings AS
        SELECT g.discharge_id, d.zzjgdm AS hospital_id, d.partition_month, CAST(d.cysj AS DATE) AS discharge_date,
               g.scheme_version, g.mdc_code, g.adrg_code, NULL::VARCHAR AS adrg_name, NULL::VARCHAR AS adrg_kind,
               g.drg_code, g.severity_level, g.grouping_status, NULL::VARCHAR AS status_reason,
               NULL::VARCHAR AS dx_match, g.grouping_status = 'grouped' AS is_grouped, g.is_excluded
        FROM intermediate.int_discharges_grouped g JOIN front_page.discharges d USING (discharge_id)
        WHERE g.is_primary_scheme""")
    layers = ", ".join(f"{c} DECIMAL(18,2)" for c in ("variable_cost_amount", "direct_cost_amount",
                                                        "medical_business_cost_amount", "full_cost_amount",
                                                        "full_cost_incl_fiscal_amount"))
    con.execute(f"CREATE OR REPLACE TABLE marts.fct_discharge_costs (discharge_id VARCHAR, costing_method VARCHAR, "
                f"{layers})")
    con.execute("""INSERT INTO marts.fct_discharge_costs (discharge_id, costing_method, full_cost_amount)
        SELECT discharge_id, 'top_down', zfy + 100 FROM front_page.discharges
        UNION ALL SELECT discharge_id, 'ccr', zfy FROM front_page.discharges""")


def configure(con: duckdb.DuckDBPyConnection) -> None:
    """Replace the seeded configuration with the test's versions, official table and parameters."""
    con.execute("DELETE FROM reference.weight_versions")
    for s, v, active, method, ef, et, bf, bt, trimming, sd_k, blend in VERSIONS:
        con.execute(f"INSERT INTO reference.weight_versions ({', '.join(VERSION_COLUMNS)}) VALUES "
                    "(?, ?, ?, ?, ?, ?, ?, ?, 'total_cost_amount', null, ?, 1.5, ?, 0.025, 0.975, ?, 0, 'keep',"
                    " false, 60, 5, 'test')", [s, v, active, method, ef, et, bf, bt, trimming, sd_k, blend])
    for v, (basis, costing_method) in COST_BASIS.items():
        con.execute("UPDATE reference.weight_versions SET cost_basis = ?, costing_method = ? WHERE weight_version = ?",
                    [basis, costing_method, v])
    con.execute("DELETE FROM reference.official_weights")
    con.executemany("INSERT INTO reference.official_weights VALUES (?, ?, ?, ?, ?)", OFFICIAL)
    for k, v in PARAMETERS.items():
        con.execute("UPDATE reference.indicator_parameters SET value = ? WHERE parameter = ?", [v, k])


CASE_MIX_SELECT = "stg_front_page__discharges path:models/intermediate/case_mix path:models/marts/case_mix"


def run_dbt(wh: Path, work: Path, args: list[str], dbt_vars: dict | None = None):
    """dbt in-process against ``wh`` (casemix.dbt_runner), target and logs under ``work``, 2 threads."""
    from casemix.dbt_runner import run_dbt as _run_dbt

    return _run_dbt(args, warehouse=wh, work_dir=work, dbt_vars=dbt_vars, threads=2)


def build_warehouse(base: Path) -> Path:
    wh = base / "wh.duckdb"
    con = duckdb.connect(str(wh))
    try:
        load_inputs(con)
    finally:
        con.close()
    run_dbt(wh, base, ["seed", "--select", "weight_versions", "official_weights", "indicator_parameters",
                        "reasonable_ranges"])
    con = duckdb.connect(str(wh))
    try:
        configure(con)
    finally:
        con.close()
    run_dbt(wh, base, ["build", "--select", CASE_MIX_SELECT, "test_type:unit,path:models/intermediate/case_mix",
                       "test_type:unit,path:models/marts/case_mix", "path:tests/case_mix",
                       "--exclude-resource-type", "seed", "--indirect-selection", "cautious"],
            dbt_vars={"case_mix_cost_layers": True})
    return wh


@pytest.fixture(scope="session")
def case_mix_wh(tmp_path_factory) -> Path:
    """The warehouse after loading the hand inputs and `dbt build` of the case-mix models + tests."""
    return build_warehouse(tmp_path_factory.mktemp("case_mix"))


@pytest.fixture(scope="session")
def query(case_mix_wh):
    def q(sql: str, params=None):
        con = duckdb.connect(str(case_mix_wh))
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()
    return q
