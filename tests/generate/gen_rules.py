"""Independent clean-case predicates for the tests (written from standards.md §1.2–1.4 and §3.2, not
from the generator's own code lists). Each returns a boolean Series: True = the row breaks the rule."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from casemix.layout import FEE_ITEMS


def _s(df, c) -> pd.Series:
    return df[c] if c in df else pd.Series([None] * len(df), index=df.index)


def empty(x: pd.Series) -> pd.Series:
    return x.isna() | (x.astype(str).str.strip() == "")


def dx_slots(df) -> list[int]:
    return sorted(int(c[4:]) for c in df.columns if re.fullmatch(r"JBDM\d+", c))


def px_slots(df) -> list[int]:
    return sorted(int(c[7:]) for c in df.columns if re.fullmatch(r"SSJCZBM\d+", c))


def all_dx(df) -> pd.DataFrame:
    return pd.concat([df["JBDM"]] + [df[f"JBDM{n}"] for n in dx_slots(df)], axis=1)


def _key(code) -> str:
    return "" if code is None else str(code).upper().replace(".", "")


def in_range(code, lo: str, hi: str | None = None) -> bool:
    hi = hi or lo
    k = _key(code)[: len(lo)]
    return bool(k) and lo <= k <= hi


def any_in(codes, ranges) -> bool:
    return any(c and any(in_range(c, *r.split("-")) if "-" in r else in_range(c, r) for r in ranges)
               for c in codes)


MALE_DX = ["C60-C63", "N40-N51", "Q53-Q55", "R86", "E29", "D29", "D40"]
FEMALE_DX = ["O00-O99", "C51-C58", "N70-N98", "D25-D28", "D39", "Q50-Q52", "Z32-Z37", "Z39", "E28", "R87"]
SEQUELAE = ["B90-B94", "E64", "E68", "G09", "I69", "O97", "T90-T98", "Y85-Y89"]


def completed_years(birth: pd.Series, ref: pd.Series) -> pd.Series:
    b = pd.to_datetime(birth)
    r = pd.to_datetime(ref)
    return r.dt.year - b.dt.year - ((r.dt.month < b.dt.month) | ((r.dt.month == b.dt.month) & (r.dt.day < b.dt.day)))


def violations(df: pd.DataFrame, or_codes: set[str]) -> dict[str, pd.Series]:
    v: dict[str, pd.Series] = {}
    # CMP-001 required fields
    req = ["ZZJGDM", "BAH", "ZYCS", "XM", "XB", "CSRQ", "NL", "RYSJ", "CYSJ", "RYTJ", "CYKB", "LYFS", "JBDM",
           "ZYZD", "RYBQ", "SFZH", "XZZ", "DH", "YB1", "LXRXM", "GX", "DH1", "RYKB", "SJZYTS", "ZFY", "JKKH"]
    v["CMP-001"] = pd.concat([empty(df[c]) for c in req], axis=1).any(axis=1) | (df["ZZJGDM"].str.len() != 18)
    v["CMP-001.zycs"] = ~(pd.to_numeric(df["ZYCS"]) >= 1)
    # CMP-002 value sets
    v["CMP-002.XB"] = ~df["XB"].isin(["1", "2"])
    v["CMP-002.RYTJ"] = ~df["RYTJ"].isin(["1", "2", "3", "9"])
    v["CMP-002.LYFS"] = ~df["LYFS"].isin(["1", "2", "3", "4", "5"])     # 9 is CMP-007
    v["PDX-009"] = ~df["RYBQ"].isin(["1", "2", "3"])
    v["CMP-002.HY"] = ~df["HY"].isin(["1", "2", "3", "4", "9"])
    for n in dx_slots(df):
        v[f"CMP-004.{n}"] = (~empty(df[f"JBDM{n}"]) & (~df[f"RYBQ{n}"].isin(["1", "2", "3", "4"]) | empty(df[f"QTZD{n}"])))
    # dates
    rysj, cysj = pd.to_datetime(df["RYSJ"]), pd.to_datetime(df["CYSJ"])
    v["DT-001"] = ~(rysj <= cysj)
    v["DT-002"] = (pd.to_numeric(df["RYSJ_S"]) != rysj.dt.hour) | (pd.to_numeric(df["CYSJ_S"]) != cysj.dt.hour)
    los = np.maximum(1, (cysj.dt.normalize() - rysj.dt.normalize()).dt.days)
    v["DT-003"] = pd.to_numeric(df["SJZYTS"]) != los
    nl = pd.to_numeric(df["NL"])
    v["DT-005"] = nl != completed_years(df["CSRQ"], rysj.dt.normalize())
    days = (rysj.dt.normalize() - pd.to_datetime(df["CSRQ"])).dt.days
    bz = pd.to_numeric(df["BZYZS_NL"])
    v["DT-005.days"] = (nl == 0) & ~((bz == days) & (bz >= 0) & (bz <= 365))
    v["DT-006"] = (df["SFZH"].str.slice(6, 14) != df["CSRQ"].str.replace("-", "")) | \
        ((df["SFZH"].str.slice(16, 17).astype(int) % 2 == 1) != (df["XB"] == "1"))
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    chk = df["SFZH"].map(lambda s: "10X98765432"[sum(int(a) * b for a, b in zip(s[:17], w)) % 11] == s[17])
    v["SFZH.check"] = ~chk
    # newborn weights
    nb = (nl == 0) & (bz <= 28)
    bw, aw = pd.to_numeric(df["XSECSTZ"]), pd.to_numeric(df["XSERYTZ"])
    v["AGE-006"] = nb & ~(bw.between(100, 9999) & aw.between(100, 9999))
    v["XSERYTZ.age"] = aw.notna() & ~nb
    v["weights.10g"] = (bw.notna() & (bw % 10 != 0)) | (aw.notna() & (aw % 10 != 0))
    # procedures
    for n in px_slots(df):
        code = df[f"SSJCZBM{n}"]
        has = ~empty(code)
        d = pd.to_datetime(df[f"SSJCZRQ{n}"])
        v[f"PX-001.{n}"] = has != ~empty(df[f"SSJCZMC{n}"])
        v[f"PX-005.{n}"] = has & ~((d >= rysj.dt.normalize()) & (d <= cysj.dt.normalize()))
        is_or = code.isin(or_codes)
        v[f"PX-002.{n}"] = is_or & (~df[f"SSJB{n}"].isin(["1", "2", "3", "4"]) | empty(df[f"SZ{n}"]) | empty(df[f"YZ{n}"]))
        v[f"PX-003.{n}"] = is_or & (empty(df[f"QKDJ{n}"]) | empty(df[f"QKYHLB{n}"]) | empty(df[f"MZFS{n}"]) | empty(df[f"MZYS{n}"]))
        v[f"PX-004.{n}"] = empty(df[f"MZFS{n}"]) != empty(df[f"MZYS{n}"])
        v[f"PX-006.{n}"] = (n == 1) & code.fillna("").str.match(r"00\.(4[0-35-8]|7[4-7]|9[1-4])")
    # discharge
    v["CMP-008"] = ((df["LYFS"] == "2") & empty(df["YZZY_JGMC"])) | ((df["LYFS"] == "3") & empty(df["WSY_JGMC"]))
    v["CMP-009"] = ((df["SFZZYJH"] == "2") & empty(df["MD"])) | ((df["SFZZYJH"] == "1") & ~empty(df["MD"])) | \
        ~df["SFZZYJH"].isin(["1", "2"])
    v["CMP-010"] = ((df["YWGM"] == "2") & empty(df["GMYW"])) | ((df["YWGM"] == "1") & ~empty(df["GMYW"]))
    v["DS-001"] = (df["LYFS"] == "5") & ~df["SWHZSJ"].isin(["1", "2"])
    v["DS-002"] = (df["LYFS"] == "5") & (df["SFZZYJH"] != "1")
    # diagnoses
    dxs = all_dx(df)
    pdx = df["JBDM"]
    v["PDX-011"] = pdx.str.match(r"[ST]") & ~df["H23"].fillna("").str.match(r"[V-Y]")
    neo = pdx.map(lambda c: any_in([c], ["C00-C97", "D00-D48"]))
    v["PDX-012"] = neo & (~df["JBMM"].fillna("").str.match(r"M[89]\d{3}/\d") | empty(df["BLH"]))
    v["PDX-012.meta"] = pdx.map(lambda c: any_in([c], ["C77-C79"])) & ~df["JBMM"].fillna("").str.endswith("/6")
    v["PDX-001/ODX-006"] = dxs.apply(lambda r: any(c and str(c)[0] in "VWXY" for c in r), axis=1)
    v["PDX-003"] = pdx.map(lambda c: any_in([c], ["B95-B97"]))
    v["PDX-004"] = pdx.map(lambda c: any_in([c], ["T31", "Z37", "Z38", "Z85-Z92"]))
    v["PDX-005"] = pdx.fillna("").str.contains(r"\*")
    v["PDX-006"] = pdx.map(lambda c: any_in([c], SEQUELAE))
    v["PDX-007"] = pdx.str.startswith("R") & dxs.iloc[:, 1:].apply(
        lambda r: any(c and not str(c).startswith("R") for c in r), axis=1)
    v["PDX-010"] = dxs.iloc[:, 1:].apply(lambda r: r.iloc[0] in set(r.iloc[1:]), axis=1) if False else \
        dxs.apply(lambda r: r.iloc[0] in set(x for x in r.iloc[1:] if x), axis=1)
    v["ODX-001"] = dxs.iloc[:, 1:].apply(lambda r: len([x for x in r if x]) != len({x for x in r if x}), axis=1)
    delivery = dxs.apply(lambda r: any_in(r, ["O80-O84"]), axis=1)
    z37 = dxs.apply(lambda r: any_in(r, ["Z37"]), axis=1)
    v["ODX-004"] = delivery & ~z37
    v["ODX-005"] = z37 & ~bw.between(100, 9999)
    # sex and age conflicts
    male_dx = dxs.apply(lambda r: any_in(r, MALE_DX), axis=1)
    female_dx = dxs.apply(lambda r: any_in(r, FEMALE_DX), axis=1)
    v["SEX-001"] = male_dx & (df["XB"] == "2")
    v["SEX-002"] = female_dx & (df["XB"] == "1")
    pxs = pd.concat([df[f"SSJCZBM{n}"] for n in px_slots(df)], axis=1)
    ch = pxs.apply(lambda col: pd.to_numeric(col.str.slice(0, 2), errors="coerce"))
    v["SEX-003"] = (((ch >= 60) & (ch <= 64)).any(axis=1) & (df["XB"] == "2")) | \
        (((ch >= 65) & (ch <= 75)).any(axis=1) & (df["XB"] == "1"))
    age_days = days
    perinatal = dxs.apply(lambda r: any_in(r, ["P00-P96"]), axis=1)
    v["AGE-001"] = perinatal & (nl > 5)
    v["AGE-002"] = pdx.str.startswith("P") & (age_days > 28)
    v["AGE-003"] = dxs.apply(lambda r: any_in(r, ["P10-P15"]), axis=1) & (age_days > 28)
    v["AGE-004"] = dxs.apply(lambda r: any_in(r, ["O00-O99", "C50-C63", "D24-D29"]), axis=1) & (nl <= 12)
    v["AGE-005"] = dxs.apply(lambda r: any_in(r, ["O00-O99"]), axis=1) & ~nl.between(12, 55)
    v["CMP-012"] = (nl < 6) & ~df["ZY"].isin(["90"])
    v["CMP-011.phone"] = ~df["DH"].str.fullmatch(r"1[3-9]\d{9}") | df["DH"].isin(["11111111111", "12345678911"])
    v["CMP-011.post"] = ~df["YB1"].str.fullmatch(r"\d{6}") | (df["YB1"] == "123456")
    v["CMP-011.name"] = df["XM"].str.contains(r"[\dA-Za-z\W_]", regex=True)
    v["GX/HY"] = (df["GX"] == "1") & (df["HY"] != "2")
    # fees
    fees = {c: pd.to_numeric(df[c]) for c in (*FEE_ITEMS, "ZFY", "ZFJE", "WLZLF", "MAF", "SSF", "KJYWF")}
    item_sum = sum(fees[c] for c in FEE_ITEMS)
    v["FEE-001"] = ~(fees["ZFY"] > 0)
    v["FEE-002"] = (item_sum - fees["ZFY"]).abs() > 0.005
    v["FEE-003"] = (fees["WLZLF"] > fees["FSSZLXMF"]) | (fees["MAF"] + fees["SSF"] > fees["SSZLF"] + 0.005) | \
        (fees["KJYWF"] > fees["XYF"])
    v["FEE-004"] = (fees["ZFJE"] < 0) | (fees["ZFJE"] > fees["ZFY"]) | \
        pd.concat([fees[c] < 0 for c in fees], axis=1).any(axis=1)
    v["FEE-005"] = (los > 1) & ~((fees["YLFUF"] > 0) & (fees["HLF"] > 0))
    v["FEE-006"] = (los > 1) & ~(fees["HCYYCLF"] + fees["YYCLF"] + fees["YCXYYCLF"] > 0)
    has_anaes = pd.concat([~empty(df[f"MZFS{n}"]) for n in px_slots(df)], axis=1).any(axis=1)
    has_or = pxs.isin(or_codes).any(axis=1)
    v["FEE-007"] = has_anaes & ~(fees["MAF"] > 0)
    v["FEE-008"] = has_or & ~(fees["SSF"] > 0)
    v["PX-009"] = (fees["SSF"] > 0) & ~(~pxs.isna()).any(axis=1)
    v["FEE-009"] = (fees["XF"] > 0) & ~df["RH"].isin(["1", "2"])
    v["GRP-002"] = los > 60
    return v
