"""CHS-DRG 1.1 and 1.0-revised imported from the DRG_Rules text: the counts of the real content
(see /work/shared/domain/drg.md §1) and specific parsed rules."""

from __future__ import annotations

import pandas as pd
import pytest

pytestmark = pytest.mark.realscheme


def _conds(t, adrg):
    c = t["adrg_conditions"]
    return c[c["adrg_code"] == adrg].sort_values(["alt_no", "cond_no"]).reset_index(drop=True)


def _triples(t, adrg):
    return [(int(r.alt_no), r.cond_type, None if pd.isna(r.list_id) else r.list_id, r.source)
            for r in _conds(t, adrg).itertuples()]


# ------------------------------------------------------------------------------------------- 1.1 counts
def test_mdc_adrg_drg_counts(chs11):
    assert len(chs11["mdcs"]) == 26
    a = chs11["adrgs"]
    assert len(a) == 376
    assert a["kind"].value_counts().to_dict() == {"medical": 186, "surgical": 166, "non_or": 24}
    assert len(chs11["drgs"]) == 628
    assert chs11["scheme_versions"]["scheme_version"].tolist() == ["CHS-DRG-1.1"]
    assert not chs11["scheme_versions"]["is_illustrative"].any()


def test_severity_splits(chs11):
    splits = chs11["drgs"].groupby("adrg_code")["severity_digit"].agg(lambda s: "".join(sorted(s)))
    assert splits.value_counts().to_dict() == {"9": 192, "135": 68, "35": 61, "15": 55}
    # every ADRG has DRGs, every DRG's ADRG exists
    assert set(splits.index) == set(chs11["adrgs"]["adrg_code"])


def test_mdc_precedence_and_entry(chs11):
    m = chs11["mdcs"].sort_values("precedence")
    assert "".join(m["mdc_code"]) == "APYZMNBCDEFGHIJKLOQRSTUVWX"
    assert dict(zip(m["mdc_code"], m["entry_rule"]))["P"] == "age_lt_1y"
    assert dict(zip(m["mdc_code"], m["entry_rule"]))["Z"] == "multi_trauma"
    assert dict(zip(m["mdc_code"], m["entry_rule"]))["A"] == "adrg_rules"
    sex = m.dropna(subset=["sex_restriction"])
    assert dict(zip(sex["mdc_code"], sex["sex_restriction"])) == {"M": "1", "N": "2"}


def test_mcc_cc_counts(chs11):
    cc = chs11["cc_codes"]
    assert cc["dx_code"].is_unique
    mcc, ccs = cc[cc["cc_level"] == "MCC"], cc[cc["cc_level"] == "CC"]
    assert len(mcc) == 4678
    assert len(ccs) == 16568
    # 无 = always counts
    assert mcc["exclusion_table"].isna().sum() == 35
    assert ccs["exclusion_table"].isna().sum() == 133
    # spot checks from the dumps: a record inside a long page line, and a 无 record
    row = cc.set_index("dx_code")
    assert row.loc["A05.300", "exclusion_table"] == "7-1" and row.loc["A05.300", "cc_level"] == "MCC"
    assert pd.isna(row.loc["U82.100x001", "exclusion_table"])


def test_exclusion_tables(chs11):
    ex = chs11["cc_exclusions"]
    assert ex["exclusion_table"].nunique() == 223
    assert len(ex) == 28300
    assert not ex.duplicated(["exclusion_table", "pdx_code"]).any()
    # every table an MCC/CC code names exists
    named = set(chs11["cc_codes"]["exclusion_table"].dropna())
    assert named <= set(ex["exclusion_table"])


def test_every_detail_code_line_is_loaded_or_listed(chs11):
    """4_ADRG_DETAIL has 89,228 code lines: each lands in a table or in residue."""
    res = chs11["residue"]
    detail_left = res[(res["file"] == "4_ADRG_DETAIL.txt") & res["line_no"].notna()]
    supplement_codes = chs11["code_lists"]["section"].eq("supplement").sum()
    loaded = len(chs11["mdc_principal_dx"]) + len(chs11["code_lists"]) - supplement_codes
    assert loaded + len(detail_left) == 89228


