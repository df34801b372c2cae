"""The code map per target edition (issue 4.3), end to end on hand cases.

Two hand schemes side by side: T-1 (dx edition 医保版2.0, effective 2020-01-01, primary for a 2023
discharge because its effective_from is the latest) and T-1B (the same rules, dx edition 医保版1.0,
effective 2019-01-01, run as a comparison scheme). The data are coded in 临床版2.0
(code_map_dx_edition), so every dx code goes through the map rows whose target edition is the scheme's:

  code          -> 医保版2.0 (T-1)     -> 医保版1.0 (T-1B)
  I21.000x901      I21.001               I25.100          (one code, two targets)
  J18.900          J18.900               J18.900
  E11.900          '' (cannot map)       E11.900
  C99.999          no row                no row           (cannot map under both)

Expected by hand from the hand scheme (grouper_fixtures.py): I21.001 and I25.100 are both in the MDCF
table and in FR1.PDX, FR1 is unsplit -> FR19 under both, with the mapped code in the trace. J18.900 with
E11.900: under T-1 E11.900 cannot be mapped -> cannot_map (GRP-005); under T-1B it maps to itself, is on
no MCC/CC list -> ES1 with no CC -> ES15 (ES1 splits 1/3/5). C99.999 -> cannot_map under both.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

from grouper_fixtures import build_warehouse, case, hand_scheme, read_results, write_cases
from casemix.scheme.tables import TABLE_NAMES

CASES = [
    case("MAP", "I21.000x901"),
    case("PARTIAL", "J18.900", sdx=("E11.900",)),
    case("UNMAP", "C99.999"),
]
MAP_ROWS = [
    ("1", "临床版2.0", "医保版2.0", "dx", "I21.000x901", "I21.001", None, None),
    ("1", "临床版2.0", "医保版2.0", "dx", "J18.900", "J18.900", None, None),
    ("1", "临床版2.0", "医保版2.0", "dx", "E11.900", "", None, None),
    ("1", "临床版2.0", "医保版1.0", "dx", "I21.000x901", "I25.100", None, None),
    ("1", "临床版2.0", "医保版1.0", "dx", "J18.900", "J18.900", None, None),
    ("1", "临床版2.0", "医保版1.0", "dx", "E11.900", "E11.900", None, None),
]


@pytest.fixture(scope="module")
def mapped_runs(tmp_path_factory) -> pd.DataFrame:
    from casemix.grouper.run import run_grouper_dbt

    base = tmp_path_factory.mktemp("grouper_code_map")
    t1 = hand_scheme("T-1", "2020-01-01", "2024-01-01")
    t1b = hand_scheme("T-1B", "2019-01-01", "2024-01-01")
    t1b["scheme_versions"]["dx_edition"] = "医保版1.0"
    tables = {t: pd.concat([t1[t], t1b[t]], ignore_index=True) for t in TABLE_NAMES}
    wh = build_warehouse(base / "wh.duckdb", write_cases(base / "cases.csv", CASES), tables)
    dbt_vars = {"code_map_dx_edition": "临床版2.0", "compare_scheme_versions": ["T-1B"]}
    run_grouper_dbt(wh, dbt_vars, command="seed", select="code_map", work_dir=base / "dbt")
    con = duckdb.connect(str(wh))
    try:
        con.executemany("INSERT INTO reference.code_map VALUES (?, ?, ?, ?, ?, ?, ?, ?)", MAP_ROWS)
    finally:
        con.close()
    run_grouper_dbt(wh, dbt_vars, work_dir=base / "dbt", extra_args=["--exclude-resource-type", "seed"])
    return read_results(wh).set_index(["bah", "scheme_version"])


def test_primary_scheme_is_the_one_in_force(mapped_runs):
    prim = mapped_runs[mapped_runs["is_primary_scheme"]].reset_index()
    assert set(prim["scheme_version"]) == {"T-1"}
    assert len(mapped_runs) == 2 * len(CASES)


def test_one_code_mapped_differently_for_two_target_editions(mapped_runs):
    a, b = mapped_runs.loc[("MAP", "T-1")], mapped_runs.loc[("MAP", "T-1B")]
    assert (a["grouping_status"], a["adrg_code"], a["drg_code"]) == ("grouped", "FR1", "FR19")
    assert (b["grouping_status"], b["adrg_code"], b["drg_code"]) == ("grouped", "FR1", "FR19")
    assert "主要诊断 I21.001 在 MDCF 主诊表" in a["trace"] and "I25.100" not in a["trace"]
    assert "主要诊断 I25.100 在 MDCF 主诊表" in b["trace"] and "I21.001" not in b["trace"]


def test_cannot_map_under_one_target_edition_only(mapped_runs):
    a, b = mapped_runs.loc[("PARTIAL", "T-1")], mapped_runs.loc[("PARTIAL", "T-1B")]
    assert a["grouping_status"] == "cannot_map"
    assert a["status_reason"] == "GRP-005 编码不能转换为分组方案版本: dx E11.900"
    assert a["drg_code"] is None or pd.isna(a["drg_code"])
    assert (b["grouping_status"], b["drg_code"], b["severity_level"]) == ("grouped", "ES15", "none")


def test_unmappable_code_cannot_map_under_both(mapped_runs):
    for version in ("T-1", "T-1B"):
        r = mapped_runs.loc[("UNMAP", version)]
        assert r["grouping_status"] == "cannot_map"
        assert r["status_reason"] == "GRP-005 编码不能转换为分组方案版本: dx C99.999"
