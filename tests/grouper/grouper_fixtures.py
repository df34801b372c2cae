"""Fixtures for the grouper tests: a hand-made scheme (two versions), hand-written front-page cases,
and one session-scoped warehouse per qy_mode built by the grouper's dbt models (dbtRunner in-process).

The hand scheme `T-1` (effective 2020-01-01 .. 2024-01-01) and `T-2` (2024-01-01 .., same rules but ES1
unsplit) are small on purpose: every expected result in test_grouper_edge_cases.py can be worked out by
reading the tables below.
"""

from __future__ import annotations

import csv
import os
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from casemix.scheme.tables import TABLE_NAMES, conform, empty

SKIP_REASON = ("CASEMIX_DRG_SCHEME_DIR is unset: point it at the CHS-DRG 1.1 DRG_Rules folder "
               "(e.g. /work/shared/reference/chs-drg/CHS_DRG_11) to run the real-scheme grouper tests")

# ---------------------------------------------------------------------------------------------- scheme
# MDC: code, name, precedence, sex, entry rule
MDCS = [
    ("A", "先期分组", 1, None, "adrg_rules"),
    ("P", "新生儿", 2, None, "age_lt_1y"),
    ("Z", "多发严重创伤", 4, None, "multi_trauma"),
    ("M", "男性生殖", 5, "1", "pdx_table"),
    ("N", "女性生殖", 6, "2", "pdx_table"),
    ("B", "神经系统", 7, None, "pdx_table"),
    ("E", "呼吸系统", 10, None, "pdx_table"),
    ("F", "循环系统", 11, None, "pdx_table"),
    ("G", "消化系统", 12, None, "pdx_table"),
    ("S", "感染", 21, None, "pdx_table"),
    ("W", "烧伤", 25, None, "pdx_table"),
    ("X", "其他就医", 26, None, "pdx_table"),
]
# MDC principal-dx tables: mdc -> [(code, body region)]
MDC_DX = {
    "P": ["P07.300", "P59.900", "P22.000"],
    "Z": [("S06.000", "头颈部创伤"), ("S27.000", "胸部创伤"), ("S36.000", "腹部创伤")],
    "M": ["N40.x00"],
    "N": ["N80.000"],
    "B": ["S06.000", "I63.900", "A17.000+G01*", "G03.900"],
    "E": ["J18.900", "J96.000", "R50.900"],
    "F": ["I21.001", "I25.100"],
    "G": ["K35.800"],
    "S": ["A39.000", "A41.900"],
    "W": ["T20.300", "T21.300"],
    "X": ["R50.900", "Z51.100"],
}
# ADRG: code, mdc, kind, file order, [alternatives: [(cond_type, list codes | None, attr, min, max)]]
ADRGS = [
    ("AH1", "A", "surgical", 1, [[("ppx_in", ["31.1x00"], None, None, None)],
                                 [("any_px_in", ["96.7201"], None, None, None),
                                  ("attr_range", None, "vent_hours", 96, None)]]),
    ("PB1", "P", "surgical", 1, [[("ppx_in", ["39.9000"], None, None, None),
                                  ("attr_range", None, "age_days", 0, 29)]]),
    ("PS1", "P", "medical", 2, [[("any_dx_in", ["P07.300"], None, None, None),
                                 ("attr_range", None, "birth_weight_g", 0, 1500)]]),
    ("PS2", "P", "medical", 3, [[("any_dx_in", ["P07.300"], None, None, None),
                                 ("attr_range", None, "birth_weight_g", 1500, 2000)]]),
    ("PS3", "P", "medical", 4, [[("any_dx_in", ["P07.300"], None, None, None),
                                 ("attr_range", None, "birth_weight_g", 2000, 2500)]]),
    ("PS4", "P", "medical", 5, [[("any_dx_in", ["P07.300"], None, None, None),
                                 ("attr_range", None, "birth_weight_g", 2500, None)]]),
    ("PU1", "P", "medical", 6, [[("pdx_in", ["P07.300", "P59.900", "P22.000"], None, None, None),
                                 ("attr_range", None, "age_days", 0, 29)]]),
    ("PV1", "P", "medical", 7, [[("pdx_in", ["P07.300", "P59.900", "P22.000"], None, None, None),
                                 ("attr_range", None, "age_days", 29, 365)]]),
    ("ZB1", "Z", "surgical", 1, [[("ppx_in", ["01.2400"], None, None, None),
                                  ("min_body_regions", None, None, 2, None)]]),
    ("ZZ1", "Z", "medical", 2, [[("mdc_pdx", None, None, None, None), ("no_or_proc", None, None, None, None),
                                 ("min_body_regions", None, None, 2, None)]]),
    ("MZ1", "M", "medical", 1, [[("pdx_in", ["N40.x00"], None, None, None)]]),
    ("NZ1", "N", "medical", 1, [[("pdx_in", ["N80.000"], None, None, None)]]),
    ("BB1", "B", "surgical", 1, [[("ppx_in", ["01.2400"], None, None, None)]]),
    ("BR1", "B", "medical", 2, [[("pdx_in", ["I63.900", "S06.000"], None, None, None)]]),
    ("BZ1", "B", "medical", 3, [[("pdx_in", ["A17.000+G01*", "G03.900"], None, None, None)]]),
    ("EB1", "E", "surgical", 1, [[("ppx_in", ["32.4x00"], None, None, None)]]),
    ("EK1", "E", "non_or", 2, [[("ppx_in", ["96.0401"], None, None, None)]]),
    ("ES1", "E", "medical", 3, [[("pdx_in", ["J18.900"], None, None, None)]]),
    ("FB1", "F", "surgical", 1, [[("any_px_in", ["36.1000"], None, None, None),
                                  ("any_px_in", ["39.6100", "36.0601"], None, None, None)]]),
    ("FM1", "F", "non_or", 2, [[("ppx_in", ["36.0601"], None, None, None)]]),
    ("FR1", "F", "medical", 3, [[("pdx_in", ["I21.001", "I25.100"], None, None, None)]]),
    ("GB1", "G", "surgical", 1, [[("ppx_in", ["47.0100"], None, None, None)]]),
    ("GZ1", "G", "medical", 2, [[("pdx_in", ["K35.800"], None, None, None)]]),
    ("SB1", "S", "surgical", 1, [[("or_proc_any", None, None, None, None)]]),
    ("SR1", "S", "medical", 2, [[("pdx_in", ["A39.000", "A41.900"], None, None, None)]]),
    ("WB1", "W", "surgical", 1, [[("pdx_in", ["T20.300"], None, None, None),
                                  ("ppx_in", ["86.6100"], None, None, None)]]),
    ("WJ1", "W", "surgical", 2, [[("or_proc_any", None, None, None, None),
                                  ("not_any_px_in", "WB1.PPX", None, None, None)]]),
    ("WR1", "W", "medical", 3, [[("pdx_in", ["T20.300", "T21.300"], None, None, None)]]),
    ("XR1", "X", "medical", 1, [[("pdx_in", ["R50.900"], None, None, None)]]),
]
# DRG severity digits per ADRG (default: unsplit '9')
SPLITS = {"ES1": "135", "BR1": "15", "GZ1": "35", "FB1": "15", "SR1": "135", "PS1": "15", "ZZ1": "15"}
# secondary dx -> (level, exclusion table or None = 无)
CC = {"J96.000": ("MCC", "T-E"), "I50.900": ("MCC", "T-F"), "E87.100": ("CC", None),
      "I63.900": ("MCC", None), "N39.000": ("CC", "T-E")}
