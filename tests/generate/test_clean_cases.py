"""Clean cases trip no quality rule (standards §3.2), checked with independent predicates (gen_rules.py)
on the extracts read back through the ingest reader."""

from __future__ import annotations

import pandas as pd

from gen_rules import violations


def _clean_rows(demo) -> pd.DataFrame:
    df = demo["data"]
    man = demo["result"].manifest
    if len(man):
        bad = set(zip(man["ZZJGDM"], man["BAH"], man["ZYCS"].astype(str)))
        keep = [k not in bad for k in zip(df["ZZJGDM"], df["BAH"], df["ZYCS"].astype(str))]
        df = df[keep]
    return df.reset_index(drop=True)


def test_every_rule_passes_on_clean_cases(demo, demo_tables):
    df = _clean_rows(demo)
    assert len(df) > 3000
    or_codes = set(demo_tables["or_procedures"]["px_code"].astype(str))
    broken = {rule: df.loc[mask.fillna(True).astype(bool), ["_file", "BAH", "JBDM"]].head(3).to_dict("records")
              for rule, mask in violations(df, or_codes).items() if mask.fillna(True).astype(bool).any()}
    assert broken == {}


def test_natural_key_unique(demo):
    df = demo["data"]
    assert not df.duplicated(["ZZJGDM", "BAH", "ZYCS"]).any()


def test_codes_come_from_the_scheme_with_their_names(demo_clean, demo_tables):
    """CMP-005: every dx/px code of a clean case exists in the scheme vocabulary and carries its name."""
    t = demo_tables
    dx_names = dict(zip(t["code_lists"]["code"], t["code_lists"]["code_name"]))
    dx_names.update(zip(t["mdc_principal_dx"]["dx_code"], t["mdc_principal_dx"]["dx_name"]))
    dx_names.update(zip(t["cc_codes"]["dx_code"], t["cc_codes"]["dx_name"]))
    pairs = [("JBDM", "ZYZD")] + [(f"JBDM{n}", f"QTZD{n}") for n in range(1, 16)] + \
        [(f"SSJCZBM{n}", f"SSJCZMC{n}") for n in range(1, 8)]
    df = demo_clean
    for code_col, name_col in pairs:
        sub = df[df[code_col].notna()]
        assert sub[code_col].map(dx_names).eq(sub[name_col]).all(), code_col


def test_newborn_and_obstetric_cases(demo):
    df = demo["data"]
    nl = pd.to_numeric(df["NL"])
    bz = pd.to_numeric(df["BZYZS_NL"])
    newborn = df[(nl == 0) & (bz <= 28)]
    bw = pd.to_numeric(newborn["XSECSTZ"])
    assert len(newborn) > 60
    # birth weights across the CHS-DRG bands
    assert (bw < 1500).sum() > 3 and bw.between(1500, 2499).sum() > 3 and (bw >= 2500).sum() > 20
    infants = df[(nl == 0) & (bz > 28)]
    assert len(infants) > 10 and infants["XSECSTZ"].isna().all()
    z37 = df.filter(regex=r"^JBDM\d+$").apply(lambda c: c.fillna("").str.startswith("Z37")).any(axis=1)
    mothers = df[z37]
    assert len(mothers) > 100 and (mothers["XB"] == "2").all()
    assert pd.to_numeric(mothers["XSECSTZ"]).between(1000, 5000).all()
    assert mothers["XSERYTZ"].isna().all()
