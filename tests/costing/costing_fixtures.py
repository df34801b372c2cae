"""Fixtures for the costing tests: hand-made costing inputs and cases in a temp DuckDB, the costing dbt
models built once per session with dbtRunner (seeds, models, their data tests, unit tests and the
singular tests in dbt/tests/costing).

Hospital H1, month 2024-01, one hospital small enough to compute by hand (see test_step_down.py and
test_case_costs.py for the arithmetic):
  administrative A1 (headcount), A2 (floor area, its own driver), auxiliary X1 (service volume),
  medical-technical M1 (lab, ordering revenue), M2 (imaging, ordering revenue),
  clinical inpatient C1, C2, C3 (+ C1O an outpatient half of C1, no cost); two cost items
  (personnel, other_operating) plus a fiscal-project row on C1 and a 科教 row on C3.
Hospital H2 has no costing inputs: its cases test the payment rules (and stay unmapped for costing).
The grouper and case-mix marts are mocked as plain tables (marts.fct_discharge_groupings,
marts.fct_case_mix_discharges, the latter with the benchmark means of BENCHMARKS), so the costing models are
built alone.
"""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb
import pytest

DBT_DIR = Path(__file__).resolve().parents[2] / "dbt"
MONTH = "2024-01"

DEPARTMENTS = [  # hospital, code, name, class, setting, driver override, service kind
    ("H1", "A1", "院办", "行政后勤类", "", "", ""),
    ("H1", "A2", "后勤保障科", "administrative", "", "floor_area", ""),
    ("H1", "X1", "消毒供应中心", "医疗辅助类", "", "", ""),
    ("H1", "M1", "检验科", "医疗技术类", "", "", "lab"),
    ("H1", "M2", "放射科", "medical_technical", "", "", "imaging"),
    ("H1", "C1", "呼吸内科病区", "临床服务类", "住院", "", ""),
    ("H1", "C1O", "呼吸内科门诊", "clinical", "outpatient", "", ""),
    ("H1", "C2", "消化内科病区", "clinical", "inpatient", "", ""),
    ("H1", "C3", "心内科病区", "clinical", "inpatient", "", ""),
]
MAPPING = [("H1", "03.01", "C1", "C1O"), ("H1", "03.02", "C2", ""), ("H1", "03.04", "C3", "")]
LEDGER = [  # hospital, month, cost centre, cost item, fund source, amount
    ("H1", MONTH, "A1", "personnel", "own", "1000.00"),
    ("H1", MONTH, "A1", "other_operating", "own", "300.00"),
    ("H1", MONTH, "A2", "人员经费", "自有资金", "600.00"),
    ("H1", MONTH, "X1", "personnel", "own", "800.00"),
    ("H1", MONTH, "X1", "other_operating", "own", "100.00"),
    ("H1", MONTH, "M1", "personnel", "own", "1200.00"),
    ("H1", MONTH, "M1", "other_operating", "own", "400.00"),
    ("H1", MONTH, "M2", "personnel", "own", "900.00"),
    ("H1", MONTH, "C1", "personnel", "own", "5000.00"),
    ("H1", MONTH, "C1", "other_operating", "own", "1000.00"),
    ("H1", MONTH, "C1", "personnel", "fiscal_project", "100.00"),
    ("H1", MONTH, "C2", "personnel", "own", "4000.00"),
    ("H1", MONTH, "C3", "personnel", "own", "3000.00"),
    ("H1", MONTH, "C3", "other_operating", "own", "500.00"),
    ("H1", MONTH, "C3", "other_operating", "research_teaching", "50.00"),
]
DRIVERS = [  # hospital, month, driver, source, target, quantity
    *[("H1", MONTH, "headcount", "", t, q) for t, q in
      [("A2", 1), ("X1", 2), ("M1", 3), ("M2", 2), ("C1", 5), ("C2", 4), ("C3", 4)]],
    *[("H1", MONTH, "floor_area", "", t, q) for t, q in
      [("X1", 50), ("M1", 100), ("M2", 150), ("C1", 300), ("C2", 200), ("C3", 200)]],
    *[("H1", MONTH, "service_volume", "X1", t, q) for t, q in
      [("M1", 1), ("M2", 1), ("C1", 4), ("C2", 2), ("C3", 2)]],
    *[("H1", MONTH, "ordering_revenue", "M1", t, q) for t, q in [("C1", 600), ("C2", 300), ("C3", 100)]],
    *[("H1", MONTH, "ordering_revenue", "M2", t, q) for t, q in [("C1", 1), ("C2", 1), ("C3", 1)]],
]
# Ledger revenue (医疗收入) for the reconciliation (test_revenue_reconciliation.py)
REVENUE = [("H1", MONTH, "C1", "inpatient", "5000.00"), ("H1", MONTH, "C1O", "outpatient", "800.00"),
           ("H1", MONTH, "C2", "inpatient", "1500.00"), ("H1", MONTH, "C3", "inpatient", "300.00"),
           ("H1", MONTH, "M1", "inpatient", "700.00")]