CC_EXCLUSIONS = {"T-E": ["J18.900", "J96.000"], "T-F": ["I21.001", "I25.100"]}

_SUFFIX = {"pdx_in": "PDX", "ppx_in": "PPX", "any_dx_in": "DX"}


def hand_scheme(version: str = "T-1", effective_from: str = "2020-01-01",
                effective_to: str | None = "2024-01-01", splits: dict | None = None) -> dict[str, pd.DataFrame]:
    splits = {**SPLITS, **(splits or {})}
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_NAMES}
    v = version
    rows["scheme_versions"].append(dict(
        scheme_version=v, scheme_name=f"hand-made test scheme {v}", effective_from=effective_from,
        effective_to=effective_to, dx_edition="医保版2.0", px_edition="医保版2.0", source="tests",
        is_illustrative=True, notes=None))
    for code, name, prec, sex, rule in MDCS:
        rows["mdcs"].append(dict(scheme_version=v, mdc_code=code, mdc_name=name, precedence=prec,
                                 sex_restriction=sex, entry_rule=rule))
    for mdc, codes in MDC_DX.items():
        for c in codes:
            code, region = (c if isinstance(c, tuple) else (c, None))
            rows["mdc_principal_dx"].append(dict(scheme_version=v, mdc_code=mdc, dx_code=code,
                                                 body_region=region, dx_name=None))
    or_codes: set[str] = set()
    for adrg, mdc, kind, order, alts in ADRGS:
        rows["adrgs"].append(dict(scheme_version=v, adrg_code=adrg, adrg_name=f"{adrg} 测试组", mdc_code=mdc,
                                  kind=kind, file_order=order))
        for a, conds in enumerate(alts, 1):
            for c, (ctype, codes, attr, lo, hi) in enumerate(conds, 1):
                list_id = None
                if isinstance(codes, str):
                    list_id = codes
                elif codes is not None:
                    list_id = f"{adrg}.{_SUFFIX.get(ctype, 'PX')}{'' if a == 1 else a}{c if ctype == 'any_px_in' else ''}"
                    ctype_code = "dx" if ctype in ("pdx_in", "any_dx_in") else "px"
                    for code in codes:
                        rows["code_lists"].append(dict(scheme_version=v, list_id=list_id, code=code,
                                                       code_name=None, code_type=ctype_code, section=None))
                        # operating-room procedures = union of the surgical ADRGs' rule-text lists
                        if kind == "surgical" and ctype_code == "px" and code != "96.7201":
                            or_codes.add(code)
                rows["adrg_conditions"].append(dict(
                    scheme_version=v, adrg_code=adrg, alt_no=a, cond_no=c, cond_type=ctype, list_id=list_id,
                    attr=attr, min_value=lo, max_value=hi, source="tests", note=None))
        for digit in splits.get(adrg, "9"):
            rows["drgs"].append(dict(scheme_version=v, drg_code=adrg + digit, drg_name=f"{adrg}{digit} 测试",
                                     adrg_code=adrg, severity_digit=digit))
    for code, (level, table) in CC.items():
        rows["cc_codes"].append(dict(scheme_version=v, dx_code=code, cc_level=level, exclusion_table=table,
                                     dx_name=None))
    for table, pdxs in CC_EXCLUSIONS.items():
        for p in pdxs:
            rows["cc_exclusions"].append(dict(scheme_version=v, exclusion_table=table, pdx_code=p, pdx_name=None))
    for code in sorted(or_codes):
        rows["or_procedures"].append(dict(scheme_version=v, px_code=code, source="tests"))
    return {t: conform(t, pd.DataFrame(r)) if r else empty(t) for t, r in rows.items()}