def test_rule_structure_counts(chs11):
    c = chs11["adrg_conditions"]
    rt = c[c["source"] == "rule_text"]
    pdx = set(rt.loc[rt["cond_type"] == "pdx_in", "adrg_code"])
    ppx = set(rt.loc[rt["cond_type"] == "ppx_in", "adrg_code"])
    combos = {"JA1", "JA2", "NA1"}
    assert len(pdx - combos) == 207 and combos <= pdx
    assert len(ppx) == 177
    assert len(pdx & ppx) == 25
    assert {"BB1", "RA1", "RA2", "RA3", "RA4", "WB1", "FK1"} <= pdx & ppx
    # MDC principal-dx tables: all MDCs but A; MDCZ split into 9 body regions
    mp = chs11["mdc_principal_dx"]
    assert set(mp["mdc_code"]) == set("BCDEFGHIJKLMNOPQRSTUVWXYZ")
    assert mp.loc[mp["mdc_code"] == "Z", "body_region"].nunique() == 9
    assert mp.loc[mp["mdc_code"] != "Z", "body_region"].isna().all()
    # every referenced list exists, every ADRG has at least one condition
    assert set(c["list_id"].dropna()) <= set(chs11["code_lists"]["list_id"])
    assert set(c["adrg_code"]) == set(chs11["adrgs"]["adrg_code"])


@pytest.mark.parametrize("adrg", ["AC1", "FB1", "FE1", "FF2", "IB1"])
def test_both_procedures_any_slot(chs11, adrg):
    tr = _triples(chs11, adrg)
    anys = [t for t in tr if t[1] == "any_px_in"]
    assert [t[2] for t in anys] == [f"{adrg}.PX1", f"{adrg}.PX2"]
    assert {t[0] for t in anys} == {1}


def test_ac1_lists(chs11):
    assert _triples(chs11, "AC1") == [(1, "any_px_in", "AC1.PX1", "rule_text"), (1, "any_px_in", "AC1.PX2", "rule_text")]
    cl = chs11["code_lists"]
    assert set(cl.loc[cl["list_id"] == "AC1.PX1", "code"]) == {"52.8000", "52.8200", "52.8300"}
    assert set(cl.loc[cl["list_id"] == "AC1.PX2", "code"]) == {"55.6100", "55.6901"}


def test_ja1_combinations(chs11):
    assert _triples(chs11, "JA1") == [
        (1, "pdx_in", "JA1.PDX", "rule_text"), (1, "any_px_in", "JA1.T1", "rule_text"),
        (1, "any_px_in", "JA1.T2", "rule_text"),
        (2, "pdx_in", "JA1.PDX", "rule_text"), (2, "any_px_in", "JA1.T1", "rule_text"),
        (2, "any_px_in", "JA1.T3", "rule_text"), (2, "any_px_in", "JA1.T4", "rule_text")]
    cl = chs11["code_lists"].set_index(["list_id", "code"])
    assert cl.loc[("JA1.T1", "85.5300x001"), "section"] == "手术表 1"
    assert cl.loc[("JA1.PDX", "C50.000"), "code_type"] == "dx"
    # NA1 writes its tables as 手术 1：/手术 2：/手术 3：
    assert [t[2] for t in _triples(chs11, "NA1")] == ["NA1.PDX", "NA1.T1", "NA1.PDX", "NA1.T2", "NA1.T3"]
    assert ("NA1.T1", "67.4x00x002") in cl.index


def test_all_or_procedures_and_any_dx(chs11):
    for a in ("SB1", "TB1", "XJ1"):
        assert _triples(chs11, a) == [(1, "or_proc_any", None, "rule_text")]
    assert _triples(chs11, "YC1") == [(1, "any_dx_in", "YC1.DX", "rule_text")]
    assert _triples(chs11, "WJ1") == [(1, "or_proc_any", None, "supplement"),
                                      (1, "not_any_px_in", "WB1.PPX", "supplement")]


def test_zz1_and_mdcz(chs11):
    c = _conds(chs11, "ZZ1")
    assert c["cond_type"].tolist() == ["mdc_pdx", "no_or_proc", "min_body_regions"]
    assert c["min_value"].iloc[2] == 2
    for a in ("ZB1", "ZC1", "ZD1", "ZJ1"):
        assert _conds(chs11, a)["cond_type"].tolist() == ["ppx_in", "min_body_regions"]