# Bad rows (one per reason); each must land in costing.quarantine, never in a table.
BAD_LEDGER = [
    ("H1", MONTH, "ZZ", "personnel", "own", "10.00"),          # unknown cost centre
    ("H1", "2024-13", "C1", "personnel", "own", "10.00"),      # bad month
    ("H1", MONTH, "C2", "salaries", "own", "10.00"),           # unknown cost item
    ("H1", MONTH, "C2", "drugs", "own", "abc"),                # not a number
    ("H1", MONTH, "C2", "drugs", "own", "1.005"),              # more than 2 decimals
    ("H1", MONTH, "A1", "personnel", "own", "5.00"),           # duplicate key
]
BAD_DRIVERS = [("H1", MONTH, "headcount", "", "C1", "-1")]     # negative quantity
BAD_MAPPING = [("H1", "99", "M1", "")]                          # target not a clinical inpatient centre

FEES = ["western_drug", "treatment_material", "nursing", "lab_diagnosis", "imaging_diagnosis"]
FEE_COLUMNS = {"western_drug": "xyf", "treatment_material": "yyclf", "nursing": "hlf",
               "lab_diagnosis": "syszdf", "imaging_diagnosis": "yxxzdf"}

# The three C1 cases of test_case_costs.py and the one C2 case d (test_margins.py: revenue = variable
# cost, so no break-even): id, patient, dept, admission, discharge, LOS, fees, doctor
CASES = [
    ("a", "pa", "H1", "03.01", "2024-01-01", "2024-01-03", 2, dict(western_drug=500, treatment_material=100, nursing=500, lab_diagnosis=300, imaging_diagnosis=0), "D1"),
    ("b", "pb", "H1", "03.01", "2024-01-05", "2024-01-08", 3, dict(western_drug=1000, treatment_material=0, nursing=300, lab_diagnosis=100, imaging_diagnosis=400), "D1"),
    ("c", "pc", "H1", "03.01", "2024-01-10", "2024-01-15", 5, dict(western_drug=900, treatment_material=400, nursing=200, lab_diagnosis=0, imaging_diagnosis=200), "D2"),
    ("d", "pd", "H1", "03.02", "2024-01-10", "2024-01-14", 4, dict(western_drug=1800, treatment_material=200, nursing=0, lab_diagnosis=0, imaging_diagnosis=0), "D1"),
]
# Their DRG and RW (grouper and weights stand-ins): a, b share AA1; RWs differ so cost per RW and the
# CMI cost index differ at department level.
H1_DRGS = {"a": ("AA1", 1.0), "b": ("AA1", 1.0), "c": ("AB1", 2.0), "d": ("AD1", 0.5)}
# Benchmark means of each DRG in the weight version W-TEST (mean LOS, mean 住院总费用 of its benchmark
# population: the stand-in of fct_case_mix_discharges.benchmark_mean_los_days / _cost_amount). They are
# deliberately not the means of the loaded cases for AB1 and AD1 (one case each), so test_margins.py can tell
# the efficiency quadrant reads the case-mix benchmark. H2's DRGs: their loaded means (LOS 4, charge 1000.00).
BENCHMARKS = {"AA1": (2.5, 1600.0), "AB1": (4.0, 2000.0), "AD1": (5.0, 1600.0),
              "XX1": (4.0, 1000.0), "YY1": (4.0, 1000.0), "WW1": (4.0, 1000.0), "ZZ1": (4.0, 1000.0)}