def two_schemes() -> dict[str, pd.DataFrame]:
    t1 = hand_scheme("T-1", "2020-01-01", "2024-01-01")
    t2 = hand_scheme("T-2", "2024-01-01", None, splits={"ES1": "9"})
    return {t: pd.concat([t1[t], t2[t]], ignore_index=True) for t in TABLE_NAMES}


# ---------------------------------------------------------------------------------------------- cases
CASE_COLUMNS = ["ZZJGDM", "BAH", "ZYCS", "XB", "NL", "BZYZS_NL", "XSECSTZ", "CYSJ", "SJZYTS", "ZFY",
                "JBDM", "JBDM1", "JBDM2", "JBDM3", "SSJCZBM1", "SSJCZBM2", "SSJCZBM3"]


def case(bah: str, pdx: str, sdx: tuple = (), px: tuple = (), *, sex: str = "1", age: str = "45",
         age_days: str = "", bw: str = "", cysj: str = "2023-05-02", los: str = "5", cost: str = "1000") -> dict:
    r = dict(ZZJGDM="H001", BAH=bah, ZYCS="1", XB=sex, NL=age, BZYZS_NL=age_days, XSECSTZ=bw, CYSJ=cysj,
             SJZYTS=los, ZFY=cost, JBDM=pdx)
    for i, c in enumerate(sdx, 1):
        r[f"JBDM{i}"] = c
    for i, c in enumerate(px, 1):
        r[f"SSJCZBM{i}"] = c
    return r


def write_cases(path: Path, cases: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CASE_COLUMNS, restval="")
        w.writeheader()
        w.writerows(cases)
    return path


# Source-edition code map used by the edge-case run (dx only): every dx code of the cases maps to itself,
# 'I21.000x901' (a made-up clinical code) maps to I21.001, 'C99.999' has no row (cannot map).
CLINICAL_ONLY = {"I21.000x901": "I21.001"}
UNMAPPABLE = "C99.999"


