"""Hand-written edge cases through the grouper's dbt models (one dbt build per qy_mode, session fixture).

Expected results are worked out by hand from the hand scheme in conftest.py (see grouper_cases.py)."""

from __future__ import annotations

import pandas as pd
import pytest

from grouper_cases import EDGE_CASES, EXPECT, QY_EXPECT


def _primary(df: pd.DataFrame) -> pd.DataFrame:
    return df[df["is_primary_scheme"]].set_index("bah")


def _none(v):
    return None if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA else v


@pytest.mark.parametrize("bah", list(EXPECT))
def test_edge_case_principal_mode(grouped_runs, bah):
    r = _primary(grouped_runs["principal"]).loc[bah]
    got = tuple(_none(r[c]) for c in ("grouping_status", "mdc_code", "adrg_code", "drg_code", "severity_level"))
    assert got == EXPECT[bah], r["trace"]


def test_every_case_has_one_primary_row_and_a_trace(grouped_runs):
    df = grouped_runs["principal"]
    prim = df[df["is_primary_scheme"]]
    assert sorted(prim["bah"]) == sorted(c["BAH"] for c in EDGE_CASES)
    assert prim["trace"].notna().all() and (prim["trace"].str.len() > 0).all()
    mart = grouped_runs["mart"].set_index("bah")
    assert len(mart) == len(prim)
    assert (mart["drg_code"].fillna("-") == prim.set_index("bah").loc[mart.index, "drg_code"].fillna("-")).all()


def test_candidate_mdcs_are_one_row_per_case_scheme_and_mdc(grouped_runs):
    g = grouped_runs["mdc_grain"].iloc[0]
    assert g["candidate_rows"] > 0
    assert g["candidate_rows"] == g["distinct_keys"]


@pytest.mark.parametrize("bah", list(QY_EXPECT))
@pytest.mark.parametrize("mode", ["any", "off"])
def test_qy_modes(grouped_runs, bah, mode):
    r = _primary(grouped_runs[mode]).loc[bah]
    assert (r["grouping_status"], r["adrg_code"], r["drg_code"]) == QY_EXPECT[bah][mode], r["trace"]


def test_qy_trace_names_the_procedure(grouped_runs):
    r = _primary(grouped_runs["principal"]).loc["QY-PRINCIPAL"]
    assert "47.0100" in r["trace"] and "歧义" in r["trace"]
    assert r["status_reason"].startswith("GRP-007")


def test_invalid_reasons(grouped_runs):
    p = _primary(grouped_runs["principal"])
    assert p.loc["SEX9", "status_reason"] == "GRP-001 性别无效(9)"
    assert p.loc["NOAGE", "status_reason"] == "GRP-001 年龄缺失"
    assert p.loc["AGE0-NODAYS", "status_reason"].startswith("GRP-004 年龄为0岁但缺少年龄(天)")
    assert p.loc["NEWBORN-NOBW", "status_reason"].startswith("GRP-004 新生儿")
    assert p.loc["NODX", "status_reason"] == "GRP-004 诊断为空"
    assert p.loc["NOPDX-SDX", "status_reason"] == "GRP-004 主要诊断缺失"
    # invalid wins over excluded; both reasons stay visible upstream
    assert p.loc["INVALID-AND-LOS", "grouping_status"] == "invalid"
    assert p.loc["INVALID-AND-LOS", "is_excluded"]
    assert p.loc["IN-2019", "status_reason"] == "出院日期没有生效的分组方案"


def test_exclusions_keep_their_reference_drg(grouped_runs):
    p = _primary(grouped_runs["principal"])
    assert p.loc["LOS70", "status_reason"].startswith("GRP-002 住院天数 70 天 > 60 天")
    assert p.loc["COST3", "status_reason"].startswith("GRP-003 总费用 3.00 元 < 5 元")
    assert "ES15" in p.loc["LOS70", "status_reason"]


def test_unmappable_code_and_mapped_code(grouped_runs):
    p = _primary(grouped_runs["principal"])
    assert p.loc["UNMAPPABLE", "status_reason"] == "GRP-005 编码不能转换为分组方案版本: dx C99.999"
    assert "I21.001" in p.loc["MAPPED", "trace"]


def test_dagger_match_is_recorded(grouped_runs):
    # dx_match is derived on read by the mart from the form ranks int_discharges_grouped stores
    p = _primary(grouped_runs["principal"])
    assert (p.loc["DAGGER-WHOLE", "mdc_form_rank"], p.loc["DAGGER-PART", "mdc_form_rank"]) == (1, 2)
    m = grouped_runs["mart"].set_index("bah")
    assert m.loc["DAGGER-WHOLE", "dx_match"] == "whole"
    assert m.loc["DAGGER-PART", "dx_match"] == "dagger"
    assert "剑号部分 A39.000" in p.loc["DAGGER-PART", "trace"]


def test_fall_through_is_traced(grouped_runs):
    t = _primary(grouped_runs["principal"]).loc["FALL", "trace"]
    assert "MDCE" in t and "转下一 MDC" in t and "XR1" in t


def test_severity_trace_names_excluded_and_counted_codes(grouped_runs):
    p = _primary(grouped_runs["principal"])
    assert "J96.000 MCC(被排除：主要诊断 J18.900 在排除表 T-E)" in p.loc["MCC-EXCLUDED", "trace"]
    assert "I50.900 MCC(排除表 T-F 不含主要诊断)" in p.loc["MCC-COUNTS", "trace"]
    assert "（MCC，ADRG 无 1 组，取 3）" in p.loc["MCC-NO1", "trace"]
    assert "（CC，ADRG 无 3 组，取 5）" in p.loc["CC-NO3", "trace"]
    assert "（ADRG 不细分，取 9）" in p.loc["UNSPLIT", "trace"]


def test_comparison_scheme_rows(grouped_runs):
    df = grouped_runs["principal"]
    cmp_rows = df[~df["is_primary_scheme"]].set_index("bah")
    # every discharge whose primary scheme is not T-2 is also grouped with T-2 (ES1 unsplit there)
    assert set(cmp_rows["scheme_version"]) == {"T-2"}
    assert "IN-2024" not in cmp_rows.index
    assert cmp_rows.loc["MCC-COUNTS", "drg_code"] == "ES19"
    assert cmp_rows.loc["IN-2019", "drg_code"] == "ES19"
    prim = _primary(df)
    assert prim.loc["MCC-COUNTS", "scheme_version"] == "T-1"
    assert prim.loc["IN-2024", "scheme_version"] == "T-2"