def _payment_cases() -> tuple[list[tuple], list[tuple], list[tuple]]:
    """H2 cases for the payment rules. DRG means are exact: X 1000.00 (10 cases), Y 1000.00 (5), W 1000.00 (5),
    Z 1000.00 (4).
    Returns (cases, groupings, weights)."""
    cases, groups, weights = [], [], []

    def add(cid, drg, rw, charge, status="grouped", patient=None, adm="2024-01-01", dis="2024-01-05"):
        cases.append((cid, patient or f"p{cid}", "H2", "04", adm, dis, 4, dict(nursing=charge), "D9"))
        groups.append((cid, "H2", drg if status in ("grouped", "qy") else None, status))
        if rw is not None:
            weights.append((cid, rw))

    # X: RW 1.00 (tier RW ≤ 1: high > 3 × mean, low < 0.4 × mean)
    x = [("x1", 3000.00), ("x2", 400.00), ("x3", 399.99), ("x4", 400.01), ("x5", 2999.99),
         ("x6", 560.00), ("x7", 560.00), ("x8", 560.00), ("x9", 560.00), ("x10", 560.01)]
    for cid, c in x:
        if cid == "x6":
            add(cid, "XX1", 1.0, c, patient="pr", adm="2024-01-01", dis="2024-01-10")
        elif cid == "x7":
            add(cid, "XX1", 1.0, c, patient="pr", adm="2024-01-25", dis="2024-01-28")   # 15 days later
        elif cid == "x8":
            add(cid, "XX1", 1.0, c, patient="ps", adm="2024-01-01", dis="2024-01-10")
        elif cid == "x9":
            add(cid, "XX1", 1.0, c, patient="ps", adm="2024-01-26", dis="2024-01-29")   # 16 days later
        else:
            add(cid, "XX1", 1.0, c)
    # Y: RW 2.00 (tier 1 < RW ≤ 2: high > 2 × mean)
    for cid, c in [("y1", 2000.01), ("y2", 2000.00), ("y3", 100.00), ("y4", 449.99), ("y5", 450.00)]:
        add(cid, "YY1", 2.0, c)
    # W: RW 1.01, just above the first band (tier 1 < RW ≤ 2: high > 2 × mean, not 3 ×); mean
    # (2000.01 + 2000.00 + 3 × 333.33) / 5 = 5000.00 / 5 = 1000.00
    for cid, c in [("w1", 2000.01), ("w2", 2000.00), ("w3", 333.33), ("w4", 333.33), ("w5", 333.33)]:
        add(cid, "WW1", 1.01, c)
    # Z: RW 2.01 (tier RW > 2: high > 1.5 × mean)
    for cid, c in [("z1", 1500.01), ("z2", 1500.00), ("z3", 500.00), ("z4", 499.99)]:
        add(cid, "ZZ1", 2.01, c)
    add("q1", "QY", None, 500.00, status="qy")
    add("u1", None, None, 700.00, status="0000")
    return cases, groups, weights


def write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


def write_landing(folder: Path, *, with_bad_rows: bool = True) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_csv(folder / "departments.csv", ["hospital_id", "cost_center_code", "cost_center_name", "dept_class",
                                           "care_setting", "allocation_driver", "service_kind"], DEPARTMENTS)
    write_csv(folder / "dept_mapping.csv", ["hospital_id", "discharge_dept_code", "inpatient_cost_center_code",
                                            "outpatient_cost_center_code"],
              MAPPING + (BAD_MAPPING if with_bad_rows else []))
    write_csv(folder / "cost_ledger.csv", ["hospital_id", "month", "cost_center_code", "cost_item",
                                           "fund_source", "amount"], LEDGER + (BAD_LEDGER if with_bad_rows else []))
    write_csv(folder / "allocation_drivers.csv", ["hospital_id", "month", "driver", "source_cost_center_code",
                                                  "target_cost_center_code", "quantity"],
              DRIVERS + (BAD_DRIVERS if with_bad_rows else []))
    write_csv(folder / "dept_revenue.csv", ["hospital_id", "month", "cost_center_code", "patient_type",
                                            "amount"], REVENUE)
    return folder


def load_front_page(con: duckdb.DuckDBPyConnection, cases: list[tuple]) -> None:
    from casemix.ingest.stage import ensure_schema, insert_discharges

    ensure_schema(con)
    cols = ["discharge_id", "patient_id", "partition_month", "zzjgdm", "bah", "zycs", "cykb", "rysj", "cysj", "sjzyts",
            "zzys", "zfy", *FEE_COLUMNS.values()]
    rows = []
    for cid, pid, h, dept, adm, dis, los, fees, doc in cases:
        total = sum(fees.values())
        rows.append((cid, pid, dis[:8] + "01", h, f"B-{cid}", 1, dept, adm, dis, los, doc, total,
                     *[fees.get(f, 0) for f in FEE_COLUMNS]))
    insert_discharges(con, cols, f"VALUES ({', '.join('?' for _ in cols)})", rows, many=True)


