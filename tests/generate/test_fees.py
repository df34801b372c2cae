"""Fee identities (standards §1.3) on every clean generated row, to the cent (the rows the defect
injector broke on purpose are left out: their fee defects are the quality rules' test data)."""

from __future__ import annotations

from decimal import Decimal

from casemix.layout import FEE_ITEMS, FEE_SUB_ITEMS


def test_total_is_the_sum_of_the_24_items_to_the_cent(demo_clean):
    df = demo_clean
    cents = {c: df[c].str.replace(".", "", regex=False).astype("int64") for c in (*FEE_ITEMS, "ZFY")}
    assert (sum(cents[c] for c in FEE_ITEMS) == cents["ZFY"]).all()
    # spot-check the integer-cent parse against exact decimals on a few rows
    for _, r in df[list(FEE_ITEMS) + ["ZFY"]].head(20).iterrows():
        assert sum(Decimal(r[c]) for c in FEE_ITEMS) == Decimal(r["ZFY"])


def test_sub_items_within_parents_and_self_pay_within_total(demo_clean):
    df = demo_clean
    d = {c: df[c].map(Decimal) for c in (*FEE_ITEMS, *FEE_SUB_ITEMS, "ZFY", "ZFJE")}
    assert (d["WLZLF"] <= d["FSSZLXMF"]).all()
    assert (d["MAF"] + d["SSF"] <= d["SSZLF"]).all()
    assert (d["KJYWF"] <= d["XYF"]).all()
    assert ((d["ZFJE"] >= 0) & (d["ZFJE"] <= d["ZFY"])).all()
    assert all((d[c] >= 0).all() for c in d)
    # two decimals everywhere
    for c in d:
        assert df[c].str.fullmatch(r"\d+\.\d{2}").all(), c


def test_self_pay_patients_pay_everything(demo_clean):
    df = demo_clean
    own = df[df["YLFKFS"] == "07"]
    assert len(own) > 50 and (own["ZFJE"] == own["ZFY"]).all()