def test_newborn_bands(chs11):
    bands = {}
    for a in ("PS1", "PS2", "PS3", "PS4"):
        c = _conds(chs11, a)
        assert c["cond_type"].tolist() == ["any_dx_in", "attr_range"]
        r = c.iloc[1]
        assert r["attr"] == "birth_weight_g" and r["source"] == "supplement"
        bands[a] = (r["min_value"], None if pd.isna(r["max_value"]) else r["max_value"])
    assert bands == {"PS1": (0, 1500), "PS2": (1500, 2000), "PS3": (2000, 2500), "PS4": (2500, None)}
    pu, pv = _conds(chs11, "PU1").iloc[-1], _conds(chs11, "PV1").iloc[-1]
    assert (pu["attr"], pu["min_value"], pu["max_value"]) == ("age_days", 0, 29)
    assert (pv["attr"], pv["min_value"], pv["max_value"]) == ("age_days", 29, 365)


def test_ah1(chs11):
    c = _conds(chs11, "AH1")
    assert c[c["alt_no"] == 1]["cond_type"].tolist() == ["ppx_in"]
    alt2 = c[c["alt_no"] == 2]
    assert alt2["cond_type"].tolist() == ["any_px_in", "attr_range"]
    assert alt2.iloc[1]["attr"] == "vent_hours" and alt2.iloc[1]["min_value"] == 96
    cl = chs11["code_lists"]
    assert cl.loc[cl["list_id"] == "AH1.VENT96", "code"].tolist() == ["96.7201"]
    assert "96.7201" in set(cl.loc[cl["list_id"] == "AH1.PPX", "code"])


def test_or_procedures_derived(chs11):
    c, cl = chs11["adrg_conditions"], chs11["code_lists"]
    surg = set(chs11["adrgs"].query("kind == 'surgical'")["adrg_code"])
    lists = set(c[c["adrg_code"].isin(surg) & c["cond_type"].isin(["ppx_in", "any_px_in"])
                  & (c["source"] == "rule_text")]["list_id"])
    expected = set(cl[cl["list_id"].isin(lists)]["code"])
    orp = chs11["or_procedures"]
    assert set(orp["px_code"]) == expected
    assert (orp["source"] == "derived: union of surgical ADRG lists").all()
    assert "47.0900" in expected or "47.0100" in expected  # appendectomy is an OR procedure


def test_residue_lists_leftovers(chs11):
    res = chs11["residue"]
    assert len(res) > 0 and res["problem"].notna().all()
    bad = res[res["token"] == "86.700x0013"]
    assert len(bad) >= 1 and bad["problem"].str.startswith("malformed procedure code").all()
    assert not (chs11["code_lists"]["code"] == "86.700x0013").any()
    missing = res[res["problem"].str.contains("missing from MDC", regex=False)]
    assert len(missing) > 0
    # the nine K75.8 CC codes printed four times each: 27 identical repeats dropped
    dup = res[(res["file"] == "6_CC.txt")]
    assert len(dup) == 27 and dup["token"].str.startswith("K75.8").all()


# ------------------------------------------------------------------------------------------- 1.0 revised
def test_chs10p_counts(chs10p):
    assert len(chs10p["mdcs"]) == 26
    assert len(chs10p["adrgs"]) == 376
    assert len(chs10p["drgs"]) == 618
    cc = chs10p["cc_codes"]
    assert (cc["cc_level"] == "MCC").sum() == 2379
    assert (cc["cc_level"] == "CC").sum() == 7882
    assert cc["dx_code"].is_unique
    assert set(chs10p["adrg_conditions"]["list_id"].dropna()) <= set(chs10p["code_lists"]["list_id"])


def test_chs10p_rules(chs10p):
    # AH1: 入组条件一 (tracheostomy 和 96.7201, any slot) or 入组条件二 (ECMO)
    assert _triples(chs10p, "AH1") == [(1, "any_px_in", "AH1.PX1", "rule_text"),
                                       (1, "any_px_in", "AH1.PX2", "rule_text"),
                                       (2, "any_px_in", "AH1.PX3", "rule_text")]
    # VC1 "见 JD2 手术表"
    assert _triples(chs10p, "VC1") == [(1, "ppx_in", "JD2.PPX", "rule_text")]
    res = chs10p["residue"]
    empty = set(res.loc[res["problem"] == "exclusion table with no principal diagnoses", "token"])
    assert empty == {"表 7-9", "表 7-42", "表 7-55", "表 7-85", "表 7-87", "表 7-140"}