def mock_upstream(con: duckdb.DuckDBPyConnection, groups: list[tuple], weights: list[tuple],
                  cases: list[tuple] = ()) -> None:
    """Stand-ins for the grouper mart and the case-mix discharge mart (built by other work streams).
    marts.fct_case_mix_discharges carries what costing reads (discharge_id, rw, weight_version) and what the
    case-mix measures (macro case_mix_measures, read by fct_efficiency_quadrants) need: unit, DRG, status,
    LOS, charge and the DRG's benchmark means (BENCHMARKS) on cases grouped with an RW; never own-benchmarked
    (two hospitals)."""
    con.execute("CREATE SCHEMA IF NOT EXISTS marts")
    con.execute("""CREATE OR REPLACE TABLE marts.fct_discharge_groupings (discharge_id VARCHAR,
        hospital_id VARCHAR, partition_month DATE, discharge_date DATE, scheme_version VARCHAR, mdc_code VARCHAR,
        adrg_code VARCHAR, adrg_name VARCHAR, adrg_kind VARCHAR, drg_code VARCHAR, severity_level VARCHAR,
        grouping_status VARCHAR, status_reason VARCHAR, dx_match VARCHAR, is_grouped BOOLEAN,
        is_excluded BOOLEAN)""")
    con.executemany("""INSERT INTO marts.fct_discharge_groupings (discharge_id, hospital_id, scheme_version,
        drg_code, grouping_status, is_grouped, is_excluded) VALUES (?, ?, 'T-1', ?, ?, ?, false)""",
                    [(d, h, drg, st, st == "grouped") for d, h, drg, st in groups])
    con.execute("""CREATE OR REPLACE TABLE marts.fct_case_mix_discharges (discharge_id VARCHAR, rw DOUBLE,
        weight_version VARCHAR, hospital_id VARCHAR, discharge_dept_code VARCHAR, attending_doctor VARCHAR,
        discharge_month DATE, discharge_date DATE, scheme_version VARCHAR, mdc_code VARCHAR, adrg_code VARCHAR,
        drg_code VARCHAR, grouping_status VARCHAR, is_excluded BOOLEAN, los_days DOUBLE,
        total_cost_amount DECIMAL(18,2), is_death BOOLEAN, weight_status VARCHAR, is_grouped_for_cmi BOOLEAN,
        benchmark_mean_cost_amount DOUBLE, benchmark_mean_los_days DOUBLE, is_own_benchmark BOOLEAN,
        mortality_risk_level INTEGER)""")
    rw = dict(weights)
    stay = {c[0]: c for c in cases}
    rows = []
    for d, h, drg, st in groups:
        _, _, _, dept, _, dis, los, fees, doc = stay.get(d, (d, None, h, None, None, None, None, {}, None))
        weighted = st == "grouped" and rw.get(d) is not None
        bench_los, bench_cost = BENCHMARKS.get(drg, (None, None)) if weighted else (None, None)
        rows.append((d, rw.get(d), "W-TEST", h, dept, doc, dis and dis[:8] + "01", dis, "T-1", drg, st,
                     los, sum(fees.values()), "weighted" if weighted else "not_grouped", weighted,
                     bench_cost, bench_los))
    con.executemany("""INSERT INTO marts.fct_case_mix_discharges (discharge_id, rw, weight_version, hospital_id,
        discharge_dept_code, attending_doctor, discharge_month, discharge_date, scheme_version, drg_code,
        grouping_status, is_excluded, los_days, total_cost_amount, is_death, weight_status, is_grouped_for_cmi,
        benchmark_mean_cost_amount, benchmark_mean_los_days, is_own_benchmark)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, false, ?, ?, false, ?, ?, ?, ?, false)""", rows)


COSTING_SELECT = ("stg_front_page__discharges path:models/staging/costing path:models/intermediate/costing "
                  "path:models/marts/costing path:models/marts/payment path:tests/costing path:tests/payment")


def run_dbt(wh: Path, work: Path, args: list[str], dbt_vars: dict | None = None):
    """dbt in-process against ``wh`` (casemix.dbt_runner), target and logs under ``work``, 2 threads."""
    from casemix.dbt_runner import run_dbt as _run_dbt

    return _run_dbt(args, warehouse=wh, work_dir=work, dbt_vars=dbt_vars, threads=2)


@pytest.fixture(scope="session")
def costing_wh(tmp_path_factory) -> Path:
    """The warehouse after loading the hand inputs and `dbt build` of the costing models + tests."""
    from casemix.costing.load import load_costing

    base = tmp_path_factory.mktemp("costing")
    wh = base / "wh.duckdb"
    landing = write_landing(base / "landing" / "costing")
    pcases, groups, weights = _payment_cases()
    con = duckdb.connect(str(wh))
    try:
        load_costing(con, landing)
        load_front_page(con, CASES + pcases)
        mock_upstream(con, groups + [(c, "H1", drg, "grouped") for c, (drg, _) in H1_DRGS.items()],
                      weights + [(c, rw) for c, (_, rw) in H1_DRGS.items()], CASES + pcases)
    finally:
        con.close()
    run_dbt(wh, base, ["seed", "--select", "costing_parameters", "payment_parameters", "indicator_parameters"])
    run_dbt(wh, base, ["build", "--select", COSTING_SELECT, "--exclude-resource-type", "seed",
                       "--indirect-selection", "cautious"])
    return wh


@pytest.fixture(scope="session")
def query(costing_wh):
    def q(sql: str, params=None):
        con = duckdb.connect(str(costing_wh))
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()
    return q
