"""The documented distributions (docs/generator.md), measured on the ≈3,600-case demo set from the
extracts themselves: severity from the scheme's CC/MCC and exclusion tables, surgery from its OR list."""

from __future__ import annotations

import pandas as pd
import pytest


@pytest.fixture(scope="module")
def measured(demo, demo_tables):
    df = demo["data"]
    t = demo_tables
    cc = dict(zip(t["cc_codes"]["dx_code"], zip(t["cc_codes"]["cc_level"], t["cc_codes"]["exclusion_table"])))
    excl = set(zip(t["cc_exclusions"]["exclusion_table"], t["cc_exclusions"]["pdx_code"]))

    def severity(row) -> int:
        best = 0
        for n in range(1, 16):
            c = row[f"JBDM{n}"]
            if c in cc:
                lvl, tab = cc[c]
                if isinstance(tab, str) and (tab, row["JBDM"]) in excl:
                    continue
                best = max(best, 2 if lvl == "MCC" else 1)
        return best

    or_codes = set(t["or_procedures"]["px_code"])
    hosp = pd.read_csv(demo["out"] / "reference" / "hospitals.csv", dtype=str)
    level = df["ZZJGDM"].map(dict(zip(hosp["zzjgdm"], hosp["level"])))
    return pd.DataFrame({
        "los": pd.to_numeric(df["SJZYTS"]), "cost": pd.to_numeric(df["ZFY"]),
        "sev": df.apply(severity, axis=1), "death": df["LYFS"] == "5", "level": level,
        "surgery": df.filter(regex=r"^SSJCZBM\d+$").isin(or_codes).any(axis=1),
    })


def test_los_skewed(measured):
    los = measured["los"]
    assert 6 <= los.median() <= 8
    assert 13 <= los.quantile(0.9) <= 19
    assert los.mean() > los.median()          # right skew
    assert los.max() <= 60


def test_cost_skewed_and_dispersed(measured):
    cost = measured["cost"]
    cv = cost.std() / cost.mean()
    assert 0.8 <= cv <= 1.5
    assert cost.mean() > 1.4 * cost.median()
    assert 8000 <= cost.median() <= 15000


def test_mcc_cc_rates(measured):
    sev = measured["sev"]
    assert 0.06 <= (sev == 2).mean() <= 0.12
    assert 0.20 <= (sev == 1).mean() <= 0.32


def test_death_rate(measured):
    assert 0.005 <= measured["death"].mean() <= 0.015
    # deaths concentrate in severe cases
    by = measured.groupby(measured["sev"] == 2)["death"].mean()
    assert by[True] > 4 * by[False]


def test_surgery_share_by_level(measured):
    share = measured.groupby("level")["surgery"].mean()
    assert 0.28 <= share["3"] <= 0.42
    assert 0.15 <= share["2"] <= 0.30
    assert share["3"] - share["2"] >= 0.06


def test_cost_rises_with_severity_and_surgery(measured):
    med = measured.groupby("sev")["cost"].median()
    assert med[0] < med[1] < med[2]
    assert med[2] > 1.5 * med[0]
    by_surg = measured.groupby("surgery")["cost"].median()
    assert by_surg[True] > 2.5 * by_surg[False]
    # LOS rises with severity too
    los = measured.groupby("sev")["los"].median()
    assert los[0] <= los[1] <= los[2]