def load_code_map(con, cases: list[dict]) -> None:
    codes = {r[k] for r in cases for k in r if k.startswith("JBDM") and r[k]}
    # both hand schemes (T-1, T-2) code in 医保版2.0: one map, open-ended
    rows = [("1", "临床版2.0", "医保版2.0", "dx", c, CLINICAL_ONLY.get(c, c), None, None)
            for c in sorted(codes) if c != UNMAPPABLE]
    con.execute("DELETE FROM reference.code_map")
    con.executemany("INSERT INTO reference.code_map VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)


# ---------------------------------------------------------------------------------------------- runs
def build_warehouse(path: Path, cases_csv: Path, scheme_tables) -> Path:
    from casemix.grouper.run import REQUIRED_COLUMNS
    from casemix.ingest.stage import load_extract_to_duckdb
    from casemix.scheme import write_scheme_duckdb

    con = duckdb.connect(str(path))
    try:
        load_extract_to_duckdb(con, cases_csv, required=REQUIRED_COLUMNS)
        write_scheme_duckdb(scheme_tables, con)
    finally:
        con.close()
    return path


# each result table with the view that writes its trace
TRACES = {"intermediate.int_discharges_grouped": "intermediate.int_discharge_grouping_traces",
          "marts.fct_discharge_groupings": "marts.fct_discharge_grouping_traces"}


def read_results(wh: Path, table: str = "intermediate.int_discharges_grouped") -> pd.DataFrame:
    """The grouping results of ``table`` with the case's BAH and the trace (from its trace view)."""
    con = duckdb.connect(str(wh))
    try:
        return con.execute(f"""
            select d.bah, g.*, t.trace from {table} as g
            join front_page.discharges as d on d.discharge_id = g.discharge_id
            left join {TRACES[table]} as t
                on t.discharge_id = g.discharge_id and t.scheme_version is not distinct from g.scheme_version
        """).df()
    finally:
        con.close()


@pytest.fixture(scope="session")
def grouped_runs(tmp_path_factory) -> dict[str, pd.DataFrame]:
    """int_discharges_grouped of the edge cases under qy_mode principal (dbt build with tests, the code
    map active for dx, comparison scheme T-2), then any and off (models only, from the same warehouse)."""
    from casemix.grouper.run import run_grouper_dbt

    from grouper_cases import EDGE_CASES

    base = tmp_path_factory.mktemp("grouper")
    cases_csv = write_cases(base / "cases.csv", EDGE_CASES)
    wh = build_warehouse(base / "wh.duckdb", cases_csv, two_schemes())
    common = {"code_map_dx_edition": "临床版2.0", "compare_scheme_versions": ["T-2"]}
    run_grouper_dbt(wh, common, command="seed", select="code_map", work_dir=base / "dbt")
    con = duckdb.connect(str(wh))
    try:
        load_code_map(con, EDGE_CASES)
    finally:
        con.close()
    # the grouper models plus their dbt data tests and unit tests
    run_grouper_dbt(wh, {**common, "qy_mode": "principal"}, with_tests=True, work_dir=base / "dbt",
                    extra_args=["--exclude-resource-type", "seed"])
    out = {"principal": read_results(wh), "mart": read_results(wh, "marts.fct_discharge_groupings")}
    # the MDC step is ephemeral (a CTE of int_discharges_grouped) without a dbt data test: its grain is
    # checked here on its compiled SQL (which carries the CTEs of the ephemeral models it reads)
    mdc_sql = next((base / "dbt" / "target" / "compiled").rglob("int_discharges_assigned_to_mdc.sql")).read_text()
    con = duckdb.connect(str(wh))
    try:
        out["mdc_grain"] = con.execute(f"""
            select count(*) as candidate_rows,
                   count(distinct (discharge_key, scheme_key, mdc_code)) as distinct_keys
            from ({mdc_sql}) as k""").df()
    finally:
        con.close()
    for mode in ("any", "off"):
        # same file name: the staging views name their catalog after the file
        (base / mode).mkdir()
        wh2 = base / mode / wh.name
        shutil.copy(wh, wh2)
        run_grouper_dbt(wh2, {**common, "qy_mode": mode}, work_dir=base / "dbt",
                        select="int_discharges_assigned_to_adrg+,+fct_discharge_groupings int_discharge_grouping_traces")
        out[mode] = read_results(wh2)
    return out


def real_scheme_dir() -> Path:
    d = os.environ.get("CASEMIX_DRG_SCHEME_DIR", "")
    for part in d.split(","):
        p = Path(part.strip())
        if part.strip() and (p / "1_MDC.txt").exists() and (p / "4_ADRG_DETAIL.txt").exists():
            return p
    pytest.skip(SKIP_REASON if not d else f"CASEMIX_DRG_SCHEME_DIR={d} holds no DRG_Rules folder (1_MDC.txt)")
